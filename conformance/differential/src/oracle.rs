//! The oracle: the machine's real PostgreSQL, one fresh schema per case file.

use crate::answer::{Answer, OracleAnswer};
use crate::postgres_wire::WireSession;

/// Where the oracle is unless `PGBRIDGE_ORACLE_URL` says otherwise.
pub const DEFAULT_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

/// A session on PostgreSQL whose `search_path` is a schema of its own, dropped by [`finish`].
///
/// [`finish`]: Oracle::finish
pub struct Oracle {
    session: WireSession,
    schema: String,
}

impl Oracle {
    /// Connects and creates the schema `schema` (dropped first if a crashed run left it).
    pub async fn start(url: &str, schema: &str) -> anyhow::Result<Oracle> {
        let session = WireSession::connect(url).await?;
        session
            .run_ok(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .await?;
        session.run_ok(&format!("CREATE SCHEMA {schema}")).await?;
        session
            .run_ok(&format!("SET search_path TO {schema}"))
            .await?;
        // pgbridge answers timestamptz in UTC; so does the oracle, so that both print `+00`.
        session.run_ok("SET TimeZone TO 'UTC'").await?;
        Ok(Oracle {
            session,
            schema: schema.to_owned(),
        })
    }

    /// Runs a case; for a query that succeeded, also describes its result types.
    pub async fn run(&self, sql: &str, is_query: bool) -> OracleAnswer {
        let answer = self.session.run(sql).await;
        let column_types = match (&answer, is_query) {
            (Answer::Rows(_), true) => self.session.column_types(sql).await,
            _ => Vec::new(),
        };
        OracleAnswer {
            answer,
            column_types,
        }
    }

    /// Drops the file's schema.
    pub async fn finish(self) -> anyhow::Result<()> {
        // A case may leave a transaction open or aborted.
        let _ = self.session.run("ROLLBACK").await;
        self.session
            .run_ok(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
            .await
    }
}

/// The first value of a one-row answer, or the error text.
pub fn first_value(answer: Answer) -> String {
    match answer {
        Answer::Rows(rows) => rows
            .into_iter()
            .next()
            .and_then(|row| row.into_iter().next().flatten())
            .unwrap_or_default(),
        Answer::Failed(failure) => format!("unknown ({})", failure.message),
    }
}

/// PostgreSQL's `version()`, from a session of its own.
pub async fn server_version(url: &str) -> anyhow::Result<String> {
    let session = WireSession::connect(url).await?;
    Ok(first_value(session.run("SELECT version()").await))
}
