//! Interval arithmetic on SQLite against the real PostgreSQL of the machine (the oracle, see
//! tests/common/oracle.rs): the same table and the same statements on both, compared as text.
//! The session time zone is UTC on both sides, as pgbridge always answers in UTC.

mod common;

use common::TestServer;
use common::oracle::{OracleDatabase, differences, rows};

const SCHEMA: &str = "SET TimeZone = 'UTC';
    CREATE TABLE events (id int PRIMARY KEY, at timestamp, atz timestamptz, day date, took interval);
    INSERT INTO events VALUES
        (1, '2024-01-31 10:00:00', '2024-01-31 10:00:00+00', '2024-01-31', '1 day 02:30:00'),
        (2, '2024-02-29 23:59:59.5', '2024-03-01 00:00:00+00', '2024-02-29', '90 minutes'),
        (3, NULL, NULL, NULL, NULL)";

const QUERIES: &[&str] = &[
    "SELECT id, at + interval '1 month' FROM events ORDER BY id",
    "SELECT id, at - interval '1 mon 1 day 02:30:00' FROM events ORDER BY id",
    "SELECT id, atz + interval '36 hours' FROM events ORDER BY id",
    "SELECT id, day + interval '1 day' FROM events ORDER BY id",
    "SELECT id, interval '2 hours' + at FROM events ORDER BY id",
    "SELECT id, at + took FROM events ORDER BY id",
    "SELECT id, atz - at::timestamptz FROM events ORDER BY id",
    "SELECT id, at - timestamp '2024-01-01' FROM events ORDER BY id",
    "SELECT id, took + interval '1 hour', took - interval '2 days' FROM events ORDER BY id",
    "SELECT id FROM events WHERE atz > timestamptz '2024-03-02 00:00:00+00' - interval '1 day' ORDER BY id",
    "SELECT '1.5 days'::interval, interval '3' hour, '2 weeks ago'::interval, '@ 1 hour'::interval",
    "SELECT interval '1 year 2 mons 3 days 04:05:06.5'",
    "SELECT id FROM events WHERE took > interval '2 hours' ORDER BY id",
    "SELECT id FROM events WHERE took < '10 hours' ORDER BY id",
    "SELECT id FROM events WHERE took = '1 hour 30 minutes' ORDER BY id",
    "SELECT interval '1 mon' = interval '30 days', interval '1 day' < interval '25 hours'",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_arithmetic_answers_as_postgresql() {
    let server = TestServer::start().await;
    let pgbridge = server.client().await;
    let oracle = OracleDatabase::create().await;
    for client in [&oracle.client, &pgbridge] {
        client.batch_execute(SCHEMA).await.unwrap();
    }
    let found = differences(&oracle.client, &pgbridge, QUERIES).await;
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[tokio::test]
async fn now_minus_an_interval_filters_recent_rows() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE logins (id int, at timestamptz);
             INSERT INTO logins VALUES (1, now() - interval '10 days'), (2, now() - interval '1 hour')",
        )
        .await
        .unwrap();
    let recent = rows(
        &client,
        "SELECT id FROM logins WHERE at > now() - interval '7 days' ORDER BY id",
    )
    .await
    .unwrap();
    assert_eq!(recent, vec![vec!["2".to_owned()]]);
    let error = client
        .simple_query("SELECT 'soon'::interval")
        .await
        .unwrap_err();
    assert_eq!(common::sqlstate(&error), "22P02");
}
