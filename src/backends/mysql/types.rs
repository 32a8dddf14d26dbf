//! MySQL / MariaDB types and values to PostgreSQL's, and PostgreSQL values to bind arguments.
//!
//! | MySQL / MariaDB | PostgreSQL |
//! |---|---|
//! | `TINYINT(1)`, `BOOLEAN` | `bool` |
//! | `TINYINT`, `SMALLINT`, `TINYINT UNSIGNED`, `YEAR` | `int2` |
//! | `MEDIUMINT`, `INT`, `SMALLINT UNSIGNED`, `MEDIUMINT UNSIGNED` | `int4` |
//! | `BIGINT`, `INT UNSIGNED` | `int8` |
//! | `BIGINT UNSIGNED` | `numeric` |
//! | `DECIMAL(p,s)` | `numeric(p,s)` (exact, as text; `DECIMAL(65,30)`, the target's bare `numeric`, as `numeric`) |
//! | `FLOAT`, `DOUBLE` | `float4`, `float8` |
//! | `CHAR(n)`, `VARCHAR(n)` | `bpchar(n)`, `varchar(n)` |
//! | `TEXT` types, `ENUM`, `SET` | `text` |
//! | `LONGTEXT` with MariaDB's `json_valid` check, `JSON` | `json` |
//! | `BINARY`, `VARBINARY`, `BLOB` types | `bytea` |
//! | `DATE`, `TIME`, `DATETIME` | `date`, `time`, `timestamp` |
//! | `TIMESTAMP` | `timestamptz` (the session time zone is UTC) |
//! | `BIT(1)` / `BIT(n)` | `bool` / `int8` |
//! | spatial types | `bytea` (MySQL's internal geometry bytes) |
//!
//! Values are read in the binary protocol (prepared statements) and converted to the type the
//! plan announced in RowDescription, with PostgreSQL's range checks.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use pgbridge_proxy::value::{format_time, format_timestamp, format_uuid, parse_numeric};
use pgbridge_proxy::{PgType, SqlError, Value};
use sqlx::mysql::{MySqlArguments, MySqlRow, MySqlTypeInfo};
use sqlx::{Arguments, Column, Row, TypeInfo};

use crate::backends::adapter::OutputType;

/// How a result column's values arrive, decided once per query from its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Native {
    Signed,
    Unsigned,
    Float,
    Double,
    Decimal,
    Text,
    Bytes,
    Bit,
    Date,
    Time,
    DateTime,
}

/// The wire form of a column, from sqlx's type name.
pub fn native(type_info: &MySqlTypeInfo) -> Native {
    let name = type_info.name();
    match name {
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
            Native::Signed
        }
        _ if name.ends_with("UNSIGNED") => Native::Unsigned,
        "FLOAT" => Native::Float,
        "DOUBLE" => Native::Double,
        "DECIMAL" => Native::Decimal,
        "DATE" => Native::Date,
        "TIME" => Native::Time,
        "DATETIME" | "TIMESTAMP" => Native::DateTime,
        "BIT" => Native::Bit,
        "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" | "GEOMETRY" => {
            Native::Bytes
        }
        _ => Native::Text,
    }
}

/// The PostgreSQL type a result column suggests by its metadata alone (used when inference
/// cannot type an expression).
pub fn type_of_result(type_info: &MySqlTypeInfo) -> PgType {
    match type_info.name() {
        "BOOLEAN" => PgType::Bool,
        "TINYINT" | "SMALLINT" | "TINYINT UNSIGNED" | "YEAR" => PgType::Int2,
        "MEDIUMINT" | "INT" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" => PgType::Int4,
        "BIGINT" | "INT UNSIGNED" => PgType::Int8,
        "BIGINT UNSIGNED" | "DECIMAL" => PgType::Numeric,
        "FLOAT" => PgType::Float4,
        "DOUBLE" => PgType::Float8,
        "DATE" => PgType::Date,
        "TIME" => PgType::Time,
        "DATETIME" => PgType::Timestamp,
        "TIMESTAMP" => PgType::Timestamptz,
        "JSON" => PgType::Json,
        "BIT" => PgType::Int8,
        _ => match native(type_info) {
            Native::Bytes => PgType::Bytea,
            _ => PgType::Text,
        },
    }
}

