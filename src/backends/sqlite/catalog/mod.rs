//! The emulated PostgreSQL catalog of a SQLite session.
//!
//! Each connection ATTACHes a private in-memory database named `pg_catalog` that holds tables
//! with PostgreSQL's names and columns (`tables.rs`). SQLite resolves an unqualified table name
//! through `main`, `temp`, then attached databases, so `pg_class` and `pg_catalog.pg_class` both
//! reach them, and psql's joins, filters and ordering run in SQLite itself.
//!
//! The rows are rebuilt from `sqlite_master`, the `pragma_*` table functions and the type
//! registry (`fill.rs`) when SQLite's own schema cookie (`PRAGMA schema_version`, bumped by any
//! DDL from any connection) differs from the one the catalog was built for. The cookie is stored
//! in the catalog itself, so a rolled-back refresh is noticed and redone. Functions that read the
//! catalog from Rust (`pg_get_indexdef`, `x::regclass`, ...) use a [`Snapshot`] built by the same
//! refresh (`functions.rs`).

mod fill;
pub mod functions;
mod information_schema;
mod introspection;
mod keywords;
mod listings;
mod relations;
mod tables;

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use rusqlite::{Connection, OptionalExtension};

use super::functions::SessionFunctions;

/// What catalog functions need to know, from the last refresh.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The schema cookie this snapshot was built for.
    schema_version: Option<i64>,
    /// Relation names by OID (tables, views, indexes).
    relation_names: HashMap<i64, String>,
    /// Relation OIDs by lower-cased name.
    relation_oids: HashMap<String, i64>,
    /// `pg_get_indexdef` by index OID.
    index_definitions: HashMap<i64, String>,
    /// An index's key columns, quoted as in its definition, by index OID
    /// (`pg_get_indexdef(oid, column, pretty)`).
    index_columns: HashMap<i64, Vec<String>>,
    /// `pg_get_constraintdef` by constraint OID.
    constraint_definitions: HashMap<i64, String>,
}

/// A session's snapshot, shared by its worker and its catalog functions.
pub type SharedSnapshot = Arc<RwLock<Snapshot>>;

/// A relation's OID in `pg_class`, from its `sqlite_master` rowid.
pub fn relation_oid(rowid: i64) -> i64 {
    fill::relation_oid(rowid)
}

/// Attaches and creates the catalog on a new connection.
pub fn attach(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch("ATTACH DATABASE ':memory:' AS pg_catalog")?;
    connection.execute_batch("ATTACH DATABASE ':memory:' AS information_schema")?;
    connection.execute_batch(tables::CREATE)?;
    connection.execute_batch(tables::CREATE_INFORMATION_SCHEMA)?;
    connection.execute_batch(tables::FIXED_ROWS)?;
    let mut keyword = connection.prepare(
        "INSERT INTO pg_catalog.pgbridge_keywords VALUES (?1, ?2, 1, ?3, 'can be bare label')",
    )?;
    for (word, code, description) in keywords::rows() {
        keyword.execute([word, code, description])?;
    }
    Ok(())
}

/// Rebuilds the catalog if the schema changed since it was built.
pub fn refresh(
    connection: &Connection,
    snapshot: &SharedSnapshot,
    session: &SessionFunctions,
) -> rusqlite::Result<()> {
    listings::fill_settings(connection, session)?;
    let version: i64 = connection.query_row("PRAGMA main.schema_version", [], |row| row.get(0))?;
    let stored: Option<i64> = connection
        .query_row(
            "SELECT schema_version FROM pg_catalog.pgbridge_catalog_state",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let built = snapshot
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .schema_version;
    if stored == Some(version) && built == Some(version) {
        return Ok(());
    }
    connection.execute_batch("SAVEPOINT pgbridge_catalog")?;
    let result = fill::fill(connection, session, version);
    match result {
        Ok(mut fresh) => {
            connection.execute_batch("RELEASE pgbridge_catalog")?;
            fresh.schema_version = Some(version);
            *snapshot.write().unwrap_or_else(PoisonError::into_inner) = fresh;
            Ok(())
        }
        Err(error) => {
            let _ =
                connection.execute_batch("ROLLBACK TO pgbridge_catalog; RELEASE pgbridge_catalog");
            Err(error)
        }
    }
}
