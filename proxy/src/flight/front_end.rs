//! The gRPC service clients reach: authentication for every call, plain-SQL tickets for
//! pyarrow.flight users, then arrow-flight's Flight SQL dispatch to [`Service`].
//!
//! arrow-flight implements `FlightService` for any `FlightSqlService` and answers a ticket that
//! is not a Flight SQL command with a decode error; this wrapper sits in front of it so that a
//! ticket (or a FlightDescriptor command) holding UTF-8 SQL is run as a query, and so that the
//! caller is checked in one place and attached to the request for the handlers.

use std::pin::Pin;
use std::sync::Arc;

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
use super::service::Service;
use crate::Backend;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The prefix of every Flight SQL command's type URL.
const FLIGHT_SQL_TYPE_PREFIX: &str = "type.googleapis.com/arrow.flight.protocol.sql.";

/// The Flight service of pgbridge.
pub struct FrontEnd<B: Backend> {
    pub(crate) service: Arc<Service<B>>,
    pub(crate) auth: Arc<Authenticator>,
}

impl<B: Backend> FrontEnd<B> {
    /// Checks the caller and attaches it to the request.
    fn admit<T>(&self, request: &mut Request<T>) -> Result<super::auth::Caller, Status> {
        let caller = self.auth.authorize(request.metadata())?;
        request.extensions_mut().insert(caller.clone());
        Ok(caller)
    }
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
        let caller = self.admit(&mut request)?;
        if let Some(sql) = plain_sql(&request.get_ref().cmd) {
            let sql = sql.to_owned();
            return self
                .service
                .statement_info(&caller, &sql, request.into_inner(), |described| {
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
        let caller = self.admit(&mut request)?;
        if let Some(sql) = plain_sql(&request.get_ref().ticket) {
            return Ok(Response::new(
                self.service.query_stream(&caller, sql).await?,
            ));
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

    use super::plain_sql;

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
