//! `date_part(field, value)` (what `EXTRACT(field FROM value)` is written as on SQLite) and
//! `date_trunc(unit, value)` over the ISO text pgbridge stores dates and timestamps as
//! (`YYYY-MM-DD HH:MM:SS[.ffffff][+00]`), with PostgreSQL's field names and numbering (`dow`
//! 0 = Sunday, `week` ISO, weeks truncated to Monday). `date_part` reads intervals too (the
//! interval text `1 day 02:00:00`, as SQLite keeps intervals), field by field as PostgreSQL
//! does: `epoch` counts a year as 365.25 days and a month as 30.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use pgbridge_proxy::Interval;
use pgbridge_proxy::value::{format_timestamp, parse_timestamp};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::functions::{pg_error, sql_error};

/// The value of `field` (lower-case) of `at`: an integer where PostgreSQL's is whole.
fn part(field: &str, at: &NaiveDateTime) -> Option<SqliteValue> {
    let whole = |n: u32| SqliteValue::Integer(i64::from(n));
    let seconds = f64::from(at.second()) + f64::from(at.nanosecond() / 1000) / 1e6;
    Some(match field {
        "year" => SqliteValue::Integer(i64::from(at.year())),
        "month" => whole(at.month()),
        "day" => whole(at.day()),
        "hour" => whole(at.hour()),
        "minute" => whole(at.minute()),
        "second" => SqliteValue::Real(seconds),
        "milliseconds" => SqliteValue::Real(seconds * 1e3),
        "microseconds" => SqliteValue::Real(seconds * 1e6),
        "dow" => whole(at.weekday().num_days_from_sunday()),
        "isodow" => whole(at.weekday().number_from_monday()),
        "doy" => whole(at.ordinal()),
        "quarter" => whole((at.month() - 1) / 3 + 1),
        "week" => whole(at.iso_week().week()),
        "decade" => SqliteValue::Integer(i64::from(at.year()).div_euclid(10)),
        #[allow(clippy::cast_precision_loss)]
        "epoch" => SqliteValue::Real(at.and_utc().timestamp_micros() as f64 / 1e6),
        _ => return None,
    })
}

/// The value of `field` (lower-case) of `interval`, from its fields as PostgreSQL splits them
/// (years and months from the months, hours to seconds from the time, all with its sign).
#[allow(clippy::cast_precision_loss)]
fn interval_part(field: &str, interval: Interval) -> Option<SqliteValue> {
    const MICROS_PER_SECOND: i64 = 1_000_000;
    let years = i64::from(interval.months / 12);
    let months = i64::from(interval.months % 12);
    let time = interval.microseconds;
    let hours = time / (3600 * MICROS_PER_SECOND);
    let minutes = time / (60 * MICROS_PER_SECOND) % 60;
    let micros_of_minute = time % (60 * MICROS_PER_SECOND);
    Some(match field {
        "microseconds" => SqliteValue::Integer(micros_of_minute),
        "milliseconds" => SqliteValue::Real(micros_of_minute as f64 / 1e3),
        "second" => SqliteValue::Real(micros_of_minute as f64 / 1e6),
        "minute" => SqliteValue::Integer(minutes),
        "hour" => SqliteValue::Integer(hours),
        "day" => SqliteValue::Integer(i64::from(interval.days)),
        "month" => SqliteValue::Integer(months),
        "quarter" => SqliteValue::Integer(months / 3 + 1),
        "year" => SqliteValue::Integer(years),
        "decade" => SqliteValue::Integer(years / 10),
        "century" => SqliteValue::Integer(years / 100),
        "millennium" => SqliteValue::Integer(years / 1000),
        "epoch" => {
            let whole_seconds =
                years * 31_557_600 + months * 2_592_000 + i64::from(interval.days) * 86_400;
            SqliteValue::Real(whole_seconds as f64 + time as f64 / 1e6)
        }
        _ => return None,
    })
}

fn date_part(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (ValueRef::Text(field), ValueRef::Text(value)) = (ctx.get_raw(0), ctx.get_raw(1)) else {
        return Ok(SqliteValue::Null);
    };
    let field = String::from_utf8_lossy(field).to_ascii_lowercase();
    let value = String::from_utf8_lossy(value);
    let at = match parse_timestamp(&value) {
        Ok(at) => at,
        Err(error) => {
            // Not a date or timestamp: an interval, or the timestamp's error.
            let interval = Interval::parse(&value).map_err(|_| pg_error(error))?;
            return interval_part(&field, interval).ok_or_else(|| {
                sql_error(
                    "0A000",
                    format!("unit \"{field}\" not supported for type interval"),
                )
            });
        }
    };
    part(&field, &at).ok_or_else(|| {
        sql_error(
            "0A000",
            format!("unit \"{field}\" not supported for type timestamp"),
        )
    })
}

