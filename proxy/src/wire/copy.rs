//! COPY on the wire: CopyInResponse / CopyData / CopyDone / CopyFail for COPY FROM STDIN, and
//! CopyOutResponse + one CopyData per row for COPY TO STDOUT.

use std::fmt::Debug;

use async_trait::async_trait;
use bytes::Bytes;
use futures::{Sink, SinkExt, StreamExt};
use pgwire::api::ClientInfo;
use pgwire::api::copy::CopyHandler;
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::copy::{CopyData, CopyDone, CopyFail, CopyInResponse, CopyOutResponse};
use pgwire::messages::response::CommandComplete;

use super::connection::{QueryHandlers, wire_status};
use super::messages::user_error;
use crate::{CopyFormat, Field, RowStream, Session, SqlError};

fn column_count(columns: usize) -> Result<i16, SqlError> {
    i16::try_from(columns).map_err(|_| SqlError::new("54011", "COPY of more than 32767 columns"))
}

/// Starts COPY FROM STDIN: tells the client to send data.
pub async fn start_copy_in<C>(client: &mut C, columns: usize, binary: bool) -> Result<(), SqlError>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
{
    let count = column_count(columns)?;
    let format = i8::from(binary);
    let response = CopyInResponse::new(format, count, vec![i16::from(format); columns]);
    client
        .send(PgWireBackendMessage::CopyInResponse(response))
        .await
        .map_err(|e| SqlError::new("08006", format!("connection failure: {e:?}")))
}

/// Sends a whole COPY TO STDOUT; returns the number of rows.
pub async fn copy_out<C>(
    client: &mut C,
    fields: &[Field],
    mut rows: RowStream,
    format: &CopyFormat,
) -> Result<usize, SqlError>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
{
    let failure = |e: C::Error| SqlError::new("08006", format!("connection failure: {e:?}"));
    let count = column_count(fields.len())?;
    client
        .feed(PgWireBackendMessage::CopyOutResponse(CopyOutResponse::new(
            0,
            count,
            vec![0; fields.len()],
        )))
        .await
        .map_err(failure)?;
    let mut line = String::new();
    if format.has_header() {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        format.write_header(&names, &mut line);
        client
            .feed(PgWireBackendMessage::CopyData(CopyData::new(Bytes::from(
                std::mem::take(&mut line),
            ))))
            .await
            .map_err(failure)?;
    }
    let mut sent = 0usize;
    while let Some(row) = rows.next().await {
        format.write_row(&row?, &mut line);
        client
            .feed(PgWireBackendMessage::CopyData(CopyData::new(Bytes::from(
                std::mem::take(&mut line),
            ))))
            .await
            .map_err(failure)?;
        sent += 1;
    }
    client
        .feed(PgWireBackendMessage::CopyDone(CopyDone::new()))
        .await
        .map_err(failure)?;
    Ok(sent)
}

#[async_trait]
impl<S: Session> CopyHandler for QueryHandlers<S> {
    async fn on_copy_data<C>(&self, _client: &mut C, copy_data: CopyData) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut slot = self.session.lock().await;
        let Some(session) = slot.as_mut() else {
            return Err(user_error(&SqlError::protocol("COPY data before startup")));
        };
        session
            .copy_in_data(&copy_data.data)
            .await
            .map_err(|e| user_error(&e))
    }

    async fn on_copy_done<C>(&self, client: &mut C, _done: CopyDone) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut slot = self.session.lock().await;
        let Some(session) = slot.as_mut() else {
            return Err(user_error(&SqlError::protocol("COPY done before startup")));
        };
        let result = session.copy_in_done().await;
        client.set_transaction_status(wire_status(session.transaction_state()));
        let tag = result.map_err(|e| user_error(&e))?;
        client
            .send(PgWireBackendMessage::CommandComplete(CommandComplete::new(
                tag,
            )))
            .await?;
        Ok(())
    }

    async fn on_copy_fail<C>(&self, client: &mut C, fail: CopyFail) -> PgWireError
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut slot = self.session.lock().await;
        match slot.as_mut() {
            Some(session) => {
                let error = session.copy_in_fail(&fail.message).await;
                client.set_transaction_status(wire_status(session.transaction_state()));
                user_error(&error)
            }
            None => user_error(&SqlError::protocol("COPY failed before startup")),
        }
    }
}
