//! The MySQL / MariaDB backend through the real wire protocol: tokio-postgres talks to an
//! in-process pgbridge whose backend is a database of its own on a real MariaDB.
//!
//! MariaDB is found at `PGBRIDGE_MARIADB_URL` (scripts/test.sh exports it; a server URL without
//! a database, `mysql://root@127.0.0.1:3306`), else at that default. Without the variable and
//! without a MariaDB answering there, each test prints why and returns; with the variable set, a
//! MariaDB that does not answer fails the test.

#![cfg(feature = "mysql")]

mod common;

use std::time::{Duration, Instant};

use common::mariadb::{Database, session};
use common::{sqlstate, text_row};
use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Connection};
use tokio_postgres::NoTls;
use tokio_postgres::types::Type;

/// The RowDescription types of a prepared statement.
fn column_types(statement: &tokio_postgres::Statement) -> Vec<Type> {
    statement
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect()
}

async fn raw(connection: &mut MySqlConnection, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(connection)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn tables_created_through_pgbridge_round_trip_parameters_and_types() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute(
            "CREATE TABLE items (
                id serial PRIMARY KEY,
                name varchar(40) NOT NULL,
                note text,
                flag boolean,
                small smallint,
                big bigint,
                price numeric(10,2),
                exact numeric,
                ratio double precision,
                born date,
                at_time time,
                seen timestamp,
                payload bytea
            )",
        )
        .await
        .unwrap();
    // Exact numerics as literals (tokio-postgres has no numeric type without rust_decimal).
    let inserted = client
        .execute(
            "INSERT INTO items (name, note, flag, small, big, price, exact, ratio, born, at_time, seen, payload)
             VALUES ($1, $2, $3, $4, $5, 12.5, 123456789012345678901234567890.123456789, $6, $7, $8, $9, $10)",
            &[
                &"widget",
                &"it's \"quoted\" \\ text",
                &true,
                &7i16,
                &9_000_000_000i64,
                &0.25f64,
                &chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
                &chrono::NaiveTime::from_hms_micro_opt(13, 14, 15, 500_000).unwrap(),
                &chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
                    .unwrap()
                    .and_hms_micro_opt(13, 14, 15, 123_456)
                    .unwrap(),
                &vec![0u8, 1, 254, 255],
            ],
        )
        .await
        .unwrap();
    assert_eq!(inserted, 1);
    let row = client
        .query_one(
            "SELECT id, name, note, flag, small, big, price, name AS exact_elsewhere, ratio, born, at_time, seen, payload FROM items WHERE name = $1",
            &[&"widget"],
        )
        .await
        .unwrap();
    let types: Vec<Type> = row.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(types[0], Type::INT4);
    assert_eq!(types[3], Type::BOOL);
    assert_eq!(types[4], Type::INT2);
    assert_eq!(types[5], Type::INT8);
    assert_eq!(types[6], Type::NUMERIC);
    assert_eq!(types[8], Type::FLOAT8);
    assert_eq!(types[12], Type::BYTEA);
    assert_eq!(row.get::<_, i32>(0), 1);
    assert_eq!(row.get::<_, &str>(1), "widget");
    assert_eq!(row.get::<_, &str>(2), "it's \"quoted\" \\ text");
    assert!(row.get::<_, bool>(3));
    assert_eq!(row.get::<_, i16>(4), 7);
    assert_eq!(row.get::<_, i64>(5), 9_000_000_000);
    assert_eq!(row.get::<_, f64>(8), 0.25);
    assert_eq!(row.get::<_, chrono::NaiveDate>(9).to_string(), "2024-02-29");
    assert_eq!(
        row.get::<_, chrono::NaiveTime>(10).to_string(),
        "13:14:15.500"
    );
    assert_eq!(
        row.get::<_, chrono::NaiveDateTime>(11).to_string(),
        "2024-02-29 13:14:15.123456"
    );
    assert_eq!(row.get::<_, Vec<u8>>(12), vec![0u8, 1, 254, 255]);
    // numeric(10,2) comes back exact and padded to its scale; a bare numeric (DECIMAL(65,30)
    // on MariaDB) exact, without the zeros MariaDB pads it with.
    assert_eq!(
        text_row(&client, "SELECT price, exact FROM items").await,
        vec![
            Some("12.50".to_owned()),
            Some("123456789012345678901234567890.123456789".to_owned())
        ]
    );
    // One parameter used twice binds twice (MySQL's `?` are positional).
    let count: i64 = client
        .query_one(
            "SELECT count(*) FROM items WHERE name = $1 OR note = $1",
            &[&"widget"],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
    // Integer division stays integer between integer columns, as in PostgreSQL.
    let quotient: i64 = client
        .query_one("SELECT big / small FROM items", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(quotient, 9_000_000_000 / 7);
    let updated = client
        .execute("UPDATE items SET note = note WHERE id = $1", &[&1i32])
        .await
        .unwrap();
    assert_eq!(updated, 1, "matched rows count, as in PostgreSQL");
}

#[tokio::test]
async fn a_legacy_schema_created_in_mariadb_reads_with_postgres_types() {
    let Some(database) = Database::create().await else {
        return;
    };
    let mut direct = database.direct().await;
    raw(
        &mut direct,
        "CREATE TABLE customers (
            id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(50) NOT NULL,
            tier ENUM('free','pro') NOT NULL DEFAULT 'free',
            active TINYINT(1) NOT NULL DEFAULT 1,
            visits SMALLINT UNSIGNED NOT NULL DEFAULT 0,
            big_visits BIGINT UNSIGNED,
            balance DECIMAL(12,3),
            joined DATETIME NOT NULL,
            touched TIMESTAMP NULL,
            since YEAR,
            prefs JSON,
            avatar BLOB,
            flags BIT(8)
        ) ENGINE=InnoDB",
    )
    .await;
    raw(
        &mut direct,
        "CREATE TABLE orders (
            id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            customer_id INT UNSIGNED NOT NULL,
            total DECIMAL(10,2) NOT NULL,
            FOREIGN KEY (customer_id) REFERENCES customers (id)
        ) ENGINE=InnoDB",
    )
    .await;
    raw(
        &mut direct,
        "INSERT INTO customers (name, tier, active, visits, big_visits, balance, joined, touched, since, prefs, avatar, flags)
         VALUES ('Ann', 'pro', 1, 65535, 18446744073709551615, -12.5, '2020-01-02 03:04:05', '2021-06-07 08:09:10', 1999, '{\"a\": 1}', x'00ff', b'00000101'),
                ('Bob', 'free', 0, 0, NULL, NULL, '2020-01-03 00:00:00', NULL, NULL, NULL, NULL, NULL)",
    )
    .await;
    raw(
        &mut direct,
        "INSERT INTO orders (customer_id, total) VALUES (1, 10.00), (1, 5.25)",
    )
    .await;
    direct.close().await.ok();

    let server = database.server().await;
    let client = server.client().await;
    let statement = client
        .prepare(
            "SELECT id, name, tier, active, visits, big_visits, balance, joined, touched, since, prefs, avatar, flags
             FROM customers WHERE id = $1",
        )
        .await
        .unwrap();
    let types = column_types(&statement);
    assert_eq!(
        types,
        vec![
            Type::INT8,
            Type::VARCHAR,
            Type::TEXT,
            Type::BOOL,
            Type::INT4,
            Type::NUMERIC,
            Type::NUMERIC,
            Type::TIMESTAMP,
            Type::TIMESTAMPTZ,
            Type::INT2,
            Type::JSON,
            Type::BYTEA,
            Type::INT8,
        ],
        "RowDescription at Describe time"
    );
    assert_eq!(statement.params(), &[Type::INT8]);
    let row = client.query_one(&statement, &[&1i64]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    assert_eq!(row.get::<_, &str>(1), "Ann");
    assert_eq!(row.get::<_, &str>(2), "pro");
    assert!(row.get::<_, bool>(3));
    assert_eq!(row.get::<_, i32>(4), 65535);
    assert_eq!(
        row.get::<_, chrono::NaiveDateTime>(7).to_string(),
        "2020-01-02 03:04:05"
    );
    assert_eq!(
        row.get::<_, chrono::DateTime<chrono::Utc>>(8).to_rfc3339(),
        "2021-06-07T08:09:10+00:00"
    );
    assert_eq!(row.get::<_, i16>(9), 1999);
    assert_eq!(
        row.get::<_, serde_json::Value>(10),
        serde_json::json!({"a": 1})
    );
    assert_eq!(row.get::<_, Vec<u8>>(11), vec![0u8, 255]);
    assert_eq!(row.get::<_, i64>(12), 5);
    // Exact decimals and unsigned 64-bit values as text (no float on the way).
    let texts = client
        .query_one(
            "SELECT big_visits::text, balance::text FROM customers WHERE id = 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(texts.get::<_, &str>(0), "18446744073709551615");
    assert_eq!(texts.get::<_, &str>(1), "-12.500");
    // A join over the foreign key, an aggregate, and NULLs.
    let rows = client
        .query(
            "SELECT c.name, count(o.id), sum(o.total) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY c.name",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get::<_, i64>(1), 2);
    assert_eq!(rows[1].get::<_, i64>(1), 0);
    let bob = client
        .query_one(
            "SELECT touched, prefs FROM customers WHERE name = 'Bob'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(bob.get::<_, Option<chrono::DateTime<chrono::Utc>>>(0), None);
    assert_eq!(bob.get::<_, Option<serde_json::Value>>(1), None);
    // AUTO_INCREMENT assigns ids to rows inserted through pgbridge.
    client
        .execute(
            "INSERT INTO customers (name, joined) VALUES ($1, $2)",
            &[
                &"Cid",
                &chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            ],
        )
        .await
        .unwrap();
    let cid: i64 = client
        .query_one("SELECT id FROM customers WHERE name = 'Cid'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(cid, 3);
}

#[tokio::test]
async fn mysql_errors_arrive_as_postgres_sqlstates() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute(
            "CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, qty int CHECK (qty >= 0));
             CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id));
             INSERT INTO parent VALUES (1, 'a', 1);
             INSERT INTO child VALUES (1, 1);",
        )
        .await
        .unwrap();
    let cases = [
        ("INSERT INTO parent VALUES (1, 'b', 1)", "23505"),
        ("INSERT INTO child VALUES (2, 99)", "23503"),
        ("DELETE FROM parent WHERE id = 1", "23503"),
        ("INSERT INTO child (id) VALUES (3)", "23502"),
        ("INSERT INTO parent VALUES (2, 'c', -1)", "23514"),
        ("SELECT * FROM no_such_table", "42P01"),
        ("SELECT no_such_column FROM parent", "42703"),
        ("SELECT 1 / 0", "22012"),
        ("SELECT no_such_function(1)", "42883"),
    ];
    for (sql, expected) in cases {
        let error = client.simple_query(sql).await.unwrap_err();
        assert_eq!(sqlstate(&error), expected, "{sql}: {error:?}");
    }
}

