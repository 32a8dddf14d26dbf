//! The emulated PostgreSQL catalog for a backend that is not SQLite (MySQL / MariaDB).
//!
//! The SQLite backend attaches `pg_catalog` and `information_schema` to each session's own
//! connection and fills them from `sqlite_master` (`backends/sqlite/catalog/`). A MySQL session
//! has no SQLite connection, so it gets a [`CatalogDatabase`]: a private in-memory SQLite
//! database, opened at its first catalog read, that *mirrors* the backend's schema as empty
//! tables and views with the same columns, PostgreSQL types (in its own type registry), `NOT
//! NULL`s, defaults, keys, indexes and foreign keys. The SQLite catalog then fills itself from
//! that mirror, unchanged, and statements that read the catalog run there, translated for
//! SQLite (the engine routes them: `src/engine/session/planning.rs`).
//!
//! The backend describes its schema in the neutral form below ([`SchemaDescription`], read by
//! `backends/mysql/catalog.rs` from `information_schema`); the mirror is rebuilt only when the
//! description differs from the one it was built from (`mirror.rs`).
//!
//! Without the `sqlite` feature there is nothing to run catalog reads on: [`CatalogDatabase`] is
//! then an empty type and backends answer [`CatalogReads::Refused`].

#[cfg(feature = "sqlite")]
mod mirror;

use pgbridge_dialects::PgType;
use pgbridge_proxy::SqlError;

#[cfg(feature = "sqlite")]
pub use mirror::CatalogDatabase;

/// Where a session's statements that read the emulated catalog run.
pub enum CatalogReads<'a> {
    /// On the session's own connection, translated like any statement (SQLite attaches the
    /// catalog to it).
    Here,
    /// On a catalog database of their own, translated for SQLite.
    Apart(&'a CatalogDatabase),
    /// Nowhere: each such statement fails with this error (0A000).
    Refused(SqlError),
}

/// A backend's schema, as the catalog needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDescription {
    /// Tables and views, in the order their OIDs are given.
    pub relations: Vec<RelationDescription>,
}

/// One table or view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationDescription {
    pub name: String,
    pub view: bool,
    pub columns: Vec<ColumnDescription>,
    /// The primary key's columns, in key order (empty when none).
    pub primary_key: Vec<String>,
    /// `UNIQUE` constraints (PostgreSQL names them `<table>_<columns>_key`).
    pub unique_keys: Vec<Vec<String>>,
    /// Indexes that are not constraints.
    pub indexes: Vec<IndexDescription>,
    pub foreign_keys: Vec<ForeignKeyDescription>,
}

/// One column, with its PostgreSQL type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDescription {
    pub name: String,
    pub pg_type: PgType,
    /// `atttypmod` (-1 when none).
    pub type_modifier: i32,
    pub not_null: bool,
    /// The default as PostgreSQL would show it (`0`, `'text'`, `now()`), when there is one.
    pub default: Option<String>,
}

/// An index made with `CREATE [UNIQUE] INDEX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDescription {
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyDescription {
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_update: String,
    pub on_delete: String,
}

impl ForeignKeyDescription {
    /// A referential action as PostgreSQL names it, from a backend's name for it (`SET NULL`,
    /// SQL Server's `SET_NULL`). `RESTRICT` reads as `NO ACTION`: MySQL checks both at once,
    /// and MariaDB reports it for keys declared without an action.
    pub fn action(rule: &str) -> String {
        match rule.to_ascii_uppercase().replace('_', " ").as_str() {
            "CASCADE" => "CASCADE",
            "SET NULL" => "SET NULL",
            "SET DEFAULT" => "SET DEFAULT",
            _ => "NO ACTION",
        }
        .to_owned()
    }
}

/// Without SQLite there is no catalog database: no value of this type exists.
#[cfg(not(feature = "sqlite"))]
#[derive(Debug)]
pub enum CatalogDatabase {}

#[cfg(not(feature = "sqlite"))]
impl CatalogDatabase {
    pub async fn prepare(
        &self,
        _sql: String,
    ) -> Result<crate::backends::adapter::Prepared, SqlError> {
        match *self {}
    }

    pub fn query(
        &self,
        _sql: String,
        _parameters: Vec<pgbridge_proxy::Value>,
        _types: Vec<crate::backends::adapter::OutputType>,
    ) -> Result<tokio::sync::mpsc::Receiver<crate::backends::adapter::Batch>, SqlError> {
        match *self {}
    }

    pub async fn table_columns(
        &self,
        _table: String,
    ) -> Result<Option<crate::backends::adapter::TableColumns>, SqlError> {
        match *self {}
    }

    pub fn backend(&self) -> &'static str {
        match *self {}
    }
}

/// The error of a catalog read on a backend built without the `sqlite` feature.
pub fn catalog_needs_sqlite(backend: &str) -> SqlError {
    SqlError::new(
        "0A000",
        format!(
            "reading the PostgreSQL catalog (pg_catalog, information_schema) is not supported on \
             the {backend} backend of a pgbridge built without the sqlite feature"
        ),
    )
}
