//! Every core type of [`COLUMNS`] round-tripped in text (`raw_sql`: the simple query protocol, text results) and
//! in binary (`query().bind()`: sqlx names each parameter's type in Parse and reads binary
//! results), and NULLs.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::types::PgInterval;
use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Postgres, Row, ValueRef};

use crate::scenario::{COLUMNS, insert_literals, insert_parameters, select_row};
use crate::{Failure, Outcome, check, execute};

type PgQuery = Query<'static, Postgres, PgArguments>;
/// Adds one parameter to the INSERT.
type Binder = Box<dyn Fn(PgQuery) -> PgQuery>;
/// Reads column `index` of the row and compares it with what was sent.
type Comparer = Box<dyn Fn(&PgRow, usize) -> Result<(), String>>;

/// The parameter of one column of [`COLUMNS`] (or a NULL of its type) and a check of what comes
/// back.
pub struct Value {
    bind: Binder,
    bind_null: Binder,
    compare: Comparer,
}

/// Builds a [`Value`] of one Rust type. `Debug` forms of equal values of one Rust type are equal
/// (a decimal keeps its scale in them), so they serve as the comparison.
macro_rules! value {
    ($value:expr, $rust:ty) => {{
        let value: $rust = $value;
        let bound = value.clone();
        Value {
            bind: Box::new(move |query| query.bind(bound.clone())),
            bind_null: Box::new(|query| query.bind(None::<$rust>)),
            compare: Box::new(move |row, index| {
                let got: $rust = row.try_get(index).map_err(|error| error.to_string())?;
                let (got, want) = (format!("{got:?}"), format!("{value:?}"));
                if got == want {
                    Ok(())
                } else {
                    Err(format!("got {got} want {want}"))
                }
            }),
        }
    }};
}

/// The binary value of each of [`COLUMNS`], in order.
fn values() -> Vec<Value> {
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid date");
    let time = NaiveTime::from_hms_micro_opt(13, 45, 1, 500_000).expect("valid time");
    let micros = NaiveTime::from_hms_micro_opt(13, 45, 1, 123_456).expect("valid time");
    let json: serde_json::Value =
        serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).expect("valid JSON");
    let uuid = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").expect("valid UUID");
    let decimal: Decimal = "12345678.1234".parse().expect("valid decimal");
    let interval = PgInterval {
        months: 0,
        days: 1,
        microseconds: (2 * 3600 + 3 * 60 + 4) * 1_000_000,
    };
    vec![
        value!(-32768, i16),
        value!(2_147_483_647, i32),
        value!(i64::MIN, i64),
        value!(1.5, f32),
        value!(std::f64::consts::PI, f64),
        value!(decimal, Decimal),
        value!(true, bool),
        value!("héllo 'wörld' ✓".to_string(), String),
        value!("abc".to_string(), String),
        value!(vec![0xde, 0xad, 0xbe, 0xef, 0x00], Vec<u8>),
        value!(date, NaiveDate),
        value!(time, NaiveTime),
        value!(NaiveDateTime::new(date, micros), NaiveDateTime),
        value!(NaiveDateTime::new(date, time).and_utc(), DateTime<Utc>),
        value!(interval, PgInterval),
        value!(uuid, uuid::Uuid),
        value!(json.clone(), serde_json::Value),
        value!(json, serde_json::Value),
    ]
}

fn verdict(failures: Vec<String>) -> Outcome {
    check(failures.is_empty(), || failures.join("; "))
}

/// Inserts every type as a literal and reads it back as text through the simple protocol.
pub async fn text(connection: &mut PgConnection) -> Outcome {
    execute(connection, "SET TimeZone = 'UTC'".to_string()).await?;
    execute(connection, insert_literals()).await?;
    let rows = sqlx::raw_sql(AssertSqlSafe(select_row(1)))
        .fetch_all(&mut *connection)
        .await?;
    let Some(row) = rows.first() else {
        return Err(Failure::Failed("no row".to_string()));
    };
    let mut failures = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        let value = row.try_get_raw(index)?;
        let got = value
            .as_str()
            .map_err(|error| Failure::Failed(error.to_string()))?;
        if got != column.text {
            failures.push(format!(
                "{} ({}): got {got:?} want {:?}",
                column.column, column.sql_type, column.text
            ));
        }
    }
    verdict(failures)
}

/// Binds every type as a typed parameter and reads it back in binary with its Rust type.
pub async fn binary(connection: &mut PgConnection) -> Outcome {
    let values = values();
    let insert = sqlx::query(AssertSqlSafe(insert_parameters())).bind(2_i32);
    let query = values
        .iter()
        .fold(insert, |query, value| (value.bind)(query));
    let inserted = query.execute(&mut *connection).await?.rows_affected();
    check(inserted == 1, || format!("insert reported {inserted} rows"))?;
    let row = sqlx::query(AssertSqlSafe(select_row(2)))
        .fetch_one(&mut *connection)
        .await?;
    let failures = COLUMNS
        .iter()
        .zip(&values)
        .enumerate()
        .filter_map(|(index, (column, value))| {
            (value.compare)(&row, index)
                .err()
                .map(|problem| format!("{} ({}): {problem}", column.column, column.sql_type))
        })
        .collect();
    verdict(failures)
}

/// A NULL of every type as a parameter, read back as NULL.
pub async fn nulls(connection: &mut PgConnection) -> Outcome {
    let insert = sqlx::query(AssertSqlSafe(insert_parameters())).bind(3_i32);
    let query = values()
        .iter()
        .fold(insert, |query, value| (value.bind_null)(query));
    query.execute(&mut *connection).await?;
    let row = sqlx::query(AssertSqlSafe(select_row(3)))
        .fetch_one(&mut *connection)
        .await?;
    let mut failures = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        if !row.try_get_raw(index)?.is_null() {
            failures.push(format!("{}: not NULL", column.column));
        }
    }
    let row = sqlx::query("SELECT $1::integer IS NULL, NULL::text")
        .bind(None::<i32>)
        .fetch_one(&mut *connection)
        .await?;
    let (is_null, text): (bool, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    if !is_null || text.is_some() {
        failures.push(format!(
            "SELECT $1::integer IS NULL, NULL::text gave {is_null}, {text:?}"
        ));
    }
    verdict(failures)
}
