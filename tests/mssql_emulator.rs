//! EMULATOR-PROVEN ONLY: the SQL Server backend against `pysqlbridge` (PyPI), a TDS-speaking
//! T-SQL emulator, NOT SQL Server. Each test starts the emulator, then an in-process pgbridge
//! whose backend is the emulator (TLS login through tiberius and rustls), and talks to pgbridge
//! with tokio-postgres.
//!
//! What passing here proves: the TDS protocol path (TLS login, typed result metadata and values
//! of the types the emulator has, parameters through `sp_executesql`, `#temp` table DML, batch
//! and transaction control) and the mapping of the error numbers the emulator raises. What it
//! cannot prove (the emulator has no constraints, does not undo writes on ROLLBACK, and lacks
//! DECIMAL, TIME, DATETIMEOFFSET, UNIQUEIDENTIFIER and VARBINARY values) is listed in
//! docs/database-adapters.md and runs in `tests/mssql_server.rs` against a real SQL Server.
//!
//! Without Python and the package each test prints why and returns, unless
//! `PGBRIDGE_REQUIRE_MSSQL_EMULATOR` is set (CI): then it fails.

mod common;

use std::time::Duration;

use common::mssql::{self, Emulator};
use common::{TestServer, text_row};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

/// The emulator, a pgbridge in front of it (URL `options` added, at most `max_connections`
/// backend connections) and a connected client; `None` when the emulator cannot run.
async fn session(options: &str, max_connections: u32) -> Option<(Emulator, TestServer, Client)> {
    let emulator = Emulator::start()?;
    let server = mssql::pgbridge(emulator.url(options), max_connections).await;
    let client = server.client().await;
    Some((emulator, server, client))
}

#[tokio::test]
async fn emulator_login_over_tls_and_typed_selects() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    mssql::typed_literals(&client).await;
}

#[tokio::test]
async fn emulator_reads_a_table_typed_by_information_schema() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    let rows = client
        .query(
            "SELECT id, name, score FROM people WHERE score > $1 ORDER BY id",
            &[&80.0f64],
        )
        .await
        .unwrap();
    let types: Vec<Type> = rows[0]
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    assert_eq!(types, [Type::INT4, Type::VARCHAR, Type::FLOAT8]);
    let seen: Vec<(i32, String, f64)> = rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    assert_eq!(
        seen,
        [(1, "ada".to_owned(), 99.5), (2, "grace".to_owned(), 87.25)]
    );
    // A wildcard: the columns come from the metadata of the prepare-time run.
    let all = client
        .query_one("SELECT * FROM people WHERE id = $1", &[&3i32])
        .await
        .unwrap();
    let names: Vec<&str> = all.columns().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["id", "name", "score"]);
    assert_eq!(all.get::<_, &str>(1), "edsger");
    assert_eq!(all.get::<_, f64>(2), 78.0);
    let limited = client
        .query("SELECT name FROM people ORDER BY id LIMIT 1 OFFSET 1", &[])
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    assert_eq!(limited[0].get::<_, &str>(0), "grace");
}

#[tokio::test]
async fn emulator_parameters() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    mssql::parameters(&client).await;
}

#[tokio::test]
async fn emulator_temp_table_dml() {
    let Some((_emulator, _server, client)) = session("&pooling=session", 4).await else {
        return;
    };
    mssql::temp_table_dml(&client).await;
}

#[tokio::test]
async fn emulator_failed_block_until_rollback() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    mssql::failed_block_until_rollback(&client).await;
}

#[tokio::test]
async fn emulator_error_sqlstates() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    mssql::error_sqlstates(&client, "people").await;
}

