//! Bulk ingest (CommandStatementIngest): record batches into a table, created, appended to or
//! replaced as the command's table definition options say (ADBC's `adbc_ingest` modes
//! `create`, `append`, `replace`, `create_append`).
//!
//! Everything runs in one session, so the DROP / CREATE and every INSERT commit together or not
//! at all. Rows go in as multi-row `INSERT .. VALUES` statements with parameters, up to
//! [`MAX_PARAMETERS`] values each, through the same translation and event path as any INSERT.
//! Batches are read as they arrive; none is held longer than its insert.

use std::collections::HashMap;

use arrow_array::RecordBatch;
use arrow_flight::sql::{CommandStatementIngest, TableExistsOption, TableNotExistOption};
use arrow_schema::Schema;
use futures::{Stream, StreamExt};

use super::auth::Caller;
use super::execution::Runner;
use super::metadata::quote;
use super::parameters::parameter_rows;
use super::schema::pg_type_of;
use crate::{Backend, Outcome, PgType, Session, SqlError, Value};

/// Parameters of one INSERT statement at most (SQLite allows 32,766; MySQL 65,535).
pub const MAX_PARAMETERS: usize = 4_096;

async fn run<S: Session>(
    session: &mut S,
    sql: &str,
    parameters: Vec<Value>,
) -> Result<usize, SqlError> {
    let statement = session
        .parse(sql)?
        .pop()
        .ok_or_else(|| SqlError::new("42601", "the statement is empty"))?;
    session.describe(&statement, &[]).await?;
    let mut count = 0;
    if let Outcome::Rows { mut rows, .. } = session.execute(&statement, parameters).await? {
        while let Some(row) = rows.next().await {
            row?;
            count += 1;
        }
    }
    Ok(count)
}

/// What to do with the table, from the command's options (ADBC's default is `create`).
fn decide(command: &CommandStatementIngest) -> (TableNotExistOption, TableExistsOption) {
    let options = command.table_definition_options.unwrap_or_default();
    let missing = TableNotExistOption::try_from(options.if_not_exist)
        .unwrap_or(TableNotExistOption::Unspecified);
    let present =
        TableExistsOption::try_from(options.if_exists).unwrap_or(TableExistsOption::Unspecified);
    let missing = match missing {
        TableNotExistOption::Unspecified => TableNotExistOption::Create,
        other => other,
    };
    let present = match present {
        TableExistsOption::Unspecified => TableExistsOption::Fail,
        other => other,
    };
    (missing, present)
}

fn create_table_sql(name: &str, schema: &Schema) -> Result<String, SqlError> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let (_, sql_type) = pg_type_of(field.data_type()).ok_or_else(|| {
                SqlError::unsupported(format!(
                    "ingesting column \"{}\" of Arrow type {}",
                    field.name(),
                    field.data_type()
                ))
            })?;
            let not_null = if field.is_nullable() { "" } else { " NOT NULL" };
            Ok(format!("{} {sql_type}{not_null}", quote(field.name())))
        })
        .collect::<Result<Vec<_>, SqlError>>()?;
    Ok(format!("CREATE TABLE {name} ({})", columns.join(", ")))
}

fn insert_sql(name: &str, schema: &Schema, rows: usize) -> String {
    let columns: Vec<String> = schema.fields().iter().map(|f| quote(f.name())).collect();
    let width = columns.len();
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let placeholders: Vec<String> = (1..=width)
                .map(|column| format!("${}", row * width + column))
                .collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {name} ({}) VALUES {}",
        columns.join(", "),
        tuples.join(", ")
    )
}

/// Inserts prepared per chunk size, with their parameter types.
struct Inserts<S: Session> {
    table: String,
    schema: Schema,
    prepared: HashMap<usize, (S::Statement, Vec<PgType>)>,
}

impl<S: Session> Inserts<S> {
    async fn statement(
        &mut self,
        session: &mut S,
        rows: usize,
    ) -> Result<(S::Statement, Vec<PgType>), SqlError> {
        if let Some(found) = self.prepared.get(&rows) {
            return Ok(found.clone());
        }
        let sql = insert_sql(&self.table, &self.schema, rows);
        let statement = session
            .parse(&sql)?
            .pop()
            .ok_or_else(|| SqlError::new("XX000", "an empty INSERT"))?;
        let description = session.describe(&statement, &[]).await?;
        let prepared = (statement, description.parameters);
        self.prepared.insert(rows, prepared.clone());
        Ok(prepared)
    }

