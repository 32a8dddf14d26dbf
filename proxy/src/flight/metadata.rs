//! The Flight SQL catalog calls (GetCatalogs, GetDbSchemas, GetTables, GetTableTypes,
//! GetPrimaryKeys), answered by querying the engine's `information_schema` through the seam,
//! as any PostgreSQL client would. Table schemas (GetTables `include_schema`) come from
//! describing `SELECT * FROM` each table, so they are the schemas a query of it streams.

use std::sync::Arc;

use arrow_array::builder::{Int32Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_flight::sql::{CommandGetDbSchemas, CommandGetPrimaryKeys, CommandGetTables};
use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef};
use futures::StreamExt;

use super::auth::Caller;
use super::execution::Runner;
use super::schema::arrow_schema;
use crate::{Backend, Outcome, Row, Session, SqlError, Value};

/// The table types GetTableTypes lists and GetTables reports.
pub const TABLE_TYPES: [&str; 2] = ["TABLE", "VIEW"];

fn text(value: &Value) -> String {
    value.to_text().unwrap_or_default()
}

/// `name` as a double-quoted identifier.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl<B: Backend> Runner<B> {
    /// All rows of one query, run in a session of its own.
    pub async fn fetch_all(
        &self,
        caller: &Caller,
        sql: &str,
        parameters: Vec<Value>,
    ) -> Result<Vec<Row>, SqlError> {
        let mut session = self.open_session(caller).await?;
        let mut statements = session.parse(sql)?;
        let statement = statements
            .pop()
            .ok_or_else(|| SqlError::new("42601", "the statement is empty"))?;
        session.describe(&statement, &[]).await?;
        let mut out = Vec::new();
        if let Outcome::Rows { mut rows, .. } = session.execute(&statement, parameters).await? {
            while let Some(row) = rows.next().await {
                out.push(row?);
            }
        }
        session.end_implicit_transaction().await?;
        Ok(out)
    }

    /// The current database: the one catalog.
    pub async fn catalogs(&self, caller: &Caller) -> Result<Vec<String>, SqlError> {
        let rows = self
            .fetch_all(caller, "SELECT current_database()", Vec::new())
            .await?;
        Ok(rows.iter().map(|row| text(&row[0])).collect())
    }

    /// (catalog, schema) pairs.
    pub async fn schemas(
        &self,
        caller: &Caller,
        _command: &CommandGetDbSchemas,
    ) -> Result<Vec<(String, String)>, SqlError> {
        let rows = self
            .fetch_all(
                caller,
                "SELECT catalog_name, schema_name FROM information_schema.schemata \
                 ORDER BY catalog_name, schema_name",
                Vec::new(),
            )
            .await?;
        Ok(rows.iter().map(|r| (text(&r[0]), text(&r[1]))).collect())
    }

    /// Tables and views outside the system schemas (or in them, when the schema filter names
    /// one), with their Arrow schemas when asked.
    pub async fn tables(
        &self,
        caller: &Caller,
        command: &CommandGetTables,
    ) -> Result<Vec<TableEntry>, SqlError> {
        let system_wanted = command
            .db_schema_filter_pattern
            .as_deref()
            .is_some_and(|p| p.starts_with("pg_") || p.starts_with("information_schema"));
        let filter = if system_wanted {
            ""
        } else {
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
        };
        let sql = format!(
            "SELECT table_catalog, table_schema, table_name, table_type \
             FROM information_schema.tables {filter}ORDER BY table_schema, table_name"
        );
        let rows = self.fetch_all(caller, &sql, Vec::new()).await?;
        let mut tables: Vec<TableEntry> = rows
            .iter()
            .map(|r| TableEntry {
                catalog: text(&r[0]),
                schema: text(&r[1]),
                name: text(&r[2]),
                table_type: if text(&r[3]) == "VIEW" {
                    "VIEW"
                } else {
                    "TABLE"
                },
                arrow_schema: Arc::new(Schema::empty()),
            })
            .collect();
        if command.include_schema {
            let mut session = self.open_session(caller).await?;
            for table in &mut tables {
                let sql = format!(
                    "SELECT * FROM {}.{}",
                    quote(&table.schema),
                    quote(&table.name)
                );
                let Some(statement) = session.parse(&sql)?.pop() else {
                    continue;
                };
                let description = session.describe(&statement, &[]).await?;
                table.arrow_schema = arrow_schema(&description.fields.unwrap_or_default());
            }
        }
        Ok(tables)
    }

    /// The primary key columns of one table, in key order.
    pub async fn primary_keys(
        &self,
        caller: &Caller,
        command: &CommandGetPrimaryKeys,
    ) -> Result<RecordBatch, SqlError> {
        let mut sql = "SELECT tc.table_catalog, tc.table_schema, tc.table_name, k.column_name, \
                       tc.constraint_name, k.ordinal_position \
                       FROM information_schema.table_constraints tc \
                       JOIN information_schema.key_column_usage k \
                         ON k.constraint_name = tc.constraint_name \
                        AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name \
                       WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = $1"
            .to_owned();
        let mut parameters = vec![Value::Text(command.table.clone())];
        if let Some(schema) = &command.db_schema {
            sql.push_str(" AND tc.table_schema = $2");
            parameters.push(Value::Text(schema.clone()));
        }
        sql.push_str(" ORDER BY tc.table_schema, k.ordinal_position");
        let rows = self.fetch_all(caller, &sql, parameters).await?;
        let mut columns: [StringBuilder; 5] = Default::default();
        let mut sequence = Int32Builder::new();
        for row in &rows {
            for (builder, value) in columns.iter_mut().zip(row) {
                builder.append_value(text(value));
            }
            let position = text(&row[5]).parse().unwrap_or(0);
            sequence.append_value(position);
        }
        let mut arrays: Vec<ArrayRef> = columns
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        arrays.push(Arc::new(sequence.finish()));
        RecordBatch::try_new(primary_keys_schema(), arrays)
            .map_err(|e| SqlError::new("XX000", e.to_string()))
    }
}

/// One row of GetTables.
pub struct TableEntry {
    pub catalog: String,
    pub schema: String,
    pub name: String,
    pub table_type: &'static str,
    pub arrow_schema: SchemaRef,
}

/// The schema Flight SQL specifies for GetPrimaryKeys.
pub fn primary_keys_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        ArrowField::new("catalog_name", DataType::Utf8, true),
        ArrowField::new("db_schema_name", DataType::Utf8, true),
        ArrowField::new("table_name", DataType::Utf8, false),
        ArrowField::new("column_name", DataType::Utf8, false),
        ArrowField::new("key_name", DataType::Utf8, true),
        ArrowField::new("key_sequence", DataType::Int32, false),
    ]))
}
