//! The SQL standard's row limiting, `OFFSET n ROWS FETCH FIRST m ROWS ONLY`, as PostgreSQL's
//! `LIMIT m OFFSET n`: SQLite and MySQL parse neither `FETCH` nor `ROWS` after `OFFSET`, and
//! SQL Server's own spelling is written from `LIMIT` by `limit_offset.rs`. `FETCH FIRST ROW
//! ONLY` without a count is one row. `WITH TIES` and `PERCENT` have no `LIMIT` form and are
//! refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, LimitClause, OffsetRows, Query, Statement, Value, VisitMut, VisitorMut,
};

use crate::{TargetDialect, TranslateError};

struct FetchFirst<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for FetchFirst<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        if let Some(LimitClause::LimitOffset {
            offset: Some(offset),
            ..
        }) = &mut query.limit_clause
        {
            offset.rows = OffsetRows::None;
        }
        let Some(fetch) = query.fetch.take() else {
            return ControlFlow::Continue(());
        };
        if fetch.with_ties || fetch.percent {
            let what = if fetch.with_ties {
                "FETCH .. WITH TIES"
            } else {
                "FETCH .. PERCENT"
            };
            return ControlFlow::Break(TranslateError::unsupported(what, self.target.name()));
        }
        let count = fetch
            .quantity
            .unwrap_or_else(|| Expr::value(Value::Number("1".to_owned(), false)));
        match &mut query.limit_clause {
            Some(LimitClause::LimitOffset { limit, .. }) => *limit = Some(count),
            _ => {
                query.limit_clause = Some(LimitClause::LimitOffset {
                    limit: Some(count),
                    offset: None,
                    limit_by: vec![],
                });
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    super::finish(statement.visit(&mut FetchFirst { target }))
}
