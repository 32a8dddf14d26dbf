//! Startup: protocol negotiation, authentication, opening the session, ParameterStatus,
//! BackendKeyData.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use futures::{Sink, SinkExt};
use pgwire::api::auth::mechanism::{AuthMechanism, AuthState};
use pgwire::api::auth::{
    ServerParameterProvider, StartupHandler, finish_authentication, protocol_negotiation,
    save_startup_parameters_to_metadata,
};
use pgwire::api::{
    ClientInfo, METADATA_APPLICATION_NAME, METADATA_DATABASE, METADATA_USER, PgWireConnectionState,
    PidSecretKeyGenerator, RandomPidSecretKeyGenerator,
};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use tokio::sync::Mutex;

use super::auth::Authenticator;
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
///
/// It drives pgwire's per-connection [`AuthMechanism`]s itself rather than through pgwire's
/// `AuthDriver`: the driver's completion step makes its own pid/secret key and knows nothing of
/// opening the backend session or registering the cancel key, which must happen between
/// "password accepted" and AuthenticationOk. One `Startup` exists per connection, so the running
/// mechanism lives here.
pub struct Startup<B: Backend> {
    pub backend: Arc<B>,
    pub session: SessionSlot<B::Session>,
    pub cancels: Arc<CancelRegistry>,
    pub cancel_guard: Mutex<Option<CancelGuard>>,
    pub keys: Arc<RandomPidSecretKeyGenerator>,
    pub authenticator: Arc<Authenticator>,
    /// The mechanism waiting for the client's next password message.
    pub mechanism: Mutex<Option<Box<dyn AuthMechanism>>>,
}

fn fatal(code: &str, message: String) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "FATAL".to_owned(),
        code.to_owned(),
        message,
    )))
}

/// The error a failed authentication reports: a wrong password and an unknown user read the
/// same, as in PostgreSQL; malformed SASL messages keep their protocol code.
fn authentication_failed(user: &str, error: PgWireError) -> PgWireError {
    match error {
        PgWireError::InvalidPassword(_) => {
            tracing::info!(user, "password authentication failed");
            fatal(
                "28P01",
                format!("password authentication failed for user \"{user}\""),
            )
        }
        other => {
            tracing::info!(user, error = %other, "authentication failed");
            let info = ErrorInfo::from(other);
            fatal(&info.code, info.message)
        }
    }
}

fn startup_user<C: ClientInfo>(client: &C) -> String {
    client
        .metadata()
        .get(METADATA_USER)
        .cloned()
        .unwrap_or_default()
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
        match message {
            PgWireFrontendMessage::Startup(startup) => {
                protocol_negotiation(client, &startup).await?;
                save_startup_parameters_to_metadata(client, &startup);
                let user = startup_user(client);
                if user.is_empty() {
                    return Err(fatal(
                        "28000",
                        "no PostgreSQL user name specified in startup packet".to_owned(),
                    ));
                }
                match self.authenticator.mechanism(&user, client.is_secure()) {
                    None => self.open_session(client).await,
                    Some(mut mechanism) => {
                        let state = mechanism.begin(&*client).await;
                        self.advance(client, mechanism, state).await
                    }
                }
            }
            PgWireFrontendMessage::PasswordMessageFamily(password) => {
                let Some(mut mechanism) = self.mechanism.lock().await.take() else {
                    return Err(fatal("08P01", "unexpected password message".to_owned()));
                };
                let state = mechanism.next(&*client, password).await;
                self.advance(client, mechanism, state).await
            }
            _ => Err(fatal(
                "08P01",
                "expected a startup or password message".to_owned(),
            )),
        }
    }
}

impl<B: Backend> Startup<B> {
    /// Sends the mechanism's next request, or finishes the startup once it accepts the client.
    async fn advance<C>(
        &self,
        client: &mut C,
        mechanism: Box<dyn AuthMechanism>,
        state: PgWireResult<AuthState>,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match state {
            Ok(AuthState::InProgress(request)) => {
                client.set_state(PgWireConnectionState::AuthenticationInProgress);
                *self.mechanism.lock().await = Some(mechanism);
                client
                    .send(PgWireBackendMessage::Authentication(request))
                    .await?;
                Ok(())
            }
            Ok(AuthState::Ok { final_message, .. }) => {
                if let Some(message) = final_message {
                    client
                        .feed(PgWireBackendMessage::Authentication(message))
                        .await?;
                }
                self.open_session(client).await
            }
            Ok(AuthState::Failed(error)) | Err(error) => {
                Err(authentication_failed(&startup_user(client), error))
            }
        }
    }

    /// Opens the backend session and completes the startup: AuthenticationOk, ParameterStatus,
    /// BackendKeyData, ReadyForQuery.
    async fn open_session<C>(&self, client: &mut C) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let metadata = client.metadata();
        let user = startup_user(client);
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
