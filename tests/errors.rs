//! Errors reach the client as ErrorResponse with PostgreSQL's SQLSTATE.

mod common;

use common::{TestServer, sqlstate};

async fn code_of(client: &tokio_postgres::Client, sql: &str) -> String {
    match client.batch_execute(sql).await {
        Ok(()) => format!("no error for {sql}"),
        Err(error) => sqlstate(&error),
    }
}

#[tokio::test]
async fn each_error_class_has_its_sqlstate() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE parent (id INT PRIMARY KEY);
             CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent (id),
                                 name TEXT NOT NULL, qty INT CHECK (qty > 0));
             INSERT INTO parent VALUES (1);
             INSERT INTO child VALUES (1, 1, 'a', 1)",
        )
        .await
        .unwrap();
    let cases = [
        ("INSERT INTO parent VALUES (1)", "23505"),
        ("INSERT INTO child VALUES (2, 1, NULL, 1)", "23502"),
        ("INSERT INTO child VALUES (2, 99, 'b', 1)", "23503"),
        ("INSERT INTO child VALUES (2, 1, 'b', 0)", "23514"),
        ("SELECT * FROM missing", "42P01"),
        ("SELECT missing FROM parent", "42703"),
        ("SELEC 1", "42601"),
        ("SELECT 1 / 0", "22012"),
        ("SELECT 'abc'::int", "22P02"),
        ("SELECT ARRAY[1, 2]", "0A000"),
        ("SELECT DISTINCT ON (id) id FROM parent", "0A000"),
        ("SHOW no_such_setting", "42704"),
    ];
    for (sql, expected) in cases {
        assert_eq!(code_of(&client, sql).await, expected, "{sql}");
    }
}

#[tokio::test]
async fn unsupported_names_the_construct_and_the_backend() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let error = client
        .batch_execute("SELECT DISTINCT ON (a) a FROM (SELECT 1 AS a) s")
        .await
        .unwrap_err();
    let message = error.as_db_error().unwrap().message().to_owned();
    assert!(
        message.contains("DISTINCT ON") && message.contains("SQLite"),
        "{message}"
    );
}
