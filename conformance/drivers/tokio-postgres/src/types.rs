//! Every core type round-tripped in text (simple query protocol: tokio-postgres asks binary
//! results for every extended query) and in binary (typed parameters and results), and NULLs.
//! tokio-postgres has no numeric or interval type, so those two binary codecs are here.

use std::error::Error;
use std::fmt::Debug;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Row, SimpleQueryMessage};

use crate::scenario::{COLUMNS, insert_literals, insert_parameters, select_row};
use crate::{Failure, Outcome, check};

type BoxedError = Box<dyn Error + Sync + Send>;

/// A numeric as its decimal text (with PostgreSQL's display scale), in binary on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric(pub String);

impl<'a> FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxedError> {
        let bytes = |index: usize| -> Result<[u8; 2], BoxedError> {
            let pair = raw
                .get(index * 2..index * 2 + 2)
                .ok_or("numeric value too short")?;
            Ok([pair[0], pair[1]])
        };
        let word = |index: usize| bytes(index).map(i16::from_be_bytes);
        let (count, weight) = (word(0)?, word(1)?);
        let (sign, scale) = (
            u16::from_be_bytes(bytes(2)?),
            usize::from(u16::from_be_bytes(bytes(3)?)),
        );
        if sign == 0xC000 {
            return Ok(Numeric("NaN".to_string()));
        }
        let digit = |position: i32| -> Result<i16, BoxedError> {
            match usize::try_from(position) {
                Ok(index) if position < i32::from(count) => word(4 + index),
                _ => Ok(0),
            }
        };
        let mut text = String::new();
        if sign == 0x4000 {
            text.push('-');
        }
        if weight < 0 {
            text.push('0');
        }
        for position in 0..=i32::from(weight) {
            let value = digit(position)?;
            text.push_str(&if position == 0 {
                value.to_string()
            } else {
                format!("{value:04}")
            });
        }
        if scale > 0 {
            let mut fraction = String::new();
            let mut position = i32::from(weight) + 1;
            while fraction.len() < scale {
                fraction.push_str(&format!("{:04}", digit(position)?));
                position += 1;
            }
            fraction.truncate(scale);
            text.push('.');
            text.push_str(&fraction);
        }
        Ok(Numeric(text))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

impl ToSql for Numeric {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxedError> {
        let (negative, unsigned) = match self.0.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, self.0.as_str()),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let whole = whole.trim_start_matches('0');
        let padded_whole = format!("{}{whole}", "0".repeat((4 - whole.len() % 4) % 4));
        let padded_fraction = format!("{fraction}{}", "0".repeat((4 - fraction.len() % 4) % 4));
        let mut groups: Vec<i16> = Vec::new();
        for chunk in padded_whole
            .as_bytes()
            .chunks(4)
            .chain(padded_fraction.as_bytes().chunks(4))
        {
            groups.push(std::str::from_utf8(chunk)?.parse()?);
        }
        let mut weight = i16::try_from(padded_whole.len() / 4)? - 1;
        while groups.first() == Some(&0) {
            groups.remove(0);
            weight -= 1;
        }
        while groups.last() == Some(&0) {
            groups.pop();
        }
        if groups.is_empty() {
            weight = 0;
        }
        out.put_i16(i16::try_from(groups.len())?);
        out.put_i16(weight);
        out.put_u16(if negative { 0x4000 } else { 0 });
        out.put_u16(u16::try_from(fraction.len())?);
        for group in groups {
            out.put_i16(group);
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }

    to_sql_checked!();
}

/// An interval in PostgreSQL's binary layout: microseconds, days, months.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub microseconds: i64,
}

impl<'a> FromSql<'a> for Interval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxedError> {
        let raw: [u8; 16] = raw.try_into()?;
        Ok(Interval {
            microseconds: i64::from_be_bytes(raw[0..8].try_into()?),
            days: i32::from_be_bytes(raw[8..12].try_into()?),
            months: i32::from_be_bytes(raw[12..16].try_into()?),
        })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl ToSql for Interval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxedError> {
        out.put_i64(self.microseconds);
        out.put_i32(self.days);
        out.put_i32(self.months);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }

    to_sql_checked!();
}

/// A NULL parameter of whatever type the server describes.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxedError> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Any value, not decoded: reading `Option<Raw>` tells NULL from not NULL for any type.
struct Raw;

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, _: &'a [u8]) -> Result<Self, BoxedError> {
        Ok(Raw)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Reads column `index` as one Rust type and compares it with the parameter that was sent.
type Comparer = fn(&Row, usize, &(dyn ToSql + Sync)) -> Result<(), String>;

