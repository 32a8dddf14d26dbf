//! The PostgreSQL type of an expression: literals, columns, operators, functions, casts.

use sqlparser::ast::{
    AccessExpr, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    UnaryOperator, Value,
};

use super::Scope;
use crate::PgType;

/// The rank of a numeric type in PostgreSQL's implicit promotion order.
fn numeric_rank(pg_type: PgType) -> u8 {
    match pg_type {
        PgType::Int2 => 1,
        PgType::Int4 => 2,
        PgType::Int8 => 3,
        PgType::Numeric => 4,
        PgType::Float4 => 5,
        PgType::Float8 => 6,
        _ => 0,
    }
}

/// The wider of two numeric types (`int4` and `numeric` give `numeric`).
pub(super) fn wider_numeric(left: PgType, right: PgType) -> PgType {
    if numeric_rank(left) >= numeric_rank(right) {
        left
    } else {
        right
    }
}

fn arithmetic(left: Option<PgType>, right: Option<PgType>) -> Option<PgType> {
    match (left, right) {
        (Some(l), Some(r)) if l.is_numeric() && r.is_numeric() => Some(wider_numeric(l, r)),
        (Some(l), Some(PgType::Unknown) | None) => Some(l),
        (Some(PgType::Unknown) | None, Some(r)) => Some(r),
        (Some(l), Some(_)) => Some(l),
        (None, None) => None,
    }
}

/// The type of `+` / `-` with intervals: a point in time moved by an interval keeps its type
/// (a date becomes a timestamp), two points in time are an interval apart, and intervals add;
/// an interval times or divided by a number is an interval.
fn interval_arithmetic(
    left: Option<PgType>,
    right: Option<PgType>,
    op: &BinaryOperator,
) -> Option<PgType> {
    use PgType::{Date, Interval, Timestamp, Timestamptz};
    let scalar = |pg_type: PgType| {
        pg_type.is_integer()
            || matches!(
                pg_type,
                PgType::Numeric | PgType::Float4 | PgType::Float8 | PgType::Unknown
            )
    };
    match (left?, right?, op) {
        (Interval, factor, BinaryOperator::Multiply | BinaryOperator::Divide) if scalar(factor) => {
            return Some(Interval);
        }
        (factor, Interval, BinaryOperator::Multiply) if scalar(factor) => return Some(Interval),
        _ => {}
    }
    let minus = matches!(op, BinaryOperator::Minus);
    if !minus && !matches!(op, BinaryOperator::Plus) {
        return None;
    }
    match (left?, right?) {
        (Date, Interval) => Some(Timestamp),
        (Interval, Date) if !minus => Some(Timestamp),
        (time @ (Timestamp | Timestamptz), Interval) => Some(time),
        (Interval, time @ (Timestamp | Timestamptz)) if !minus => Some(time),
        (Timestamp | Timestamptz, Timestamp | Timestamptz) if minus => Some(Interval),
        (Interval, Interval) => Some(Interval),
        _ => None,
    }
}