/// The PostgreSQL type and modifier of a table column, from `information_schema.COLUMNS`
/// (`data_type` lower case, `column_type` with its width and `unsigned`).
pub fn type_of_column(
    data_type: &str,
    column_type: &str,
    precision: Option<u64>,
    scale: Option<u64>,
    length: Option<u64>,
    is_json: bool,
) -> (PgType, i32) {
    let unsigned = column_type.contains("unsigned");
    let modifier = |n: u64| i32::try_from(n).map_or(-1, |n| n.saturating_add(4));
    match data_type {
        "tinyint" if column_type.starts_with("tinyint(1)") && !unsigned => (PgType::Bool, -1),
        "tinyint" | "year" => (PgType::Int2, -1),
        "smallint" if !unsigned => (PgType::Int2, -1),
        "smallint" | "mediumint" => (PgType::Int4, -1),
        "int" if !unsigned => (PgType::Int4, -1),
        "int" => (PgType::Int8, -1),
        "bigint" if !unsigned => (PgType::Int8, -1),
        "bigint" => (PgType::Numeric, -1),
        "decimal" => match (precision, scale) {
            // The target's spelling of a bare `numeric`: no scale to pad to.
            (Some(65), Some(30)) | (None, _) | (_, None) => (PgType::Numeric, -1),
            (Some(p), Some(s)) => (
                PgType::Numeric,
                i32::try_from((p << 16) | s).map_or(-1, |m| m.saturating_add(4)),
            ),
        },
        "float" => (PgType::Float4, -1),
        "double" => (PgType::Float8, -1),
        "char" => (PgType::Bpchar, length.map_or(-1, modifier)),
        "varchar" => (PgType::Varchar, length.map_or(-1, modifier)),
        "json" => (PgType::Json, -1),
        "longtext" if is_json => (PgType::Json, -1),
        "date" => (PgType::Date, -1),
        "time" => (PgType::Time, -1),
        "datetime" => (PgType::Timestamp, -1),
        "timestamp" => (PgType::Timestamptz, -1),
        "bit" if precision == Some(1) => (PgType::Bool, -1),
        "bit" => (PgType::Int8, -1),
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
            (PgType::Bytea, -1)
        }
        "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring"
        | "multipolygon" | "geometrycollection" => (PgType::Bytea, -1),
        _ => (PgType::Text, -1),
    }
}

fn decode_error(column: usize, error: impl std::fmt::Display) -> SqlError {
    SqlError::new(
        "XX000",
        format!("cannot read column {} from MySQL: {error}", column + 1),
    )
}

/// Reads column `index` of `row` in its native form.
fn read(row: &MySqlRow, index: usize, native: Native) -> Result<Value, SqlError> {
    fn get<'r, T: sqlx::Decode<'r, sqlx::MySql>>(
        row: &'r MySqlRow,
        index: usize,
    ) -> Result<Option<T>, SqlError> {
        row.try_get_unchecked::<Option<T>, _>(index)
            .map_err(|e| decode_error(index, e))
    }
    let value = match native {
        Native::Signed => get::<i64>(row, index)?.map(Value::Int8),
        Native::Unsigned => get::<u64>(row, index)?.map(|v| match i64::try_from(v) {
            Ok(v) => Value::Int8(v),
            Err(_) => Value::Numeric(v.to_string()),
        }),
        Native::Float => get::<f32>(row, index)?.map(Value::Float4),
        Native::Double => get::<f64>(row, index)?.map(Value::Float8),
        Native::Decimal => get::<&str>(row, index)?.map(|v| Value::Numeric(v.to_owned())),
        Native::Text => get::<&str>(row, index)?.map(|v| Value::Text(v.to_owned())),
        Native::Bytes => get::<&[u8]>(row, index)?.map(|v| Value::Bytea(v.to_vec())),
        Native::Bit => get::<&[u8]>(row, index)?.map(|bytes| {
            let bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            i64::try_from(bits).map_or_else(|_| Value::Numeric(bits.to_string()), Value::Int8)
        }),
        Native::Date => match get::<&[u8]>(row, index)? {
            Some(bytes) => Some(Value::Date(
                date_time(bytes).map_err(|e| decode_error(index, e))?.date(),
            )),
            None => None,
        },
        Native::DateTime => match get::<&[u8]>(row, index)? {
            Some(bytes) => Some(Value::Timestamp(
                date_time(bytes).map_err(|e| decode_error(index, e))?,
            )),
            None => None,
        },
        Native::Time => match get::<&[u8]>(row, index)? {
            Some(bytes) => Some(Value::Time(
                time(bytes).map_err(|e| decode_error(index, e))?,
            )),
            None => None,
        },
    };
    Ok(value.unwrap_or(Value::Null))
}

