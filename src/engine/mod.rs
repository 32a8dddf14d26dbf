//! The engine: parse -> classify -> route -> translate -> execute, for one backend.
//!
//! [`Engine`] implements the proxy's `Backend` seam; each client gets an [`EngineSession`]
//! with its own backend connection. Session commands (SET, SHOW, transaction control) are
//! answered here; everything else is translated by `pgbridge-dialects` and run by the adapter.

mod catalog;
mod copy;
mod repair;
mod rows;
mod session;
pub mod settings;
mod statement;

pub use session::EngineSession;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use async_trait::async_trait;
use pgbridge_dialects::{Target, TranslationCache};
use pgbridge_proxy::{Backend, SessionInfo, SqlError};

use crate::backends::sqlite::functions::SessionFunctions;
use crate::backends::sqlite::{OpenOptions, SqliteLocation, Worker, sqlite_version};

/// How many distinct SQL texts the translation cache keeps (an ORM sends a few hundred).
const TRANSLATION_CACHE_CAPACITY: u64 = 10_000;

/// The engine over one SQLite database.
pub struct Engine {
    options: OpenOptions,
    version: String,
    schema_version: Arc<AtomicU64>,
    translations: TranslationCache,
    /// Keeps an in-memory database alive while the server runs.
    _keeper: Worker,
}

impl Engine {
    /// Opens the database behind a `sqlite://` URL (creating the file if missing).
    pub fn open_sqlite(url: &str) -> Result<Engine, SqlError> {
        let location = SqliteLocation::parse(url).ok_or_else(|| {
            SqlError::new(
                "08001",
                format!(
                    "cannot read backend URL \"{url}\": expected sqlite://PATH or sqlite::memory:"
                ),
            )
        })?;
        let options = OpenOptions {
            path: location.open_path(),
            busy_timeout_ms: 5_000,
        };
        let version = format!(
            "PostgreSQL {} (pgbridge {}) on SQLite {}",
            settings::SERVER_VERSION,
            env!("CARGO_PKG_VERSION"),
            sqlite_version()
        );
        let keeper = Worker::open(&options, Arc::new(SessionFunctions::default()))?;
        Ok(Engine {
            options,
            version,
            schema_version: Arc::new(AtomicU64::new(0)),
            translations: TranslationCache::new(Target::Sqlite, TRANSLATION_CACHE_CAPACITY),
            _keeper: keeper,
        })
    }

    /// The string `version()` returns.
    pub fn version(&self) -> &str {
        &self.version
    }
}

#[async_trait]
impl Backend for Engine {
    type Session = EngineSession;

    async fn open_session(&self, info: SessionInfo) -> Result<EngineSession, SqlError> {
        let functions = Arc::new(SessionFunctions {
            version: self.version.clone(),
            user: info.user.clone(),
            database: info.database.clone(),
            settings: std::sync::RwLock::new(settings::defaults(
                &info.user,
                &info.application_name,
            )),
        });
        let options = self.options.clone();
        let worker_functions = Arc::clone(&functions);
        let worker = tokio::task::spawn_blocking(move || Worker::open(&options, worker_functions))
            .await
            .map_err(|e| SqlError::new("53000", format!("cannot open a session: {e}")))??;
        Ok(EngineSession::new(
            worker,
            functions,
            Arc::clone(&self.schema_version),
            self.translations.clone(),
        ))
    }

    fn server_parameters(&self) -> Vec<(String, String)> {
        let defaults = settings::defaults("", "");
        [
            "server_version",
            "server_encoding",
            "client_encoding",
            "datestyle",
            "timezone",
            "intervalstyle",
            "integer_datetimes",
            "standard_conforming_strings",
            "is_superuser",
        ]
        .iter()
        .map(|name| {
            (
                settings::display_name(name).to_owned(),
                defaults[*name].clone(),
            )
        })
        .chain([("in_hot_standby".to_owned(), "off".to_owned())])
        .collect()
    }
}
