//! Transaction blocks: ReadyForQuery status, PostgreSQL's failed-block rule (25P02), savepoints.

mod common;

use common::{TestServer, count, sqlstate};

#[tokio::test]
async fn failed_block_rejects_everything_until_rollback() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    client
        .batch_execute("BEGIN; INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (1)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    let error = client.query("SELECT 1", &[]).await.unwrap_err();
    assert_eq!(sqlstate(&error), "25P02");
    let error = client
        .batch_execute("INSERT INTO t VALUES (2)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "25P02");
    // COMMIT of a failed block rolls back, as PostgreSQL does.
    let messages = client.simple_query("COMMIT").await.unwrap();
    assert!(matches!(
        &messages[0],
        tokio_postgres::SimpleQueryMessage::CommandComplete(_)
    ));
    assert_eq!(
        count(&client, "t").await,
        0,
        "the failed block's insert must be rolled back"
    );
}

#[tokio::test]
async fn commit_and_rollback_keep_or_drop_work() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT)")
        .await
        .unwrap();
    let transaction = client.transaction().await.unwrap();
    transaction
        .execute("INSERT INTO t VALUES ($1)", &[&1i32])
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    let transaction = client.transaction().await.unwrap();
    transaction
        .execute("INSERT INTO t VALUES ($1)", &[&2i32])
        .await
        .unwrap();
    transaction.rollback().await.unwrap();
    let ids: Vec<i32> = client
        .query("SELECT id FROM t", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1]);
}

#[tokio::test]
async fn savepoints_undo_part_of_a_block() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    client
        .batch_execute("BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s1; INSERT INTO t VALUES (2)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (2)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    client
        .batch_execute("ROLLBACK TO SAVEPOINT s1")
        .await
        .unwrap();
    client
        .batch_execute("INSERT INTO t VALUES (3); RELEASE SAVEPOINT s1; COMMIT")
        .await
        .unwrap();
    let ids: Vec<i32> = client
        .query("SELECT id FROM t ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1, 3]);
    let error = client.batch_execute("SAVEPOINT outside").await.unwrap_err();
    assert_eq!(sqlstate(&error), "25P01");
}

#[tokio::test]
async fn simple_query_stops_at_the_first_error() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (1); SELECT 1/0; INSERT INTO t VALUES (2)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22012");
    assert_eq!(
        count(&client, "t").await,
        0,
        "one Query message is one implicit transaction: the insert before the error is undone"
    );
    client
        .batch_execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
        .await
        .unwrap();
    assert_eq!(count(&client, "t").await, 2);
    // COMMIT inside the message ends the implicit transaction; what follows is on its own.
    let error = client
        .batch_execute("INSERT INTO t VALUES (3); COMMIT; INSERT INTO t VALUES (4); SELECT 1/0")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22012");
    assert_eq!(count(&client, "t").await, 3);
}

/// One frontend message: its type byte, length and body.
fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&(i32::try_from(body.len()).unwrap() + 4).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Parse, Bind and Execute of `sql` on the unnamed statement and portal, without Sync.
fn run_unnamed(sql: &str) -> Vec<u8> {
    let mut parse = vec![0];
    parse.extend_from_slice(sql.as_bytes());
    parse.extend_from_slice(&[0, 0, 0]);
    let mut out = message(b'P', &parse);
    out.extend(message(b'B', &[0, 0, 0, 0, 0, 0, 0, 0]));
    out.extend(message(b'E', &[0, 0, 0, 0, 0]));
    out
}

/// Sends the messages after startup, then waits for ReadyForQuery; returns what came back.
async fn exchange(server: &TestServer, batch: Vec<u8>) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut startup = 196_608i32.to_be_bytes().to_vec();
    for part in ["user", "postgres", "database", "test", ""] {
        startup.extend_from_slice(part.as_bytes());
        startup.push(0);
    }
    let mut first = (i32::try_from(startup.len()).unwrap() + 4)
        .to_be_bytes()
        .to_vec();
    first.extend(startup);
    stream.write_all(&first).await.unwrap();
    let mut reply = Vec::new();
    let mut buffer = [0u8; 4096];
    let mut ready = 0;
    let mut sent = false;
    while ready < 2 {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .expect("no reply within 10 s")
            .unwrap();
        assert!(n > 0, "connection closed");
        reply.extend_from_slice(&buffer[..n]);
        // ReadyForQuery is `Z`, length 5; the first follows startup, the second the batch.
        ready = reply
            .windows(6)
            .filter(|w| w[0] == b'Z' && w[1..5] == [0, 0, 0, 5])
            .count();
        if ready == 1 && !sent {
            stream.write_all(&batch).await.unwrap();
            sent = true;
        }
    }
    reply
}

