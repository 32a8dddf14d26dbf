//! PostgreSQL's jsonb operators that SQLite lacks, over the JSON text SQLite keeps json and
//! jsonb in (SQLite has `->` and `->>` itself). The translation calls these functions for
//! the operators (`dialects/src/target/sqlite.rs`, `arithmetic_function`):
//!
//! * `#>` and `#>>`: `pgbridge_json_path(doc, path)` and `pgbridge_json_path_text(doc, path)`,
//!   the value at a path of keys and array positions (negative counts from the end), as JSON
//!   or as text (a JSON null as SQL NULL); the path is a text array (`'{a,0}'`);
//! * `?`, `?|`, `?&`: `pgbridge_json_exists(doc, key)` and its `_any`/`_all` forms over an
//!   array of keys: an object's key, or a string element of an array;
//! * `@>` and `<@`: `pgbridge_json_contains(a, b)` and `pgbridge_json_contained(a, b)`,
//!   jsonb containment: objects by their keys, arrays by their elements in any order, a
//!   top-level array containing a scalar, numbers by value.
//!
//! And `jsonb_typeof`/`json_typeof` with PostgreSQL's type names, and
//! `json(b)_array_length`, which refuses a scalar or an object (22023) where SQLite's
//! `json_array_length` answers 0. NULL in, NULL out; text that
//! is not JSON is 22P02.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::Value as SqliteValue;
use serde_json::Value as Json;

use pgbridge_proxy::array::split_text;

use super::functions::{optional_text as text, pg_error, sql_error};

/// The JSON value of argument `index`; `None` for NULL, 22P02 for text that is not JSON.
pub(super) fn json(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<Json>> {
    text(ctx.get_raw(index))
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|_| sql_error("22P02", "invalid input syntax for type json"))
        })
        .transpose()
}

/// The value at `path` in `doc`; none where the path has a NULL step.
fn at_path<'a>(doc: &'a Json, path: &[Option<String>]) -> Option<&'a Json> {
    path.iter().try_fold(doc, |value, key| {
        let key = key.as_ref()?;
        match value {
            Json::Object(members) => members.get(key),
            Json::Array(elements) => {
                let index: i64 = key.parse().ok()?;
                let length = i64::try_from(elements.len()).ok()?;
                let position = if index < 0 { length + index } else { index };
                elements.get(usize::try_from(position).ok()?)
            }
            _ => None,
        }
    })
}

fn path_value(ctx: &Context<'_>, as_text: bool) -> rusqlite::Result<SqliteValue> {
    let (Some(doc), Some(path)) = (json(ctx, 0)?, text(ctx.get_raw(1))) else {
        return Ok(SqliteValue::Null);
    };
    let path = split_text(&path).map_err(pg_error)?;
    Ok(match at_path(&doc, &path) {
        None => SqliteValue::Null,
        Some(Json::Null) if as_text => SqliteValue::Null,
        Some(Json::String(text)) if as_text => SqliteValue::Text(text.clone()),
        Some(value) => SqliteValue::Text(value.to_string()),
    })
}

fn has_key(doc: &Json, key: &str) -> bool {
    match doc {
        Json::Object(members) => members.contains_key(key),
        Json::Array(elements) => elements
            .iter()
            .any(|e| matches!(e, Json::String(s) if s == key)),
        Json::String(text) => text == key,
        _ => false,
    }
}

/// `?`, or `?|` (`all` false) and `?&` (`all` true) when `many`.
fn exists(ctx: &Context<'_>, many: bool, all: bool) -> rusqlite::Result<SqliteValue> {
    let (Some(doc), Some(key)) = (json(ctx, 0)?, text(ctx.get_raw(1))) else {
        return Ok(SqliteValue::Null);
    };
    let found = if many {
        // NULL keys are left out, as PostgreSQL does.
        let keys = split_text(&key).map_err(pg_error)?;
        let mut keys = keys.iter().flatten();
        if all {
            keys.all(|key| has_key(&doc, key))
        } else {
            keys.any(|key| has_key(&doc, key))
        }
    } else {
        has_key(&doc, &key)
    };
    Ok(SqliteValue::Integer(i64::from(found)))
}

