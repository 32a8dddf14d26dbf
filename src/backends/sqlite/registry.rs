//! The type registry: the PostgreSQL types of columns created through pgbridge, stored in the
//! database itself (table `_pgbridge_columns`) and changed in the same transaction as the DDL.
//! Columns of tables pgbridge did not create get types from their declared SQLite type.

use pgbridge_dialects::{DeclaredColumn, SchemaChange};
use pgbridge_proxy::PgType;
use rusqlite::{Connection, OptionalExtension, params};

use super::types::type_from_declaration;

pub use crate::backends::adapter::TableColumns;

/// The registry table's name; hidden from catalog listings.
pub const TABLE: &str = "_pgbridge_columns";

/// Creates the registry table if missing.
pub fn ensure(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} (
            table_name TEXT NOT NULL,
            column_name TEXT NOT NULL,
            pg_type TEXT NOT NULL,
            type_modifier INTEGER NOT NULL DEFAULT -1,
            PRIMARY KEY (table_name, column_name)
        ) WITHOUT ROWID"
    ))
}

fn insert(
    connection: &Connection,
    table: &str,
    columns: &[DeclaredColumn],
) -> rusqlite::Result<()> {
    let mut statement = connection.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {TABLE} (table_name, column_name, pg_type, type_modifier) VALUES (?1, ?2, ?3, ?4)"
    ))?;
    for column in columns {
        statement.execute(params![
            table,
            column.name,
            column.pg_type.name(),
            column.type_modifier
        ])?;
    }
    Ok(())
}

/// SQL that applies a schema change to the registry (run right after the DDL, same transaction).
pub fn apply(connection: &Connection, change: &SchemaChange) -> rusqlite::Result<()> {
    match change {
        SchemaChange::CreateTable { table, columns } => {
            connection.execute(
                &format!("DELETE FROM {TABLE} WHERE table_name = ?1"),
                [table],
            )?;
            insert(connection, table, columns)
        }
        SchemaChange::AddColumns { table, columns } => insert(connection, table, columns),
        SchemaChange::DropColumn { table, column } => connection
            .execute(
                &format!("DELETE FROM {TABLE} WHERE table_name = ?1 AND column_name = ?2"),
                [table, column],
            )
            .map(drop),
        SchemaChange::RenameColumn { table, from, to } => connection
            .execute(
                &format!(
                    "UPDATE {TABLE} SET column_name = ?3 WHERE table_name = ?1 AND column_name = ?2"
                ),
                [table, from, to],
            )
            .map(drop),
        SchemaChange::RenameTable { from, to } => connection
            .execute(
                &format!("UPDATE {TABLE} SET table_name = ?2 WHERE table_name = ?1"),
                [from, to],
            )
            .map(drop),
        SchemaChange::DropTables { tables } => {
            for table in tables {
                connection.execute(
                    &format!("DELETE FROM {TABLE} WHERE table_name = ?1"),
                    [table],
                )?;
            }
            Ok(())
        }
    }
}

/// The columns of a table with their PostgreSQL types and modifiers, or `None` if no such table.
pub fn table_columns(
    connection: &Connection,
    table: &str,
) -> rusqlite::Result<Option<TableColumns>> {
    let mut info =
        connection.prepare_cached("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")?;
    let declared: Vec<(String, String)> = info
        .query_map([table], |row| {
            Ok((
                row.get(0)?,
                row.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if declared.is_empty() {
        return Ok(None);
    }
    let mut lookup = connection.prepare_cached(&format!(
        "SELECT pg_type, type_modifier FROM {TABLE} WHERE table_name = ?1 AND column_name = ?2"
    ))?;
    let mut columns = Vec::with_capacity(declared.len());
    for (name, declared_type) in declared {
        let registered: Option<(String, i32)> = lookup
            .query_row([table, name.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let (pg_type, modifier) =
            match registered.and_then(|(t, m)| PgType::from_name(&t).map(|t| (t, m))) {
                Some(found) => found,
                None => (type_from_declaration(&declared_type), -1),
            };
        columns.push((name, pg_type, modifier));
    }
    Ok(Some(columns))
}
