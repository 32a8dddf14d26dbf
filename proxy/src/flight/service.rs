//! The Flight SQL calls, implemented over [`Runner`] with arrow-flight's [`FlightSqlService`].
//!
//! Queries are described when their FlightInfo is asked for (so FlightInfo carries the schema
//! the stream will have) and run when the ticket is redeemed with DoGet. A statement that
//! returns no rows (DDL or DML sent as a query, as ADBC's `cursor.execute` does) runs when its
//! FlightInfo is asked for, and the FlightInfo has no endpoints.
//! Statement tickets carry their SQL, so they need no server state; prepared statements live in
//! [`Statements`] until closed. Calls arrive here only after [`super::front_end`] has checked
//! who is calling and attached the call's [`Control`] (its deadline).
//!
//! A DoGet's query stays in [`Running`] while its stream runs, so that CancelFlightInfo (and
//! Flight SQL's CancelQuery) with the FlightInfo that named its ticket stops it.

use std::pin::Pin;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::error::FlightError;
use arrow_flight::flight_service_server::FlightService;
use arrow_flight::sql::metadata::{SqlInfoData, SqlInfoDataBuilder, XdbcTypeInfoData};
use arrow_flight::sql::server::{FlightSqlService, PeekableFlightDataStream};
use arrow_flight::sql::{
    ActionCancelQueryRequest, ActionCancelQueryResult, ActionClosePreparedStatementRequest,
    ActionCreatePreparedStatementRequest, ActionCreatePreparedStatementResult, CommandGetCatalogs,
    CommandGetDbSchemas, CommandGetPrimaryKeys, CommandGetSqlInfo, CommandGetTableTypes,
    CommandGetTables, CommandGetXdbcTypeInfo, CommandPreparedStatementQuery,
    CommandPreparedStatementUpdate, CommandStatementIngest, CommandStatementQuery,
    CommandStatementUpdate, DoPutPreparedStatementResult, ProstMessageExt, SqlInfo,
    TicketStatementQuery,
};
use arrow_flight::{
    Action, ActionType, CancelFlightInfoRequest, CancelFlightInfoResult, CancelStatus, FlightData,
    FlightDescriptor, FlightEndpoint, FlightInfo, IpcMessage, SchemaAsIpc, Ticket,
};
use arrow_ipc::writer::IpcWriteOptions;
use arrow_schema::{Field as ArrowField, Schema, SchemaRef};
use futures::{Stream, StreamExt, TryStreamExt};
use prost::Message;
use tonic::{Request, Response, Status};

use super::auth::Caller;
use super::errors::{invalid, status};
use super::execution::{BatchReceiver, Described, Runner};
use super::metadata::{TABLE_TYPES, primary_keys_schema};
use super::parameters::parameter_rows;
use super::running::{Control, Registration, Running};
use super::schema::{arrow_schema, data_type};
use super::statements::Statements;
use crate::{Backend, SqlError};

/// The stream type of DoGet answers.
pub type DataStream = Pin<Box<dyn Stream<Item = Result<FlightData, Status>> + Send + 'static>>;

/// The Flight SQL service over one backend.
pub struct Service<B: Backend> {
    pub(crate) runner: Runner<B>,
    statements: Statements,
    ipc_options: IpcWriteOptions,
    sql_info: SqlInfoData,
    type_info: XdbcTypeInfoData,
    running: Arc<Running>,
}

/// The core Flight action that cancels the queries of a FlightInfo.
const CANCEL_FLIGHT_INFO: &str = "CancelFlightInfo";

fn sql_info() -> SqlInfoData {
    let mut builder = SqlInfoDataBuilder::new();
    builder.append(SqlInfo::FlightSqlServerName, "pgbridge");
    builder.append(SqlInfo::FlightSqlServerVersion, env!("CARGO_PKG_VERSION"));
    builder.append(SqlInfo::FlightSqlServerArrowVersion, "1.5");
    builder.append(SqlInfo::FlightSqlServerReadOnly, false);
    builder.append(SqlInfo::FlightSqlServerSql, true);
    builder.append(SqlInfo::FlightSqlServerSubstrait, false);
    // SqlSupportedTransaction::None: every call is its own transaction.
    builder.append(SqlInfo::FlightSqlServerTransaction, 0i32);
    builder.append(SqlInfo::FlightSqlServerCancel, true);
    builder.append(SqlInfo::FlightSqlServerBulkIngestion, true);
    builder.append(SqlInfo::FlightSqlServerIngestTransactionsSupported, false);
    builder.append(SqlInfo::SqlDdlTable, true);
    builder.append(SqlInfo::SqlIdentifierQuoteChar, "\"");
    builder.append(SqlInfo::SqlAllTablesAreSelectable, true);
    builder
        .build()
        .expect("the SqlInfo values above have their specified types")
}

