//! One SQLite connection fed by a command channel (the shape of sqlx-sqlite's worker):
//! rusqlite is blocking, so no task of the shared runtime ever holds the connection.
//!
//! Where the worker runs depends on who opens it. On a thread dedicated to one client
//! connection ([`pgbridge_proxy::dedicated`], how the wire front end serves SQLite), the worker
//! is a local task of that thread: a statement runs on the thread that read it from the socket,
//! with no thread wake-up in between. Anywhere else the worker gets a thread of its own. The
//! command loop is the same async function in both places.
//!
//! Rows stream back in batches over a bounded channel: a slow client slows the stepping of the
//! statement instead of buffering the whole result, and dropping the stream stops it.

use std::sync::Arc;

use pgbridge_proxy::{SqlError, Value};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, InterruptHandle, OpenFlags, OptionalExtension, params_from_iter};
use tokio::sync::{mpsc as async_mpsc, oneshot};

use pgbridge_dialects::SchemaChange;

use super::catalog::{self, SharedSnapshot};
use super::errors::classify;
use super::functions::{SessionFunctions, register};
use super::registry;
use super::snapshots::{Block, classify_write_error};
use super::types::{
    check_exact_numerics, check_exact_rows, to_pg, to_sqlite, type_from_declaration,
};
use crate::backends::adapter::{BATCHES_AHEAD, Batch, Batcher, OutputType, Prepared, TableColumns};

enum Command {
    Prepare {
        sql: String,
        reply: oneshot::Sender<Result<Prepared, SqlError>>,
    },
    Query {
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
        rows: async_mpsc::Sender<Batch>,
    },
    Execute {
        sql: String,
        parameters: Vec<Value>,
        reply: oneshot::Sender<Result<u64, SqlError>>,
    },
    Batch {
        sql: String,
        reply: oneshot::Sender<Result<(), SqlError>>,
    },
    InsertRows {
        sql: String,
        rows: Vec<Vec<Value>>,
        reply: oneshot::Sender<Result<u64, SqlError>>,
    },
    Ddl {
        sql: String,
        change: Option<SchemaChange>,
        reply: oneshot::Sender<Result<(), SqlError>>,
    },
    RefreshCatalog {
        reply: oneshot::Sender<Result<(), SqlError>>,
    },
    TableColumns {
        table: String,
        reply: oneshot::Sender<Result<Option<TableColumns>, SqlError>>,
    },
}

/// The async handle of a connection's worker thread.
pub struct Worker {
    commands: async_mpsc::UnboundedSender<Command>,
    interrupt: Arc<InterruptHandle>,
    /// Rows changed by this connection, for observers (when capture is on).
    #[cfg(feature = "observers")]
    changes: Option<super::capture::CapturedChanges>,
}

fn worker_gone() -> SqlError {
    SqlError::new("08006", "the SQLite worker of this session has stopped")
}

/// How to open a database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// A file path, or a `file:` URI for shared in-memory databases.
    pub path: String,
    pub busy_timeout_ms: u64,
    /// Capture changed rows for observers.
    pub capture: bool,
    /// The observer journal, attached read-only as schema `pgbridge` (`pgbridge.dlq`).
    pub journal: Option<String>,
}

#[cfg(feature = "observers")]
type Capture = super::capture::Capture;
/// Without observers nothing is captured; the worker's code stays the same.
#[cfg(not(feature = "observers"))]
enum Capture {}

#[cfg(not(feature = "observers"))]
impl Capture {
    fn convert(&mut self, _: &Connection) {
        match *self {}
    }
}