#[tokio::test]
async fn statements_up_to_sync_are_one_implicit_transaction() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    // What asyncpg's executemany sends: Bind/Execute per row, one Sync. A failure undoes all.
    let mut batch = run_unnamed("INSERT INTO t VALUES (1)");
    batch.extend(run_unnamed("INSERT INTO t VALUES (1)"));
    batch.extend(message(b'S', &[]));
    let reply = exchange(&server, batch).await;
    assert!(
        reply.windows(6).any(|w| w == b"C23505"),
        "expected 23505 in {reply:?}"
    );
    assert_eq!(count(&client, "t").await, 0, "the batch is all or nothing");
    let mut batch = run_unnamed("INSERT INTO t VALUES (1)");
    batch.extend(run_unnamed("INSERT INTO t VALUES (2)"));
    batch.extend(message(b'S', &[]));
    exchange(&server, batch).await;
    assert_eq!(
        count(&client, "t").await,
        2,
        "a batch without error commits at Sync"
    );
}

#[tokio::test]
async fn a_syntax_error_anywhere_runs_nothing() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id INT)")
        .await
        .unwrap();
    let error = client
        .batch_execute("INSERT INTO t VALUES (1); SELEC 2")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "42601");
    assert_eq!(count(&client, "t").await, 0);
}

#[tokio::test]
async fn blocks_that_read_do_not_wait_for_another_block() {
    let server = TestServer::start().await;
    let writer = server.client().await;
    let reader = server.client().await;
    writer
        .batch_execute("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    writer
        .batch_execute("BEGIN; INSERT INTO t VALUES (2)")
        .await
        .unwrap();
    // A driver outside autocommit opens a block for every statement, reads included.
    reader.batch_execute("BEGIN").await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        count(&reader, "t").await,
        1,
        "the uncommitted row is not seen"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "the read waited {:?} for the other block",
        started.elapsed()
    );
    writer.batch_execute("COMMIT").await.unwrap();
    // The reader's snapshot is now stale: its first write fails as under serializable.
    let error = reader
        .batch_execute("INSERT INTO t VALUES (3)")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "40001");
    reader.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(count(&reader, "t").await, 2);
}

/// A block whose client has read nothing yet writes even though another session wrote since
/// pgbridge itself read (preparing the statement reads the schema); a block whose client read
/// before the other session's write fails with 40001, which clients retry, as under PostgreSQL's
/// serializable isolation.
#[tokio::test]
async fn concurrent_writers_wait_or_fail_with_40001() {
    let server = TestServer::start().await;
    let first = server.client().await;
    let second = server.client().await;
    first
        .batch_execute("CREATE TABLE c (id INT PRIMARY KEY, v INT); INSERT INTO c VALUES (1, 0)")
        .await
        .unwrap();

    first.batch_execute("BEGIN").await.unwrap();
    let update = first
        .prepare("UPDATE c SET v = v + 1 WHERE id = $1")
        .await
        .unwrap();
    second
        .batch_execute("UPDATE c SET v = v + 10 WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(first.execute(&update, &[&1i32]).await.unwrap(), 1);
    first.batch_execute("COMMIT").await.unwrap();
    let v: i32 = second
        .query_one("SELECT v FROM c WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(v, 11, "both writes kept");

    first.batch_execute("BEGIN").await.unwrap();
    let read: i32 = first
        .query_one("SELECT v FROM c WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(read, 11);
    second
        .batch_execute("UPDATE c SET v = v + 10 WHERE id = 1")
        .await
        .unwrap();
    let error = first.execute(&update, &[&1i32]).await.unwrap_err();
    assert_eq!(sqlstate(&error), "40001");
    first.batch_execute("ROLLBACK").await.unwrap();
}