/// The authenticated caller the front end attached to a request.
fn caller<T>(request: &Request<T>) -> Result<Caller, Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("the call was not authenticated"))
}

/// The control (deadline, cancellation) the front end attached to a request.
fn control<T>(request: &Request<T>) -> Control {
    request
        .extensions()
        .get::<Control>()
        .cloned()
        .unwrap_or_default()
}

/// The tickets of a FlightInfo's endpoints.
fn tickets(info: &FlightInfo) -> impl Iterator<Item = &[u8]> {
    info.endpoint
        .iter()
        .filter_map(|endpoint| endpoint.ticket.as_ref())
        .map(|ticket| ticket.ticket.as_ref())
}

fn arrow_status(error: impl std::fmt::Display) -> Status {
    Status::internal(format!("Arrow: {error}"))
}

fn schema_bytes(schema: &Schema) -> Result<bytes::Bytes, Status> {
    let message: IpcMessage = SchemaAsIpc::new(schema, &IpcWriteOptions::default())
        .try_into()
        .map_err(arrow_status)?;
    Ok(message.0)
}

/// A FlightInfo with one endpoint whose ticket is `ticket`.
fn flight_info(
    schema: &Schema,
    ticket: Vec<u8>,
    descriptor: FlightDescriptor,
) -> Result<Response<FlightInfo>, Status> {
    let info = FlightInfo::new()
        .try_with_schema(schema)
        .map_err(arrow_status)?
        .with_endpoint(FlightEndpoint::new().with_ticket(Ticket::new(ticket)))
        .with_descriptor(descriptor)
        .with_ordered(true);
    Ok(Response::new(info))
}

/// The FlightInfo of a statement that already ran and returns no rows.
fn finished_info(
    records: i64,
    descriptor: FlightDescriptor,
) -> Result<Response<FlightInfo>, Status> {
    let info = FlightInfo::new()
        .try_with_schema(&Schema::empty())
        .map_err(arrow_status)?
        .with_descriptor(descriptor)
        .with_total_records(records);
    Ok(Response::new(info))
}

impl<B: Backend> Service<B> {
    pub fn new(runner: Runner<B>, statements: Statements, ipc_options: IpcWriteOptions) -> Self {
        Service {
            runner,
            statements,
            ipc_options,
            sql_info: sql_info(),
            type_info: super::type_info::type_info(),
            running: Arc::default(),
        }
    }

    /// Encodes batches as Flight data: the schema first (also for an empty result), then each
    /// batch, compressed as configured.
    /// The query stays registered as running until the stream ends or is dropped.
    fn encode(
        &self,
        schema: SchemaRef,
        batches: BatchReceiver,
        registration: Registration,
    ) -> DataStream {
        let state = (batches, registration);
        let batches = futures::stream::unfold(state, |(mut receiver, registration)| async move {
            let item = receiver.recv().await?;
            Some((item, (receiver, registration)))
        })
        .map(|item| item.map_err(|e| FlightError::Tonic(Box::new(status(&e)))));
        self.encode_stream(schema, batches)
    }

    fn encode_stream(
        &self,
        schema: SchemaRef,
        batches: impl Stream<Item = Result<RecordBatch, FlightError>> + Send + 'static,
    ) -> DataStream {
        let stream = FlightDataEncoderBuilder::new()
            .with_schema(schema)
            .with_options(self.ipc_options.clone())
            .build(batches)
            .map_err(Status::from);
        Box::pin(stream)
    }

    fn encode_batch(
        &self,
        batch: Result<RecordBatch, impl std::fmt::Display>,
    ) -> Result<DataStream, Status> {
        let batch = batch.map_err(arrow_status)?;
        let schema = batch.schema();
        Ok(self.encode_stream(schema, futures::stream::once(async { Ok(batch) })))
    }

    /// Runs a DoGet's query (SQL with its parameter rows) and streams its rows, registered
    /// under the ticket that asked for it.
    pub async fn query_stream(
        &self,
        caller: &Caller,
        sql: &str,
        parameter_rows: Vec<Vec<crate::Value>>,
        control: &Control,
        ticket: &[u8],
    ) -> Result<DataStream, Status> {
        let registration = self.running.register(ticket, &caller.user, control);
        let (schema, batches) = self
            .runner
            .query(caller, sql, parameter_rows, control)
            .await
            .map_err(|e| status(&e))?;
        Ok(self.encode(schema, batches, registration))
    }

