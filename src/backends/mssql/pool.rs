//! A small pool of tiberius clients: at most `backend_max_connections` open at once, idle ones
//! kept for the next statement. (bb8 and deadpool both fit tiberius, but the whole need is a
//! semaphore and a stack; a dependency would add more than it saves.)
//!
//! Each new client runs the SQL Server target's session setup (`SET QUOTED_IDENTIFIER ON`,
//! ..., the `#pgbridge_session` table) before it is used. A client whose connection failed is
//! closed, never given back. Each client remembers whose session values (`version()`,
//! `current_user`, `current_database()`) it holds, so that a session sets its own only when
//! the client comes from another (connect.rs).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pgbridge_dialects::Target as Dialect;
use pgbridge_proxy::SqlError;
use tiberius::{Client as TdsClient, Config, Row, SqlBrowser};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

use super::errors::classify;
use super::url::Pooling;

/// A connection to SQL Server.
pub type Client = TdsClient<Compat<TcpStream>>;

/// How long a statement waits for a free connection before it fails with 53300.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(30);

/// The clients of one backend.
pub struct Pool {
    config: Config,
    idle: Mutex<Vec<(Client, Option<SessionId>)>>,
    permits: Arc<Semaphore>,
    sessions: AtomicU64,
    pub pooling: Pooling,
}

/// Tells the sessions of one pool apart.
pub type SessionId = u64;

/// A client taken from the pool, with its place in the connection limit.
pub struct Lease {
    pub client: Client,
    /// The session whose values the client's `#pgbridge_session` holds (none yet when new).
    pub values_of: Option<SessionId>,
    _permit: OwnedSemaphorePermit,
}

/// Opens a connection (a named instance through the SQL Browser) and sets the session up.
pub async fn connect(config: &Config) -> Result<Client, SqlError> {
    let unreachable = |e: &dyn std::fmt::Display| {
        SqlError::new(
            "08001",
            format!("cannot reach SQL Server at {}: {e}", config.get_addr()),
        )
    };
    let tcp = TcpStream::connect_named(config)
        .await
        .map_err(|e| unreachable(&e))?;
    tcp.set_nodelay(true).map_err(|e| unreachable(&e))?;
    let mut client = TdsClient::connect(config.clone(), tcp.compat_write())
        .await
        .map_err(|e| classify(&e))?;
    let setup = Dialect::MsSql.dialect().session_setup().join("; ");
    if !setup.is_empty() {
        batch_results(&mut client, &setup).await?;
    }
    Ok(client)
}

/// Runs a batch as SQL text (not through `sp_executesql`, whose scope would drop the `#temp`
/// tables the batch creates) and reads every result.
pub async fn batch_results(client: &mut Client, sql: &str) -> Result<Vec<Vec<Row>>, SqlError> {
    client
        .simple_query(sql)
        .await
        .map_err(|e| classify(&e))?
        .into_results()
        .await
        .map_err(|e| classify(&e))
}

impl Pool {
    /// A pool for `config`, holding `first` (the client the adapter checked the server with).
    pub fn new(config: Config, pooling: Pooling, max_connections: u32, first: Client) -> Pool {
        let max = usize::try_from(max_connections.max(1)).unwrap_or(usize::MAX);
        Pool {
            config,
            idle: Mutex::new(vec![(first, None)]),
            permits: Arc::new(Semaphore::new(max)),
            sessions: AtomicU64::new(0),
            pooling,
        }
    }

    /// A number for a new session, unique in this pool.
    pub fn new_session(&self) -> SessionId {
        self.sessions.fetch_add(1, Ordering::Relaxed)
    }

    /// Takes an idle client or opens one, waiting while the limit is reached.
    pub async fn take(&self) -> Result<Lease, SqlError> {
        let permit = tokio::time::timeout(
            WAIT_FOR_CONNECTION,
            Arc::clone(&self.permits).acquire_owned(),
        )
        .await
        .map_err(|_| {
            SqlError::new(
                "53300",
                "no SQL Server backend connection became free in time",
            )
        })?
        .map_err(|_| SqlError::new("08006", "the SQL Server pool is closed"))?;
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let (client, values_of) = match idle {
            Some(idle) => idle,
            None => (connect(&self.config).await?, None),
        };
        Ok(Lease {
            client,
            values_of,
            _permit: permit,
        })
    }

    /// Gives a healthy client back for the next statement.
    pub fn give_back(&self, lease: Lease) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((lease.client, lease.values_of));
    }
}