fn same_scalar(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Whether `a` contains `b` as jsonb's `@>` decides; `top` for the outermost values, where an
/// array also contains a scalar that is one of its elements.
fn contains(a: &Json, b: &Json, top: bool) -> bool {
    match (a, b) {
        (Json::Object(a), Json::Object(b)) => b
            .iter()
            .all(|(key, wanted)| a.get(key).is_some_and(|have| contains(have, wanted, false))),
        (Json::Array(a), Json::Array(b)) => b
            .iter()
            .all(|wanted| a.iter().any(|have| contains(have, wanted, false))),
        (Json::Array(a), scalar) if top && !scalar.is_object() => {
            a.iter().any(|have| same_scalar(have, scalar))
        }
        (Json::Object(_) | Json::Array(_), _) | (_, Json::Object(_) | Json::Array(_)) => false,
        (a, b) => same_scalar(a, b),
    }
}

fn containment(ctx: &Context<'_>, reversed: bool) -> rusqlite::Result<SqliteValue> {
    let (Some(a), Some(b)) = (json(ctx, 0)?, json(ctx, 1)?) else {
        return Ok(SqliteValue::Null);
    };
    let found = if reversed {
        contains(&b, &a, true)
    } else {
        contains(&a, &b, true)
    };
    Ok(SqliteValue::Integer(i64::from(found)))
}

fn type_name(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(match json(ctx, 0)? {
        None => SqliteValue::Null,
        Some(value) => SqliteValue::Text(
            match value {
                Json::Null => "null",
                Json::Bool(_) => "boolean",
                Json::Number(_) => "number",
                Json::String(_) => "string",
                Json::Array(_) => "array",
                Json::Object(_) => "object",
            }
            .to_owned(),
        ),
    })
}

fn array_length(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(match json(ctx, 0)? {
        None => SqliteValue::Null,
        Some(Json::Array(elements)) => {
            SqliteValue::Integer(i64::try_from(elements.len()).unwrap_or(i64::MAX))
        }
        Some(Json::Object(_)) => {
            return Err(sql_error("22023", "cannot get array length of a non-array"));
        }
        Some(_) => return Err(sql_error("22023", "cannot get array length of a scalar")),
    })
}

/// Registers the operator functions, `json(b)_typeof` and `json(b)_array_length` on
/// `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection
        .create_scalar_function("pgbridge_json_path", 2, flags, |ctx| path_value(ctx, false))?;
    connection.create_scalar_function("pgbridge_json_path_text", 2, flags, |ctx| {
        path_value(ctx, true)
    })?;
    connection.create_scalar_function("pgbridge_json_exists", 2, flags, |ctx| {
        exists(ctx, false, false)
    })?;
    connection.create_scalar_function("pgbridge_json_exists_any", 2, flags, |ctx| {
        exists(ctx, true, false)
    })?;
    connection.create_scalar_function("pgbridge_json_exists_all", 2, flags, |ctx| {
        exists(ctx, true, true)
    })?;
    connection.create_scalar_function("pgbridge_json_contains", 2, flags, |ctx| {
        containment(ctx, false)
    })?;
    connection.create_scalar_function("pgbridge_json_contained", 2, flags, |ctx| {
        containment(ctx, true)
    })?;
    connection.create_scalar_function("jsonb_typeof", 1, flags, |ctx| type_name(ctx))?;
    connection.create_scalar_function("json_typeof", 1, flags, |ctx| type_name(ctx))?;
    for name in ["jsonb_array_length", "json_array_length"] {
        connection.create_scalar_function(name, 1, flags, |ctx| array_length(ctx))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn containment_follows_jsonb() {
        let holds = |a: &str, b: &str| contains(&parsed(a), &parsed(b), true);
        assert!(holds(r#"{"a":1,"tags":["x","y"]}"#, r#"{"tags":["y"]}"#));
        assert!(holds("[1,2,3]", "[3,1]"));
        assert!(holds("[1,2]", "1"));
        assert!(!holds("[[1,2]]", "[1]"));
        assert!(holds("[[1,2]]", "[[1]]"));
        assert!(holds(r#"{"n":1.0}"#, r#"{"n":1}"#));
        assert!(!holds(r#"{"a":{"b":1}}"#, r#"{"a":1}"#));
    }

    #[test]
    fn paths_step_through_keys_and_positions() {
        let doc = parsed(r#"{"a":[10,20,{"b":"x"}],"b c":0}"#);
        let path = |p: &str| at_path(&doc, &split_text(p).unwrap()).cloned();
        assert_eq!(path("{a,-1,b}"), Some(Json::String("x".into())));
        assert_eq!(path("{a,1}"), Some(parsed("20")));
        assert_eq!(path("{\"b c\"}"), Some(parsed("0")));
        assert_eq!(path("{a,z}"), None);
        assert_eq!(path("{a,NULL}"), None);
        assert!(split_text("{}").unwrap().is_empty());
    }
}
