//! `SELECT .. FOR UPDATE | SHARE`. On a target that locks the whole database for a writer the
//! clause is dropped, since the lock it asks for is already held by the transaction. On a
//! target with table hints (SQL Server) it becomes hints on every table the query reads:
//! `FOR UPDATE` is `WITH (UPDLOCK, HOLDLOCK)` (update locks kept to the end of the
//! transaction, as PostgreSQL keeps row locks; `HOLDLOCK` also locks the key range, which is
//! stricter, never looser), `FOR SHARE` is `WITH (HOLDLOCK)`, `NOWAIT` adds `NOWAIT` and
//! `SKIP LOCKED` adds `READPAST`. `FOR UPDATE OF t` is refused there.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, LockType, NonBlock, Query, Statement, TableFactor, VisitMut, VisitorMut,
};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct RowLocks;

impl VisitorMut for RowLocks {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        query.locks.clear();
        ControlFlow::Continue(())
    }
}

/// Puts the hints of each query's locks on the tables of that query.
struct LockHints<'a> {
    target: &'a dyn TargetDialect,
    hints: Vec<Vec<&'static str>>,
}

impl VisitorMut for LockHints<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        let mut hints = Vec::new();
        for lock in query.locks.drain(..) {
            if lock.of.is_some() {
                return ControlFlow::Break(TranslateError::unsupported(
                    "FOR UPDATE OF",
                    self.target.name(),
                ));
            }
            match lock.lock_type {
                LockType::Update => hints.extend(["UPDLOCK", "HOLDLOCK"]),
                LockType::Share => hints.push("HOLDLOCK"),
            }
            match lock.nonblock {
                Some(NonBlock::Nowait) => hints.push("NOWAIT"),
                Some(NonBlock::SkipLocked) => hints.push("READPAST"),
                None => {}
            }
        }
        hints.dedup();
        self.hints.push(hints);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<TranslateError> {
        self.hints.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<TranslateError> {
        if let (TableFactor::Table { with_hints, .. }, Some(hints)) = (factor, self.hints.last()) {
            with_hints.extend(hints.iter().map(|hint| Expr::Identifier(Ident::new(*hint))));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.row_lock_hints() {
        let mut pass = LockHints {
            target,
            hints: Vec::new(),
        };
        return finish(statement.visit(&mut pass));
    }
    if !target.supports_row_locks() {
        let _ = statement.visit(&mut RowLocks);
    }
    Ok(())
}
