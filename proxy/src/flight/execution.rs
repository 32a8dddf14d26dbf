//! Running SQL for Flight calls through the seam: each call opens its own [`Session`], so
//! Flight statements take the same path as the wire front end's (translation, the implicit
//! transaction committed by [`Session::end_implicit_transaction`], change events).
//!
//! A query's rows are read on a task of their own and sent as record batches through a bounded
//! channel: a slow reader fills the channel and the task waits, which stops reading the
//! backend; a reader that goes away closes the channel, the task drops the row stream, and
//! dropping it stops the backend's work.
//!
//! Every call runs under a [`Control`]: when it is cancelled (CancelFlightInfo) or its deadline
//! passes, the session's cancel token interrupts the backend statement and the call ends with
//! 57014.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::auth::Caller;
use super::batches::BatchBuilder;
use super::placeholders::number_placeholders;
use super::running::Control;
use super::schema::arrow_schema;
use crate::{Backend, CancelToken, Field, Outcome, PgType, Session, SessionInfo, SqlError, Value};

/// The application name Flight sessions report (`current_setting('application_name')`).
pub const APPLICATION_NAME: &str = "pgbridge-flight";

/// What Describe says about one statement, with its SQL (`?` already numbered).
#[derive(Debug, Clone)]
pub struct Described {
    pub sql: String,
    pub parameters: Vec<PgType>,
    /// Result columns; `None` for a statement that returns no rows.
    pub fields: Option<Arc<Vec<Field>>>,
}

/// Record batches of a result, or the error that ended it.
pub type BatchReceiver = mpsc::Receiver<Result<RecordBatch, SqlError>>;

/// Runs statements for the Flight service.
pub struct Runner<B: Backend> {
    backend: Arc<B>,
    batch_rows: usize,
    buffered_batches: usize,
}

impl<B: Backend> Runner<B> {
    pub fn new(backend: Arc<B>, batch_rows: usize, buffered_batches: usize) -> Runner<B> {
        Runner {
            backend,
            batch_rows: batch_rows.max(1),
            buffered_batches: buffered_batches.max(1),
        }
    }

    pub async fn open_session(&self, caller: &Caller) -> Result<B::Session, SqlError> {
        self.backend
            .open_session(SessionInfo {
                user: caller.user.clone(),
                database: caller.user.clone(),
                application_name: APPLICATION_NAME.to_owned(),
                peer: "flight".to_owned(),
            })
            .await
    }

    /// Parses and describes one statement without running it.
    pub async fn describe(
        &self,
        caller: &Caller,
        sql: &str,
        control: &Control,
    ) -> Result<Described, SqlError> {
        let sql = number_placeholders(sql)?;
        let mut session = self.open_session(caller).await?;
        let statement = single_statement(&mut session, &sql)?;
        let cancel = session.cancel_token();
        let description = control
            .run(session.describe(&statement, &[]), || cancel())
            .await?;
        Ok(Described {
            sql,
            parameters: description.parameters,
            fields: description.fields,
        })
    }

    /// Runs a query once per parameter row (once when there are none) and streams its rows as
    /// record batches of the schema Describe gives; returns that schema and the batches.
    pub async fn query(
        &self,
        caller: &Caller,
        sql: &str,
        parameter_rows: Vec<Vec<Value>>,
        control: &Control,
    ) -> Result<(SchemaRef, BatchReceiver), SqlError> {
        let sql = number_placeholders(sql)?;
        let mut session = self.open_session(caller).await?;
        let statement = single_statement(&mut session, &sql)?;
        let cancel = session.cancel_token();
        let description = control
            .run(session.describe(&statement, &[]), || cancel())
            .await?;
        let fields = description.fields.unwrap_or_default();
        let schema = arrow_schema(&fields);
        let (sender, receiver) = mpsc::channel(self.buffered_batches);
        let builder = BatchBuilder::new(Arc::clone(&schema), fields, self.batch_rows);
        let executions = if parameter_rows.is_empty() {
            vec![Vec::new()]
        } else {
            parameter_rows
        };
        let control = control.clone();
        tokio::spawn(async move {
            let rows = stream_rows(&mut session, &statement, executions, builder, &sender);
            let result = match control.run(rows, || cancel()).await {
                Ok(()) => session.end_implicit_transaction().await,
                Err(error) => Err(error),
            };
            if let Err(error) = result {
                let _ = sender.send(Err(error)).await;
            }
        });
        Ok((schema, receiver))
    }

