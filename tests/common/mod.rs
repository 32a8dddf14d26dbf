//! An in-process pgbridge on port 0 for tests, with a tokio-postgres client.

#![allow(dead_code)]

#[cfg(feature = "mysql")]
pub mod mariadb;
#[cfg(feature = "mssql")]
pub mod mssql;
pub mod oracle;

use std::net::SocketAddr;

use tokio::sync::oneshot;
use tokio_postgres::{Client, NoTls};

/// A running server; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    pub task: Option<tokio::task::JoinHandle<Result<(), pgbridge::RunError>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts pgbridge on a fresh SQLite file.
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let backend = format!("sqlite://{}", dir.path().join("test.db").display());
        Self::start_with(
            pgbridge::Config {
                backend,
                ..Default::default()
            },
            dir,
        )
        .await
    }

    pub async fn start_with(config: pgbridge::Config, dir: tempfile::TempDir) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(pgbridge::run(config, listener, async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    pub fn dsn(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=test",
            self.addr.port()
        )
    }

    /// A connected client; the connection task runs in the background.
    pub async fn client(&self) -> Client {
        let (client, connection) = tokio_postgres::connect(&self.dsn(), NoTls)
            .await
            .expect("connect");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }

    /// Stops accepting and waits for the server to finish.
    pub async fn shutdown(mut self) -> Result<(), pgbridge::RunError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("server task"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The SQLSTATE of a tokio-postgres error.
pub fn sqlstate(error: &tokio_postgres::Error) -> String {
    error
        .code()
        .map(|c| c.code().to_owned())
        .unwrap_or_else(|| format!("no sqlstate: {error}"))
}

/// `SELECT count(*)` of a table.
pub async fn count(client: &Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .expect("count")
        .get(0)
}

/// The first row of a simple query, as PostgreSQL's text.
pub async fn text_row(client: &Client, sql: &str) -> Vec<Option<String>> {
    let messages = client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    messages
        .iter()
        .find_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .expect("a row")
}