impl Worker {
    /// Opens a connection on a new thread.
    pub fn open(
        options: &OpenOptions,
        functions: Arc<SessionFunctions>,
    ) -> Result<Worker, SqlError> {
        let session = Arc::clone(&functions);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        #[cfg_attr(not(feature = "observers"), allow(unused_mut))]
        let mut connection =
            Connection::open_with_flags(&options.path, flags).map_err(|e| classify(&e))?;
        let snapshot = SharedSnapshot::default();
        configure(&connection, options, &snapshot, functions).map_err(|e| classify(&e))?;
        let interrupt = Arc::new(connection.get_interrupt_handle());
        #[cfg(feature = "observers")]
        let (capture, changes) = if options.capture {
            let (capture, changes) = Capture::install(&mut connection).map_err(|e| classify(&e))?;
            (Some(capture), Some(changes))
        } else {
            (None, None)
        };
        #[cfg(not(feature = "observers"))]
        let capture: Option<Capture> = None;
        let (commands, receiver) = async_mpsc::unbounded_channel();
        let commands_loop = move || run(connection, receiver, snapshot, session, capture);
        if pgbridge_proxy::dedicated::is_dedicated_thread() {
            tokio::task::spawn_local(commands_loop());
        } else {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| {
                    SqlError::new("53000", format!("cannot start a SQLite worker: {e}"))
                })?;
            std::thread::Builder::new()
                .name("pgbridge-sqlite".to_owned())
                .spawn(move || runtime.block_on(commands_loop()))
                .map_err(|e| {
                    SqlError::new("53000", format!("cannot start a SQLite worker: {e}"))
                })?;
        }
        Ok(Worker {
            commands,
            interrupt,
            #[cfg(feature = "observers")]
            changes,
        })
    }

    /// Takes the rows changed since the last call (observers).
    #[cfg(feature = "observers")]
    pub fn take_changes(&self) -> Vec<crate::observers::event::RowChange> {
        match &self.changes {
            Some(changes) => std::mem::take(
                &mut *changes
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
            None => Vec::new(),
        }
    }

    /// Interrupts the running statement (SQLITE_INTERRUPT -> 57014).
    pub fn interrupt_handle(&self) -> Arc<InterruptHandle> {
        Arc::clone(&self.interrupt)
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, SqlError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).map_err(|_| worker_gone())?;
        answer.await.map_err(|_| worker_gone())
    }

    pub async fn prepare(&self, sql: String) -> Result<Prepared, SqlError> {
        self.call(|reply| Command::Prepare { sql, reply }).await?
    }

    pub async fn execute(&self, sql: String, parameters: Vec<Value>) -> Result<u64, SqlError> {
        check_exact_numerics(&parameters)?;
        self.call(|reply| Command::Execute {
            sql,
            parameters,
            reply,
        })
        .await?
    }

    pub async fn batch(&self, sql: String) -> Result<(), SqlError> {
        self.call(|reply| Command::Batch { sql, reply }).await?
    }

    /// Runs one prepared INSERT for each row (COPY FROM); returns the rows inserted.
    pub async fn insert_rows(&self, sql: String, rows: Vec<Vec<Value>>) -> Result<u64, SqlError> {
        check_exact_rows(&rows)?;
        self.call(|reply| Command::InsertRows { sql, rows, reply })
            .await?
    }

    /// Runs DDL and records its column types in the registry, atomically.
    pub async fn ddl(&self, sql: String, change: Option<SchemaChange>) -> Result<(), SqlError> {
        self.call(|reply| Command::Ddl { sql, change, reply })
            .await?
    }

    /// Rebuilds the emulated `pg_catalog` if the schema changed since it was built.
    pub async fn refresh_catalog(&self) -> Result<(), SqlError> {
        self.call(|reply| Command::RefreshCatalog { reply }).await?
    }

    pub async fn table_columns(&self, table: String) -> Result<Option<TableColumns>, SqlError> {
        self.call(|reply| Command::TableColumns { table, reply })
            .await?
    }

    /// Starts a query; rows arrive on the returned receiver in batches.
    pub fn query(
        &self,
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
    ) -> Result<async_mpsc::Receiver<Batch>, SqlError> {
        check_exact_numerics(&parameters)?;
        let (rows, receiver) = async_mpsc::channel(BATCHES_AHEAD);
        self.commands
            .send(Command::Query {
                sql,
                parameters,
                types,
                rows,
            })
            .map_err(|_| worker_gone())?;
        Ok(receiver)
    }
}

/// How much of a database file reads map (`PRAGMA mmap_size`).
const MMAP_BYTES: i64 = 1 << 30;

