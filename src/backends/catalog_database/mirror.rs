//! The catalog database of a session: a SQLite worker on a private in-memory database that
//! holds the mirror of the backend's schema (empty tables and views, their PostgreSQL types in
//! the mirror's own type registry) beside the attached `pg_catalog` and `information_schema`.
//!
//! When the backend's schema changes, a new worker is opened and the whole mirror is written
//! again (a few milliseconds; schema changes are rare next to catalog reads), so no half-built
//! mirror is ever read and nothing needs to be dropped.

use std::sync::{Arc, Mutex, PoisonError};

use pgbridge_dialects::{DeclaredColumn, SchemaChange};
use pgbridge_proxy::{SqlError, Value};
use tokio::sync::mpsc;

use super::{RelationDescription, SchemaDescription};
use crate::backends::adapter::{
    Batch, OutputType, Prepared, SessionValues, TableColumns, quote_identifier,
};
use crate::backends::sqlite::{OpenOptions, Worker};

/// The state of the mirror: the worker, and the description it was built from (`None` for a
/// worker opened before the first refresh, whose mirror is empty).
#[derive(Default)]
struct Mirror {
    worker: Option<Arc<Worker>>,
    built_from: Option<SchemaDescription>,
}

/// A session's catalog database (see the module docs of `catalog_database`).
pub struct CatalogDatabase {
    session: Arc<SessionValues>,
    /// The backend's name in messages (`MySQL`).
    backend: &'static str,
    mirror: Mutex<Mirror>,
}

/// Opens a worker on a new in-memory database (attaching and filling the fixed catalog tables
/// blocks for a few milliseconds: off the async threads).
async fn open_worker(session: &Arc<SessionValues>) -> Result<Arc<Worker>, SqlError> {
    let options = OpenOptions {
        path: ":memory:".to_owned(),
        busy_timeout_ms: 0,
    };
    let session = Arc::clone(session);
    tokio::task::spawn_blocking(move || Worker::open(&options, session).map(Arc::new))
        .await
        .map_err(|e| SqlError::new("53000", format!("cannot open the catalog database: {e}")))?
}

impl CatalogDatabase {
    /// A catalog database for one session; nothing is opened until the first catalog read.
    pub fn new(session: Arc<SessionValues>, backend: &'static str) -> CatalogDatabase {
        CatalogDatabase {
            session,
            backend,
            mirror: Mutex::new(Mirror::default()),
        }
    }

    /// The backend's name, for messages.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    fn current(&self) -> Option<Arc<Worker>> {
        self.mirror
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .worker
            .clone()
    }

    /// The worker, opened (with an empty mirror) if this is the first catalog read.
    async fn worker(&self) -> Result<Arc<Worker>, SqlError> {
        if let Some(worker) = self.current() {
            return Ok(worker);
        }
        let opened = open_worker(&self.session).await?;
        let mut mirror = self.mirror.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Arc::clone(mirror.worker.get_or_insert(opened)))
    }

    pub async fn prepare(&self, sql: String) -> Result<Prepared, SqlError> {
        self.worker().await?.prepare(sql).await
    }

    /// Starts a catalog query (planned, so prepared, on this database before).
    pub fn query(
        &self,
        sql: String,
        parameters: Vec<Value>,
        types: Vec<OutputType>,
    ) -> Result<mpsc::Receiver<Batch>, SqlError> {
        let worker = self.current().ok_or_else(|| {
            SqlError::new("XX000", "the catalog database of this session is not open")
        })?;
        worker.query(sql, parameters, types)
    }

    /// The columns of a catalog table, for type inference.
    pub async fn table_columns(&self, table: String) -> Result<Option<TableColumns>, SqlError> {
        self.worker().await?.table_columns(table).await
    }

    /// Brings the mirror up to `description` (rebuilt only when it differs from the one it was
    /// built from), then the catalog up to the mirror.
    pub async fn refresh(&self, description: SchemaDescription) -> Result<(), SqlError> {
        let built = {
            let mirror = self.mirror.lock().unwrap_or_else(PoisonError::into_inner);
            mirror.worker.is_some() && mirror.built_from.as_ref() == Some(&description)
        };
        if !built {
            let worker = open_worker(&self.session).await?;
            write_mirror(&worker, &description).await?;
            let mut mirror = self.mirror.lock().unwrap_or_else(PoisonError::into_inner);
            mirror.worker = Some(worker);
            mirror.built_from = Some(description);
        }
        match self.current() {
            Some(worker) => worker.refresh_catalog().await,
            None => Ok(()),
        }
    }
}