/// Reads column `index` as `T` and compares it with the parameter that was sent (`Debug` forms
/// of equal values of one Rust type are equal, so they serve as the comparison).
fn same<T>(row: &Row, index: usize, sent: &(dyn ToSql + Sync)) -> Result<(), String>
where
    T: for<'a> FromSql<'a> + Debug,
{
    let got: T = row.try_get(index).map_err(|error| error.to_string())?;
    let (got, want) = (format!("{got:?}"), format!("{sent:?}"));
    if got == want {
        Ok(())
    } else {
        Err(format!("got {got} want {want}"))
    }
}

/// The binary value of each of [`COLUMNS`], in order, with the Rust type it is read back as.
fn values() -> Vec<(Box<dyn ToSql + Sync>, Comparer)> {
    macro_rules! value {
        ($value:expr, $rust:ty) => {
            (
                Box::new($value) as Box<dyn ToSql + Sync>,
                same::<$rust> as Comparer,
            )
        };
    }
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid date");
    let time = NaiveTime::from_hms_micro_opt(13, 45, 1, 500_000).expect("valid time");
    let micros = NaiveTime::from_hms_micro_opt(13, 45, 1, 123_456).expect("valid time");
    let json: serde_json::Value =
        serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).expect("valid JSON");
    let uuid = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").expect("valid UUID");
    let interval = Interval {
        months: 0,
        days: 1,
        microseconds: (2 * 3600 + 3 * 60 + 4) * 1_000_000,
    };
    vec![
        value!(-32768_i16, i16),
        value!(2_147_483_647_i32, i32),
        value!(i64::MIN, i64),
        value!(1.5_f32, f32),
        value!(std::f64::consts::PI, f64),
        value!(Numeric("12345678.1234".to_string()), Numeric),
        value!(true, bool),
        value!("héllo 'wörld' ✓".to_string(), String),
        value!("abc".to_string(), String),
        value!(vec![0xde_u8, 0xad, 0xbe, 0xef, 0x00], Vec<u8>),
        value!(date, NaiveDate),
        value!(time, NaiveTime),
        value!(NaiveDateTime::new(date, micros), NaiveDateTime),
        value!(NaiveDateTime::new(date, time).and_utc(), DateTime<Utc>),
        value!(interval, Interval),
        value!(uuid, uuid::Uuid),
        value!(json.clone(), serde_json::Value),
        value!(json, serde_json::Value),
    ]
}

fn verdict(failures: Vec<String>) -> Outcome {
    check(failures.is_empty(), || failures.join("; "))
}

/// Inserts every type as a literal and reads it back as text through the simple query protocol.
pub async fn text(client: &Client) -> Outcome {
    client.batch_execute("SET TimeZone = 'UTC'").await?;
    client.batch_execute(&insert_literals()).await?;
    let messages = client.simple_query(&select_row(1)).await?;
    let Some(row) = messages.iter().find_map(|message| match message {
        SimpleQueryMessage::Row(row) => Some(row),
        _ => None,
    }) else {
        return Err(Failure::Failed("no row".to_string()));
    };
    let mut failures = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        let got = row.try_get(index)?;
        if got != Some(column.text) {
            failures.push(format!(
                "{} ({}): got {got:?} want {:?}",
                column.column, column.sql_type, column.text
            ));
        }
    }
    verdict(failures)
}

/// Sends every type as a binary parameter and reads it back in binary with its Rust type.
pub async fn binary(client: &Client) -> Outcome {
    let values = values();
    let mut parameters: Vec<&(dyn ToSql + Sync)> = vec![&2_i32];
    parameters.extend(values.iter().map(|(value, _)| value.as_ref()));
    let inserted = client.execute(&insert_parameters(), &parameters).await?;
    check(inserted == 1, || format!("insert reported {inserted} rows"))?;
    let row = client.query_one(&select_row(2), &[]).await?;
    let failures = COLUMNS
        .iter()
        .zip(&values)
        .enumerate()
        .filter_map(|(index, (column, (value, compare)))| {
            compare(&row, index, value.as_ref())
                .err()
                .map(|problem| format!("{} ({}): {problem}", column.column, column.sql_type))
        })
        .collect();
    verdict(failures)
}

/// NULL parameters of every type, read back as NULL.
pub async fn nulls(client: &Client) -> Outcome {
    let mut parameters: Vec<&(dyn ToSql + Sync)> = vec![&3_i32];
    parameters.extend(COLUMNS.iter().map(|_| &Null as &(dyn ToSql + Sync)));
    client.execute(&insert_parameters(), &parameters).await?;
    let row = client.query_one(&select_row(3), &[]).await?;
    let mut failures = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        if row.try_get::<_, Option<Raw>>(index)?.is_some() {
            failures.push(format!("{}: not NULL", column.column));
        }
    }
    let row = client
        .query_one("SELECT $1::integer IS NULL, NULL::text", &[&None::<i32>])
        .await?;
    let (is_null, text): (bool, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    if !is_null || text.is_some() {
        failures.push(format!(
            "SELECT $1::integer IS NULL, NULL::text gave {is_null}, {text:?}"
        ));
    }
    verdict(failures)
}
