//! Hostile or broken clients get an error or a closed socket; the server keeps serving.

mod common;

use std::time::Duration;

use common::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the peer closes or goes quiet; returns what arrived.
async fn drain(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return out,
            Ok(Ok(n)) => out.extend_from_slice(&buffer[..n]),
        }
    }
}

fn startup_message() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&196_608i32.to_be_bytes());
    for part in ["user", "postgres", "database", "test"] {
        body.extend_from_slice(part.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut message = (i32::try_from(body.len()).unwrap() + 4)
        .to_be_bytes()
        .to_vec();
    message.extend(body);
    message
}

async fn still_serving(server: &TestServer) {
    let client = server.client().await;
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
}

#[tokio::test]
async fn garbage_before_startup_closes_the_connection() {
    let server = TestServer::start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let reply = drain(&mut stream).await;
    assert!(
        reply.is_empty() || reply[0] == b'E',
        "unexpected reply {reply:?}"
    );
    still_serving(&server).await;
}

#[tokio::test]
async fn oversized_message_is_refused() {
    let server = TestServer::start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&startup_message()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A Query claiming to be 1 GiB long.
    let mut query = vec![b'Q'];
    query.extend_from_slice(&(1i32 << 30).to_be_bytes());
    query.extend_from_slice(b"SELECT 1");
    stream.write_all(&query).await.unwrap();
    let reply = drain(&mut stream).await;
    assert!(!reply.is_empty(), "expected at least the startup reply");
    still_serving(&server).await;
}

#[tokio::test]
async fn unknown_message_type_and_truncated_bind_do_not_crash() {
    let server = TestServer::start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&startup_message()).await.unwrap();
    // Parse of a statement with one parameter, then a Bind whose format codes outnumber its
    // parameters (pgwire would index past the end), then Sync.
    let mut messages = Vec::new();
    let parse_body = b"\0SELECT $1::int\0\0\0";
    messages.push(b'P');
    messages.extend_from_slice(&(i32::try_from(parse_body.len()).unwrap() + 4).to_be_bytes());
    messages.extend_from_slice(parse_body);
    let bind_body: &[u8] = &[0, 0, 0, 3, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0];
    messages.push(b'B');
    messages.extend_from_slice(&(i32::try_from(bind_body.len()).unwrap() + 4).to_be_bytes());
    messages.extend_from_slice(bind_body);
    messages.extend_from_slice(&[b'S', 0, 0, 0, 4]);
    messages.extend_from_slice(&[b'@', 0, 0, 0, 4]);
    stream.write_all(&messages).await.unwrap();
    let reply = drain(&mut stream).await;
    assert!(
        reply.contains(&b'E'),
        "expected an ErrorResponse, got {reply:?}"
    );
    still_serving(&server).await;
}

#[tokio::test]
async fn client_disconnecting_mid_result_leaves_the_server_healthy() {
    let server = TestServer::start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&startup_message()).await.unwrap();
    let sql = b"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT x FROM c\0";
    let mut query = vec![b'Q'];
    query.extend_from_slice(&(i32::try_from(sql.len()).unwrap() + 4).to_be_bytes());
    query.extend_from_slice(sql);
    stream.write_all(&query).await.unwrap();
    let mut first = [0u8; 1024];
    let _ = stream.read(&mut first).await.unwrap();
    drop(stream);
    still_serving(&server).await;
}

#[tokio::test]
async fn deeply_nested_expressions_are_refused_not_a_crash() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let depth = pgbridge_dialects::MAX_EXPRESSION_DEPTH;
    let chain = |terms: usize| format!("SELECT {}1", "1 + ".repeat(terms));
    // Within the limit it runs, through the simple and the extended protocol.
    let sum: i32 = client
        .query_one(chain(depth - 2).as_str(), &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sum, i32::try_from(depth - 1).unwrap());
    client.simple_query(&chain(depth - 2)).await.unwrap();
    // Past it (and far past it: a tree that would overflow any stack) it is refused with 54001.
    for terms in [depth + 1, 200_000] {
        let error = client.simple_query(&chain(terms)).await.unwrap_err();
        assert_eq!(common::sqlstate(&error), "54001", "{error}");
    }
    still_serving(&server).await;
}
