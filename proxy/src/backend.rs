//! The seam between the front ends and the engine.
//!
//! A front end opens one [`Session`] per client connection through a [`Backend`], then asks the
//! session to parse, describe and execute statements. The session owns everything a
//! PostgreSQL backend process would: settings, prepared statements' translations, and the
//! transaction state (idle, in a transaction, or failed until ROLLBACK).

use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use futures_core::Stream;

use crate::{CopyFormat, PgType, SqlError, Value};

/// Who connected, as the startup message says.
#[derive(Debug, Clone, Default)]
pub struct SessionInfo {
    pub user: String,
    pub database: String,
    pub application_name: String,
    /// The client's address, for logs.
    pub peer: String,
}

/// A result column as the RowDescription message describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub pg_type: PgType,
    /// `atttypmod`, -1 when none.
    pub type_modifier: i32,
    /// OID of the table the column comes from, 0 when it is an expression.
    pub table_oid: u32,
    /// Attribute number in that table, 0 when it is an expression.
    pub column_number: i16,
}

impl Field {
    /// A computed column of a type, with no table behind it.
    pub fn new(name: impl Into<String>, pg_type: PgType) -> Field {
        Field {
            name: name.into(),
            pg_type,
            type_modifier: -1,
            table_oid: 0,
            column_number: 0,
        }
    }
}

/// What Describe reports for a statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description {
    /// The type of each parameter `$1..$n`.
    pub parameters: Vec<PgType>,
    /// The result columns, or `None` when the statement returns no rows.
    pub fields: Option<Arc<Vec<Field>>>,
}

/// One row of values, in field order.
pub type Row = Vec<Value>;

/// Rows produced lazily by the backend; dropping the stream stops the backend's work.
pub type RowStream = Pin<Box<dyn Stream<Item = Result<Row, SqlError>> + Send>>;

/// The result of executing one statement.
pub enum Outcome {
    /// A statement that returns rows; `tag` is the command word (`SELECT`, `INSERT 0`, ...)
    /// to which the row count is appended.
    Rows {
        fields: Arc<Vec<Field>>,
        rows: RowStream,
        tag: String,
    },
    /// A statement that returns no rows, with its complete command tag (`INSERT 0 3`).
    Command { tag: String },
    /// COPY .. FROM STDIN: the client now sends CopyData; the session takes it through
    /// [`Session::copy_in_data`] and [`Session::copy_in_done`].
    /// `binary`: the client sends COPY's binary format (announced in CopyInResponse).
    CopyIn { columns: usize, binary: bool },
    /// COPY .. TO STDOUT: rows to send as CopyData lines in `format`.
    CopyOut {
        fields: Arc<Vec<Field>>,
        rows: RowStream,
        format: CopyFormat,
    },
    /// An empty statement.
    Empty,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Rows { fields, tag, .. } => f
                .debug_struct("Rows")
                .field("fields", fields)
                .field("tag", tag)
                .finish_non_exhaustive(),
            Outcome::Command { tag } => f.debug_struct("Command").field("tag", tag).finish(),
            Outcome::CopyIn { columns, binary } => f
                .debug_struct("CopyIn")
                .field("columns", columns)
                .field("binary", binary)
                .finish(),
            Outcome::CopyOut { fields, format, .. } => f
                .debug_struct("CopyOut")
                .field("fields", fields)
                .field("format", format)
                .finish_non_exhaustive(),
            Outcome::Empty => f.write_str("Empty"),
        }
    }
}

/// The transaction state reported in ReadyForQuery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionState {
    /// `I`: not in a transaction block.
    #[default]
    Idle,
    /// `T`: in a transaction block.
    InTransaction,
    /// `E`: in a failed transaction block; every statement fails with 25P02 until ROLLBACK.
    Failed,
}

/// Interrupts whatever the session is running (CancelRequest).
pub type CancelToken = Arc<dyn Fn() + Send + Sync>;

/// Opens sessions; one per client connection.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The session type this backend opens.
    type Session: Session;

    /// Opens a session for a client that completed startup.
    async fn open_session(&self, info: SessionInfo) -> Result<Self::Session, SqlError>;

    /// The server parameters announced at startup (`server_version`, `DateStyle`, ...).
    fn server_parameters(&self) -> Vec<(String, String)>;
}

/// One client's session: the engine side of a connection.
#[async_trait]
pub trait Session: Send + 'static {
    /// A parsed statement, cheap to clone (shared by prepared statements and portals).
    type Statement: Clone + Send + Sync + 'static;

    /// Parses SQL text into statements (a simple query may hold several; an empty string none).
    fn parse(&mut self, sql: &str) -> Result<Vec<Self::Statement>, SqlError>;

    /// Describes a statement: parameter types (the client's where given) and result columns.
    async fn describe(
        &mut self,
        statement: &Self::Statement,
        parameter_types: &[Option<PgType>],
    ) -> Result<Description, SqlError>;

    /// Executes a statement with parameters already decoded to the described types.
    async fn execute(
        &mut self,
        statement: &Self::Statement,
        parameters: Vec<Value>,
    ) -> Result<Outcome, SqlError>;

    /// Takes a chunk of COPY FROM STDIN data.
    async fn copy_in_data(&mut self, data: &[u8]) -> Result<(), SqlError>;

    /// Ends COPY FROM STDIN; returns the command tag (`COPY n`).
    async fn copy_in_done(&mut self) -> Result<String, SqlError>;

    /// The client abandoned COPY FROM STDIN (CopyFail): nothing of it is kept.
    async fn copy_in_fail(&mut self, message: &str) -> SqlError;

    /// Tells the session that the front end failed a request on its behalf (bad parameter
    /// bytes, a protocol error): inside a transaction block, the block is now failed.
    fn on_error(&mut self);

    /// The transaction state to report in ReadyForQuery.
    fn transaction_state(&self) -> TransactionState;

    /// Ends the implicit transaction of a simple query or of an extended-protocol batch: the
    /// front end calls it before each ReadyForQuery (end of a Query message, Sync). Outside a
    /// transaction block, PostgreSQL runs the statements of one Query message, or those between
    /// two Syncs, as one transaction: committed together, or rolled back together when one
    /// fails. An error here (the commit failed) is reported before ReadyForQuery.
    async fn end_implicit_transaction(&mut self) -> Result<(), SqlError> {
        Ok(())
    }

    /// The columns of the SQL cursor `name` (`DECLARE name CURSOR FOR ..`), if it is open.
    /// PostgreSQL exposes such cursors as portals, and drivers describe them as portals
    /// (psycopg's server-side cursors do).
    fn cursor_fields(&self, name: &str) -> Option<Arc<Vec<Field>>> {
        let _ = name;
        None
    }

    /// Server parameters changed by the last statements (SET application_name, ...), to report
    /// with ParameterStatus.
    fn take_parameter_changes(&mut self) -> Vec<(String, String)>;

    /// A token that interrupts the running statement from another task.
    fn cancel_token(&self) -> CancelToken;
}
