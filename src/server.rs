//! Wiring: open the backend, serve the wire front end until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use pgbridge_proxy::wire::{WireOptions, serve};
use tokio::net::TcpListener;

use crate::Config;
use crate::engine::Engine;

/// Why the server could not run.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] crate::ConfigError),
    #[error("cannot open backend {backend}: {message}")]
    Backend { backend: String, message: String },
    #[error("listener failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves PostgreSQL clients on `listener` until `shutdown` completes.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    config.check()?;
    let engine = Engine::open_sqlite(&config.backend).map_err(|error| RunError::Backend {
        backend: config.backend.clone(),
        message: error.message,
    })?;
    tracing::info!(backend = %config.backend, version = engine.version(), "backend open");
    let options = WireOptions {
        shutdown_grace: Duration::from_secs(config.shutdown_grace_seconds),
    };
    serve(listener, Arc::new(engine), options, shutdown).await?;
    Ok(())
}
