//! SQL Server types and values to PostgreSQL's, and PostgreSQL values to TDS parameters.
//!
//! | SQL Server | PostgreSQL |
//! |---|---|
//! | `BIT` | `bool` |
//! | `TINYINT`, `SMALLINT` | `int2` |
//! | `INT` | `int4` |
//! | `BIGINT` | `int8` |
//! | `DECIMAL(p,s)`, `NUMERIC(p,s)` | `numeric(p,s)` (exact, from the TDS integer and scale) |
//! | `MONEY`, `SMALLMONEY` | `numeric(19,4)`, `numeric(10,4)` (exact up to 9*10^11: tiberius decodes money as a float) |
//! | `REAL`, `FLOAT` | `float4`, `float8` |
//! | `CHAR(n)`, `NCHAR(n)` | `bpchar(n)` |
//! | `VARCHAR(n)`, `NVARCHAR(n)` | `varchar(n)` |
//! | `VARCHAR(MAX)`, `NVARCHAR(MAX)`, `TEXT`, `NTEXT`, `XML`, `SQL_VARIANT` | `text` |
//! | `BINARY`, `VARBINARY`, `IMAGE`, `ROWVERSION` | `bytea` |
//! | `DATE`, `TIME` | `date`, `time` (TIME(7) is cut to microseconds) |
//! | `DATETIME`, `DATETIME2`, `SMALLDATETIME` | `timestamp` |
//! | `DATETIMEOFFSET` | `timestamptz` (TDS carries it in UTC) |
//! | `UNIQUEIDENTIFIER` | `uuid` |
//!
//! Parameters go the other way: `bool` as `BIT`, integers and floats as their namesakes,
//! `numeric` as `DECIMAL` with its own scale, text and json as `NVARCHAR`, `bytea` as
//! `VARBINARY`, dates and times as `DATE`, `TIME(7)`, `DATETIME2(7)`, `timestamptz` as
//! `DATETIMEOFFSET` at offset zero, uuid as `UNIQUEIDENTIFIER`; NULL as an `NVARCHAR` NULL.

use std::borrow::Cow;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use pgbridge_proxy::value::{parse_numeric, round_numeric};
use pgbridge_proxy::{PgType, SqlError, Value};
use tiberius::numeric::Numeric;
use tiberius::time::{Date, DateTime2, DateTimeOffset, Time};
use tiberius::{ColumnData, ColumnType, ToSql, Uuid};

use crate::backends::adapter::OutputType;

/// How a result column's values are read: money needs its column type (tiberius hands it over
/// as a float, like `FLOAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Native {
    Money,
    Plain,
}

/// The reading of a column, from its TDS type.
pub fn native(column_type: ColumnType) -> Native {
    match column_type {
        ColumnType::Money | ColumnType::Money4 => Native::Money,
        _ => Native::Plain,
    }
}

/// The PostgreSQL type a result column suggests by its TDS type alone (used when inference
/// cannot type an expression). A variable-width integer (`INTN`) does not say its width here:
/// it is read as `int8`, which holds every width.
pub fn type_of_result(column_type: ColumnType) -> PgType {
    match column_type {
        ColumnType::Bit | ColumnType::Bitn => PgType::Bool,
        ColumnType::Int1 | ColumnType::Int2 => PgType::Int2,
        ColumnType::Int4 => PgType::Int4,
        ColumnType::Int8 | ColumnType::Intn => PgType::Int8,
        ColumnType::Float4 => PgType::Float4,
        ColumnType::Float8 | ColumnType::Floatn => PgType::Float8,
        ColumnType::Money | ColumnType::Money4 | ColumnType::Decimaln | ColumnType::Numericn => {
            PgType::Numeric
        }
        ColumnType::Guid => PgType::Uuid,
        ColumnType::Daten => PgType::Date,
        ColumnType::Timen => PgType::Time,
        ColumnType::Datetime
        | ColumnType::Datetime4
        | ColumnType::Datetimen
        | ColumnType::Datetime2 => PgType::Timestamp,
        ColumnType::DatetimeOffsetn => PgType::Timestamptz,
        ColumnType::BigVarBin | ColumnType::BigBinary | ColumnType::Image => PgType::Bytea,
        _ => PgType::Text,
    }
}

