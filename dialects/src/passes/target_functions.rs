//! Function calls and operators the target spells its own way (`length` is `CHAR_LENGTH` on
//! MySQL, `->>` is `JSON_UNQUOTE(JSON_EXTRACT(..))`, `EXTRACT(epoch ..)` a difference): each is offered to the target, which
//! rewrites it, keeps it, or refuses it.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, VisitMut, VisitorMut};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct TargetFunctions<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for TargetFunctions<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let rewritten = match expr {
            Expr::Function(function) => self.target.rewrite_function(function),
            Expr::BinaryOp { left, op, right } => self.target.rewrite_operator(left, op, right),
            Expr::Extract {
                field,
                expr: subject,
                ..
            } => self.target.rewrite_extract(field, subject),
            _ => Ok(None),
        };
        super::replace_with(expr, rewritten)
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut TargetFunctions { target }))
}
