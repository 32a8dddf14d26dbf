//! Every core type round-tripped in text (simple query protocol: tokio-postgres asks binary
//! results for every extended query) and in binary (typed parameters and results), and NULLs.
//! tokio-postgres has no numeric or interval type, so those two binary codecs are here.

use std::error::Error;
use std::fmt::Debug;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Row, SimpleQueryMessage};

use crate::{Failure, Outcome, check, table};

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

/// One column of the types table: its SQL type, a literal, the text PostgreSQL prints for it,
/// the parameter sent in binary and a check of what comes back.
pub struct CoreType {
    pub column: &'static str,
    pub sql_type: &'static str,
    pub literal: &'static str,
    pub text: &'static str,
    pub value: Box<dyn ToSql + Sync>,
    pub compare: fn(&Row, usize, &(dyn ToSql + Sync)) -> Result<(), String>,
}

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

fn core_types() -> Vec<CoreType> {
    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }
    let time = NaiveTime::from_hms_micro_opt(13, 45, 1, 500_000).expect("valid time");
    let timestamp = NaiveDateTime::new(
        date(2024, 2, 29),
        NaiveTime::from_hms_micro_opt(13, 45, 1, 123_456).expect("valid"),
    );
    let timestamptz: DateTime<Utc> = NaiveDateTime::new(date(2024, 2, 29), time).and_utc();
    let json: serde_json::Value =
        serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).expect("valid JSON");
    let uuid = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").expect("valid UUID");
    macro_rules! core {
        ($column:literal, $sql:literal, $literal:expr, $text:expr, $value:expr, $rust:ty) => {
            CoreType {
                column: $column,
                sql_type: $sql,
                literal: $literal,
                text: $text,
                value: Box::new($value),
                compare: same::<$rust>,
            }
        };
    }
    vec![
        core!("c_int2", "smallint", "-32768", "-32768", -32768_i16, i16),
        core!(
            "c_int4",
            "integer",
            "2147483647",
            "2147483647",
            2_147_483_647_i32,
            i32
        ),
        core!(
            "c_int8",
            "bigint",
            "-9223372036854775808",
            "-9223372036854775808",
            i64::MIN,
            i64
        ),
        core!("c_float4", "real", "1.5", "1.5", 1.5_f32, f32),
        core!(
            "c_float8",
            "double precision",
            "3.141592653589793",
            "3.141592653589793",
            std::f64::consts::PI,
            f64
        ),
        core!(
            "c_numeric",
            "numeric(14,4)",
            "12345678.1234",
            "12345678.1234",
            Numeric("12345678.1234".to_string()),
            Numeric
        ),
        core!("c_bool", "boolean", "true", "t", true, bool),
        core!(
            "c_text",
            "text",
            "'héllo ''wörld'' ✓'",
            "héllo 'wörld' ✓",
            "héllo 'wörld' ✓".to_string(),
            String
        ),
        core!(
            "c_varchar",
            "varchar(20)",
            "'abc'",
            "abc",
            "abc".to_string(),
            String
        ),
        core!(
            "c_bytea",
            "bytea",
            r"'\xdeadbeef00'",
            r"\xdeadbeef00",
            vec![0xde_u8, 0xad, 0xbe, 0xef, 0x00],
            Vec<u8>
        ),
        core!(
            "c_date",
            "date",
            "'2024-02-29'",
            "2024-02-29",
            date(2024, 2, 29),
            NaiveDate
        ),
        core!(
            "c_time",
            "time",
            "'13:45:01.5'",
            "13:45:01.5",
            time,
            NaiveTime
        ),
        core!(
            "c_timestamp",
            "timestamp",
            "'2024-02-29 13:45:01.123456'",
            "2024-02-29 13:45:01.123456",
            timestamp,
            NaiveDateTime
        ),
        core!(
            "c_timestamptz",
            "timestamptz",
            "'2024-02-29 13:45:01.5+00'",
            "2024-02-29 13:45:01.5+00",
            timestamptz,
            DateTime<Utc>
        ),
        core!(
            "c_interval",
            "interval",
            "'1 day 02:03:04'",
            "1 day 02:03:04",
            Interval {
                months: 0,
                days: 1,
                microseconds: (2 * 3600 + 3 * 60 + 4) * 1_000_000
            },
            Interval
        ),
        core!(
            "c_uuid",
            "uuid",
            "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            uuid,
            uuid::Uuid
        ),
        core!(
            "c_json",
            "json",
            r#"'{"b": 1, "a": [1, 2]}'"#,
            r#"{"b": 1, "a": [1, 2]}"#,
            json.clone(),
            serde_json::Value
        ),
        core!(
            "c_jsonb",
            "jsonb",
            r#"'{"b": 1, "a": [1, 2]}'"#,
            r#"{"a": [1, 2], "b": 1}"#,
            json,
            serde_json::Value
        ),
    ]
}

