//! The adapter seam: what the engine needs from a backend database, and nothing else.
//!
//! An [`Adapter`] is opened once per server (it holds the database location, a pool, the
//! version); it opens one [`BackendConnection`] per client session. The engine
//! (`src/engine/`) is generic over the adapter, so the calls on the hot path (`query`,
//! `execute`) are direct calls into the adapter's own code: no boxing, no dynamic dispatch.
//! The futures are spelled `impl Future + Send` rather than `async fn` so that the engine's
//! own futures stay `Send` for any adapter.
//!
//! Every method takes SQL already translated for [`Adapter::target`] and values already
//! decoded to PostgreSQL types; rows come back as PostgreSQL values in batches on a bounded
//! channel (so a slow client slows the backend instead of filling memory). The few statements
//! the engine writes itself (transaction control, `TRUNCATE` as `DELETE`, `COPY`'s `INSERT`)
//! use ANSI double-quoted identifiers, which every target reads; what differs per backend is a
//! method here (`begin_statement`, `insert_statement`, `analyze_statement`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use pgbridge_dialects::{AddedKey, PgType, SchemaChange, Target};
use pgbridge_proxy::{CancelToken, Field, Row, SqlError, Value};
use tokio::sync::mpsc;

use crate::backends::catalog_database::CatalogReads;

/// A table's columns: name, PostgreSQL type, type modifier (`atttypmod`, -1 when none).
pub type TableColumns = Vec<(String, PgType, i32)>;

/// What a prepared statement looks like to the backend.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub parameter_count: usize,
    /// Column names and the PostgreSQL type the backend's own metadata suggests (used when
    /// inference cannot decide); empty when the statement returns no rows.
    pub columns: Vec<(String, Option<PgType>)>,
    /// Where each column comes from, when it is a table's column: the table's OID in the
    /// emulated catalog and the column's `attnum` (RowDescription carries both; drivers look
    /// tables up by them). Empty when the backend cannot tell.
    pub origins: Vec<Option<(u32, i16)>>,
}

/// The PostgreSQL type a result column is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputType {
    pub pg_type: PgType,
    /// The scale of a `numeric(p, s)` column: values are rounded and padded to it.
    pub numeric_scale: Option<usize>,
    /// The length of a `char(n)` column: values are blank-padded to it.
    pub char_length: Option<usize>,
}

impl OutputType {
    /// The output type of a described field.
    pub fn of(field: &Field) -> OutputType {
        OutputType::with_modifier(field.pg_type, field.type_modifier)
    }

    /// The output type of a column of `pg_type` with type modifier `modifier` (`atttypmod`).
    pub fn with_modifier(pg_type: PgType, modifier: i32) -> OutputType {
        let numeric_scale = (pg_type == PgType::Numeric && modifier >= 4)
            .then(|| usize::try_from((modifier - 4) & 0xffff).ok())
            .flatten();
        let char_length = (pg_type == PgType::Bpchar && modifier >= 4)
            .then(|| usize::try_from(modifier - 4).ok())
            .flatten();
        OutputType {
            pg_type,
            numeric_scale,
            char_length,
        }
    }

    /// The output type with the scale inference gives a numeric result's values (`sum` of a
    /// `numeric(10,2)` column shows 2 digits; see `pgbridge_dialects::InferredColumn::scale`),
    /// where there is one; else the scale of the field's own type modifier stays.
    pub fn with_scale(mut self, scale: Option<u32>) -> OutputType {
        if self.pg_type == PgType::Numeric
            && let Some(scale) = scale.and_then(|s| usize::try_from(s).ok())
        {
            self.numeric_scale = Some(scale);
        }
        self
    }

    /// A value converted by the adapter, rounded to the column's scale or padded to its length.
    pub fn finish(&self, value: Value) -> Value {
        match (value, self.numeric_scale, self.char_length) {
            (Value::Numeric(text), Some(scale), _) => {
                Value::Numeric(pgbridge_proxy::value::round_numeric(&text, scale))
            }
            (Value::Text(text), _, Some(length)) => Value::Text(format!("{text:<length$}")),
            (value, _, _) => value,
        }
    }
}