/// A `DATE` / `DATETIME` / `TIMESTAMP` in the binary protocol: a length byte (0, 4, 7 or 11),
/// year (2 bytes, little-endian), month, day, hour, minute, second, microseconds (4 bytes).
fn date_time(bytes: &[u8]) -> Result<NaiveDateTime, String> {
    let byte = |i: usize| u32::from(bytes.get(i).copied().unwrap_or(0));
    let length = bytes.first().copied().unwrap_or(0);
    if length == 0 {
        return Err("the zero date 0000-00-00 has no PostgreSQL value".to_owned());
    }
    let year = i32::from(u16::from_le_bytes([
        bytes.get(1).copied().unwrap_or(0),
        bytes.get(2).copied().unwrap_or(0),
    ]));
    let micros = if length >= 11 {
        u32::from_le_bytes([
            bytes.get(8).copied().unwrap_or(0),
            bytes.get(9).copied().unwrap_or(0),
            bytes.get(10).copied().unwrap_or(0),
            bytes.get(11).copied().unwrap_or(0),
        ])
    } else {
        0
    };
    NaiveDate::from_ymd_opt(year, byte(3), byte(4))
        .and_then(|date| date.and_hms_micro_opt(byte(5), byte(6), byte(7), micros))
        .ok_or_else(|| format!("invalid date {year}-{}-{}", byte(3), byte(4)))
}

/// A `TIME` in the binary protocol: a length byte (0, 8 or 12), a sign, days (4 bytes), hour,
/// minute, second, microseconds (4 bytes). PostgreSQL's `time` has no sign and no days.
fn time(bytes: &[u8]) -> Result<NaiveTime, String> {
    let byte = |i: usize| u32::from(bytes.get(i).copied().unwrap_or(0));
    let length = bytes.first().copied().unwrap_or(0);
    if length == 0 {
        return Ok(NaiveTime::MIN);
    }
    let days = u32::from_le_bytes([
        bytes.get(2).copied().unwrap_or(0),
        bytes.get(3).copied().unwrap_or(0),
        bytes.get(4).copied().unwrap_or(0),
        bytes.get(5).copied().unwrap_or(0),
    ]);
    if byte(1) != 0 || days != 0 {
        return Err(
            "a negative TIME or one of 24 hours or more has no PostgreSQL time value".to_owned(),
        );
    }
    let micros = if length >= 12 {
        u32::from_le_bytes([
            bytes.get(9).copied().unwrap_or(0),
            bytes.get(10).copied().unwrap_or(0),
            bytes.get(11).copied().unwrap_or(0),
            bytes.get(12).copied().unwrap_or(0),
        ])
    } else {
        0
    };
    NaiveTime::from_hms_micro_opt(byte(6), byte(7), byte(8), micros)
        .ok_or_else(|| "invalid time".to_owned())
}

fn out_of_range(pg_type: PgType) -> SqlError {
    SqlError::new("22003", format!("{} out of range", pg_type.sql_name()))
}

/// Removes the trailing fraction zeros MariaDB prints for a `DECIMAL(65,30)` (`1.500..0` ->
/// `1.5`), as an unconstrained PostgreSQL numeric shows the value.
fn trim_fraction(text: &str) -> String {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => text.to_owned(),
    }
}

