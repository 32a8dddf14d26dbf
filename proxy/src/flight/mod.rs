//! The Arrow Flight SQL front end (feature `arrow`).
//!
//! ```text
//! client --(gRPC, Flight SQL)--> front_end (auth, plain-SQL tickets)
//!        --> service (FlightSqlService calls) --> execution::Runner --> Session (the seam)
//!        <-- batches (rows -> Arrow record batches) <-- RowStream
//! ```
//!
//! * [`front_end`] is the gRPC service: it checks every call ([`auth`]: HTTP basic credentials
//!   at Handshake for a bearer token, checked against the wire front end's users) and runs a
//!   ticket holding UTF-8 SQL as a query, for pyarrow.flight users.
//! * [`service`] implements arrow-flight's `FlightSqlService`: statement queries and updates,
//!   prepared statements with parameters bound by DoPut ([`statements`], [`parameters`]), and
//!   the catalog calls ([`metadata`]).
//! * [`execution`] runs SQL through a [`Session`](crate::Session) of its own per call, so
//!   Flight statements are translated, committed and observed exactly as the wire front end's;
//!   `?` placeholders become `$n` first ([`placeholders`]).
//! * [`schema`] maps PostgreSQL column types to Arrow fields, known from Describe before any
//!   row is read; [`batches`] fills record batches of bounded size as rows stream in.
//! * [`errors`] maps SQLSTATEs to gRPC status codes, keeping `SQLSTATE xxxxx:` in the message.
//!
//! * [`ingest`] takes bulk uploads into tables; [`type_info`] answers GetXdbcTypeInfo.
//!
//! * [`running`] keeps the queries being streamed, so that CancelFlightInfo stops them, and
//!   gives every call its deadline.
//!
//! Not yet: Flight SQL transactions (see docs/arrow-flight-guide.md).

pub mod auth;
pub mod batches;
pub mod errors;
pub mod execution;
pub mod front_end;
pub mod ingest;
pub mod metadata;
pub mod parameters;
pub mod placeholders;
pub mod running;
pub mod schema;
pub mod service;
pub mod statements;
pub mod type_info;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use arrow_flight::flight_service_server::FlightServiceServer;
use arrow_ipc::CompressionType;
use arrow_ipc::writer::IpcWriteOptions;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

/// The crates of the Flight API, re-exported so that embedders and tests use the same versions.
pub use {arrow_array, arrow_flight, arrow_schema, tonic};

pub use auth::{ANONYMOUS_USER, FlightAuth, PasswordCheck};

use crate::Backend;
use execution::Runner;
use front_end::FrontEnd;
use service::Service;
use statements::Statements;

/// IPC body compression of the record batches the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlightCompression {
    Lz4,
    Zstd,
}

/// The Flight listener's certificate chain (leaf first) and private key, PEM.
#[derive(Clone)]
pub struct FlightTls {
    pub certificate_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for FlightTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlightTls").finish_non_exhaustive()
    }
}

/// Settings of the Flight SQL front end.
#[derive(Debug, Clone)]
pub struct FlightOptions {
    /// How clients authenticate. Default trust.
    pub auth: FlightAuth,
    /// How long a bearer token from Handshake stays valid. Default 12 hours.
    pub token_ttl: Duration,
    /// Rows per record batch at most. Default 65,536.
    pub batch_rows: usize,
    /// Record batches a query may have ready before the client reads them (back-pressure
    /// beyond that stops reading the backend). Default 2.
    pub buffered_batches: usize,
    /// Largest gRPC message accepted or sent (parameter batches, ingest). Default 64 MiB;
    /// tonic's own default of 4 MiB is too small for bulk uploads.
    pub max_message_bytes: usize,
    /// Compression of the batches sent. Default none.
    pub compression: Option<FlightCompression>,
    /// Prepared statements open at once on the server. Default 10,000.
    pub max_prepared_statements: usize,
    /// TLS: with it, the listener accepts TLS connections only (`grpc+tls://`). Default none.
    pub tls: Option<FlightTls>,
    /// The longest a call may run, its stream included; past it the backend statement is
    /// interrupted and the call ends with DEADLINE_EXCEEDED. A client's shorter
    /// `grpc-timeout` wins. Default none.
    pub call_timeout: Option<Duration>,
}

impl Default for FlightOptions {
    fn default() -> Self {
        FlightOptions {
            auth: FlightAuth::Trust,
            token_ttl: Duration::from_secs(12 * 60 * 60),
            batch_rows: 65_536,
            buffered_batches: 2,
            max_message_bytes: 64 * 1024 * 1024,
            compression: None,
            max_prepared_statements: 10_000,
            tls: None,
            call_timeout: None,
        }
    }
}

/// Why the Flight front end could not run.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum FlightError {
    #[error("IPC compression: {message}")]
    Compression { message: String },
    #[error("Flight server: {message}")]
    Transport { message: String },
    #[error("Flight TLS: {message}")]
    Tls { message: String },
}

/// Serves Flight SQL clients on `listener` until `shutdown` completes.
pub async fn serve<B: Backend>(
    listener: TcpListener,
    backend: Arc<B>,
    options: FlightOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<(), FlightError> {
    let compression = options.compression.map(|c| match c {
        FlightCompression::Lz4 => CompressionType::LZ4_FRAME,
        FlightCompression::Zstd => CompressionType::ZSTD,
    });
    let ipc_options = IpcWriteOptions::default()
        .try_with_compression(compression)
        .map_err(|e| FlightError::Compression {
            message: e.to_string(),
        })?;
    let runner = Runner::new(backend, options.batch_rows, options.buffered_batches);
    let statements = Statements::new(options.max_prepared_statements);
    let front_end = FrontEnd {
        service: Arc::new(Service::new(runner, statements, ipc_options)),
        auth: Arc::new(auth::Authenticator::new(options.auth, options.token_ttl)),
        call_timeout: options.call_timeout,
    };
    let server = FlightServiceServer::new(front_end)
        .max_decoding_message_size(options.max_message_bytes)
        .max_encoding_message_size(options.max_message_bytes);
    let mut builder = tonic::transport::Server::builder();
    if let Some(tls) = options.tls {
        let identity = tonic::transport::Identity::from_pem(tls.certificate_pem, tls.key_pem);
        builder = builder
            .tls_config(tonic::transport::ServerTlsConfig::new().identity(identity))
            .map_err(|e| FlightError::Tls {
                message: e.to_string(),
            })?;
    }
    builder
        .add_service(server)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
        .map_err(|e| FlightError::Transport {
            message: e.to_string(),
        })
}
