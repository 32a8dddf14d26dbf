//! `INSERT | UPDATE | DELETE .. RETURNING` on a target that answers with an `OUTPUT` clause
//! instead (SQL Server). Columns of the written table are read from the `INSERTED` row (the new
//! values of an insert or update) or the `DELETED` row (what a delete removed): `RETURNING *`
//! becomes `OUTPUT INSERTED.*`, `RETURNING id, t.name AS n` becomes
//! `OUTPUT INSERTED.id, INSERTED.name AS n`. sqlparser prints `OUTPUT` where T-SQL wants it:
//! before `VALUES` / `SELECT`, before `FROM` / `WHERE`.
//!
//! Subqueries cannot be read in `OUTPUT` (T-SQL refuses them), so they are refused here. A
//! table with an enabled trigger refuses `OUTPUT` without `INTO` (error 334): the adapter must
//! then run the statement with `OUTPUT .. INTO` a table variable and select from it.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, ObjectName, OutputClause, SelectItem, SelectItemQualifiedWildcardKind, Statement,
    VisitMut, VisitorMut,
};

use sqlparser::ast::helpers::attached_token::AttachedToken;

use super::finish;
use crate::{TargetDialect, TranslateError};

/// Qualifies every column reference with the pseudo-table `row` (`INSERTED` / `DELETED`).
struct PseudoTable {
    row: &'static str,
    target: &'static str,
}

impl VisitorMut for PseudoTable {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        match expr {
            Expr::Identifier(column) => {
                *expr = Expr::CompoundIdentifier(vec![Ident::new(self.row), column.clone()]);
            }
            Expr::CompoundIdentifier(parts) => {
                let column = parts.last().cloned().unwrap_or_else(|| Ident::new(""));
                *parts = vec![Ident::new(self.row), column];
            }
            Expr::Subquery(_)
            | Expr::Exists { .. }
            | Expr::In {
                target: sqlparser::ast::InTarget::Subquery(_),
                ..
            } => {
                return ControlFlow::Break(TranslateError::unsupported(
                    "a subquery in RETURNING",
                    self.target,
                ));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

fn output(
    returning: Vec<SelectItem>,
    row: &'static str,
    target: &'static str,
) -> Result<OutputClause, TranslateError> {
    let mut items = Vec::with_capacity(returning.len());
    for mut item in returning {
        item = match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(vec![
                        Ident::new(row),
                    ])),
                    Default::default(),
                )
            }
            other => other,
        };
        finish(item.visit(&mut PseudoTable { row, target }))?;
        items.push(item);
    }
    Ok(OutputClause::Output {
        output_token: AttachedToken::empty(),
        select_items: items,
        into_table: None,
    })
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_returning() {
        return Ok(());
    }
    let name = target.name();
    match statement {
        Statement::Insert(insert) => {
            if let Some(returning) = insert.returning.take() {
                insert.output = Some(output(returning, "INSERTED", name)?);
            }
        }
        Statement::Update(update) => {
            if let Some(returning) = update.returning.take() {
                update.output = Some(output(returning, "INSERTED", name)?);
            }
        }
        Statement::Delete(delete) => {
            if let Some(returning) = delete.returning.take() {
                delete.output = Some(output(returning, "DELETED", name)?);
            }
        }
        _ => {}
    }
    Ok(())
}