/// A native value as a value of the announced PostgreSQL type.
pub fn convert(value: Value, output: &OutputType) -> Result<Value, SqlError> {
    let pg_type = output.pg_type;
    let converted = match (value, pg_type) {
        (Value::Null, _) => Value::Null,
        (Value::Int8(i), PgType::Bool) => Value::Bool(i != 0),
        (Value::Int8(i), PgType::Int2) => {
            Value::Int2(i16::try_from(i).map_err(|_| out_of_range(pg_type))?)
        }
        (Value::Int8(i), PgType::Int4 | PgType::Oid) => {
            Value::Int4(i32::try_from(i).map_err(|_| out_of_range(pg_type))?)
        }
        (Value::Int8(i), PgType::Int8) => Value::Int8(i),
        (Value::Int8(i), PgType::Numeric) => Value::Numeric(i.to_string()),
        #[allow(clippy::cast_precision_loss)]
        (Value::Int8(i), PgType::Float8) => Value::Float8(i as f64),
        (Value::Float4(f), PgType::Float4) => Value::Float4(f),
        (Value::Float4(f), PgType::Float8) => Value::Float8(f64::from(f)),
        (Value::Float8(f), PgType::Float8) => Value::Float8(f),
        (Value::Numeric(text), PgType::Numeric) if output.numeric_scale.is_none() => {
            Value::Numeric(trim_fraction(&text))
        }
        (Value::Numeric(text), PgType::Numeric) => Value::Numeric(text),
        (Value::Numeric(text), t) if t.is_integer() => {
            // An exact value with no fraction digits left, or PostgreSQL's rounding.
            let rounded = pgbridge_proxy::value::round_numeric(&text, 0);
            return convert(
                Value::Int8(rounded.parse().map_err(|_| out_of_range(pg_type))?),
                output,
            );
        }
        (Value::Text(text), PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name) => {
            Value::Text(text)
        }
        (Value::Text(text), PgType::Json | PgType::Jsonb) => Value::Json(text),
        (Value::Text(text), PgType::Numeric) => Value::Numeric(parse_numeric(&text)?),
        (Value::Bytea(bytes), PgType::Bytea) => Value::Bytea(bytes),
        (Value::Bytea(bytes), PgType::Uuid) if bytes.len() == 16 => {
            let mut uuid = [0u8; 16];
            uuid.copy_from_slice(&bytes);
            Value::Uuid(uuid)
        }
        (Value::Bytea(bytes), _) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\"")
            })?;
            return convert(Value::Text(text), output);
        }
        (Value::Date(date), PgType::Date) => Value::Date(date),
        (Value::Date(date), PgType::Timestamp) => Value::Timestamp(date.and_time(NaiveTime::MIN)),
        (Value::Time(time), PgType::Time) => Value::Time(time),
        (Value::Timestamp(at), PgType::Timestamp) => Value::Timestamp(at),
        (Value::Timestamp(at), PgType::Timestamptz) => Value::Timestamptz(at.and_utc()),
        (Value::Timestamp(at), PgType::Date) => Value::Date(at.date()),
        (value, PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name) => {
            Value::Text(value.to_text().unwrap_or_default())
        }
        (value, _) => Value::from_text(pg_type, &value.to_text().unwrap_or_default())?,
    };
    Ok(output.finish(converted))
}

/// Converts one row by the announced output types.
pub fn convert_row(
    row: &MySqlRow,
    natives: &[Native],
    types: &[OutputType],
) -> Result<Vec<Value>, SqlError> {
    natives
        .iter()
        .zip(types)
        .enumerate()
        .map(|(index, (native, output))| convert(read(row, index, *native)?, output))
        .collect()
}

/// The native form of each column of a row.
pub fn natives(row: &MySqlRow) -> Vec<Native> {
    row.columns()
        .iter()
        .map(|c| native(c.type_info()))
        .collect()
}

