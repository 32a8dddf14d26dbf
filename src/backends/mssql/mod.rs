//! The SQL Server backend (feature `mssql`): tiberius (TDS 7.3+, TLS through rustls), a small
//! pool of clients each set up with the SQL Server target's `session_setup`, and transaction
//! pooling by default: a session holds a client only inside a transaction block
//! (docs/database-adapters.md).
//!
//! * `url.rs`: the `mssql://` URL, its options and the pooling mode.
//! * `pool.rs`: the clients, at most `backend_max_connections` at once.
//! * `connect.rs`: the session's connection task and its command channel.
//! * `control.rs`: the engine's transaction control in T-SQL.
//! * `describe.rs`: what a translated statement returns, for `prepare`.
//! * `types.rs`: SQL Server types and values to PostgreSQL's, and parameters to TDS values.
//! * `errors.rs`: SQL Server error numbers to SQLSTATE.
//! * `schema.rs`: a table's columns with PostgreSQL types, from `INFORMATION_SCHEMA`.
//! * `catalog.rs`: the schema as the emulated PostgreSQL catalog needs it, with defaults, keys,
//!   indexes and foreign keys (feature `sqlite`: catalog reads run on a SQLite mirror of the
//!   schema, `backends/catalog_database/`).
//!
//! Statements arrive translated by `pgbridge-dialects` for `Target::MsSql`, with `@P1 .. @Pn`
//! parameters, which tiberius sends through `sp_executesql`. Not done yet: cancel (tiberius
//! has no cancel request), observers.

#[cfg(feature = "sqlite")]
mod catalog;
mod connect;
mod control;
mod describe;
mod errors;
mod pool;
mod schema;
mod types;
mod url;

use std::sync::Arc;

use pgbridge_dialects::Target;
use pgbridge_proxy::SqlError;

pub use connect::Worker;

use crate::backends::adapter::{Adapter, SessionValues};

/// A SQL Server database behind a `mssql://` URL.
pub struct MsSqlAdapter {
    pool: Arc<pool::Pool>,
    version: String,
}

impl MsSqlAdapter {
    /// Connects to `mssql://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS` (`url.rs`) and checks that
    /// a connection can be set up; the pool opens at most `max_connections` (config
    /// `backend_max_connections`).
    pub async fn open(url: &str, max_connections: u32) -> Result<MsSqlAdapter, SqlError> {
        let target = url::parse(url)?;
        let mut client = pool::connect(&target.config).await?;
        let version_row = client
            .simple_query("SELECT @@VERSION")
            .await
            .map_err(|e| errors::classify(&e))?
            .into_row()
            .await
            .map_err(|e| errors::classify(&e))?;
        let version = version_row
            .and_then(|row| row.get::<&str, _>(0).map(str::to_owned))
            .unwrap_or_default();
        // `Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) ...`: the first line.
        let version = version
            .lines()
            .next()
            .unwrap_or("SQL Server")
            .trim()
            .to_owned();
        Ok(MsSqlAdapter {
            pool: Arc::new(pool::Pool::new(
                target.config,
                target.pooling,
                max_connections,
                client,
            )),
            version,
        })
    }
}

impl Adapter for MsSqlAdapter {
    type Connection = Worker;

    fn target(&self) -> Target {
        Target::MsSql
    }

    fn backend_version(&self) -> String {
        self.version.clone()
    }

    async fn connect(&self, session: Arc<SessionValues>) -> Result<Worker, SqlError> {
        Ok(Worker::open(Arc::clone(&self.pool), session))
    }
}
