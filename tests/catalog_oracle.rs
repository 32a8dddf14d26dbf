//! The emulated catalog against the real PostgreSQL of the machine (the oracle): the same schema
//! is created in a new PostgreSQL database and through pgbridge, then the `information_schema`
//! and `pg_catalog` reads that tools send are answered by both and must agree row for row.
//!
//! The oracle is `PGBRIDGE_ORACLE_URL` (default `host=127.0.0.1 port=5432 user=postgres
//! dbname=test`); `scripts/test.sh` starts one when none answers. Without an oracle these tests
//! fail: they prove nothing otherwise.

mod common;

use common::TestServer;
use common::oracle::{assert_catalog_matches, rows};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_reads_match_postgresql() {
    let server = TestServer::start().await;
    assert_catalog_matches(&server.client().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_follows_schema_changes_and_settings() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE first_table (id int PRIMARY KEY)")
        .await
        .unwrap();
    let tables = "SELECT table_name FROM information_schema.tables
                  WHERE table_schema = 'public' ORDER BY 1";
    assert_eq!(
        rows(&client, tables).await.unwrap(),
        vec![vec!["first_table"]]
    );
    client
        .batch_execute("CREATE TABLE second_table (id int); DROP TABLE first_table")
        .await
        .unwrap();
    assert_eq!(
        rows(&client, tables).await.unwrap(),
        vec![vec!["second_table"]]
    );
    let setting = "SELECT setting FROM pg_settings WHERE name = 'statement_timeout'";
    assert_eq!(rows(&client, setting).await.unwrap(), vec![vec!["0"]]);
    client
        .batch_execute("SET statement_timeout = 1234")
        .await
        .unwrap();
    assert_eq!(rows(&client, setting).await.unwrap(), vec![vec!["1234"]]);
    let missing = rows(
        &client,
        "SELECT has_table_privilege('no_such_table', 'SELECT')",
    )
    .await
    .unwrap_err();
    assert!(missing.contains("42P01"), "{missing}");
}
