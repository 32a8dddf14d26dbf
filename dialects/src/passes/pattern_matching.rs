//! PostgreSQL's pattern-matching operators beyond `LIKE`: the `~~` family is `LIKE` spelled as
//! an operator and becomes `[NOT] [I]LIKE` (so the `ILIKE` pass sees it); POSIX regular
//! expressions (`~`, `~*`, `!~`, `!~*`, also spelled `OPERATOR(pg_catalog.~)` as psql does)
//! become the target's regular-expression function where it has one and are refused otherwise;
//! `SIMILAR TO` is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Value, VisitMut, VisitorMut};

use super::{call, finish};
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

/// The regular-expression match an operator asks for: (case-insensitive, negated).
fn regex_operator(op: &BinaryOperator) -> Option<(bool, bool)> {
    match op {
        BinaryOperator::PGRegexMatch => Some((false, false)),
        BinaryOperator::PGRegexIMatch => Some((true, false)),
        BinaryOperator::PGRegexNotMatch => Some((false, true)),
        BinaryOperator::PGRegexNotIMatch => Some((true, true)),
        BinaryOperator::PGCustomBinaryOperator(parts) => {
            let qualified = parts.len() == 2 && parts[0].eq_ignore_ascii_case("pg_catalog");
            if !qualified {
                return None;
            }
            match parts[1].as_str() {
                "~" => Some((false, false)),
                "~*" => Some((true, false)),
                "!~" => Some((false, true)),
                "!~*" => Some((true, true)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `function(subject, pattern, flags)`, negated when asked.
fn regex_call(
    function: &str,
    subject: Expr,
    pattern: Expr,
    case_insensitive: bool,
    negated: bool,
) -> Expr {
    let flags = Expr::value(Value::SingleQuotedString(
        if case_insensitive { "i" } else { "" }.to_owned(),
    ));
    let matched = call(function, vec![subject, pattern, flags]);
    if negated {
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Not,
            expr: Box::new(matched),
        }
    } else {
        matched
    }
}

impl VisitorMut for PatternMatching<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let refused = match expr {
            Expr::SimilarTo { .. } => "SIMILAR TO".to_owned(),
            Expr::BinaryOp { left, op, right } if regex_operator(op).is_some() => {
                let Some(function) = self.target.regex_match_function() else {
                    return ControlFlow::Break(TranslateError::unsupported(
                        format!("regular expression match {op}"),
                        self.target.name(),
                    ));
                };
                let (case_insensitive, negated) = regex_operator(op).unwrap_or_default();
                let subject = std::mem::replace(left.as_mut(), Expr::value(Value::Null));
                let pattern = std::mem::replace(right.as_mut(), Expr::value(Value::Null));
                *expr = regex_call(function, subject, pattern, case_insensitive, negated);
                return ControlFlow::Continue(());
            }
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
