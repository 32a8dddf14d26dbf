//! The `mariadb` target: the machine's real MariaDB, a fresh database per case file.
//!
//! pgbridge has no MySQL backend yet, so this target does what that backend will do, in one
//! place ([`MariaDbTarget::run`]): translate each statement with `pgbridge-dialects`'
//! `Target::MySql` (typing columns from the file's own DDL), run it on MariaDB over the text
//! protocol, and turn MariaDB's values and errors into PostgreSQL's text and SQLSTATEs using the
//! oracle's column types ([`normalise`], [`errors`]).

mod errors;
mod normalise;

use std::str::FromStr;

use pgbridge_dialects::{PgType, Target, TranslateError};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
// The SQL run here is the case files' own (translated) and names the harness makes.
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::answer::{Answer, Failure};
use crate::schema::SchemaRegistry;

/// Where MariaDB is unless `PGBRIDGE_MARIADB_URL` says otherwise.
pub const DEFAULT_URL: &str = "mysql://root@127.0.0.1:3306";

/// A connection to a database of its own, dropped by [`finish`](MariaDbTarget::finish).
pub struct MariaDbTarget {
    connection: MySqlConnection,
    database: String,
    schema: SchemaRegistry,
}

impl MariaDbTarget {
    /// Creates the database `database` (dropped first if a crashed run left it) and connects to
    /// it with the MySQL target's session setup.
    pub async fn start(url: &str, database: &str) -> anyhow::Result<MariaDbTarget> {
        let options = MySqlConnectOptions::from_str(url)?;
        let mut admin = MySqlConnection::connect_with(&options).await?;
        sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS `{database}`"
        )))
        .execute(&mut admin)
        .await?;
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{database}`")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let mut connection = MySqlConnection::connect_with(&options.database(database)).await?;
        for statement in Target::MySql.dialect().session_setup() {
            sqlx::raw_sql(AssertSqlSafe(statement))
                .execute(&mut connection)
                .await?;
        }
        Ok(MariaDbTarget {
            connection,
            database: database.to_owned(),
            schema: SchemaRegistry::default(),
        })
    }

    /// Runs a case: each statement translated for MySQL, values in PostgreSQL's text form for
    /// the oracle's `column_types`.
    pub async fn run(&mut self, sql: &str, column_types: &[Option<PgType>]) -> Answer {
        let statements = match pgbridge_dialects::parse(sql) {
            Ok(statements) => statements,
            Err(error) => return Answer::Failed(translation_failure(&error)),
        };
        let mut rows = Vec::new();
        for statement in statements {
            let translated = match pgbridge_dialects::translate_with_schema(
                &statement,
                Target::MySql,
                &self.schema,
            ) {
                Ok(translation) => translation.sql,
                Err(error) => return Answer::Failed(translation_failure(&error)),
            };
            match sqlx::raw_sql(AssertSqlSafe(translated))
                .fetch_all(&mut self.connection)
                .await
            {
                Ok(fetched) => {
                    rows = fetched
                        .iter()
                        .map(|row| text_row(row, column_types))
                        .collect()
                }
                Err(error) => {
                    let mut failure = errors::failure(&error);
                    // The database's name changes every run; the report should not.
                    failure.message = failure.message.replace(&self.database, "<database>");
                    return Answer::Failed(failure);
                }
            }
            if let Some(change) = pgbridge_dialects::schema_change(&statement) {
                self.schema.apply(change);
            }
        }
        Answer::Rows(rows)
    }

    /// Drops the file's database.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS `{}`",
            self.database
        )))
        .execute(&mut self.connection)
        .await?;
        self.connection.close().await?;
        Ok(())
    }
}

fn translation_failure(error: &TranslateError) -> Failure {
    Failure::new(error.sqlstate(), error.to_string())
}

/// A MariaDB row (text protocol: every value arrives as text bytes) in PostgreSQL's text form.
fn text_row(row: &MySqlRow, column_types: &[Option<PgType>]) -> Vec<Option<String>> {
    (0..row.len())
        .map(|index| {
            let bytes: Option<Vec<u8>> = row.try_get_unchecked(index).ok().flatten();
            let pg_type = column_types.get(index).copied().flatten();
            bytes.map(|bytes| normalise::to_pg_text(&bytes, pg_type))
        })
        .collect()
}

/// MariaDB's `version()`, from a connection of its own.
pub async fn server_version(url: &str) -> anyhow::Result<String> {
    let mut connection =
        MySqlConnection::connect_with(&MySqlConnectOptions::from_str(url)?).await?;
    let row = sqlx::raw_sql("SELECT version()")
        .fetch_one(&mut connection)
        .await?;
    let version: String = row.try_get_unchecked(0)?;
    connection.close().await?;
    Ok(version)
}
