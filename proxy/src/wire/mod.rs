//! The PostgreSQL wire protocol v3 front end, built on the `pgwire` crate.
//!
//! [`serve`] accepts connections on a listener until its shutdown future completes, and runs
//! each connection on its own task with handlers bound to one [`Session`](crate::Session).
//! [`WireOptions`] carries the authentication method and users ([`AuthSettings`]) and the
//! optional TLS certificate ([`TlsSettings`]).

mod auth;
mod cancel;
mod connection;
mod copy;
pub mod encode;
mod messages;
mod startup;
mod tls;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use pgwire::api::{PgWireServerHandlers, RandomPidSecretKeyGenerator};
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, oneshot};
use tokio::task::JoinSet;

use crate::{Backend, dedicated};
use auth::Authenticator;
pub use auth::{AuthMethod, AuthSettings, Credential, ScramVerifier, User, md5_hash};
use cancel::{CancelHandlerImpl, CancelRegistry};
use connection::QueryHandlers;
use startup::Startup;
pub use tls::TlsSettings;

/// Settings of the wire front end.
#[derive(Debug, Clone)]
pub struct WireOptions {
    /// How long running statements may take to finish after shutdown begins. Default 10 s.
    pub shutdown_grace: Duration,
    /// How clients authenticate. Default trust.
    pub auth: AuthSettings,
    /// TLS certificate and key. Default none: SSLRequest is answered `N`.
    pub tls: Option<TlsSettings>,
    /// Serve each connection on a thread of its own ([`crate::dedicated`]) rather than as a
    /// task of the shared runtime. Default off; the SQLite backend turns it on.
    pub dedicated_threads: bool,
}

impl Default for WireOptions {
    fn default() -> Self {
        WireOptions {
            shutdown_grace: Duration::from_secs(10),
            auth: AuthSettings::default(),
            tls: None,
            dedicated_threads: false,
        }
    }
}

/// Why the wire front end's settings cannot be used.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum WireSetupError {
    #[error("invalid SCRAM verifier: {message}")]
    Verifier { message: String },
    #[error("cannot read {path}: {source}")]
    TlsRead {
        path: String,
        source: std::io::Error,
    },
    #[error("TLS: {message}")]
    Tls { message: String },
}

struct ConnectionHandlers<B: Backend> {
    startup: Arc<Startup<B>>,
    queries: Arc<QueryHandlers<B::Session>>,
    cancel: Arc<CancelHandlerImpl>,
}

impl<B: Backend> PgWireServerHandlers for ConnectionHandlers<B> {
    fn simple_query_handler(&self) -> Arc<impl pgwire::api::query::SimpleQueryHandler> {
        Arc::clone(&self.queries)
    }

    fn extended_query_handler(&self) -> Arc<impl pgwire::api::query::ExtendedQueryHandler> {
        Arc::clone(&self.queries)
    }

    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.startup)
    }

    fn copy_handler(&self) -> Arc<impl pgwire::api::copy::CopyHandler> {
        Arc::clone(&self.queries)
    }

    fn cancel_handler(&self) -> Arc<impl pgwire::api::cancel::CancelHandler> {
        Arc::clone(&self.cancel)
    }
}

/// Speaks the protocol with one client until it leaves.
async fn serve_connection<B: Backend>(
    socket: TcpStream,
    acceptor: Option<pgwire::tokio::TlsAcceptor>,
    handlers: ConnectionHandlers<B>,
    peer: SocketAddr,
) {
    if let Err(error) = pgwire::tokio::process_socket(socket, acceptor, handlers).await {
        tracing::debug!(%peer, %error, "connection closed with an error");
    }
}

/// Runs the connection `make` builds on a thread of its own ([`dedicated`]). The task added
/// to `connections` ends when the thread's connection does; aborting it (shutdown after the
/// grace period) ends the connection.
fn spawn_dedicated<F, Fut>(connections: &mut JoinSet<()>, make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let (finished, done) = oneshot::channel::<()>();
    let (stop, stopped) = oneshot::channel::<()>();
    let spawned = dedicated::spawn("pgbridge-connection", move || async move {
        tokio::select! {
            () = make() => {}
            _ = stopped => {}
        }
        let _ = finished.send(());
    });
    match spawned {
        Ok(_) => {
            connections.spawn(async move {
                let _stop = stop;
                let _ = done.await;
            });
        }
        Err(error) => tracing::warn!(%error, "cannot start a connection thread"),
    }
}

/// Serves PostgreSQL clients on `listener` until `shutdown` completes, then stops accepting and
/// waits up to `options.shutdown_grace` for open connections to finish.
pub async fn serve<B: Backend>(
    listener: TcpListener,
    backend: Arc<B>,
    options: WireOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let cancels = Arc::new(CancelRegistry::default());
    let keys = Arc::new(RandomPidSecretKeyGenerator::default());
    let certificate_pem = options
        .tls
        .as_ref()
        .map(|tls| Arc::clone(&tls.certificate_pem));
    let authenticator = Arc::new(Authenticator::new(
        options.auth,
        certificate_pem.as_deref().map(Vec::as_slice),
    ));
    let acceptor = options.tls.map(|tls| tls.acceptor);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (socket, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let session = Arc::new(Mutex::new(None));
        let handlers = ConnectionHandlers {
            startup: Arc::new(Startup {
                backend: Arc::clone(&backend),
                session: Arc::clone(&session),
                cancels: Arc::clone(&cancels),
                cancel_guard: Mutex::new(None),
                keys: Arc::clone(&keys),
                authenticator: Arc::clone(&authenticator),
                mechanism: Mutex::new(None),
            }),
            queries: Arc::new(QueryHandlers { session }),
            cancel: Arc::new(CancelHandlerImpl {
                registry: Arc::clone(&cancels),
            }),
        };
        let acceptor = acceptor.clone();
        if !options.dedicated_threads {
            connections.spawn(serve_connection(socket, acceptor, handlers, peer));
            continue;
        }
        // The socket leaves this runtime's reactor and joins the new thread's.
        let socket = match socket.into_std() {
            Ok(socket) => socket,
            Err(error) => {
                tracing::warn!(%peer, %error, "cannot hand the connection to its thread");
                continue;
            }
        };
        spawn_dedicated(&mut connections, move || async move {
            match TcpStream::from_std(socket) {
                Ok(socket) => serve_connection(socket, acceptor, handlers, peer).await,
                Err(error) => tracing::warn!(%peer, %error, "cannot serve the connection"),
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(options.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            remaining = connections.len(),
            "closing connections still open after the shutdown grace period"
        );
        connections.abort_all();
    }
    Ok(())
}