pub(crate) fn function_args(function: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn function_type(function: &sqlparser::ast::Function, scope: &Scope) -> Option<PgType> {
    let name = crate::passes::function_name(function);
    let args = function_args(function);
    let first = || args.first().and_then(|e| expr_type(e, scope));
    Some(match name.as_str() {
        "count" | "row_number" | "rank" | "dense_rank" | "ntile" => PgType::Int8,
        "sum" => match first()? {
            PgType::Int2 | PgType::Int4 => PgType::Int8,
            PgType::Int8 | PgType::Numeric => PgType::Numeric,
            PgType::Float4 => PgType::Float4,
            _ => PgType::Float8,
        },
        "avg" => match first()? {
            PgType::Float4 | PgType::Float8 => PgType::Float8,
            _ => PgType::Numeric,
        },
        "stddev" | "stddev_samp" | "stddev_pop" | "variance" | "var_samp" | "var_pop" => {
            match first()? {
                PgType::Float4 | PgType::Float8 => PgType::Float8,
                _ => PgType::Numeric,
            }
        }
        "min" | "max" | "abs" | "mod" | "lag" | "lead" | "first_value" | "last_value"
        | "nth_value" | "bit_and" | "bit_or" | "bit_xor" => first()?,
        "round" | "trunc" | "ceil" | "ceiling" | "floor" | "sign" => match first()? {
            t if t.is_integer() && name != "round" => t,
            PgType::Float4 | PgType::Float8 => PgType::Float8,
            _ if name == "ceil" || name == "ceiling" || name == "floor" => PgType::Numeric,
            _ => PgType::Numeric,
        },
        "coalesce" | "nullif" | "greatest" | "least" => args
            .iter()
            .filter_map(|e| expr_type(e, scope))
            .find(|t| *t != PgType::Unknown)
            .unwrap_or(PgType::Text),
        "length" | "char_length" | "character_length" | "octet_length" | "strpos" | "position"
        | "bit_length" | "ascii" | "json_array_length" | "jsonb_array_length" => PgType::Int4,
        "random" | "sqrt" | "power" | "pow" | "exp" | "ln" | "log" | "pi" | "date_part"
        | "cbrt" | "degrees" | "radians" | "sin" | "cos" | "tan" => PgType::Float8,
        "now"
        | "current_timestamp"
        | "transaction_timestamp"
        | "statement_timestamp"
        | "clock_timestamp"
        | "to_timestamp" => PgType::Timestamptz,
        "localtimestamp" => PgType::Timestamp,
        "age" | "justify_hours" | "justify_days" | "justify_interval" => PgType::Interval,
        "div" => PgType::Numeric,
        "substring" | "substr" if first() == Some(PgType::Bytea) => PgType::Bytea,
        "current_date" | "make_date" => PgType::Date,
        "make_time" => PgType::Time,
        "make_timestamp" => PgType::Timestamp,
        "make_timestamptz" => PgType::Timestamptz,
        "date_trunc" => match args.get(1).and_then(|e| expr_type(e, scope)) {
            Some(PgType::Timestamp) => PgType::Timestamp,
            _ => PgType::Timestamptz,
        },
        "gen_random_uuid" | "uuid_generate_v4" => PgType::Uuid,
        "bool_and"
        | "bool_or"
        | "every"
        | "starts_with"
        | "pg_table_is_visible"
        | "pg_type_is_visible" => PgType::Bool,
        privilege if privilege.starts_with("has_") && privilege.ends_with("_privilege") => {
            PgType::Bool
        }
        "pg_total_relation_size" | "pg_relation_size" | "pg_table_size" | "pg_indexes_size" => {
            PgType::Int8
        }
        "json_build_object" | "json_build_array" | "json_agg" | "to_json" | "row_to_json"
        | "json_object_agg" => PgType::Json,
        "jsonb_build_object" | "jsonb_build_array" | "jsonb_agg" | "jsonb_object_agg"
        | "to_jsonb" | "jsonb_set" => PgType::Jsonb,
        "pg_backend_pid" | "txid_current" => {
            if name == "pg_backend_pid" {
                PgType::Int4
            } else {
                PgType::Int8
            }
        }
        "decode" => PgType::Bytea,
        "array_agg" => PgType::array_of(first()?)?,
        "unnest" => first()?.element()?,
        "generate_subscripts" | "array_upper" | "array_lower" | "array_length" | "cardinality" => {
            PgType::Int4
        }
        "current_schemas" => PgType::NameArray,
        _ => PgType::Text,
    })
}

/// The PostgreSQL type of an expression, where the rules decide it.
pub(super) fn expr_type(expr: &Expr, scope: &Scope) -> Option<PgType> {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
            scope.referenced(expr).map(|column| column.pg_type)
        }
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => Some(number_type(text)),
            Value::SingleQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::DollarQuotedString(_) => Some(PgType::Unknown),
            Value::Boolean(_) => Some(PgType::Bool),
            _ => None,
        },
        // pgbridge shows `regclass` and its kin by name (see passes/object_references.rs).
        Expr::Cast { data_type, .. }
            if crate::passes::object_references::reference_type(data_type).is_some() =>
        {
            Some(PgType::Text)
        }
        Expr::Cast { data_type, .. } => PgType::from_data_type(data_type),
        Expr::TypedString(typed) => PgType::from_data_type(&typed.data_type),
        Expr::Nested(inner) => expr_type(inner, scope),
        Expr::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => Some(PgType::Bool),
            _ => expr_type(expr, scope),
        },
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => {
                let l = expr_type(left, scope);
                let r = expr_type(right, scope);
                match (l, r, op) {
                    // jsonb minus a key or a position.
                    (Some(PgType::Jsonb), _, BinaryOperator::Minus) => Some(PgType::Jsonb),
                    (Some(PgType::Date), Some(t), BinaryOperator::Plus | BinaryOperator::Minus)
                        if t.is_integer() =>
                    {
                        Some(PgType::Date)
                    }
                    (Some(PgType::Date), Some(PgType::Date), BinaryOperator::Minus) => {
                        Some(PgType::Int4)
                    }
                    _ if interval_arithmetic(l, r, op).is_some() => interval_arithmetic(l, r, op),
                    _ => arithmetic(l, r),
                }
            }
            BinaryOperator::StringConcat => {
                let operands = (expr_type(left, scope), expr_type(right, scope));
                if crate::passes::json_edits::concatenates_jsonb(operands) {
                    Some(PgType::Jsonb)
                } else {
                    Some(PgType::Text)
                }
            }
            BinaryOperator::HashMinus => Some(PgType::Jsonb),
            BinaryOperator::Arrow | BinaryOperator::HashArrow => expr_type(left, scope),
            BinaryOperator::LongArrow | BinaryOperator::HashLongArrow => Some(PgType::Text),
            BinaryOperator::BitwiseAnd
            | BinaryOperator::BitwiseOr
            | BinaryOperator::BitwiseXor
            | BinaryOperator::PGBitwiseXor
            | BinaryOperator::PGBitwiseShiftLeft
            | BinaryOperator::PGBitwiseShiftRight => {
                arithmetic(expr_type(left, scope), expr_type(right, scope))
            }
            _ => Some(PgType::Bool),
        },
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNotFalse(_)
        | Expr::IsDistinctFrom(_, _)
        | Expr::IsNotDistinctFrom(_, _)
        | Expr::Between { .. }
        | Expr::In { .. }
        | Expr::Exists { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. } => Some(PgType::Bool),
        Expr::Function(function) => function_type(function, scope),
        Expr::Case {
            conditions,
            else_result,
            ..
        } => conditions
            .iter()
            .filter_map(|when| expr_type(&when.result, scope))
            .chain(else_result.iter().filter_map(|e| expr_type(e, scope)))
            .find(|t| *t != PgType::Unknown)
            .or(Some(PgType::Text)),
        Expr::Subquery(query) => super::query_columns(query, scope)
            .first()
            .and_then(|column| column.pg_type),
        Expr::Extract { .. } => Some(PgType::Numeric),
        // A bytea's substring is a bytea.
        Expr::Substring { expr, .. } if expr_type(expr, scope) == Some(PgType::Bytea) => {
            Some(PgType::Bytea)
        }
        Expr::Substring { .. } | Expr::Trim { .. } | Expr::Overlay { .. } => Some(PgType::Text),
        Expr::Position { .. } => Some(PgType::Int4),
        Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => match expr_type(expr, scope) {
            Some(PgType::Float4 | PgType::Float8) => Some(PgType::Float8),
            _ => Some(PgType::Numeric),
        },
        Expr::Collate { expr, .. } => expr_type(expr, scope),
        Expr::AtTimeZone { timestamp, .. } => match expr_type(timestamp, scope) {
            Some(PgType::Timestamp) => Some(PgType::Timestamptz),
            _ => Some(PgType::Timestamp),
        },
        Expr::Interval(_) => Some(PgType::Interval),
        Expr::CompoundFieldAccess { root, access_chain } => access_type(root, access_chain, scope),
        _ => None,
    }
}

