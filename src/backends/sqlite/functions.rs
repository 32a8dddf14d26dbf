//! SQL functions registered on every SQLite connection, so translated statements keep
//! PostgreSQL's semantics: checked division, PostgreSQL cast rules, `now()`, and the session
//! functions clients call (`version()`, `current_setting()`, ...).
//!
//! Errors are raised as `SQLSTATE:message`; `errors::classify` turns them back into SqlErrors.

use std::sync::{Arc, PoisonError};

use pgbridge_proxy::value::{
    format_time, format_timestamp, format_uuid, parse_bool, parse_bytea, parse_date, parse_float,
    parse_time, parse_timestamp, parse_timestamptz, parse_uuid,
};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

/// Session values the functions read; shared with the engine session (the backend-neutral
/// struct, under the name the SQLite code has always used).
pub use crate::backends::adapter::SessionValues as SessionFunctions;

/// An argument as text, `None` for NULL (numbers in their SQLite text form).
pub(super) fn optional_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

pub(super) fn sql_error(code: &str, message: impl std::fmt::Display) -> Error {
    Error::UserFunctionError(format!("{code}:{message}").into())
}

fn text_of(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

/// The binary arithmetic operators pgbridge computes itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

/// One operand of an arithmetic operator, as PostgreSQL would type it.
enum Operand {
    Integer(i64),
    Real(f64),
    Date(chrono::NaiveDate),
}

fn operand(value: ValueRef<'_>, operator: Operator) -> rusqlite::Result<Option<Operand>> {
    Ok(match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(Operand::Integer(i)),
        ValueRef::Real(r) => Some(Operand::Real(r)),
        other => {
            let text = text_of(other);
            let trimmed = text.trim();
            if let Ok(i) = trimmed.parse::<i64>() {
                Some(Operand::Integer(i))
            } else if let Ok(r) = trimmed.parse::<f64>() {
                Some(Operand::Real(r))
            } else if trimmed.len() == 10
                && matches!(operator, Operator::Add | Operator::Subtract)
                && let Ok(date) = parse_date(trimmed)
            {
                // A date stored as ISO text: `date ± integer` moves by days.
                Some(Operand::Date(date))
            } else {
                return Err(sql_error(
                    "22P02",
                    format!("invalid input syntax for type numeric: \"{text}\""),
                ));
            }
        }
    })
}

fn integer_result(result: Option<i64>) -> rusqlite::Result<SqliteValue> {
    result
        .map(SqliteValue::Integer)
        .ok_or_else(|| sql_error("22003", "integer out of range"))
}

fn shift_date(date: chrono::NaiveDate, days: i64) -> rusqlite::Result<SqliteValue> {
    date.checked_add_signed(chrono::Duration::days(days))
        .map(|d| SqliteValue::Text(d.format("%Y-%m-%d").to_string()))
        .ok_or_else(|| sql_error("22008", "date out of range"))
}

/// `a op b` with PostgreSQL's rules.
fn arithmetic(ctx: &Context<'_>, operator: Operator) -> rusqlite::Result<SqliteValue> {
    let (Some(left), Some(right)) = (
        operand(ctx.get_raw(0), operator)?,
        operand(ctx.get_raw(1), operator)?,
    ) else {
        return Ok(SqliteValue::Null);
    };
    match (left, right) {
        (Operand::Integer(a), Operand::Integer(b)) => match operator {
            Operator::Add => integer_result(a.checked_add(b)),
            Operator::Subtract => integer_result(a.checked_sub(b)),
            Operator::Multiply => integer_result(a.checked_mul(b)),
            Operator::Divide | Operator::Modulo if b == 0 => {
                Err(sql_error("22012", "division by zero"))
            }
            Operator::Divide => integer_result(a.checked_div(b)),
            Operator::Modulo => integer_result(a.checked_rem(b)),
        },
        (Operand::Date(date), Operand::Integer(days)) if operator == Operator::Add => {
            shift_date(date, days)
        }
        (Operand::Integer(days), Operand::Date(date)) if operator == Operator::Add => {
            shift_date(date, days)
        }
        (Operand::Date(date), Operand::Integer(days)) if operator == Operator::Subtract => {
            shift_date(date, days.checked_neg().unwrap_or(i64::MAX))
        }
        (Operand::Date(a), Operand::Date(b)) if operator == Operator::Subtract => {
            Ok(SqliteValue::Integer(a.signed_duration_since(b).num_days()))
        }
        (Operand::Date(_), _) | (_, Operand::Date(_)) => Err(sql_error(
            "42883",
            "operator does not exist for date and this operand (only date ± integer and date - date)",
        )),
        (a, b) => {
            #[allow(clippy::cast_precision_loss)]
            let float = |v: Operand| match v {
                Operand::Integer(i) => i as f64,
                Operand::Real(r) => r,
                Operand::Date(_) => f64::NAN,
            };
            let (a, b) = (float(a), float(b));
            let result = match operator {
                Operator::Add => a + b,
                Operator::Subtract => a - b,
                Operator::Multiply => a * b,
                Operator::Divide | Operator::Modulo if b == 0.0 => {
                    return Err(sql_error("22012", "division by zero"));
                }
                Operator::Divide => a / b,
                Operator::Modulo => a % b,
            };
            Ok(SqliteValue::Real(result))
        }
    }
}

