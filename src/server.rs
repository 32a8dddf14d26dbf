//! Wiring: open the backend, serve the wire front end (and the Arrow Flight SQL front end when
//! `flight_listen` is set, feature `arrow`) over the same engine until shutdown.

use std::future::Future;
use std::time::Duration;

use pgbridge_proxy::wire::{
    self, AuthSettings, Credential, TlsSettings, WireOptions, WireSetupError,
};
use tokio::net::TcpListener;

use crate::Config;
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "mssql"))]
use crate::backends::adapter::Adapter;
use crate::config::AuthMethod;
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "mssql"))]
use crate::engine::Engine;

/// Why the server could not run.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] crate::ConfigError),
    #[error("cannot open backend {backend}: {message}")]
    Backend { backend: String, message: String },
    #[error("user \"{user}\": {source}")]
    User {
        user: String,
        source: WireSetupError,
    },
    #[error(transparent)]
    Tls(WireSetupError),
    #[error("listener failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Observers(String),
    #[error("Arrow Flight SQL: {0}")]
    Flight(String),
}

/// The Flight front end's listener and settings, when it is on.
#[cfg(feature = "arrow")]
type FlightFrontEnd = Option<(TcpListener, pgbridge_proxy::flight::FlightOptions)>;
/// Without the `arrow` feature there is never a Flight front end to serve.
#[cfg(not(feature = "arrow"))]
type FlightFrontEnd = Option<std::convert::Infallible>;

/// Maps the config's authentication settings to the wire front end's.
fn auth_settings(config: &Config) -> Result<AuthSettings, RunError> {
    let method = match config.auth {
        AuthMethod::Trust => wire::AuthMethod::Trust,
        AuthMethod::Password => wire::AuthMethod::Password,
        AuthMethod::Md5 => wire::AuthMethod::Md5,
        AuthMethod::ScramSha256 => wire::AuthMethod::ScramSha256,
    };
    let users = config
        .users
        .iter()
        .map(|user| {
            let credential = if let Some(verifier) = &user.scram_verifier {
                Credential::Scram(verifier.parse().map_err(|source| RunError::User {
                    user: user.name.clone(),
                    source,
                })?)
            } else if let Some(hash) = &user.md5_hash {
                Credential::Md5Hash(hash.clone())
            } else {
                Credential::Plain(user.password.clone().unwrap_or_default())
            };
            Ok(wire::User {
                name: user.name.clone(),
                credential,
            })
        })
        .collect::<Result<_, RunError>>()?;
    Ok(AuthSettings { method, users })
}

/// Serves PostgreSQL clients on `listener` until `shutdown` completes; with `flight_listen`
/// set (feature `arrow`), also Arrow Flight SQL clients on that address.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    config.check()?;
    let flight = match config.flight_listen {
        None => None,
        #[cfg(feature = "arrow")]
        Some(address) => Some(
            TcpListener::bind(address)
                .await
                .map_err(|e| RunError::Flight(format!("cannot listen on {address}: {e}")))?,
        ),
        #[cfg(not(feature = "arrow"))]
        Some(_) => {
            return Err(RunError::Flight(
                "flight_listen is set, but this pgbridge was built without the \"arrow\" \
                 feature: rebuild with --features arrow"
                    .to_owned(),
            ));
        }
    };
    #[cfg(feature = "arrow")]
    return run_with_flight(config, listener, flight, shutdown).await;
    #[cfg(not(feature = "arrow"))]
    {
        let _: Option<std::convert::Infallible> = flight;
        serve_front_ends(config, listener, None, shutdown).await
    }
}

/// Like [`run`], with the Flight SQL listener given (bound by the caller, e.g. on port 0 in
/// tests) instead of taken from `flight_listen`.
#[cfg(feature = "arrow")]
pub async fn run_with_flight(
    config: Config,
    listener: TcpListener,
    flight: Option<TcpListener>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    let flight = match flight {
        Some(flight_listener) => {
            tracing::info!("flight listening on {}", flight_listener.local_addr()?);
            Some((flight_listener, flight_options(&config)?))
        }
        None => None,
    };
    serve_front_ends(config, listener, flight, shutdown).await
}

