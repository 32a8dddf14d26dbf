//! Value bytes in PostgreSQL's text or binary format (Bind parameters, binary COPY fields) to
//! values.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime};

use crate::value::Interval;
use crate::{PgType, SqlError, Value};

fn wrong_length(pg_type: PgType, length: usize) -> SqlError {
    SqlError::new(
        "22P03",
        format!(
            "incorrect binary data format in bind parameter: {length} bytes for type {}",
            pg_type.name()
        ),
    )
}

fn fixed<const N: usize>(bytes: &[u8], pg_type: PgType) -> Result<[u8; N], SqlError> {
    bytes
        .try_into()
        .map_err(|_| wrong_length(pg_type, bytes.len()))
}

/// Decodes one parameter; `None` bytes are NULL.
pub fn decode_parameter(
    bytes: Option<&[u8]>,
    pg_type: PgType,
    binary: bool,
) -> Result<Value, SqlError> {
    let Some(bytes) = bytes else {
        return Ok(Value::Null);
    };
    if !binary {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\""))?;
        return Value::from_text(pg_type, text);
    }
    decode_binary(bytes, pg_type)
}

fn decode_binary(bytes: &[u8], pg_type: PgType) -> Result<Value, SqlError> {
    Ok(match pg_type {
        PgType::Bool => Value::Bool(fixed::<1>(bytes, pg_type)?[0] != 0),
        PgType::Int2 => Value::Int2(i16::from_be_bytes(fixed(bytes, pg_type)?)),
        PgType::Int4 => Value::Int4(i32::from_be_bytes(fixed(bytes, pg_type)?)),
        PgType::Oid => Value::Int8(i64::from(u32::from_be_bytes(fixed(bytes, pg_type)?))),
        PgType::Int8 => Value::Int8(i64::from_be_bytes(fixed(bytes, pg_type)?)),
        PgType::Float4 => Value::Float4(f32::from_be_bytes(fixed(bytes, pg_type)?)),
        PgType::Float8 => Value::Float8(f64::from_be_bytes(fixed(bytes, pg_type)?)),
        PgType::Numeric => Value::Numeric(decode_numeric(bytes)?),
        PgType::Bytea => Value::Bytea(bytes.to_vec()),
        PgType::Date => {
            let days = i32::from_be_bytes(fixed(bytes, pg_type)?);
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
            Value::Date(
                epoch
                    .checked_add_signed(Duration::days(i64::from(days)))
                    .ok_or_else(|| SqlError::new("22008", "date out of range"))?,
            )
        }
        PgType::Time => {
            let micros = i64::from_be_bytes(fixed(bytes, pg_type)?);
            let seconds = u32::try_from(micros.div_euclid(1_000_000))
                .map_err(|_| SqlError::new("22008", "time out of range"))?;
            let nanos = u32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0);
            Value::Time(
                NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
                    .ok_or_else(|| SqlError::new("22008", "time out of range"))?,
            )
        }
        PgType::Timestamp | PgType::Timestamptz => {
            let micros = i64::from_be_bytes(fixed(bytes, pg_type)?);
            let unix = micros
                .checked_add(946_684_800_000_000)
                .ok_or_else(|| SqlError::new("22008", "timestamp out of range"))?;
            let ts = DateTime::from_timestamp_micros(unix)
                .ok_or_else(|| SqlError::new("22008", "timestamp out of range"))?;
            if pg_type == PgType::Timestamp {
                Value::Timestamp(ts.naive_utc())
            } else {
                Value::Timestamptz(ts)
            }
        }
        PgType::Interval => {
            let raw: [u8; 16] = fixed(bytes, pg_type)?;
            let mut micros = [0u8; 8];
            micros.copy_from_slice(&raw[..8]);
            let mut days = [0u8; 4];
            days.copy_from_slice(&raw[8..12]);
            let mut months = [0u8; 4];
            months.copy_from_slice(&raw[12..]);
            Value::Interval(Interval {
                microseconds: i64::from_be_bytes(micros),
                days: i32::from_be_bytes(days),
                months: i32::from_be_bytes(months),
            })
        }
        PgType::Uuid => Value::Uuid(fixed(bytes, pg_type)?),
        PgType::Jsonb => {
            let (version, body) = bytes
                .split_first()
                .ok_or_else(|| wrong_length(pg_type, 0))?;
            if *version != 1 {
                return Err(SqlError::new(
                    "22P03",
                    format!("unsupported jsonb version number {version}"),
                ));
            }
            Value::Json(crate::jsonb::canonical(&utf8(body)?)?)
        }
        PgType::Json => Value::Json(utf8(bytes)?),
        _ => Value::Text(utf8(bytes)?),
    })
}

