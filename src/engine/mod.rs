//! The engine: parse -> classify -> route -> translate -> execute, for one backend.
//!
//! [`Engine`] implements the proxy's `Backend` seam over any backend adapter
//! (`crate::backends::adapter`); each client gets an [`EngineSession`] with its own backend
//! connection. Session commands (SET, SHOW, transaction control) are
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
use pgbridge_dialects::TranslationCache;
use pgbridge_proxy::{Backend, SessionInfo, SqlError};

use crate::backends::adapter::{Adapter, SessionValues};

/// How many distinct SQL texts the translation cache keeps (an ORM sends a few hundred).
const TRANSLATION_CACHE_CAPACITY: u64 = 10_000;

/// The engine over one backend database, reached through its adapter.
pub struct Engine<A: Adapter> {
    adapter: A,
    /// The observer pipeline every session's committed changes go to.
    #[cfg(feature = "observers")]
    observers: Option<Arc<crate::observers::Observers>>,
    version: String,
    schema_version: Arc<AtomicU64>,
    translations: TranslationCache,
}

#[cfg(feature = "sqlite")]
impl Engine<crate::backends::sqlite::SqliteAdapter> {
    /// Opens the database behind a `sqlite://` URL (creating the file if missing).
    pub fn open_sqlite(url: &str) -> Result<Self, SqlError> {
        Ok(Engine::new(crate::backends::sqlite::SqliteAdapter::open(
            url,
        )?))
    }
}

#[cfg(feature = "mysql")]
impl Engine<crate::backends::mysql::MySqlAdapter> {
    /// Connects to the MySQL / MariaDB database behind a `mysql://` URL, with a pool of at most
    /// `max_connections` connections (one per concurrent session).
    pub async fn open_mysql(url: &str, max_connections: u32) -> Result<Self, SqlError> {
        Ok(Engine::new(
            crate::backends::mysql::MySqlAdapter::open(url, max_connections).await?,
        ))
    }
}

#[cfg(feature = "mssql")]
impl Engine<crate::backends::mssql::MsSqlAdapter> {
    /// Connects to the SQL Server database behind a `mssql://` URL, with a pool of at most
    /// `max_connections` connections (held by a session only inside a transaction block).
    pub async fn open_mssql(url: &str, max_connections: u32) -> Result<Self, SqlError> {
        Ok(Engine::new(
            crate::backends::mssql::MsSqlAdapter::open(url, max_connections).await?,
        ))
    }
}

impl<A: Adapter> Engine<A> {
    /// The engine over an opened adapter.
    pub fn new(adapter: A) -> Engine<A> {
        let version = format!(
            "PostgreSQL {} (pgbridge {}) on {}",
            settings::SERVER_VERSION,
            env!("CARGO_PKG_VERSION"),
            adapter.backend_version()
        );
        Engine {
            #[cfg(feature = "observers")]
            observers: None,
            version,
            schema_version: Arc::new(AtomicU64::new(0)),
            translations: TranslationCache::new(adapter.target(), TRANSLATION_CACHE_CAPACITY),
            adapter,
        }
    }

    /// Sends every committed change to `observers` (changes are captured from now on).
    #[cfg(feature = "observers")]
    pub fn with_observers(
        mut self,
        observers: Arc<crate::observers::Observers>,
    ) -> Result<Self, SqlError> {
        self.adapter.capture_changes(observers.journal_path())?;
        self.observers = Some(observers);
        Ok(self)
    }

    /// The string `version()` returns.
    pub fn version(&self) -> &str {
        &self.version
    }
}

#[async_trait]
impl<A: Adapter> Backend for Engine<A> {
    type Session = EngineSession<A::Connection>;

    async fn open_session(&self, info: SessionInfo) -> Result<Self::Session, SqlError> {
        let functions = Arc::new(SessionValues {
            version: self.version.clone(),
            user: info.user.clone(),
            database: info.database.clone(),
            settings: std::sync::RwLock::new(settings::defaults(
                &info.user,
                &info.application_name,
            )),
            transaction_now: std::sync::Mutex::default(),
        });
        let worker = self.adapter.connect(Arc::clone(&functions)).await?;
        #[cfg(feature = "observers")]
        let events = session::SessionEvents::new(self.observers.clone());
        #[cfg(not(feature = "observers"))]
        let events = session::SessionEvents;
        Ok(EngineSession::new(
            worker,
            functions,
            Arc::clone(&self.schema_version),
            self.translations.clone(),
            events,
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
