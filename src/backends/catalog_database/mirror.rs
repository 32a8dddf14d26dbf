//! The catalog database of a session: a SQLite worker on a private in-memory database that
//! holds the mirror of the backend's schema (empty tables and views, their PostgreSQL types in
//! the mirror's own type registry) beside the attached `pg_catalog` and `information_schema`.
//!
//! When the backend's schema changes, the relations that changed are dropped and created again
//! and the others left alone, so their OIDs (from `sqlite_master`'s rowids) stay put across DDL
//! as on the SQLite backend. If that fails half-way, a new worker is opened and the whole mirror
//! written into it.

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
        capture: false,
        journal: None,
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

    /// Brings the mirror up to `description` (changed only where it differs from the one it
    /// was built from), then the catalog up to the mirror.
    pub async fn refresh(&self, description: SchemaDescription) -> Result<(), SqlError> {
        let (current, built_from) = {
            let mirror = self.mirror.lock().unwrap_or_else(PoisonError::into_inner);
            (mirror.worker.clone(), mirror.built_from.clone())
        };
        let worker = match current {
            Some(worker) if built_from.as_ref() == Some(&description) => worker,
            current => {
                let updated = match current {
                    Some(worker) => update_mirror(&worker, built_from.as_ref(), &description)
                        .await
                        .map(|()| worker),
                    None => Err(SqlError::new("XX000", "no catalog database yet")),
                };
                // Anything that went wrong half-way: a new database, written from scratch.
                let worker = match updated {
                    Ok(worker) => worker,
                    Err(_) => {
                        let fresh = open_worker(&self.session).await?;
                        update_mirror(&fresh, None, &description).await?;
                        fresh
                    }
                };
                let mut mirror = self.mirror.lock().unwrap_or_else(PoisonError::into_inner);
                mirror.worker = Some(Arc::clone(&worker));
                mirror.built_from = Some(description);
                worker
            }
        };
        worker.refresh_catalog().await
    }
}

/// Changes the mirror written from `old` (`None`: an empty mirror) into that of `new`: the
/// relations that went away or changed are dropped, the new and changed ones created. The
/// others keep their rows in `sqlite_master`, so their OIDs stay put, as on SQLite.
async fn update_mirror(
    worker: &Worker,
    old: Option<&SchemaDescription>,
    new: &SchemaDescription,
) -> Result<(), SqlError> {
    let old = old.map_or(&[][..], |description| description.relations.as_slice());
    for stale in old.iter().filter(|r| !new.relations.contains(r)) {
        let kind = if stale.view { "VIEW" } else { "TABLE" };
        let change = SchemaChange::DropTables {
            tables: vec![stale.name.clone()],
        };
        worker
            .ddl(
                format!("DROP {kind} {}", quote_identifier(&stale.name)),
                Some(change),
            )
            .await?;
    }
    for relation in new.relations.iter().filter(|r| !old.contains(r)) {
        create_relation(worker, relation, new).await?;
    }
    Ok(())
}

/// Creates one relation of `description` and its indexes.
async fn create_relation(
    worker: &Worker,
    relation: &RelationDescription,
    description: &SchemaDescription,
) -> Result<(), SqlError> {
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
        let unique = if index.unique { "UNIQUE " } else { "" };
        worker
            .batch(format!(
                "CREATE {unique}INDEX {} ON {} ({})",
                quote_identifier(&index_name(relation, &index.name, description)),
                quote_identifier(&relation.name),
                identifier_list(&index.columns)
            ))
            .await?;
    }
    Ok(())
}

/// The name an index gets in the mirror: index names are per table in MySQL, per schema in
/// PostgreSQL and SQLite, so a name another relation (or one of its indexes) also uses is
/// prefixed with its table's name.
fn index_name(
    relation: &RelationDescription,
    name: &str,
    description: &SchemaDescription,
) -> String {
    let shared = description.relations.iter().any(|other| {
        other.name.eq_ignore_ascii_case(name)
            || (other.name != relation.name
                && other
                    .indexes
                    .iter()
                    .any(|index| index.name.eq_ignore_ascii_case(name)))
    });
    if shared {
        format!("{}_{name}", relation.name)
    } else {
        name.to_owned()
    }
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
    use crate::backends::catalog_database::{
        ColumnDescription, ForeignKeyDescription, IndexDescription,
    };
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
    fn index_names_shared_by_tables_are_prefixed() {
        let table = |name: &str, index: &str| RelationDescription {
            name: name.to_owned(),
            view: false,
            columns: vec![column("id", PgType::Int4, None)],
            primary_key: Vec::new(),
            unique_keys: Vec::new(),
            indexes: vec![IndexDescription {
                name: index.to_owned(),
                unique: false,
                columns: vec!["id".to_owned()],
            }],
            foreign_keys: Vec::new(),
        };
        let description = SchemaDescription {
            relations: vec![table("a", "by_id"), table("b", "by_id"), table("c", "own")],
        };
        let [a, b, c] = &description.relations[..] else {
            unreachable!()
        };
        assert_eq!(index_name(a, "by_id", &description), "a_by_id");
        assert_eq!(index_name(b, "by_id", &description), "b_by_id");
        assert_eq!(index_name(c, "own", &description), "own");
        assert_eq!(index_name(c, "a", &description), "c_a");
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
