//! PostgreSQL converts a value to its column's type on assignment: `INSERT .. VALUES ('t')` into
//! a boolean stores true, `'thirty'` into an integer fails with 22P02, `2147483648` into an int4
//! fails with 22003, a bad uuid fails. A target that stores what it is given (SQLite) gets the
//! literals of `INSERT .. VALUES` rows and `UPDATE .. SET` wrapped in its cast function for the
//! column's declared type ([`TargetDialect::cast_function`]).
//!
//! Only literals are wrapped: their type is known to be PostgreSQL's `unknown` or a number, so
//! the conversion is the one PostgreSQL applies; expressions keep the type they compute.
//!
//! A `numeric(p, s)` column is the exception: PostgreSQL rounds whatever is assigned to it to
//! `s` digits (half away from zero) and refuses a value with more than `p - s` integer digits
//! (22003, "numeric field overflow"), so every value written to one (literal, parameter or
//! expression, in `VALUES`, `SET` and `ON CONFLICT DO UPDATE SET`) goes through the target's
//! numeric cast with the precision and scale, as `x::numeric(p, s)` does.

use sqlparser::ast::{
    Assignment, AssignmentTarget, Expr, ObjectName, OnConflictAction, OnInsert, SetExpr, Statement,
    TableFactor, TableObject, UnaryOperator, Value,
};

use super::call;
use crate::{PgType, SchemaLookup, TargetDialect};

/// A column written to: its type and type modifier (`atttypmod`, -1 for none).
type ColumnType = (PgType, i32);

/// The declared types whose conversion a wrapped literal gets.
const CONVERTED: &[PgType] = &[
    PgType::Bool,
    PgType::Int2,
    PgType::Int4,
    PgType::Int8,
    PgType::Date,
    PgType::Timestamp,
    PgType::Timestamptz,
    PgType::Uuid,
    PgType::Jsonb,
];

fn last_name(name: &ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.clone())
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(value) => matches!(
            value.value,
            Value::SingleQuotedString(_) | Value::Number(..)
        ),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => {
            matches!(expr.as_ref(), Expr::Value(value) if matches!(value.value, Value::Number(..)))
        }
        _ => false,
    }
}

/// `DEFAULT` in a `VALUES` row or a `SET`, which is no value to convert.
fn is_default(expr: &Expr) -> bool {
    matches!(expr, Expr::Identifier(ident)
        if ident.quote_style.is_none() && ident.value.eq_ignore_ascii_case("default"))
}

/// Wraps `value` in the conversion to its column's type when it is a literal and the target has
/// one, or in the conversion to `numeric(p, s)` for such a column, whatever the value.
fn convert(value: &mut Expr, column: Option<ColumnType>, target: &dyn TargetDialect) {
    let Some((pg_type, modifier)) = column else {
        return;
    };
    if let Some((precision, scale)) = crate::schema::numeric_precision_scale(pg_type, modifier)
        && let Some(function) = target.cast_function(PgType::Numeric)
        && !is_default(value)
    {
        let assigned = std::mem::replace(value, Expr::value(Value::Null));
        *value = call(function, vec![assigned, number(precision), number(scale)]);
        return;
    }
    if !CONVERTED.contains(&pg_type) || !is_literal(value) {
        return;
    }
    if let Some(function) = target.cast_function(pg_type) {
        let literal = std::mem::replace(value, Expr::value(Value::Null));
        *value = call(function, vec![literal]);
    }
}

fn number(value: u32) -> Expr {
    Expr::value(Value::Number(value.to_string(), false))
}

/// A table's columns with their types and modifiers.
fn table_columns(schema: &dyn SchemaLookup, table: &str) -> Option<Vec<(String, ColumnType)>> {
    let columns = schema.table_columns(table)?;
    let modifiers = schema.type_modifiers(table).unwrap_or_default();
    Some(
        columns
            .into_iter()
            .enumerate()
            .map(|(i, (name, pg_type))| (name, (pg_type, modifiers.get(i).copied().unwrap_or(-1))))
            .collect(),
    )
}

fn column_type(columns: &[(String, ColumnType)], name: &str) -> Option<ColumnType> {
    columns
        .iter()
        .find(|(column, _)| column.eq_ignore_ascii_case(name))
        .map(|(_, column_type)| *column_type)
}

fn convert_assignments(
    assignments: &mut [Assignment],
    columns: &[(String, ColumnType)],
    target: &dyn TargetDialect,
) {
    for assignment in assignments {
        if let AssignmentTarget::ColumnName(column) = &assignment.target {
            let column_type = last_name(column).and_then(|c| column_type(columns, &c));
            convert(&mut assignment.value, column_type, target);
        }
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    schema: &dyn SchemaLookup,
) {
    if !target.converts_on_assignment() {
        return;
    }
    match statement {
        Statement::Insert(insert) => {
            let TableObject::TableName(name) = &insert.table else {
                return;
            };
            let Some(columns) = last_name(name).and_then(|t| table_columns(schema, &t)) else {
                return;
            };
            if let Some(OnInsert::OnConflict(conflict)) = &mut insert.on
                && let OnConflictAction::DoUpdate(update) = &mut conflict.action
            {
                convert_assignments(&mut update.assignments, &columns, target);
            }
            let targets: Vec<Option<ColumnType>> = if insert.columns.is_empty() {
                columns.iter().map(|(_, column)| Some(*column)).collect()
            } else {
                insert
                    .columns
                    .iter()
                    .map(|c| last_name(c).and_then(|c| column_type(&columns, &c)))
                    .collect()
            };
            let Some(source) = insert.source.as_deref_mut() else {
                return;
            };
            if let SetExpr::Values(values) = source.body.as_mut() {
                for row in &mut values.rows {
                    for (value, column) in row.content.iter_mut().zip(&targets) {
                        convert(value, *column, target);
                    }
                }
            }
        }
        Statement::Update(update) => {
            let TableFactor::Table { name, .. } = &update.table.relation else {
                return;
            };
            let Some(columns) = last_name(name).and_then(|t| table_columns(schema, &t)) else {
                return;
            };
            convert_assignments(&mut update.assignments, &columns, target);
        }
        _ => {}
    }
}
