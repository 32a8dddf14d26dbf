//! Backend adapters, one folder per database, each behind its Cargo feature.

#[cfg(feature = "sqlite")]
pub mod sqlite;
