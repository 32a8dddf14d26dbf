//! Constraint spellings a target lacks, in `CREATE TABLE` and `ALTER TABLE .. ADD`:
//! - A named column constraint (`key text CONSTRAINT key_uniq UNIQUE`, `CONSTRAINT ok CHECK (..)`)
//!   moves to the table's constraints under the same name (`CONSTRAINT key_uniq UNIQUE (key)`),
//!   where the target names constraints only there; a named column `PRIMARY KEY` loses its name
//!   (MySQL calls every primary key `PRIMARY`).
//! - `DEFERRABLE` / `INITIALLY ..` are dropped where the target checks every constraint at once:
//!   a transaction that breaks a deferred constraint for a while then fails at that statement
//!   instead of at COMMIT; rows that satisfy the constraint are stored as in PostgreSQL.

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, IndexColumn, Statement, TableConstraint,
};

use crate::TargetDialect;

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    match statement {
        Statement::CreateTable(create) => {
            if !target.supports_named_column_constraints() {
                for column in &mut create.columns {
                    create.constraints.extend(named_constraints(column));
                }
            }
            if !target.supports_deferrable_constraints() {
                create.columns.iter_mut().for_each(drop_column_deferral);
                create.constraints.iter_mut().for_each(drop_deferral);
            }
        }
        Statement::AlterTable(alter) if !target.supports_deferrable_constraints() => {
            for operation in &mut alter.operations {
                match operation {
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        drop_deferral(constraint);
                    }
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        drop_column_deferral(column_def);
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Takes the named UNIQUE, CHECK and REFERENCES options out of `column`, as table constraints
/// on it; a named PRIMARY KEY stays on the column without its name.
fn named_constraints(column: &mut ColumnDef) -> Vec<TableConstraint> {
    let mut moved = Vec::new();
    let mut kept = Vec::new();
    for mut option in std::mem::take(&mut column.options) {
        let Some(name) = option.name.take() else {
            kept.push(option);
            continue;
        };
        match option.option {
            ColumnOption::Unique(mut unique) => {
                unique.name = Some(name);
                unique.columns = vec![IndexColumn::from(column.name.clone())];
                moved.push(TableConstraint::Unique(unique));
            }
            ColumnOption::Check(mut check) => {
                check.name = Some(name);
                moved.push(TableConstraint::Check(check));
            }
            ColumnOption::ForeignKey(mut key) => {
                key.name = Some(name);
                key.columns = vec![column.name.clone()];
                moved.push(TableConstraint::ForeignKey(key));
            }
            other => {
                option.option = other;
                kept.push(option);
            }
        }
    }
    column.options = kept;
    moved
}

fn drop_column_deferral(column: &mut ColumnDef) {
    for option in &mut column.options {
        match &mut option.option {
            ColumnOption::PrimaryKey(key) => key.characteristics = None,
            ColumnOption::Unique(unique) => unique.characteristics = None,
            ColumnOption::ForeignKey(key) => key.characteristics = None,
            _ => {}
        }
    }
}

fn drop_deferral(constraint: &mut TableConstraint) {
    match constraint {
        TableConstraint::PrimaryKey(key) => key.characteristics = None,
        TableConstraint::Unique(unique) => unique.characteristics = None,
        TableConstraint::ForeignKey(key) => key.characteristics = None,
        _ => {}
    }
}
