//! `+ - * / %` with PostgreSQL's rules where the target's operators differ: integer overflow is
//! an error (22003) instead of a silent float, a zero divisor is an error (22012) instead of
//! NULL, integers divide as integers, and `date ± integer` moves by days (SQLite would add to
//! the year's digits).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, VisitMut, VisitorMut};

use super::call;
use crate::TargetDialect;

struct Arithmetic<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for Arithmetic<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp { left, op, right } = expr {
            let function = self.target.arithmetic_function(op);
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
    let _ = statement.visit(&mut Arithmetic { target });
}
