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
        ("SELECT DISTINCT ON (a) * FROM (SELECT 1 AS a) s", "0A000"),
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
        .batch_execute("SELECT DISTINCT ON (a) * FROM (SELECT 1 AS a) s")
        .await
        .unwrap_err();
    let message = error.as_db_error().unwrap().message().to_owned();
    assert!(
        message.contains("DISTINCT ON")
            && message.contains("subquery")
            && message.contains("SQLite"),
        "{message}"
    );
    // The emulated form answers as PostgreSQL does: one row per key, the first in ORDER BY.
    let rows = client
        .simple_query(
            "SELECT DISTINCT ON (k) k, v FROM (VALUES (1, 'b'), (1, 'a'), (2, 'c')) t (k, v)
             ORDER BY k, v",
        )
        .await
        .unwrap();
    let values: Vec<String> = rows
        .iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => {
                Some(format!("{}={}", row.get(0).unwrap(), row.get(1).unwrap()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(values, ["1=a", "2=c"]);
}

/// `varchar(n)` and `char(n)` refuse longer values with 22001, as in PostgreSQL (SQLite itself
/// stores any length: the translated table carries a named length CHECK).
#[tokio::test]
async fn a_value_longer_than_its_declared_length_is_refused_with_22001() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE typed (id int PRIMARY KEY, v varchar(5), c char(3), t text);
             INSERT INTO typed VALUES (1, 'short', 'abc', 'any length at all')",
        )
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO typed (id, v) VALUES (2, 'toolong')")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22001");
    let message = error.as_db_error().unwrap().message().to_owned();
    assert_eq!(message, "value too long for type character varying(5)");
    let error = client
        .batch_execute("UPDATE typed SET c = 'abcd' WHERE id = 1")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22001");
    assert_eq!(
        error.as_db_error().unwrap().message(),
        "value too long for type character(3)"
    );
    client
        .batch_execute("ALTER TABLE typed ADD COLUMN w varchar(2)")
        .await
        .unwrap();
    assert_eq!(
        code_of(&client, "UPDATE typed SET w = 'xyz'").await,
        "22001"
    );
    // A user's own CHECK keeps its 23514.
    client
        .batch_execute("CREATE TABLE checked (n int CONSTRAINT positive CHECK (n > 0))")
        .await
        .unwrap();
    assert_eq!(
        code_of(&client, "INSERT INTO checked VALUES (0)").await,
        "23514"
    );
    let rows = client
        .query("SELECT v, c, length(v) FROM typed", &[])
        .await
        .unwrap();
    assert_eq!(rows[0].get::<_, String>(0), "short");
}
