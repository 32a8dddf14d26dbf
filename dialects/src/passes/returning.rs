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
    Expr, FromTable, Ident, ObjectName, OutputClause, SelectItem, SelectItemQualifiedWildcardKind,
    Statement, TableFactor, TableObject, VisitMut, VisitorMut,
};

use sqlparser::ast::helpers::attached_token::AttachedToken;

use super::finish;
use crate::{TargetDialect, TranslateError};

/// Qualifies the written table's columns with the pseudo-table `row` (`INSERTED` /
/// `DELETED`); columns of other tables of an `UPDATE .. FROM` keep their qualifier, which
/// T-SQL's `OUTPUT` reads as PostgreSQL's `RETURNING` does.
struct PseudoTable<'a> {
    row: &'static str,
    /// The names that denote the written table: its name and its alias.
    written: &'a [Ident],
    target: &'static str,
}

impl PseudoTable<'_> {
    fn is_written(&self, qualifier: &Ident) -> bool {
        self.written
            .iter()
            .any(|name| name.value.eq_ignore_ascii_case(&qualifier.value))
    }
}

impl VisitorMut for PseudoTable<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        match expr {
            Expr::Identifier(column) => {
                *expr = Expr::CompoundIdentifier(vec![Ident::new(self.row), column.clone()]);
            }
            Expr::CompoundIdentifier(parts)
                if parts.len() >= 2 && self.is_written(&parts[parts.len() - 2]) =>
            {
                let column = parts[parts.len() - 1].clone();
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

/// The `OUTPUT` clause for `returning`; `joined` when other tables are read (`UPDATE ..
/// FROM`), where PostgreSQL's `*` would also return their columns.
fn output(
    returning: Vec<SelectItem>,
    row: &'static str,
    written: &[Ident],
    joined: bool,
    target: &'static str,
) -> Result<OutputClause, TranslateError> {
    let mut items = Vec::with_capacity(returning.len());
    let pseudo_table = |name: &str| {
        SelectItem::QualifiedWildcard(
            SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(vec![Ident::new(name)])),
            Default::default(),
        )
    };
    for mut item in returning {
        item = match item {
            SelectItem::Wildcard(_) if joined => {
                return Err(TranslateError::unsupported(
                    "RETURNING * over several tables",
                    target,
                ));
            }
            SelectItem::Wildcard(_) => pseudo_table(row),
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _)
                if name
                    .0
                    .last()
                    .and_then(|part| part.as_ident())
                    .is_some_and(|qualifier| {
                        written
                            .iter()
                            .any(|w| w.value.eq_ignore_ascii_case(&qualifier.value))
                    }) =>
            {
                pseudo_table(row)
            }
            other => other,
        };
        finish(item.visit(&mut PseudoTable {
            row,
            written,
            target,
        }))?;
        items.push(item);
    }
    Ok(OutputClause::Output {
        output_token: AttachedToken::empty(),
        select_items: items,
        into_table: None,
    })
}

/// The names a table is referred to by: its own (last part) and its alias.
pub(super) fn written_names(relation: Option<&TableFactor>) -> Vec<Ident> {
    match relation {
        Some(TableFactor::Table { name, alias, .. }) => name
            .0
            .last()
            .and_then(|part| part.as_ident())
            .cloned()
            .into_iter()
            .chain(alias.as_ref().map(|alias| alias.name.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// `RETURNING t.*` as `RETURNING *`: one table's columns either way, as RETURNING reads the
/// written table only.
fn unqualify_wildcards(statement: &mut Statement) {
    let returning = match statement {
        Statement::Insert(insert) => insert.returning.as_mut(),
        Statement::Update(update) => update.returning.as_mut(),
        Statement::Delete(delete) => delete.returning.as_mut(),
        _ => None,
    };
    for item in returning.into_iter().flatten() {
        if let SelectItem::QualifiedWildcard(_, options) = item {
            *item = SelectItem::Wildcard(options.clone());
        }
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_returning() {
        if !target.returning_reads_qualified_wildcards() {
            unqualify_wildcards(statement);
        }
        return Ok(());
    }
    let name = target.name();
    match statement {
        Statement::Insert(insert) => {
            if let Some(returning) = insert.returning.take() {
                let mut written: Vec<Ident> = match &insert.table {
                    TableObject::TableName(table) => table
                        .0
                        .last()
                        .and_then(|part| part.as_ident())
                        .cloned()
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                };
                written.extend(insert.table_alias.as_ref().map(|alias| alias.alias.clone()));
                insert.output = Some(output(returning, "INSERTED", &written, false, name)?);
            }
        }
        Statement::Update(update) => {
            if let Some(returning) = update.returning.take() {
                let written = written_names(Some(&update.table.relation));
                let joined = update.from.is_some() || !update.table.joins.is_empty();
                update.output = Some(output(returning, "INSERTED", &written, joined, name)?);
            }
        }
        Statement::Delete(delete) => {
            if let Some(returning) = delete.returning.take() {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                let written = written_names(from.first().map(|table| &table.relation));
                let joined = from.len() > 1 || delete.using.is_some();
                delete.output = Some(output(returning, "DELETED", &written, joined, name)?);
            }
        }
        _ => {}
    }
    Ok(())
}
