//! `/` and `%` where the target's operators differ from PostgreSQL's: two integers divide with
//! the target's integer division (`7/2` is 3), and a zero divisor raises 22012 through the
//! target's error function instead of answering NULL; where the target divides two stored
//! integers as integers, a numeric or float division makes its dividend fractional first
//! (`7::numeric / 2` is 3.5). Which divisions are integer ones comes
//! from type inference over the schema, before any other pass changes the statement.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Value, VisitMut, VisitorMut};

use super::{call, case_when};
use crate::infer::OperandTypes;
use crate::{PgType, TargetDialect};

struct Divisions<'a> {
    target: &'a dyn TargetDialect,
    /// For each `/` in post-order, the types of its operands.
    operands: std::vec::IntoIter<OperandTypes>,
}

/// `CASE WHEN divisor = 0 THEN raise() ELSE divisor END`.
fn guarded(divisor: Expr, raise: &str) -> Expr {
    let is_zero = Expr::BinaryOp {
        left: Box::new(divisor.clone()),
        op: BinaryOperator::Eq,
        right: Box::new(Expr::value(Value::Number("0".to_owned(), false))),
    };
    Expr::Nested(Box::new(case_when(is_zero, call(raise, vec![]), divisor)))
}

impl VisitorMut for Divisions<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::BinaryOp {
            left: dividend,
            op,
            right,
        } = expr
        else {
            return ControlFlow::Continue(());
        };
        match op {
            BinaryOperator::Divide => {
                let (left, right_type) = self.operands.next().unwrap_or_default();
                let integer = |pg_type: Option<PgType>| pg_type.is_some_and(PgType::is_integer);
                if integer(left)
                    && integer(right_type)
                    && let Some(operator) = self.target.integer_division_operator()
                {
                    *op = operator;
                }
                let fractional = |pg_type: Option<PgType>| {
                    matches!(
                        pg_type,
                        Some(PgType::Numeric | PgType::Float4 | PgType::Float8)
                    )
                };
                if (fractional(left) || fractional(right_type))
                    && let Some(function) = self.target.fractional_division_function()
                {
                    let operand = std::mem::replace(dividend.as_mut(), Expr::value(Value::Null));
                    **dividend = call(function, vec![operand]);
                }
            }
            BinaryOperator::Modulo => {}
            _ => return ControlFlow::Continue(()),
        }
        if let Some(raise) = self.target.division_by_zero_function() {
            let divisor = std::mem::replace(right.as_mut(), Expr::value(Value::Null));
            **right = guarded(divisor, raise);
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` divides otherwise than PostgreSQL, so this pass needs the operand types
/// of `/`.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.integer_division_operator().is_some()
        || target.division_by_zero_function().is_some()
        || target.fractional_division_function().is_some()
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    operands: Vec<OperandTypes>,
) {
    if !applies(target) {
        return;
    }
    let _ = statement.visit(&mut Divisions {
        target,
        operands: operands.into_iter(),
    });
}
