//! Numeric casts and output on SQLite, which stores a numeric as an INTEGER or a REAL and so
//! keeps neither its scale nor a typmod:
//!
//! * `pgbridge_numeric(x)`: `x::numeric` with PostgreSQL's input rules (22P02 on bad text,
//!   22003 for a value SQLite would not keep digit for digit).
//! * `pgbridge_numeric(x, p, s)`: `x::numeric(p, s)`, and every value written to a
//!   `numeric(p, s)` column: rounded half away from zero to `s` digits, 22003 ("numeric field
//!   overflow") past `p - s` integer digits.
//! * `pgbridge_numeric_text(x, s)`: `x::text` of a numeric, as PostgreSQL prints it: with `s`
//!   digits after the point (the scale inference gives the value, `NULL` when unknown) and
//!   never in float notation.

use pgbridge_proxy::value::{numeric_with_typmod, parse_numeric, round_numeric};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

use super::functions::{pg_error, sql_error};

/// The decimal text of a numeric argument; `None` for NULL.
fn decimal_text(value: ValueRef<'_>) -> rusqlite::Result<Option<String>> {
    Ok(Some(match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => super::types::real_to_numeric(r),
        ValueRef::Text(text) | ValueRef::Blob(text) => {
            let text = String::from_utf8_lossy(text);
            let decimal = parse_numeric(&text).map_err(pg_error)?;
            super::types::check_exact_numeric(&decimal).map_err(pg_error)?;
            decimal
        }
    }))
}

/// A decimal as SQLite stores a numeric: an INTEGER when it fits, else a REAL.
fn stored(text: &str) -> SqliteValue {
    match text.parse::<i64>() {
        Ok(i) => SqliteValue::Integer(i),
        Err(_) => SqliteValue::Real(text.parse().unwrap_or(f64::NAN)),
    }
}

/// A non-negative integer argument (a precision or a scale).
fn count(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<u32>> {
    match ctx.get_raw(index) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => u32::try_from(i)
            .map(Some)
            .map_err(|_| sql_error("22023", format!("invalid numeric precision or scale {i}"))),
        _ => Err(sql_error(
            "22023",
            "numeric precision and scale must be integers",
        )),
    }
}

fn cast(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(match ctx.get_raw(0) {
        // An integer or a real is already what SQLite stores.
        ValueRef::Integer(i) if ctx.len() == 1 => SqliteValue::Integer(i),
        ValueRef::Real(r) if ctx.len() == 1 => SqliteValue::Real(r),
        value => match decimal_text(value)? {
            None => SqliteValue::Null,
            Some(text) if ctx.len() == 1 => stored(&text),
            Some(text) => {
                let (Some(precision), Some(scale)) = (count(ctx, 1)?, count(ctx, 2)?) else {
                    return Ok(stored(&text));
                };
                stored(&numeric_with_typmod(&text, precision, scale).map_err(pg_error)?)
            }
        },
    })
}

fn text(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    let Some(text) = decimal_text(ctx.get_raw(0))? else {
        return Ok(SqliteValue::Null);
    };
    Ok(SqliteValue::Text(match count(ctx, 1)? {
        Some(scale) => round_numeric(&text, usize::try_from(scale).unwrap_or(usize::MAX)),
        None => text,
    }))
}

pub(super) fn register(connection: &Connection) -> Result<(), Error> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("pgbridge_numeric", 1, deterministic, cast)?;
    connection.create_scalar_function("pgbridge_numeric", 3, deterministic, cast)?;
    connection.create_scalar_function("pgbridge_numeric_text", 2, deterministic, text)?;
    Ok(())
}
