//! `a || b` on a target without the operator (SQL Server): `a + b`, which is NULL when either
//! side is NULL, as `||` is (with `CONCAT_NULL_YIELDS_NULL ON`, the only setting SQL Server
//! still supports); `CONCAT` would skip NULLs. PostgreSQL's `||` turns a non-text side into text
//! (`'n' || 1`), and T-SQL's `+` would add numbers instead, so every side that is not a string
//! literal or another concatenation is cast to text.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Statement, Value, ValueWithSpan, VisitMut, VisitorMut,
};

use crate::TargetDialect;

fn as_text(expr: Expr) -> Expr {
    let literal = matches!(
        &expr,
        Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(_)
                | Value::EscapedStringLiteral(_)
                | Value::NationalStringLiteral(_),
            ..
        })
    );
    let concatenation = matches!(
        &expr,
        Expr::BinaryOp {
            op: BinaryOperator::Plus,
            ..
        }
    );
    if literal || concatenation {
        return expr;
    }
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(expr),
        data_type: DataType::Text,
        format: None,
    }
}

struct Concatenation;

impl VisitorMut for Concatenation {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp { left, op, right } = expr
            && *op == BinaryOperator::StringConcat
        {
            let null = || Expr::value(Value::Null);
            **left = as_text(std::mem::replace(left.as_mut(), null()));
            **right = as_text(std::mem::replace(right.as_mut(), null()));
            *op = BinaryOperator::Plus;
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_concat_operator() {
        let _ = statement.visit(&mut Concatenation);
    }
}
