//! Row comparisons on a target without row values (SQL Server): `(a, b) = (x, y)` is
//! `(a = x AND b = y)` and `(a, b) <> (x, y)` is `(a <> x OR b <> y)`, which give PostgreSQL's
//! answer including NULLs (a row is unequal as soon as one pair is, equal when all are, and
//! unknown otherwise, exactly as `AND` / `OR` of the pairs). Ordering comparisons of rows
//! (`<`, `>`, ...) are lexicographic and refused, as are rows of different lengths.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, VisitMut, VisitorMut};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct RowComparisons<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for RowComparisons<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let Expr::BinaryOp { left, op, right } = expr else {
            return ControlFlow::Continue(());
        };
        let (Expr::Tuple(lefts), Expr::Tuple(rights)) = (left.as_ref(), right.as_ref()) else {
            return ControlFlow::Continue(());
        };
        let join = match op {
            BinaryOperator::Eq => BinaryOperator::And,
            BinaryOperator::NotEq => BinaryOperator::Or,
            _ => BinaryOperator::Xor,
        };
        if join == BinaryOperator::Xor || lefts.len() != rights.len() {
            return ControlFlow::Break(TranslateError::unsupported(
                format!("row comparison {op}"),
                self.target.name(),
            ));
        }
        let pairs = lefts.iter().zip(rights).map(|(l, r)| Expr::BinaryOp {
            left: Box::new(l.clone()),
            op: op.clone(),
            right: Box::new(r.clone()),
        });
        let combined = pairs.reduce(|acc, pair| Expr::BinaryOp {
            left: Box::new(acc),
            op: join.clone(),
            right: Box::new(pair),
        });
        if let Some(combined) = combined {
            *expr = Expr::Nested(Box::new(combined));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_row_comparisons() {
        return Ok(());
    }
    finish(statement.visit(&mut RowComparisons { target }))
}