/// `at` cut down to `unit` (lower-case), as PostgreSQL's `date_trunc`.
fn truncate(unit: &str, at: &NaiveDateTime) -> Option<NaiveDateTime> {
    let date = at.date();
    let day = |date: NaiveDate| Some(date.and_time(NaiveTime::MIN));
    let first_month = |year: i32, month: u32| NaiveDate::from_ymd_opt(year, month, 1);
    match unit {
        "microseconds" => Some(*at),
        "milliseconds" => at.with_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000),
        "second" => at.with_nanosecond(0),
        "minute" => at.with_nanosecond(0)?.with_second(0),
        "hour" => at.with_nanosecond(0)?.with_second(0)?.with_minute(0),
        "day" => day(date),
        "week" => day(date - Duration::days(i64::from(date.weekday().num_days_from_monday()))),
        "month" => day(first_month(date.year(), date.month())?),
        "quarter" => day(first_month(date.year(), (date.month() - 1) / 3 * 3 + 1)?),
        "year" => day(first_month(date.year(), 1)?),
        "decade" => day(first_month(date.year().div_euclid(10) * 10, 1)?),
        "century" => day(first_month((date.year() - 1).div_euclid(100) * 100 + 1, 1)?),
        "millennium" => day(first_month(
            (date.year() - 1).div_euclid(1000) * 1000 + 1,
            1,
        )?),
        _ => None,
    }
}

fn date_trunc(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (ValueRef::Text(unit), ValueRef::Text(value)) = (ctx.get_raw(0), ctx.get_raw(1)) else {
        return Ok(SqliteValue::Null);
    };
    let unit = String::from_utf8_lossy(unit).to_ascii_lowercase();
    let value = String::from_utf8_lossy(value);
    let at = parse_timestamp(&value).map_err(pg_error)?;
    let truncated = truncate(&unit, &at).ok_or_else(|| {
        sql_error(
            "22023",
            format!("unit \"{unit}\" not recognized for type timestamp"),
        )
    })?;
    // A timestamptz is stored in UTC with `+00`, the session TimeZone pgbridge reports.
    let zone = if value.trim_end().ends_with("+00") {
        "+00"
    } else {
        ""
    };
    Ok(SqliteValue::Text(format!(
        "{}{zone}",
        format_timestamp(&truncated)
    )))
}

/// Registers `date_part` and `date_trunc` on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("date_part", 2, flags, |ctx| date_part(ctx))?;
    connection.create_scalar_function("date_trunc", 2, flags, |ctx| date_trunc(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(field: &str, value: &str) -> SqliteValue {
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        connection
            .query_row("SELECT date_part(?1, ?2)", [field, value], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn fields_as_postgresql_numbers_them() {
        assert_eq!(
            extract("year", "2023-07-04 18:00:00"),
            SqliteValue::Integer(2023)
        );
        assert_eq!(extract("DOW", "2024-02-28"), SqliteValue::Integer(3));
        assert_eq!(extract("doy", "2024-02-28"), SqliteValue::Integer(59));
        assert_eq!(extract("week", "2024-02-28"), SqliteValue::Integer(9));
        assert_eq!(extract("quarter", "2024-02-28"), SqliteValue::Integer(1));
        assert_eq!(
            extract("second", "2024-02-28 00:00:00.25"),
            SqliteValue::Real(0.25)
        );
        assert_eq!(
            extract("epoch", "1970-01-02 00:00:00+00"),
            SqliteValue::Real(86400.0)
        );
    }

    fn trunc(unit: &str, value: &str) -> String {
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        connection
            .query_row("SELECT date_trunc(?1, ?2)", [unit, value], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn date_trunc_cuts_as_postgresql_does() {
        assert_eq!(trunc("week", "2024-03-07 10:00:00"), "2024-03-04 00:00:00");
        assert_eq!(
            trunc("quarter", "2024-08-15 00:00:00"),
            "2024-07-01 00:00:00"
        );
        assert_eq!(
            trunc("Hour", "2024-02-28 22:13:14.5"),
            "2024-02-28 22:00:00"
        );
        assert_eq!(
            trunc("second", "2024-02-28 22:13:14.5"),
            "2024-02-28 22:13:14"
        );
        assert_eq!(
            trunc("day", "2024-12-31 23:59:59+00"),
            "2024-12-31 00:00:00+00"
        );
        assert_eq!(
            trunc("decade", "1999-06-01 00:00:00"),
            "1990-01-01 00:00:00"
        );
        assert_eq!(
            trunc("century", "2000-05-01 00:00:00"),
            "1901-01-01 00:00:00"
        );
        assert_eq!(
            trunc("millennium", "2000-05-01 00:00:00"),
            "1001-01-01 00:00:00"
        );
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        let error = connection
            .query_row("SELECT date_trunc('fortnight', '2024-01-01')", [], |row| {
                row.get::<_, String>(0)
            })
            .unwrap_err();
        assert!(error.to_string().contains("22023"), "{error}");
    }
}
