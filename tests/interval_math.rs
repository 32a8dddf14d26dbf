//! Interval arithmetic on SQLite against the real PostgreSQL of the machine (the oracle, see
//! tests/common/oracle.rs): `interval * number`, `interval / number`, `age`, `justify_*`,
//! `EXTRACT` from intervals, `generate_series` over dates and timestamps (one step added at a
//! time, so a month from January 31 lands on February 29, then March 29), time input, the
//! `make_date` / `make_time` / `make_timestamp[tz]` constructors,
//! with interval columns, literals and parameters. SQLite keeps intervals as PostgreSQL's text
//! and pgbridge computes them (`pgbridge_proxy::interval_math`); the answers are compared as
//! text, and errors by SQLSTATE, in UTC on both sides.

mod common;

use common::TestServer;
use common::oracle::{
    OracleDatabase, binary_rows, both_with_schema, differences, error_differences,
};
use tokio_postgres::Client;

const SCHEMA: &str = "SET TimeZone = 'UTC';
    CREATE TABLE shifts (id int PRIMARY KEY, length interval, started timestamp,
                         ended timestamptz, born date, factor float8, parts int);
    INSERT INTO shifts VALUES
        (1, '8 hours', '2024-01-31 09:00:00', '2024-03-01 17:30:00+00', '1957-06-13', 1.5, 3),
        (2, '1 mon 2 days 03:04:05', '2023-12-31 23:59:59.5', '2024-02-29 00:00:00+00',
            '2000-02-29', 0.25, 7),
        (3, '-1 day 02:00:00', '2024-02-29 12:00:00', '2023-01-01 00:00:00+00', '2024-02-29',
            -2, 1),
        (4, NULL, NULL, NULL, NULL, NULL, NULL)";

const QUERIES: &[&str] = &[
    "SELECT id, length * 2, 2 * length, length * factor, length / parts, length / factor
     FROM shifts ORDER BY id",
    "SELECT interval '1 mon' * 1.5, interval '1 day' * 0.3, interval '1 mon' / 7,
            interval '27 hours' * 3, interval '1 year 2 mons' * -0.5, 3 * interval '20 minutes'",
    "SELECT id, justify_hours(length * 5), justify_days(length * 20),
            justify_interval(length * 20), justify_interval(length - interval '40 days')
     FROM shifts ORDER BY id",
    "SELECT justify_hours(interval '50 hours'), justify_days(interval '-65 days'),
            justify_interval(interval '1 mon -1 hour'), justify_interval(interval '-1 mon 35 days')",
    "SELECT id, age(ended, started), age(started, ended), age(started::timestamp, born),
            age(timestamp '2024-03-31', timestamp '2024-02-29 12:00:00')
     FROM shifts ORDER BY id",
    "SELECT age(timestamp '2001-04-10', timestamp '1957-06-13'),
            age(timestamp '1957-06-13', timestamp '2001-04-10'),
            age(timestamptz '2024-03-01 00:00:00+00', timestamptz '2024-01-31 12:30:00+00')",
    "SELECT id FROM shifts WHERE length * 3 > interval '1 day' ORDER BY id",
    "SELECT id, started + length * 2, ended - length / 2 FROM shifts ORDER BY id",
    "SELECT (age(timestamp '2024-01-01') > interval '0 seconds')::text",
    "SELECT id, EXTRACT(EPOCH FROM length), EXTRACT(HOUR FROM length), EXTRACT(MINUTE FROM length),
            EXTRACT(SECOND FROM length), EXTRACT(DAY FROM length), EXTRACT(MONTH FROM length)
     FROM shifts ORDER BY id",
    "SELECT id, EXTRACT(YEAR FROM age(started, born)), EXTRACT(EPOCH FROM ended - started),
            date_part('day', age(ended, started)), EXTRACT(MILLISECONDS FROM length)
     FROM shifts ORDER BY id",
    "SELECT EXTRACT(EPOCH FROM interval '1 year 1 mon 1 day 00:00:01.5'),
            EXTRACT(QUARTER FROM interval '7 mons'), EXTRACT(SECOND FROM interval '-90.25 seconds'),
            EXTRACT(EPOCH FROM timestamp '2024-01-01 00:00:00.5'), EXTRACT(EPOCH FROM date '2024-01-01'),
            EXTRACT(YEAR FROM date '2024-01-01'), EXTRACT(SECOND FROM timestamp '2024-01-01 10:00:07')",
    "SELECT LOCALTIMESTAMP > timestamp '2000-01-01', LOCALTIMESTAMP = now()::timestamp",
    "SELECT CAST('2008-12-25 15:30:00' AS TIME), '15:30'::time, '2008-12-25 07:05:03.25+02'::time,
            TIME '23:59:59.999999'",
    "SELECT id, started::time, ended::time FROM shifts ORDER BY id",
    "SELECT d FROM generate_series(timestamp '2024-01-30', timestamp '2024-02-02', interval '1 day') AS d",
    "SELECT d::date FROM generate_series(date '2024-01-31', date '2024-05-01', interval '1 month') AS d",
    "SELECT * FROM generate_series(date '2024-01-03', date '2024-01-01', interval '-1 day')",
    "SELECT count(*) FROM generate_series(timestamp '2024-01-03', timestamp '2024-01-01', '1 day')",
    "SELECT h, count(s.id) FROM generate_series(timestamp '2024-01-31 08:00:00',
            timestamp '2024-01-31 10:00:00', interval '30 minutes') AS h
     LEFT JOIN shifts s ON s.started = h + interval '1 hour' GROUP BY h ORDER BY h",
    "SELECT g.t FROM generate_series(timestamptz '2024-03-30 12:00:00+00',
            timestamptz '2024-04-02 00:00:00+00', interval '1 day 6 hours') AS g(t)",
    "SELECT count(*) FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-03', NULL::interval)",
    "SELECT n FROM generate_series(0, date '2024-03-01' - date '2024-02-26') AS n",
    "SELECT '15:30:00+02'::time, '15:30:00 UTC'::time, ' 2008-12-25  15:30:00.5 +0100 '::time,
            '15:30:60'::time",
    "SELECT make_date(2024, 2, 29), make_time(8, 15, 23.5), make_timestamp(2013, 7, 15, 8, 15, 23.5),
            make_timestamptz(2024, 1, 1, 0, 0, 0), make_timestamp(2024, 12, 31, 23, 59, 60),
            make_time(8, 15, 59.9999999), make_date(NULL, 1, 1) IS NULL",
    "SELECT id, make_date(2024, id, id) + 1, make_timestamp(2024, 1, id, id, 0, 0) - interval '1 hour'
     FROM shifts ORDER BY id",
];

