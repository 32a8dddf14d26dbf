//! `a ILIKE b` becomes `lower(a) LIKE lower(b)`; `LIKE` itself stays case-sensitive as in
//! PostgreSQL (on SQLite through `PRAGMA case_sensitive_like`).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, VisitMut, VisitorMut};

use super::call;
use crate::TargetDialect;

struct ILike;

impl VisitorMut for ILike {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::ILike {
            negated,
            any,
            expr: subject,
            pattern,
            escape_char,
        } = expr
        {
            *expr = Expr::Like {
                negated: *negated,
                any: *any,
                expr: Box::new(call(
                    "lower",
                    vec![std::mem::replace(
                        subject,
                        Expr::value(sqlparser::ast::Value::Null),
                    )],
                )),
                pattern: Box::new(call(
                    "lower",
                    vec![std::mem::replace(
                        pattern,
                        Expr::value(sqlparser::ast::Value::Null),
                    )],
                )),
                escape_char: escape_char.take(),
            };
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.like_is_case_sensitive() {
        let _ = statement.visit(&mut ILike);
    }
}
