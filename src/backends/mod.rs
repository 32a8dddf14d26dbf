//! Backend adapters, one folder per database, each behind its Cargo feature, and the seam the
//! engine drives them through ([`adapter`]).

pub mod adapter;
pub mod catalog_database;
#[cfg(feature = "mssql")]
pub mod mssql;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "sqlite")]
pub mod sqlite;
