//! `OFFSET n` without `LIMIT` on a target that needs both: the limit becomes the largest row
//! count the target accepts. `LIMIT ALL` (no limit) is the same thing.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, LimitClause, Query, Statement, Value, VisitMut, VisitorMut};

use crate::TargetDialect;

/// MySQL's documented "all rows" limit, the largest unsigned 64-bit integer.
const NO_LIMIT: &str = "18446744073709551615";

struct OffsetLimit;

impl VisitorMut for OffsetLimit {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(LimitClause::LimitOffset {
            limit,
            offset: Some(_),
            ..
        }) = &mut query.limit_clause
            && limit
                .as_ref()
                .is_none_or(|l| matches!(l, Expr::Value(v) if v.value == Value::Null))
        {
            *limit = Some(Expr::value(Value::Number(NO_LIMIT.to_owned(), false)));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_offset_without_limit() {
        let _ = statement.visit(&mut OffsetLimit);
    }
}