    /// Stops the caller's running queries of a FlightInfo; NOT_FOUND when none is running.
    fn cancel_queries(&self, caller: &Caller, info: &FlightInfo) -> Result<(), Status> {
        match self.running.cancel(&caller.user, tickets(info)) {
            0 => Err(Status::not_found(
                "no query of this FlightInfo is running (it finished or was never started)",
            )),
            _ => Ok(()),
        }
    }

    /// The FlightInfo of SQL: its schema and a ticket holding the SQL, or, for a statement
    /// without rows, the statement run.
    pub async fn statement_info(
        &self,
        caller: &Caller,
        sql: &str,
        descriptor: FlightDescriptor,
        control: &Control,
        ticket_of: impl FnOnce(&Described) -> Vec<u8>,
    ) -> Result<Response<FlightInfo>, Status> {
        let described = self
            .runner
            .describe(caller, sql, control)
            .await
            .map_err(|e| status(&e))?;
        match &described.fields {
            Some(fields) => flight_info(&arrow_schema(fields), ticket_of(&described), descriptor),
            None => {
                let count = self
                    .runner
                    .update(caller, &described.sql, Vec::new(), control)
                    .await
                    .map_err(|e| status(&e))?;
                finished_info(count, descriptor)
            }
        }
    }

    /// Decodes the parameter batches of a DoPut for a prepared statement.
    async fn put_parameters(
        stream: PeekableFlightDataStream,
        described: &Described,
    ) -> Result<Vec<Vec<crate::Value>>, Status> {
        // The first message may carry only the descriptor (no IPC message): skip such ones.
        let data = stream
            .try_filter(|data| futures::future::ready(!data.data_header.is_empty()))
            .map_err(FlightError::from);
        let mut batches = FlightRecordBatchStream::new_from_flight_data(data);
        let mut rows = Vec::new();
        while let Some(batch) = batches.next().await {
            let batch = batch.map_err(|e| invalid(format!("cannot read the parameters: {e}")))?;
            rows.extend(parameter_rows(&batch, &described.parameters).map_err(|e| status(&e))?);
        }
        Ok(rows)
    }
}

fn sql_status(error: SqlError) -> Status {
    status(&error)
}

#[tonic::async_trait]
impl<B: Backend> FlightSqlService for Service<B> {
    type FlightService = Service<B>;

    async fn get_flight_info_statement(
        &self,
        query: CommandStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let caller = caller(&request)?;
        let control = control(&request);
        let descriptor = request.into_inner();
        self.statement_info(&caller, &query.query, descriptor, &control, |described| {
            TicketStatementQuery {
                statement_handle: described.sql.clone().into(),
            }
            .as_any()
            .encode_to_vec()
        })
        .await
    }

    async fn do_get_statement(
        &self,
        ticket: TicketStatementQuery,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let sql = std::str::from_utf8(&ticket.statement_handle)
            .map_err(|_| invalid("the statement ticket is not UTF-8 SQL"))?;
        let control = control(&request);
        let stream = self
            .query_stream(
                &caller,
                sql,
                Vec::new(),
                &control,
                &request.get_ref().ticket,
            )
            .await?;
        Ok(Response::new(stream))
    }

    async fn do_put_statement_update(
        &self,
        command: CommandStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
        self.runner
            .update(&caller, &command.query, Vec::new(), &control(&request))
            .await
            .map_err(sql_status)
    }

