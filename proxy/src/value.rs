//! Values that cross the seam, typed as PostgreSQL types.
//!
//! Backends produce them from their native values; the wire front end encodes them in text or
//! binary format; parameters arrive as them. The text forms here are PostgreSQL's own output
//! (DateStyle ISO, TimeZone UTC, extra_float_digits 1).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::{PgType, SqlError};

/// A PostgreSQL interval: months, days and microseconds, kept apart as PostgreSQL does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub microseconds: i64,
}

impl Interval {
    /// Reads PostgreSQL's interval input (`1 day 02:00:00`, `3 hours`, `P1D`, ...).
    pub fn parse(text: &str) -> Result<Interval, SqlError> {
        let trimmed = text.trim();
        if let Some(interval) = crate::interval_text::parse_postgres_interval(trimmed) {
            return Ok(interval);
        }
        pg_interval::Interval::from_postgres(trimmed)
            .or_else(|_| pg_interval::Interval::from_iso(trimmed))
            .or_else(|_| pg_interval::Interval::from_sql(trimmed))
            .map(|i| Interval {
                months: i.months,
                days: i.days,
                microseconds: i.microseconds,
            })
            .map_err(|_| SqlError::invalid_text("interval", text))
    }

    /// PostgreSQL's output (IntervalStyle postgres).
    pub fn to_postgres(self) -> String {
        crate::interval_text::format_postgres_interval(self)
    }
}

/// One value of a result row or a parameter.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int2(i16),
    Int4(i32),
    Int8(i64),
    Float4(f32),
    Float8(f64),
    /// An exact decimal in PostgreSQL's text form (`-12.50`, `NaN`).
    Numeric(String),
    Text(String),
    Bytea(Vec<u8>),
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
    Timestamptz(DateTime<Utc>),
    Interval(Interval),
    Uuid([u8; 16]),
    /// json or jsonb, as text.
    Json(String),
    /// A one-dimensional array; its column's type names the element type (NULL elements are
    /// `Value::Null`).
    Array(Vec<Value>),
}

/// PostgreSQL's timestamp text without a zone (`2024-01-02 03:04:05.123456`).
pub fn format_timestamp(value: &NaiveDateTime) -> String {
    let mut text = value.format("%Y-%m-%d %H:%M:%S").to_string();
    push_fraction(&mut text, value.and_utc().timestamp_subsec_micros());
    text
}

/// PostgreSQL's time text (`03:04:05.5`).
pub fn format_time(value: &NaiveTime) -> String {
    use chrono::Timelike;
    let mut text = value.format("%H:%M:%S").to_string();
    push_fraction(&mut text, value.nanosecond() / 1000);
    text
}