fn configure(
    connection: &Connection,
    options: &OpenOptions,
    snapshot: &SharedSnapshot,
    functions: Arc<SessionFunctions>,
) -> rusqlite::Result<()> {
    connection.busy_timeout(std::time::Duration::from_millis(options.busy_timeout_ms))?;
    if !options.path.contains("mode=memory") && options.path != ":memory:" {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        // Reads map the file instead of copying pages in with a system call each; the mapping
        // is the OS page cache, shared by every session.
        connection.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    }
    // "x" is an identifier in PostgreSQL, never a string: turn off SQLite's fallback.
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.pragma_update(None, "case_sensitive_like", "ON")?;
    connection.set_prepared_statement_cache_capacity(256);
    catalog::functions::register(connection, snapshot, Arc::clone(&functions))?;
    register(connection, functions)?;
    registry::ensure(connection)?;
    catalog::attach(connection)?;
    if let Some(journal) = &options.journal {
        let uri = format!(
            "file:{}?mode=ro",
            journal
                .replace('%', "%25")
                .replace('?', "%3f")
                .replace('#', "%23")
        );
        connection.execute("ATTACH DATABASE ?1 AS pgbridge", [uri])?;
    }
    Ok(())
}

/// Serves commands until the [`Worker`] is dropped. A command runs to its end without yielding,
/// except a query, which waits while its row channel is full.
async fn run(
    connection: Connection,
    mut commands: async_mpsc::UnboundedReceiver<Command>,
    snapshot: SharedSnapshot,
    session: Arc<SessionFunctions>,
    mut capture: Option<Capture>,
) {
    // What a write captured is converted before the command is answered, so the engine finds
    // it as soon as it has the answer.
    let mut captured = |connection: &Connection| {
        if let Some(capture) = capture.as_mut() {
            capture.convert(connection);
        }
    };
    let mut block = Block::default();
    while let Some(command) = commands.recv().await {
        // Outside a transaction, the next statement starts one of its own: now() moves on.
        if connection.is_autocommit() {
            *session
                .transaction_now
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        }
        match command {
            Command::Prepare { sql, reply } => {
                let _ = reply.send(prepare(&connection, &sql).map_err(|e| classify(&e)));
            }
            Command::Execute {
                sql,
                parameters,
                reply,
            } => {
                let run = || {
                    connection.prepare_cached(&sql).and_then(|mut statement| {
                        statement.execute(params_from_iter(parameters.iter().map(to_sqlite)))
                    })
                };
                let mut result = run();
                if let Err(error) = &result
                    && block.may_restart(&connection, error)
                {
                    result = block.restart(&connection).and_then(|()| run());
                }
                let result = result
                    .map(|changed| u64::try_from(changed).unwrap_or(0))
                    .map_err(|e| classify_write_error(&connection, &e));
                block.ran_statement(&connection);
                captured(&connection);
                let _ = reply.send(result);
            }
            Command::Batch { sql, reply } => {
                let result = connection.execute_batch(&sql).map_err(|e| classify(&e));
                block.ran_batch(&connection, &sql);
                captured(&connection);
                let _ = reply.send(result);
            }
            Command::InsertRows { sql, rows, reply } => {
                let result = insert_rows(&connection, &sql, &rows)
                    .map_err(|e| classify_write_error(&connection, &e));
                block.ran_statement(&connection);
                captured(&connection);
                let _ = reply.send(result);
            }
            Command::Ddl { sql, change, reply } => {
                let result = ddl(&connection, &sql, change.as_ref())
                    .map_err(|e| classify_write_error(&connection, &e));
                block.ran_statement(&connection);
                captured(&connection);
                let _ = reply.send(result);
            }
            Command::RefreshCatalog { reply } => {
                let _ = reply.send(
                    catalog::refresh(&connection, &snapshot, &session).map_err(|e| classify(&e)),
                );
            }
            Command::TableColumns { table, reply } => {
                let _ = reply
                    .send(registry::table_columns(&connection, &table).map_err(|e| classify(&e)));
            }
            Command::Query {
                sql,
                parameters,
                types,
                rows,
            } => {
                let statement = QueryStatement {
                    sql: &sql,
                    parameters: &parameters,
                    types: &types,
                };
                query(&connection, statement, &mut block, &rows, &mut captured).await;
            }
        }
    }
}

fn insert_rows(connection: &Connection, sql: &str, rows: &[Vec<Value>]) -> rusqlite::Result<u64> {
    let mut statement = connection.prepare_cached(sql)?;
    for row in rows {
        statement.execute(params_from_iter(row.iter().map(to_sqlite)))?;
    }
    Ok(u64::try_from(rows.len()).unwrap_or(u64::MAX))
}

