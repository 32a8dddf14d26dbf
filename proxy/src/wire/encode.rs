//! Values to wire bytes, in text or binary format, as PostgreSQL encodes each type.
//!
//! The field's declared type decides the binary layout (an int4 column is four bytes whatever
//! integer width the backend produced), so a value is coerced to the field type first.

use bytes::{BufMut, BytesMut};
use chrono::{NaiveDate, NaiveDateTime, Timelike};

use crate::{PgType, SqlError, Value};

/// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
/// Microseconds from the Unix epoch to PostgreSQL's epoch.
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400 * 1_000_000;

/// Appends one field of a DataRow: its length (-1 for NULL) and bytes.
pub fn put_field(
    out: &mut BytesMut,
    value: &Value,
    pg_type: PgType,
    binary: bool,
) -> Result<(), SqlError> {
    if matches!(value, Value::Null) {
        out.put_i32(-1);
        return Ok(());
    }
    let length_at = out.len();
    out.put_i32(0);
    if binary {
        put_binary(out, value, pg_type)?;
    } else {
        put_text(out, value, pg_type);
    }
    let length = i32::try_from(out.len() - length_at - 4).map_err(|_| {
        SqlError::new(
            "54000",
            "a value is larger than the protocol allows (2 GiB)",
        )
    })?;
    out[length_at..length_at + 4].copy_from_slice(&length.to_be_bytes());
    Ok(())
}

fn put_text(out: &mut BytesMut, value: &Value, pg_type: PgType) {
    match (value, pg_type) {
        // Booleans stored as integers answer as booleans.
        (Value::Int2(_) | Value::Int4(_) | Value::Int8(_), PgType::Bool) => {
            out.put_slice(if as_i64(value) != 0 { b"t" } else { b"f" });
        }
        (Value::Int8(v), _) => out.put_slice(itoa(*v).as_bytes()),
        (Value::Int4(v), _) => out.put_slice(itoa(i64::from(*v)).as_bytes()),
        (Value::Text(v) | Value::Json(v) | Value::Numeric(v), _) => out.put_slice(v.as_bytes()),
        (Value::Array(elements), _) => {
            out.put_slice(crate::array::format_text(elements, pg_type).as_bytes());
        }
        _ => {
            if let Some(text) = value.to_text() {
                out.put_slice(text.as_bytes());
            }
        }
    }
}

fn itoa(value: i64) -> String {
    value.to_string()
}