/// `c_int2 smallint, c_int4 integer, ...` for CREATE TABLE.
pub fn column_definitions() -> String {
    core_types()
        .iter()
        .map(|t| format!("{} {}", t.column, t.sql_type))
        .collect::<Vec<_>>()
        .join(", ")
}

fn column_list(types: &[CoreType]) -> String {
    types
        .iter()
        .map(|t| t.column)
        .collect::<Vec<_>>()
        .join(", ")
}

fn select(types: &[CoreType]) -> String {
    format!(
        "SELECT {} FROM {} WHERE id = $1",
        column_list(types),
        table("types")
    )
}

fn insert(types: &[CoreType]) -> String {
    let placeholders: Vec<String> = (2..=types.len() + 1).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO {} (id, {}) VALUES ($1, {})",
        table("types"),
        column_list(types),
        placeholders.join(", ")
    )
}

fn verdict(failures: Vec<String>) -> Outcome {
    check(failures.is_empty(), || failures.join("; "))
}

/// Inserts every type as a literal and reads it back as text through the simple query protocol.
pub async fn text(client: &Client) -> Outcome {
    let types = core_types();
    let literals: Vec<&str> = types.iter().map(|t| t.literal).collect();
    client.batch_execute("SET TimeZone = 'UTC'").await?;
    client
        .batch_execute(&format!(
            "INSERT INTO {} (id, {}) VALUES (1, {})",
            table("types"),
            column_list(&types),
            literals.join(", ")
        ))
        .await?;
    let messages = client
        .simple_query(&select(&types).replace("$1", "1"))
        .await?;
    let Some(row) = messages.iter().find_map(|m| {
        if let SimpleQueryMessage::Row(row) = m {
            Some(row)
        } else {
            None
        }
    }) else {
        return Err(Failure::Failed("no row".to_string()));
    };
    let mut failures = Vec::new();
    for (index, core) in types.iter().enumerate() {
        let got = row.try_get(index)?;
        if got != Some(core.text) {
            failures.push(format!(
                "{} ({}): got {got:?} want {:?}",
                core.column, core.sql_type, core.text
            ));
        }
    }
    verdict(failures)
}

/// Sends every type as a binary parameter and reads it back in binary with its Rust type.
pub async fn binary(client: &Client) -> Outcome {
    let types = core_types();
    let mut parameters: Vec<&(dyn ToSql + Sync)> = vec![&2_i32];
    parameters.extend(types.iter().map(|t| t.value.as_ref()));
    let inserted = client.execute(&insert(&types), &parameters).await?;
    check(inserted == 1, || format!("insert reported {inserted} rows"))?;
    let row = client.query_one(&select(&types), &[&2_i32]).await?;
    let failures = types
        .iter()
        .enumerate()
        .filter_map(|(index, core)| {
            (core.compare)(&row, index, core.value.as_ref())
                .err()
                .map(|problem| format!("{} ({}): {problem}", core.column, core.sql_type))
        })
        .collect();
    verdict(failures)
}

/// NULL parameters of every type, read back as NULL.
pub async fn nulls(client: &Client) -> Outcome {
    let types = core_types();
    let mut parameters: Vec<&(dyn ToSql + Sync)> = vec![&3_i32];
    parameters.extend(types.iter().map(|_| &Null as &(dyn ToSql + Sync)));
    client.execute(&insert(&types), &parameters).await?;
    let row = client.query_one(&select(&types), &[&3_i32]).await?;
    let mut failures = Vec::new();
    for (index, core) in types.iter().enumerate() {
        if row.try_get::<_, Option<Raw>>(index)?.is_some() {
            failures.push(format!("{}: not NULL", core.column));
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
    let count: i64 = client
        .query_one(
            &format!(
                "SELECT count(*) FROM {} WHERE c_int4 IS NULL",
                table("types")
            ),
            &[],
        )
        .await?
        .try_get(0)?;
    if count != 1 {
        failures.push(format!("count of NULL c_int4 rows is {count}, want 1"));
    }
    verdict(failures)
}
