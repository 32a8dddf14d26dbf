//! One client connection: pgwire's handler traits implemented over a [`Session`].
//!
//! pgwire decodes messages and runs the state machine; pgbridge overrides the query paths so
//! that (1) a simple query stops at its first error as PostgreSQL does, (2) rows stream lazily
//! to the client, including under Execute row limits, and (3) ReadyForQuery reports the
//! session's own transaction state (I/T/E).

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use futures::{Sink, SinkExt, StreamExt};
use pgwire::api::portal::{Format, Portal, PortalExecutionState};
use pgwire::api::results::{FieldFormat, FieldInfo, QueryResponse};
use pgwire::api::stmt::QueryParser;
use pgwire::api::store::{Entry, PortalStore};
use pgwire::api::{ClientInfo, ClientPortalStore, DEFAULT_NAME, PgWireConnectionState, Type};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::{NoData, ParameterDescription};
use pgwire::messages::extendedquery::{
    Bind, BindComplete, Describe, Execute, PortalSuspended, Sync as PgSync,
    TARGET_TYPE_BYTE_PORTAL, TARGET_TYPE_BYTE_STATEMENT,
};
use pgwire::messages::response::{
    CommandComplete, EmptyQueryResponse, ReadyForQuery, TransactionStatus,
};
use pgwire::messages::simplequery::Query;
use pgwire::messages::startup::ParameterStatus;
use tokio::sync::Mutex;

use super::copy::{copy_out, start_copy_in};
use super::messages::{data_row, error_response, row_description, user_error};
use crate::decode::decode_parameter;
use crate::{Description, Outcome, PgType, Session, SqlError, TransactionState};

/// A statement prepared on this connection with what Describe reports for it.
pub struct Prepared<S: Session> {
    pub statement: S::Statement,
    pub description: Description,
}

/// The session slot shared by the handlers of one connection; filled at startup.
pub type SessionSlot<S> = Arc<Mutex<Option<S>>>;

/// The query handlers of one connection.
pub struct QueryHandlers<S: Session> {
    pub session: SessionSlot<S>,
}

/// Parses and describes statements for pgwire's Parse handling.
pub struct StatementParser<S: Session> {
    session: SessionSlot<S>,
}

fn no_session() -> SqlError {
    SqlError::protocol("query before startup completed")
}

pub(super) fn wire_status(state: TransactionState) -> TransactionStatus {
    match state {
        TransactionState::Idle => TransactionStatus::Idle,
        TransactionState::InTransaction => TransactionStatus::Transaction,
        TransactionState::Failed => TransactionStatus::Error,
    }
}

fn pg_type_of(oid: Option<&Type>) -> Option<PgType> {
    oid.and_then(|t| PgType::from_oid(t.oid()))
        .filter(|t| *t != PgType::Unknown)
}

#[async_trait]
impl<S: Session> QueryParser for StatementParser<S> {
    type Statement = Arc<Prepared<S>>;

    async fn parse_sql<C>(
        &self,
        _client: &C,
        sql: &str,
        types: &[Option<Type>],
    ) -> PgWireResult<Option<Self::Statement>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or_else(|| user_error(&no_session()))?;
        let mut statements = session.parse(sql).map_err(|e| user_error(&e))?;
        if statements.len() > 1 {
            let error = SqlError::new(
                "42601",
                "cannot insert multiple commands into a prepared statement",
            );
            session.on_error();
            return Err(user_error(&error));
        }
        let Some(statement) = statements.pop() else {
            return Ok(None);
        };
        let client_types: Vec<Option<PgType>> =
            types.iter().map(|t| pg_type_of(t.as_ref())).collect();
        let description = session
            .describe(&statement, &client_types)
            .await
            .map_err(|e| user_error(&e))?;
        Ok(Some(Arc::new(Prepared {
            statement,
            description,
        })))
    }

    fn get_parameter_types(&self, statement: &Self::Statement) -> PgWireResult<Vec<Type>> {
        Ok(statement
            .description
            .parameters
            .iter()
            .map(|t| Type::from_oid(t.oid()).unwrap_or(Type::TEXT))
            .collect())
    }

    fn get_result_schema(
        &self,
        statement: &Self::Statement,
        format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        let fields = statement
            .description
            .fields
            .as_deref()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Ok(fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let format = format.map(|f| f.format_for(i)).unwrap_or(FieldFormat::Text);
                FieldInfo::new(
                    field.name.clone(),
                    None,
                    None,
                    Type::from_oid(field.pg_type.oid()).unwrap_or(Type::TEXT),
                    format,
                )
            })
            .collect())
    }
}

