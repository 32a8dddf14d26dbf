//! The schema of the SQL Server database as the emulated catalog needs it
//! ([`SchemaDescription`]), read from `INFORMATION_SCHEMA`: tables and views of every schema but
//! `sys` and `INFORMATION_SCHEMA` (two tables of one name in two schemas show once, the first),
//! their columns with PostgreSQL types (`types::type_of_column`) and `NOT NULL`, and primary
//! keys. Not read yet: defaults, unique keys, other indexes, foreign keys. Catalog reads run on
//! the session's SQLite mirror of this description (`backends/catalog_database/`), as on MySQL.

use std::collections::HashMap;

use pgbridge_proxy::SqlError;
use tiberius::Row;

use super::pool::{Client, batch_results};
use super::schema::{number, text};
use super::types::type_of_column;
use crate::backends::catalog_database::{
    ColumnDescription, RelationDescription, SchemaDescription,
};

const COLUMNS_SQL: &str = "SELECT c.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, c.DATA_TYPE, \
     c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.CHARACTER_MAXIMUM_LENGTH, c.IS_NULLABLE \
     FROM INFORMATION_SCHEMA.COLUMNS c JOIN INFORMATION_SCHEMA.TABLES t \
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
     WHERE c.TABLE_SCHEMA NOT IN ('sys', 'INFORMATION_SCHEMA') \
     ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";

const PRIMARY_KEYS_SQL: &str = "SELECT k.TABLE_NAME, k.COLUMN_NAME \
     FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k \
       ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
     WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' \
     ORDER BY k.TABLE_NAME, k.ORDINAL_POSITION";

async fn fetch(client: &mut Client, sql: &str) -> Result<Vec<Row>, SqlError> {
    let results = batch_results(client, sql).await?;
    Ok(results.into_iter().next().unwrap_or_default())
}

/// Reads the schema of the connection's database.
pub async fn describe(client: &mut Client) -> Result<SchemaDescription, SqlError> {
    let mut relations: Vec<RelationDescription> = Vec::new();
    let mut positions: HashMap<String, usize> = HashMap::new();
    for row in fetch(client, COLUMNS_SQL).await? {
        let table = text(&row, 0).unwrap_or_default();
        let index = *positions.entry(table.clone()).or_insert_with(|| {
            relations.push(RelationDescription {
                name: table.clone(),
                view: text(&row, 1).is_some_and(|kind| kind == "VIEW"),
                columns: Vec::new(),
                primary_key: Vec::new(),
                unique_keys: Vec::new(),
                indexes: Vec::new(),
                foreign_keys: Vec::new(),
            });
            relations.len() - 1
        });
        let data_type = text(&row, 3).unwrap_or_default().to_ascii_lowercase();
        let (pg_type, type_modifier) = type_of_column(
            &data_type,
            number(&row, 4),
            number(&row, 5),
            number(&row, 6),
        );
        relations[index].columns.push(ColumnDescription {
            name: text(&row, 2).unwrap_or_default(),
            pg_type,
            type_modifier,
            not_null: text(&row, 7).is_some_and(|nullable| nullable == "NO"),
            default: None,
        });
    }
    for row in fetch(client, PRIMARY_KEYS_SQL).await? {
        let table = text(&row, 0).unwrap_or_default();
        if let Some(index) = positions.get(&table) {
            relations[*index]
                .primary_key
                .push(text(&row, 1).unwrap_or_default());
        }
    }
    Ok(SchemaDescription { relations })
}
