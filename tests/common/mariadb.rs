//! A database of its own on the machine's MariaDB for each MySQL-backend test, and a pgbridge in
//! front of it.
//!
//! MariaDB is found at `PGBRIDGE_MARIADB_URL` (scripts/test.sh exports it; a server URL without
//! a database, `mysql://root@127.0.0.1:3306`), else at that default. Without the variable and
//! without a MariaDB answering there, each test prints why and returns; with the variable set, a
//! MariaDB that does not answer fails the test.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, Connection};

use super::TestServer;

const DEFAULT_URL: &str = "mysql://root@127.0.0.1:3306";

/// A database of its own on MariaDB, dropped when the test ends (also when it fails).
pub struct Database {
    server_url: String,
    name: String,
}

impl Database {
    /// Creates `pgbridge_mysql_test_<random>`; `None` (with the reason printed) when no MariaDB
    /// answers and `PGBRIDGE_MARIADB_URL` is unset.
    pub async fn create() -> Option<Database> {
        let configured = std::env::var("PGBRIDGE_MARIADB_URL").ok();
        let server_url = configured
            .clone()
            .unwrap_or_else(|| DEFAULT_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        let options = MySqlConnectOptions::from_str(&server_url).expect("PGBRIDGE_MARIADB_URL");
        let mut admin = match MySqlConnection::connect_with(&options).await {
            Ok(admin) => admin,
            Err(error) if configured.is_none() => {
                eprintln!(
                    "SKIPPED: no MariaDB answers at {server_url} ({error}) and PGBRIDGE_MARIADB_URL is unset"
                );
                return None;
            }
            Err(error) => panic!("PGBRIDGE_MARIADB_URL={server_url}: {error}"),
        };
        let name = format!("pgbridge_mysql_test_{:016x}", rand_suffix());
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.ok();
        Some(Database { server_url, name })
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server_url, self.name)
    }

    /// A direct MariaDB connection to the database (for fixtures pgbridge did not create).
    pub async fn direct(&self) -> MySqlConnection {
        MySqlConnection::connect_with(&MySqlConnectOptions::from_str(&self.url()).unwrap())
            .await
            .expect("direct MariaDB connection")
    }

    pub async fn server(&self) -> TestServer {
        TestServer::start_with(
            pgbridge::Config {
                backend: self.url(),
                ..Default::default()
            },
            tempfile::tempdir().unwrap(),
        )
        .await
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let url = self.server_url.clone();
        let name = self.name.clone();
        // Drop may run inside the test's runtime: use a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let options = MySqlConnectOptions::from_str(&url).unwrap();
                if let Ok(mut admin) = MySqlConnection::connect_with(&options).await {
                    let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE `{name}`")))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    hasher.finish()
}

/// A fresh database, a pgbridge in front of it and a connected client; `None` when skipped.
pub async fn session() -> Option<(Database, TestServer, tokio_postgres::Client)> {
    let database = Database::create().await?;
    let server = database.server().await;
    let client = server.client().await;
    Some((database, server, client))
}
