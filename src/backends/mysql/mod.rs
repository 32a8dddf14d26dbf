//! The MySQL / MariaDB backend (feature `mysql`): sqlx's MySQL driver, a pool of connections
//! each set up with the MySQL target's `session_setup` (ANSI quotes, `||` concatenation, strict
//! tables, no backslash escapes, UTC, utf8mb4 with a binary collation, the `pgbridge_*` helper
//! functions), and one pooled connection pinned to each client session (docs/mysql.md).
//!
//! * `connect.rs`: the session's connection task and its command channel.
//! * `types.rs`: MySQL types and values to PostgreSQL's, and parameters to bind arguments.
//! * `errors.rs`: MySQL error numbers to SQLSTATE.
//! * `schema.rs`: a table's columns with PostgreSQL types, from `information_schema`.
//! * `registry.rs`: the declared PostgreSQL types of columns created through pgbridge.
//! * `catalog.rs`: the schema as the emulated PostgreSQL catalog needs it (feature `sqlite`:
//!   catalog reads run on a SQLite mirror of the schema, `backends/catalog_database/`).
//!
//! Statements arrive translated by `pgbridge-dialects` for `Target::MySql`; the engine binds
//! the `?` placeholders in the order `Translation::parameter_order` gives.

#[cfg(feature = "sqlite")]
mod catalog;
mod connect;
mod errors;
mod registry;
mod schema;
mod types;

use std::str::FromStr;
use std::sync::Arc;

use pgbridge_dialects::{SchemaChange, Target};
use pgbridge_proxy::{CancelToken, SqlError, Value};
use sqlx::AssertSqlSafe;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use tokio::sync::mpsc;

pub use connect::Worker;

use crate::backends::adapter::{
    Adapter, BackendConnection, Batch, OutputType, Prepared, SessionValues, TableColumns,
    insert_with_placeholders, quote_identifier,
};
use crate::backends::catalog_database::CatalogReads;
#[cfg(not(feature = "sqlite"))]
use crate::backends::catalog_database::catalog_needs_sqlite;

/// A MySQL or MariaDB database behind a `mysql://` (or `mariadb://`) URL.
pub struct MySqlAdapter {
    pool: MySqlPool,
    options: MySqlConnectOptions,
    version: String,
}

impl MySqlAdapter {
    /// Connects to `mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (sqlx's URL options, such
    /// as `ssl-mode`, apply) and checks that a connection can be set up; the pool opens at most
    /// `max_connections` (config `backend_max_connections`).
    pub async fn open(url: &str, max_connections: u32) -> Result<MySqlAdapter, SqlError> {
        let url = match url.strip_prefix("mariadb:") {
            Some(rest) => format!("mysql:{rest}"),
            None => url.to_owned(),
        };
        let options = MySqlConnectOptions::from_str(&url).map_err(|e| {
            SqlError::new(
                "08001",
                format!("cannot read backend URL: {e}: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE"),
            )
        })?;
        if options.get_database().is_none() {
            return Err(SqlError::new(
                "08001",
                "the MySQL backend URL names no database: mysql://USER:PASSWORD@HOST:PORT/DATABASE",
            ));
        }
        let pool = MySqlPoolOptions::new()
            .max_connections(max_connections)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    for statement in Target::MySql.dialect().session_setup() {
                        sqlx::raw_sql(AssertSqlSafe(statement))
                            .execute(&mut *connection)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(|e| errors::classify(&e))?;
        let version: String = sqlx::query_scalar("SELECT VERSION()")
            .fetch_one(&pool)
            .await
            .map_err(|e| errors::classify(&e))?;
        let version = if version.contains("MariaDB") {
            format!("MariaDB {}", version.split('-').next().unwrap_or(&version))
        } else {
            format!("MySQL {version}")
        };
        Ok(MySqlAdapter {
            pool,
            options,
            version,
        })
    }
}

impl Adapter for MySqlAdapter {
    type Connection = Worker;

    fn target(&self) -> Target {
        Target::MySql
    }

    fn backend_version(&self) -> String {
        self.version.clone()
    }

    async fn connect(&self, session: Arc<SessionValues>) -> Result<Worker, SqlError> {
        Worker::open(&self.pool, &self.options, session).await
    }
}

impl BackendConnection for Worker {
    async fn prepare(&self, sql: String) -> Result<Prepared, SqlError> {
        Worker::prepare(self, sql).await
    }

    fn query(
        &self,
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
    ) -> Result<mpsc::Receiver<Batch>, SqlError> {
        Worker::query(self, sql, parameters, types)
    }

    async fn execute(&self, sql: String, parameters: Vec<Value>) -> Result<u64, SqlError> {
        Worker::execute(self, sql, parameters).await
    }

    async fn batch(&self, sql: String) -> Result<(), SqlError> {
        Worker::batch(self, sql).await
    }

    async fn insert_rows(&self, sql: String, rows: Vec<Vec<Value>>) -> Result<u64, SqlError> {
        Worker::insert_rows(self, sql, rows).await
    }

    /// MySQL commits DDL implicitly (PostgreSQL's DDL is transactional): a CREATE TABLE inside
    /// a transaction block commits what came before it. docs/mysql.md lists this difference.
    async fn ddl(&self, sql: String, change: Option<SchemaChange>) -> Result<(), SqlError> {
        Worker::ddl(self, sql, change).await
    }

    async fn table_columns(&self, table: String) -> Result<Option<TableColumns>, SqlError> {
        Worker::table_columns(self, table).await
    }

    /// Catalog reads run on the session's catalog database, a SQLite mirror of the schema
    /// (`backends/catalog_database/`); without SQLite they are refused.
    fn catalog_reads(&self) -> CatalogReads<'_> {
        #[cfg(feature = "sqlite")]
        return CatalogReads::Apart(self.catalog());
        #[cfg(not(feature = "sqlite"))]
        return CatalogReads::Refused(catalog_needs_sqlite("MySQL"));
    }

    #[cfg(feature = "sqlite")]
    async fn refresh_catalog(&self) -> Result<(), SqlError> {
        Worker::refresh_catalog(self).await
    }

    fn cancel_token(&self) -> CancelToken {
        Worker::cancel_token(self)
    }

    fn begin_statement(&self, read_only: bool) -> &'static str {
        if read_only {
            "START TRANSACTION READ ONLY"
        } else {
            "START TRANSACTION"
        }
    }

    fn insert_statement(&self, table: &str, columns: &[String]) -> String {
        insert_with_placeholders(table, columns, |_| "?".to_owned())
    }

    fn analyze_statement(&self, table: Option<&str>) -> Option<String> {
        table.map(|table| format!("ANALYZE TABLE {}", quote_identifier(table)))
    }
}
