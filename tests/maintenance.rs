//! What `pgbench -i` and migration tools send after loading data: keys added to existing
//! tables, VACUUM and ANALYZE.

mod common;

use common::{TestServer, sqlstate};

#[tokio::test]
async fn added_primary_key_is_enforced() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE accounts (aid INT NOT NULL, bid INT); INSERT INTO accounts VALUES (1, 1)",
        )
        .await
        .unwrap();
    client
        .batch_execute("ALTER TABLE accounts ADD PRIMARY KEY (aid)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO accounts VALUES (1, 2)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    let error = client
        .batch_execute("ALTER TABLE accounts ADD PRIMARY KEY (bid)")
        .await
        .unwrap_err();
    assert_eq!(
        sqlstate(&error),
        "0A000",
        "a nullable column cannot become a key on SQLite"
    );
}

#[tokio::test]
async fn vacuum_and_analyze_run_outside_blocks_only() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT)")
        .await
        .unwrap();
    client.batch_execute("VACUUM ANALYZE t").await.unwrap();
    client.batch_execute("ANALYZE t").await.unwrap();
    client.batch_execute("BEGIN").await.unwrap();
    let error = client.batch_execute("VACUUM t").await.unwrap_err();
    assert_eq!(sqlstate(&error), "25001");
    client.batch_execute("ROLLBACK").await.unwrap();
}
