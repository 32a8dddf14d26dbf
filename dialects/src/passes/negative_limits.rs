//! `LIMIT -1` and `OFFSET -1` are errors in PostgreSQL (2201W, 2201X), while SQLite reads a
//! negative limit as none and MySQL does not parse one: a negative literal row count stops the
//! translation with PostgreSQL's error.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, LimitClause, Query, Statement, UnaryOperator, Value, VisitMut, VisitorMut,
};

use crate::TranslateError;

struct NegativeLimits;

fn is_negative(expr: &Expr) -> bool {
    match expr {
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => {
            matches!(expr.as_ref(), Expr::Value(v) if matches!(&v.value, Value::Number(n, _) if n.parse::<f64>().is_ok_and(|n| n > 0.0)))
        }
        Expr::Nested(inner) => is_negative(inner),
        _ => false,
    }
}

impl VisitorMut for NegativeLimits {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        let (limit, offset) = match &query.limit_clause {
            Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            }
            _ => (None, None),
        };
        if limit.is_some_and(is_negative) {
            return ControlFlow::Break(TranslateError::invalid(
                "2201W",
                "LIMIT must not be negative",
            ));
        }
        if offset.is_some_and(is_negative) {
            return ControlFlow::Break(TranslateError::invalid(
                "2201X",
                "OFFSET must not be negative",
            ));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement) -> Result<(), TranslateError> {
    super::finish(statement.visit(&mut NegativeLimits))
}
