//! SQLite values to PostgreSQL values and back, by the PostgreSQL type of the column.
//!
//! Storage forms (see pgbridge-dialects' SQLite target): booleans 0/1, dates and times ISO-8601
//! text, timestamptz UTC text ending `+00`, uuid canonical text, bytea blobs, numeric with
//! NUMERIC affinity (integer or real), json text.

use pgbridge_proxy::value::{format_timestamp, format_uuid, parse_numeric};
use pgbridge_proxy::{PgType, SqlError, Value};
use rusqlite::types::{Value as SqliteValue, ValueRef};

/// The PostgreSQL type for a column of an existing SQLite table, from its declared type
/// (SQLite's affinity rules, section 3.1 of its datatype documentation).
pub fn type_from_declaration(declared: &str) -> PgType {
    let upper = declared.to_ascii_uppercase();
    if let Some(pg_type) = PgType::from_name(&declared.to_ascii_lowercase()) {
        if pg_type == PgType::Int4 && upper.contains("INTEGER") {
            // SQLite integers are 64-bit.
            return PgType::Int8;
        }
        return pg_type;
    }
    if upper.contains("BOOL") {
        PgType::Bool
    } else if upper.contains("INT") {
        PgType::Int8
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        PgType::Text
    } else if upper.contains("BLOB") {
        PgType::Bytea
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        PgType::Float8
    } else if upper.contains("DATETIME") || upper.contains("TIMESTAMP") {
        PgType::Timestamp
    } else if upper.contains("DATE") {
        PgType::Date
    } else if upper.is_empty() {
        PgType::Text
    } else {
        PgType::Numeric
    }
}

fn mismatch(pg_type: PgType, shown: &str) -> SqlError {
    SqlError::invalid_text(pg_type.sql_name(), shown)
}

/// Converts a SQLite value read from a column of type `pg_type`.
pub fn to_pg(value: ValueRef<'_>, pg_type: PgType) -> Result<Value, SqlError> {
    Ok(match (value, pg_type) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), PgType::Bool) => Value::Bool(i != 0),
        (ValueRef::Integer(i), PgType::Int2) => Value::Int2(
            i16::try_from(i).map_err(|_| SqlError::new("22003", "smallint out of range"))?,
        ),
        (ValueRef::Integer(i), PgType::Int4 | PgType::Oid) => Value::Int4(
            i32::try_from(i).map_err(|_| SqlError::new("22003", "integer out of range"))?,
        ),
        (ValueRef::Integer(i), PgType::Int8) => Value::Int8(i),
        #[allow(clippy::cast_precision_loss)]
        (ValueRef::Integer(i), PgType::Float4 | PgType::Float8) => Value::Float8(i as f64),
        (ValueRef::Real(r), PgType::Float4 | PgType::Float8) => Value::Float8(r),
        (ValueRef::Real(r), t) if t.is_integer() => {
            // An integer column holding a real: PostgreSQL would have rounded on the way in.
            #[allow(clippy::cast_possible_truncation)]
            let rounded = r.round() as i64;
            return to_pg(ValueRef::Integer(rounded), t);
        }
        (ValueRef::Integer(i), PgType::Numeric) => Value::Numeric(i.to_string()),
        (ValueRef::Real(r), PgType::Numeric) => Value::Numeric(real_to_numeric(r)),
        (ValueRef::Integer(i), _) => Value::Text(i.to_string()),
        (ValueRef::Real(r), _) => Value::Text(pgbridge_proxy::value::format_float(r)),
        (ValueRef::Blob(bytes), PgType::Bytea) => Value::Bytea(bytes.to_vec()),
        (ValueRef::Blob(bytes), PgType::Uuid) if bytes.len() == 16 => {
            let mut uuid = [0u8; 16];
            uuid.copy_from_slice(bytes);
            Value::Uuid(uuid)
        }
        (ValueRef::Blob(bytes), _) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        (ValueRef::Text(bytes), pg_type) => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\"")
            })?;
            match pg_type {
                PgType::Text
                | PgType::Varchar
                | PgType::Bpchar
                | PgType::Name
                | PgType::Unknown => Value::Text(text.to_owned()),
                // Text written into a bytea column is PostgreSQL bytea input ('\x0102').
                PgType::Bytea => Value::Bytea(
                    pgbridge_proxy::value::parse_bytea(text).unwrap_or_else(|_| bytes.to_vec()),
                ),
                PgType::Numeric => {
                    Value::Numeric(parse_numeric(text).map_err(|_| mismatch(pg_type, text))?)
                }
                other => Value::from_text(other, text)?,
            }
        }
    })
}

/// A real stored in a numeric column, printed without float noise.
pub(super) fn real_to_numeric(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    let text = format!("{value}");
    if text.contains('e') {
        format!("{value:.}")
    } else {
        text
    }
}

/// Refuses numeric values SQLite would not keep exactly, before a statement runs: SQLite holds a
/// number as a 64-bit integer or a double, so `12345678901234567890.123456789` would come back
/// as `12345678901234567000`. PostgreSQL's own error for a value its column cannot hold, 22003,
/// is the answer instead of a silently different number.
pub fn check_exact_numerics<'a>(
    values: impl IntoIterator<Item = &'a Value>,
) -> Result<(), SqlError> {
    for value in values {
        if let Value::Numeric(text) = value {
            check_exact_numeric(text)?;
        }
    }
    Ok(())
}

