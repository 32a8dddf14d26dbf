//! The columns of a table with PostgreSQL types, read from `information_schema` for type
//! inference, `translate_with_schema` and COPY; the type registry (`registry.rs`) overrides the
//! types of columns created through pgbridge. MariaDB stores `JSON` as `LONGTEXT` with a
//! `json_valid` check constraint; that check is what marks a column `json` (MariaDB prints its
//! identifier in backquotes, or in double quotes under the session's `ANSI_QUOTES`).

use pgbridge_dialects::PgType;
use pgbridge_proxy::SqlError;
use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{AssertSqlSafe, Row};

use super::errors::classify;
use super::registry;
use super::types::type_of_column;
use crate::backends::adapter::TableColumns;

/// True for a column with MariaDB's `json_valid` check: the MariaDB form (MySQL 8's
/// `CHECK_CONSTRAINTS` has no `TABLE_NAME`; there `JSON` columns say so in `DATA_TYPE` and the
/// check is not needed).
const IS_JSON: &str = "EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k \
     WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME \
     AND k.CHECK_CLAUSE IN (CONCAT('json_valid(`', c.COLUMN_NAME, '`)'), \
                            CONCAT('json_valid(\"', c.COLUMN_NAME, '\")')))";

/// The columns of the database's tables, with `is_json` computed by the given expression (the
/// catalog, which reads every column at once, finds the checks with one query of its own
/// rather than one subquery per column). The first seven columns are what [`column_type`]
/// reads.
pub fn columns_select(is_json: &str) -> String {
    format!(
        "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, \
         c.CHARACTER_MAXIMUM_LENGTH, {is_json} AS is_json, c.TABLE_NAME, c.IS_NULLABLE, \
         c.COLUMN_DEFAULT, c.EXTRA \
         FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = DATABASE()"
    )
}

/// An error reading an `information_schema` row.
pub fn read_error(error: sqlx::Error) -> SqlError {
    SqlError::new("XX000", format!("information_schema: {error}"))
}

/// A column's name and PostgreSQL type from a row of [`columns_select`].
pub fn column_type(row: &MySqlRow) -> Result<(String, PgType, i32), SqlError> {
    let name: String = row.try_get_unchecked(0).map_err(read_error)?;
    let data_type: String = row.try_get_unchecked(1).map_err(read_error)?;
    let column_type: String = row.try_get_unchecked(2).map_err(read_error)?;
    let precision: Option<u64> = row.try_get_unchecked(3).map_err(read_error)?;
    let scale: Option<u64> = row.try_get_unchecked(4).map_err(read_error)?;
    let length: Option<u64> = row.try_get_unchecked(5).map_err(read_error)?;
    let is_json: i64 = row.try_get_unchecked(6).map_err(read_error)?;
    let (pg_type, modifier) = type_of_column(
        &data_type.to_ascii_lowercase(),
        &column_type.to_ascii_lowercase(),
        precision,
        scale,
        length,
        is_json != 0,
    );
    Ok((name, pg_type, modifier))
}

/// The columns of `table` in the connection's database, or `None` when it has no such table.
pub async fn table_columns(
    connection: &mut MySqlConnection,
    table: &str,
) -> Result<Option<TableColumns>, SqlError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{} AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION",
        columns_select(IS_JSON)
    )))
    .bind(table)
    .fetch_all(&mut *connection)
    .await
    .map_err(|e| classify(&e))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut columns = rows
        .iter()
        .map(column_type)
        .collect::<Result<TableColumns, SqlError>>()?;
    // Columns created through pgbridge: the PostgreSQL type they were declared with.
    for (name, pg_type, modifier) in registry::registered(connection, table).await? {
        if let Some(column) = columns.iter_mut().find(|(n, _, _)| *n == name) {
            column.1 = pg_type;
            column.2 = modifier;
        }
    }
    Ok(Some(columns))
}
