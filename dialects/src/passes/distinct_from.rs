//! `a IS [NOT] DISTINCT FROM b` where the target has a NULL-safe equality operator instead
//! (MySQL's `<=>`): `(a <=> b)` and `(NOT (a <=> b))`, parenthesised so that the operator
//! precedence of the surrounding expression stays PostgreSQL's, and so are compound operands.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, UnaryOperator, VisitMut, VisitorMut};

use crate::TargetDialect;

struct DistinctFrom {
    operator: BinaryOperator,
}

impl DistinctFrom {
    fn same(&self, left: Expr, right: Expr) -> Expr {
        Expr::Nested(Box::new(Expr::BinaryOp {
            left: Box::new(operand(left)),
            op: self.operator.clone(),
            right: Box::new(operand(right)),
        }))
    }
}

/// `expr` parenthesised unless it is a single term: `a IS DISTINCT FROM b IN (0)` compares `a`
/// with `(b IN (0))` in PostgreSQL, while MySQL reads `a <=> b IN (0)` as `(a <=> b) IN (0)`.
fn operand(expr: Expr) -> Expr {
    match expr {
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Value(_)
        | Expr::Nested(_)
        | Expr::Function(_) => expr,
        other => Expr::Nested(Box::new(other)),
    }
}

impl VisitorMut for DistinctFrom {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let placeholder = || Expr::value(sqlparser::ast::Value::Null);
        match expr {
            Expr::IsNotDistinctFrom(left, right) => {
                let same = self.same(
                    std::mem::replace(left, placeholder()),
                    std::mem::replace(right, placeholder()),
                );
                *expr = same;
            }
            Expr::IsDistinctFrom(left, right) => {
                let same = self.same(
                    std::mem::replace(left, placeholder()),
                    std::mem::replace(right, placeholder()),
                );
                *expr = Expr::Nested(Box::new(Expr::UnaryOp {
                    op: UnaryOperator::Not,
                    expr: Box::new(same),
                }));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if let Some(operator) = target.null_safe_equal_operator() {
        let _ = statement.visit(&mut DistinctFrom { operator });
    }
}