fn as_i64(value: &Value) -> i64 {
    match value {
        Value::Bool(b) => i64::from(*b),
        Value::Int2(v) => i64::from(*v),
        Value::Int4(v) => i64::from(*v),
        Value::Int8(v) => *v,
        // Callers coerce only integer-valued floats here; rounding matches PostgreSQL casts.
        #[allow(clippy::cast_possible_truncation)]
        Value::Float8(v) => v.round() as i64,
        #[allow(clippy::cast_possible_truncation)]
        Value::Float4(v) => f64::from(*v).round() as i64,
        Value::Numeric(text) | Value::Text(text) => text.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn as_f64(value: &Value) -> f64 {
    match value {
        Value::Float8(v) => *v,
        Value::Float4(v) => f64::from(*v),
        #[allow(clippy::cast_precision_loss)]
        Value::Int8(v) => *v as f64,
        Value::Int4(v) => f64::from(*v),
        Value::Int2(v) => f64::from(*v),
        Value::Numeric(text) | Value::Text(text) => text.trim().parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

fn out_of_range(pg_type: PgType) -> SqlError {
    SqlError::new("22003", format!("{} out of range", pg_type.sql_name()))
}

fn put_binary(out: &mut BytesMut, value: &Value, pg_type: PgType) -> Result<(), SqlError> {
    if pg_type.element().is_some() {
        let parsed;
        let elements = match value {
            Value::Array(elements) => elements,
            // Array text from the backend (the catalog's `indkey`, `current_schemas()`).
            other => {
                let text = other.to_text().unwrap_or_default();
                parsed = crate::array::split_elements(&text, pg_type)?;
                &parsed
            }
        };
        return crate::array::put_binary(out, elements, pg_type, |out, element, element_type| {
            put_field(out, element, element_type, true)
        });
    }
    match pg_type {
        PgType::Bool => {
            let truth = match value {
                Value::Bool(b) => *b,
                other => as_i64(other) != 0,
            };
            out.put_u8(u8::from(truth));
        }
        PgType::Int2 => {
            let v = i16::try_from(as_i64(value)).map_err(|_| out_of_range(pg_type))?;
            out.put_i16(v);
        }
        PgType::Int4 => {
            let v = i32::try_from(as_i64(value)).map_err(|_| out_of_range(pg_type))?;
            out.put_i32(v);
        }
        PgType::Oid => {
            let v = u32::try_from(as_i64(value)).map_err(|_| out_of_range(pg_type))?;
            out.put_u32(v);
        }
        PgType::Int8 => out.put_i64(as_i64(value)),
        // float4 columns carry f32 precision by definition.
        #[allow(clippy::cast_possible_truncation)]
        PgType::Float4 => out.put_f32(as_f64(value) as f32),
        PgType::Float8 => out.put_f64(as_f64(value)),
        PgType::Numeric => {
            let text = match value {
                Value::Numeric(text) | Value::Text(text) => text.clone(),
                other => other.to_text().unwrap_or_default(),
            };
            put_numeric(out, &text)?;
        }
        PgType::Bytea => match value {
            Value::Bytea(bytes) => out.put_slice(bytes),
            other => out.put_slice(other.to_text().unwrap_or_default().as_bytes()),
        },
        PgType::Date => {
            let date = match value {
                Value::Date(d) => *d,
                Value::Timestamp(ts) => ts.date(),
                Value::Timestamptz(ts) => ts.date_naive(),
                other => crate::value::parse_date(&other.to_text().unwrap_or_default())?,
            };
            let days = date_to_days(date);
            out.put_i32(i32::try_from(days).map_err(|_| out_of_range(pg_type))?);
        }
        PgType::Time => {
            let time = match value {
                Value::Time(t) => *t,
                other => crate::value::parse_time(&other.to_text().unwrap_or_default())?,
            };
            let micros = i64::from(time.num_seconds_from_midnight()) * 1_000_000
                + i64::from(time.nanosecond() / 1000);
            out.put_i64(micros);
        }
        PgType::Timestamp | PgType::Timestamptz => {
            let ts = match value {
                Value::Timestamp(ts) => *ts,
                Value::Timestamptz(ts) => ts.naive_utc(),
                Value::Date(d) => d.and_time(chrono::NaiveTime::MIN),
                other => crate::value::parse_timestamp(&other.to_text().unwrap_or_default())?,
            };
            out.put_i64(timestamp_to_micros(&ts));
        }
        PgType::Interval => {
            let interval = match value {
                Value::Interval(i) => *i,
                other => crate::value::Interval::parse(&other.to_text().unwrap_or_default())?,
            };
            out.put_i64(interval.microseconds);
            out.put_i32(interval.days);
            out.put_i32(interval.months);
        }
        PgType::Uuid => {
            let bytes = match value {
                Value::Uuid(u) => *u,
                other => crate::value::parse_uuid(&other.to_text().unwrap_or_default())?,
            };
            out.put_slice(&bytes);
        }
        PgType::Jsonb => {
            out.put_u8(1);
            out.put_slice(value.to_text().unwrap_or_default().as_bytes());
        }
        _ => put_text(out, value, pg_type),
    }
    Ok(())
}

/// Days since 2000-01-01.
pub fn date_to_days(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    date.signed_duration_since(epoch).num_days()
}

/// Microseconds since 2000-01-01 00:00:00.
pub fn timestamp_to_micros(ts: &NaiveDateTime) -> i64 {
    ts.and_utc().timestamp_micros() - PG_EPOCH_MICROS
}

/// Writes PostgreSQL's binary numeric: ndigits, weight, sign, dscale, base-10000 digits.
fn put_numeric(out: &mut BytesMut, text: &str) -> Result<(), SqlError> {
    let invalid = || SqlError::invalid_text("numeric", text);
    let text = text.trim();
    if text.eq_ignore_ascii_case("nan") {
        out.put_i16(0);
        out.put_i16(0);
        out.put_u16(0xC000);
        out.put_u16(0);
        return Ok(());
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let whole = whole.trim_start_matches('0');
    let dscale = u16::try_from(fraction.len()).map_err(|_| invalid())?;
    // Pad the whole part on the left and the fraction on the right to groups of four digits.
    let whole_pad = (4 - whole.len() % 4) % 4;
    let fraction_pad = (4 - fraction.len() % 4) % 4;
    let digits: String = "0".repeat(whole_pad) + whole + fraction + &"0".repeat(fraction_pad);
    let whole_groups = (whole.len() + whole_pad) / 4;
    let mut groups: Vec<i16> = digits
        .as_bytes()
        .chunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0i16, |acc, digit| acc * 10 + i16::from(digit - b'0'))
        })
        .collect();
    let mut weight = i16::try_from(whole_groups).map_err(|_| invalid())? - 1;
    // Strip leading zero groups (adjusting weight) and trailing zero groups.
    let leading = groups.iter().take_while(|g| **g == 0).count();
    groups.drain(..leading);
    weight -= i16::try_from(leading).map_err(|_| invalid())?;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.put_i16(i16::try_from(groups.len()).map_err(|_| invalid())?);
    out.put_i16(weight);
    out.put_u16(if negative && !groups.is_empty() {
        0x4000
    } else {
        0
    });
    out.put_u16(dscale);
    for group in groups {
        out.put_i16(group);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_bytes(text: &str) -> Vec<u8> {
        let mut out = BytesMut::new();
        put_numeric(&mut out, text).unwrap();
        out.to_vec()
    }

    #[test]
    fn numeric_binary_matches_postgres() {
        // 12345.678 -> ndigits 3, weight 1, sign 0, dscale 3, digits [1, 2345, 6780]
        assert_eq!(
            numeric_bytes("12345.678"),
            vec![0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c]
        );
        // -0.5 -> ndigits 1, weight -1, sign 0x4000, dscale 1, digits [5000]
        assert_eq!(
            numeric_bytes("-0.5"),
            vec![0, 1, 0xff, 0xff, 0x40, 0, 0, 1, 0x13, 0x88]
        );
        assert_eq!(numeric_bytes("0"), vec![0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn null_is_minus_one_length() {
        let mut out = BytesMut::new();
        put_field(&mut out, &Value::Null, PgType::Int4, true).unwrap();
        assert_eq!(out.to_vec(), vec![0xff, 0xff, 0xff, 0xff]);
    }

    #[test]
    fn int4_binary_is_four_bytes_even_from_int8() {
        let mut out = BytesMut::new();
        put_field(&mut out, &Value::Int8(7), PgType::Int4, true).unwrap();
        assert_eq!(out.to_vec(), vec![0, 0, 0, 4, 0, 0, 0, 7]);
    }

    #[test]
    fn dates_count_from_2000() {
        assert_eq!(
            date_to_days(NaiveDate::from_ymd_opt(2000, 1, 2).unwrap()),
            1
        );
        assert_eq!(
            date_to_days(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
            -1
        );
    }
}
