//! `UPDATE t SET .. FROM u WHERE ..` and `DELETE FROM t USING u WHERE ..` on a target with
//! multi-table statements instead: `UPDATE t JOIN u SET t.c = .. WHERE ..` (assignments
//! qualified with the target table, which PostgreSQL implies) and
//! `DELETE FROM t USING t, u WHERE ..`. `UPDATE .. RETURNING`, and `RETURNING` of a multi-table
//! `DELETE`, are refused where the target cannot return rows from them.
//!
//! On a target whose `DELETE` reads one table but whose rows have an id (SQLite's `rowid`), the
//! rows to delete are chosen by a subquery that joins the tables instead:
//! `DELETE FROM t WHERE t.rowid IN (SELECT t.rowid FROM t, u WHERE ..)`, which keeps `RETURNING`
//! of the deleted table's columns; where `RETURNING` reads the written table only, one that
//! reads the other tables (`*` included, which in PostgreSQL returns their columns too) is
//! refused (0A000).

use sqlparser::ast::{
    AssignmentTarget, FromTable, Ident, Join, JoinConstraint, JoinOperator, ObjectNamePart,
    Statement, TableFactor, UpdateTableFromKind,
};

use std::ops::ControlFlow;

use crate::{TargetDialect, TranslateError};

/// Refuses a `RETURNING` that reads more than the written table, on a target whose
/// `RETURNING` reads that table only (SQLite) while PostgreSQL's also reads the tables of
/// `UPDATE .. FROM` and `DELETE .. USING`: `*` (which would drop their columns), `u.*` and
/// `u.c`. `written` holds the names the written table goes by.
fn returning_reads_written_only(
    returning: Option<&Vec<sqlparser::ast::SelectItem>>,
    written: &[Ident],
    construct: &str,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    use sqlparser::ast::{Expr, SelectItem, SelectItemQualifiedWildcardKind};
    let is_written = |ident: &Ident| {
        written
            .iter()
            .any(|name| name.value.eq_ignore_ascii_case(&ident.value))
    };
    let names_other_table = |expr: &Expr| {
        let mut found = false;
        let _ = sqlparser::ast::visit_expressions(expr, |e| {
            if let Expr::CompoundIdentifier(parts) = e
                && parts.len() > 1
                && !is_written(&parts[parts.len() - 2])
            {
                found = true;
            }
            ControlFlow::<()>::Continue(())
        });
        found
    };
    let refuse = |what: &str| {
        Err(TranslateError::unsupported(
            format!("{construct} .. RETURNING {what}"),
            target.name(),
        ))
    };
    for item in returning.into_iter().flatten() {
        match item {
            SelectItem::Wildcard(_) => {
                return refuse("* (PostgreSQL's includes the other tables' columns)");
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _)
                if name
                    .0
                    .last()
                    .and_then(|part| part.as_ident())
                    .is_some_and(is_written) => {}
            SelectItem::QualifiedWildcard(..) => return refuse("columns of the other tables"),
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. }
                if names_other_table(expr) =>
            {
                return refuse("columns of the other tables");
            }
            _ => {}
        }
    }
    Ok(())
}

/// `DELETE FROM t [a] USING u.. WHERE c` as `DELETE FROM t [a] WHERE id IN (SELECT a.id FROM
/// t [a], u.. WHERE c)`, where `id` is the target's `row_id` column. The subquery's copy of
/// the table shadows the outer one under the same name, so `c` reads as it did.
fn delete_by_row_id(
    delete: &mut sqlparser::ast::Delete,
    row_id: &str,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let refuse = || TranslateError::unsupported("DELETE .. USING", target.name());
    let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) = &mut delete.from;
    let [table] = tables.as_mut_slice() else {
        return Err(refuse());
    };
    let qualifier = name_in_query(&table.relation).ok_or_else(refuse)?;
    // RETURNING sees only the deleted table once the others move into the subquery.
    returning_reads_written_only(
        delete.returning.as_ref(),
        &super::returning::written_names(Some(&table.relation)),
        "DELETE .. USING",
        target,
    )?;
    let using = delete.using.take().unwrap_or_default();
    let read: Vec<String> = std::iter::once(&*table)
        .chain(&using)
        .map(ToString::to_string)
        .collect();
    let condition = delete
        .selection
        .as_ref()
        .map_or_else(String::new, |c| format!(" WHERE {c}"));
    let sql = format!(
        "{row_id} IN (SELECT {qualifier}.{row_id} FROM {}{condition})",
        read.join(", ")
    );
    delete.selection = Some(
        sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
            .try_with_sql(&sql)
            .and_then(|mut parser| parser.parse_expr())
            .map_err(|error| TranslateError::Syntax {
                message: error.to_string(),
            })?,
    );
    Ok(())
}

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
                if update.from.is_some() && target.supports_returning() {
                    returning_reads_written_only(
                        update.returning.as_ref(),
                        &super::returning::written_names(Some(&update.table.relation)),
                        "UPDATE .. FROM",
                        target,
                    )?;
                }
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
            if delete.using.is_none() {
                return Ok(());
            }
            if let Some(row_id) = target.row_id_column() {
                return delete_by_row_id(delete, row_id, target);
            }
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