/// The PostgreSQL type and modifier of a table column, from `INFORMATION_SCHEMA.COLUMNS`
/// (`DATA_TYPE` lower case; a `MAX` length is -1).
pub fn type_of_column(
    data_type: &str,
    precision: Option<i64>,
    scale: Option<i64>,
    length: Option<i64>,
) -> (PgType, i32) {
    let sized = |n: i64| i32::try_from(n).map_or(-1, |n| n.saturating_add(4));
    let numeric = |p: i64, s: i64| {
        i32::try_from((p << 16) | s).map_or(-1, |modifier| modifier.saturating_add(4))
    };
    match data_type {
        "bit" => (PgType::Bool, -1),
        "tinyint" | "smallint" => (PgType::Int2, -1),
        "int" => (PgType::Int4, -1),
        "bigint" => (PgType::Int8, -1),
        "decimal" | "numeric" => match (precision, scale) {
            (Some(p), Some(s)) => (PgType::Numeric, numeric(p, s)),
            _ => (PgType::Numeric, -1),
        },
        "money" => (PgType::Numeric, numeric(19, 4)),
        "smallmoney" => (PgType::Numeric, numeric(10, 4)),
        "real" => (PgType::Float4, -1),
        "float" => (PgType::Float8, -1),
        "char" | "nchar" => (PgType::Bpchar, length.filter(|n| *n > 0).map_or(-1, sized)),
        "varchar" | "nvarchar" => match length.filter(|n| *n > 0) {
            Some(n) => (PgType::Varchar, sized(n)),
            None => (PgType::Text, -1),
        },
        "binary" | "varbinary" | "image" | "timestamp" | "rowversion" => (PgType::Bytea, -1),
        "date" => (PgType::Date, -1),
        "time" => (PgType::Time, -1),
        "datetime" | "datetime2" | "smalldatetime" => (PgType::Timestamp, -1),
        "datetimeoffset" => (PgType::Timestamptz, -1),
        "uniqueidentifier" => (PgType::Uuid, -1),
        _ => (PgType::Text, -1),
    }
}

/// `DATE`'s epoch: days count from 0001-01-01.
fn date_of(days: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN) + Duration::days(i64::from(days))
}

/// `DATETIME`'s and `SMALLDATETIME`'s epoch: days count from 1900-01-01.
fn day_1900(days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) + Duration::days(days)
}

/// A `TIME(scale)`: increments of 10^-scale seconds since midnight, cut to microseconds.
fn time_of(time: Time) -> NaiveTime {
    let scale = u32::from(time.scale().min(7));
    let nanos = i64::try_from(time.increments())
        .unwrap_or(i64::MAX)
        .saturating_mul(10i64.pow(9 - scale));
    let micros = nanos / 1000;
    NaiveTime::MIN + Duration::microseconds(micros)
}

fn date_time2_of(value: DateTime2) -> NaiveDateTime {
    date_of(value.date().days()).and_time(time_of(value.time()))
}

/// A decimal's exact text from its unscaled integer and scale (`-150`, 2 -> `-1.50`).
pub fn numeric_text(value: i128, scale: u8) -> String {
    let digits = value.unsigned_abs().to_string();
    let scale = usize::from(scale);
    let sign = if value < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// Reads one TDS value in the PostgreSQL value kind closest to it.
pub fn read(data: ColumnData<'static>, native: Native) -> Value {
    let value = match data {
        ColumnData::Bit(v) => v.map(Value::Bool),
        ColumnData::U8(v) => v.map(|v| Value::Int2(i16::from(v))),
        ColumnData::I16(v) => v.map(Value::Int2),
        ColumnData::I32(v) => v.map(Value::Int4),
        ColumnData::I64(v) => v.map(Value::Int8),
        ColumnData::F32(v) => v.map(Value::Float4),
        ColumnData::F64(v) if native == Native::Money => {
            // Four decimal places exactly, as long as the float held them (|v| < 9*10^11).
            v.map(|v| Value::Numeric(format!("{v:.4}")))
        }
        ColumnData::F64(v) => v.map(Value::Float8),
        ColumnData::String(v) => v.map(|v| Value::Text(v.into_owned())),
        ColumnData::Guid(v) => v.map(|v| Value::Uuid(*v.as_bytes())),
        ColumnData::Binary(v) => v.map(|v| Value::Bytea(v.into_owned())),
        ColumnData::Numeric(v) => v.map(|v| Value::Numeric(numeric_text(v.value(), v.scale()))),
        ColumnData::Xml(v) => v.map(|v| Value::Text(v.as_ref().to_string())),
        ColumnData::DateTime(v) => v.map(|v| {
            let seconds = Duration::nanoseconds(i64::from(v.seconds_fragments()) * 10_000_000 / 3);
            Value::Timestamp(day_1900(i64::from(v.days())).and_time(NaiveTime::MIN) + seconds)
        }),
        ColumnData::SmallDateTime(v) => v.map(|v| {
            let minutes = Duration::minutes(i64::from(v.seconds_fragments()));
            Value::Timestamp(day_1900(i64::from(v.days())).and_time(NaiveTime::MIN) + minutes)
        }),
        ColumnData::Date(v) => v.map(|v| Value::Date(date_of(v.days()))),
        ColumnData::Time(v) => v.map(|v| Value::Time(time_of(v))),
        ColumnData::DateTime2(v) => v.map(|v| Value::Timestamp(date_time2_of(v))),
        ColumnData::DateTimeOffset(v) => {
            v.map(|v| Value::Timestamptz(date_time2_of(v.datetime2()).and_utc()))
        }
    };
    value.unwrap_or(Value::Null)
}

fn out_of_range(pg_type: PgType) -> SqlError {
    SqlError::new("22003", format!("{} out of range", pg_type.sql_name()))
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int2(v) => Some(i64::from(*v)),
        Value::Int4(v) => Some(i64::from(*v)),
        Value::Int8(v) => Some(*v),
        _ => None,
    }
}

