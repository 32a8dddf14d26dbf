//! The gRPC service clients reach: authentication for every call, plain-SQL tickets for
//! pyarrow.flight users, then arrow-flight's Flight SQL dispatch to [`Service`].
//!
//! arrow-flight implements `FlightService` for any `FlightSqlService` and answers a ticket that
//! is not a Flight SQL command with a decode error; this wrapper sits in front of it so that a
//! ticket (or a FlightDescriptor command) holding UTF-8 SQL is run as a query, and so that the
//! caller is checked in one place and attached to the request for the handlers, with the
//! call's [`Control`]: its deadline is the configured call timeout or the client's own
//! `grpc-timeout`, whichever comes first.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use arrow_flight::flight_service_server::FlightService;
use arrow_flight::sql::Any;
use arrow_flight::{
    Action, ActionType, Criteria, Empty, FlightData, FlightDescriptor, FlightInfo,
    HandshakeRequest, HandshakeResponse, PollInfo, PutResult, SchemaResult, Ticket,
};
use futures::Stream;
use prost::Message;
use tonic::{Request, Response, Status, Streaming};

use super::auth::Authenticator;
use super::running::Control;
use super::service::Service;
use crate::Backend;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The prefix of every Flight SQL command's type URL.
const FLIGHT_SQL_TYPE_PREFIX: &str = "type.googleapis.com/arrow.flight.protocol.sql.";

/// The Flight service of pgbridge.
pub struct FrontEnd<B: Backend> {
    pub(crate) service: Arc<Service<B>>,
    pub(crate) auth: Arc<Authenticator>,
    /// The longest a call may run, its stream included (config `flight_call_timeout_ms`).
    pub(crate) call_timeout: Option<Duration>,
}

impl<B: Backend> FrontEnd<B> {
    /// Checks the caller and attaches it to the request, with the call's control.
    fn admit<T>(&self, request: &mut Request<T>) -> Result<(super::auth::Caller, Control), Status> {
        let caller = self.auth.authorize(request.metadata())?;
        let asked = request
            .metadata()
            .get("grpc-timeout")
            .and_then(|value| value.to_str().ok())
            .and_then(grpc_timeout);
        let timeout = match (self.call_timeout, asked) {
            (Some(configured), Some(asked)) => Some(configured.min(asked)),
            (configured, asked) => configured.or(asked),
        };
        let control = Control::new(timeout);
        request.extensions_mut().insert(caller.clone());
        request.extensions_mut().insert(control.clone());
        Ok((caller, control))
    }
}

