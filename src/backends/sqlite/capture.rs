//! Change capture for observers (feature `observers`): SQLite's pre-update hook reports every
//! row an INSERT, UPDATE or DELETE touches, with its values before and after, from inside the
//! statement itself. Nothing is re-read and no statement is rewritten: the hook sees cascades
//! and trigger writes too, exactly as SQLite applies them. (With the hook set, SQLite also
//! turns off its truncate optimisation, so a `DELETE` without `WHERE` is seen row by row.)
//!
//! The hook only copies the raw values; after each command the worker turns them into
//! [`RowChange`]s with PostgreSQL types (from the type registry) and primary keys, for the
//! engine to take. Internal tables (`_pgbridge_*`, `sqlite_*`) and other schemas (the attached
//! catalog, `temp`) are not captured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite::hooks::PreUpdateCase;
use rusqlite::types::{Value as Raw, ValueRef};

use super::registry;
use super::types::to_pg;
use crate::backends::adapter::OutputType;
use crate::observers::event::{Operation, RowChange, TableShape};

struct RawChange {
    table: String,
    operation: Operation,
    old: Option<Vec<Raw>>,
    new: Option<Vec<Raw>>,
}

/// Changes captured on one connection, and the converted ones waiting for the engine.
pub struct Capture {
    raw: Arc<Mutex<Vec<RawChange>>>,
    converted: Arc<Mutex<Vec<RowChange>>>,
    shapes: HashMap<String, (Arc<TableShape>, Vec<OutputType>)>,
    shapes_version: i64,
}

/// The engine's side: the changes converted so far.
pub type CapturedChanges = Arc<Mutex<Vec<RowChange>>>;

fn captured(database: &str, table: &str) -> bool {
    database == "main" && !table.starts_with("_pgbridge") && !table.starts_with("sqlite_")
}

/// A value the hook sees, copied out of the statement.
fn owned(value: ValueRef<'_>) -> Raw {
    match value {
        ValueRef::Null => Raw::Null,
        ValueRef::Integer(n) => Raw::Integer(n),
        ValueRef::Real(n) => Raw::Real(n),
        ValueRef::Text(text) => Raw::Text(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(bytes) => Raw::Blob(bytes.to_vec()),
    }
}

fn values(count: i32, get: impl Fn(i32) -> rusqlite::Result<Raw>) -> Option<Vec<Raw>> {
    (0..count).map(get).collect::<rusqlite::Result<_>>().ok()
}

impl Capture {
    /// Sets the pre-update hook on a connection.
    pub fn install(connection: &mut Connection) -> rusqlite::Result<(Capture, CapturedChanges)> {
        let raw: Arc<Mutex<Vec<RawChange>>> = Arc::default();
        let sink = Arc::clone(&raw);
        connection.preupdate_hook(Some(
            move |_action, database: &str, table: &str, case: &PreUpdateCase| {
                if !captured(database, table) {
                    return;
                }
                let (operation, old, new) = match case {
                    PreUpdateCase::Insert(new) => (
                        Operation::Insert,
                        None,
                        values(new.get_column_count(), |i| {
                            new.get_new_column_value(i).map(owned)
                        }),
                    ),
                    PreUpdateCase::Delete(old) => (
                        Operation::Delete,
                        values(old.get_column_count(), |i| {
                            old.get_old_column_value(i).map(owned)
                        }),
                        None,
                    ),
                    PreUpdateCase::Update {
                        old_value_accessor: old,
                        new_value_accessor: new,
                    } => (
                        Operation::Update,
                        values(old.get_column_count(), |i| {
                            old.get_old_column_value(i).map(owned)
                        }),
                        values(new.get_column_count(), |i| {
                            new.get_new_column_value(i).map(owned)
                        }),
                    ),
                    PreUpdateCase::Unknown => return,
                };
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(RawChange {
                        table: table.to_owned(),
                        operation,
                        old,
                        new,
                    });
            },
        ))?;
        let converted = CapturedChanges::default();
        Ok((
            Capture {
                raw,
                converted: Arc::clone(&converted),
                shapes: HashMap::new(),
                shapes_version: -1,
            },
            converted,
        ))
    }

    /// Converts what the hook captured during the last command (called on the worker thread
    /// before the command is answered).
    pub fn convert(&mut self, connection: &Connection) {
        let raw = std::mem::take(&mut *self.raw.lock().unwrap_or_else(PoisonError::into_inner));
        if raw.is_empty() {
            return;
        }
        let version: i64 = connection
            .prepare_cached("PRAGMA schema_version")
            .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
            .unwrap_or(-1);
        if version != self.shapes_version {
            self.shapes.clear();
            self.shapes_version = version;
        }
        let mut changes = Vec::with_capacity(raw.len());
        for change in raw {
            let Some((shape, types)) = self.shape(connection, &change.table) else {
                tracing::warn!(table = %change.table, "changed table has no columns: change not captured");
                continue;
            };
            let convert = |row: Option<Vec<Raw>>| {
                row.map(|row| {
                    row.iter()
                        .zip(types.iter())
                        .map(|(value, output)| {
                            to_pg(ValueRef::from(value), output.pg_type)
                                .map(|value| output.finish(value))
                                .unwrap_or(pgbridge_proxy::Value::Null)
                        })
                        .collect()
                })
            };
            changes.push(RowChange {
                table: change.table,
                operation: change.operation,
                shape,
                old: convert(change.old),
                new: convert(change.new),
            });
        }
        self.converted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(changes);
    }

    fn shape(
        &mut self,
        connection: &Connection,
        table: &str,
    ) -> Option<(Arc<TableShape>, Vec<OutputType>)> {
        if let Some(found) = self.shapes.get(table) {
            return Some(found.clone());
        }
        let columns = registry::table_columns(connection, table).ok()??;
        let mut key: Vec<(i64, usize)> = connection
            .prepare_cached("SELECT pk, cid FROM pragma_table_info(?1) WHERE pk > 0")
            .and_then(|mut statement| {
                statement
                    .query_map([table], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            usize::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                        ))
                    })?
                    .collect()
            })
            .ok()?;
        key.sort_unstable();
        let shape = Arc::new(TableShape {
            columns: columns.iter().map(|(name, _, _)| name.clone()).collect(),
            key: key.into_iter().map(|(_, cid)| cid).collect(),
        });
        let types = columns
            .iter()
            .map(|(_, pg_type, modifier)| OutputType::with_modifier(*pg_type, *modifier))
            .collect();
        self.shapes
            .insert(table.to_owned(), (Arc::clone(&shape), types));
        self.shapes.get(table).cloned()
    }
}