/// What sending an outcome left the connection in.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    Complete,
    /// COPY FROM STDIN started: the client sends CopyData next.
    CopyIn,
}

async fn complete<C>(client: &mut C, tag: String) -> Result<Sent, SqlError>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
{
    let message = PgWireBackendMessage::CommandComplete(CommandComplete::new(tag));
    feed(client, message).await.map(|()| Sent::Complete)
}

async fn send_outcome<C>(client: &mut C, outcome: Outcome) -> Result<Sent, SqlError>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
{
    match outcome {
        Outcome::Empty => {
            let message = PgWireBackendMessage::EmptyQueryResponse(EmptyQueryResponse::new());
            feed(client, message).await.map(|()| Sent::Complete)
        }
        Outcome::Command { tag } => complete(client, tag).await,
        Outcome::CopyIn { columns, binary } => {
            start_copy_in(client, columns, binary).await?;
            Ok(Sent::CopyIn)
        }
        Outcome::CopyOut {
            fields,
            rows,
            format,
        } => {
            let count = copy_out(client, &fields, rows, &format).await?;
            complete(client, format!("COPY {count}")).await
        }
        Outcome::Rows {
            fields,
            mut rows,
            tag,
        } => {
            feed(client, row_description(&fields, &[])).await?;
            let mut count = 0usize;
            while let Some(row) = rows.next().await {
                let row = row?;
                let message = data_row(&row, &fields, &[])?;
                feed(client, PgWireBackendMessage::DataRow(message)).await?;
                count += 1;
            }
            complete(client, format!("{tag} {count}")).await
        }
    }
}

async fn feed<C>(client: &mut C, message: PgWireBackendMessage) -> Result<(), SqlError>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
{
    client
        .feed(message)
        .await
        .map_err(|e| SqlError::new("08006", format!("connection failure: {e:?}")))
}

async fn send_parameter_changes<C, S>(client: &mut C, session: &mut S) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
    S: Session,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    for (name, value) in session.take_parameter_changes() {
        client
            .feed(PgWireBackendMessage::ParameterStatus(ParameterStatus::new(
                name, value,
            )))
            .await?;
    }
    Ok(())
}

#[async_trait]
impl<S: Session> pgwire::api::query::SimpleQueryHandler for QueryHandlers<S> {
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        client.set_state(PgWireConnectionState::QueryInProgress);
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or_else(|| user_error(&no_session()))?;
        match session.parse(&query.query) {
            Err(error) => client.feed(error_response(&error)).await?,
            Ok(statements) if statements.is_empty() => {
                client
                    .feed(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ))
                    .await?;
            }
            Ok(statements) => {
                for statement in &statements {
                    let result = match session.execute(statement, Vec::new()).await {
                        Ok(outcome) => send_outcome(client, outcome).await,
                        Err(error) => Err(error),
                    };
                    match result {
                        Ok(Sent::Complete) => {}
                        Ok(Sent::CopyIn) => {
                            // ReadyForQuery follows CopyDone; statements after a COPY FROM
                            // STDIN in the same string are not run.
                            client.set_state(PgWireConnectionState::CopyInProgress(false));
                            client.flush().await?;
                            return Ok(());
                        }
                        Err(error) => {
                            session.on_error();
                            client.feed(error_response(&error)).await?;
                            break;
                        }
                    }
                }
            }
        }
        if let Err(error) = session.end_implicit_transaction().await {
            client.feed(error_response(&error)).await?;
        }
        send_parameter_changes(client, session).await?;
        let status = wire_status(session.transaction_state());
        client.set_transaction_status(status);
        client.set_state(PgWireConnectionState::ReadyForQuery);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
    }

    async fn do_query<C>(
        &self,
        _client: &mut C,
        _query: &str,
    ) -> PgWireResult<Vec<pgwire::api::results::Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // on_query above handles simple queries whole; pgwire never calls this.
        Ok(Vec::new())
    }
}