/// A `grpc-timeout` header's duration: up to 8 digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
fn grpc_timeout(value: &str) -> Option<Duration> {
    let unit = value.chars().last()?;
    let amount: u64 = value[..value.len() - unit.len_utf8()].parse().ok()?;
    Some(match unit {
        'H' => Duration::from_secs(amount.saturating_mul(3600)),
        'M' => Duration::from_secs(amount.saturating_mul(60)),
        'S' => Duration::from_secs(amount),
        'm' => Duration::from_millis(amount),
        'u' => Duration::from_micros(amount),
        'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// The SQL of a ticket or command that is not a Flight SQL command.
fn plain_sql(bytes: &[u8]) -> Option<&str> {
    if Any::decode(bytes).is_ok_and(|any| any.type_url.starts_with(FLIGHT_SQL_TYPE_PREFIX)) {
        return None;
    }
    std::str::from_utf8(bytes)
        .ok()
        .filter(|sql| !sql.trim().is_empty())
}

#[tonic::async_trait]
impl<B: Backend> FlightService for FrontEnd<B> {
    type HandshakeStream = BoxStream<HandshakeResponse>;
    type ListFlightsStream = BoxStream<FlightInfo>;
    type DoGetStream = BoxStream<FlightData>;
    type DoPutStream = BoxStream<PutResult>;
    type DoExchangeStream = BoxStream<FlightData>;
    type DoActionStream = BoxStream<arrow_flight::Result>;
    type ListActionsStream = BoxStream<ActionType>;

    async fn handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<Response<Self::HandshakeStream>, Status> {
        let (token, caller) = self.auth.handshake(request.metadata())?;
        tracing::debug!(user = %caller.user, "flight handshake");
        let answer = HandshakeResponse {
            protocol_version: 0,
            payload: token.clone().into(),
        };
        let stream: Self::HandshakeStream = Box::pin(futures::stream::iter([Ok(answer)]));
        let mut response = Response::new(stream);
        let header = format!("Bearer {token}")
            .parse()
            .map_err(|_| Status::internal("cannot encode the bearer token"))?;
        response.metadata_mut().insert("authorization", header);
        Ok(response)
    }

    async fn list_flights(
        &self,
        mut request: Request<Criteria>,
    ) -> Result<Response<Self::ListFlightsStream>, Status> {
        self.admit(&mut request)?;
        FlightService::list_flights(self.service.as_ref(), request).await
    }

    async fn get_flight_info(
        &self,
        mut request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let (caller, control) = self.admit(&mut request)?;
        if let Some(sql) = plain_sql(&request.get_ref().cmd) {
            let sql = sql.to_owned();
            let descriptor = request.into_inner();
            return self
                .service
                .statement_info(&caller, &sql, descriptor, &control, |described| {
                    described.sql.clone().into_bytes()
                })
                .await;
        }
        FlightService::get_flight_info(self.service.as_ref(), request).await
    }

    async fn poll_flight_info(
        &self,
        mut request: Request<FlightDescriptor>,
    ) -> Result<Response<PollInfo>, Status> {
        self.admit(&mut request)?;
        FlightService::poll_flight_info(self.service.as_ref(), request).await
    }

    async fn get_schema(
        &self,
        mut request: Request<FlightDescriptor>,
    ) -> Result<Response<SchemaResult>, Status> {
        self.admit(&mut request)?;
        FlightService::get_schema(self.service.as_ref(), request).await
    }

    async fn do_get(
        &self,
        mut request: Request<Ticket>,
    ) -> Result<Response<Self::DoGetStream>, Status> {
        let (caller, control) = self.admit(&mut request)?;
        let ticket = &request.get_ref().ticket;
        if let Some(sql) = plain_sql(ticket) {
            let stream = self
                .service
                .query_stream(&caller, sql, Vec::new(), &control, ticket)
                .await?;
            return Ok(Response::new(stream));
        }
        FlightService::do_get(self.service.as_ref(), request).await
    }

    async fn do_put(
        &self,
        mut request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoPutStream>, Status> {
        self.admit(&mut request)?;
        FlightService::do_put(self.service.as_ref(), request).await
    }

    async fn do_exchange(
        &self,
        mut request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoExchangeStream>, Status> {
        self.admit(&mut request)?;
        FlightService::do_exchange(self.service.as_ref(), request).await
    }

    async fn do_action(
        &self,
        mut request: Request<Action>,
    ) -> Result<Response<Self::DoActionStream>, Status> {
        self.admit(&mut request)?;
        FlightService::do_action(self.service.as_ref(), request).await
    }

    async fn list_actions(
        &self,
        mut request: Request<Empty>,
    ) -> Result<Response<Self::ListActionsStream>, Status> {
        self.admit(&mut request)?;
        FlightService::list_actions(self.service.as_ref(), request).await
    }
}

#[cfg(test)]
mod tests {
    use arrow_flight::sql::{CommandStatementQuery, ProstMessageExt};
    use prost::Message;

    use super::{grpc_timeout, plain_sql};
    use std::time::Duration;

    #[test]
    fn grpc_timeouts_are_read_in_every_unit() {
        assert_eq!(grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(grpc_timeout("150m"), Some(Duration::from_millis(150)));
        assert_eq!(grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(grpc_timeout("S"), None);
        assert_eq!(grpc_timeout("5x"), None);
    }

    #[test]
    fn sql_tickets_are_told_from_flight_sql_commands() {
        assert_eq!(plain_sql(b"SELECT 1"), Some("SELECT 1"));
        let command = CommandStatementQuery {
            query: "SELECT 1".into(),
            transaction_id: None,
        }
        .as_any()
        .encode_to_vec();
        assert_eq!(plain_sql(&command), None);
        assert_eq!(plain_sql(b"  "), None);
    }
}
