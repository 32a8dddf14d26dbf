//! `make_date`, `make_time`, `make_timestamp` and `make_timestamptz` (without a zone
//! argument), which SQLite lacks: fields in, the value in the text form pgbridge stores, and
//! PostgreSQL's 22008 for a field out of range. Seconds may be fractional, and 60 seconds
//! carry into the next minute, as in PostgreSQL. Years before 1 AD are refused (0A000):
//! pgbridge stores no BC dates.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use pgbridge_proxy::value::{format_time, format_timestamp};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::functions::sql_error;

/// An integer field; `None` for NULL.
fn field(ctx: &Context<'_>, index: usize, name: &str) -> rusqlite::Result<Option<i64>> {
    match ctx.get_raw(index) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i)),
        ValueRef::Real(r) if r.fract() == 0.0 && r.abs() < 1e15 =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Ok(Some(r as i64))
        }
        _ => Err(sql_error(
            "42883",
            format!("make_*(): the {name} must be an integer"),
        )),
    }
}

/// The seconds field, fractional; `None` for NULL.
fn seconds(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<f64>> {
    match ctx.get_raw(index) {
        ValueRef::Null => Ok(None),
        #[allow(clippy::cast_precision_loss)]
        ValueRef::Integer(i) => Ok(Some(i as f64)),
        ValueRef::Real(r) => Ok(Some(r)),
        ValueRef::Text(text) => String::from_utf8_lossy(text)
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| sql_error("22P02", "make_*(): the seconds must be a number")),
        ValueRef::Blob(_) => Err(sql_error("42883", "make_*(): the seconds must be a number")),
    }
}

fn date(year: i64, month: i64, day: i64) -> rusqlite::Result<NaiveDate> {
    if year < 1 && year != 0 {
        return Err(sql_error(
            "0A000",
            format!("make_date(): year {year} (before 1 AD) is not supported"),
        ));
    }
    let out_of_range = || {
        sql_error(
            "22008",
            format!("date field value out of range: {year}-{month:02}-{day:02}"),
        )
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        i32::try_from(year),
        u32::try_from(month),
        u32::try_from(day),
    ) else {
        return Err(out_of_range());
    };
    NaiveDate::from_ymd_opt(year, month, day)
        .filter(|_| year >= 1)
        .ok_or_else(out_of_range)
}

/// The time of day, and a day carried when 60 seconds roll 23:59 over.
fn time(hour: i64, minute: i64, second: f64) -> rusqlite::Result<(NaiveTime, TimeDelta)> {
    let out_of_range = || {
        sql_error(
            "22008",
            format!("time field value out of range: {hour:02}:{minute:02}:{second:02}"),
        )
    };
    if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) || !(0.0..=60.0).contains(&second) {
        return Err(out_of_range());
    }
    #[allow(clippy::cast_possible_truncation)]
    let micros = (second * 1_000_000.0).round() as i64;
    let since_midnight =
        TimeDelta::hours(hour) + TimeDelta::minutes(minute) + TimeDelta::microseconds(micros);
    let days = since_midnight.num_days();
    let time = NaiveTime::MIN + (since_midnight - TimeDelta::days(days));
    Ok((time, TimeDelta::days(days)))
}

fn make_date(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(year), Some(month), Some(day)) = (
        field(ctx, 0, "year")?,
        field(ctx, 1, "month")?,
        field(ctx, 2, "day")?,
    ) else {
        return Ok(SqliteValue::Null);
    };
    Ok(SqliteValue::Text(
        date(year, month, day)?.format("%Y-%m-%d").to_string(),
    ))
}

fn make_time(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(hour), Some(minute), Some(second)) = (
        field(ctx, 0, "hour")?,
        field(ctx, 1, "minute")?,
        seconds(ctx, 2)?,
    ) else {
        return Ok(SqliteValue::Null);
    };
    let (time, carried) = time(hour, minute, second)?;
    if carried > TimeDelta::zero() {
        return Ok(SqliteValue::Text("24:00:00".to_owned()));
    }
    Ok(SqliteValue::Text(format_time(&time)))
}

/// The timestamp of the six fields, `None` when one is NULL.
fn timestamp(ctx: &Context<'_>) -> rusqlite::Result<Option<NaiveDateTime>> {
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        field(ctx, 0, "year")?,
        field(ctx, 1, "month")?,
        field(ctx, 2, "day")?,
        field(ctx, 3, "hour")?,
        field(ctx, 4, "minute")?,
        seconds(ctx, 5)?,
    ) else {
        return Ok(None);
    };
    let day = date(year, month, day)?;
    let (time, carried) = time(hour, minute, second)?;
    Ok(Some(day.and_time(time) + carried))
}

fn make_timestamp(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(match timestamp(ctx)? {
        None => SqliteValue::Null,
        Some(value) => SqliteValue::Text(format_timestamp(&value)),
    })
}

fn make_timestamptz(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    // The fields are read in the session's zone, which pgbridge keeps at UTC.
    Ok(match timestamp(ctx)? {
        None => SqliteValue::Null,
        Some(value) => SqliteValue::Text(format!("{}+00", format_timestamp(&value))),
    })
}

/// Registers the four constructors on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("make_date", 3, flags, |ctx| make_date(ctx))?;
    connection.create_scalar_function("make_time", 3, flags, |ctx| make_time(ctx))?;
    connection.create_scalar_function("make_timestamp", 6, flags, |ctx| make_timestamp(ctx))?;
    connection.create_scalar_function("make_timestamptz", 6, flags, |ctx| make_timestamptz(ctx))
}
