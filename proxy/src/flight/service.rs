//! The Flight SQL calls, implemented over [`Runner`] with arrow-flight's [`FlightSqlService`].
//!
//! Queries are described when their FlightInfo is asked for (so FlightInfo carries the schema
//! the stream will have) and run when the ticket is redeemed with DoGet. A statement that
//! returns no rows (DDL or DML sent as a query, as ADBC's `cursor.execute` does) runs when its
//! FlightInfo is asked for, and the FlightInfo has no endpoints.
//! Statement tickets carry their SQL, so they need no server state; prepared statements live in
//! [`Statements`] until closed. Calls arrive here only after [`super::front_end`] has checked
//! who is calling.

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
    ActionClosePreparedStatementRequest, ActionCreatePreparedStatementRequest,
    ActionCreatePreparedStatementResult, CommandGetCatalogs, CommandGetDbSchemas,
    CommandGetPrimaryKeys, CommandGetSqlInfo, CommandGetTableTypes, CommandGetTables,
    CommandGetXdbcTypeInfo, CommandPreparedStatementQuery, CommandPreparedStatementUpdate,
    CommandStatementIngest, CommandStatementQuery, CommandStatementUpdate,
    DoPutPreparedStatementResult, ProstMessageExt, SqlInfo, TicketStatementQuery,
};
use arrow_flight::{
    Action, FlightData, FlightDescriptor, FlightEndpoint, FlightInfo, IpcMessage, SchemaAsIpc,
    Ticket,
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
}

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
    builder.append(SqlInfo::FlightSqlServerCancel, false);
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
        }
    }

    /// Encodes batches as Flight data: the schema first (also for an empty result), then each
    /// batch, compressed as configured.
    fn encode(&self, schema: SchemaRef, batches: BatchReceiver) -> DataStream {
        let batches = futures::stream::unfold(batches, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
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

    /// Runs SQL and streams its rows (DoGet of a statement ticket, or of plain SQL).
    pub async fn query_stream(&self, caller: &Caller, sql: &str) -> Result<DataStream, Status> {
        let (schema, batches) = self
            .runner
            .query(caller, sql, Vec::new())
            .await
            .map_err(|e| status(&e))?;
        Ok(self.encode(schema, batches))
    }

    /// The FlightInfo of SQL: its schema and a ticket holding the SQL, or, for a statement
    /// without rows, the statement run.
    pub async fn statement_info(
        &self,
        caller: &Caller,
        sql: &str,
        descriptor: FlightDescriptor,
        ticket_of: impl FnOnce(&Described) -> Vec<u8>,
    ) -> Result<Response<FlightInfo>, Status> {
        let described = self
            .runner
            .describe(caller, sql)
            .await
            .map_err(|e| status(&e))?;
        match &described.fields {
            Some(fields) => flight_info(&arrow_schema(fields), ticket_of(&described), descriptor),
            None => {
                let count = self
                    .runner
                    .update(caller, &described.sql, Vec::new())
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
        self.statement_info(&caller, &query.query, request.into_inner(), |described| {
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
        Ok(Response::new(self.query_stream(&caller, sql).await?))
    }

    async fn do_put_statement_update(
        &self,
        command: CommandStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
        self.runner
            .update(&caller, &command.query, Vec::new())
            .await
            .map_err(sql_status)
    }

    async fn do_put_statement_ingest(
        &self,
        command: CommandStatementIngest,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
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
        self.runner
            .ingest(&caller, &command, Box::pin(batches), move || schema)
            .await
            .map_err(sql_status)
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        let caller = caller(&request)?;
        let described = self
            .runner
            .describe(&caller, &query.query)
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
                    .update(&caller, &prepared.described.sql, prepared.parameter_rows)
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
        let (schema, batches) = self
            .runner
            .query(&caller, &prepared.described.sql, prepared.parameter_rows)
            .await
            .map_err(sql_status)?;
        Ok(Response::new(self.encode(schema, batches)))
    }

    async fn do_put_prepared_statement_update(
        &self,
        query: CommandPreparedStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = caller(&request)?;
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
            .update(&caller, &prepared.described.sql, rows)
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
