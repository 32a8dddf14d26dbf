//! SQL-level PREPARE / EXECUTE / DEALLOCATE, as psycopg2 and psql users write them.

mod common;

use common::{TestServer, sqlstate};
use tokio_postgres::SimpleQueryMessage;

/// The rows of a simple query, values as text.
async fn rows(client: &tokio_postgres::Client, sql: &str) -> Vec<Vec<Option<String>>> {
    client
        .simple_query(sql)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn prepare_execute_deallocate() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE p (id int PRIMARY KEY, name text, born date);
             PREPARE ins (int, text, date) AS INSERT INTO p VALUES ($1, $2, $3);
             EXECUTE ins (1, 'ann', '2020-01-02');
             EXECUTE ins (2, NULL, NULL);
             PREPARE by_id AS SELECT name, born FROM p WHERE id = $1",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&client, "EXECUTE by_id (1)").await,
        vec![vec![Some("ann".to_owned()), Some("2020-01-02".to_owned())]]
    );
    assert_eq!(
        rows(&client, "EXECUTE by_id (2)").await,
        vec![vec![None, None]]
    );
    // Through the extended protocol too: EXECUTE is described by its statement's columns.
    let row = client.query_one("EXECUTE by_id (1)", &[]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), "ann");
    let cases = [
        ("EXECUTE ins (1, 'again', NULL)", "23505"),
        ("EXECUTE by_id (1, 2)", "42601"),
        ("EXECUTE nothing_here", "26000"),
        ("PREPARE ins AS SELECT 1", "42P05"),
        ("EXECUTE by_id ('not a number')", "22P02"),
        ("EXECUTE by_id (length('x'))", "0A000"),
    ];
    for (sql, expected) in cases {
        let error = client.batch_execute(sql).await.unwrap_err();
        assert_eq!(sqlstate(&error), expected, "{sql}");
    }
    client.batch_execute("DEALLOCATE ins").await.unwrap();
    let error = client
        .batch_execute("EXECUTE ins (3, 'x', NULL)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "26000");
    client.batch_execute("DEALLOCATE ALL").await.unwrap();
    let error = client.batch_execute("EXECUTE by_id (1)").await.unwrap_err();
    assert_eq!(sqlstate(&error), "26000");
}