/// The Flight front end's settings: the wire front end's users and certificate, the configured
/// compression and batch size.
#[cfg(feature = "arrow")]
fn flight_options(config: &Config) -> Result<pgbridge_proxy::flight::FlightOptions, RunError> {
    use pgbridge_proxy::flight::{FlightAuth, FlightCompression, FlightOptions, FlightTls};
    let auth = match config.auth {
        AuthMethod::Trust => FlightAuth::Trust,
        _ => FlightAuth::Password(std::sync::Arc::new(
            auth_settings(config)?.cleartext_checker(),
        )),
    };
    let compression = match config.flight_compression {
        crate::config::FlightCompression::None => None,
        crate::config::FlightCompression::Lz4 => Some(FlightCompression::Lz4),
        crate::config::FlightCompression::Zstd => Some(FlightCompression::Zstd),
    };
    let tls = match &config.tls {
        Some(tls) => {
            let read = |path: &std::path::Path| {
                std::fs::read(path)
                    .map_err(|e| RunError::Flight(format!("cannot read {}: {e}", path.display())))
            };
            Some(FlightTls {
                certificate_pem: read(&tls.cert)?,
                key_pem: read(&tls.key)?,
            })
        }
        None => None,
    };
    Ok(FlightOptions {
        auth,
        compression,
        tls,
        batch_rows: config.flight_batch_rows.max(1),
        call_timeout: (config.flight_call_timeout_ms > 0)
            .then(|| std::time::Duration::from_millis(config.flight_call_timeout_ms)),
        ..FlightOptions::default()
    })
}

async fn serve_front_ends(
    config: Config,
    listener: TcpListener,
    flight: FlightFrontEnd,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    config.check()?;
    let auth = auth_settings(&config)?;
    let tls = match &config.tls {
        Some(tls) => Some(TlsSettings::from_pem_files(&tls.cert, &tls.key).map_err(RunError::Tls)?),
        None => None,
    };
    let options = WireOptions {
        shutdown_grace: Duration::from_secs(config.shutdown_grace_seconds),
        auth,
        tls,
        dedicated_threads: false,
    };
    let front_ends = FrontEnds {
        listener,
        options,
        flight,
    };
    match config.backend.split(':').next().unwrap_or_default() {
        "sqlite" => serve_sqlite(&config, front_ends, shutdown).await,
        "mysql" | "mariadb" => serve_mysql(&config, front_ends, shutdown).await,
        "mssql" | "sqlserver" => serve_mssql(&config, front_ends, shutdown).await,
        _ => Err(backend_error(
            &config,
            "unknown backend URL scheme: expected sqlite://PATH, sqlite::memory:, \
             mysql://USER:PASSWORD@HOST:PORT/DATABASE or \
             mssql://USER:PASSWORD@HOST:PORT/DATABASE"
                .to_owned(),
        )),
    }
}

/// The listeners and settings of the front ends to serve.
// Without a backend feature nothing is served, so nothing reads them.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "mysql", feature = "mssql")),
    allow(dead_code)
)]
struct FrontEnds {
    listener: TcpListener,
    options: WireOptions,
    flight: FlightFrontEnd,
}

fn backend_error(config: &Config, message: String) -> RunError {
    RunError::Backend {
        backend: config.backend.clone(),
        message,
    }
}

#[cfg(not(all(feature = "sqlite", feature = "mysql", feature = "mssql")))]
fn not_built(config: &Config, feature: &str) -> RunError {
    backend_error(
        config,
        format!("this pgbridge was built without the \"{feature}\" feature"),
    )
}

async fn serve_sqlite(
    config: &Config,
    front_ends: FrontEnds,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    #[cfg(feature = "sqlite")]
    {
        let engine =
            Engine::open_sqlite(&config.backend).map_err(|e| backend_error(config, e.message))?;
        // SQLite blocks: each wire connection gets its own thread and runs its statements there.
        let mut front_ends = front_ends;
        front_ends.options.dedicated_threads = true;
        serve_engine(config, engine, front_ends, shutdown).await
    }
    #[cfg(not(feature = "sqlite"))]
    {
        let _ = (front_ends, shutdown);
        Err(not_built(config, "sqlite"))
    }
}

