//! The `pgbridge` command: parse flags, load config, run (or `pgbridge translate`).

#[cfg(feature = "observers")]
mod dlq_command;
mod translate_command;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// pgbridge: a PostgreSQL wire protocol server in front of SQLite or MySQL / MariaDB.
///
/// With no arguments it serves 127.0.0.1:6432 from the SQLite file ./pgbridge.db (created if
/// missing). Connect with: psql "host=127.0.0.1 port=6432 user=postgres"
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Cli {
    /// Address to listen on for PostgreSQL clients [default: 127.0.0.1:6432; config key `listen`]
    #[arg(long, env = "PGBRIDGE_LISTEN", value_name = "HOST:PORT")]
    listen: Option<SocketAddr>,
    /// Backend database URL: sqlite://PATH, sqlite::memory:, mysql://USER:PASSWORD@HOST:PORT/DATABASE or mssql://USER:PASSWORD@HOST:PORT/DATABASE [default: sqlite://pgbridge.db; config key `backend`]
    #[arg(long, env = "PGBRIDGE_BACKEND", value_name = "URL")]
    backend: Option<String>,
    /// TOML configuration file (see pgbridge.example.toml); flags override it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log level: error, warn, info, debug, trace [default: info; config key `log_level`]
    #[arg(long, value_name = "LEVEL")]
    log_level: Option<String>,
    /// Serve Prometheus metrics (observers) at http://HOST:PORT/metrics [config key `metrics_listen`]
    #[arg(long, value_name = "HOST:PORT")]
    metrics_listen: Option<SocketAddr>,
    /// Also serve Arrow Flight SQL clients (ADBC, the Flight SQL JDBC driver, pyarrow.flight) on this address; same users as the wire listener; needs a build with --features arrow [default: off; config key `flight_listen`]
    #[arg(long, env = "PGBRIDGE_FLIGHT_LISTEN", value_name = "HOST:PORT")]
    flight_listen: Option<SocketAddr>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print the translation of PostgreSQL SQL for a backend (or why it cannot be translated)
    Translate(translate_command::TranslateArgs),
    /// Inspect, replay or purge the observers' dead-letter queue
    #[cfg(feature = "observers")]
    Dlq(dlq_command::DlqArgs),
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Translate(args)) => return Ok(translate_command::run(args)),
        #[cfg(feature = "observers")]
        Some(Command::Dlq(args)) => return Ok(dlq_command::run(args, cli.config.as_deref())),
        None => {}
    }
    serve(cli)?;
    Ok(ExitCode::SUCCESS)
}

#[tokio::main]
async fn serve(cli: Cli) -> anyhow::Result<()> {
    let mut config = match &cli.config {
        Some(path) => pgbridge::Config::from_file(path)?,
        None => pgbridge::Config::default(),
    };
    if let Some(listen) = cli.listen {
        config.listen = listen;
    }
    if let Some(backend) = cli.backend {
        config.backend = backend;
    }
    if let Some(level) = cli.log_level {
        config.log_level = level;
    }
    if let Some(listen) = cli.metrics_listen {
        config.metrics_listen = Some(listen);
    }
    if let Some(listen) = cli.flight_listen {
        config.flight_listen = Some(listen);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log_level)
                .context("invalid --log-level")?,
        )
        .with_writer(std::io::stderr)
        .init();
    config.check()?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!("listening on {}", listener.local_addr()?);
    pgbridge::run(config, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
