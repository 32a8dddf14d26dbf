//! `CREATE TABLE | INDEX .. IF NOT EXISTS` on a target without the clause (SQL Server): the
//! statement, translated by the passes before, runs under `IF <the object is missing>`, the
//! condition given by [`TargetDialect::missing_object_condition`]
//! (`IF OBJECT_ID(N't', N'U') IS NULL CREATE TABLE t ..`). `ADD COLUMN IF NOT EXISTS` has no
//! such guard here and is refused; `DROP .. IF EXISTS` is T-SQL (2016+) and kept.

use sqlparser::ast::{AlterTableOperation, Statement};

use super::replace_with_target_sql;
use crate::{TargetDialect, TranslateError};

/// The table and index a `CREATE .. IF NOT EXISTS` makes, clearing the clause.
fn guarded_object(statement: &mut Statement) -> Option<(String, Option<String>)> {
    match statement {
        Statement::CreateTable(create) if create.if_not_exists => {
            create.if_not_exists = false;
            Some((create.name.to_string(), None))
        }
        Statement::CreateIndex(index) if index.if_not_exists => {
            index.if_not_exists = false;
            let name = index.name.as_ref().map(ToString::to_string);
            Some((index.table_name.to_string(), name))
        }
        _ => None,
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.missing_object_condition("", None).is_none() {
        return Ok(());
    }
    if let Statement::AlterTable(alter) = statement
        && alter.operations.iter().any(|operation| {
            matches!(
                operation,
                AlterTableOperation::AddColumn {
                    if_not_exists: true,
                    ..
                }
            )
        })
    {
        return Err(TranslateError::unsupported(
            "ADD COLUMN IF NOT EXISTS",
            target.name(),
        ));
    }
    let Some((table, index)) = guarded_object(statement) else {
        return Ok(());
    };
    let Some(condition) = target.missing_object_condition(&table, index.as_deref()) else {
        return Ok(());
    };
    let text = format!("IF {condition} {statement}");
    replace_with_target_sql(
        statement,
        &text,
        "CREATE .. IF NOT EXISTS of this form",
        target,
    )
}
