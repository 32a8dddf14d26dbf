//! Arrays: the target stores no array values, so array literals, subscripts, array types and
//! `op ANY | ALL (array)` are refused. The subquery forms that have an exact equivalent are kept:
//! `x = ANY (SELECT ..)` is `x IN (SELECT ..)` and `x <> ALL (SELECT ..)` is
//! `x NOT IN (SELECT ..)`, NULL handling included.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AccessExpr, BinaryOperator, DataType, Expr, InTarget, Statement, Value, VisitMut, VisitorMut,
};

use super::{finish, function_name};
use crate::{TargetDialect, TranslateError};

struct Arrays<'a> {
    target: &'a dyn TargetDialect,
}

impl Arrays<'_> {
    fn refuse(&self, construct: impl Into<String>) -> ControlFlow<TranslateError> {
        ControlFlow::Break(TranslateError::unsupported(construct, self.target.name()))
    }
}

/// Rewrites `left = ANY (subquery)` to `left IN (subquery)` and `left <> ALL (subquery)` to
/// `left NOT IN (subquery)`; returns false, leaving `expr` alone, for anything else.
fn rewrite_in_subquery(expr: &mut Expr) -> bool {
    let negated = match expr {
        Expr::AnyOp {
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } if matches!(right.as_ref(), Expr::Subquery(_)) => false,
        Expr::AllOp {
            compare_op: BinaryOperator::NotEq,
            right,
            ..
        } if matches!(right.as_ref(), Expr::Subquery(_)) => true,
        _ => return false,
    };
    if let Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } =
        std::mem::replace(expr, Expr::value(Value::Null))
        && let Expr::Subquery(subquery) = *right
    {
        *expr = Expr::In {
            expr: left,
            target: InTarget::Subquery(subquery),
            negated,
            global: false,
        };
    }
    true
}

impl VisitorMut for Arrays<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        if rewrite_in_subquery(expr) {
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::AnyOp { compare_op, .. } => self.refuse(format!("{compare_op} ANY (..)")),
            Expr::AllOp { compare_op, .. } => self.refuse(format!("{compare_op} ALL (..)")),
            Expr::Like { any: true, .. } | Expr::ILike { any: true, .. } => {
                self.refuse("LIKE ANY (..)")
            }
            Expr::Array(_) => self.refuse("ARRAY[..] constructor"),
            Expr::Function(function)
                if matches!(function_name(function).as_str(), "array" | "array_agg") =>
            {
                self.refuse(format!("{}(..)", function_name(function)))
            }
            Expr::CompoundFieldAccess { access_chain, .. }
                if access_chain
                    .iter()
                    .any(|access| matches!(access, AccessExpr::Subscript(_))) =>
            {
                self.refuse("array subscript")
            }
            Expr::Cast { data_type, .. } if is_array(data_type) => {
                self.refuse(format!("array type {data_type}"))
            }
            _ => ControlFlow::Continue(()),
        }
    }
}

fn is_array(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Array(_))
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_arrays() {
        return Ok(());
    }
    finish(statement.visit(&mut Arrays { target }))
}