/// The type of `array[i]` (the element type) and of a field of
/// `information_schema._pg_expandarray(array)`'s record (`x` the element, `n` its position).
fn access_type(root: &Expr, access_chain: &[AccessExpr], scope: &Scope) -> Option<PgType> {
    match access_chain {
        [.., AccessExpr::Subscript(_)] => {
            let (array, _) = crate::passes::arrays::subscripted(root, access_chain)?;
            expr_type(&array, scope)?.element()
        }
        [AccessExpr::Dot(Expr::Identifier(field))] => {
            let mut record = root;
            while let Expr::Nested(inner) = record {
                record = inner;
            }
            let Expr::Function(function) = record else {
                return None;
            };
            if crate::passes::function_name(function) != "_pg_expandarray" {
                return None;
            }
            match field.value.to_ascii_lowercase().as_str() {
                "x" => function_args(function)
                    .first()
                    .and_then(|array| expr_type(array, scope))?
                    .element(),
                "n" => Some(PgType::Int4),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The type of a numeric literal: int4 if it fits, then int8, else numeric.
fn number_type(text: &str) -> PgType {
    if text.contains(['.', 'e', 'E']) {
        PgType::Numeric
    } else if text.parse::<i32>().is_ok() {
        PgType::Int4
    } else if text.parse::<i64>().is_ok() {
        PgType::Int8
    } else {
        PgType::Numeric
    }
}
