//! `date + integer`, `integer + date`, `date - integer` (days) and `date - date` (a number of
//! days) on a target whose `+` and `-` would compute with the date's digits (MySQL reads
//! `DATE '2024-01-31' + 1` as 20240132): they become the target's day functions. Which operators
//! meet dates comes from type inference.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, UnaryOperator, Value, VisitMut, VisitorMut};

use super::call;
use crate::infer::OperandTypes;
use crate::{PgType, TargetDialect};

struct DateArithmetic<'a> {
    target: &'a dyn TargetDialect,
    operands: std::vec::IntoIter<OperandTypes>,
}

fn take(expr: &mut Expr) -> Expr {
    std::mem::replace(expr, Expr::value(Value::Null))
}

fn is_integer(pg_type: Option<PgType>) -> bool {
    pg_type.is_some_and(PgType::is_integer)
}

impl VisitorMut for DateArithmetic<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::BinaryOp { left, op, right } = expr else {
            return ControlFlow::Continue(());
        };
        if !matches!(op, BinaryOperator::Plus | BinaryOperator::Minus) {
            return ControlFlow::Continue(());
        }
        let (left_type, right_type) = self.operands.next().unwrap_or_default();
        let date = Some(PgType::Date);
        let (Some(add_days), Some(days_between)) = (
            self.target.add_days_function(),
            self.target.days_between_function(),
        ) else {
            return ControlFlow::Continue(());
        };
        let minus = matches!(op, BinaryOperator::Minus);
        *expr = match (left_type == date, right_type == date) {
            (true, true) if minus => call(days_between, vec![take(left), take(right)]),
            (true, false) if is_integer(right_type) => {
                let days = if minus {
                    Expr::UnaryOp {
                        op: UnaryOperator::Minus,
                        expr: Box::new(Expr::Nested(Box::new(take(right)))),
                    }
                } else {
                    take(right)
                };
                call(add_days, vec![take(left), days])
            }
            (false, true) if !minus && is_integer(left_type) => {
                call(add_days, vec![take(right), take(left)])
            }
            _ => return ControlFlow::Continue(()),
        };
        ControlFlow::Continue(())
    }
}

/// True when `target` has day functions, so this pass needs the types of `+` and `-` operands.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.add_days_function().is_some()
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    operands: Vec<OperandTypes>,
) {
    if !applies(target) {
        return;
    }
    let _ = statement.visit(&mut DateArithmetic {
        target,
        operands: operands.into_iter(),
    });
}
