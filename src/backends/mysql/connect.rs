//! One session's MySQL connection, owned by a task of its own and fed by a command channel
//! (the shape of the SQLite worker): commands run one at a time, in order, and a query's rows
//! stream back in batches over a bounded channel, so a slow client slows the reading of the
//! result instead of buffering it.
//!
//! The connection comes from the adapter's pool and stays with the session until it ends
//! (session pinning, see docs/mysql.md); then whatever transaction the session left open is
//! rolled back and the connection goes back to the pool.

use std::sync::Arc;

use futures::TryStreamExt;
use pgbridge_dialects::SchemaChange;
use pgbridge_proxy::{CancelToken, SqlError, Value};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlPool};
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Column, Connection, Executor, MySql, SqlSafeStr, Statement};
use tokio::sync::{mpsc, oneshot};

use super::errors::classify;
use super::types::{arguments, convert_row, natives, type_of_result};
use super::{registry, schema};
use crate::backends::adapter::{
    BATCHES_AHEAD, Batch, Batcher, OutputType, Prepared, SessionValues, TableColumns,
};
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
    Ddl {
        sql: String,
        change: Option<SchemaChange>,
        reply: oneshot::Sender<Result<(), SqlError>>,
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

/// The async handle of a session's connection task.
pub struct Worker {
    commands: mpsc::UnboundedSender<Command>,
    cancel: CancelToken,
    /// Where statements that read the PostgreSQL catalog run.
    #[cfg(feature = "sqlite")]
    catalog: CatalogDatabase,
}

fn worker_gone() -> SqlError {
    SqlError::new("08006", "the MySQL connection of this session has stopped")
}

impl Worker {
    /// Takes a connection from the pool, gives it the session's values (what `version()`,
    /// `current_user` and `current_database()` answer) and starts its task.
    pub async fn open(
        pool: &MySqlPool,
        options: &MySqlConnectOptions,
        session: Arc<SessionValues>,
    ) -> Result<Worker, SqlError> {
        let mut connection = pool.acquire().await.map_err(|e| classify(&e))?;
        let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
            .fetch_one(&mut *connection)
            .await
            .map_err(|e| classify(&e))?;
        sqlx::query("SET @pgbridge_version = ?, @pgbridge_user = ?, @pgbridge_database = ?")
            .bind(&session.version)
            .bind(&session.user)
            .bind(&session.database)
            .execute(&mut *connection)
            .await
            .map_err(|e| classify(&e))?;
        let (commands, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(connection, receiver));
        Ok(Worker {
            commands,
            cancel: cancel_token(options.clone(), id),
            #[cfg(feature = "sqlite")]
            catalog: CatalogDatabase::new(session, "MySQL"),
        })
    }

    /// The session's catalog database.
    #[cfg(feature = "sqlite")]
    pub fn catalog(&self) -> &CatalogDatabase {
        &self.catalog
    }

    /// Reads the schema for the catalog, then brings the catalog database up to it.
    #[cfg(feature = "sqlite")]
    pub async fn refresh_catalog(&self) -> Result<(), SqlError> {
        let description = self
            .call(|reply| Command::DescribeSchema { reply })
            .await??;
        self.catalog.refresh(description).await
    }

    pub fn cancel_token(&self) -> CancelToken {
        Arc::clone(&self.cancel)
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

    pub async fn insert_rows(&self, sql: String, rows: Vec<Vec<Value>>) -> Result<u64, SqlError> {
        self.call(|reply| Command::InsertRows { sql, rows, reply })
            .await?
    }

    /// Runs DDL, then records the PostgreSQL types it declares in the registry.
    pub async fn ddl(&self, sql: String, change: Option<SchemaChange>) -> Result<(), SqlError> {
        self.call(|reply| Command::Ddl { sql, change, reply })
            .await?
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
}

/// `KILL QUERY <id>` on a connection of its own (the session's is busy running the query, and
/// the pool may have no connection free).
fn cancel_token(options: MySqlConnectOptions, id: u64) -> CancelToken {
    let runtime = tokio::runtime::Handle::current();
    Arc::new(move || {
        let options = options.clone();
        runtime.spawn(async move {
            match MySqlConnection::connect_with(&options).await {
                Ok(mut connection) => {
                    let kill = format!("KILL QUERY {id}");
                    if let Err(error) = sqlx::raw_sql(AssertSqlSafe(kill))
                        .execute(&mut connection)
                        .await
                    {
                        tracing::warn!(%error, "cancel: KILL QUERY failed");
                    }
                    let _ = connection.close().await;
                }
                Err(error) => tracing::warn!(%error, "cancel: cannot connect to MySQL"),
            }
        });
    })
}

async fn run(
    mut connection: PoolConnection<MySql>,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    while let Some(command) = commands.recv().await {
        let connection = &mut *connection;
        match command {
            Command::Prepare { sql, reply } => {
                let _ = reply.send(prepare(connection, sql).await);
            }
            Command::Query {
                sql,
                parameters,
                types,
                rows,
            } => query(connection, sql, &parameters, &types, &rows).await,
            Command::Execute {
                sql,
                parameters,
                reply,
            } => {
                let _ = reply.send(execute(connection, sql, &parameters).await);
            }
            Command::Batch { sql, reply } => {
                let result = sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(connection)
                    .await
                    .map(|_| ())
                    .map_err(|e| classify(&e));
                let _ = reply.send(result);
            }
            Command::InsertRows { sql, rows, reply } => {
                let mut inserted = 0;
                let mut result = Ok(());
                for row in &rows {
                    match execute(connection, sql.clone(), row).await {
                        Ok(count) => inserted += count,
                        Err(error) => {
                            result = Err(error);
                            break;
                        }
                    }
                }
                let _ = reply.send(result.map(|()| inserted));
            }
            Command::Ddl { sql, change, reply } => {
                let result = match sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut *connection)
                    .await
                {
                    Ok(_) => match &change {
                        Some(change) => registry::apply(connection, change).await,
                        None => Ok(()),
                    },
                    Err(error) => Err(classify(&error)),
                };
                let _ = reply.send(result);
            }
            Command::TableColumns { table, reply } => {
                let _ = reply.send(schema::table_columns(connection, &table).await);
            }
            #[cfg(feature = "sqlite")]
            Command::DescribeSchema { reply } => {
                let _ = reply.send(super::catalog::describe(connection).await);
            }
        }
    }
    // The session ended: nothing it left open may reach the next session of this connection.
    if sqlx::raw_sql("ROLLBACK")
        .execute(&mut *connection)
        .await
        .is_err()
    {
        connection.close_on_drop();
    }
}

async fn prepare(connection: &mut MySqlConnection, sql: String) -> Result<Prepared, SqlError> {
    let statement = connection
        .prepare(AssertSqlSafe(sql).into_sql_str())
        .await
        .map_err(|e| classify(&e))?;
    let parameter_count = match statement.parameters() {
        Some(either) => either.map_left(<[_]>::len).into_inner(),
        None => 0,
    };
    Ok(Prepared {
        parameter_count,
        columns: statement
            .columns()
            .iter()
            .map(|c| (c.name().to_owned(), Some(type_of_result(c.type_info()))))
            .collect(),
        origins: Vec::new(),
    })
}

async fn execute(
    connection: &mut MySqlConnection,
    sql: String,
    parameters: &[Value],
) -> Result<u64, SqlError> {
    sqlx::query_with(AssertSqlSafe(sql), arguments(parameters)?)
        .execute(connection)
        .await
        .map(|done| done.rows_affected())
        .map_err(|e| classify(&e))
}

async fn query(
    connection: &mut MySqlConnection,
    sql: String,
    parameters: &[Value],
    types: &[OutputType],
    sink: &mpsc::Sender<Batch>,
) {
    let result = async {
        let mut stream =
            sqlx::query_with(AssertSqlSafe(sql), arguments(parameters)?).fetch(connection);
        let mut columns = None;
        let mut batcher = Batcher::new(sink);
        while let Some(row) = stream.try_next().await.map_err(|e| classify(&e))? {
            let columns = columns.get_or_insert_with(|| natives(&row));
            if !batcher.push(convert_row(&row, columns, types)?).await {
                return Ok(());
            }
        }
        let _ = sink.send(Ok(batcher.last())).await;
        Ok::<(), SqlError>(())
    }
    .await;
    if let Err(error) = result {
        let _ = sink.send(Err(error)).await;
    }
}