/// A read value as a value of the announced PostgreSQL type, with PostgreSQL's range checks.
pub fn convert(value: Value, output: &OutputType) -> Result<Value, SqlError> {
    let pg_type = output.pg_type;
    let converted = match (value, pg_type) {
        (Value::Null, _) => Value::Null,
        // The kinds that already match.
        (value @ Value::Bool(_), PgType::Bool)
        | (value @ Value::Int2(_), PgType::Int2)
        | (value @ Value::Int4(_), PgType::Int4)
        | (value @ Value::Int8(_), PgType::Int8)
        | (value @ Value::Float4(_), PgType::Float4)
        | (value @ Value::Float8(_), PgType::Float8)
        | (value @ Value::Numeric(_), PgType::Numeric)
        | (value @ Value::Bytea(_), PgType::Bytea)
        | (value @ Value::Date(_), PgType::Date)
        | (value @ Value::Time(_), PgType::Time)
        | (value @ Value::Timestamp(_), PgType::Timestamp)
        | (value @ Value::Timestamptz(_), PgType::Timestamptz)
        | (value @ Value::Uuid(_), PgType::Uuid) => value,
        // Integers between widths, and BIT from a 0/1 expression (T-SQL has no boolean values).
        (value, PgType::Bool) if integer(&value).is_some() => {
            Value::Bool(integer(&value).unwrap_or(0) != 0)
        }
        (value, PgType::Int2) if integer(&value).is_some() => Value::Int2(
            i16::try_from(integer(&value).unwrap_or(0)).map_err(|_| out_of_range(pg_type))?,
        ),
        (value, PgType::Int4 | PgType::Oid) if integer(&value).is_some() => Value::Int4(
            i32::try_from(integer(&value).unwrap_or(0)).map_err(|_| out_of_range(pg_type))?,
        ),
        (value, PgType::Int8) if integer(&value).is_some() => {
            Value::Int8(integer(&value).unwrap_or(0))
        }
        (value, PgType::Numeric) if integer(&value).is_some() => {
            Value::Numeric(integer(&value).unwrap_or(0).to_string())
        }
        (Value::Numeric(text), t) if t.is_integer() => {
            let rounded = round_numeric(&text, 0);
            let whole: i64 = rounded.parse().map_err(|_| out_of_range(pg_type))?;
            return convert(Value::Int8(whole), output);
        }
        (Value::Float4(f), PgType::Float8) => Value::Float8(f64::from(f)),
        (Value::Text(text), PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name) => {
            Value::Text(text)
        }
        (Value::Text(text), PgType::Json | PgType::Jsonb) => Value::Json(text),
        (Value::Text(text), PgType::Numeric) => Value::Numeric(parse_numeric(&text)?),
        (Value::Timestamp(at), PgType::Timestamptz) => Value::Timestamptz(at.and_utc()),
        (Value::Timestamp(at), PgType::Date) => Value::Date(at.date()),
        (Value::Timestamp(at), PgType::Time) => Value::Time(at.time()),
        (Value::Timestamptz(at), PgType::Timestamp) => Value::Timestamp(at.naive_utc()),
        (value, PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name) => {
            Value::Text(value.to_text().unwrap_or_default())
        }
        (value, _) => Value::from_text(pg_type, &value.to_text().unwrap_or_default())?,
    };
    Ok(output.finish(converted))
}

/// A PostgreSQL value as a TDS parameter (`@P1 .. @Pn` of `sp_executesql`).
#[derive(Debug, Clone)]
pub struct Parameter(pub Value);