#[tokio::test]
async fn failed_blocks_need_rollback_and_savepoints_recover() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY)")
        .await
        .unwrap();
    client.batch_execute("BEGIN").await.unwrap();
    client
        .batch_execute("INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (1)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    let error = client.batch_execute("SELECT 1").await.unwrap_err();
    assert_eq!(sqlstate(&error), "25P02");
    client.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(
        common::count(&client, "t").await,
        0,
        "the block rolled back"
    );

    client.batch_execute("BEGIN").await.unwrap();
    client
        .batch_execute("INSERT INTO t VALUES (1); SAVEPOINT s")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (1)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    client
        .batch_execute("ROLLBACK TO SAVEPOINT s; INSERT INTO t VALUES (2); COMMIT")
        .await
        .unwrap();
    assert_eq!(common::count(&client, "t").await, 2);

    // An unknown savepoint, and a write in a READ ONLY block (MySQL enforces it).
    client.batch_execute("BEGIN").await.unwrap();
    let error = client
        .batch_execute("ROLLBACK TO SAVEPOINT nowhere")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "3B001");
    client.batch_execute("ROLLBACK").await.unwrap();
    client.batch_execute("BEGIN READ ONLY").await.unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (9)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "25006");
    client.batch_execute("ROLLBACK").await.unwrap();

    // COMMIT of a failed block rolls back.
    client.batch_execute("BEGIN").await.unwrap();
    client
        .batch_execute("INSERT INTO t VALUES (3)")
        .await
        .unwrap();
    let _ = client.batch_execute("SELECT * FROM missing").await;
    client.batch_execute("COMMIT").await.unwrap();
    assert_eq!(common::count(&client, "t").await, 2);
}

