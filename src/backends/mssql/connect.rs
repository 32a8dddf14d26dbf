//! One session's SQL Server connection task, fed by a command channel (the shape of the MySQL
//! worker): commands run one at a time, in order, and a query's rows stream back in batches over
//! a bounded channel.
//!
//! Pooling (`pooling=` in the URL, docs/database-adapters.md):
//! * `transaction` (the default): a session holds a pooled client only while a transaction
//!   block is open (from the engine's `BEGIN TRANSACTION` to its `COMMIT` / `ROLLBACK`);
//!   between blocks each command takes any free client and gives it back. Session state kept
//!   on the server (`#temp` tables, `SET` options) does not follow the session from one
//!   client to the next.
//! * `session`: the first command takes a client and the session keeps it to its end; the
//!   client is then closed, so nothing the session left (`#temp` tables) reaches another.
//!
//! A session that ends inside a block rolls it back before its client goes back.
//!
//! What `version()`, `current_user` and `current_database()` answer is read from the client's
//! `#pgbridge_session` table (the T-SQL target's translation): before a session's command runs
//! on a client that last held another session's values (or none), the session writes its own
//! there.

use std::sync::Arc;

use futures::TryStreamExt;
use pgbridge_dialects::{MsSql, SchemaChange};
use pgbridge_proxy::{CancelToken, SqlError, Value};
use tiberius::{QueryItem, ToSql};
use tokio::sync::{mpsc, oneshot};

use super::control::{self, Effect};
use super::describe::{OutputItem, Shape, describe};
use super::errors::classify;
use super::pool::{Client, Lease, Pool, batch_results};
use super::schema;
use super::types::{Native, Parameter, convert, native, read, type_of_result};
use super::url::Pooling;
use crate::backends::adapter::{
    BATCHES_AHEAD, BackendConnection, Batch, Batcher, OutputType, Prepared, SessionValues,
    TableColumns, insert_with_placeholders, quote_identifier,
};
use crate::backends::catalog_database::CatalogReads;
#[cfg(not(feature = "sqlite"))]
use crate::backends::catalog_database::catalog_needs_sqlite;
#[cfg(feature = "sqlite")]
use crate::backends::catalog_database::{CatalogDatabase, SchemaDescription};

enum Command {
    Prepare {
        sql: String,
        reply: oneshot::Sender<Result<Prepared, SqlError>>,
    },
    Query {
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
        rows: mpsc::Sender<Batch>,
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
    TableColumns {
        table: String,
        reply: oneshot::Sender<Result<Option<TableColumns>, SqlError>>,
    },
    #[cfg(feature = "sqlite")]
    DescribeSchema {
        reply: oneshot::Sender<Result<SchemaDescription, SqlError>>,
    },
}

impl Command {
    /// Answers the command with `error` (no client could be had for it).
    fn fail(self, error: SqlError) {
        match self {
            Command::Prepare { reply, .. } => drop(reply.send(Err(error))),
            Command::Query { rows, .. } => drop(rows.try_send(Err(error))),
            Command::Execute { reply, .. } | Command::InsertRows { reply, .. } => {
                drop(reply.send(Err(error)));
            }
            Command::Batch { reply, .. } => drop(reply.send(Err(error))),
            Command::TableColumns { reply, .. } => drop(reply.send(Err(error))),
            #[cfg(feature = "sqlite")]
            Command::DescribeSchema { reply } => drop(reply.send(Err(error))),
        }
    }
}

/// The async handle of a session's connection task.
pub struct Worker {
    commands: mpsc::UnboundedSender<Command>,
    /// Where statements that read the PostgreSQL catalog run.
    #[cfg(feature = "sqlite")]
    catalog: CatalogDatabase,
}

fn worker_gone() -> SqlError {
    SqlError::new(
        "08006",
        "the SQL Server connection of this session has stopped",
    )
}

/// True for an error after which the client cannot be used again.
fn is_broken(error: &SqlError) -> bool {
    error.code == "08006"
}

impl Worker {
    /// Starts the session's task; it takes a client from `pool` at its first command.
    pub fn open(pool: Arc<Pool>, session: Arc<SessionValues>) -> Worker {
        let (commands, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, receiver, Arc::clone(&session)));
        Worker {
            commands,
            #[cfg(feature = "sqlite")]
            catalog: CatalogDatabase::new(session, "SQL Server"),
        }
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, SqlError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).map_err(|_| worker_gone())?;
        answer.await.map_err(|_| worker_gone())
    }
}

