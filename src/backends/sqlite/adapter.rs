//! The SQLite adapter: the engine's seam ([`Adapter`], [`BackendConnection`]) over the worker
//! of each session (a local task of the session's thread, or a thread of its own). Each method is one command on the worker's channel; nothing here
//! adds a step to the hot path.

use std::sync::Arc;

use pgbridge_dialects::{AddedKey, PgType, SchemaChange, Target};
use pgbridge_proxy::{CancelToken, SqlError, Value};
use tokio::sync::mpsc;

use super::connect::{OpenOptions, Worker};
use super::{SqliteLocation, sqlite_version};
use crate::backends::adapter::{
    Adapter, BackendConnection, Batch, OutputType, Prepared, SessionValues, TableColumns,
    insert_with_placeholders, quote_identifier,
};

/// One SQLite database (a file, or a private in-memory database) served to every session.
pub struct SqliteAdapter {
    options: OpenOptions,
    /// Keeps an in-memory database alive while the server runs.
    _keeper: Worker,
}

impl SqliteAdapter {
    /// Opens the database behind a `sqlite://` URL (creating the file if missing).
    pub fn open(url: &str) -> Result<SqliteAdapter, SqlError> {
        let location = SqliteLocation::parse(url).ok_or_else(|| {
            SqlError::new(
                "08001",
                format!(
                    "cannot read backend URL \"{url}\": expected sqlite://PATH or sqlite::memory:"
                ),
            )
        })?;
        let options = OpenOptions {
            path: location.open_path(),
            busy_timeout_ms: 5_000,
            capture: false,
            journal: None,
        };
        let keeper = Worker::open(&options, Arc::new(SessionValues::default()))?;
        Ok(SqliteAdapter {
            options,
            _keeper: keeper,
        })
    }
}

impl Adapter for SqliteAdapter {
    type Connection = Worker;

    fn target(&self) -> Target {
        Target::Sqlite
    }

    fn backend_version(&self) -> String {
        format!("SQLite {}", sqlite_version())
    }

    #[cfg(feature = "observers")]
    fn capture_changes(&mut self, journal: &std::path::Path) -> Result<(), SqlError> {
        self.options.capture = true;
        self.options.journal =
            (journal != std::path::Path::new(":memory:")).then(|| journal.display().to_string());
        Ok(())
    }

    async fn connect(&self, session: Arc<SessionValues>) -> Result<Worker, SqlError> {
        if pgbridge_proxy::dedicated::is_dedicated_thread() {
            // Opening blocks for a moment, but only this session's own thread.
            return Worker::open(&self.options, session);
        }
        let options = self.options.clone();
        tokio::task::spawn_blocking(move || Worker::open(&options, session))
            .await
            .map_err(|e| SqlError::new("53000", format!("cannot open a session: {e}")))?
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

    async fn ddl(&self, sql: String, change: Option<SchemaChange>) -> Result<(), SqlError> {
        Worker::ddl(self, sql, change).await
    }

    async fn table_columns(&self, table: String) -> Result<Option<TableColumns>, SqlError> {
        Worker::table_columns(self, table).await
    }

    async fn refresh_catalog(&self) -> Result<(), SqlError> {
        Worker::refresh_catalog(self).await
    }

    /// A primary key added to an existing table becomes a unique index on SQLite, which cannot
    /// add NOT NULL to a column: so every key column must already be NOT NULL.
    async fn check_added_key(&self, key: &AddedKey) -> Result<(), SqlError> {
        if !key.primary {
            return Ok(());
        }
        let mut receiver = Worker::query(
            self,
            "SELECT name FROM pragma_table_info(?1) WHERE \"notnull\" = 0 AND pk = 0".to_owned(),
            vec![Value::Text(key.table.clone())],
            vec![OutputType {
                pg_type: PgType::Text,
                numeric_scale: None,
                char_length: None,
            }],
        )?;
        let mut nullable = Vec::new();
        while let Some(batch) = receiver.recv().await {
            let batch = batch?;
            nullable.extend(batch.rows.into_iter().filter_map(
                |row| match row.into_iter().next() {
                    Some(Value::Text(name)) => Some(name),
                    _ => None,
                },
            ));
            if batch.last {
                break;
            }
        }
        match key
            .columns
            .iter()
            .find(|c| nullable.iter().any(|n| n.eq_ignore_ascii_case(c)))
        {
            Some(column) => Err(SqlError::unsupported(format!(
                "ADD PRIMARY KEY on column \"{column}\", which allows NULL, on SQLite"
            ))
            .with_hint("declare the column NOT NULL when the table is created")),
            None => Ok(()),
        }
    }

    fn cancel_token(&self) -> CancelToken {
        let interrupt = self.interrupt_handle();
        Arc::new(move || interrupt.interrupt())
    }

    #[cfg(feature = "observers")]
    fn take_changes(&self) -> Vec<crate::observers::event::RowChange> {
        Worker::take_changes(self)
    }

    fn begin_statement(&self, read_only: bool) -> &'static str {
        // Deferred: a block takes the write lock at its first write, not at BEGIN, so blocks
        // that only read (drivers open one for every statement outside autocommit) never wait
        // for another session's open transaction. A block whose snapshot went stale before its
        // first write fails there with 40001, as under PostgreSQL's serializable isolation.
        let _ = read_only;
        "BEGIN DEFERRED"
    }

    fn insert_statement(&self, table: &str, columns: &[String]) -> String {
        insert_with_placeholders(table, columns, |n| format!("?{n}"))
    }

    fn analyze_statement(&self, table: Option<&str>) -> Option<String> {
        // SQLite keeps no dead row versions to vacuum; both refresh the planner's statistics.
        Some(match table {
            Some(table) => format!("ANALYZE {}", quote_identifier(table)),
            None => "ANALYZE".to_owned(),
        })
    }
}
