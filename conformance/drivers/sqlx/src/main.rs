//! The driver conformance scenario for Rust's sqlx (its PostgreSQL driver), run by
//! conformance/drivers/run.py through run.sh. It reads the `PGBRIDGE_DRIVER_*` variables and
//! prints one JSON line per step: `{"step", "status", "detail"}`. The reporting is shared with the
//! tokio-postgres scenario (`outcome.rs` there), and so are the data and SQL (`scenario.rs`); steps live in [`steps`] and [`types`].

#[path = "../../tokio-postgres/src/outcome.rs"]
mod outcome;
#[path = "../../tokio-postgres/src/scenario.rs"]
#[allow(
    dead_code,
    reason = "LONG_QUERY is for the cancel step, which sqlx has no API for"
)]
mod scenario;
mod steps;
mod types;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use sqlx::{AssertSqlSafe, Connection, Row};

pub use outcome::{Failure, Outcome, check, dsn_from, report, run, table};

/// The table prefix when the runner gives none.
const DEFAULT_PREFIX: &str = "sqlx_";

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::Failed(describe(&error))
    }
}

/// An error with its SQLSTATE, when the server sent one.
pub fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(database) => format!(
            "SQLSTATE {}: {}",
            database.code().unwrap_or_default(),
            database.message()
        ),
        other => other.to_string(),
    }
}

/// Checks that a result is a server error with the given SQLSTATE.
pub fn expect_state<T>(what: &str, result: Result<T, sqlx::Error>, code: &str) -> Outcome {
    match result {
        Ok(_) => Err(Failure::Failed(format!(
            "{what}: expected SQLSTATE {code}, got success"
        ))),
        Err(sqlx::Error::Database(database)) if database.code().as_deref() == Some(code) => Ok(()),
        Err(error) => Err(Failure::Failed(format!(
            "{what}: expected SQLSTATE {code}, got {}",
            describe(&error)
        ))),
    }
}

/// Runs a statement with no parameters and no rows.
pub async fn execute(connection: &mut PgConnection, sql: String) -> Outcome {
    sqlx::query(AssertSqlSafe(sql.clone()))
        .execute(connection)
        .await
        .map_err(|error| Failure::Failed(format!("{sql}: {}", describe(&error))))?;
    Ok(())
}

/// Checks that a connection answers `SELECT 1`.
pub async fn select_one(connection: &mut PgConnection) -> Outcome {
    let one: i32 = sqlx::query("SELECT 1")
        .fetch_one(connection)
        .await?
        .try_get(0)?;
    check(one == 1, || format!("SELECT 1 returned {one}"))
}

fn options(dsn: &str) -> Result<PgConnectOptions, Failure> {
    PgConnectOptions::from_str(dsn).map_err(|error| Failure::Failed(format!("DSN {dsn}: {error}")))
}

/// Connects with a password DSN, then checks that a wrong password is refused with 28P01.
async fn password_auth(variable: &str) -> Outcome {
    let options = options(&dsn_from(variable)?)?;
    select_one(&mut PgConnection::connect_with(&options).await?).await?;
    let wrong = options.clone().password("wrong-password");
    expect_state(
        "wrong password",
        PgConnection::connect_with(&wrong).await,
        "28P01",
    )
}

/// Connects with the TLS DSN (`sslmode=require`: sqlx refuses a server that answers the
/// SSLRequest with N); with the runner's CA, `verify-full` checks the chain and the host name.
/// (sqlx's webpki refuses a self-signed server certificate given as its own CA; run.py's
/// certificate is signed by a separate CA.)
async fn connect_tls() -> Outcome {
    let mut options = options(&dsn_from("PGBRIDGE_DRIVER_TLS_DSN")?)?;
    let ca = std::env::var("PGBRIDGE_DRIVER_CA").unwrap_or_default();
    if !ca.is_empty() {
        options = options.ssl_mode(PgSslMode::VerifyFull).ssl_root_cert(ca);
    }
    select_one(&mut PgConnection::connect_with(&options).await?).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Ok(dsn) = std::env::var("PGBRIDGE_DRIVER_DSN") else {
        eprintln!("PGBRIDGE_DRIVER_DSN is not set");
        std::process::exit(2);
    };
    let options = match options(&dsn) {
        Ok(options) => options,
        Err(failure) => {
            report("connect_trust", &Err(failure));
            std::process::exit(1);
        }
    };
    let mut connection = None;
    run("connect_trust", async {
        let mut connected = PgConnection::connect_with(&options).await?;
        select_one(&mut connected).await?;
        let version: String = sqlx::query("SELECT version()")
            .fetch_one(&mut connected)
            .await?
            .try_get(0)?;
        check(version.starts_with("PostgreSQL "), || {
            format!("version() is {version:?}, not PostgreSQL ...")
        })?;
        connection = Some(connected);
        Ok(())
    })
    .await;
    run("connect_md5", password_auth("PGBRIDGE_DRIVER_MD5_DSN")).await;
    run("connect_scram", password_auth("PGBRIDGE_DRIVER_SCRAM_DSN")).await;
    run("connect_tls", connect_tls()).await;
    for step in scenario::CORE_STEPS {
        let outcome = async {
            let healthy = match connection.as_mut() {
                Some(open) => open.ping().await.is_ok(),
                None => false,
            };
            if !healthy {
                connection = Some(PgConnection::connect_with(&options).await?);
            }
            let Some(open) = connection.as_mut() else {
                return Err(Failure::Failed("no connection".to_string()));
            };
            steps::run(step, open).await
        };
        run(step, outcome).await;
    }
}