impl BackendConnection for Worker {
    async fn prepare(&self, sql: String) -> Result<Prepared, SqlError> {
        self.call(|reply| Command::Prepare { sql, reply }).await?
    }

    fn query(
        &self,
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
    ) -> Result<mpsc::Receiver<Batch>, SqlError> {
        let (rows, receiver) = mpsc::channel(BATCHES_AHEAD);
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

    async fn execute(&self, sql: String, parameters: Vec<Value>) -> Result<u64, SqlError> {
        self.call(|reply| Command::Execute {
            sql,
            parameters,
            reply,
        })
        .await?
    }

    /// Transaction control and scripts; the engine's own control statements become T-SQL
    /// (control.rs).
    async fn batch(&self, sql: String) -> Result<(), SqlError> {
        self.call(|reply| Command::Batch { sql, reply }).await?
    }

    async fn insert_rows(&self, sql: String, rows: Vec<Vec<Value>>) -> Result<u64, SqlError> {
        self.call(|reply| Command::InsertRows { sql, rows, reply })
            .await?
    }

    /// DDL runs as a batch (SQL Server's DDL is transactional, as PostgreSQL's). Nothing is
    /// recorded: columns are typed from `INFORMATION_SCHEMA` (schema.rs).
    async fn ddl(&self, sql: String, _change: Option<SchemaChange>) -> Result<(), SqlError> {
        self.call(|reply| Command::Batch { sql, reply }).await?
    }

    async fn table_columns(&self, table: String) -> Result<Option<TableColumns>, SqlError> {
        self.call(|reply| Command::TableColumns { table, reply })
            .await?
    }

    /// Catalog reads run on the session's catalog database, a SQLite mirror of the schema
    /// (`backends/catalog_database/`); without SQLite they are refused.
    fn catalog_reads(&self) -> CatalogReads<'_> {
        #[cfg(feature = "sqlite")]
        return CatalogReads::Apart(&self.catalog);
        #[cfg(not(feature = "sqlite"))]
        return CatalogReads::Refused(catalog_needs_sqlite("SQL Server"));
    }

    /// Reads the schema for the catalog, then brings the catalog database up to it.
    #[cfg(feature = "sqlite")]
    async fn refresh_catalog(&self) -> Result<(), SqlError> {
        let description = self
            .call(|reply| Command::DescribeSchema { reply })
            .await??;
        self.catalog.refresh(description).await
    }

    /// tiberius has no cancel request: a cancel is logged and the statement runs to its end.
    fn cancel_token(&self) -> CancelToken {
        Arc::new(|| {
            tracing::warn!("cancel request ignored: the SQL Server backend cannot cancel yet");
        })
    }

    /// SQL Server has no read-only transactions: `BEGIN READ ONLY` opens a plain one.
    fn begin_statement(&self, _read_only: bool) -> &'static str {
        "BEGIN TRANSACTION"
    }

    fn insert_statement(&self, table: &str, columns: &[String]) -> String {
        insert_with_placeholders(table, columns, |n| format!("@P{n}"))
    }

    fn analyze_statement(&self, table: Option<&str>) -> Option<String> {
        table.map(|table| format!("UPDATE STATISTICS {}", quote_identifier(table)))
    }
}

/// The session's place in a transaction block, and whether its client still works.
struct Session {
    in_block: bool,
    broken: bool,
}

impl Session {
    fn note<T>(&mut self, result: &Result<T, SqlError>) {
        if let Err(error) = result {
            self.broken |= is_broken(error);
        }
    }
}

