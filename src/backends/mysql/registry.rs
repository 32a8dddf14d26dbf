//! The type registry: the PostgreSQL types of columns created through pgbridge, kept in the
//! MySQL database itself (table `_pgbridge_columns`, created by the first DDL that declares
//! columns), as the SQLite backend keeps them. Several PostgreSQL types share one MySQL storage
//! type (`timestamptz` and `timestamp` are both `DATETIME(6)`, `uuid` is `CHAR(36)`, `jsonb` is
//! `JSON`); the registry tells them apart, so a `timestamptz` column is described, converted
//! and assigned as one. Columns of tables pgbridge did not create keep the type
//! `information_schema` gives them.
//!
//! MySQL commits DDL implicitly, so the registry is updated right after the DDL, not atomically
//! with it.

use pgbridge_dialects::{DeclaredColumn, PgType, SchemaChange};
use pgbridge_proxy::SqlError;
use sqlx::mysql::{MySqlConnection, MySqlDatabaseError};
use sqlx::{AssertSqlSafe, Row};

use super::errors::classify;

/// The registry table's name.
pub const TABLE: &str = "_pgbridge_columns";

async fn run(
    connection: &mut MySqlConnection,
    sql: String,
    values: &[&str],
) -> Result<(), SqlError> {
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in values {
        query = query.bind(*value);
    }
    query
        .execute(connection)
        .await
        .map(drop)
        .map_err(|e| classify(&e))
}

/// Creates the registry table if missing.
async fn ensure(connection: &mut MySqlConnection) -> Result<(), SqlError> {
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} (
            table_name VARCHAR(64) NOT NULL,
            column_name VARCHAR(64) NOT NULL,
            pg_type VARCHAR(32) NOT NULL,
            type_modifier INT NOT NULL DEFAULT -1,
            PRIMARY KEY (table_name, column_name)
        )"
    )))
    .execute(&mut *connection)
    .await
    .map(drop)
    .map_err(|e| classify(&e))
}

async fn insert(
    connection: &mut MySqlConnection,
    table: &str,
    columns: &[DeclaredColumn],
) -> Result<(), SqlError> {
    ensure(connection).await?;
    for column in columns {
        sqlx::query(AssertSqlSafe(format!(
            "REPLACE INTO {TABLE} (table_name, column_name, pg_type, type_modifier) VALUES (?, ?, ?, ?)"
        )))
        .bind(table)
        .bind(&column.name)
        .bind(column.pg_type.name())
        .bind(column.type_modifier)
        .execute(&mut *connection)
        .await
        .map_err(|e| classify(&e))?;
    }
    Ok(())
}

/// Follows a schema change made through pgbridge.
pub async fn apply(
    connection: &mut MySqlConnection,
    change: &SchemaChange,
) -> Result<(), SqlError> {
    let result =
        match change {
            SchemaChange::CreateTable { table, columns } => {
                ensure(connection).await?;
                run(
                    connection,
                    format!("DELETE FROM {TABLE} WHERE table_name = ?"),
                    &[table],
                )
                .await?;
                insert(connection, table, columns).await
            }
            SchemaChange::AddColumns { table, columns } => insert(connection, table, columns).await,
            SchemaChange::DropColumn { table, column } => {
                run(
                    connection,
                    format!("DELETE FROM {TABLE} WHERE table_name = ? AND column_name = ?"),
                    &[table, column],
                )
                .await
            }
            SchemaChange::RenameColumn { table, from, to } => run(
                connection,
                format!(
                    "UPDATE {TABLE} SET column_name = ? WHERE table_name = ? AND column_name = ?"
                ),
                &[to, table, from],
            )
            .await,
            SchemaChange::RenameTable { from, to } => {
                run(
                    connection,
                    format!("UPDATE {TABLE} SET table_name = ? WHERE table_name = ?"),
                    &[to, from],
                )
                .await
            }
            SchemaChange::DropTables { tables } => {
                // No `?` here: a missing registry must reach the match below.
                let mut result = Ok(());
                for table in tables {
                    result = run(
                        connection,
                        format!("DELETE FROM {TABLE} WHERE table_name = ?"),
                        &[table],
                    )
                    .await;
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
        };
    match result {
        // No registry yet: nothing pgbridge created to follow.
        Err(error) if error.code == "42P01" => Ok(()),
        other => other,
    }
}

/// The registered PostgreSQL types of `table`'s columns (none when there is no registry).
pub async fn registered(
    connection: &mut MySqlConnection,
    table: &str,
) -> Result<Vec<(String, PgType, i32)>, SqlError> {
    Ok(fetch(connection, Some(table))
        .await?
        .into_iter()
        .map(|(_, column, pg_type, modifier)| (column, pg_type, modifier))
        .collect())
}

/// Every registered column: table, column, PostgreSQL type, modifier (for the catalog).
#[cfg(feature = "sqlite")]
pub async fn all_registered(
    connection: &mut MySqlConnection,
) -> Result<Vec<(String, String, PgType, i32)>, SqlError> {
    fetch(connection, None).await
}

async fn fetch(
    connection: &mut MySqlConnection,
    table: Option<&str>,
) -> Result<Vec<(String, String, PgType, i32)>, SqlError> {
    let filter = if table.is_some() {
        " WHERE table_name = ?"
    } else {
        ""
    };
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "SELECT table_name, column_name, pg_type, type_modifier FROM {TABLE}{filter}"
    )));
    if let Some(table) = table {
        query = query.bind(table);
    }
    let rows = query.fetch_all(&mut *connection).await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(sqlx::Error::Database(error))
            if error
                .try_downcast_ref::<MySqlDatabaseError>()
                .is_some_and(|e| e.number() == 1146) =>
        {
            return Ok(Vec::new());
        }
        Err(error) => return Err(classify(&error)),
    };
    let read_error = |e: sqlx::Error| SqlError::new("XX000", format!("{TABLE}: {e}"));
    let mut registered = Vec::with_capacity(rows.len());
    for row in rows {
        let table: String = row.try_get_unchecked(0).map_err(read_error)?;
        let name: String = row.try_get_unchecked(1).map_err(read_error)?;
        let pg_type: String = row.try_get_unchecked(2).map_err(read_error)?;
        let modifier: i32 = row.try_get_unchecked(3).map_err(read_error)?;
        if let Some(pg_type) = PgType::from_name(&pg_type) {
            registered.push((table, name, pg_type, modifier));
        }
    }
    Ok(registered)
}
