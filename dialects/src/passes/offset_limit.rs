//! `OFFSET n` without `LIMIT` on a target that needs both: the limit becomes the target's "no
//! limit" row count ([`TargetDialect::unlimited_row_count`]). `LIMIT ALL` / `LIMIT NULL` (no
//! limit) are the same thing.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, LimitClause, Query, Statement, Value, VisitMut, VisitorMut};

use crate::TargetDialect;

struct OffsetLimit {
    no_limit: &'static str,
}

impl VisitorMut for OffsetLimit {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(LimitClause::LimitOffset { limit, offset, .. }) = &mut query.limit_clause
            && match limit {
                None => offset.is_some(),
                Some(limit) => matches!(limit, Expr::Value(v) if v.value == Value::Null),
            }
        {
            *limit = Some(Expr::value(Value::Number(self.no_limit.to_owned(), false)));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_offset_without_limit() {
        let _ = statement.visit(&mut OffsetLimit {
            no_limit: target.unlimited_row_count(),
        });
    }
}