/// Appends `.ffffff` with trailing zeros removed, as PostgreSQL prints fractions of seconds.
fn push_fraction(text: &mut String, micros: u32) {
    if micros > 0 {
        let fraction = format!("{:06}", micros.min(999_999));
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
}

/// The bytes as lower-case hexadecimal digits, two per byte.
pub fn format_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// The canonical lower-case hyphenated text of a uuid.
pub fn format_uuid(bytes: &[u8; 16]) -> String {
    let hex = format_hex(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Reads a uuid in any form PostgreSQL accepts (hyphens optional, braces, upper case).
pub fn parse_uuid(text: &str) -> Result<[u8; 16], SqlError> {
    let digits: Vec<u8> = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .bytes()
        .filter(|b| *b != b'-')
        .collect();
    let invalid = || SqlError::invalid_text("uuid", text);
    if digits.len() != 32 {
        return Err(invalid());
    }
    let mut out = [0u8; 16];
    for (i, pair) in digits.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
        out[i] = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
    }
    Ok(out)
}

/// PostgreSQL's float text: shortest round-trip digits, exponent past 1e15 or under 1e-4.
pub fn format_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e15).contains(&magnitude) {
        let text = format!("{value:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    format!("{value}")
}

/// Reads a boolean with PostgreSQL's input rules.
pub fn parse_bool(text: &str) -> Result<bool, SqlError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Ok(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Ok(false),
        _ => Err(SqlError::invalid_text("boolean", text)),
    }
}

/// Reads a timestamp without zone; accepts `T` or space, optional fraction, optional zone
/// (ignored, as PostgreSQL does for `timestamp`).
pub fn parse_timestamp(text: &str) -> Result<NaiveDateTime, SqlError> {
    let trimmed = text.trim();
    if let Some(value) = parse_iso_timestamp(trimmed) {
        return Ok(value);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(value) = NaiveDateTime::parse_from_str(trimmed, format) {
            return Ok(value);
        }
    }
    if let Ok(with_zone) = parse_timestamptz(trimmed) {
        return Ok(with_zone.naive_utc());
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        return Ok(date.and_time(NaiveTime::MIN));
    }
    Err(date_error("timestamp", text))
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` (or with `T`), the form PostgreSQL prints and pgbridge
/// stores, read without chrono's format interpreter: a row of timestamps read from SQLite
/// would otherwise spend most of its time there. `None` for any other form (and for
/// impossible dates), which the general parsers then decide.
fn parse_iso_timestamp(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if bytes.len() < 19
        || !matches!(bytes[10], b' ' | b'T')
        || separators.iter().any(|&(at, byte)| bytes[at] != byte)
    {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, &digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(&bytes[0..4])?).ok()?;
    let [month, day, hour, minute, second] =
        [5, 8, 11, 14, 17].map(|at| number(&bytes[at..at + 2]));
    let micros = match &bytes[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=6).contains(&fraction.len()) => {
            let padding = u32::try_from(6 - fraction.len()).ok()?;
            number(fraction)? * 10u32.pow(padding)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month?, day?)?.and_hms_micro_opt(hour?, minute?, second?, micros)
}

/// Why date or timestamp text was refused: fields that are well-formed numbers but out of range
/// (`2023-02-29`, month 13, hour 25) are PostgreSQL's 22008; anything else is 22P02.
fn date_error(type_name: &str, text: &str) -> SqlError {
    let trimmed = text.trim();
    let head = trimmed.get(..10).unwrap_or(trimmed);
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = head.split('-').collect();
    let numeric_date = parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| digits(p));
    let rest = trimmed
        .get(10..)
        .unwrap_or("")
        .trim_start_matches([' ', 'T']);
    let numeric_time = rest.is_empty()
        || rest
            .split([':', '.'])
            .all(|part| digits(part) && part.len() <= 6);
    let date_fails = NaiveDate::parse_from_str(head, "%Y-%m-%d").is_err();
    if numeric_date && numeric_time && (date_fails || !rest.is_empty()) {
        SqlError::new(
            "22008",
            format!("date/time field value out of range: \"{text}\""),
        )
    } else {
        SqlError::invalid_text(type_name, text)
    }
}

/// Reads a timestamp with time zone; a value without a zone is taken as UTC (the session
/// TimeZone pgbridge reports).
pub fn parse_timestamptz(text: &str) -> Result<DateTime<Utc>, SqlError> {
    let trimmed = text.trim();
    if let Some(value) = ["+00", "+00:00", "Z"]
        .iter()
        .find_map(|zone| trimmed.strip_suffix(zone))
        .and_then(parse_iso_timestamp)
    {
        return Ok(value.and_utc());
    }
    let normalized = normalize_offset(trimmed);
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M%:z",
    ] {
        if let Ok(value) = DateTime::parse_from_str(&normalized, format) {
            return Ok(value.with_timezone(&Utc));
        }
    }
    if let Some(without_zone) = trimmed
        .strip_suffix('Z')
        .or_else(|| trimmed.strip_suffix(" UTC"))
    {
        return parse_timestamp(without_zone).map(|naive| naive.and_utc());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(value) = NaiveDateTime::parse_from_str(trimmed, format) {
            return Ok(value.and_utc());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        return Ok(date.and_time(NaiveTime::MIN).and_utc());
    }
    Err(SqlError::invalid_text("timestamp with time zone", text))
}

/// `+02` and `+0530` become `+02:00` and `+05:30` so one chrono format reads them all.
fn normalize_offset(text: &str) -> String {
    let Some(position) = text.rfind(['+', '-']).filter(|p| *p >= 10) else {
        return text.to_owned();
    };
    let (head, offset) = text.split_at(position);
    let digits = &offset[1..];
    let sign = &offset[..1];
    match digits.len() {
        2 if digits.bytes().all(|b| b.is_ascii_digit()) => format!("{head}{sign}{digits}:00"),
        4 if digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{head}{sign}{}:{}", &digits[..2], &digits[2..])
        }
        _ => text.to_owned(),
    }
}

/// Reads a date (`2024-01-31`).
pub fn parse_date(text: &str) -> Result<NaiveDate, SqlError> {
    let trimmed = text.trim();
    let head = trimmed.get(..10).unwrap_or(trimmed);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").map_err(|_| date_error("date", text))
}

/// Reads a time of day (`13:45`, `13:45:10.25`).
pub fn parse_time(text: &str) -> Result<NaiveTime, SqlError> {
    use chrono::Timelike;
    let error = |code: &str, problem: &str| {
        SqlError::new(code, format!("{problem} for type time: \"{text}\""))
    };
    let out_of_range = || error("22008", "date/time field value out of range");
    let trimmed = text.trim();
    // PostgreSQL reads the time of day out of a timestamp too: a date before it and a zone
    // after it are read and dropped (`'2008-12-25 15:30:00+02'::time`).
    let rest = match trimmed.split_once(' ') {
        Some((date, rest)) if is_date_shaped(date) => {
            NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| out_of_range())?;
            rest.trim_start()
        }
        _ => trimmed,
    };
    let zone_at = rest
        .find(|c: char| c == '+' || c == '-' || c.is_ascii_alphabetic() || c.is_whitespace())
        .unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let syntax = || error("22007", "invalid input syntax");
    let zone = zone.trim();
    if !is_time_zone(zone) {
        return Err(syntax());
    }
    if zone_hours(zone) > 15 {
        return Err(SqlError::new(
            "22009",
            format!("time zone displacement out of range: \"{text}\""),
        ));
    }
    let fields: Vec<&str> = clock.split(':').collect();
    let numeric = |field: &str| {
        let whole = field.split_once('.').map_or(field, |(whole, _)| whole);
        !whole.is_empty() && field.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    };
    if !(2..=3).contains(&fields.len()) || !fields.iter().all(|field| numeric(field)) {
        return Err(syntax());
    }
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .map_err(|_| out_of_range())?;
    // chrono reads a 60th second as a leap second; PostgreSQL carries it into the next minute.
    if time.nanosecond() >= 1_000_000_000 {
        let carried = time.with_nanosecond(time.nanosecond() - 1_000_000_000);
        return carried
            .map(|time| time + chrono::TimeDelta::seconds(1))
            .filter(|next| *next > NaiveTime::MIN)
            .ok_or_else(out_of_range);
    }
    Ok(time)
}

/// The whole hours of an offset suffix (`+02`, `-0530`, `+2:30`); 0 for a named zone.
fn zone_hours(zone: &str) -> u32 {
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return 0;
    };
    let hours = match offset.split_once(':') {
        Some((hours, _)) => hours,
        None if offset.len() == 4 => &offset[..2],
        None => offset,
    };
    hours.parse().unwrap_or(0)
}

/// True for `dddd-dd-dd`, which PostgreSQL reads as a date whether or not the date exists.
fn is_date_shaped(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(at, &byte)| match at {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// True for the zone suffixes a time of day may carry: none, `Z`, `UTC`, `GMT`, or an offset
/// `+HH`, `-HH:MM`, `+HHMM`, `+HH:MM:SS`.
fn is_time_zone(zone: &str) -> bool {
    if zone.is_empty()
        || ["z", "utc", "gmt"]
            .iter()
            .any(|name| zone.eq_ignore_ascii_case(name))
    {
        return true;
    }
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = offset.split(':').collect();
    match parts.as_slice() {
        [hours] if hours.len() == 4 => two_digits(&hours[..2]) && two_digits(&hours[2..]),
        [hours] => (1..=2).contains(&hours.len()) && hours.bytes().all(|b| b.is_ascii_digit()),
        [hours, rest @ ..] if rest.len() <= 2 => {
            (1..=2).contains(&hours.len())
                && hours.bytes().all(|b| b.is_ascii_digit())
                && rest.iter().all(|part| two_digits(part))
        }
        _ => false,
    }
}

/// Checks that text is a decimal PostgreSQL's numeric accepts, and returns it trimmed.
pub fn parse_numeric(text: &str) -> Result<String, SqlError> {
    let trimmed = text.trim();
    let lowered = trimmed.to_ascii_lowercase();
    if lowered == "nan" {
        return Ok("NaN".to_owned());
    }
    let unsigned = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    let digits_ok = whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if !digits_ok || !exponent_ok {
        return Err(SqlError::invalid_text("numeric", text));
    }
    if exponent.is_some() {
        // Normalise scientific input through f64 only when exact digits cannot be kept.
        let value: f64 = trimmed
            .parse()
            .map_err(|_| SqlError::invalid_text("numeric", text))?;
        return Ok(format!("{value}"));
    }
    Ok(trimmed.trim_start_matches('+').to_owned())
}

impl Value {
    /// PostgreSQL's text output of this value, or `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => if *b { "t" } else { "f" }.to_owned(),
            Value::Int2(v) => v.to_string(),
            Value::Int4(v) => v.to_string(),
            Value::Int8(v) => v.to_string(),
            Value::Float4(v) => format_float(v.to_string().parse().unwrap_or(f64::NAN)),
            Value::Float8(v) => format_float(*v),
            Value::Numeric(v) | Value::Text(v) | Value::Json(v) => v.clone(),
            Value::Bytea(bytes) => format!("\\x{}", format_hex(bytes)),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Time(t) => format_time(t),
            Value::Timestamp(ts) => format_timestamp(ts),
            Value::Timestamptz(ts) => format!("{}+00", format_timestamp(&ts.naive_utc())),
            Value::Interval(i) => i.to_postgres(),
            Value::Uuid(u) => format_uuid(u),
            Value::Array(elements) => crate::array::format_text(elements, PgType::TextArray),
        })
    }

    /// Reads PostgreSQL text input as a value of `pg_type`.
    pub fn from_text(pg_type: PgType, text: &str) -> Result<Value, SqlError> {
        let int_error = || SqlError::invalid_text(pg_type.sql_name(), text);
        Ok(match pg_type {
            PgType::Bool => Value::Bool(parse_bool(text)?),
            PgType::Int2 => Value::Int2(text.trim().parse().map_err(|_| int_error())?),
            PgType::Int4 | PgType::Oid => {
                Value::Int4(text.trim().parse().map_err(|_| int_error())?)
            }
            PgType::Int8 => Value::Int8(text.trim().parse().map_err(|_| int_error())?),
            PgType::Float4 => Value::Float4(parse_real(text)?),
            PgType::Float8 => Value::Float8(parse_float(text)?),
            PgType::Numeric => Value::Numeric(parse_numeric(text)?),
            PgType::Bytea => Value::Bytea(parse_bytea(text)?),
            PgType::Date => Value::Date(parse_date(text)?),
            PgType::Time => Value::Time(parse_time(text)?),
            PgType::Timestamp => Value::Timestamp(parse_timestamp(text)?),
            PgType::Timestamptz => Value::Timestamptz(parse_timestamptz(text)?),
            PgType::Interval => Value::Interval(Interval::parse(text)?),
            PgType::Uuid => Value::Uuid(parse_uuid(text)?),
            PgType::Json => Value::Json(text.to_owned()),
            PgType::Jsonb => Value::Json(crate::jsonb::canonical(text)?),
            array if array.element().is_some() => crate::array::parse_text(text, array)?,
            _ => Value::Text(text.to_owned()),
        })
    }
}