/// PostgreSQL's integer input: integers in range, reals rounded, text strictly integral.
fn to_integer(ctx: &Context<'_>, min: i64, max: i64, name: &str) -> rusqlite::Result<SqliteValue> {
    let out_of_range = || sql_error("22003", format!("{name} out of range"));
    let value = match ctx.get_raw(0) {
        ValueRef::Null => return Ok(SqliteValue::Null),
        ValueRef::Integer(i) => i,
        ValueRef::Real(r) => {
            if !r.is_finite() || r.round() < min as f64 || r.round() > max as f64 {
                return Err(out_of_range());
            }
            #[allow(clippy::cast_possible_truncation)]
            let rounded = r.round() as i64;
            rounded
        }
        other => {
            let text = text_of(other);
            text.trim().parse::<i64>().map_err(|_| {
                sql_error(
                    "22P02",
                    format!("invalid input syntax for type {name}: \"{text}\""),
                )
            })?
        }
    };
    if value < min || value > max {
        return Err(out_of_range());
    }
    Ok(SqliteValue::Integer(value))
}

fn text_argument(ctx: &Context<'_>) -> Option<String> {
    match ctx.get_raw(0) {
        ValueRef::Null => None,
        other => Some(text_of(other)),
    }
}

pub(super) fn pg_error(error: pgbridge_proxy::SqlError) -> Error {
    sql_error(&error.code, error.message)
}