#[tokio::test]
async fn cancel_kills_the_running_query() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    let cancel = client.cancel_token();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        cancel.cancel_query(NoTls).await
    });
    let started = Instant::now();
    let error = client.simple_query("SELECT sleep(20)").await.unwrap_err();
    assert_eq!(sqlstate(&error), "57014", "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    canceller.await.unwrap().unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1, "the session is usable after a cancel");
}

#[tokio::test]
async fn copy_from_stdin_inserts_all_or_nothing() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute("CREATE TABLE c (id int PRIMARY KEY, name text)")
        .await
        .unwrap();
    let sink = client
        .copy_in("COPY c (id, name) FROM STDIN")
        .await
        .unwrap();
    futures::pin_mut!(sink);
    use futures::SinkExt;
    sink.send(bytes::Bytes::from_static(b"1\tone\n2\t\\N\n"))
        .await
        .unwrap();
    assert_eq!(sink.finish().await.unwrap(), 2);
    let names: Vec<Option<String>> = client
        .query("SELECT name FROM c ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(names, vec![Some("one".to_owned()), None]);
}

#[tokio::test]
async fn truncate_empties_tables_inside_and_outside_blocks() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute(
            "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY);
             INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (1);",
        )
        .await
        .unwrap();
    client.batch_execute("TRUNCATE a, b").await.unwrap();
    assert_eq!(common::count(&client, "a").await, 0);
    assert_eq!(common::count(&client, "b").await, 0);
    client
        .batch_execute("INSERT INTO a VALUES (3)")
        .await
        .unwrap();
    client
        .batch_execute("BEGIN; TRUNCATE a; ROLLBACK")
        .await
        .unwrap();
    assert_eq!(common::count(&client, "a").await, 1, "TRUNCATE rolled back");
}