/// A decimal rounded (half away from zero) and padded to `scale` fraction digits, as a
/// `numeric(p, s)` column shows it (`1.5` -> `1.50`, `3.14159` -> `3.14`).
pub fn round_numeric(text: &str, scale: usize) -> String {
    let trimmed = text.trim();
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let valid = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !valid(whole) || !valid(fraction) {
        return trimmed.to_owned();
    }
    let mut digits: Vec<u8> = whole.bytes().chain(fraction.bytes().take(scale)).collect();
    let round_up = fraction.as_bytes().get(scale).is_some_and(|d| *d >= b'5');
    digits.extend(std::iter::repeat_n(
        b'0',
        scale.saturating_sub(fraction.len()),
    ));
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - scale;
    let whole_digits = String::from_utf8_lossy(&digits[..split])
        .trim_start_matches('0')
        .to_owned();
    let whole_digits = if whole_digits.is_empty() {
        "0".to_owned()
    } else {
        whole_digits
    };
    let fraction_digits = String::from_utf8_lossy(&digits[split..]).into_owned();
    let is_zero = whole_digits == "0" && fraction_digits.bytes().all(|b| b == b'0');
    let sign = if negative && !is_zero { "-" } else { "" };
    if scale == 0 {
        format!("{sign}{whole_digits}")
    } else {
        format!("{sign}{whole_digits}.{fraction_digits}")
    }
}

