//! Portal suspension (Execute with a row limit) streams lazily, survives interleaved
//! statements, and large results stream without being collected first. Cancel interrupts.

mod common;

use std::time::{Duration, Instant};

use common::{TestServer, sqlstate};
use futures::{StreamExt, pin_mut};
use tokio_postgres::NoTls;

#[tokio::test]
async fn portals_fetch_in_pages_and_interleave() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE n (i INT);
             INSERT INTO n WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c",
        )
        .await
        .unwrap();
    let transaction = client.transaction().await.unwrap();
    let statement = transaction
        .prepare("SELECT i FROM n ORDER BY i")
        .await
        .unwrap();
    let portal = transaction.bind(&statement, &[]).await.unwrap();
    let first = transaction.query_portal(&portal, 700).await.unwrap();
    assert_eq!(first.len(), 700);
    assert_eq!(first[0].get::<_, i32>(0), 1);
    // Another statement while the portal is suspended mid-result.
    let count: i64 = transaction
        .query_one("SELECT count(*) FROM n", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 2000);
    let second = transaction.query_portal(&portal, 700).await.unwrap();
    assert_eq!(second[0].get::<_, i32>(0), 701);
    let rest = transaction.query_portal(&portal, 0).await.unwrap();
    assert_eq!(rest.len(), 600);
    assert_eq!(rest.last().unwrap().get::<_, i32>(0), 2000);
    transaction.commit().await.unwrap();
}

#[tokio::test]
async fn a_large_result_streams() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let rows = client
        .query_raw(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x, 'row ' || x FROM c",
            std::iter::empty::<i32>(),
        )
        .await
        .unwrap();
    pin_mut!(rows);
    let mut seen = 0i32;
    while let Some(row) = rows.next().await {
        let row = row.unwrap();
        seen += 1;
        assert_eq!(row.get::<_, i32>(0), seen);
    }
    assert_eq!(seen, 100_000);
}

#[tokio::test]
async fn cancel_interrupts_a_running_statement() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let cancel = client.cancel_token();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cancel.cancel_query(NoTls).await
    });
    let started = Instant::now();
    let error = client
        .query_one("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", &[])
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "57014");
    assert!(started.elapsed() < Duration::from_secs(10));
    canceller.await.unwrap().unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1, "the session is usable after a cancel");
}

#[tokio::test]
async fn shutdown_waits_for_clients_then_returns() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
    drop(client);
    tokio::time::timeout(Duration::from_secs(15), server.shutdown())
        .await
        .unwrap()
        .unwrap();
}