async fn run(
    pool: Arc<Pool>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    values: Arc<SessionValues>,
) {
    let id = pool.new_session();
    let mut held: Option<Lease> = None;
    let mut session = Session {
        in_block: false,
        broken: false,
    };
    while let Some(command) = commands.recv().await {
        let mut lease = match held.take() {
            Some(lease) => lease,
            None => match pool.take().await {
                Ok(lease) => lease,
                Err(error) => {
                    command.fail(error);
                    continue;
                }
            },
        };
        if lease.values_of != Some(id) {
            if let Err(error) = set_session_values(&mut lease.client, &values).await {
                // Another session's values must not answer for this one: the client goes
                // back (or is closed) without them, and the command fails.
                if !is_broken(&error) {
                    lease.values_of = None;
                    pool.give_back(lease);
                }
                command.fail(error);
                continue;
            }
            lease.values_of = Some(id);
        }
        serve(&mut lease.client, command, &mut session).await;
        if session.broken {
            // The connection failed: close it; a block it held is gone with it.
            session = Session {
                in_block: false,
                broken: false,
            };
        } else if session.in_block || pool.pooling == Pooling::Session {
            held = Some(lease);
        } else {
            pool.give_back(lease);
        }
    }
    // The session ended: nothing it left open may reach the next user of the client.
    if let Some(mut lease) = held {
        let rolled_back = !session.in_block
            || run_batch(&mut lease.client, control::ROLLBACK)
                .await
                .is_ok();
        if rolled_back && pool.pooling == Pooling::Transaction {
            pool.give_back(lease);
        }
    }
}

async fn serve(client: &mut Client, command: Command, session: &mut Session) {
    match command {
        Command::Prepare { sql, reply } => {
            let result = prepare(client, &sql).await;
            session.note(&result);
            let _ = reply.send(result);
        }
        Command::Query {
            sql,
            parameters,
            types,
            rows,
        } => {
            if let Err(error) = query(client, &sql, &parameters, &types, &rows).await {
                session.broken |= is_broken(&error);
                let _ = rows.send(Err(error)).await;
            }
        }
        Command::Execute {
            sql,
            parameters,
            reply,
        } => {
            let result = execute(client, &sql, &parameters).await;
            session.note(&result);
            let _ = reply.send(result);
        }
        Command::Batch { sql, reply } => {
            let (tsql, effect) = control::to_tsql(&sql);
            let result = if tsql.is_empty() {
                Ok(())
            } else {
                run_batch(client, &tsql).await
            };
            match (effect, &result) {
                (Effect::Begins, Ok(())) => session.in_block = true,
                (Effect::Ends, Ok(())) => session.in_block = false,
                (Effect::Ends, Err(_)) => {
                    // A failed COMMIT leaves SQL Server's transaction open: end it here.
                    session.in_block = run_batch(client, control::ROLLBACK).await.is_err();
                }
                _ => {}
            }
            session.note(&result);
            let _ = reply.send(result);
        }
        Command::InsertRows { sql, rows, reply } => {
            let mut inserted = 0;
            let mut result = Ok(());
            for row in &rows {
                match execute(client, &sql, row).await {
                    Ok(count) => inserted += count,
                    Err(error) => {
                        result = Err(error);
                        break;
                    }
                }
            }
            session.note(&result);
            let _ = reply.send(result.map(|()| inserted));
        }
        Command::TableColumns { table, reply } => {
            let result = schema::table_columns(client, &table).await;
            session.note(&result);
            let _ = reply.send(result);
        }
        #[cfg(feature = "sqlite")]
        Command::DescribeSchema { reply } => {
            let result = super::catalog::describe(client).await;
            session.note(&result);
            let _ = reply.send(result);
        }
    }
}

/// Writes the session's values into the client's `#pgbridge_session` table.
async fn set_session_values(client: &mut Client, values: &SessionValues) -> Result<(), SqlError> {
    let parameters = parameters_of(&[
        Value::Text(values.version.clone()),
        Value::Text(values.user.clone()),
        Value::Text(values.database.clone()),
    ]);
    client
        .execute(MsSql::set_session_values(), &references(&parameters))
        .await
        .map(drop)
        .map_err(|e| classify(&e))
}

async fn run_batch(client: &mut Client, sql: &str) -> Result<(), SqlError> {
    batch_results(client, sql).await.map(drop)
}

fn parameters_of(values: &[Value]) -> Vec<Parameter> {
    values.iter().cloned().map(Parameter).collect()
}