fn utf8(bytes: &[u8]) -> Result<String, SqlError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\""))
}

/// Reads PostgreSQL's binary numeric into its decimal text.
fn decode_numeric(bytes: &[u8]) -> Result<String, SqlError> {
    let invalid = || SqlError::new("22P03", "invalid binary numeric in bind parameter");
    let word = |i: usize| -> Result<i16, SqlError> {
        let pair = bytes.get(i * 2..i * 2 + 2).ok_or_else(invalid)?;
        Ok(i16::from_be_bytes([pair[0], pair[1]]))
    };
    let ndigits = usize::try_from(word(0)?).map_err(|_| invalid())?;
    let weight = i32::from(word(1)?);
    let sign = u16::from_be_bytes(
        bytes
            .get(4..6)
            .ok_or_else(invalid)?
            .try_into()
            .map_err(|_| invalid())?,
    );
    let dscale = usize::try_from(word(3)?).map_err(|_| invalid())?;
    if sign == 0xC000 {
        return Ok("NaN".to_owned());
    }
    if bytes.len() != 8 + ndigits * 2 {
        return Err(invalid());
    }
    let digits: Vec<i16> = (0..ndigits)
        .map(|i| word(4 + i))
        .collect::<Result<_, _>>()?;
    let mut whole = String::new();
    let mut fraction = String::new();
    for position in 0..=weight.max(0) {
        let group = usize::try_from(position)
            .ok()
            .and_then(|p| digits.get(p))
            .copied()
            .unwrap_or(0);
        if position <= weight {
            if whole.is_empty() {
                if group != 0 {
                    whole.push_str(&group.to_string());
                }
            } else {
                whole.push_str(&format!("{group:04}"));
            }
        }
    }
    if whole.is_empty() {
        whole.push('0');
    }
    // Fraction groups start at index weight + 1 (which may be negative: leading zero groups).
    let mut index = weight + 1;
    while fraction.len() < dscale {
        let group = usize::try_from(index)
            .ok()
            .and_then(|p| digits.get(p))
            .copied()
            .unwrap_or(0);
        fraction.push_str(&format!("{group:04}"));
        index += 1;
    }
    fraction.truncate(dscale);
    let mut text = String::new();
    if sign == 0x4000 {
        text.push('-');
    }
    text.push_str(&whole);
    if dscale > 0 {
        text.push('.');
        text.push_str(&fraction);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_binary_decodes() {
        let bytes = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c];
        assert_eq!(decode_numeric(&bytes).unwrap(), "12345.678");
        let bytes = [0, 1, 0xff, 0xff, 0x40, 0, 0, 1, 0x13, 0x88];
        assert_eq!(decode_numeric(&bytes).unwrap(), "-0.5");
        // 0.000012 = 0.0000|1200: weight -2, one group 1200.
        let bytes = [0, 1, 0xff, 0xfe, 0, 0, 0, 6, 0x04, 0xb0];
        assert_eq!(decode_numeric(&bytes).unwrap(), "0.000012");
    }

    #[test]
    fn wrong_binary_length_is_an_error_not_a_panic() {
        let error = decode_parameter(Some(&[1, 2, 3]), PgType::Int4, true).unwrap_err();
        assert_eq!(error.code, "22P03");
        assert!(decode_numeric(&[0, 5, 0, 0]).is_err());
    }
}