/// Checks Bind's format-code and parameter counts, which pgwire indexes without checking.
fn check_bind(bind: &Bind, prepared: Option<&Prepared<impl Session>>) -> Result<(), SqlError> {
    let parameters = bind.parameters.len();
    let codes = bind.parameter_format_codes.len();
    if codes > 1 && codes != parameters {
        return Err(SqlError::protocol(format!(
            "bind message has {codes} parameter formats but {parameters} parameters"
        )));
    }
    if let Some(prepared) = prepared {
        let expected = prepared.description.parameters.len();
        if parameters != expected {
            return Err(SqlError::protocol(format!(
                "bind message supplies {parameters} parameters, but prepared statement requires {expected}"
            )));
        }
        let columns = prepared.description.fields.as_ref().map_or(0, |f| f.len());
        let result_codes = bind.result_column_format_codes.len();
        if result_codes > 1 && result_codes != columns {
            return Err(SqlError::protocol(format!(
                "bind message has {result_codes} result formats but query has {columns} columns"
            )));
        }
    }
    if bind
        .parameter_format_codes
        .iter()
        .chain(&bind.result_column_format_codes)
        .any(|code| !matches!(code, 0 | 1))
    {
        return Err(SqlError::protocol(
            "unsupported format code in bind message",
        ));
    }
    Ok(())
}

fn format_codes(format: &Format, count: usize) -> Vec<i16> {
    (0..count).map(|i| format.format_for(i).value()).collect()
}

impl<S: Session> QueryHandlers<S> {
    async fn execute_portal<C>(
        &self,
        client: &mut C,
        portal: &Portal<Arc<Prepared<S>>>,
        max_rows: usize,
    ) -> Result<(), SqlError>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
    {
        let prepared = &portal.statement.statement;
        let state = portal.state();
        let mut state = state.lock().await;
        if matches!(*state, PortalExecutionState::Initial) {
            let types = &prepared.description.parameters;
            let mut parameters = Vec::with_capacity(types.len());
            for (i, (bytes, pg_type)) in portal.parameters.iter().zip(types).enumerate() {
                let binary = portal.parameter_format.is_binary(i);
                parameters.push(decode_parameter(bytes.as_deref(), *pg_type, binary)?);
            }
            let outcome = {
                let mut slot = self.session.lock().await;
                let session = slot.as_mut().ok_or_else(no_session)?;
                session.execute(&prepared.statement, parameters).await?
            };
            match outcome {
                Outcome::Rows { fields, rows, tag } => {
                    let formats = format_codes(&portal.result_column_format, fields.len());
                    let encoded_fields = Arc::clone(&fields);
                    let stream = rows.map(move |row| {
                        row.and_then(|row| data_row(&row, &encoded_fields, &formats))
                            .map_err(|e| user_error(&e))
                    });
                    let mut response = QueryResponse::new(Arc::new(Vec::new()), stream);
                    response.set_command_tag(&tag);
                    *state = PortalExecutionState::Suspended(response);
                }
                other => {
                    *state = PortalExecutionState::Finished;
                    if send_outcome(client, other).await? == Sent::CopyIn {
                        client.set_state(PgWireConnectionState::CopyInProgress(true));
                    }
                    return Ok(());
                }
            }
        }
        match &mut *state {
            PortalExecutionState::Suspended(response) => {
                let tag = response.command_tag().to_owned();
                let mut sent = 0usize;
                let rows = response.data_rows();
                loop {
                    if max_rows > 0 && sent == max_rows {
                        feed(
                            client,
                            PgWireBackendMessage::PortalSuspended(PortalSuspended::new()),
                        )
                        .await?;
                        return Ok(());
                    }
                    match rows.next().await {
                        Some(Ok(row)) => {
                            feed(client, PgWireBackendMessage::DataRow(row)).await?;
                            sent += 1;
                        }
                        Some(Err(PgWireError::UserError(info))) => {
                            *state = PortalExecutionState::Finished;
                            return Err(SqlError::new(info.code.clone(), info.message.clone()));
                        }
                        Some(Err(other)) => {
                            *state = PortalExecutionState::Finished;
                            return Err(SqlError::new("XX000", other.to_string()));
                        }
                        None => break,
                    }
                }
                *state = PortalExecutionState::Finished;
                let tag = format!("{tag} {sent}");
                feed(
                    client,
                    PgWireBackendMessage::CommandComplete(CommandComplete::new(tag)),
                )
                .await
            }
            _ => {
                // A finished portal answers with an empty completion, as PostgreSQL does.
                feed(
                    client,
                    PgWireBackendMessage::CommandComplete(CommandComplete::new(
                        "SELECT 0".to_owned(),
                    )),
                )
                .await
            }
        }
    }

