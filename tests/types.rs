//! Every core type round-tripped through pgbridge in text (simple query) and binary
//! (extended query, tokio-postgres asks for binary results and sends binary parameters).

mod common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use common::TestServer;
use tokio_postgres::SimpleQueryMessage;

const CREATE: &str = "CREATE TABLE every_type (
    id BIGSERIAL PRIMARY KEY, b BOOLEAN, i2 SMALLINT, i4 INTEGER, i8 BIGINT, f4 REAL,
    f8 DOUBLE PRECISION, n NUMERIC(12, 3), t TEXT, v VARCHAR(20), c CHAR(3), by BYTEA, d DATE,
    tm TIME, ts TIMESTAMP, tz TIMESTAMPTZ, iv INTERVAL, u UUID, j JSON, jb JSONB)";

#[tokio::test]
async fn binary_parameters_and_results_round_trip() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(CREATE).await.unwrap();
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let time = NaiveTime::from_hms_micro_opt(13, 45, 10, 250_000).unwrap();
    let timestamp = NaiveDateTime::new(date, time);
    let instant: DateTime<Utc> = timestamp.and_utc();
    let uuid = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap();
    let json = serde_json::json!({"a": [1, 2, {"b": null}]});
    client
        .execute(
            "INSERT INTO every_type (b, i2, i4, i8, f4, f8, t, v, c, by, d, tm, ts, tz, u, j, jb)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            &[
                &true,
                &-32768i16,
                &2_147_483_647i32,
                &-9_000_000_000_000i64,
                &1.5f32,
                &-2.25e-10f64,
                &"héllo 'quoted'",
                &"var",
                &"abc",
                &vec![0u8, 1, 255],
                &date,
                &time,
                &timestamp,
                &instant,
                &uuid,
                &json,
                &json,
            ],
        )
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT b, i2, i4, i8, f4, f8, t, v, c, by, d, tm, ts, tz, u, j, jb FROM every_type",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    assert_eq!(row.get::<_, i16>(1), -32768);
    assert_eq!(row.get::<_, i32>(2), 2_147_483_647);
    assert_eq!(row.get::<_, i64>(3), -9_000_000_000_000);
    assert_eq!(row.get::<_, f32>(4), 1.5);
    assert_eq!(row.get::<_, f64>(5), -2.25e-10);
    assert_eq!(row.get::<_, String>(6), "héllo 'quoted'");
    assert_eq!(row.get::<_, String>(7), "var");
    assert_eq!(row.get::<_, String>(8), "abc");
    assert_eq!(row.get::<_, Vec<u8>>(9), vec![0u8, 1, 255]);
    assert_eq!(row.get::<_, NaiveDate>(10), date);
    assert_eq!(row.get::<_, NaiveTime>(11), time);
    assert_eq!(row.get::<_, NaiveDateTime>(12), timestamp);
    assert_eq!(row.get::<_, DateTime<Utc>>(13), instant);
    assert_eq!(row.get::<_, uuid::Uuid>(14), uuid);
    assert_eq!(row.get::<_, serde_json::Value>(15), json);
    assert_eq!(row.get::<_, serde_json::Value>(16), json);
    // The described column types are PostgreSQL's.
    let statement = client
        .prepare("SELECT b, i2, n, tz, u, count(*) FROM every_type GROUP BY b, i2, n, tz, u")
        .await
        .unwrap();
    let types: Vec<&str> = statement
        .columns()
        .iter()
        .map(|c| c.type_().name())
        .collect();
    assert_eq!(
        types,
        ["bool", "int2", "numeric", "timestamptz", "uuid", "int8"]
    );
}

#[tokio::test]
async fn nulls_of_every_type_round_trip() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(CREATE).await.unwrap();
    client
        .execute("INSERT INTO every_type (b) VALUES ($1)", &[&None::<bool>])
        .await
        .unwrap();
    let row = client
        .query_one("SELECT * FROM every_type", &[])
        .await
        .unwrap();
    for i in 1..row.len() {
        let column = &row.columns()[i];
        let is_null = match column.type_().name() {
            "bool" => row.get::<_, Option<bool>>(i).is_none(),
            "int2" => row.get::<_, Option<i16>>(i).is_none(),
            "int4" => row.get::<_, Option<i32>>(i).is_none(),
            "int8" => row.get::<_, Option<i64>>(i).is_none(),
            "float4" => row.get::<_, Option<f32>>(i).is_none(),
            "float8" => row.get::<_, Option<f64>>(i).is_none(),
            "bytea" => row.get::<_, Option<Vec<u8>>>(i).is_none(),
            "date" => row.get::<_, Option<NaiveDate>>(i).is_none(),
            "time" => row.get::<_, Option<NaiveTime>>(i).is_none(),
            "timestamp" => row.get::<_, Option<NaiveDateTime>>(i).is_none(),
            "timestamptz" => row.get::<_, Option<DateTime<Utc>>>(i).is_none(),
            "uuid" => row.get::<_, Option<uuid::Uuid>>(i).is_none(),
            "json" | "jsonb" => row.get::<_, Option<serde_json::Value>>(i).is_none(),
            "numeric" | "interval" => true,
            _ => row.get::<_, Option<String>>(i).is_none(),
        };
        assert!(
            is_null,
            "column {} ({}) should be NULL",
            column.name(),
            column.type_().name()
        );
    }
}