/// Writes every relation of `description` into a new worker's empty database.
async fn write_mirror(worker: &Worker, description: &SchemaDescription) -> Result<(), SqlError> {
    let mut index_names = std::collections::HashSet::new();
    for relation in &description.relations {
        let change = SchemaChange::CreateTable {
            table: relation.name.clone(),
            columns: relation
                .columns
                .iter()
                .map(|column| DeclaredColumn {
                    name: column.name.clone(),
                    pg_type: column.pg_type,
                    type_modifier: column.type_modifier,
                })
                .collect(),
        };
        let created = worker
            .ddl(create_statement(relation, true), Some(change.clone()))
            .await;
        if created.is_err() {
            // A default SQLite cannot read (a MySQL expression): the relation without them.
            worker
                .ddl(create_statement(relation, false), Some(change))
                .await?;
        }
        for index in &relation.indexes {
            // Index names are per table in MySQL, per schema in PostgreSQL and SQLite.
            let name = if index_names.insert(index.name.to_ascii_lowercase()) {
                index.name.clone()
            } else {
                format!("{}_{}", relation.name, index.name)
            };
            index_names.insert(name.to_ascii_lowercase());
            let unique = if index.unique { "UNIQUE " } else { "" };
            worker
                .batch(format!(
                    "CREATE {unique}INDEX {} ON {} ({})",
                    quote_identifier(&name),
                    quote_identifier(&relation.name),
                    identifier_list(&index.columns)
                ))
                .await?;
        }
    }
    Ok(())
}

fn identifier_list(names: &[String]) -> String {
    names
        .iter()
        .map(|name| quote_identifier(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQLite statement that mirrors one relation. A view is `SELECT NULL, ..` under the
/// view's column names (its query is the backend's SQL, which SQLite may not read); its column
/// types come from the registry like a table's.
fn create_statement(relation: &RelationDescription, with_defaults: bool) -> String {
    let name = quote_identifier(&relation.name);
    let names: Vec<String> = relation.columns.iter().map(|c| c.name.clone()).collect();
    if relation.view {
        let nulls = vec!["NULL"; names.len().max(1)];
        return format!(
            "CREATE VIEW {name} ({}) AS SELECT {}",
            identifier_list(&names),
            nulls.join(", ")
        );
    }
    let mut parts: Vec<String> = relation
        .columns
        .iter()
        .map(|column| {
            let mut part = format!(
                "{} {}",
                quote_identifier(&column.name),
                column.pg_type.name()
            );
            if column.not_null {
                part.push_str(" NOT NULL");
            }
            if let Some(default) = column.default.as_ref().filter(|_| with_defaults) {
                part.push_str(&format!(" DEFAULT ({default})"));
            }
            part
        })
        .collect();
    if !relation.primary_key.is_empty() {
        parts.push(format!(
            "PRIMARY KEY ({})",
            identifier_list(&relation.primary_key)
        ));
    }
    for key in &relation.unique_keys {
        parts.push(format!("UNIQUE ({})", identifier_list(key)));
    }
    for key in &relation.foreign_keys {
        let mut part = format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            identifier_list(&key.columns),
            quote_identifier(&key.referenced_table),
            identifier_list(&key.referenced_columns)
        );
        for (verb, action) in [("UPDATE", &key.on_update), ("DELETE", &key.on_delete)] {
            if action != "NO ACTION" {
                part.push_str(&format!(" ON {verb} {action}"));
            }
        }
        parts.push(part);
    }
    format!("CREATE TABLE {name} ({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::catalog_database::{ColumnDescription, ForeignKeyDescription};
    use pgbridge_dialects::PgType;

    fn column(name: &str, pg_type: PgType, default: Option<&str>) -> ColumnDescription {
        ColumnDescription {
            name: name.to_owned(),
            pg_type,
            type_modifier: -1,
            not_null: default.is_none(),
            default: default.map(str::to_owned),
        }
    }

    #[test]
    fn tables_and_views_mirror_as_sqlite_ddl() {
        let table = RelationDescription {
            name: "child".to_owned(),
            view: false,
            columns: vec![
                column("id", PgType::Int8, None),
                column("parent_id", PgType::Int4, Some("0")),
            ],
            primary_key: vec!["id".to_owned()],
            unique_keys: vec![vec!["parent_id".to_owned()]],
            indexes: Vec::new(),
            foreign_keys: vec![ForeignKeyDescription {
                columns: vec!["parent_id".to_owned()],
                referenced_table: "parent".to_owned(),
                referenced_columns: vec!["id".to_owned()],
                on_update: "NO ACTION".to_owned(),
                on_delete: "CASCADE".to_owned(),
            }],
        };
        assert_eq!(
            create_statement(&table, true),
            "CREATE TABLE \"child\" (\"id\" int8 NOT NULL, \"parent_id\" int4 DEFAULT (0), \
             PRIMARY KEY (\"id\"), UNIQUE (\"parent_id\"), FOREIGN KEY (\"parent_id\") \
             REFERENCES \"parent\" (\"id\") ON DELETE CASCADE)"
        );
        assert!(!create_statement(&table, false).contains("DEFAULT"));
        let view = RelationDescription {
            name: "v".to_owned(),
            view: true,
            columns: vec![column("a", PgType::Text, Some("x"))],
            primary_key: Vec::new(),
            unique_keys: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        };
        assert_eq!(
            create_statement(&view, true),
            "CREATE VIEW \"v\" (\"a\") AS SELECT NULL"
        );
    }
}
