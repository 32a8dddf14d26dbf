//! PostgreSQL converts a value to its column's type on assignment: `INSERT .. VALUES ('t')` into
//! a boolean stores true, `'thirty'` into an integer fails with 22P02, `2147483648` into an int4
//! fails with 22003, a bad uuid fails. A target that stores what it is given (SQLite) gets the
//! literals of `INSERT .. VALUES` rows and `UPDATE .. SET` wrapped in its cast function for the
//! column's declared type ([`TargetDialect::cast_function`]).
//!
//! Only literals are wrapped: their type is known to be PostgreSQL's `unknown` or a number, so
//! the conversion is the one PostgreSQL applies; expressions keep the type they compute.

use sqlparser::ast::{
    AssignmentTarget, Expr, ObjectName, SetExpr, Statement, TableFactor, TableObject,
    UnaryOperator, Value,
};

use super::call;
use crate::{PgType, SchemaLookup, TargetDialect};

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

/// Wraps `value` in the conversion to `pg_type` when it is a literal and the target has one.
fn convert(value: &mut Expr, pg_type: Option<PgType>, target: &dyn TargetDialect) {
    let Some(pg_type) = pg_type.filter(|t| CONVERTED.contains(t)) else {
        return;
    };
    if !is_literal(value) {
        return;
    }
    if let Some(function) = target.cast_function(pg_type) {
        let literal = std::mem::replace(value, Expr::value(Value::Null));
        *value = call(function, vec![literal]);
    }
}

fn column_type(columns: &[(String, PgType)], name: &str) -> Option<PgType> {
    columns
        .iter()
        .find(|(column, _)| column.eq_ignore_ascii_case(name))
        .map(|(_, pg_type)| *pg_type)
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
            let Some(columns) = last_name(name).and_then(|t| schema.table_columns(&t)) else {
                return;
            };
            let targets: Vec<Option<PgType>> = if insert.columns.is_empty() {
                columns.iter().map(|(_, pg_type)| Some(*pg_type)).collect()
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
                    for (value, pg_type) in row.content.iter_mut().zip(&targets) {
                        convert(value, *pg_type, target);
                    }
                }
            }
        }
        Statement::Update(update) => {
            let TableFactor::Table { name, .. } = &update.table.relation else {
                return;
            };
            let Some(columns) = last_name(name).and_then(|t| schema.table_columns(&t)) else {
                return;
            };
            for assignment in &mut update.assignments {
                if let AssignmentTarget::ColumnName(column) = &assignment.target {
                    let pg_type = last_name(column).and_then(|c| column_type(&columns, &c));
                    convert(&mut assignment.value, pg_type, target);
                }
            }
        }
        _ => {}
    }
}
