//! The `sqlite` target: an in-process pgbridge on port 0 with a fresh SQLite file per case file,
//! queried with tokio-postgres exactly like the oracle.

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::answer::Answer;
use crate::postgres_wire::WireSession;

/// A running pgbridge and one client session on it.
pub struct SqliteTarget {
    session: WireSession,
    stop: oneshot::Sender<()>,
    server: JoinHandle<Result<(), pgbridge::RunError>>,
    _directory: tempfile::TempDir,
}

impl SqliteTarget {
    pub async fn start() -> anyhow::Result<SqliteTarget> {
        let directory = tempfile::tempdir()?;
        let config = pgbridge::Config {
            backend: format!("sqlite://{}", directory.path().join("case.db").display()),
            ..Default::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(pgbridge::run(config, listener, async {
            let _ = stopped.await;
        }));
        let session = WireSession::connect(&format!(
            "host=127.0.0.1 port={port} user=postgres dbname=test"
        ))
        .await?;
        Ok(SqliteTarget {
            session,
            stop,
            server,
            _directory: directory,
        })
    }

    pub async fn run(&self, sql: &str) -> Answer {
        self.session.run(sql).await
    }

    /// The SQLite version pgbridge embeds (one `libsqlite3-sys` in the build, so this is it).
    pub fn version() -> &'static str {
        rusqlite::version()
    }

    /// Closes the session and stops the server.
    pub async fn finish(self) -> anyhow::Result<()> {
        drop(self.session);
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}
