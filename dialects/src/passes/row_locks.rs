//! `SELECT .. FOR UPDATE | SHARE` on a target that locks the whole database for a writer: the
//! clause is dropped, since the lock it asks for is already held by the transaction.

use std::ops::ControlFlow;

use sqlparser::ast::{Query, Statement, VisitMut, VisitorMut};

use crate::TargetDialect;

struct RowLocks;

impl VisitorMut for RowLocks {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        query.locks.clear();
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_row_locks() {
        let _ = statement.visit(&mut RowLocks);
    }
}