/// PostgreSQL values as the arguments of a prepared statement.
pub fn arguments(values: &[Value]) -> Result<MySqlArguments, SqlError> {
    let mut arguments = MySqlArguments::default();
    for value in values {
        let added = match value {
            Value::Null => arguments.add(None::<String>),
            Value::Bool(b) => arguments.add(*b),
            Value::Int2(v) => arguments.add(*v),
            Value::Int4(v) => arguments.add(*v),
            Value::Int8(v) => arguments.add(*v),
            Value::Float4(v) => arguments.add(*v),
            Value::Float8(v) => arguments.add(*v),
            Value::Numeric(text) | Value::Text(text) | Value::Json(text) => {
                arguments.add(text.as_str())
            }
            Value::Bytea(bytes) => arguments.add(bytes.as_slice()),
            // Dates and times as their ISO text, which MySQL converts in context.
            Value::Date(date) => arguments.add(date.format("%Y-%m-%d").to_string()),
            Value::Time(time) => arguments.add(format_time(time)),
            Value::Timestamp(at) => arguments.add(format_timestamp(at)),
            Value::Timestamptz(at) => arguments.add(format_timestamp(&at.naive_utc())),
            Value::Uuid(bytes) => arguments.add(format_uuid(bytes)),
            // Intervals, and any value kind added later, as PostgreSQL's text.
            _ => arguments.add(value.to_text().unwrap_or_default()),
        };
        added.map_err(|e| {
            SqlError::new("XX000", format!("cannot send a parameter to MySQL: {e}"))
        })?;
    }
    Ok(arguments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(pg_type: PgType) -> OutputType {
        OutputType {
            pg_type,
            numeric_scale: None,
            char_length: None,
        }
    }

    #[test]
    fn table_columns_map_to_postgres_types() {
        let map = |d: &str, c: &str| type_of_column(d, c, None, None, None, false).0;
        assert_eq!(map("tinyint", "tinyint(1)"), PgType::Bool);
        assert_eq!(map("tinyint", "tinyint(3) unsigned"), PgType::Int2);
        assert_eq!(map("smallint", "smallint(5) unsigned"), PgType::Int4);
        assert_eq!(map("int", "int(10) unsigned"), PgType::Int8);
        assert_eq!(map("bigint", "bigint(20) unsigned"), PgType::Numeric);
        assert_eq!(map("timestamp", "timestamp"), PgType::Timestamptz);
        assert_eq!(map("enum", "enum('a','b')"), PgType::Text);
        assert_eq!(
            type_of_column("longtext", "longtext", None, None, None, true).0,
            PgType::Json
        );
        assert_eq!(
            type_of_column("decimal", "decimal(10,2)", Some(10), Some(2), None, false),
            (PgType::Numeric, ((10 << 16) | 2) + 4)
        );
        assert_eq!(
            type_of_column("decimal", "decimal(65,30)", Some(65), Some(30), None, false),
            (PgType::Numeric, -1)
        );
    }

    #[test]
    fn binary_dates_and_times_decode() {
        let at = date_time(&[11, 0xe8, 0x07, 2, 29, 13, 14, 15, 0x40, 0xe2, 0x01, 0]).unwrap();
        assert_eq!(at.to_string(), "2024-02-29 13:14:15.123456");
        assert_eq!(
            date_time(&[4, 0xe8, 0x07, 1, 2]).unwrap().to_string(),
            "2024-01-02 00:00:00"
        );
        assert!(date_time(&[0]).is_err());
        assert_eq!(
            time(&[8, 0, 0, 0, 0, 0, 1, 2, 3]).unwrap().to_string(),
            "01:02:03"
        );
        assert!(time(&[8, 1, 0, 0, 0, 0, 1, 2, 3]).is_err());
    }

    #[test]
    fn values_convert_with_postgres_range_checks() {
        assert_eq!(
            convert(Value::Int8(1), &plain(PgType::Bool)).unwrap(),
            Value::Bool(true)
        );
        assert!(convert(Value::Int8(1 << 40), &plain(PgType::Int4)).is_err());
        assert_eq!(
            convert(Value::Numeric("1.500000".into()), &plain(PgType::Numeric)).unwrap(),
            Value::Numeric("1.5".into())
        );
        assert_eq!(
            convert(Value::Numeric("7.000".into()), &plain(PgType::Numeric)).unwrap(),
            Value::Numeric("7".into())
        );
    }
}