    async fn fail(&self, error: &SqlError) -> PgWireError {
        if let Some(session) = self.session.lock().await.as_mut() {
            session.on_error();
        }
        user_error(error)
    }
}

#[async_trait]
impl<S: Session> pgwire::api::query::ExtendedQueryHandler for QueryHandlers<S> {
    type Statement = Arc<Prepared<S>>;
    type QueryParser = StatementParser<S>;

    fn query_parser(&self) -> Arc<Self::QueryParser> {
        Arc::new(StatementParser {
            session: Arc::clone(&self.session),
        })
    }

    async fn on_bind<C>(&self, client: &mut C, message: Bind) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let statement_name = message.statement_name.as_deref().unwrap_or(DEFAULT_NAME);
        let portal_name = message.portal_name.as_deref().unwrap_or(DEFAULT_NAME);
        match client.portal_store().get_statement(statement_name) {
            Some(Entry::Value(statement)) => {
                if let Err(error) = check_bind(&message, Some(statement.statement.as_ref())) {
                    return Err(self.fail(&error).await);
                }
                let portal = Portal::try_new(&message, statement)?;
                client.portal_store().put_portal(Arc::new(portal));
            }
            Some(Entry::Empty) => {
                if let Err(error) = check_bind(&message, None::<&Prepared<S>>) {
                    return Err(self.fail(&error).await);
                }
                client.portal_store().put_empty_portal(portal_name);
            }
            None => {
                let error = SqlError::new(
                    "26000",
                    format!("prepared statement \"{statement_name}\" does not exist"),
                );
                return Err(self.fail(&error).await);
            }
        }
        // Answers are buffered until Sync or Flush, as PostgreSQL's are: one write per batch.
        client
            .feed(PgWireBackendMessage::BindComplete(BindComplete::new()))
            .await?;
        Ok(())
    }

    async fn on_execute<C>(&self, client: &mut C, message: Execute) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let portal_name = message.name.as_deref().unwrap_or(DEFAULT_NAME);
        let max_rows = usize::try_from(message.max_rows).unwrap_or(0);
        let portal = match client.portal_store().get_portal(portal_name) {
            Some(Entry::Value(portal)) => portal,
            Some(Entry::Empty) => {
                client
                    .feed(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ))
                    .await?;
                return Ok(());
            }
            None => {
                let error =
                    SqlError::new("34000", format!("portal \"{portal_name}\" does not exist"));
                return Err(self.fail(&error).await);
            }
        };
        client.set_state(PgWireConnectionState::QueryInProgress);
        let result = self.execute_portal(client, &portal, max_rows).await;
        if !matches!(client.state(), PgWireConnectionState::CopyInProgress(_)) {
            client.set_state(PgWireConnectionState::ReadyForQuery);
        }
        if let Err(error) = result {
            return Err(self.fail(&error).await);
        }
        if let Some(session) = self.session.lock().await.as_mut() {
            send_parameter_changes(client, session).await?;
            client.set_transaction_status(wire_status(session.transaction_state()));
        }
        Ok(())
    }

    async fn on_describe<C>(&self, client: &mut C, message: Describe) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let name = message.name.as_deref().unwrap_or(DEFAULT_NAME);
        let (prepared, formats, with_parameters) = match message.target_type {
            TARGET_TYPE_BYTE_STATEMENT => match client.portal_store().get_statement(name) {
                Some(Entry::Value(statement)) => {
                    (Some(Arc::clone(&statement.statement)), Vec::new(), true)
                }
                Some(Entry::Empty) => (None, Vec::new(), true),
                None => {
                    let error = SqlError::new(
                        "26000",
                        format!("prepared statement \"{name}\" does not exist"),
                    );
                    return Err(self.fail(&error).await);
                }
            },
            TARGET_TYPE_BYTE_PORTAL => match client.portal_store().get_portal(name) {
                Some(Entry::Value(portal)) => {
                    let columns = portal
                        .statement
                        .statement
                        .description
                        .fields
                        .as_ref()
                        .map_or(0, |f| f.len());
                    let formats = format_codes(&portal.result_column_format, columns);
                    (
                        Some(Arc::clone(&portal.statement.statement)),
                        formats,
                        false,
                    )
                }
                Some(Entry::Empty) => (None, Vec::new(), false),
                None => {
                    let cursor = match self.session.lock().await.as_ref() {
                        Some(session) => session.cursor_fields(name),
                        None => None,
                    };
                    if let Some(fields) = cursor {
                        client.feed(row_description(&fields, &[])).await?;
                        return Ok(());
                    }
                    let error = SqlError::new("34000", format!("portal \"{name}\" does not exist"));
                    return Err(self.fail(&error).await);
                }
            },
            other => {
                let error = SqlError::protocol(format!("invalid DESCRIBE message subtype {other}"));
                return Err(self.fail(&error).await);
            }
        };
        if with_parameters {
            let types = prepared
                .as_ref()
                .map(|p| p.description.parameters.iter().map(|t| t.oid()).collect())
                .unwrap_or_default();
            client
                .feed(PgWireBackendMessage::ParameterDescription(
                    ParameterDescription::new(types),
                ))
                .await?;
        }
        match prepared
            .as_ref()
            .and_then(|p| p.description.fields.as_ref())
        {
            Some(fields) => client.feed(row_description(fields, &formats)).await?,
            None => {
                client
                    .feed(PgWireBackendMessage::NoData(NoData::new()))
                    .await?
            }
        }
        Ok(())
    }

    async fn on_sync<C>(&self, client: &mut C, _message: PgSync) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        client.portal_store().rm_portal(DEFAULT_NAME);
        let state = match self.session.lock().await.as_mut() {
            Some(session) => {
                if let Err(error) = session.end_implicit_transaction().await {
                    client.feed(error_response(&error)).await?;
                }
                session.transaction_state()
            }
            None => TransactionState::Idle,
        };
        let status = wire_status(state);
        client.set_transaction_status(status);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        client.flush().await?;
        Ok(())
    }

    async fn do_query<C>(
        &self,
        _client: &mut C,
        _portal: &Portal<Self::Statement>,
        _max_rows: usize,
    ) -> PgWireResult<pgwire::api::results::Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // on_execute above handles portals whole; pgwire never calls this.
        Ok(pgwire::api::results::Response::EmptyQuery)
    }
}