/// A batch of rows, or the error that stopped the statement.
pub type Batch = Result<RowBatch, SqlError>;

/// Rows sent together; the last batch of a statement says so, so the reader ends without
/// waiting for the channel to close (one wake-up less per statement).
#[derive(Debug)]
pub struct RowBatch {
    pub rows: Vec<Row>,
    pub last: bool,
}

/// Rows per message on a row channel.
pub const BATCH_ROWS: usize = 256;
/// Batches a row channel buffers ahead of the client.
pub const BATCHES_AHEAD: usize = 4;

/// Gathers a statement's rows into batches of [`BATCH_ROWS`], sending each as it fills; the
/// rows left at the end become the statement's last batch ([`Batcher::last`]).
pub struct Batcher<'a> {
    sink: &'a mpsc::Sender<Batch>,
    rows: Vec<Row>,
}

impl<'a> Batcher<'a> {
    pub fn new(sink: &'a mpsc::Sender<Batch>) -> Self {
        Batcher {
            sink,
            rows: Vec::with_capacity(BATCH_ROWS),
        }
    }

    /// Adds a row, sending the batch when it is full. Answers false once the receiver is gone
    /// (the client went away or closed the portal): the caller stops reading rows.
    pub async fn push(&mut self, row: Row) -> bool {
        self.rows.push(row);
        if self.rows.len() < BATCH_ROWS {
            return true;
        }
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH_ROWS));
        let batch = RowBatch { rows, last: false };
        self.sink.send(Ok(batch)).await.is_ok()
    }

    /// The rows not sent yet, as the statement's last batch.
    pub fn last(self) -> RowBatch {
        RowBatch {
            rows: self.rows,
            last: true,
        }
    }
}

/// Session values that backend-side functions read (`version()`, `current_setting()`, ...);
/// shared by the engine session, which changes the settings, and its connection.
#[derive(Debug, Default)]
pub struct SessionValues {
    pub version: String,
    pub user: String,
    pub database: String,
    pub settings: RwLock<HashMap<String, String>>,
    /// `now()` of the running transaction, as the backend's functions print it: taken at the
    /// first call and kept until the transaction ends, as PostgreSQL keeps its transaction
    /// timestamp. A backend without its own clock function clears it between transactions.
    pub transaction_now: std::sync::Mutex<Option<String>>,
}

/// A backend database, opened once per server.
pub trait Adapter: Send + Sync + 'static {
    /// The connection each session gets.
    type Connection: BackendConnection;

    /// The dialect statements are translated to.
    fn target(&self) -> Target;

    /// The backend's name and version, shown at the end of `version()` (`SQLite 3.46.0`).
    fn backend_version(&self) -> String;

    /// Turns on change capture for observers: every connection opened afterwards reports the
    /// rows its statements change ([`BackendConnection::take_changes`]), and shows the
    /// observer journal at `journal` (its `dlq` view) as schema `pgbridge` where it can.
    #[cfg(feature = "observers")]
    fn capture_changes(&mut self, journal: &std::path::Path) -> Result<(), SqlError> {
        let _ = journal;
        Err(SqlError::unsupported(format!(
            "observers on the {} backend",
            self.backend_version()
        )))
    }

    /// Opens the connection of a new session.
    fn connect(
        &self,
        session: Arc<SessionValues>,
    ) -> impl Future<Output = Result<Self::Connection, SqlError>> + Send;
}