async fn serve_mysql(
    config: &Config,
    front_ends: FrontEnds,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    #[cfg(feature = "mysql")]
    {
        let engine = Engine::open_mysql(&config.backend, config.backend_max_connections)
            .await
            .map_err(|e| backend_error(config, e.message))?;
        serve_engine(config, engine, front_ends, shutdown).await
    }
    #[cfg(not(feature = "mysql"))]
    {
        let _ = (front_ends, shutdown);
        Err(not_built(config, "mysql"))
    }
}

async fn serve_mssql(
    config: &Config,
    front_ends: FrontEnds,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    #[cfg(feature = "mssql")]
    {
        let engine = Engine::open_mssql(&config.backend, config.backend_max_connections)
            .await
            .map_err(|e| backend_error(config, e.message))?;
        serve_engine(config, engine, front_ends, shutdown).await
    }
    #[cfg(not(feature = "mssql"))]
    {
        let _ = (front_ends, shutdown);
        Err(not_built(config, "mssql"))
    }
}

/// Serves one engine until shutdown.
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "mssql"))]
async fn serve_engine<A: Adapter>(
    config: &Config,
    engine: Engine<A>,
    front_ends: FrontEnds,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    let FrontEnds {
        listener,
        options,
        flight,
    } = front_ends;
    tracing::info!(backend = %config.backend, version = engine.version(), "backend open");
    let engine = attach_observers(config, engine).await?;
    tracing::info!(
        auth = config.auth.name(),
        users = config.users.len(),
        tls = config.tls.is_some(),
        "wire front end"
    );
    let engine = std::sync::Arc::new(engine);
    match flight {
        None => wire::serve(listener, engine, options, shutdown).await?,
        #[cfg(feature = "arrow")]
        Some((flight_listener, flight_options)) => {
            use futures::FutureExt;
            let shutdown = shutdown.shared();
            let (wire_result, flight_result) = tokio::join!(
                wire::serve(
                    listener,
                    std::sync::Arc::clone(&engine),
                    options,
                    shutdown.clone()
                ),
                pgbridge_proxy::flight::serve(flight_listener, engine, flight_options, shutdown),
            );
            wire_result?;
            flight_result.map_err(|e| RunError::Flight(e.to_string()))?;
        }
        #[cfg(not(feature = "arrow"))]
        Some(never) => match never {},
    }
    Ok(())
}

/// Starts the observer pipeline the config describes, and its metrics endpoint.
#[cfg(all(
    feature = "observers",
    any(feature = "sqlite", feature = "mysql", feature = "mssql")
))]
async fn attach_observers<A: Adapter>(
    config: &Config,
    engine: Engine<A>,
) -> Result<Engine<A>, RunError> {
    let Some(section) = &config.observers else {
        return Ok(engine);
    };
    let observers_config = crate::observers::ObserversConfig::from_table(section)
        .map_err(|e| RunError::Observers(e.to_string()))?;
    if !observers_config.enabled {
        return Ok(engine);
    }
    let observers = crate::observers::Observers::start(&observers_config)
        .map_err(|e| RunError::Observers(e.to_string()))?;
    if let Some(listen) = config.metrics_listen {
        let address = crate::observers::metrics::serve(listen, observers.metrics())
            .await
            .map_err(|e| RunError::Observers(format!("cannot serve metrics on {listen}: {e}")))?;
        tracing::info!("metrics on http://{address}/metrics");
    }
    tracing::info!(
        targets = observers_config.targets.len(),
        rules = observers_config.rules.len(),
        journal = %observers_config.journal.path.display(),
        "observers on"
    );
    engine
        .with_observers(observers)
        .map_err(|e| RunError::Observers(e.message))
}

/// Without the `observers` feature an enabled `[observers]` section is refused.
#[cfg(all(
    not(feature = "observers"),
    any(feature = "sqlite", feature = "mysql", feature = "mssql")
))]
async fn attach_observers<A: Adapter>(
    config: &Config,
    engine: Engine<A>,
) -> Result<Engine<A>, RunError> {
    let enabled = config.observers.as_ref().is_some_and(|section| {
        section.get("enabled").and_then(toml::Value::as_bool) != Some(false)
    });
    if enabled || config.metrics_listen.is_some() {
        return Err(RunError::Observers(
            "the config has an [observers] section (or metrics_listen), but this pgbridge was \
             built without the \"observers\" feature: rebuild with --features observers"
                .to_owned(),
        ));
    }
    Ok(engine)
}
