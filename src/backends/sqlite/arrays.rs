//! Arrays on SQLite. SQLite has no array values: an array is kept as PostgreSQL's array text
//! (`{a,"c d",NULL}`, or `1 2` for the vector types, whose subscripts start at 0), which is what
//! the emulated catalog stores and what `array_agg` produces here. The result columns carry the
//! array type inferred for them, so the adapter reads the text back into array values.
//!
//! Functions registered on every connection (see pgbridge-dialects' SQLite target):
//! `pgbridge_array_agg(x [ORDER BY ..])`, `pgbridge_array_element(a, i)` for `a[i]`,
//! `pgbridge_array_zip(a, ..)` and `pgbridge_array_subscript(a, position [, dimension])` for
//! `json_each` over arrays (set-returning functions in a select list), and PostgreSQL's
//! `array_lower`, `array_upper`, `array_length` and `cardinality`.

use pgbridge_proxy::array::{format_text, split_text};
use pgbridge_proxy::value::format_float;
use pgbridge_proxy::{PgType, Value};
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

/// An array read from its stored text: its elements (`None` for NULL) and first subscript.
struct StoredArray {
    elements: Vec<Option<String>>,
    lower: i64,
}

/// Reads the array argument at `index`; `Ok(None)` for NULL.
fn stored_array(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<StoredArray>> {
    let text = match ctx.get_raw(index) {
        ValueRef::Null => return Ok(None),
        ValueRef::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        ValueRef::Integer(i) => i.to_string(),
        other => {
            return Err(Error::UserFunctionError(
                format!("42804:not an array: {other:?}").into(),
            ));
        }
    };
    let elements = split_text(&text).map_err(super::functions::pg_error)?;
    let lower = i64::from(text.trim_start().starts_with('{'));
    Ok(Some(StoredArray { elements, lower }))
}

/// An element as SQLite reads it best: integers as integers (so `attnum = indkey[0]` compares
/// numbers), anything else as text.
fn element_value(element: Option<&String>) -> SqliteValue {
    match element {
        None => SqliteValue::Null,
        Some(text) => text
            .parse::<i64>()
            .map_or_else(|_| SqliteValue::Text(text.clone()), SqliteValue::Integer),
    }
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An element as a JSON value.
fn json_element(element: Option<&String>) -> String {
    match element_value(element) {
        SqliteValue::Null => "null".to_owned(),
        SqliteValue::Integer(i) => i.to_string(),
        _ => json_string(element.map(String::as_str).unwrap_or_default()),
    }
}

/// The arrays zipped into a JSON array of JSON arrays, as long as the longest (a NULL array
/// has no elements; a shorter array reads null past its end), for `json_each`.
fn zip(arrays: &[Option<StoredArray>]) -> String {
    let longest = arrays
        .iter()
        .flatten()
        .map(|array| array.elements.len())
        .max()
        .unwrap_or(0);
    let rows: Vec<String> = (0..longest)
        .map(|position| {
            let row: Vec<String> = arrays
                .iter()
                .map(|array| {
                    json_element(
                        array
                            .as_ref()
                            .and_then(|a| a.elements.get(position))
                            .and_then(Option::as_ref),
                    )
                })
                .collect();
            format!("[{}]", row.join(","))
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// The dimension argument of `array_upper(a, 1)` and its kin: only 1 exists.
fn first_dimension(ctx: &Context<'_>) -> bool {
    matches!(ctx.get_raw(1), ValueRef::Integer(1))
}

/// Length of the array, or `None` for an empty array (PostgreSQL answers NULL for its bounds).
fn length(array: &StoredArray) -> Option<i64> {
    i64::try_from(array.elements.len()).ok().filter(|n| *n > 0)
}

/// Registers the array functions on a connection.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_aggregate_function("pgbridge_array_agg", 1, flags, ArrayAggregate)?;
    connection.create_scalar_function("pgbridge_array_element", 2, flags, |ctx| {
        let (Some(array), ValueRef::Integer(subscript)) = (stored_array(ctx, 0)?, ctx.get_raw(1))
        else {
            return Ok(SqliteValue::Null);
        };
        let position = subscript
            .checked_sub(array.lower)
            .and_then(|p| usize::try_from(p).ok());
        Ok(position
            .and_then(|p| array.elements.get(p))
            .map_or(SqliteValue::Null, |e| element_value(e.as_ref())))
    })?;
    connection.create_scalar_function("pgbridge_array_zip", -1, flags, |ctx| {
        let arrays = (0..ctx.len())
            .map(|index| stored_array(ctx, index))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(zip(&arrays))
    })?;
    // The subscript at a 0-based position of a zipped row, in the dimension asked for (only
    // the first exists); NULL past the array's end.
    connection.create_scalar_function("pgbridge_array_subscript", -1, flags, |ctx| {
        let (Some(array), ValueRef::Integer(position)) = (stored_array(ctx, 0)?, ctx.get_raw(1))
        else {
            return Ok(None);
        };
        if ctx.len() > 2 && !matches!(ctx.get_raw(2), ValueRef::Integer(1)) {
            return Ok(None);
        }
        Ok(length(&array)
            .filter(|n| position < *n)
            .map(|_| array.lower + position))
    })?;
    connection.create_scalar_function("array_lower", 2, flags, |ctx| {
        Ok(stored_array(ctx, 0)?
            .filter(|array| first_dimension(ctx) && length(array).is_some())
            .map(|array| array.lower))
    })?;
    connection.create_scalar_function("array_upper", 2, flags, |ctx| {
        Ok(stored_array(ctx, 0)?
            .filter(|_| first_dimension(ctx))
            .and_then(|array| Some(array.lower + length(&array)? - 1)))
    })?;
    connection.create_scalar_function("array_length", 2, flags, |ctx| {
        Ok(stored_array(ctx, 0)?
            .filter(|_| first_dimension(ctx))
            .and_then(|array| length(&array)))
    })?;
    connection.create_scalar_function("cardinality", 1, flags, |ctx| {
        Ok(stored_array(ctx, 0)?.map(|array| length(&array).unwrap_or(0)))
    })?;
    Ok(())
}

/// `array_agg(x)`: the values in the order SQLite feeds them (the call's ORDER BY), as array
/// text; NULL over no rows, as in PostgreSQL.
struct ArrayAggregate;

impl Aggregate<Vec<Value>, Option<String>> for ArrayAggregate {
    fn init(&self, _ctx: &mut Context<'_>) -> rusqlite::Result<Vec<Value>> {
        Ok(Vec::new())
    }

    fn step(&self, ctx: &mut Context<'_>, state: &mut Vec<Value>) -> rusqlite::Result<()> {
        state.push(match ctx.get_raw(0) {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Text(i.to_string()),
            ValueRef::Real(r) => Value::Text(format_float(r)),
            ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
            ValueRef::Blob(bytes) => Value::Bytea(bytes.to_vec()),
        });
        Ok(())
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        state: Option<Vec<Value>>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(state.map(|elements| format_text(&elements, PgType::TextArray)))
    }
}