    async fn do_put_statement_ingest(
        &self,
        command: CommandStatementIngest,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
        let control = control(&request);
        let data = request
            .into_inner()
            .try_filter(|data| futures::future::ready(!data.data_header.is_empty()))
            .map_err(FlightError::from);
        let mut decoded = FlightRecordBatchStream::new_from_flight_data(data);
        let unreadable =
            |e: FlightError| SqlError::new("08P01", format!("cannot read the batches: {e}"));
        let first = decoded
            .next()
            .await
            .transpose()
            .map_err(|e| status(&unreadable(e)))?;
        let schema = decoded.schema().map(|schema| schema.as_ref().clone());
        let batches = futures::stream::iter(first.map(Ok))
            .chain(decoded.map(move |batch| batch.map_err(unreadable)));
        // Past the deadline the ingest is dropped: its session closes and the uncommitted
        // rows are rolled back with it.
        let ingest = self
            .runner
            .ingest(&caller, &command, Box::pin(batches), move || schema);
        control.run(ingest, || ()).await.map_err(sql_status)
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        let caller = caller(&request)?;
        let described = self
            .runner
            .describe(&caller, &query.query, &control(&request))
            .await
            .map_err(sql_status)?;
        let dataset = arrow_schema(described.fields.as_deref().map_or(&[], Vec::as_slice));
        let parameters = Schema::new(
            described
                .parameters
                .iter()
                .enumerate()
                .map(|(i, pg_type)| {
                    ArrowField::new(format!("${}", i + 1), data_type(*pg_type, -1), true)
                })
                .collect::<Vec<_>>(),
        );
        let handle = self
            .statements
            .insert(&caller.user, described)
            .map_err(sql_status)?;
        Ok(ActionCreatePreparedStatementResult {
            prepared_statement_handle: handle.into(),
            dataset_schema: schema_bytes(&dataset)?,
            parameter_schema: schema_bytes(&parameters)?,
        })
    }

    async fn do_action_cancel_query(
        &self,
        query: ActionCancelQueryRequest,
        request: Request<Action>,
    ) -> Result<ActionCancelQueryResult, Status> {
        let caller = caller(&request)?;
        let info = FlightInfo::decode(query.info)
            .map_err(|e| invalid(format!("CancelQuery: the FlightInfo does not decode: {e}")))?;
        self.cancel_queries(&caller, &info)?;
        // CancelQuery's CancelResult is not exported by arrow-flight; it numbers its values as
        // CancelFlightInfo's CancelStatus does (CANCELLED = 1).
        Ok(ActionCancelQueryResult {
            result: CancelStatus::Cancelled.into(),
        })
    }

