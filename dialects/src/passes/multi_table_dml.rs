//! `UPDATE t SET .. FROM u WHERE ..` and `DELETE FROM t USING u WHERE ..` on a target with
//! multi-table statements instead: `UPDATE t JOIN u SET t.c = .. WHERE ..` (assignments
//! qualified with the target table, which PostgreSQL implies) and
//! `DELETE FROM t USING t, u WHERE ..`. `UPDATE .. RETURNING`, and `RETURNING` of a multi-table
//! `DELETE`, are refused where the target cannot return rows from them.

use sqlparser::ast::{
    AssignmentTarget, FromTable, Ident, Join, JoinConstraint, JoinOperator, ObjectNamePart,
    Statement, TableFactor, UpdateTableFromKind,
};

use crate::{TargetDialect, TranslateError};

/// The name a table goes by in the statement: its alias, else the last part of its name.
fn name_in_query(relation: &TableFactor) -> Option<Ident> {
    match relation {
        TableFactor::Table {
            alias: Some(alias), ..
        } => Some(alias.name.clone()),
        TableFactor::Table { name, .. } => match name.0.last() {
            Some(ObjectNamePart::Identifier(ident)) => Some(ident.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let refuse = |construct: &str| Err(TranslateError::unsupported(construct, target.name()));
    match statement {
        Statement::Update(update) => {
            if update.returning.is_some() && !target.supports_update_returning() {
                return refuse("UPDATE .. RETURNING");
            }
            if target.supports_update_from() {
                return Ok(());
            }
            let Some(UpdateTableFromKind::AfterSet(from)) = update.from.take() else {
                return Ok(());
            };
            let Some(qualifier) = name_in_query(&update.table.relation) else {
                return refuse("UPDATE .. FROM");
            };
            for table in from {
                update.table.joins.push(Join {
                    relation: table.relation,
                    global: false,
                    join_operator: JoinOperator::Join(JoinConstraint::None),
                });
                update.table.joins.extend(table.joins);
            }
            for assignment in &mut update.assignments {
                if let AssignmentTarget::ColumnName(name) = &mut assignment.target
                    && name.0.len() == 1
                {
                    name.0
                        .insert(0, ObjectNamePart::Identifier(qualifier.clone()));
                }
            }
        }
        Statement::Delete(delete) => {
            let Some(using) = &mut delete.using else {
                return Ok(());
            };
            if target.supports_update_from() {
                return Ok(());
            }
            if delete.returning.is_some() {
                return refuse("DELETE .. USING .. RETURNING");
            }
            let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) =
                &mut delete.from;
            let [table] = tables.as_slice() else {
                return refuse("DELETE from several tables");
            };
            let Some(deleted) = name_in_query(&table.relation) else {
                return refuse("DELETE .. USING");
            };
            // FROM names the table rows are deleted from, USING declares every table read.
            using.insert(0, table.clone());
            let mut named = table.clone();
            if let TableFactor::Table { name, alias, .. } = &mut named.relation {
                *name = sqlparser::ast::ObjectName::from(vec![deleted]);
                *alias = None;
            }
            tables[0] = named;
        }
        _ => {}
    }
    Ok(())
}
