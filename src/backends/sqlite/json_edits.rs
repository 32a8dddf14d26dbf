//! PostgreSQL's jsonb editing that SQLite lacks, over the JSON text SQLite keeps jsonb in; the
//! translation calls these for the operators on jsonb operands (`passes/json_edits.rs`):
//!
//! * `a || b`: `pgbridge_jsonb_concat(a, b)`: two objects merge (the right one's value wins),
//!   anything else concatenates as arrays, a non-array taken as a one-element array;
//! * `a - k`: `pgbridge_jsonb_delete(a, k)`: a text `k` removes an object's key or an array's
//!   string elements equal to it, an integer removes the array element at that position
//!   (negative counts from the end);
//! * `a #- path`: `pgbridge_jsonb_delete_path(a, path)`: removes what the path names;
//! * `jsonb_set(a, path, value [, create_missing])`: replaces what the path names, or adds
//!   it as the last step's key or position when `create_missing` (the default).
//!
//! Results are jsonb text; NULL in, NULL out; a scalar where these need a container is
//! PostgreSQL's 22023.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use serde_json::Value as Json;

use pgbridge_proxy::array::split_text;

use super::functions::{optional_text as text, pg_error, sql_error};
use super::json_operators::json;

fn jsonb(value: &Json) -> SqliteValue {
    SqliteValue::Text(pgbridge_proxy::jsonb::to_text(value))
}

/// The steps of a text-array path; a NULL step is PostgreSQL's 22004.
fn path(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<Vec<String>>> {
    let Some(path) = text(ctx.get_raw(index)) else {
        return Ok(None);
    };
    split_text(&path)
        .map_err(pg_error)?
        .into_iter()
        .map(|step| step.ok_or_else(|| sql_error("22004", "path element must not be null")))
        .collect::<rusqlite::Result<Vec<String>>>()
        .map(Some)
}

/// The array position `step` names in an array of `length`: negative counts from the end.
fn position(step: &str, length: usize) -> Option<usize> {
    let index: i64 = step.trim().parse().ok()?;
    let length = i64::try_from(length).ok()?;
    let position = if index < 0 { length + index } else { index };
    usize::try_from(position)
        .ok()
        .filter(|&p| i64::try_from(p).ok() < Some(length))
}

fn concat(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(left), Some(right)) = (json(ctx, 0)?, json(ctx, 1)?) else {
        return Ok(SqliteValue::Null);
    };
    Ok(jsonb(&match (left, right) {
        (Json::Object(mut left), Json::Object(right)) => {
            left.extend(right);
            Json::Object(left)
        }
        (left, right) => {
            let elements = |value: Json| match value {
                Json::Array(elements) => elements,
                other => vec![other],
            };
            let mut merged = elements(left);
            merged.extend(elements(right));
            Json::Array(merged)
        }
    }))
}

fn delete(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let Some(doc) = json(ctx, 0)? else {
        return Ok(SqliteValue::Null);
    };
    let edited = match (doc, ctx.get_raw(1)) {
        (_, ValueRef::Null) => return Ok(SqliteValue::Null),
        (Json::Object(_), ValueRef::Integer(_)) => {
            return Err(sql_error(
                "22023",
                "cannot delete from object using integer index",
            ));
        }
        (Json::Array(mut elements), ValueRef::Integer(index)) => {
            if let Some(at) = position(&index.to_string(), elements.len()) {
                elements.remove(at);
            }
            Json::Array(elements)
        }
        (Json::Object(mut members), key) => {
            members.remove(&text(key).unwrap_or_default());
            Json::Object(members)
        }
        (Json::Array(mut elements), key) => {
            let key = text(key).unwrap_or_default();
            elements.retain(|element| element.as_str() != Some(key.as_str()));
            Json::Array(elements)
        }
        _ => return Err(sql_error("22023", "cannot delete from scalar")),
    };
    Ok(jsonb(&edited))
}

/// The container the path's steps but the last lead to, if every step finds one.
fn parent<'a>(doc: &'a mut Json, steps: &[String]) -> Option<&'a mut Json> {
    steps.iter().try_fold(doc, |value, step| match value {
        Json::Object(members) => members.get_mut(step),
        Json::Array(elements) => {
            let at = position(step, elements.len())?;
            elements.get_mut(at)
        }
        _ => None,
    })
}

fn delete_path(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(mut doc), Some(steps)) = (json(ctx, 0)?, path(ctx, 1)?) else {
        return Ok(SqliteValue::Null);
    };
    if !matches!(doc, Json::Object(_) | Json::Array(_)) {
        return Err(sql_error("22023", "cannot delete path in scalar"));
    }
    if let Some((last, leading)) = steps.split_last() {
        match parent(&mut doc, leading) {
            Some(Json::Object(members)) => {
                members.remove(last);
            }
            Some(Json::Array(elements)) => {
                if let Some(at) = position(last, elements.len()) {
                    elements.remove(at);
                }
            }
            _ => {}
        }
    }
    Ok(jsonb(&doc))
}

fn set(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(mut doc), Some(steps), Some(value)) = (json(ctx, 0)?, path(ctx, 1)?, json(ctx, 2)?)
    else {
        return Ok(SqliteValue::Null);
    };
    let create_missing = ctx.len() < 4 || !matches!(ctx.get_raw(3), ValueRef::Integer(0));
    if !matches!(doc, Json::Object(_) | Json::Array(_)) {
        return Err(sql_error("22023", "cannot set path in scalar"));
    }
    let Some((last, leading)) = steps.split_last() else {
        return Ok(jsonb(&doc));
    };
    match parent(&mut doc, leading) {
        Some(Json::Object(members)) if create_missing || members.contains_key(last) => {
            members.insert(last.clone(), value);
        }
        Some(Json::Array(elements)) => {
            let index: i64 = last.trim().parse().map_err(|_| {
                sql_error(
                    "22P02",
                    format!(
                        "path element at position {} is not an integer: \"{last}\"",
                        steps.len()
                    ),
                )
            })?;
            match position(last, elements.len()) {
                Some(at) => elements[at] = value,
                None if create_missing && index < 0 => elements.insert(0, value),
                None if create_missing => elements.push(value),
                None => {}
            }
        }
        _ => {}
    }
    Ok(jsonb(&doc))
}

/// Registers the four functions on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("pgbridge_jsonb_concat", 2, flags, |ctx| concat(ctx))?;
    connection.create_scalar_function("pgbridge_jsonb_delete", 2, flags, |ctx| delete(ctx))?;
    connection.create_scalar_function("pgbridge_jsonb_delete_path", 2, flags, |ctx| {
        delete_path(ctx)
    })?;
    connection.create_scalar_function("jsonb_set", 3, flags, |ctx| set(ctx))?;
    connection.create_scalar_function("jsonb_set", 4, flags, |ctx| set(ctx))
}