/// Refuses one numeric's text, as [`check_exact_numerics`] (casts to numeric use it too).
pub fn check_exact_numeric(text: &str) -> Result<(), SqlError> {
    if stored_exactly(text) {
        return Ok(());
    }
    Err(SqlError::new(
        "22003",
        format!(
            "numeric value {text} cannot be stored exactly by SQLite, which keeps a number as a \
             64-bit integer or a double (about 15 significant digits)"
        ),
    ))
}

/// Checks each row of a COPY FROM, as [`check_exact_numerics`].
pub fn check_exact_rows(rows: &[Vec<Value>]) -> Result<(), SqlError> {
    rows.iter().try_for_each(check_exact_numerics)
}

/// True when a numeric's text comes back unchanged from the INTEGER or REAL SQLite stores.
fn stored_exactly(text: &str) -> bool {
    if text.parse::<i64>().is_ok() {
        return true;
    }
    let digits = significant_digits(text);
    // Every decimal of up to 15 significant digits survives a double; longer ones only when
    // the double's shortest form has the same digits.
    if digits.len() <= 15 || digits.is_empty() {
        return true;
    }
    text.parse::<f64>()
        .is_ok_and(|real| real.is_finite() && significant_digits(&format!("{real:e}")) == digits)
}

/// The digits of a number's mantissa without leading and trailing zeros (`0012.50e3` -> `125`).
fn significant_digits(text: &str) -> String {
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits
        .trim_start_matches('0')
        .trim_end_matches('0')
        .to_owned()
}

/// The SQLite value that stores a PostgreSQL value.
pub fn to_sqlite(value: &Value) -> SqliteValue {
    match value {
        Value::Null => SqliteValue::Null,
        Value::Bool(b) => SqliteValue::Integer(i64::from(*b)),
        Value::Int2(v) => SqliteValue::Integer(i64::from(*v)),
        Value::Int4(v) => SqliteValue::Integer(i64::from(*v)),
        Value::Int8(v) => SqliteValue::Integer(*v),
        Value::Float4(v) => SqliteValue::Real(f64::from(*v)),
        Value::Float8(v) => SqliteValue::Real(*v),
        Value::Numeric(text) => match text.parse::<i64>() {
            Ok(i) => SqliteValue::Integer(i),
            Err(_) => text
                .parse::<f64>()
                .map(SqliteValue::Real)
                .unwrap_or_else(|_| SqliteValue::Text(text.clone())),
        },
        Value::Text(text) | Value::Json(text) => SqliteValue::Text(text.clone()),
        Value::Bytea(bytes) => SqliteValue::Blob(bytes.clone()),
        Value::Date(d) => SqliteValue::Text(d.format("%Y-%m-%d").to_string()),
        Value::Time(_) | Value::Interval(_) => {
            SqliteValue::Text(value.to_text().unwrap_or_default())
        }
        Value::Timestamp(ts) => SqliteValue::Text(format_timestamp(ts)),
        Value::Timestamptz(ts) => {
            SqliteValue::Text(format!("{}+00", format_timestamp(&ts.naive_utc())))
        }
        Value::Uuid(u) => SqliteValue::Text(format_uuid(u)),
        _ => SqliteValue::Text(value.to_text().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerics_sqlite_cannot_hold_are_refused() {
        let exact = [
            "12.50",
            "-0.000123",
            "9223372036854775807",
            "1234567890123456.5",
            "100000000000000000000",
            "NaN",
        ];
        for text in exact {
            assert!(stored_exactly(text), "{text}");
        }
        let inexact = [
            "12345678901234567890.123456789",
            "9223372036854775808",
            "0.12345678901234567",
        ];
        for text in inexact {
            assert!(!stored_exactly(text), "{text}");
            let values = [Value::Int4(1), Value::Numeric(text.to_owned())];
            assert_eq!(check_exact_numerics(&values).unwrap_err().code, "22003");
        }
    }

    #[test]
    fn declared_types_follow_affinity() {
        assert_eq!(type_from_declaration("INTEGER"), PgType::Int8);
        assert_eq!(type_from_declaration("varchar(20)"), PgType::Text);
        assert_eq!(type_from_declaration("DOUBLE"), PgType::Float8);
        assert_eq!(type_from_declaration(""), PgType::Text);
        assert_eq!(type_from_declaration("BOOLEAN"), PgType::Bool);
    }

    #[test]
    fn values_convert_by_column_type() {
        assert_eq!(
            to_pg(ValueRef::Integer(1), PgType::Bool).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            to_pg(ValueRef::Real(2.5), PgType::Numeric).unwrap(),
            Value::Numeric("2.5".into())
        );
        assert!(to_pg(ValueRef::Integer(1 << 40), PgType::Int4).is_err());
        assert!(to_pg(ValueRef::Text(b"abc"), PgType::Int4).is_err());
    }
}
