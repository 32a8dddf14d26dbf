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
//! * `pgbridge_round(x, n)`: `round(numeric, n)`, half away from zero on the decimal digits
//!   (2.675 to 2.68, where SQLite's `round` sees the binary 2.67499..), `n` negative too
//!   (`round(1234.5, -2)` is 1200).
//! * `pgbridge_rint(x)`: a float rounded half to even, as `round(float8)` and a float's cast to
//!   an integer type round it (2.5 to 2, 3.5 to 4).

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
        // PostgreSQL's NUMERIC takes at most 1000 digits of precision and of scale.
        ValueRef::Integer(i @ 0..=1000) => Ok(u32::try_from(i).ok()),
        ValueRef::Integer(i) => Err(sql_error(
            "22023",
            format!("numeric precision or scale {i} is not between 0 and 1000"),
        )),
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

/// The most digits `round(numeric, n)` pads to, as in PostgreSQL (its largest display scale).
const MAX_ROUND_DIGITS: i64 = 16_383;

/// `text` (a decimal) rounded half away from zero to `digits` digits after the point; a
/// negative count rounds to tens, hundreds and so on.
fn round_decimal(text: &str, digits: i64) -> String {
    if let Ok(scale) = usize::try_from(digits) {
        return round_numeric(text, scale);
    }
    let tens = usize::try_from(digits.unsigned_abs()).unwrap_or(usize::MAX);
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if tens > whole.len() + 1 {
        // Every digit is below half of the unit rounded to.
        return "0".to_owned();
    }
    let whole = format!("{}{whole}", "0".repeat(tens.saturating_sub(whole.len())));
    let (high, low) = whole.split_at(whole.len() - tens);
    let shifted = format!("{sign}{high}.{low}{fraction}");
    let rounded = round_numeric(&shifted, 0);
    match rounded.trim_start_matches('-') {
        "0" | "" => "0".to_owned(),
        _ => format!("{rounded}{}", "0".repeat(tens)),
    }
}

fn round(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    let digits = match ctx.get_raw(1) {
        ValueRef::Null => return Ok(SqliteValue::Null),
        // PostgreSQL pads to at most 16383 digits whatever the count asked for; the clamp
        // also keeps a huge count from padding without bound.
        ValueRef::Integer(i) => i.clamp(-MAX_ROUND_DIGITS, MAX_ROUND_DIGITS),
        _ => {
            return Err(sql_error(
                "22023",
                "round(): the digit count must be an integer",
            ));
        }
    };
    Ok(match decimal_text(ctx.get_raw(0))? {
        None => SqliteValue::Null,
        Some(text) => stored(&round_decimal(&text, digits)),
    })
}

fn rint(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(match ctx.get_raw(0) {
        ValueRef::Null => SqliteValue::Null,
        ValueRef::Integer(i) => SqliteValue::Integer(i),
        ValueRef::Real(r) => SqliteValue::Real(r.round_ties_even()),
        other => {
            let text = String::from_utf8_lossy(match other {
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => bytes,
                _ => &[],
            });
            let value = pgbridge_proxy::value::parse_float(&text).map_err(pg_error)?;
            SqliteValue::Real(value.round_ties_even())
        }
    })
}

pub(super) fn register(connection: &Connection) -> Result<(), Error> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("pgbridge_numeric", 1, deterministic, cast)?;
    connection.create_scalar_function("pgbridge_numeric", 3, deterministic, cast)?;
    connection.create_scalar_function("pgbridge_numeric_text", 2, deterministic, text)?;
    connection.create_scalar_function("pgbridge_round", 2, deterministic, round)?;
    connection.create_scalar_function("pgbridge_rint", 1, deterministic, rint)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::round_decimal;

    #[test]
    fn rounds_decimals_half_away_from_zero_to_any_digit() {
        for (text, digits, rounded) in [
            ("2.675", 2, "2.68"),
            ("-2.5", 0, "-3"),
            ("1234.5", -2, "1200"),
            ("1250", -2, "1300"),
            ("-1250", -2, "-1300"),
            ("49", -2, "0"),
            ("50", -2, "100"),
            ("5", -3, "0"),
            ("0.5", -1, "0"),
            ("999.9", -3, "1000"),
        ] {
            assert_eq!(
                round_decimal(text, digits),
                rounded,
                "round({text}, {digits})"
            );
        }
    }
}
