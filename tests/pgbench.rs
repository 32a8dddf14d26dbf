//! pgbench through pgbridge, as users run it: `pgbench -i` (DDL, COPY, VACUUM, ALTER TABLE ..
//! ADD PRIMARY KEY), then select-only and TPC-B-like runs with prepared statements and several
//! clients. Each run must finish without a failed transaction, and TPC-B's invariant must hold
//! afterwards: every transaction adds the same delta to one account, one teller and one branch
//! and writes it to the history, so the four sums are equal.
//!
//! Needs `pgbench` on PATH (Debian's postgresql-client; `scripts/test.sh` installs it): without
//! it these tests fail rather than skip.

mod common;

use std::process::Command;

use common::TestServer;

/// Runs pgbench with `arguments` against `server`; panics with its output when it fails.
fn pgbench(server: &TestServer, arguments: &[&str]) -> String {
    let port = server.addr.port().to_string();
    let output = Command::new("pgbench")
        .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres"])
        .args(arguments)
        .arg("test")
        .env_remove("PGOPTIONS")
        .env_remove("PGPASSWORD")
        .output()
        .expect("pgbench on PATH (Debian's postgresql-client)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "pgbench {arguments:?} failed:\n{text}"
    );
    text
}

/// Asserts that a run processed `transactions` transactions and failed none.
fn assert_all_processed(report: &str, transactions: u32) {
    let expected = format!("number of transactions actually processed: {transactions}/");
    assert!(report.contains(&expected), "not all processed:\n{report}");
    assert!(
        !report.contains("number of failed transactions: ")
            || report.contains("number of failed transactions: 0 "),
        "failed transactions:\n{report}"
    );
}

async fn sum(client: &tokio_postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// Initialise, select-only, TPC-B-like with 4 clients, then check the balances.
async fn initialise_and_run(server: &TestServer) {
    pgbench(server, &["-i", "-q", "-s", "1"]);
    let client = server.client().await;
    assert_eq!(
        sum(&client, "SELECT count(*) FROM pgbench_accounts").await,
        100_000
    );
    let report = pgbench(
        server,
        &["-n", "-S", "-M", "prepared", "-c", "2", "-t", "200"],
    );
    assert_all_processed(&report, 400);
    let report = pgbench(
        server,
        &["-n", "-M", "prepared", "-c", "4", "-j", "2", "-t", "100"],
    );
    assert_all_processed(&report, 400);

    let history = sum(&client, "SELECT count(*) FROM pgbench_history").await;
    assert_eq!(history, 400, "one history row per TPC-B transaction");
    let delta = sum(&client, "SELECT sum(delta)::bigint FROM pgbench_history").await;
    for table in ["accounts", "tellers", "branches"] {
        let column = &table[..1];
        let balance = sum(
            &client,
            &format!("SELECT sum({column}balance)::bigint FROM pgbench_{table}"),
        )
        .await;
        assert_eq!(
            balance, delta,
            "sum of pgbench_{table} balances = sum of deltas"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgbench_initialises_and_runs_on_sqlite() {
    let server = TestServer::start().await;
    initialise_and_run(&server).await;
}

#[cfg(feature = "mysql")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgbench_initialises_and_runs_on_mariadb() {
    let Some(database) = common::mariadb::Database::create().await else {
        return;
    };
    let server = database.server().await;
    initialise_and_run(&server).await;
}