fn ddl(connection: &Connection, sql: &str, change: Option<&SchemaChange>) -> rusqlite::Result<()> {
    connection.execute_batch("SAVEPOINT pgbridge_ddl")?;
    let result = connection
        .execute_batch(sql)
        .and_then(|()| change.map_or(Ok(()), |change| registry::apply(connection, change)));
    match result {
        Ok(()) => connection.execute_batch("RELEASE pgbridge_ddl"),
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK TO pgbridge_ddl; RELEASE pgbridge_ddl");
            Err(error)
        }
    }
}

fn prepare(connection: &Connection, sql: &str) -> rusqlite::Result<Prepared> {
    let statement = connection.prepare_cached(sql)?;
    let origins = statement
        .columns_with_metadata()
        .map(|column| {
            match (
                column.database_name(),
                column.table_name(),
                column.origin_name(),
            ) {
                (Some("main"), Some(table), Some(name)) => column_origin(connection, table, name),
                _ => Ok(None),
            }
        })
        .collect::<rusqlite::Result<_>>()?;
    Ok(Prepared {
        parameter_count: statement.parameter_count(),
        columns: statement
            .columns()
            .map(|c| {
                (
                    c.name().to_owned(),
                    c.decl_type().map(type_from_declaration),
                )
            })
            .collect(),
        origins,
    })
}

/// The catalog OID of `table` and the `attnum` of its `column`, as `pg_class` and
/// `pg_attribute` show them.
fn column_origin(
    connection: &Connection,
    table: &str,
    column: &str,
) -> rusqlite::Result<Option<(u32, i16)>> {
    let found: Option<(i64, i64)> = connection
        .prepare_cached(
            "SELECT m.rowid, p.cid FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type IN ('table', 'view') AND m.name = ?1 AND p.name = ?2",
        )?
        .query_row([table, column], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(found.and_then(|(rowid, cid)| {
        Some((
            u32::try_from(catalog::relation_oid(rowid)).ok()?,
            i16::try_from(cid + 1).ok()?,
        ))
    }))
}

/// A query and what it needs to run.
struct QueryStatement<'a> {
    sql: &'a str,
    parameters: &'a [Value],
    types: &'a [OutputType],
}

/// Converts a row to PostgreSQL values of the output types.
fn convert_row(row: &rusqlite::Row<'_>, types: &[OutputType]) -> Result<Vec<Value>, SqlError> {
    let mut values = Vec::with_capacity(types.len());
    for (i, output) in types.iter().enumerate() {
        let raw = row.get_ref(i).map_err(|e| classify(&e))?;
        values.push(output.finish(to_pg(raw, output.pg_type)?));
    }
    Ok(values)
}

async fn query(
    connection: &Connection,
    query: QueryStatement<'_>,
    block: &mut Block,
    sink: &async_mpsc::Sender<Batch>,
    captured: &mut impl FnMut(&Connection),
) {
    let QueryStatement {
        sql,
        parameters,
        types,
    } = query;
    let result = async {
        // A write with RETURNING fails at its first step: the block may be begun again once
        // (see `snapshots`), before any row was sent.
        let mut restarted = false;
        loop {
            let mut statement = connection.prepare_cached(sql).map_err(|e| classify(&e))?;
            let mut rows = statement
                .query(params_from_iter(parameters.iter().map(to_sqlite)))
                .map_err(|e| classify(&e))?;
            let first = match rows.next() {
                Ok(first) => first.map(|row| convert_row(row, types)).transpose()?,
                Err(error) if !restarted && block.may_restart(connection, &error) => {
                    drop(rows);
                    drop(statement);
                    block.restart(connection).map_err(|e| classify(&e))?;
                    restarted = true;
                    continue;
                }
                Err(error) => return Err(classify_write_error(connection, &error)),
            };
            let mut batcher = Batcher::new(sink);
            let mut next = first;
            while let Some(values) = next {
                if !batcher.push(values).await {
                    return Ok(None);
                }
                next = match rows.next().map_err(|e| classify(&e))? {
                    Some(row) => Some(convert_row(row, types)?),
                    None => None,
                };
            }
            return Ok::<_, SqlError>(Some(batcher.last()));
        }
    }
    .await;
    block.ran_statement(connection);
    // The statement is reset (its read transaction ends) before the last batch is sent.
    captured(connection);
    let last = match result {
        Ok(None) => return,
        Ok(Some(batch)) => Ok(batch),
        Err(error) => Err(error),
    };
    let _ = sink.send(last).await;
}