#[tokio::test]
async fn declared_types_that_share_a_mysql_type_are_kept() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute(
            "CREATE TABLE events (id int PRIMARY KEY, at timestamptz, local timestamp, tag uuid, doc jsonb);
             ALTER TABLE events ADD COLUMN later timestamptz;
             INSERT INTO events (id, at, local, tag, later)
             VALUES (1, '2024-01-02 03:04:05+02', '2024-01-02 03:04:05', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-05-06 07:08:09Z');",
        )
        .await
        .unwrap();
    let statement = client
        .prepare("SELECT at, local, tag, later FROM events WHERE id = $1")
        .await
        .unwrap();
    let types = column_types(&statement);
    assert_eq!(
        types,
        vec![
            Type::TIMESTAMPTZ,
            Type::TIMESTAMP,
            Type::UUID,
            Type::TIMESTAMPTZ
        ]
    );
    assert_eq!(statement.params(), &[Type::INT4]);
    let row = client.query_one(&statement, &[&1i32]).await.unwrap();
    assert_eq!(
        row.get::<_, chrono::DateTime<chrono::Utc>>(0).to_rfc3339(),
        "2024-01-02T01:04:05+00:00",
        "the instant, stored in UTC"
    );
    assert_eq!(
        text_row(&client, "SELECT tag FROM events").await,
        vec![Some("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".to_owned())]
    );
    assert_eq!(
        row.get::<_, chrono::DateTime<chrono::Utc>>(3).to_rfc3339(),
        "2024-05-06T07:08:09+00:00"
    );
    // A parameter typed by the column: a timestamptz value compares as the same instant.
    let at = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05+02:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let found: i32 = client
        .query_one("SELECT id FROM events WHERE at = $1", &[&at])
        .await
        .unwrap()
        .get(0);
    assert_eq!(found, 1);
}

/// pgbench -i starts with `drop table if exists ...` on a database that has no type registry
/// yet: the drop must succeed, as on PostgreSQL.
#[tokio::test]
async fn drop_if_exists_works_before_any_table_was_created() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute("DROP TABLE IF EXISTS missing_a, missing_b")
        .await
        .unwrap();
    client
        .batch_execute("CREATE TABLE d (id int PRIMARY KEY); DROP TABLE IF EXISTS d, missing_a")
        .await
        .unwrap();
    let error = client.batch_execute("DROP TABLE d").await.unwrap_err();
    assert_eq!(error.code().map(|c| c.code()), Some("42P01"));
}