/// Transaction pooling: with one backend connection, two sessions take turns; a session inside
/// a block keeps the connection, and the other waits until the block ends.
#[tokio::test]
async fn emulator_transaction_pooling_shares_one_connection() {
    let Some((_emulator, server, first)) = session("", 1).await else {
        return;
    };
    let second = server.client().await;
    for client in [&first, &second] {
        let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
        assert_eq!(one, 1);
    }
    first.batch_execute("BEGIN").await.unwrap();
    first.query_one("SELECT 2", &[]).await.unwrap();
    let waiting = tokio::spawn(async move {
        let three: i32 = second.query_one("SELECT 3", &[]).await.unwrap().get(0);
        three
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "the second session ran while the first held the only connection in a block"
    );
    first.batch_execute("COMMIT").await.unwrap();
    let three = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the second session runs once the block ends")
        .unwrap();
    assert_eq!(three, 3);
}

/// COPY (query) TO STDOUT streams the emulator's rows in PostgreSQL's text format.
#[tokio::test]
async fn emulator_copy_out() {
    let Some((_emulator, _server, client)) = session("", 2).await else {
        return;
    };
    let stream = client
        .copy_out("COPY (SELECT id, name, score FROM people ORDER BY id) TO STDOUT")
        .await
        .unwrap();
    let chunks: Vec<bytes::Bytes> = futures::TryStreamExt::try_collect(stream).await.unwrap();
    let text: String = chunks
        .iter()
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    assert_eq!(text, "1\tada\t99.5\n2\tgrace\t87.25\n3\tedsger\t78\n");
}

/// The ADO.NET connection string form logs in too.
#[tokio::test]
async fn emulator_ado_connection_string() {
    let Some(emulator) = Emulator::start() else {
        return;
    };
    let ado = format!(
        "mssql:Server=tcp:127.0.0.1,{};Database=pysqlbridge;User Id=pgbridge;\
         Password=Emulated-Secret-1;Encrypt=true;TrustServerCertificate=true",
        emulator.port
    );
    let server = mssql::pgbridge(ado, 2).await;
    let client = server.client().await;
    let two: i32 = client.query_one("SELECT 1 + 1", &[]).await.unwrap().get(0);
    assert_eq!(two, 2);
}

/// A wrong password fails the client's connection with 28P01 at pgbridge's start.
#[tokio::test]
async fn emulator_refuses_a_wrong_password() {
    let Some(emulator) = Emulator::start() else {
        return;
    };
    let url = emulator.url("").replace(":Emulated-Secret-1@", ":wrong@");
    let error = match pgbridge::engine::Engine::open_mssql(&url, 1).await {
        Ok(_) => panic!("a wrong password was admitted"),
        Err(error) => error,
    };
    assert_eq!(error.code, "28P01", "{error:?}");
}

/// The emulated PostgreSQL catalog reads the emulator's INFORMATION_SCHEMA.
#[tokio::test]
async fn emulator_catalog_lists_tables_and_columns() {
    let Some((_emulator, _server, client)) = session("", 4).await else {
        return;
    };
    let rows = client
        .query(
            "SELECT column_name, data_type FROM information_schema.columns \
             WHERE table_name = 'people' ORDER BY ordinal_position",
            &[],
        )
        .await
        .unwrap();
    let columns: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        columns
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        ["id", "name", "score"]
    );
    assert_eq!(columns[0].1, "integer");
    assert_eq!(columns[2].1, "double precision");
    // The emulator's table has no defaults, keys or indexes (its INFORMATION_SCHEMA says so,
    // and its sys.indexes holds one heap): the catalog reads them from there and shows none.
    let defaults: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns \
             WHERE table_name = 'people' AND column_default IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(defaults, 0);
    for sql in [
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'people'",
        "SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         WHERE t.relname = 'people'",
    ] {
        let found: i64 = client.query_one(sql, &[]).await.unwrap().get(0);
        assert_eq!(found, 0, "{sql}");
    }
}

/// A client of `server` logged in as `user` to database `database` (trust authentication).
async fn client_as(server: &TestServer, user: &str, database: &str) -> Client {
    let dsn = server
        .dsn()
        .replace("user=postgres", &format!("user={user}"))
        .replace("dbname=test", &format!("dbname={database}"));
    let (client, connection) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// What `current_user`, `session_user`, `current_database()` and `current_schema()` answer.
async fn session_functions(client: &Client) -> Vec<String> {
    let row = client
        .query_one(
            "SELECT current_user, session_user, current_database(), current_schema()",
            &[],
        )
        .await
        .unwrap();
    (0..4).map(|i| row.get(i)).collect()
}

/// SQLAlchemy's first queries on a connection, and the session's own values from SQL Server:
/// with one backend connection shared by two sessions (transaction pooling), each session
/// reads its own user and database, inside a block and out, however the turns alternate.
#[tokio::test]
async fn emulator_session_functions_follow_the_session_across_pooled_connections() {
    let Some(emulator) = Emulator::start() else {
        return;
    };
    let server = mssql::pgbridge(emulator.url(""), 1).await;
    let alice = client_as(&server, "alice", "shop").await;
    let bob = client_as(&server, "bob", "books").await;

    // SQLAlchemy's dialect initialisation, in its order.
    let version: String = alice
        .query_one("select pg_catalog.version()", &[])
        .await
        .unwrap()
        .get(0);
    assert!(
        version.starts_with("PostgreSQL 16.") && version.contains("pgbridge"),
        "{version}"
    );
    let schema: String = alice
        .query_one("select current_schema()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(schema, "public");
    let conforming = text_row(&alice, "show standard_conforming_strings").await;
    assert_eq!(conforming, [Some("on".to_owned())]);
    let simple_version = text_row(&bob, "SELECT version()").await;
    assert_eq!(simple_version, [Some(version.clone())]);

    let expect = |user: &str, database: &str| {
        vec![
            user.to_owned(),
            user.to_owned(),
            database.to_owned(),
            "public".to_owned(),
        ]
    };
    for _ in 0..2 {
        assert_eq!(session_functions(&alice).await, expect("alice", "shop"));
        assert_eq!(session_functions(&bob).await, expect("bob", "books"));
    }
    // Inside a block the session keeps the connection; its values hold throughout.
    alice.batch_execute("BEGIN").await.unwrap();
    assert_eq!(session_functions(&alice).await, expect("alice", "shop"));
    alice
        .query_one("SELECT name FROM people WHERE id = 1", &[])
        .await
        .unwrap();
    assert_eq!(session_functions(&alice).await, expect("alice", "shop"));
    alice.batch_execute("COMMIT").await.unwrap();
    assert_eq!(session_functions(&bob).await, expect("bob", "books"));
    // Beside a table's columns, with a parameter.
    let row = bob
        .query_one(
            "SELECT name, current_user AS who FROM people WHERE id = $1",
            &[&2i32],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, &str>(0), row.get::<_, &str>(1)),
        ("grace", "bob")
    );
}
