//! PostgreSQL's JSON builders on SQLite, in PostgreSQL's own text layout: `json_agg` and
//! `json_build_array` write `[1, "two"]`, `json_build_object` writes `{"a" : 1, "b" : 2}`,
//! `json_object_agg` writes `{ "a" : 1 }`, `to_json` one value. The jsonb forms share them (a
//! jsonb result is put in jsonb's canonical form on the way out).
//!
//! A value becomes JSON as PostgreSQL's `to_json` makes it: text a string, numbers numbers,
//! NULL `null`, bytea a `"\\x.."` string. A value the translation marked as JSON
//! (`pgbridge_json_value(x, canonical)`, for json and jsonb arguments and booleans; see
//! `dialects/src/passes/json_values.rs`) carries SQLite's JSON subtype and is embedded as is.
//! SQLite's own `json_object` and `json_group_array` write compact JSON and read a boolean as
//! 0 or 1, so these are written here.

use pgbridge_proxy::value::{format_float, format_hex};
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

use super::functions::{pg_error, sql_error};

/// SQLite's subtype for JSON text (`'J'`), which its JSON functions use too.
const JSON_SUBTYPE: u32 = 74;

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Argument `index` as JSON text.
fn json_of(ctx: &Context<'_>, index: usize) -> String {
    let value = ctx.get_raw(index);
    if ctx.get_subtype(index) == JSON_SUBTYPE
        && let ValueRef::Text(text) = value
    {
        return String::from_utf8_lossy(text).into_owned();
    }
    match value {
        ValueRef::Null => "null".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) if r.is_finite() => format_float(r),
        ValueRef::Real(r) => quoted(&format_float(r)),
        ValueRef::Text(text) => quoted(&String::from_utf8_lossy(text)),
        ValueRef::Blob(bytes) => quoted(&format!("\\x{}", format_hex(bytes))),
    }
}

/// An object key: any non-NULL value as its text.
fn key_of(ctx: &Context<'_>, index: usize) -> rusqlite::Result<String> {
    let text = match ctx.get_raw(index) {
        ValueRef::Null => {
            return Err(sql_error("22004", "null value not allowed for object key"));
        }
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => format_float(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    };
    Ok(quoted(&text))
}

fn json_result(text: String) -> (SqliteValue, Option<u32>) {
    (SqliteValue::Text(text), Some(JSON_SUBTYPE))
}

fn build_array(ctx: &Context<'_>) -> (SqliteValue, Option<u32>) {
    let elements: Vec<String> = (0..ctx.len()).map(|index| json_of(ctx, index)).collect();
    json_result(format!("[{}]", elements.join(", ")))
}

fn build_object(ctx: &Context<'_>) -> rusqlite::Result<(SqliteValue, Option<u32>)> {
    if !ctx.len().is_multiple_of(2) {
        return Err(sql_error(
            "22023",
            "argument list must have even number of elements",
        ));
    }
    let mut members = Vec::with_capacity(ctx.len() / 2);
    for index in (0..ctx.len()).step_by(2) {
        members.push(format!(
            "{} : {}",
            key_of(ctx, index)?,
            json_of(ctx, index + 1)
        ));
    }
    Ok(json_result(format!("{{{}}}", members.join(", "))))
}

/// `pgbridge_json_value(x, canonical)`: `x` marked as JSON, in jsonb's form when `canonical`.
fn json_value(ctx: &Context<'_>) -> rusqlite::Result<(SqliteValue, Option<u32>)> {
    let text = match ctx.get_raw(0) {
        ValueRef::Null => return Ok((SqliteValue::Null, None)),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => format_float(r),
    };
    let canonical = matches!(ctx.get_raw(1), ValueRef::Integer(1));
    let text = if canonical {
        pgbridge_proxy::jsonb::canonical(&text).map_err(pg_error)?
    } else {
        text
    };
    Ok(json_result(text))
}

/// `json_agg` (`object` false): the elements in order, `[a, b]`; `json_object_agg` (`object`
/// true): the members, `{ "k" : v, .. }`. NULL for no rows.
struct ListAggregate {
    object: bool,
}

impl Aggregate<Vec<String>, Option<String>> for ListAggregate {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn step(&self, ctx: &mut Context<'_>, items: &mut Vec<String>) -> rusqlite::Result<()> {
        items.push(if self.object {
            format!("{} : {}", key_of(ctx, 0)?, json_of(ctx, 1))
        } else {
            json_of(ctx, 0)
        });
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        items: Option<Vec<String>>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(items.map(|items| {
            if self.object {
                format!("{{ {} }}", items.join(", "))
            } else {
                format!("[{}]", items.join(", "))
            }
        }))
    }
}

/// Registers the builders on `connection`.
pub fn register(connection: &Connection) -> Result<(), Error> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_SUBTYPE;
    let producing = flags | FunctionFlags::SQLITE_RESULT_SUBTYPE;
    connection
        .create_scalar_function("pgbridge_json_value", 2, producing, |ctx| json_value(ctx))?;
    for name in ["json_build_array", "jsonb_build_array"] {
        connection.create_scalar_function(name, -1, producing, |ctx| Ok(build_array(ctx)))?;
    }
    for name in ["json_build_object", "jsonb_build_object"] {
        connection.create_scalar_function(name, -1, producing, |ctx| build_object(ctx))?;
    }
    for name in ["to_json", "to_jsonb"] {
        connection.create_scalar_function(name, 1, producing, |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Null => (SqliteValue::Null, None),
                _ => json_result(json_of(ctx, 0)),
            })
        })?;
    }
    for name in ["json_agg", "jsonb_agg"] {
        connection.create_aggregate_function(name, 1, flags, ListAggregate { object: false })?;
    }
    for name in ["json_object_agg", "jsonb_object_agg"] {
        connection.create_aggregate_function(name, 2, flags, ListAggregate { object: true })?;
    }
    Ok(())
}