const ERRORS: &[(&str, &str)] = &[
    (
        "SELECT * FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-02', interval '0 days')",
        "22023",
    ),
    ("SELECT interval '1 day' / 0", "22012"),
    ("SELECT 'noon'::time", "22007"),
    ("SELECT '15:30:00+02junk'::time", "22007"),
    ("SELECT '2008-12-25T15:30:00'::time", "22007"),
    ("SELECT '25:00'::time", "22008"),
    ("SELECT '15:30:00+25'::time", "22009"),
    ("SELECT make_date(2023, 2, 29)", "22008"),
    ("SELECT make_date(0, 1, 1)", "22008"),
    ("SELECT make_time(25, 0, 0)", "22008"),
    ("SELECT make_timestamp(2024, 13, 1, 0, 0, 0)", "22008"),
    (
        // A zero step is refused even when the loop is reached from a join first.
        "SELECT count(*) FROM shifts, generate_series(timestamp '2024-01-01', \
         timestamp '2024-01-02', interval '0 days')",
        "22023",
    ),
    ("SELECT round(1.5::numeric, 2)::numeric(1001, 0)", "22023"),
    ("SELECT interval '1 mon' * 1e10", "22008"),
    (
        "SELECT length / (parts - parts) FROM shifts WHERE id = 1",
        "22012",
    ),
];

async fn with_schema() -> (TestServer, Client, OracleDatabase) {
    both_with_schema(SCHEMA).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_arithmetic_answers_as_postgresql() {
    let (_server, pgbridge, oracle) = with_schema().await;
    let mut found = differences(&oracle.client, &pgbridge, QUERIES).await;
    found.extend(error_differences(&oracle.client, &pgbridge, ERRORS.iter().copied()).await);
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A parameter scales an interval as a literal does, in the extended protocol with binary
/// results: the interval's binary form (microseconds, days, months) matches PostgreSQL's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaled_intervals_match_in_binary_with_parameters() {
    let (_server, pgbridge, oracle) = with_schema().await;
    let sql = "SELECT id, length * $1::float8, length / $2::int FROM shifts ORDER BY id";
    let expected = binary_rows(&oracle.client, sql, &[&2.5f64, &4i32]).await;
    let actual = binary_rows(&pgbridge, sql, &[&2.5f64, &4i32]).await;
    oracle.drop().await;
    assert_eq!(expected, actual);
}

/// `now()` is the transaction's timestamp: the same in every statement of a transaction, the
/// same for every call in one statement, and later in the next transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn now_is_the_transactions_timestamp() {
    let (_server, pgbridge, oracle) = with_schema().await;
    oracle.drop().await;
    let now = |sql: &'static str| {
        let client = &pgbridge;
        async move {
            let row = client.query_one(sql, &[]).await.expect(sql);
            row.get::<_, String>(0)
        }
    };
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(20));
    let row = pgbridge
        .query_one(
            "SELECT now() = now(), LOCALTIMESTAMP = now()::timestamp, now() = current_timestamp",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1) && row.get::<_, bool>(2));
    pgbridge.batch_execute("BEGIN").await.unwrap();
    let first = now("SELECT now()::text").await;
    pause().await;
    pgbridge
        .batch_execute("INSERT INTO shifts (id) VALUES (99)")
        .await
        .unwrap();
    let second = now("SELECT now()::text").await;
    pause().await;
    let clock = now("SELECT clock_timestamp()::text").await;
    let statement = now("SELECT statement_timestamp()::text").await;
    pgbridge.batch_execute("COMMIT").await.unwrap();
    assert_eq!(first, second, "now() moved inside a transaction");
    assert!(
        clock > second && statement > clock,
        "clock_timestamp() {clock} and statement_timestamp() {statement} must move inside \
         the transaction that began at {second}"
    );
    pause().await;
    let after = now("SELECT now()::text").await;
    assert!(
        after > first,
        "now() after the transaction: {after} <= {first}"
    );
    pause().await;
    assert!(
        now("SELECT now()::text").await > after,
        "now() did not move between statements"
    );
}