fn references(parameters: &[Parameter]) -> Vec<&dyn ToSql> {
    parameters.iter().map(|p| p as &dyn ToSql).collect()
}

async fn execute(client: &mut Client, sql: &str, values: &[Value]) -> Result<u64, SqlError> {
    let parameters = parameters_of(values);
    client
        .execute(sql, &references(&parameters))
        .await
        .map(|done| done.total())
        .map_err(|e| classify(&e))
}

/// Prepares by reading the statement (describe.rs): a query's columns come from the metadata
/// of a run with NULL parameters, an `OUTPUT` clause's from its items.
async fn prepare(client: &mut Client, sql: &str) -> Result<Prepared, SqlError> {
    let described = describe(sql);
    let columns = match described.shape {
        Shape::Nothing => Vec::new(),
        Shape::Query { names } => {
            let nulls = vec![Parameter(Value::Null); described.parameter_count];
            match query_columns(client, sql, &references(&nulls)).await {
                Ok(columns) => columns,
                Err(error) if is_broken(&error) => return Err(error),
                // A query that fails with NULL parameters (`TOP (NULL)`): named from its
                // select list, typed by the engine's inference.
                Err(error) => match names {
                    Some(names) => names.into_iter().map(|name| (name, None)).collect(),
                    None => return Err(error),
                },
            }
        }
        Shape::Output { items, table } => {
            let mut columns = Vec::new();
            for item in items {
                match item {
                    OutputItem::Named(name) => columns.push((name, None)),
                    OutputItem::Wildcard => {
                        let table = table.clone().unwrap_or_default();
                        let found = schema::table_columns(client, &table).await?;
                        columns.extend(
                            found
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(name, pg_type, _)| (name, Some(pg_type))),
                        );
                    }
                }
            }
            columns
        }
    };
    Ok(Prepared {
        parameter_count: described.parameter_count,
        columns,
        origins: Vec::new(),
    })
}

/// The columns of a query's first result, from its metadata; the rows are not read.
async fn query_columns(
    client: &mut Client,
    sql: &str,
    parameters: &[&dyn ToSql],
) -> Result<Vec<(String, Option<pgbridge_dialects::PgType>)>, SqlError> {
    let mut stream = client
        .query(sql, parameters)
        .await
        .map_err(|e| classify(&e))?;
    let columns = stream
        .columns()
        .await
        .map_err(|e| classify(&e))?
        .map(|columns| {
            columns
                .iter()
                .map(|c| (c.name().to_owned(), Some(type_of_result(c.column_type()))))
                .collect()
        })
        .unwrap_or_default();
    // Reads the rest, so the connection is free for the next request.
    stream.into_results().await.map_err(|e| classify(&e))?;
    Ok(columns)
}

async fn query(
    client: &mut Client,
    sql: &str,
    values: &[Value],
    types: &[OutputType],
    sink: &mpsc::Sender<Batch>,
) -> Result<(), SqlError> {
    let parameters = parameters_of(values);
    let mut stream = client
        .query(sql, &references(&parameters))
        .await
        .map_err(|e| classify(&e))?;
    let mut natives: Vec<Native> = Vec::new();
    let mut batcher = Batcher::new(sink);
    let mut open = true;
    while let Some(item) = stream.try_next().await.map_err(|e| classify(&e))? {
        match item {
            // The first result is the statement's; a later one (a guard's count) is not read.
            QueryItem::Metadata(meta) if meta.result_index() == 0 => {
                natives = meta
                    .columns()
                    .iter()
                    .map(|c| native(c.column_type()))
                    .collect();
            }
            QueryItem::Row(row) if open && row.result_index() == 0 => {
                let values: Result<Vec<Value>, SqlError> = row
                    .into_iter()
                    .zip(natives.iter().chain(std::iter::repeat(&Native::Plain)))
                    .zip(types)
                    .map(|((data, native), output)| convert(read(data, *native), output))
                    .collect();
                // Once the client is gone (or closed the portal) the rest is read without
                // sending, so that the connection is free for the next request.
                open = batcher.push(values?).await;
            }
            _ => {}
        }
    }
    if open {
        let _ = sink.send(Ok(batcher.last())).await;
    }
    Ok(())
}
