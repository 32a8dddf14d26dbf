//! `date + integer`, `integer + date`, `date - integer` (days) and `date - date` (a number of
//! days) on a target whose `+` and `-` would compute with the date's digits (MySQL reads
//! `DATE '2024-01-31' + 1` as 20240132): they become the target's day functions. On a target
//! that keeps intervals as text (SQLite), `+` and `-` with intervals become its interval
//! functions: a date or timestamp moved by an interval, the interval between two timestamps,
//! intervals added, an interval times or divided by a number. Which operators meet dates and
//! intervals comes from type inference.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, UnaryOperator, Value, VisitMut, VisitorMut};

use super::call;
use crate::infer::OperandTypes;
use crate::infer::is_comparison;
use crate::target::IntervalFunctions;
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
        let interval_functions = self.target.interval_functions();
        if is_comparison(op)
            && let Some(functions) = interval_functions
        {
            let (left_type, right_type) = self.operands.next().unwrap_or_default();
            compare_interval_spans(functions, left, right, left_type, right_type);
            return ControlFlow::Continue(());
        }
        if matches!(op, BinaryOperator::Multiply | BinaryOperator::Divide)
            && let Some(functions) = interval_functions
        {
            let (left_type, right_type) = self.operands.next().unwrap_or_default();
            let divide = matches!(op, BinaryOperator::Divide);
            match scaled_interval(left_type, right_type, divide) {
                Some(Side::Left) => {
                    *expr = call(
                        functions.scaled,
                        vec![take(left), take(right), number(divide)],
                    );
                }
                Some(Side::Right) => {
                    *expr = call(
                        functions.scaled,
                        vec![take(right), take(left), number(divide)],
                    );
                }
                None => {}
            }
            return ControlFlow::Continue(());
        }
        if !matches!(op, BinaryOperator::Plus | BinaryOperator::Minus) {
            return ControlFlow::Continue(());
        }
        let (left_type, right_type) = self.operands.next().unwrap_or_default();
        let minus = matches!(op, BinaryOperator::Minus);
        if let Some(functions) = interval_functions
            && let Some(rewritten) =
                interval_call(functions, left, right, minus, left_type, right_type)
        {
            *expr = rewritten;
            return ControlFlow::Continue(());
        }
        let date = Some(PgType::Date);
        let (Some(add_days), Some(days_between)) = (
            self.target.add_days_function(),
            self.target.days_between_function(),
        ) else {
            return ControlFlow::Continue(());
        };
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

/// Which operand of `*` (`/` when `divide`) is an interval scaled by the other.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

fn scaled_interval(left: Option<PgType>, right: Option<PgType>, divide: bool) -> Option<Side> {
    let interval = Some(PgType::Interval);
    if left == interval && right != interval {
        Some(Side::Left)
    } else if right == interval && left != interval && !divide {
        Some(Side::Right)
    } else {
        None
    }
}

/// The typings of the divisions this pass leaves in place, of `divisions` (every `/` as
/// written): on a target that keeps intervals as text, `interval / number` became a function.
pub(super) fn remaining_divisions(
    target: &dyn TargetDialect,
    divisions: Vec<OperandTypes>,
) -> Vec<OperandTypes> {
    if target.interval_functions().is_none() {
        return divisions;
    }
    divisions
        .into_iter()
        .filter(|(left, right)| scaled_interval(*left, *right, true).is_none())
        .collect()
}

fn number(value: bool) -> Expr {
    Expr::value(Value::Number(u8::from(value).to_string(), false))
}

/// Compares intervals as PostgreSQL does, by their span (a month is 30 days, a day 24
/// hours: `'1 day' = '24 hours'`), rather than as the text they are stored as. A literal or
/// parameter on the other side is read as an interval too.
fn compare_interval_spans(
    functions: IntervalFunctions,
    left: &mut Expr,
    right: &mut Expr,
    left_type: Option<PgType>,
    right_type: Option<PgType>,
) {
    let interval = Some(PgType::Interval);
    let untyped = |pg_type| matches!(pg_type, None | Some(PgType::Unknown | PgType::Interval));
    if (left_type == interval && untyped(right_type))
        || (right_type == interval && untyped(left_type))
    {
        *left = call(functions.span, vec![take(left)]);
        *right = call(functions.span, vec![take(right)]);
    }
}

/// The interval function call that computes `left + right` (`left - right` when `minus`), or
/// `None` when no interval takes part.
fn interval_call(
    functions: IntervalFunctions,
    left: &mut Expr,
    right: &mut Expr,
    minus: bool,
    left_type: Option<PgType>,
    right_type: Option<PgType>,
) -> Option<Expr> {
    use PgType::{Date, Interval, Timestamp, Timestamptz};
    let point = |pg_type| matches!(pg_type, Some(Date | Timestamp | Timestamptz));
    let zoned = |pg_type| pg_type == Some(Timestamptz);
    let interval = Some(Interval);
    let moved = |point: &mut Expr, by: &mut Expr, point_type| {
        let args = vec![
            take(point),
            take(by),
            number(minus),
            number(zoned(point_type)),
        ];
        call(functions.moved, args)
    };
    Some(if point(left_type) && right_type == interval {
        moved(left, right, left_type)
    } else if left_type == interval && point(right_type) && !minus {
        moved(right, left, right_type)
    } else if minus
        && matches!(left_type, Some(Timestamp | Timestamptz))
        && matches!(right_type, Some(Timestamp | Timestamptz))
    {
        call(functions.between, vec![take(left), take(right)])
    } else if left_type == interval && right_type == interval {
        call(
            functions.combined,
            vec![take(left), take(right), number(minus)],
        )
    } else {
        return None;
    })
}

/// True when `target` has day or interval functions, so this pass needs the types of `+` and
/// `-` operands.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.add_days_function().is_some() || compares_intervals(target)
}

/// True when this pass also needs the operand types of comparisons: the target compares
/// intervals through its span function.
pub(super) fn compares_intervals(target: &dyn TargetDialect) -> bool {
    target.interval_functions().is_some()
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
