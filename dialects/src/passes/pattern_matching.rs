//! PostgreSQL's pattern-matching operators beyond `LIKE`: the `~~` family is `LIKE` spelled as
//! an operator and becomes `[NOT] [I]LIKE` (so the `ILIKE` pass sees it); POSIX regular
//! expressions (`~`, `~*`, `!~`, `!~*`) and `SIMILAR TO` have no faithful equivalent on a target
//! without PostgreSQL's regex engine, and are refused.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Value, VisitMut, VisitorMut};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct PatternMatching<'a> {
    target: &'a dyn TargetDialect,
}

/// `[NOT] LIKE` or `[NOT] ILIKE` for a `~~` operator: (case-insensitive, negated).
fn like_operator(op: &BinaryOperator) -> Option<(bool, bool)> {
    match op {
        BinaryOperator::PGLikeMatch => Some((false, false)),
        BinaryOperator::PGNotLikeMatch => Some((false, true)),
        BinaryOperator::PGILikeMatch => Some((true, false)),
        BinaryOperator::PGNotILikeMatch => Some((true, true)),
        _ => None,
    }
}

fn is_regex(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::PGRegexMatch
            | BinaryOperator::PGRegexIMatch
            | BinaryOperator::PGRegexNotMatch
            | BinaryOperator::PGRegexNotIMatch
    )
}

impl VisitorMut for PatternMatching<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let refused = match expr {
            Expr::SimilarTo { .. } => "SIMILAR TO".to_owned(),
            Expr::BinaryOp { op, .. } if is_regex(op) => format!("regular expression match {op}"),
            Expr::BinaryOp { left, op, right } => {
                if let Some((case_insensitive, negated)) = like_operator(op) {
                    let subject =
                        Box::new(std::mem::replace(left.as_mut(), Expr::value(Value::Null)));
                    let pattern =
                        Box::new(std::mem::replace(right.as_mut(), Expr::value(Value::Null)));
                    *expr = if case_insensitive {
                        Expr::ILike {
                            negated,
                            any: false,
                            expr: subject,
                            pattern,
                            escape_char: None,
                        }
                    } else {
                        Expr::Like {
                            negated,
                            any: false,
                            expr: subject,
                            pattern,
                            escape_char: None,
                        }
                    };
                }
                return ControlFlow::Continue(());
            }
            Expr::RLike { .. } => "REGEXP".to_owned(),
            _ => return ControlFlow::Continue(()),
        };
        ControlFlow::Break(TranslateError::unsupported(refused, self.target.name()))
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut PatternMatching { target }))
}