fn days_from_year_one(date: NaiveDate) -> u32 {
    let start = date_of(0);
    u32::try_from(date.signed_duration_since(start).num_days()).unwrap_or(0)
}

fn time_increments(time: NaiveTime) -> Time {
    use chrono::Timelike;
    let nanos =
        u64::from(time.num_seconds_from_midnight()) * 1_000_000_000 + u64::from(time.nanosecond());
    Time::new(nanos / 100, 7)
}

fn date_time2(at: &NaiveDateTime) -> DateTime2 {
    DateTime2::new(
        Date::new(days_from_year_one(at.date())),
        time_increments(at.time()),
    )
}

fn utc_offset(at: &DateTime<Utc>) -> DateTimeOffset {
    DateTimeOffset::new(date_time2(&at.naive_utc()), 0)
}

/// A decimal's unscaled integer and scale (`-1.50` -> -150, 2), when it fits a TDS decimal.
fn decimal_of(text: &str) -> Option<Numeric> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let scale = u8::try_from(fraction.len()).ok().filter(|s| *s < 38)?;
    let unscaled: i128 = format!("{whole}{fraction}").parse().ok()?;
    if unscaled.unsigned_abs().to_string().len() > 38 {
        return None;
    }
    Some(Numeric::new_with_scale(
        if negative { -unscaled } else { unscaled },
        scale,
    ))
}

