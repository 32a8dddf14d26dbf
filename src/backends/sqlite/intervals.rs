//! PostgreSQL's interval arithmetic on SQLite, which has no interval type: intervals are kept as
//! PostgreSQL's interval text, timestamps as pgbridge's stored text (`2024-01-31 10:00:00`,
//! with `+00` for timestamptz), and the translation (`dialects/src/passes/date_arithmetic.rs`)
//! calls these functions where `+` and `-` meet an interval:
//!
//! * `pgbridge_interval(x)`: `x::interval`, PostgreSQL's output form of the interval read;
//! * `pgbridge_datetime_moved(point, interval, subtract, with_zone)`: a date, timestamp or
//!   timestamptz plus or minus an interval, months first (the day of month clamped, as
//!   PostgreSQL does: `2024-01-31 + 1 month` is `2024-02-29`), then days, then the time;
//! * `pgbridge_datetime_between(a, b)`: `a - b` of two timestamps, as days and a time;
//! * `pgbridge_interval_combined(a, b, subtract)`: `a + b` or `a - b`, field by field;
//! * `pgbridge_interval_span(x)`: what comparisons of intervals compare, PostgreSQL's span of
//!   the interval in microseconds with a month as 30 days (`'1 mon' = '30 days'`);
//! * `pgbridge_interval_scaled(x, factor, divide)`: `x * factor` or `x / factor`;
//! * `age(a, b)`, `age(a)` (from midnight today, UTC), `justify_hours(x)`, `justify_days(x)`,
//!   `justify_interval(x)` under PostgreSQL's own names.
//!
//! The arithmetic itself is `pgbridge_proxy::interval_math`.
//!
//! NULL in gives NULL out; unreadable input and results out of range are PostgreSQL's errors.

use chrono::{Duration, Months, NaiveDateTime};
use pgbridge_proxy::interval_math::age;
use pgbridge_proxy::value::{Interval, format_timestamp, parse_timestamp, parse_timestamptz};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