/// A decimal as a `numeric(precision, scale)` column keeps it: rounded (half away from zero)
/// and padded to `scale` digits, refused with PostgreSQL's 22003 when more than
/// `precision - scale` digits remain before the point. NaN passes, as in PostgreSQL.
pub fn numeric_with_typmod(text: &str, precision: u32, scale: u32) -> Result<String, SqlError> {
    if text.trim().eq_ignore_ascii_case("nan") {
        return Ok("NaN".to_owned());
    }
    let rounded = round_numeric(text, usize::try_from(scale).unwrap_or(usize::MAX));
    let whole = rounded
        .trim_start_matches('-')
        .split('.')
        .next()
        .unwrap_or("");
    let whole_digits = whole.trim_start_matches('0').len();
    let allowed = precision.saturating_sub(scale);
    if whole_digits <= usize::try_from(allowed).unwrap_or(usize::MAX) {
        return Ok(rounded);
    }
    // PostgreSQL writes 10^0 as 1.
    let limit = if allowed == 0 {
        "1".to_owned()
    } else {
        format!("10^{allowed}")
    };
    Err(
        SqlError::new("22003", "numeric field overflow").with_detail(format!(
            "A field with precision {precision}, scale {scale} must round to an absolute value \
             less than {limit}."
        )),
    )
}

