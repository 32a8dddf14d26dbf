//! numeric display scale on SQLite against the real PostgreSQL of the machine (the oracle, see
//! tests/common/oracle.rs): SQLite stores `numeric(10,2)` values as integers or doubles, which
//! keep no scale, so pgbridge gives results PostgreSQL's scale from the statement (columns,
//! casts, literals, `+ - *`, `sum`/`min`/`max`, `round`, `::text`) and rounds what is written
//! to a `numeric(p, s)` column. The same statements run on both sides and are compared as
//! text, errors by SQLSTATE, and binary results byte for byte (the binary numeric carries its
//! scale in `dscale`).

mod common;

use bytes::Bytes;
use common::TestServer;
use common::oracle::{
    OracleDatabase, binary_rows, both_with_schema, differences, error_differences, rows,
};
use futures::{SinkExt, pin_mut};
use tokio_postgres::Client;

const SCHEMA: &str = "
    CREATE TABLE prices (id int PRIMARY KEY, amount numeric(10,2), rate numeric(8,3), qty int,
                         price float8, free numeric);
    INSERT INTO prices VALUES
        (1, 1.5, 2.25, 3, 0.5, 1), (2, -2, 1, 4, 1.25, 2), (3, 3.14159, 0.0005, NULL, NULL, 7.125),
        (4, 2.675, 12.3456, 2, 2, NULL), (5, NULL, NULL, 1, NULL, NULL)";

const QUERIES: &[&str] = &[
    "SELECT id, amount, rate FROM prices ORDER BY id",
    "SELECT id, amount + rate, amount - qty, amount * rate, amount * qty, -amount, abs(amount),
            amount % rate, mod(amount, 1) FROM prices ORDER BY id",
    "SELECT sum(amount), min(amount), max(rate), sum(rate), sum(qty), count(amount) FROM prices",
    "SELECT qty, sum(amount) FROM prices GROUP BY qty ORDER BY qty",
    "SELECT id, round(amount, 1), round(rate), trunc(rate, 2), ceil(amount), floor(rate),
            trunc(amount) FROM prices ORDER BY id",
    "SELECT id, amount::text, rate::varchar, (amount * 2)::text, amount::numeric(10,1),
            rate::numeric(6,1)::text, amount::numeric FROM prices ORDER BY id",
    "SELECT 1.50, 1.50 + 1, 1.5e0, 1e3, 1.5e-2, 2.5 * 1.10, '1.50'::numeric, 1::numeric,
            1.555::numeric(10,2), (-1.555)::numeric(10,2), 2.5::numeric(10,0), 1.50::text,
            2.675::numeric(5,2)::text, numeric '0.10', 12345678.999::numeric(10,2)",
    "SELECT id, coalesce(amount, 0.00), CASE WHEN qty > 2 THEN amount END, nullif(amount, 0),
            greatest(amount, 0.25) FROM prices ORDER BY id",
    "WITH t AS (SELECT sum(amount) AS total FROM prices) SELECT total, total * 2 FROM t",
    "SELECT s.a FROM (SELECT amount AS a FROM prices WHERE id < 3) AS s ORDER BY 1",
    "SELECT amount FROM prices WHERE id = 1 UNION ALL SELECT 2.50 ORDER BY 1",
    "SELECT id, amount FROM prices WHERE amount = 3.14 OR amount = 2.68 ORDER BY id",
    "SELECT id, sum(amount) OVER (ORDER BY id), max(rate) OVER () FROM prices ORDER BY id",
    "SELECT id, free, free + 1, free::text FROM prices ORDER BY id",
    "SELECT sum(amount) FILTER (WHERE qty > 2), sum(amount * qty) FROM prices",
    "SELECT id, amount FROM prices WHERE amount > (SELECT min(amount) FROM prices) ORDER BY id",
];