/// One session's connection to the backend. Commands run one at a time, in order; a query's
/// rows must be read to the end (or the receiver dropped) before the next command is served.
pub trait BackendConnection: Send + Sync + 'static {
    /// Prepares a statement: parameter count and result columns.
    fn prepare(&self, sql: String) -> impl Future<Output = Result<Prepared, SqlError>> + Send;

    /// Starts a query; its rows arrive on the receiver in batches, converted to `types`.
    fn query(
        &self,
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
    ) -> Result<mpsc::Receiver<Batch>, SqlError>;

    /// Runs a statement that returns no rows; answers the number of rows it changed.
    fn execute(
        &self,
        sql: String,
        parameters: Vec<Value>,
    ) -> impl Future<Output = Result<u64, SqlError>> + Send;

    /// Runs statements without parameters or results (transaction control, scripts).
    fn batch(&self, sql: String) -> impl Future<Output = Result<(), SqlError>> + Send;

    /// Runs one prepared INSERT for each row (COPY FROM); answers the rows inserted.
    fn insert_rows(
        &self,
        sql: String,
        rows: Vec<Vec<Value>>,
    ) -> impl Future<Output = Result<u64, SqlError>> + Send;

    /// Runs DDL, with the schema change it makes (for backends that record PostgreSQL types).
    fn ddl(
        &self,
        sql: String,
        change: Option<SchemaChange>,
    ) -> impl Future<Output = Result<(), SqlError>> + Send;

    /// The columns of a table with their PostgreSQL types, or `None` when there is no such
    /// table (type inference and COPY use them).
    fn table_columns(
        &self,
        table: String,
    ) -> impl Future<Output = Result<Option<TableColumns>, SqlError>> + Send;

    /// Brings the emulated `pg_catalog` up to date, where the backend has one.
    fn refresh_catalog(&self) -> impl Future<Output = Result<(), SqlError>> + Send {
        async { Ok(()) }
    }

    /// Where statements that read the emulated catalog run: on this connection, translated like
    /// any other statement (the default), on a catalog database of the session's own, or
    /// nowhere (each fails with the error given).
    fn catalog_reads(&self) -> CatalogReads<'_> {
        CatalogReads::Here
    }

    /// Checks an `ALTER TABLE .. ADD PRIMARY KEY | UNIQUE` before it runs, where the backend
    /// cannot enforce everything PostgreSQL's would.
    fn check_added_key(&self, key: &AddedKey) -> impl Future<Output = Result<(), SqlError>> + Send {
        let _ = key;
        async { Ok(()) }
    }

    /// Interrupts the statement running on this connection, from another task.
    fn cancel_token(&self) -> CancelToken;

    /// The rows changed since the last call, in the order they were changed, once the
    /// command that changed them has been answered (with capture on).
    #[cfg(feature = "observers")]
    fn take_changes(&self) -> Vec<crate::observers::event::RowChange> {
        Vec::new()
    }

    /// The statement that opens a transaction block (`read_only` for `BEGIN READ ONLY`).
    fn begin_statement(&self, read_only: bool) -> &'static str;

    /// The INSERT that COPY FROM runs for each row, with one parameter per column.
    fn insert_statement(&self, table: &str, columns: &[String]) -> String;

    /// What `ANALYZE [table]` / `VACUUM [table]` runs, or `None` when nothing needs to run.
    fn analyze_statement(&self, table: Option<&str>) -> Option<String>;
}

/// An identifier in ANSI double quotes (read by every target: MySQL sessions run with
/// `ANSI_QUOTES`).
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `INSERT INTO "t" ("a", "b") VALUES (<slot 1>, <slot 2>)`: the INSERT that COPY FROM runs for
/// each row, with the backend's placeholder for parameter `n` (1-based) from `slot`.
pub fn insert_with_placeholders(
    table: &str,
    columns: &[String],
    slot: impl Fn(usize) -> String,
) -> String {
    let names: Vec<String> = columns.iter().map(|c| quote_identifier(c)).collect();
    let slots: Vec<String> = (1..=columns.len()).map(slot).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_identifier(table),
        names.join(", "),
        slots.join(", ")
    )
}

/// `DELETE FROM "t"`: TRUNCATE inside a transaction (a DELETE without WHERE; SQLite optimises
/// it, and MySQL's TRUNCATE would commit the transaction).
pub fn delete_all_statement(table: &str) -> String {
    format!("DELETE FROM {}", quote_identifier(table))
}