    async fn do_action_fallback(
        &self,
        request: Request<Action>,
    ) -> Result<Response<<Self as FlightService>::DoActionStream>, Status> {
        let action = request.get_ref();
        if action.r#type != CANCEL_FLIGHT_INFO {
            return Err(invalid(format!("unknown action {:?}", action.r#type)));
        }
        let caller = caller(&request)?;
        let info = CancelFlightInfoRequest::decode(action.body.clone())
            .map_err(|e| {
                invalid(format!(
                    "CancelFlightInfo: the request does not decode: {e}"
                ))
            })?
            .info
            .ok_or_else(|| invalid("CancelFlightInfo: the request has no FlightInfo"))?;
        self.cancel_queries(&caller, &info)?;
        let result = CancelFlightInfoResult::new(CancelStatus::Cancelled);
        let body = arrow_flight::Result {
            body: result.encode_to_vec().into(),
        };
        Ok(Response::new(Box::pin(futures::stream::iter([Ok(body)]))))
    }

    async fn list_custom_actions(&self) -> Option<Vec<Result<ActionType, Status>>> {
        Some(vec![Ok(ActionType {
            r#type: CANCEL_FLIGHT_INFO.to_owned(),
            description: "Cancels the running queries of a FlightInfo\n\
                Request Message: CancelFlightInfoRequest\n\
                Response Message: CancelFlightInfoResult"
                .to_owned(),
        })])
    }

    async fn do_action_close_prepared_statement(
        &self,
        query: ActionClosePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<(), Status> {
        let caller = caller(&request)?;
        self.statements
            .close(&caller.user, &query.prepared_statement_handle)
            .map_err(sql_status)
    }

    async fn do_put_prepared_statement_query(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<DoPutPreparedStatementResult, Status> {
        let caller = caller(&request)?;
        let handle = query.prepared_statement_handle;
        let prepared = self
            .statements
            .get(&caller.user, &handle)
            .map_err(sql_status)?;
        let rows = Self::put_parameters(request.into_inner(), &prepared.described).await?;
        self.statements
            .bind(&caller.user, &handle, rows)
            .map_err(sql_status)?;
        Ok(DoPutPreparedStatementResult {
            prepared_statement_handle: Some(handle),
        })
    }

    async fn get_flight_info_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let caller = caller(&request)?;
        let prepared = self
            .statements
            .get(&caller.user, &query.prepared_statement_handle)
            .map_err(sql_status)?;
        let control = control(&request);
        let descriptor = request.into_inner();
        match &prepared.described.fields {
            Some(fields) => flight_info(
                &arrow_schema(fields),
                query.as_any().encode_to_vec(),
                descriptor,
            ),
            None => {
                let count = self
                    .runner
                    .update(
                        &caller,
                        &prepared.described.sql,
                        prepared.parameter_rows,
                        &control,
                    )
                    .await
                    .map_err(sql_status)?;
                finished_info(count, descriptor)
            }
        }
    }

    async fn do_get_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let prepared = self
            .statements
            .get(&caller.user, &query.prepared_statement_handle)
            .map_err(sql_status)?;
        let stream = self
            .query_stream(
                &caller,
                &prepared.described.sql,
                prepared.parameter_rows,
                &control(&request),
                &request.get_ref().ticket,
            )
            .await?;
        Ok(Response::new(stream))
    }

    async fn do_put_prepared_statement_update(
        &self,
        query: CommandPreparedStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
        let control = control(&request);
        let handle = query.prepared_statement_handle;
        let prepared = self
            .statements
            .get(&caller.user, &handle)
            .map_err(sql_status)?;
        let sent = Self::put_parameters(request.into_inner(), &prepared.described).await?;
        let rows = if sent.is_empty() {
            prepared.parameter_rows
        } else {
            sent
        };
        self.runner
            .update(&caller, &prepared.described.sql, rows, &control)
            .await
            .map_err(sql_status)
    }

    async fn get_flight_info_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let schema = query.clone().into_builder(&self.sql_info).schema();
        flight_info(
            &schema,
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_sql_info(
        &self,
        query: CommandGetSqlInfo,
        _request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let batch = query.into_builder(&self.sql_info).build();
        Ok(Response::new(self.encode_batch(batch)?))
    }

    async fn get_flight_info_xdbc_type_info(
        &self,
        query: CommandGetXdbcTypeInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let schema = query.into_builder(&self.type_info).schema();
        flight_info(
            &schema,
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_xdbc_type_info(
        &self,
        query: CommandGetXdbcTypeInfo,
        _request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let batch = query.into_builder(&self.type_info).build();
        Ok(Response::new(self.encode_batch(batch)?))
    }

    async fn get_flight_info_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let schema = query.into_builder().schema();
        flight_info(
            &schema,
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let mut builder = query.into_builder();
        for catalog in self.runner.catalogs(&caller).await.map_err(sql_status)? {
            builder.append(catalog);
        }
        Ok(Response::new(self.encode_batch(builder.build())?))
    }

    async fn get_flight_info_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let schema = query.clone().into_builder().schema();
        flight_info(
            &schema,
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let schemas = self
            .runner
            .schemas(&caller, &query)
            .await
            .map_err(sql_status)?;
        let mut builder = query.into_builder();
        for (catalog, schema) in schemas {
            builder.append(catalog, schema);
        }
        Ok(Response::new(self.encode_batch(builder.build())?))
    }

    async fn get_flight_info_tables(
        &self,
        query: CommandGetTables,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let schema = query.clone().into_builder().schema();
        flight_info(
            &schema,
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_tables(
        &self,
        query: CommandGetTables,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let tables = self
            .runner
            .tables(&caller, &query)
            .await
            .map_err(sql_status)?;
        let mut builder = query.into_builder();
        for table in tables {
            builder
                .append(
                    table.catalog,
                    table.schema,
                    table.name,
                    table.table_type,
                    &table.arrow_schema,
                )
                .map_err(arrow_status)?;
        }
        Ok(Response::new(self.encode_batch(builder.build())?))
    }

    async fn get_flight_info_table_types(
        &self,
        query: CommandGetTableTypes,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        flight_info(
            &table_types_schema(),
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_table_types(
        &self,
        _query: CommandGetTableTypes,
        _request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let types = arrow_array::StringArray::from(TABLE_TYPES.to_vec());
        let batch = RecordBatch::try_new(table_types_schema(), vec![Arc::new(types)]);
        Ok(Response::new(self.encode_batch(batch)?))
    }

    async fn get_flight_info_primary_keys(
        &self,
        query: CommandGetPrimaryKeys,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        flight_info(
            &primary_keys_schema(),
            query.as_any().encode_to_vec(),
            request.into_inner(),
        )
    }

    async fn do_get_primary_keys(
        &self,
        query: CommandGetPrimaryKeys,
        request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let caller = caller(&request)?;
        let batch = self
            .runner
            .primary_keys(&caller, &query)
            .await
            .map_err(sql_status)?;
        Ok(Response::new(
            self.encode_batch(Ok::<_, std::convert::Infallible>(batch))?,
        ))
    }
}

/// The schema Flight SQL specifies for GetTableTypes.
fn table_types_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![ArrowField::new(
        "table_type",
        arrow_schema::DataType::Utf8,
        false,
    )]))
}
