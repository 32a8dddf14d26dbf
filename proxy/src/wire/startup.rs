//! Startup: protocol negotiation, authentication, opening the session, ParameterStatus,
//! BackendKeyData.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use futures::{Sink, SinkExt};
use pgwire::api::auth::{
    ServerParameterProvider, StartupHandler, finish_authentication, protocol_negotiation,
    save_startup_parameters_to_metadata,
};
use pgwire::api::{
    ClientInfo, METADATA_APPLICATION_NAME, METADATA_DATABASE, METADATA_USER, PidSecretKeyGenerator,
    RandomPidSecretKeyGenerator,
};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use tokio::sync::Mutex;

use super::cancel::{CancelGuard, CancelRegistry};
use super::connection::SessionSlot;
use crate::{Backend, Session, SessionInfo};

/// The parameters announced after authentication.
struct Parameters(Vec<(String, String)>);

impl ServerParameterProvider for Parameters {
    fn server_parameters<C>(&self, client: &C) -> Option<HashMap<String, String>>
    where
        C: ClientInfo,
    {
        let mut parameters: HashMap<String, String> = self.0.iter().cloned().collect();
        if let Some(name) = client.metadata().get(METADATA_APPLICATION_NAME) {
            parameters.insert("application_name".to_owned(), name.clone());
        }
        if let Some(user) = client.metadata().get(METADATA_USER) {
            parameters.insert("session_authorization".to_owned(), user.clone());
        }
        Some(parameters)
    }
}

/// Handles the startup phase of one connection.
pub struct Startup<B: Backend> {
    pub backend: Arc<B>,
    pub session: SessionSlot<B::Session>,
    pub cancels: Arc<CancelRegistry>,
    pub cancel_guard: Mutex<Option<CancelGuard>>,
    pub keys: Arc<RandomPidSecretKeyGenerator>,
}

fn fatal(code: &str, message: String) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "FATAL".to_owned(),
        code.to_owned(),
        message,
    )))
}

#[async_trait]
impl<B: Backend> StartupHandler for Startup<B> {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let PgWireFrontendMessage::Startup(startup) = message else {
            return Err(fatal("08P01", "expected a startup message".to_owned()));
        };
        protocol_negotiation(client, &startup).await?;
        save_startup_parameters_to_metadata(client, &startup);
        let metadata = client.metadata();
        let user = metadata.get(METADATA_USER).cloned().unwrap_or_default();
        if user.is_empty() {
            return Err(fatal(
                "28000",
                "no PostgreSQL user name specified in startup packet".to_owned(),
            ));
        }
        let info = SessionInfo {
            database: metadata
                .get(METADATA_DATABASE)
                .cloned()
                .unwrap_or_else(|| user.clone()),
            application_name: metadata
                .get(METADATA_APPLICATION_NAME)
                .cloned()
                .unwrap_or_default(),
            peer: client.socket_addr().to_string(),
            user,
        };
        let session = self
            .backend
            .open_session(info)
            .await
            .map_err(|e| fatal(&e.code, e.message))?;
        let (pid, secret) = self.keys.generate(client);
        client.set_pid_and_secret_key(pid, secret.clone());
        let guard = self
            .cancels
            .register(pid, secret.to_bytes(), session.cancel_token());
        *self.cancel_guard.lock().await = Some(guard);
        *self.session.lock().await = Some(session);
        finish_authentication(client, &Parameters(self.backend.server_parameters())).await?;
        client.flush().await?;
        Ok(())
    }
}

impl<S: Session> Debug for super::connection::QueryHandlers<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueryHandlers")
    }
}