    async fn insert(&mut self, session: &mut S, batch: &RecordBatch) -> Result<usize, SqlError> {
        let width = self.schema.fields().len().max(1);
        let chunk = (MAX_PARAMETERS / width).max(1);
        let mut offset = 0;
        while offset < batch.num_rows() {
            let rows = chunk.min(batch.num_rows() - offset);
            let (statement, types) = self.statement(session, rows).await?;
            let part = batch.slice(offset, rows);
            // One row's parameter types repeat for every row of the chunk.
            let row_types = &types[..width.min(types.len())];
            let values: Vec<Value> = parameter_rows(&part, row_types)?
                .into_iter()
                .flatten()
                .collect();
            session.execute(&statement, values).await?;
            offset += rows;
        }
        Ok(batch.num_rows())
    }
}

impl<B: Backend> Runner<B> {
    /// Ingests `batches` (of `schema`, when none arrives) into the command's table; returns
    /// the rows inserted.
    pub async fn ingest(
        &self,
        caller: &Caller,
        command: &CommandStatementIngest,
        mut batches: impl Stream<Item = Result<RecordBatch, SqlError>> + Unpin,
        schema_of_empty: impl FnOnce() -> Option<Schema>,
    ) -> Result<i64, SqlError> {
        if command.temporary {
            return Err(SqlError::unsupported("ingest into a temporary table"));
        }
        let first = batches.next().await.transpose()?;
        let schema = match &first {
            Some(batch) => batch.schema().as_ref().clone(),
            None => schema_of_empty()
                .ok_or_else(|| SqlError::new("08P01", "the ingest stream has no schema"))?,
        };
        let table = match &command.schema {
            Some(schema) => format!("{}.{}", quote(schema), quote(&command.table)),
            None => quote(&command.table),
        };
        let mut session = self.open_session(caller).await?;
        let exists_sql = match &command.schema {
            Some(_) => {
                "SELECT 1 FROM information_schema.tables WHERE table_name = $1 AND table_schema = $2"
            }
            None => {
                "SELECT 1 FROM information_schema.tables WHERE table_name = $1 AND table_schema = current_schema()"
            }
        };
        let mut parameters = vec![Value::Text(command.table.clone())];
        if let Some(schema) = &command.schema {
            parameters.push(Value::Text(schema.clone()));
        }
        let exists = run(&mut session, exists_sql, parameters).await? > 0;
        let (missing, present) = decide(command);
        match (exists, present, missing) {
            (true, TableExistsOption::Fail, _) => {
                return Err(SqlError::new(
                    "42P07",
                    format!("relation \"{}\" already exists", command.table),
                ));
            }
            (true, TableExistsOption::Replace, _) => {
                run(&mut session, &format!("DROP TABLE {table}"), Vec::new()).await?;
                run(
                    &mut session,
                    &create_table_sql(&table, &schema)?,
                    Vec::new(),
                )
                .await?;
            }
            (true, _, _) => {}
            (false, _, TableNotExistOption::Fail) => {
                return Err(SqlError::new(
                    "42P01",
                    format!("relation \"{}\" does not exist", command.table),
                ));
            }
            (false, _, _) => {
                run(
                    &mut session,
                    &create_table_sql(&table, &schema)?,
                    Vec::new(),
                )
                .await?;
            }
        }
        let mut inserts = Inserts::<B::Session> {
            table,
            schema,
            prepared: HashMap::new(),
        };
        let mut total = 0usize;
        if let Some(batch) = first {
            total += inserts.insert(&mut session, &batch).await?;
        }
        while let Some(batch) = batches.next().await {
            total += inserts.insert(&mut session, &batch?).await?;
        }
        session.end_implicit_transaction().await?;
        Ok(i64::try_from(total).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use arrow_schema::{DataType, Field};

    use super::*;

    #[test]
    fn ingest_statements_quote_names_and_number_parameters() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("Name", DataType::Utf8, true),
        ]);
        assert_eq!(
            create_table_sql("\"t\"", &schema).unwrap(),
            "CREATE TABLE \"t\" (\"id\" bigint NOT NULL, \"Name\" text)"
        );
        assert_eq!(
            insert_sql("\"t\"", &schema, 2),
            "INSERT INTO \"t\" (\"id\", \"Name\") VALUES ($1, $2), ($3, $4)"
        );
    }
}
