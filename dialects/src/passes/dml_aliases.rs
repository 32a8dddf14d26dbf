//! An alias on the table an `UPDATE` or `DELETE` writes (`UPDATE users u SET .. WHERE u.id = 1`)
//! on a target that does not take one there (SQL Server, which aliases it only in a second
//! `FROM`): the alias is dropped and references through it name the table itself
//! (`WHERE users.id = 1`), which means the same row. A `DELETE .. USING` keeps its alias: it
//! becomes `DELETE a FROM t a, ..` (`statement_forms.rs`).
//!
//! SQLite takes the alias written with `AS` (`UPDATE users AS u`), but its `RETURNING` cannot
//! read it: there the alias is written `AS` and only `RETURNING` names the table instead. The
//! rest of the statement keeps the alias, as renaming it everywhere would rebind `u.id` in a
//! subquery over the same table (`WHERE EXISTS (SELECT 1 FROM users WHERE users.boss = u.id)`).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, Statement, TableFactor, VisitMut, VisitorMut};

use crate::TargetDialect;

/// Renames the qualifier `alias.` to `table.`.
struct Unalias {
    alias: Ident,
    table: Ident,
}

impl VisitorMut for Unalias {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() == 2
            && parts[0].value.eq_ignore_ascii_case(&self.alias.value)
        {
            parts[0] = self.table.clone();
        }
        ControlFlow::Continue(())
    }
}

/// Drops the alias of a written table; returns (alias, table name) when there was one.
fn take_alias(relation: Option<&mut TableFactor>) -> Option<(Ident, Ident)> {
    let Some(TableFactor::Table { name, alias, .. }) = relation else {
        return None;
    };
    let table = name.0.last()?.as_ident()?.clone();
    let alias = alias.take()?.name;
    Some((alias, table))
}

/// The alias of the written table, written with `AS`, and its RETURNING through the table's
/// name (SQLite).
fn alias_with_as(statement: &mut Statement) {
    let (relation, returning) = match statement {
        Statement::Update(update) => (Some(&mut update.table.relation), &mut update.returning),
        Statement::Delete(delete) => {
            let (sqlparser::ast::FromTable::WithFromKeyword(from)
            | sqlparser::ast::FromTable::WithoutKeyword(from)) = &mut delete.from;
            (
                from.first_mut().map(|table| &mut table.relation),
                &mut delete.returning,
            )
        }
        _ => return,
    };
    let Some(TableFactor::Table {
        name,
        alias: Some(alias),
        ..
    }) = relation
    else {
        return;
    };
    alias.explicit = true;
    let Some(table) = name.0.last().and_then(|part| part.as_ident()).cloned() else {
        return;
    };
    let mut unalias = Unalias {
        alias: alias.name.clone(),
        table,
    };
    for item in returning.iter_mut().flatten() {
        let _ = item.visit(&mut unalias);
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.dml_alias_needs_as() {
        alias_with_as(statement);
        return;
    }
    if target.supports_dml_target_alias() {
        return;
    }
    let renamed = match statement {
        Statement::Update(update) => take_alias(Some(&mut update.table.relation)),
        Statement::Delete(delete) if delete.using.is_none() => {
            let (sqlparser::ast::FromTable::WithFromKeyword(from)
            | sqlparser::ast::FromTable::WithoutKeyword(from)) = &mut delete.from;
            take_alias(from.first_mut().map(|table| &mut table.relation))
        }
        _ => None,
    };
    if let Some((alias, table)) = renamed {
        let _ = statement.visit(&mut Unalias { alias, table });
    }
}