/// Statements that write, then the queries that read what they wrote.
const WRITES: &[&str] = &[
    "UPDATE prices SET amount = amount * 1.005 WHERE id = 1",
    "INSERT INTO prices (id, amount, rate) VALUES (6, '9.999', 0.0004), (7, -0.005, NULL)",
    "INSERT INTO prices (id, amount) VALUES (1, 0.125)
     ON CONFLICT (id) DO UPDATE SET amount = excluded.amount + 1",
    "UPDATE prices SET rate = rate / 3 WHERE id = 2",
];

const AFTER_WRITES: &[&str] = &[
    "SELECT id, amount, rate FROM prices ORDER BY id",
    "SELECT sum(amount), sum(rate) FROM prices",
];

/// Statements PostgreSQL refuses with 22003 (numeric field overflow).
const OVERFLOWS: &[&str] = &[
    "INSERT INTO prices (id, amount) VALUES (20, 123456789)",
    "INSERT INTO prices (id, amount) VALUES (21, 99999999.995)",
    "UPDATE prices SET amount = amount * 100000000 WHERE id = 2",
    "UPDATE prices SET rate = 100000 WHERE id = 2",
    "SELECT 12345.678::numeric(5,2)",
    "SELECT rate::numeric(2,1) FROM prices WHERE id = 4",
    "SELECT (amount * 10)::numeric(3,2) FROM prices WHERE id = 1",
];

async fn with_schema() -> (TestServer, Client, OracleDatabase) {
    both_with_schema(SCHEMA).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numeric_scale_answers_as_postgresql() {
    let (_server, pgbridge, oracle) = with_schema().await;
    let mut found = differences(&oracle.client, &pgbridge, QUERIES).await;
    for sql in WRITES {
        let expected = rows(&oracle.client, sql).await;
        let actual = rows(&pgbridge, sql).await;
        if expected.is_ok() != actual.is_ok() {
            found.push(format!(
                "{sql}\n  PostgreSQL: {expected:?}\n  pgbridge:   {actual:?}"
            ));
        }
    }
    found.extend(differences(&oracle.client, &pgbridge, AFTER_WRITES).await);
    let overflows = OVERFLOWS.iter().map(|sql| (*sql, "22003"));
    found.extend(error_differences(&oracle.client, &pgbridge, overflows).await);
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_numerics_carry_postgresql_scale() {
    let (_server, pgbridge, oracle) = with_schema().await;
    let queries = [
        "SELECT id, amount, rate, amount * rate, 1.50 FROM prices ORDER BY id",
        "SELECT sum(amount), max(rate), 2.5::numeric(10,3) FROM prices",
    ];
    let mut found = Vec::new();
    for sql in queries {
        let expected = binary_rows(&oracle.client, sql, &[]).await;
        let actual = binary_rows(&pgbridge, sql, &[]).await;
        if expected != actual {
            found.push(format!(
                "{sql}\n  PostgreSQL: {expected:?}\n  pgbridge:   {actual:?}"
            ));
        }
    }
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_rounds_to_the_column_scale() {
    let (_server, pgbridge, oracle) = with_schema().await;
    let mut found = Vec::new();
    for client in [&oracle.client, &pgbridge] {
        copy_in(
            client,
            "COPY prices (id, amount, rate) FROM STDIN",
            "10\t1.005\t2\n11\t-7\t\\N\n",
        )
        .await
        .unwrap();
    }
    found.extend(
        differences(
            &oracle.client,
            &pgbridge,
            &["SELECT id, amount, rate, amount::text FROM prices WHERE id >= 10 ORDER BY id"],
        )
        .await,
    );
    for client in [&oracle.client, &pgbridge] {
        let error = copy_in(
            client,
            "COPY prices (id, amount) FROM STDIN",
            "12\t123456789\n",
        )
        .await
        .unwrap_err();
        if common::sqlstate(&error) != "22003" {
            found.push(format!("COPY of 123456789 into numeric(10,2): {error}"));
        }
    }
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

async fn copy_in(client: &Client, sql: &str, data: &str) -> Result<u64, tokio_postgres::Error> {
    let sink = client.copy_in(sql).await?;
    pin_mut!(sink);
    sink.send(Bytes::copy_from_slice(data.as_bytes())).await?;
    sink.finish().await
}