/// Registers every pgbridge function on a connection.
pub fn register(connection: &Connection, session: Arc<SessionFunctions>) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let volatile = FunctionFlags::SQLITE_UTF8;
    super::builtins::register(connection)?;
    super::arrays::register(connection)?;
    super::bit_aggregates::register(connection)?;
    super::string_aggregates::register(connection)?;
    super::date_constructors::register(connection)?;
    super::json_edits::register(connection)?;
    super::intervals::register(connection)?;
    super::date_parts::register(connection)?;
    super::to_char::register(connection)?;
    super::text_functions::register(connection)?;
    super::json_operators::register(connection)?;
    super::json_builders::register(connection)?;
    super::patterns::register(connection)?;
    super::numerics::register(connection)?;
    // `generate_series(start, stop, step)` in FROM, as the translation writes PostgreSQL's.
    rusqlite::vtab::series::load_module(connection)?;
    for (name, operator) in [
        ("pgbridge_add", Operator::Add),
        ("pgbridge_sub", Operator::Subtract),
        ("pgbridge_mul", Operator::Multiply),
        ("pgbridge_div", Operator::Divide),
        ("pgbridge_mod", Operator::Modulo),
    ] {
        connection
            .create_scalar_function(name, 2, deterministic, move |ctx| arithmetic(ctx, operator))?;
    }
    // `pgbridge_raise(sqlstate, message)`: the error a translation raises where SQLite would
    // answer (a scalar subquery of several rows).
    // Volatile: SQLite evaluates a deterministic call with constant arguments once, up front.
    connection.create_scalar_function("pgbridge_raise", 2, FunctionFlags::SQLITE_UTF8, |ctx| {
        let code = text_of(ctx.get_raw(0));
        let message = text_of(ctx.get_raw(1));
        Err::<SqliteValue, _>(sql_error(&code, message))
    })?;
    connection.create_scalar_function("pgbridge_bytea", 1, deterministic, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => SqliteValue::Null,
            ValueRef::Blob(bytes) => SqliteValue::Blob(bytes.to_vec()),
            other => SqliteValue::Blob(parse_bytea(&text_of(other)).map_err(pg_error)?),
        })
    })?;
    connection.create_scalar_function("pgbridge_int2", 1, deterministic, |ctx| {
        to_integer(ctx, i64::from(i16::MIN), i64::from(i16::MAX), "smallint")
    })?;
    connection.create_scalar_function("pgbridge_int4", 1, deterministic, |ctx| {
        to_integer(ctx, i64::from(i32::MIN), i64::from(i32::MAX), "integer")
    })?;
    connection.create_scalar_function("pgbridge_int8", 1, deterministic, |ctx| {
        to_integer(ctx, i64::MIN, i64::MAX, "bigint")
    })?;
    connection.create_scalar_function("pgbridge_float8", 1, deterministic, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => SqliteValue::Null,
            #[allow(clippy::cast_precision_loss)]
            ValueRef::Integer(i) => SqliteValue::Real(i as f64),
            ValueRef::Real(r) => SqliteValue::Real(r),
            other => SqliteValue::Real(parse_float(&text_of(other)).map_err(pg_error)?),
        })
    })?;
    connection.create_scalar_function("pgbridge_bool", 1, deterministic, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => SqliteValue::Null,
            ValueRef::Integer(i) => SqliteValue::Integer(i64::from(i != 0)),
            other => {
                SqliteValue::Integer(i64::from(parse_bool(&text_of(other)).map_err(pg_error)?))
            }
        })
    })?;
    connection.create_scalar_function("pgbridge_date", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => SqliteValue::Text(
                parse_date(&text)
                    .map_err(pg_error)?
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
        })
    })?;
    connection.create_scalar_function("pgbridge_timestamp", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => {
                SqliteValue::Text(format_timestamp(&parse_timestamp(&text).map_err(pg_error)?))
            }
        })
    })?;
    connection.create_scalar_function("pgbridge_timestamptz", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => {
                let value = parse_timestamptz(&text).map_err(pg_error)?;
                SqliteValue::Text(format!("{}+00", format_timestamp(&value.naive_utc())))
            }
        })
    })?;
    connection.create_scalar_function("pgbridge_time", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => SqliteValue::Text(format_time(&parse_time(&text).map_err(pg_error)?)),
        })
    })?;
    connection.create_scalar_function("pgbridge_uuid", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => SqliteValue::Text(format_uuid(&parse_uuid(&text).map_err(pg_error)?)),
        })
    })?;
    // jsonb is stored in its canonical text, so `::text`, equality and COPY see that form.
    connection.create_scalar_function("pgbridge_jsonb", 1, deterministic, |ctx| {
        Ok(match text_argument(ctx) {
            None => SqliteValue::Null,
            Some(text) => {
                SqliteValue::Text(pgbridge_proxy::jsonb::canonical(&text).map_err(pg_error)?)
            }
        })
    })?;
    // The transaction's timestamp: the same through the whole transaction (the worker clears
    // it whenever SQLite is outside one).
    let state = Arc::clone(&session);
    connection.create_scalar_function("pgbridge_now", 0, volatile, move |_| {
        let mut now = state
            .transaction_now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = now.get_or_insert_with(|| {
            format!("{}+00", format_timestamp(&chrono::Utc::now().naive_utc()))
        });
        Ok(SqliteValue::Text(text.clone()))
    })?;
    // clock_timestamp() and statement_timestamp(): the clock, read at each call.
    connection.create_scalar_function("pgbridge_clock", 0, volatile, |_| {
        Ok(SqliteValue::Text(format!(
            "{}+00",
            format_timestamp(&chrono::Utc::now().naive_utc())
        )))
    })?;
    // PostgreSQL's random() is a float8 in [0, 1); SQLite's own is any 64-bit integer.
    connection.create_scalar_function("random", 0, volatile, |_| {
        let bits = uuid::Uuid::new_v4().as_u128() & ((1 << 53) - 1);
        #[allow(clippy::cast_precision_loss)]
        let fraction = bits as f64 / (1u64 << 53) as f64;
        Ok(SqliteValue::Real(fraction))
    })?;
    connection.create_scalar_function("gen_random_uuid", 0, volatile, |_| {
        Ok(SqliteValue::Text(uuid::Uuid::new_v4().to_string()))
    })?;
    let state = Arc::clone(&session);
    connection.create_scalar_function("version", 0, deterministic, move |_| {
        Ok(state.version.clone())
    })?;
    let state = Arc::clone(&session);
    connection.create_scalar_function("current_user", 0, deterministic, move |_| {
        Ok(state.user.clone())
    })?;
    let state = Arc::clone(&session);
    connection.create_scalar_function("current_database", 0, deterministic, move |_| {
        Ok(state.database.clone())
    })?;
    connection.create_scalar_function("current_schema", 0, deterministic, |_| {
        Ok("public".to_owned())
    })?;
    let state = session;
    connection.create_scalar_function("current_setting", -1, volatile, move |ctx| {
        let name = text_of(ctx.get_raw(0)).to_ascii_lowercase();
        let missing_ok = ctx.len() > 1 && matches!(ctx.get_raw(1), ValueRef::Integer(1));
        let settings = state
            .settings
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        match settings.get(&name) {
            Some(value) => Ok(SqliteValue::Text(value.clone())),
            None if missing_ok => Ok(SqliteValue::Null),
            None => Err(sql_error(
                "42704",
                format!("unrecognized configuration parameter \"{name}\""),
            )),
        }
    })?;
    Ok(())
}
