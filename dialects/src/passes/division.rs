//! `a / b` and `a % b` with PostgreSQL's rules: integer operands divide as integers and a zero
//! divisor is an error (22012), where SQLite answers NULL.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, VisitMut, VisitorMut};

use super::call;
use crate::TargetDialect;

struct Division<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for Division<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp { left, op, right } = expr {
            let function = match op {
                BinaryOperator::Divide => self.target.checked_division_function(),
                BinaryOperator::Modulo => self.target.checked_modulo_function(),
                _ => None,
            };
            if let Some(function) = function {
                let left =
                    std::mem::replace(left.as_mut(), Expr::value(sqlparser::ast::Value::Null));
                let right =
                    std::mem::replace(right.as_mut(), Expr::value(sqlparser::ast::Value::Null));
                *expr = call(function, vec![left, right]);
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    let _ = statement.visit(&mut Division { target });
}