impl ToSql for Parameter {
    fn to_sql(&self) -> ColumnData<'_> {
        match &self.0 {
            Value::Null => ColumnData::String(None),
            Value::Bool(b) => ColumnData::Bit(Some(*b)),
            Value::Int2(v) => ColumnData::I16(Some(*v)),
            Value::Int4(v) => ColumnData::I32(Some(*v)),
            Value::Int8(v) => ColumnData::I64(Some(*v)),
            Value::Float4(v) => ColumnData::F32(Some(*v)),
            Value::Float8(v) => ColumnData::F64(Some(*v)),
            // NaN and the widest decimals have no DECIMAL form: sent as text, SQL Server
            // converts (or refuses) in context.
            Value::Numeric(text) => match decimal_of(text) {
                Some(numeric) => ColumnData::Numeric(Some(numeric)),
                None => ColumnData::String(Some(Cow::Borrowed(text))),
            },
            Value::Text(text) | Value::Json(text) => ColumnData::String(Some(Cow::Borrowed(text))),
            Value::Bytea(bytes) => ColumnData::Binary(Some(Cow::Borrowed(bytes))),
            Value::Date(date) => ColumnData::Date(Some(Date::new(days_from_year_one(*date)))),
            Value::Time(time) => ColumnData::Time(Some(time_increments(*time))),
            Value::Timestamp(at) => ColumnData::DateTime2(Some(date_time2(at))),
            Value::Timestamptz(at) => ColumnData::DateTimeOffset(Some(utc_offset(at))),
            Value::Uuid(bytes) => ColumnData::Guid(Some(Uuid::from_bytes(*bytes))),
            other => ColumnData::String(Some(Cow::Owned(other.to_text().unwrap_or_default()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(pg_type: PgType) -> OutputType {
        OutputType::with_modifier(pg_type, -1)
    }

    #[test]
    fn table_columns_map_to_postgres_types() {
        let map = |d: &str| type_of_column(d, None, None, None).0;
        assert_eq!(map("bit"), PgType::Bool);
        assert_eq!(map("tinyint"), PgType::Int2);
        assert_eq!(map("bigint"), PgType::Int8);
        assert_eq!(map("money"), PgType::Numeric);
        assert_eq!(map("datetime2"), PgType::Timestamp);
        assert_eq!(map("smalldatetime"), PgType::Timestamp);
        assert_eq!(map("datetimeoffset"), PgType::Timestamptz);
        assert_eq!(map("uniqueidentifier"), PgType::Uuid);
        assert_eq!(map("xml"), PgType::Text);
        assert_eq!(map("image"), PgType::Bytea);
        assert_eq!(
            type_of_column("nvarchar", None, None, Some(-1)),
            (PgType::Text, -1)
        );
        assert_eq!(
            type_of_column("nvarchar", None, None, Some(40)),
            (PgType::Varchar, 44)
        );
        assert_eq!(
            type_of_column("decimal", Some(10), Some(2), None),
            (PgType::Numeric, ((10 << 16) | 2) + 4)
        );
    }

    #[test]
    fn decimals_read_exactly() {
        assert_eq!(numeric_text(-150, 2), "-1.50");
        assert_eq!(numeric_text(5, 3), "0.005");
        assert_eq!(numeric_text(-5, 3), "-0.005");
        assert_eq!(numeric_text(42, 0), "42");
        let big = 12_345_678_901_234_567_890_123_456_789_012_345_678i128;
        assert_eq!(
            numeric_text(big, 10),
            "1234567890123456789012345678.9012345678"
        );
        assert_eq!(
            read(
                ColumnData::Numeric(Some(Numeric::new_with_scale(-1234, 2))),
                Native::Plain
            ),
            Value::Numeric("-12.34".into())
        );
        assert_eq!(
            read(ColumnData::F64(Some(922_337_203.580_7)), Native::Money),
            Value::Numeric("922337203.5807".into())
        );
    }

    #[test]
    fn dates_and_times_read_from_their_epochs() {
        let date = read(ColumnData::Date(Some(Date::new(738_886))), Native::Plain);
        assert_eq!(date.to_text().unwrap(), "2024-01-02");
        // 03:04:05.1234567 at scale 7 is cut to microseconds.
        let time = read(
            ColumnData::Time(Some(Time::new(110_451_234_567, 7))),
            Native::Plain,
        );
        assert_eq!(time.to_text().unwrap(), "03:04:05.123456");
        // DATETIME: days since 1900 and 1/300 s; 45,296 s = 12:34:56.
        let at = read(
            ColumnData::DateTime(Some(tiberius::time::DateTime::new(45_291, 13_588_800))),
            Native::Plain,
        );
        assert_eq!(at.to_text().unwrap(), "2024-01-02 12:34:56");
        let small = read(
            ColumnData::SmallDateTime(Some(tiberius::time::SmallDateTime::new(45_291, 61))),
            Native::Plain,
        );
        assert_eq!(small.to_text().unwrap(), "2024-01-02 01:01:00");
        let offset = read(
            ColumnData::DateTimeOffset(Some(DateTimeOffset::new(
                DateTime2::new(Date::new(738_886), Time::new(30_000, 2)),
                60,
            ))),
            Native::Plain,
        );
        assert_eq!(offset.to_text().unwrap(), "2024-01-02 00:05:00+00");
    }

    #[test]
    fn parameters_round_trip_through_their_tds_forms() {
        let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let at = date.and_hms_micro_opt(3, 4, 5, 123_456).unwrap();
        for value in [
            Value::Date(date),
            Value::Timestamp(at),
            Value::Timestamptz(at.and_utc()),
            Value::Time(at.time()),
            Value::Numeric("-12.340".into()),
            Value::Uuid([7; 16]),
            Value::Bool(true),
        ] {
            let sent = Parameter(value.clone());
            let data = match sent.to_sql() {
                ColumnData::String(Some(text)) => {
                    ColumnData::String(Some(text.into_owned().into()))
                }
                ColumnData::Binary(Some(b)) => ColumnData::Binary(Some(b.into_owned().into())),
                ColumnData::Numeric(n) => ColumnData::Numeric(n),
                ColumnData::Date(d) => ColumnData::Date(d),
                ColumnData::Time(t) => ColumnData::Time(t),
                ColumnData::DateTime2(d) => ColumnData::DateTime2(d),
                ColumnData::DateTimeOffset(d) => ColumnData::DateTimeOffset(d),
                ColumnData::Guid(g) => ColumnData::Guid(g),
                ColumnData::Bit(b) => ColumnData::Bit(b),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(read(data, Native::Plain), value);
        }
        assert!(matches!(
            Parameter(Value::Numeric("NaN".into())).to_sql(),
            ColumnData::String(_)
        ));
    }

    #[test]
    fn values_convert_with_postgres_range_checks() {
        assert_eq!(
            convert(Value::Int4(1), &plain(PgType::Bool)).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            convert(Value::Int8(7), &plain(PgType::Int4)).unwrap(),
            Value::Int4(7)
        );
        assert_eq!(
            convert(Value::Int8(1 << 40), &plain(PgType::Int4))
                .unwrap_err()
                .code,
            "22003"
        );
        assert_eq!(
            convert(Value::Numeric("2.5".into()), &plain(PgType::Int4)).unwrap(),
            Value::Int4(3)
        );
        assert_eq!(
            convert(Value::Text("12".into()), &plain(PgType::Int8)).unwrap(),
            Value::Int8(12)
        );
        let at = NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_time(NaiveTime::MIN);
        assert_eq!(
            convert(Value::Timestamp(at), &plain(PgType::Date)).unwrap(),
            Value::Date(at.date())
        );
    }
}