/// Reads a float with PostgreSQL's spellings of the special values.
pub fn parse_float(text: &str) -> Result<f64, SqlError> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => Ok(f64::NAN),
        "infinity" | "+infinity" | "inf" => Ok(f64::INFINITY),
        "-infinity" | "-inf" => Ok(f64::NEG_INFINITY),
        _ => trimmed
            .parse()
            .map_err(|_| SqlError::invalid_text("double precision", text)),
    }
}

/// Reads a float4 (`real`) with PostgreSQL's spellings of the special values.
pub fn parse_real(text: &str) -> Result<f32, SqlError> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => Ok(f32::NAN),
        "infinity" | "+infinity" | "inf" => Ok(f32::INFINITY),
        "-infinity" | "-inf" => Ok(f32::NEG_INFINITY),
        _ => trimmed
            .parse()
            .map_err(|_| SqlError::invalid_text("real", text)),
    }
}

/// Reads bytea input in hex (`\x0102`) or escape format.
pub fn parse_bytea(text: &str) -> Result<Vec<u8>, SqlError> {
    if let Some(hex) = text.strip_prefix("\\x") {
        if hex.len() % 2 != 0 {
            return Err(SqlError::invalid_text("bytea", text));
        }
        return (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| SqlError::invalid_text("bytea", text))
            })
            .collect();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            let octal = text
                .get(i + 1..i + 4)
                .and_then(|digits| u8::from_str_radix(digits, 8).ok())
                .ok_or_else(|| SqlError::invalid_text("bytea", text))?;
            out.push(octal);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_of_day_read_as_postgresql_reads_them() {
        use super::parse_time;
        for (text, time) in [
            ("15:30", "15:30:00"),
            ("15:30:00.25", "15:30:00.25"),
            ("15:30:00+02", "15:30:00"),
            ("15:30:00-05:30", "15:30:00"),
            ("15:30:00 UTC", "15:30:00"),
            ("15:30:00Z", "15:30:00"),
            ("15:30:60", "15:31:00"),
            ("15:30:00-15:59", "15:30:00"),
            ("2008-12-25 15:30:00+02", "15:30:00"),
            (" 2008-12-25  15:30:00.5 +0100 ", "15:30:00.5"),
        ] {
            let parsed = parse_time(text).unwrap_or_else(|error| panic!("{text}: {error:?}"));
            let expected = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S%.f").unwrap();
            assert_eq!(parsed, expected, "{text}");
        }
        for (bad, code) in [
            ("", "22007"),
            ("15", "22007"),
            ("15:30:00+02junk", "22007"),
            ("15:30:00 +2x", "22007"),
            ("15:30:00 nowhere", "22007"),
            ("15:30:00+02:00:00:00", "22007"),
            ("2008-12-25T15:30:00", "22007"),
            ("25:00", "22008"),
            ("23:59:60", "22008"),
            ("15:30:00+25", "22009"),
            ("2008-13-25 15:30:00", "22008"),
        ] {
            let error = parse_time(bad).expect_err(bad);
            assert_eq!(error.code, code, "{bad}");
        }
    }

    #[test]
    fn the_iso_fast_path_reads_what_the_general_parser_reads() {
        use super::{parse_iso_timestamp, parse_timestamp, parse_timestamptz};
        for text in [
            "2024-02-29 13:45:10",
            "2024-02-29T13:45:10.25",
            "1999-12-31 23:59:59.999999",
            "0001-01-01 00:00:00.000001",
        ] {
            let fast = parse_iso_timestamp(text).unwrap();
            let general = chrono::NaiveDateTime::parse_from_str(
                &text.replace('T', " "),
                "%Y-%m-%d %H:%M:%S%.f",
            )
            .unwrap();
            assert_eq!(fast, general, "{text}");
            assert_eq!(
                parse_timestamptz(&format!("{text}+00"))
                    .unwrap()
                    .naive_utc(),
                fast
            );
        }
        for other in [
            "2023-02-29 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 00:00:00.1234567",
            "2024-01-01 00:00",
            "2024-1-01 00:00:00",
            "24-01-01 00:00:00",
        ] {
            assert_eq!(parse_iso_timestamp(other), None, "{other}");
        }
        assert!(parse_timestamp("2023-02-29 00:00:00").is_err());
        assert_eq!(
            parse_timestamptz("2024-01-01 10:00:00+02")
                .unwrap()
                .to_string(),
            "2024-01-01 08:00:00 UTC"
        );
    }

    use super::*;

    #[test]
    fn out_of_range_dates_are_22008_and_malformed_ones_22p02() {
        assert_eq!(parse_date("2023-02-29").unwrap_err().code, "22008");
        assert_eq!(parse_timestamp("2024-13-01").unwrap_err().code, "22008");
        assert_eq!(
            parse_timestamp("2024-01-01 25:00:00").unwrap_err().code,
            "22008"
        );
        assert_eq!(parse_date("yesterday-ish").unwrap_err().code, "22P02");
        assert_eq!(parse_timestamp("2024-01-01 abc").unwrap_err().code, "22P02");
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn floats_print_as_postgres_does() {
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1.25e-5), "1.25e-05");
        assert_eq!(format_float(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(format_float(100.0), "100");
    }

    #[test]
    fn timestamptz_offsets_normalise_to_utc() {
        let parsed = parse_timestamptz("2024-01-01 12:00:00+02").unwrap();
        assert_eq!(
            Value::Timestamptz(parsed).to_text().unwrap(),
            "2024-01-01 10:00:00+00"
        );
        let parsed = parse_timestamptz("2024-01-01T12:00:00.5Z").unwrap();
        assert_eq!(
            Value::Timestamptz(parsed).to_text().unwrap(),
            "2024-01-01 12:00:00.5+00"
        );
    }

    #[test]
    fn verbose_intervals_read_as_postgres_does() {
        let parsed = Interval::parse("0 years 0 mons 1 days 2 hours 3 mins 4.0 secs").unwrap();
        assert_eq!(parsed.to_postgres(), "1 day 02:03:04");
        let parsed = Interval::parse("@ 1 year 2 mons -3 days 0.5 secs").unwrap();
        assert_eq!(
            (parsed.months, parsed.days, parsed.microseconds),
            (14, -3, 500_000)
        );
        assert!(Interval::parse("3 fortnights").is_err());
    }

    #[test]
    fn uuids_round_trip() {
        let text = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(
            format_uuid(&parse_uuid(&text.to_uppercase()).unwrap()),
            text
        );
        assert!(parse_uuid("nope").is_err());
    }

    #[test]
    fn bytea_reads_hex_and_escape() {
        assert_eq!(parse_bytea("\\x00ff").unwrap(), vec![0, 255]);
        assert_eq!(
            parse_bytea("a\\\\b\\001").unwrap(),
            vec![b'a', b'\\', b'b', 1]
        );
        assert!(parse_bytea("\\x0").is_err());
    }

    #[test]
    fn numeric_scale_rounds_and_pads() {
        assert_eq!(round_numeric("1.5", 2), "1.50");
        assert_eq!(round_numeric("3.14159", 2), "3.14");
        assert_eq!(round_numeric("2.675", 2), "2.68");
        assert_eq!(round_numeric("-9.995", 2), "-10.00");
        assert_eq!(round_numeric("7", 0), "7");
        assert_eq!(round_numeric("0.4", 0), "0");
        assert_eq!(round_numeric("-0.001", 2), "0.00");
        assert_eq!(round_numeric("NaN", 2), "NaN");
    }

    #[test]
    fn numeric_typmod_rounds_and_refuses_overflow() {
        assert_eq!(numeric_with_typmod("1.5", 10, 2).unwrap(), "1.50");
        assert_eq!(
            numeric_with_typmod("12345678.999", 10, 2).unwrap(),
            "12345679.00"
        );
        let error = numeric_with_typmod("99999999.995", 10, 2).unwrap_err();
        assert_eq!(error.code, "22003");
        assert_eq!(error.message, "numeric field overflow");
        assert_eq!(
            error.detail.as_deref(),
            Some(
                "A field with precision 10, scale 2 must round to an absolute value less than 10^8."
            )
        );
        assert_eq!(numeric_with_typmod("0.004", 2, 2).unwrap(), "0.00");
        assert!(numeric_with_typmod("1", 2, 2).is_err());
        assert_eq!(numeric_with_typmod("nan", 5, 1).unwrap(), "NaN");
    }

    #[test]
    fn numeric_input_is_checked() {
        assert_eq!(parse_numeric(" 12.50 ").unwrap(), "12.50");
        assert!(parse_numeric("12a").is_err());
        assert!(parse_numeric(".").is_err());
    }
}