    /// Runs statements that return no rows (or whose rows are not wanted) once per parameter
    /// row, and commits; returns the rows affected, or -1 when the command has no count
    /// (`CREATE TABLE`). Without parameters, `sql` may hold several statements.
    pub async fn update(
        &self,
        caller: &Caller,
        sql: &str,
        parameter_rows: Vec<Vec<Value>>,
        control: &Control,
    ) -> Result<i64, SqlError> {
        let sql = number_placeholders(sql)?;
        let mut session = self.open_session(caller).await?;
        let statements = session.parse(&sql)?;
        if statements.len() != 1 && !parameter_rows.is_empty() {
            return Err(multiple_statements());
        }
        let executions = if parameter_rows.is_empty() {
            vec![Vec::new()]
        } else {
            parameter_rows
        };
        let cancel: CancelToken = session.cancel_token();
        let work = run_updates(&mut session, &statements, &executions);
        let total = control.run(work, || cancel()).await?;
        session.end_implicit_transaction().await?;
        Ok(total.unwrap_or(-1))
    }
}

/// Runs each statement once per parameter row; answers the rows affected, if any had a count.
async fn run_updates<S: Session>(
    session: &mut S,
    statements: &[S::Statement],
    executions: &[Vec<Value>],
) -> Result<Option<i64>, SqlError> {
    let mut total: Option<i64> = None;
    for statement in statements {
        for parameters in executions {
            let count = match session.execute(statement, parameters.clone()).await? {
                Outcome::Command { tag } => tag_count(&tag),
                Outcome::Rows { mut rows, .. } => {
                    let mut count = 0i64;
                    while let Some(row) = rows.next().await {
                        row?;
                        count += 1;
                    }
                    Some(count)
                }
                Outcome::Empty => None,
                Outcome::CopyIn { .. } | Outcome::CopyOut { .. } => {
                    return Err(SqlError::unsupported("COPY through Arrow Flight SQL"));
                }
            };
            if let Some(count) = count {
                total = Some(total.unwrap_or(0) + count);
            }
        }
    }
    Ok(total)
}

fn multiple_statements() -> SqlError {
    SqlError::new(
        "42601",
        "cannot insert multiple commands into a prepared statement",
    )
}

fn single_statement<S: Session>(session: &mut S, sql: &str) -> Result<S::Statement, SqlError> {
    let mut statements = session.parse(sql)?;
    if statements.len() > 1 {
        return Err(multiple_statements());
    }
    statements
        .pop()
        .ok_or_else(|| SqlError::new("42601", "the statement is empty"))
}

/// The row count at the end of a command tag (`INSERT 0 3` is 3).
fn tag_count(tag: &str) -> Option<i64> {
    tag.rsplit(' ').next().and_then(|last| last.parse().ok())
}

async fn stream_rows<S: Session>(
    session: &mut S,
    statement: &S::Statement,
    executions: Vec<Vec<Value>>,
    mut builder: BatchBuilder,
    sender: &mpsc::Sender<Result<RecordBatch, SqlError>>,
) -> Result<(), SqlError> {
    for parameters in executions {
        let mut rows = match session.execute(statement, parameters).await? {
            Outcome::Rows { rows, .. } => rows,
            Outcome::Command { .. } | Outcome::Empty => continue,
            Outcome::CopyIn { .. } | Outcome::CopyOut { .. } => {
                return Err(SqlError::unsupported("COPY through Arrow Flight SQL"));
            }
        };
        loop {
            // A reader that goes away stops the statement at once, also while the backend
            // is still working on the next row.
            let row = tokio::select! {
                biased;
                row = rows.next() => row,
                () = sender.closed() => return Ok(()),
            };
            let Some(row) = row else { break };
            builder.append(&row?)?;
            if builder.is_full() && sender.send(Ok(builder.finish()?)).await.is_err() {
                // The reader went away: dropping `rows` stops the backend.
                return Ok(());
            }
        }
    }
    if !builder.is_empty() {
        let _ = sender.send(Ok(builder.finish()?)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tag_count;

    #[test]
    fn command_tags_give_their_counts() {
        assert_eq!(tag_count("INSERT 0 3"), Some(3));
        assert_eq!(tag_count("UPDATE 12"), Some(12));
        assert_eq!(tag_count("CREATE TABLE"), None);
    }
}
