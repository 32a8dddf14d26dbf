//! The display scale of numeric values: how many digits after the point PostgreSQL shows.
//!
//! A PostgreSQL numeric value carries its own scale (`1.50` keeps two digits), which a target
//! storing numbers as integers or doubles loses (`1.5`). Where PostgreSQL's rules give every
//! value of an expression the same scale, it follows from the statement: a `numeric(p, s)`
//! column or cast has `s`, a literal its own digits, an integer 0, `+` and `-` the larger
//! scale of their operands, `*` the sum, `sum`/`min`/`max` their argument's, `round(x, n)`
//! `n`. Division, `avg` and the functions computed in floating point have scales that depend on
//! the values (`select_div_scale`): they are `None` here, as is anything the rules leave open.

use sqlparser::ast::{BinaryOperator, CeilFloorKind, DataType, Expr, UnaryOperator, Value};

use super::Scope;
use super::expressions::{expr_type, function_args};
use crate::PgType;

/// The scale every value of `expr` has, when `expr` is numeric (or integer: 0) and PostgreSQL's
/// rules fix it.
pub(crate) fn expr_scale(expr: &Expr, scope: &Scope) -> Option<u32> {
    match expr_type(expr, scope)? {
        integer if integer.is_integer() => Some(0),
        PgType::Numeric => numeric_scale(expr, scope),
        _ => None,
    }
}

/// The scale of a numeric literal as PostgreSQL reads it: its fraction digits, less the
/// exponent (`1.50` is 2, `1.5e-2` is 3, `1e3` is 0).
pub(crate) fn literal_scale(text: &str) -> Option<u32> {
    let unsigned = text.trim().trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || whole.len() + fraction.len() == 0 {
        return None;
    }
    let fraction = i64::try_from(fraction.len()).ok()?;
    u32::try_from(fraction.saturating_sub(exponent).clamp(0, 1000)).ok()
}

/// The scale shared by every expression of `exprs` that is not a NULL literal; `None` when they
/// differ (a `CASE` or `COALESCE` over `1.5` and `2.25` shows each value with its own).
pub(super) fn same_scale<'e>(
    exprs: impl IntoIterator<Item = &'e Expr>,
    scope: &Scope,
) -> Option<u32> {
    let mut scales = exprs
        .into_iter()
        .filter(|expr| !is_null(expr))
        .map(|expr| expr_scale(expr, scope));
    let first = scales.next()??;
    scales.all(|scale| scale == Some(first)).then_some(first)
}

fn is_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(value) if value.value == Value::Null)
}

fn numeric_scale(expr: &Expr, scope: &Scope) -> Option<u32> {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => scope.referenced(expr)?.scale,
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => literal_scale(text),
            _ => None,
        },
        Expr::Cast {
            expr: operand,
            data_type,
            ..
        } => cast_scale(operand, data_type, scope),
        Expr::TypedString(typed) => match &typed.value.value {
            Value::SingleQuotedString(text) => literal_scale(text),
            _ => None,
        },
        Expr::Nested(inner) => expr_scale(inner, scope),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => expr_scale(expr, scope),
        Expr::BinaryOp { left, op, right } => {
            let (left, right) = (expr_scale(left, scope)?, expr_scale(right, scope)?);
            match op {
                BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Modulo => {
                    Some(left.max(right))
                }
                BinaryOperator::Multiply => Some(left.saturating_add(right).min(1000)),
                _ => None,
            }
        }
        Expr::Function(function) => function_scale(function, scope),
        Expr::Ceil { field, .. } | Expr::Floor { field, .. } => match field {
            CeilFloorKind::DateTimeField(_) => Some(0),
            CeilFloorKind::Scale(_) => None,
        },
        Expr::Case {
            conditions,
            else_result,
            ..
        } => same_scale(
            conditions
                .iter()
                .map(|when| &when.result)
                .chain(else_result.as_deref()),
            scope,
        ),
        Expr::Subquery(query) => super::query_columns(query, scope).first()?.scale,
        Expr::Extract { field, expr, .. } => Some(extract_scale(
            &field.to_string(),
            super::expressions::expr_type(expr, scope),
        )),
        _ => None,
    }
}

/// The scale of `EXTRACT(field FROM x)`: seconds and epochs to the microsecond, milliseconds
/// to the microsecond too (3 places), whole numbers otherwise and for anything of a date.
fn extract_scale(field: &str, source: Option<crate::PgType>) -> u32 {
    if source == Some(crate::PgType::Date) {
        return 0;
    }
    match field.to_ascii_lowercase().as_str() {
        "second" | "seconds" | "epoch" => 6,
        "millisecond" | "milliseconds" => 3,
        _ => 0,
    }
}

/// `x::numeric(p, s)` has `s`; `x::numeric` keeps the scale of `x` (a text literal's own
/// digits, 0 for an integer).
fn cast_scale(operand: &Expr, data_type: &DataType, scope: &Scope) -> Option<u32> {
    let modifier = crate::schema::type_modifier(data_type);
    if modifier != -1 {
        return super::numeric_scale_of(modifier);
    }
    match operand {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) | Value::Number(text, _) => literal_scale(text),
            _ => None,
        },
        _ => expr_scale(operand, scope),
    }
}

fn function_scale(function: &sqlparser::ast::Function, scope: &Scope) -> Option<u32> {
    let name = crate::passes::function_name(function);
    let args = function_args(function);
    let first = || expr_scale(args.first()?, scope);
    match name.as_str() {
        "sum" | "min" | "max" | "abs" | "first_value" | "last_value" | "nth_value"
        | "any_value" | "nullif" => first(),
        "lag" | "lead" if args.len() <= 2 => first(),
        "coalesce" | "greatest" | "least" => same_scale(args, scope),
        "mod" => Some(first()?.max(expr_scale(args.get(1)?, scope)?)),
        "ceil" | "ceiling" | "floor" => Some(0),
        "round" | "trunc" => match args.get(1) {
            None => Some(0),
            Some(places) => u32::try_from(integer_literal(places)?.clamp(0, 1000)).ok(),
        },
        _ => None,
    }
}

/// The value of an integer literal (`2`, `-1`).
fn integer_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => text.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => integer_literal(expr)?.checked_neg(),
        Expr::Nested(inner) => integer_literal(inner),
        _ => None,
    }
}
