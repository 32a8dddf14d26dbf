//! The driver conformance scenario for Rust's tokio-postgres, run by conformance/drivers/run.py
//! through run.sh. It reads the `PGBRIDGE_DRIVER_*` variables and prints one JSON line per step:
//! `{"step", "status", "detail"}`. Steps live in [`steps`] (one connection each) and [`types`]
//! (the core types); [`tls`] builds the rustls connector.

mod outcome;
mod scenario;
mod steps;
mod tls;
mod types;

use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

pub use outcome::{Failure, Outcome, check, dsn_from, report, run, table};

/// The table prefix when the runner gives none.
const DEFAULT_PREFIX: &str = "tokio_postgres_";

impl From<tokio_postgres::Error> for Failure {
    fn from(error: tokio_postgres::Error) -> Self {
        Failure::Failed(describe(&error))
    }
}

/// An error with its SQLSTATE, when the server sent one.
pub fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("SQLSTATE {}: {}", db.code().code(), db.message());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Checks that a result is a server error with the given SQLSTATE.
pub fn expect_state<T>(
    what: &str,
    result: Result<T, tokio_postgres::Error>,
    code: &SqlState,
) -> Outcome {
    match result {
        Ok(_) => Err(Failure::Failed(format!(
            "{what}: expected SQLSTATE {}, got success",
            code.code()
        ))),
        Err(error) if error.code() == Some(code) => Ok(()),
        Err(error) => Err(Failure::Failed(format!(
            "{what}: expected SQLSTATE {}, got {}",
            code.code(),
            describe(&error)
        ))),
    }
}

/// Connects without TLS and drives the connection on its own task.
pub async fn connect(config: &Config) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            eprintln!("connection ended: {error}");
        }
    });
    Ok(client)
}

/// Checks that a connection answers `SELECT 1`.
pub async fn select_one(client: &Client) -> Outcome {
    let one: i32 = client.query_one("SELECT 1", &[]).await?.get(0);
    check(one == 1, || format!("SELECT 1 returned {one}"))
}

fn parse(dsn: &str) -> Result<Config, Failure> {
    let mut config: Config = dsn
        .parse()
        .map_err(|error| Failure::Failed(format!("DSN {dsn}: {error}")))?;
    config.connect_timeout(Duration::from_secs(20));
    Ok(config)
}

/// Connects with a password DSN, then checks that a wrong password is refused with 28P01.
async fn password_auth(variable: &str) -> Outcome {
    let mut config = parse(&dsn_from(variable)?)?;
    select_one(&connect(&config).await?).await?;
    let password = config
        .get_password()
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    config.password([password.as_slice(), b"-wrong"].concat());
    expect_state(
        "wrong password",
        connect(&config).await,
        &SqlState::INVALID_PASSWORD,
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Ok(dsn) = std::env::var("PGBRIDGE_DRIVER_DSN") else {
        eprintln!("PGBRIDGE_DRIVER_DSN is not set");
        std::process::exit(2);
    };
    let config = match parse(&dsn) {
        Ok(config) => config,
        Err(failure) => {
            report("connect_trust", &Err(failure));
            std::process::exit(1);
        }
    };
    let mut client = None;
    run("connect_trust", async {
        let connected = connect(&config).await?;
        select_one(&connected).await?;
        let version: String = connected
            .query_one("SELECT version()", &[])
            .await?
            .try_get(0)?;
        check(version.starts_with("PostgreSQL "), || {
            format!("version() is {version:?}, not PostgreSQL ...")
        })?;
        client = Some(connected);
        Ok(())
    })
    .await;
    run("connect_md5", password_auth("PGBRIDGE_DRIVER_MD5_DSN")).await;
    run("connect_scram", password_auth("PGBRIDGE_DRIVER_SCRAM_DSN")).await;
    run("connect_tls", async {
        let tls_dsn = dsn_from("PGBRIDGE_DRIVER_TLS_DSN")?;
        let ca = std::env::var("PGBRIDGE_DRIVER_CA").unwrap_or_default();
        tls::connect_and_check(&parse(&tls_dsn)?, &ca).await
    })
    .await;
    for step in scenario::CORE_STEPS.iter().chain(&steps::EXTRA_STEPS) {
        let outcome = async {
            if client.as_ref().is_none_or(Client::is_closed) {
                client = Some(connect(&config).await?);
            }
            let Some(connected) = client.as_mut() else {
                return Err(Failure::Failed("no connection".to_string()));
            };
            steps::run(step, connected).await
        };
        run(step, outcome).await;
    }
}
