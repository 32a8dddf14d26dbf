//! A tokio-postgres session, used the same way for the oracle and for pgbridge.
//!
//! Statements and queries go through the simple query protocol, so values arrive as
//! PostgreSQL's own text; the oracle's result types come from a separate Parse/Describe.

use pgbridge_dialects::PgType;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

use crate::answer::{Answer, Failure, Row};

/// One connected PostgreSQL-protocol client.
pub struct WireSession {
    client: Client,
}

impl WireSession {
    pub async fn connect(dsn: &str) -> anyhow::Result<WireSession> {
        let (client, connection) = tokio_postgres::connect(dsn, NoTls)
            .await
            .map_err(|error| anyhow::anyhow!("cannot connect to {dsn}: {error}"))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(WireSession { client })
    }

    /// Runs `sql` with the simple query protocol; the rows are those of the last result set.
    pub async fn run(&self, sql: &str) -> Answer {
        match self.client.simple_query(sql).await {
            Ok(messages) => {
                let mut rows: Vec<Row> = Vec::new();
                for message in messages {
                    match message {
                        SimpleQueryMessage::RowDescription(_) => rows.clear(),
                        SimpleQueryMessage::Row(row) => rows.push(
                            (0..row.len())
                                .map(|index| row.get(index).map(str::to_owned))
                                .collect(),
                        ),
                        _ => {}
                    }
                }
                Answer::Rows(rows)
            }
            Err(error) => Answer::Failed(failure(&error)),
        }
    }

    /// Runs `sql` and fails when it fails (setup statements).
    pub async fn run_ok(&self, sql: &str) -> anyhow::Result<()> {
        match self.run(sql).await {
            Answer::Rows(_) => Ok(()),
            Answer::Failed(failure) => {
                anyhow::bail!("`{sql}` failed: {} {}", failure.sqlstate, failure.message)
            }
        }
    }

    /// The result column types of a single statement, from Parse + Describe (nothing runs).
    /// Empty when it cannot be described (several statements, or an error).
    pub async fn column_types(&self, sql: &str) -> Vec<Option<PgType>> {
        match self.client.prepare(sql).await {
            Ok(statement) => statement
                .columns()
                .iter()
                .map(|column| PgType::from_oid(column.type_().oid()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

fn failure(error: &tokio_postgres::Error) -> Failure {
    match error.as_db_error() {
        Some(db) => Failure::new(db.code().code(), db.message()),
        // The connection broke: PostgreSQL's connection_failure.
        None => Failure::new("08006", error.to_string()),
    }
}
