//! The columns of a table with PostgreSQL types, read from `INFORMATION_SCHEMA.COLUMNS` for type
//! inference and COPY. SQL Server keeps no PostgreSQL types of its own: a column is described
//! by its SQL Server type (`types::type_of_column`), so a `json` column created through pgbridge
//! (stored as `NVARCHAR(MAX)`) reads back as `text`. `#temp` tables live in `tempdb` and are
//! not found here (their columns are typed from each result's metadata instead).

use pgbridge_proxy::SqlError;
use tiberius::{ColumnData, Row};

use super::errors::classify;
use super::pool::Client;
use super::types::{Parameter, type_of_column};
use crate::backends::adapter::TableColumns;
use pgbridge_proxy::Value;

const COLUMNS: &str = "SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, \
     CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = @P1 \
     ORDER BY ORDINAL_POSITION";

/// A text cell of an `INFORMATION_SCHEMA` row.
pub fn text(row: &Row, index: usize) -> Option<String> {
    row.cells().nth(index).and_then(|(_, data)| match data {
        ColumnData::String(Some(text)) => Some(text.to_string()),
        _ => None,
    })
}

/// A whole number of any TDS integer width (the catalog views use several).
pub fn number(row: &Row, index: usize) -> Option<i64> {
    row.cells().nth(index).and_then(|(_, data)| match data {
        ColumnData::U8(v) => v.map(i64::from),
        ColumnData::I16(v) => v.map(i64::from),
        ColumnData::I32(v) => v.map(i64::from),
        ColumnData::I64(v) => *v,
        _ => None,
    })
}

/// The columns of `table`, or `None` when the database has no such table.
pub async fn table_columns(
    client: &mut Client,
    table: &str,
) -> Result<Option<TableColumns>, SqlError> {
    let name = Parameter(Value::Text(table.to_owned()));
    let rows = client
        .query(COLUMNS, &[&name])
        .await
        .map_err(|e| classify(&e))?
        .into_first_result()
        .await
        .map_err(|e| classify(&e))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let columns = rows
        .iter()
        .map(|row| {
            let name = text(row, 0).unwrap_or_default();
            let data_type = text(row, 1).unwrap_or_default().to_ascii_lowercase();
            let (pg_type, modifier) =
                type_of_column(&data_type, number(row, 2), number(row, 3), number(row, 4));
            (name, pg_type, modifier)
        })
        .collect();
    Ok(Some(columns))
}
