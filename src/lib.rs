//! # pgbridge
//!
//! A PostgreSQL wire protocol v3 server in front of another database. Clients keep their
//! PostgreSQL drivers and tools; the data lives in SQLite or MySQL / MariaDB (later SQL
//! Server).
//!
//! How a statement flows:
//!
//! ```text
//! client -> pgbridge_proxy::wire (pgwire: messages, formats, cancel)
//!           or pgbridge_proxy::flight (Arrow Flight SQL, feature `arrow`)
//!        -> Session seam (pgbridge_proxy::Session)
//!        -> engine (this crate): parse once, classify, answer session commands,
//!           translate with pgbridge_dialects, infer types, keep transaction state
//!        -> backends::adapter seam -> backends::sqlite (worker thread per session, rusqlite)
//!                                      or backends::mysql (pooled sqlx connection per session)
//!                                      or backends::mssql (tiberius clients, transaction pooling)
//!        -> rows stream back through the seam, encoded by the wire front end
//! ```
//!
//! Embedding: build a [`Config`], bind a listener, call [`run`] with a shutdown future.
//!
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! let config = pgbridge::Config { backend: "sqlite://app.db".into(), ..Default::default() };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! println!("listening on {}", listener.local_addr()?);
//! pgbridge::run(config, listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

pub mod backends;
pub mod config;
pub mod engine;
#[cfg(feature = "observers")]
pub mod observers;
#[cfg(feature = "wire")]
mod server;

pub use config::{Config, ConfigError};
#[cfg(all(feature = "wire", feature = "arrow"))]
pub use server::run_with_flight;
#[cfg(feature = "wire")]
pub use server::{RunError, run};
