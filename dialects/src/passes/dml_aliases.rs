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
//! Where only the renamed form can be written and a subquery reads the table under its own
//! name and the written row through the alias, the statement is refused (0A000).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, Query, SetExpr, Statement, TableFactor, VisitMut, VisitorMut};

use crate::{TargetDialect, TranslateError};

/// Renames the qualifier `alias.` to `table.`, except inside a subquery that reads the table
/// under its own name, where `table.` would name the subquery's row: there it notes that the
/// rename would rebind.
struct Unalias {
    alias: Ident,
    table: Ident,
    /// For each subquery entered: whether its FROM names the table without an alias.
    shadowing: Vec<bool>,
    rebinds: bool,
}

impl Unalias {
    fn new(alias: Ident, table: Ident) -> Self {
        Self {
            alias,
            table,
            shadowing: Vec::new(),
            rebinds: false,
        }
    }

    /// The refusal when a rename would have rebound a reference.
    fn outcome(&self, target: &dyn TargetDialect) -> Result<(), TranslateError> {
        if self.rebinds {
            return Err(TranslateError::unsupported(
                "a subquery over the written table that reads the written row through its alias",
                target.name(),
            ));
        }
        Ok(())
    }
}

/// True when the query's FROM reads `table` under its own name, in any branch of a set
/// operation and inside parenthesised joins.
fn reads_unaliased(query: &Query, table: &Ident) -> bool {
    fn names_table(relation: &TableFactor, table: &Ident) -> bool {
        match relation {
            TableFactor::Table { name, alias, .. } => {
                let called = alias.as_ref().map_or_else(
                    || name.0.last().and_then(|part| part.as_ident()),
                    |alias| Some(&alias.name),
                );
                called.is_some_and(|called| called.value.eq_ignore_ascii_case(&table.value))
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => reads(std::slice::from_ref(table_with_joins.as_ref()), table),
            _ => false,
        }
    }
    fn reads(from: &[sqlparser::ast::TableWithJoins], table: &Ident) -> bool {
        from.iter().any(|from| {
            names_table(&from.relation, table)
                || from
                    .joins
                    .iter()
                    .any(|join| names_table(&join.relation, table))
        })
    }
    fn body_reads(body: &SetExpr, table: &Ident) -> bool {
        match body {
            SetExpr::Select(select) => reads(&select.from, table),
            SetExpr::SetOperation { left, right, .. } => {
                body_reads(left, table) || body_reads(right, table)
            }
            SetExpr::Query(query) => body_reads(&query.body, table),
            _ => false,
        }
    }
    body_reads(&query.body, table)
}

impl VisitorMut for Unalias {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.shadowing.push(reads_unaliased(query, &self.table));
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.shadowing.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() == 2
            && parts[0].value.eq_ignore_ascii_case(&self.alias.value)
        {
            if self.shadowing.iter().any(|shadows| *shadows) {
                self.rebinds = true;
            } else {
                parts[0] = self.table.clone();
            }
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
fn alias_with_as(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
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
        _ => return Ok(()),
    };
    let Some(TableFactor::Table {
        name,
        alias: Some(alias),
        ..
    }) = relation
    else {
        return Ok(());
    };
    alias.explicit = true;
    let Some(table) = name.0.last().and_then(|part| part.as_ident()).cloned() else {
        return Ok(());
    };
    let mut unalias = Unalias::new(alias.name.clone(), table);
    for item in returning.iter_mut().flatten() {
        let _ = item.visit(&mut unalias);
    }
    unalias.outcome(target)
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.dml_alias_needs_as() {
        return alias_with_as(statement, target);
    }
    if target.supports_dml_target_alias() {
        return Ok(());
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
        let mut unalias = Unalias::new(alias, table);
        let _ = statement.visit(&mut unalias);
        return unalias.outcome(target);
    }
    Ok(())
}