use super::functions::{optional_text as text, pg_error, sql_error};

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn interval_argument(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<Interval>> {
    text(ctx.get_raw(index))
        .map(|text| Interval::parse(&text).map_err(pg_error))
        .transpose()
}

/// A date, timestamp or timestamptz argument as a UTC date and time.
fn point_argument(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    text(ctx.get_raw(index))
        .map(|text| {
            parse_timestamp(&text)
                .or_else(|_| parse_timestamptz(&text).map(|at| at.naive_utc()))
                .map_err(pg_error)
        })
        .transpose()
}

fn flag(ctx: &Context<'_>, index: usize) -> bool {
    matches!(ctx.get_raw(index), ValueRef::Integer(i) if i != 0)
}

fn out_of_range(what: &str) -> Error {
    sql_error("22008", format!("{what} out of range"))
}

fn interval_text(interval: Interval) -> SqliteValue {
    SqliteValue::Text(interval.to_postgres())
}

/// `point + interval`, or `point - interval` when `subtract`.
fn moved(point: NaiveDateTime, interval: Interval, subtract: bool) -> Option<NaiveDateTime> {
    let sign: i64 = if subtract { -1 } else { 1 };
    let months = i64::from(interval.months) * sign;
    let magnitude = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let point = if months >= 0 {
        point.checked_add_months(magnitude)?
    } else {
        point.checked_sub_months(magnitude)?
    };
    let days = Duration::try_days(i64::from(interval.days) * sign)?;
    let time = Duration::microseconds(interval.microseconds.checked_mul(sign)?);
    point.checked_add_signed(days)?.checked_add_signed(time)
}

/// `a - b` as PostgreSQL gives it: whole days, and the rest as a time of the same sign.
fn between(a: NaiveDateTime, b: NaiveDateTime) -> Option<Interval> {
    let micros = (a - b).num_microseconds()?;
    Some(Interval {
        months: 0,
        days: i32::try_from(micros / MICROS_PER_DAY).ok()?,
        microseconds: micros % MICROS_PER_DAY,
    })
}

fn combined(a: Interval, b: Interval, subtract: bool) -> Option<Interval> {
    let (months, days, micros) = if subtract {
        (
            a.months.checked_sub(b.months)?,
            a.days.checked_sub(b.days)?,
            a.microseconds.checked_sub(b.microseconds)?,
        )
    } else {
        (
            a.months.checked_add(b.months)?,
            a.days.checked_add(b.days)?,
            a.microseconds.checked_add(b.microseconds)?,
        )
    };
    Some(Interval {
        months,
        days,
        microseconds: micros,
    })
}

/// The microseconds PostgreSQL compares an interval by (a month is 30 days), saturated to 64
/// bits, which only intervals of more than 290,000 years reach.
fn span(interval: Interval) -> i64 {
    let days = i128::from(interval.months) * 30 + i128::from(interval.days);
    let micros = days * 86_400_000_000 + i128::from(interval.microseconds);
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

/// A number argument (`None` for NULL), read as PostgreSQL's float8 input.
fn factor_argument(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<f64>> {
    match ctx.get_raw(index) {
        ValueRef::Null => Ok(None),
        _ => super::builtins::real(ctx, index).map(Some),
    }
}

/// Registers `justify_hours`, `justify_days` or `justify_interval` as `justify`.
fn register_justify(
    connection: &Connection,
    name: &str,
    justify: fn(Interval) -> Result<Interval, pgbridge_proxy::SqlError>,
) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function(name, 1, deterministic, move |ctx| {
        let Some(interval) = interval_argument(ctx, 0)? else {
            return Ok(SqliteValue::Null);
        };
        justify(interval).map(interval_text).map_err(pg_error)
    })
}

/// Registers `age`, with two arguments and with one (measured from midnight today, UTC, as
/// PostgreSQL measures it from `current_date` in the session's zone, which is UTC).
fn register_age(connection: &Connection) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("age", 2, deterministic, |ctx| {
        let (Some(a), Some(b)) = (point_argument(ctx, 0)?, point_argument(ctx, 1)?) else {
            return Ok(SqliteValue::Null);
        };
        age(a, b).map(interval_text).map_err(pg_error)
    })?;
    connection.create_scalar_function("age", 1, FunctionFlags::SQLITE_UTF8, |ctx| {
        let Some(point) = point_argument(ctx, 0)? else {
            return Ok(SqliteValue::Null);
        };
        let midnight = chrono::Utc::now()
            .date_naive()
            .and_time(chrono::NaiveTime::MIN);
        age(midnight, point).map(interval_text).map_err(pg_error)
    })
}

/// Registers the interval functions on a connection.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("pgbridge_interval_scaled", 3, deterministic, |ctx| {
        let (Some(interval), Some(factor)) = (interval_argument(ctx, 0)?, factor_argument(ctx, 1)?)
        else {
            return Ok(SqliteValue::Null);
        };
        interval
            .scaled(factor, flag(ctx, 2))
            .map(interval_text)
            .map_err(pg_error)
    })?;
    register_age(connection)?;
    register_justify(connection, "justify_hours", Interval::justify_hours)?;
    register_justify(connection, "justify_days", Interval::justify_days)?;
    register_justify(connection, "justify_interval", Interval::justify_interval)?;
    connection.create_scalar_function("pgbridge_interval", 1, deterministic, |ctx| {
        Ok(interval_argument(ctx, 0)?.map_or(SqliteValue::Null, interval_text))
    })?;
    connection.create_scalar_function("pgbridge_datetime_moved", 4, deterministic, |ctx| {
        let (Some(point), Some(interval)) = (point_argument(ctx, 0)?, interval_argument(ctx, 1)?)
        else {
            return Ok(SqliteValue::Null);
        };
        let at = moved(point, interval, flag(ctx, 2)).ok_or_else(|| out_of_range("timestamp"))?;
        let text = format_timestamp(&at);
        Ok(SqliteValue::Text(if flag(ctx, 3) {
            format!("{text}+00")
        } else {
            text
        }))
    })?;
    connection.create_scalar_function("pgbridge_datetime_between", 2, deterministic, |ctx| {
        let (Some(a), Some(b)) = (point_argument(ctx, 0)?, point_argument(ctx, 1)?) else {
            return Ok(SqliteValue::Null);
        };
        Ok(interval_text(
            between(a, b).ok_or_else(|| out_of_range("interval"))?,
        ))
    })?;
    connection.create_scalar_function("pgbridge_interval_combined", 3, deterministic, |ctx| {
        let (Some(a), Some(b)) = (interval_argument(ctx, 0)?, interval_argument(ctx, 1)?) else {
            return Ok(SqliteValue::Null);
        };
        let sum = combined(a, b, flag(ctx, 2)).ok_or_else(|| out_of_range("interval"))?;
        Ok(interval_text(sum))
    })?;
    connection.create_scalar_function("pgbridge_interval_span", 1, deterministic, |ctx| {
        Ok(interval_argument(ctx, 0)?.map_or(SqliteValue::Null, |i| SqliteValue::Integer(span(i))))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        parse_timestamp(text).unwrap()
    }

    fn interval(text: &str) -> Interval {
        Interval::parse(text).unwrap()
    }

    #[test]
    fn months_clamp_the_day_then_days_and_time_follow() {
        let moved_by = |point, by, subtract| moved(at(point), interval(by), subtract).unwrap();
        assert_eq!(moved_by("2024-01-31", "1 month", false), at("2024-02-29"));
        assert_eq!(
            moved_by("2024-03-31 10:00:00", "1 mon 1 day 02:30:00", true),
            at("2024-02-28 07:30:00")
        );
        assert_eq!(
            moved_by("2024-01-01", "-36 hours", false),
            at("2023-12-30 12:00:00")
        );
    }

    #[test]
    fn timestamps_apart_are_days_and_a_time() {
        let apart = between(at("2024-01-02 03:00:00"), at("2024-01-01")).unwrap();
        assert_eq!(apart.to_postgres(), "1 day 03:00:00");
        let back = between(at("2024-01-01"), at("2024-01-02 03:00:00")).unwrap();
        assert_eq!(back.to_postgres(), "-1 days -03:00:00");
    }

    #[test]
    fn spans_order_intervals_as_postgresql_compares_them() {
        assert_eq!(span(interval("1 mon")), span(interval("30 days")));
        assert_eq!(span(interval("1 day")), span(interval("24 hours")));
        assert!(span(interval("2 hours")) < span(interval("10 hours")));
        assert!(span(interval("-1 day")) < span(interval("00:00:01")));
    }

    #[test]
    fn intervals_combine_field_by_field() {
        let sum = combined(interval("1 mon 2 days"), interval("3 hours"), false).unwrap();
        assert_eq!(sum.to_postgres(), "1 mon 2 days 03:00:00");
        let difference = combined(interval("1 day"), interval("1 day"), true).unwrap();
        assert_eq!(difference.to_postgres(), "00:00:00");
    }
}
