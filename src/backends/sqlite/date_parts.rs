//! `date_part(field, value)` (what `EXTRACT(field FROM value)` is written as on SQLite) over
//! the ISO text pgbridge stores dates and timestamps as (`YYYY-MM-DD HH:MM:SS[.ffffff][+00]`),
//! with PostgreSQL's field names and numbering (`dow` 0 = Sunday, `week` ISO).

use chrono::{Datelike, NaiveDateTime, Timelike};
use pgbridge_proxy::value::parse_timestamp;
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::functions::sql_error;

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

fn date_part(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (ValueRef::Text(field), ValueRef::Text(value)) = (ctx.get_raw(0), ctx.get_raw(1)) else {
        return Ok(SqliteValue::Null);
    };
    let field = String::from_utf8_lossy(field).to_ascii_lowercase();
    let value = String::from_utf8_lossy(value);
    let at = parse_timestamp(&value).map_err(|e| sql_error(&e.code, &e.message))?;
    part(&field, &at).ok_or_else(|| {
        sql_error(
            "0A000",
            format!("unit \"{field}\" not supported for type timestamp"),
        )
    })
}

/// Registers `date_part` on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("date_part", 2, flags, |ctx| date_part(ctx))
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
}