async fn text_values(client: &tokio_postgres::Client, sql: &str) -> Vec<Option<String>> {
    let messages = client.simple_query(sql).await.unwrap();
    let row = messages
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })
        .expect("a row");
    (0..row.len())
        .map(|i| row.get(i).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn text_format_matches_postgres_output() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(CREATE).await.unwrap();
    client
        .batch_execute(
            "INSERT INTO every_type (b, i2, i4, i8, f4, f8, n, t, by, d, tm, ts, tz, iv, u, jb) VALUES
             (false, 1, 2, 3, 0.1, 1e20, 12.5, 'x', '\\xdeadbeef', '2024-01-31', '08:00:00.5',
              '2024-01-31 08:00:00', '2024-01-31 10:00:00+02', '1 day 02:00:00',
              'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{\"k\": 1}')",
        )
        .await
        .unwrap();
    let values = text_values(
        &client,
        "SELECT b, i2, i4, i8, f4, f8, t, by, d, tm, ts, tz, iv, u, jb, c FROM every_type",
    )
    .await;
    let expected = [
        Some("f"),
        Some("1"),
        Some("2"),
        Some("3"),
        Some("0.1"),
        Some("1e+20"),
        Some("x"),
        Some("\\xdeadbeef"),
        Some("2024-01-31"),
        Some("08:00:00.5"),
        Some("2024-01-31 08:00:00"),
        Some("2024-01-31 08:00:00+00"),
        Some("1 day 02:00:00"),
        Some("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        Some("{\"k\": 1}"),
        None,
    ];
    let expected: Vec<Option<String>> = expected.iter().map(|v| v.map(str::to_owned)).collect();
    assert_eq!(values, expected);
}

#[tokio::test]
async fn expressions_get_postgres_types_and_semantics() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let row = client
        .query_one(
            "SELECT 7 / 2, 7.0 / 2, -7 % 3, 'a' || NULL, 1.5::int, '2.5'::float8, 'yes'::boolean",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 3);
    assert_eq!(row.get::<_, Option<String>>(3), None);
    assert_eq!(row.get::<_, i32>(2), -1);
    assert_eq!(row.get::<_, i32>(4), 2);
    assert_eq!(row.get::<_, f64>(5), 2.5);
    assert!(row.get::<_, bool>(6));
    let values = text_values(&client, "SELECT 7.0 / 2").await;
    assert_eq!(
        values[0].as_deref().map(|v| v.starts_with("3.5")),
        Some(true)
    );
}

#[tokio::test]
async fn jsonb_is_shown_in_its_canonical_form() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            r#"CREATE TABLE docs (id int, body jsonb, raw json);
               INSERT INTO docs VALUES (1, '{"b": 1, "a": [1,2], "b": 3}', '{"b": 1, "a": [1,2]}')"#,
        )
        .await
        .unwrap();
    let row = client
        .query_one("SELECT body::text, raw::text FROM docs", &[])
        .await
        .unwrap();
    // jsonb: keys by length then bytes, the last duplicate kept, PostgreSQL's spacing; json:
    // the text as written.
    assert_eq!(row.get::<_, String>(0), r#"{"a": [1, 2], "b": 3}"#);
    assert_eq!(row.get::<_, String>(1), r#"{"b": 1, "a": [1,2]}"#);
    let error = client
        .query_one("SELECT '{oops'::jsonb", &[])
        .await
        .unwrap_err();
    assert_eq!(common::sqlstate(&error), "22P02");
}

#[tokio::test]
async fn char_columns_compare_without_trailing_blanks() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE codes (c CHAR(5) PRIMARY KEY, n int);
             INSERT INTO codes VALUES ('ab', 1), ('abc  ', 2)",
        )
        .await
        .unwrap();
    for (probe, expected) in [("ab", 1), ("ab   ", 1), ("abc", 2), ("abc ", 2)] {
        let row = client
            .query_one("SELECT n, c FROM codes WHERE c = $1", &[&probe])
            .await
            .unwrap();
        assert_eq!(row.get::<_, i32>(0), expected, "{probe:?}");
        assert_eq!(row.get::<_, String>(1).len(), 5);
    }
    // As in PostgreSQL, 'ab' and 'ab  ' are the same key.
    let error = client
        .execute("INSERT INTO codes VALUES ('ab  ', 3)", &[])
        .await
        .unwrap_err();
    assert_eq!(common::sqlstate(&error), "23505");
}

#[tokio::test]
async fn numerics_sqlite_cannot_hold_exactly_are_refused() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE amounts (n numeric(40, 9))")
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO amounts VALUES ($1::text::numeric)",
            &[&"1234.5"],
        )
        .await
        .unwrap();
    let error = client
        .execute(
            "INSERT INTO amounts VALUES ($1::text::numeric)",
            &[&"12345678901234567890.123456789"],
        )
        .await
        .unwrap_err();
    assert_eq!(common::sqlstate(&error), "22003");
    let message = error.as_db_error().map(|e| e.message().to_owned());
    assert!(
        message.is_some_and(|m| m.contains("12345678901234567890.123456789")),
        "{error:?}"
    );
    let values = text_values(&client, "SELECT n FROM amounts").await;
    assert_eq!(values, vec![Some("1234.500000000".to_owned())]);
}
