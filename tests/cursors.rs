//! SQL-level cursors: DECLARE / FETCH / CLOSE with PostgreSQL's positions and errors.

mod common;

use common::{TestServer, sqlstate};
use tokio_postgres::SimpleQueryMessage;

/// The first column of each row a simple query returns, and its command tag's row count.
async fn fetch(client: &tokio_postgres::Client, sql: &str) -> (Vec<String>, u64) {
    let mut values = Vec::new();
    let mut count = u64::MAX;
    for message in client.simple_query(sql).await.unwrap() {
        match message {
            SimpleQueryMessage::Row(row) => values.push(row.get(0).unwrap().to_owned()),
            SimpleQueryMessage::CommandComplete(rows) => count = rows,
            _ => {}
        }
    }
    (values, count)
}

async fn numbers(server: &TestServer) -> tokio_postgres::Client {
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE numbers (n int PRIMARY KEY); \
             INSERT INTO numbers VALUES (1), (2), (3), (4), (5)",
        )
        .await
        .unwrap();
    client
}

#[tokio::test]
async fn fetch_moves_like_postgresql() {
    let server = TestServer::start().await;
    let client = numbers(&server).await;
    client
        .batch_execute("BEGIN; DECLARE c SCROLL CURSOR FOR SELECT n FROM numbers ORDER BY n")
        .await
        .unwrap();
    assert_eq!(
        fetch(&client, "FETCH FORWARD 2 FROM c").await,
        (vec!["1".into(), "2".into()], 2)
    );
    assert_eq!(
        fetch(&client, "FETCH NEXT FROM c").await,
        (vec!["3".into()], 1)
    );
    assert_eq!(
        fetch(&client, "FETCH BACKWARD 2 FROM c").await,
        (vec!["2".into(), "1".into()], 2)
    );
    assert_eq!(
        fetch(&client, "FETCH ABSOLUTE 4 FROM c").await,
        (vec!["4".into()], 1)
    );
    assert_eq!(
        fetch(&client, "FETCH ALL FROM c").await,
        (vec!["5".into()], 1)
    );
    assert_eq!(fetch(&client, "FETCH NEXT FROM c").await, (vec![], 0));
    assert_eq!(
        fetch(&client, "FETCH PRIOR FROM c").await,
        (vec!["5".into()], 1)
    );
    assert_eq!(
        fetch(&client, "FETCH LAST FROM c").await,
        (vec!["5".into()], 1)
    );
    assert_eq!(
        fetch(&client, "FETCH FIRST FROM c").await,
        (vec!["1".into()], 1)
    );
    // MOVE positions like FETCH without returning the rows; a negative count goes backwards.
    assert_eq!(fetch(&client, "MOVE FORWARD 3 IN c").await, (vec![], 3));
    assert_eq!(
        fetch(&client, "FETCH -2 FROM c").await,
        (vec!["3".into(), "2".into()], 2)
    );
    assert_eq!(fetch(&client, "MOVE ABSOLUTE 0 FROM c").await, (vec![], 0));
    // Extended protocol: the FETCH is described with the cursor's columns.
    let rows = client.query("FETCH FORWARD 2 FROM c", &[]).await.unwrap();
    let values: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
    assert_eq!(values, vec![1, 2]);
    client.batch_execute("CLOSE c").await.unwrap();
    let error = client.batch_execute("FETCH NEXT FROM c").await.unwrap_err();
    assert_eq!(sqlstate(&error), "34000");
    client.batch_execute("ROLLBACK").await.unwrap();
}

#[tokio::test]
async fn cursors_follow_transaction_rules() {
    let server = TestServer::start().await;
    let client = numbers(&server).await;
    // Without HOLD a cursor needs a transaction block and ends with it.
    let error = client
        .batch_execute("DECLARE c CURSOR FOR SELECT n FROM numbers")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "25P01");
    client
        .batch_execute(
            "BEGIN; DECLARE c CURSOR FOR SELECT n FROM numbers ORDER BY n; \
             DECLARE h CURSOR WITH HOLD FOR SELECT n FROM numbers ORDER BY n DESC; COMMIT",
        )
        .await
        .unwrap();
    let error = client.batch_execute("FETCH NEXT FROM c").await.unwrap_err();
    assert_eq!(sqlstate(&error), "34000");
    assert_eq!(
        fetch(&client, "FETCH NEXT FROM h").await,
        (vec!["5".into()], 1)
    );
    // A name is taken until closed; NO SCROLL refuses to move back.
    client
        .batch_execute("BEGIN; DECLARE \"Mixed\" NO SCROLL CURSOR FOR SELECT n FROM numbers")
        .await
        .unwrap();
    let error = client
        .batch_execute("DECLARE \"Mixed\" CURSOR FOR SELECT 1")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "42P03");
    client.batch_execute("ROLLBACK; BEGIN").await.unwrap();
    client
        .batch_execute("DECLARE f NO SCROLL CURSOR FOR SELECT n FROM numbers ORDER BY n")
        .await
        .unwrap();
    assert_eq!(fetch(&client, "FETCH FORWARD 3 FROM f").await.1, 3);
    let error = client
        .batch_execute("FETCH PRIOR FROM f")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "55000");
    client.batch_execute("ROLLBACK; CLOSE ALL").await.unwrap();
    let error = client.batch_execute("FETCH NEXT FROM h").await.unwrap_err();
    assert_eq!(sqlstate(&error), "34000");
}
