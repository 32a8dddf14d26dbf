//! The SQLite backend (feature `sqlite`): rusqlite with the bundled SQLite, one connection and
//! one worker thread per client session, WAL, busy timeout, foreign keys on.
//!
//! * `adapter.rs`: [`SqliteAdapter`], the engine's seam (`crate::backends::adapter`) over the
//!   worker.
//! * `connect.rs`: the worker thread and its command channel.
//! * `types.rs`: SQLite values to PostgreSQL values and back.
//! * `errors.rs`: SQLite errors to SQLSTATE.
//! * `functions.rs`: SQL functions that keep PostgreSQL semantics inside SQLite.
//! * `numerics.rs`: numeric casts with a precision and scale, numeric output as text.
//! * `registry.rs`: the declared PostgreSQL types of columns, kept in the database.
//! * `date_parts.rs`, `patterns.rs`, `builtins.rs`: PostgreSQL functions SQLite lacks.
//! * `catalog/`: the emulated `pg_catalog` (an attached in-memory database) and its functions.
//! * `capture.rs`: the rows each statement changes, for observers (feature `observers`).

mod adapter;
mod arrays;
mod bit_aggregates;
mod builtins;
#[cfg(feature = "observers")]
mod capture;
pub mod catalog;
mod connect;
mod date_constructors;
mod date_parts;
mod errors;
pub mod functions;
mod intervals;
mod json_builders;
mod json_edits;
mod json_operators;
mod numerics;
mod patterns;
mod registry;
mod snapshots;
mod string_aggregates;
mod text_functions;
mod to_char;
mod types;

pub use types::type_from_declaration;

pub use adapter::SqliteAdapter;
pub use connect::{OpenOptions, Worker};

use std::sync::atomic::{AtomicU64, Ordering};

/// Where a `sqlite://` backend URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteLocation {
    /// A database file (created if missing).
    File(String),
    /// A private in-memory database shared by this server's sessions.
    Memory,
}

impl SqliteLocation {
    /// Parses `sqlite://PATH`, `sqlite:PATH` or `sqlite::memory:`.
    pub fn parse(url: &str) -> Option<SqliteLocation> {
        let rest = url.strip_prefix("sqlite:")?;
        if rest == ":memory:" || rest == "//:memory:" {
            return Some(SqliteLocation::Memory);
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        (!path.is_empty()).then(|| SqliteLocation::File(path.to_owned()))
    }

    /// The path or URI that every session of one server opens.
    pub fn open_path(&self) -> String {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        match self {
            SqliteLocation::File(path) => path.clone(),
            SqliteLocation::Memory => format!(
                "file:pgbridge-memory-{}-{}?mode=memory&cache=shared",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }
}

/// The SQLite library version, for `version()`.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}
