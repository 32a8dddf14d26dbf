//! SQL Server behind pgbridge for tests: the `pysqlbridge` emulator started per test, or a real
//! SQL Server at `PGBRIDGE_MSSQL_URL`, and the scenarios both run through tokio-postgres.
//!
//! `pysqlbridge` (PyPI) is a TDS-speaking T-SQL emulator, NOT SQL Server: its permanent tables
//! are read-only CSV files, its `#temp` tables are loosely typed (values come back as text
//! unless cast), it enforces no constraints and does not undo writes on ROLLBACK, and it has
//! no DECIMAL, TIME, DATETIMEOFFSET, UNIQUEIDENTIFIER or VARBINARY values. What the scenarios
//! here prove against it is the protocol path: TLS login, typed results, parameters,
//! `#temp` DML, transaction control and error numbers. docs/database-adapters.md lists what
//! is proven where.
//!
//! The emulator runs with the Python of `PGBRIDGE_PYSQLBRIDGE_PYTHON` (default `python3`).
//! Without it (or without the package) a test prints why and returns, unless
//! `PGBRIDGE_REQUIRE_MSSQL_EMULATOR` is set: then it fails (CI sets it).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::{TestServer, sqlstate, text_row};

/// The login the emulator is configured with.
const USER: &str = "pgbridge";
const PASSWORD: &str = "Emulated-Secret-1";
/// The emulator serves one database under this name.
const DATABASE: &str = "pysqlbridge";

/// A running `pysqlbridge`; killed when dropped.
pub struct Emulator {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> String {
    std::env::var("PGBRIDGE_PYSQLBRIDGE_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl Emulator {
    /// Starts the emulator serving one read-only table `people` (id, name, score) and one
    /// login; `None` (with the reason printed) when it cannot run and is not required.
    pub fn start() -> Option<Emulator> {
        let required = std::env::var_os("PGBRIDGE_REQUIRE_MSSQL_EMULATOR").is_some();
        let python = python();
        let found = Command::new(&python)
            .args(["-c", "import pysqlbridge"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !found.is_ok_and(|status| status.success()) {
            let reason = format!(
                "no `{python}` with the pysqlbridge package (pip install pysqlbridge; \
                 PGBRIDGE_PYSQLBRIDGE_PYTHON names the interpreter)"
            );
            assert!(
                !required,
                "PGBRIDGE_REQUIRE_MSSQL_EMULATOR is set but {reason}"
            );
            eprintln!("SKIPPED: {reason}");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("people.csv"),
            "id,name,score\n1,ada,99.5\n2,grace,87.25\n3,edsger,78\n",
        )
        .expect("people.csv");
        let config = serde_json::json!({
            "tables": [{"name": "people", "csv": "people.csv"}],
            "logins": [{"user": USER, "password": PASSWORD}],
        });
        let config_path = dir.path().join("config.json");
        std::fs::write(&config_path, config.to_string()).expect("config.json");
        let log = std::fs::File::create(dir.path().join("emulator.log")).expect("log file");
        let port = free_port();
        let child = Command::new(&python)
            .args(["-m", "pysqlbridge", "--config"])
            .arg(&config_path)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start pysqlbridge");
        let emulator = Emulator { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "pysqlbridge did not listen on {port} within 30 s: {}",
                emulator.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(emulator)
    }

    /// What the emulator logged (queries included), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("emulator.log")).unwrap_or_default()
    }

    /// The backend URL: TLS required for everything, the emulator's self-signed certificate
    /// trusted; `options` are added (`&pooling=session`).
    pub fn url(&self, options: &str) -> String {
        format!(
            "mssql://{USER}:{PASSWORD}@127.0.0.1:{}/{DATABASE}?encrypt=required&trust_server_certificate=true{options}",
            self.port
        )
    }
}

/// pgbridge in front of `backend_url`, with at most `max_connections` backend connections.
pub async fn pgbridge(backend_url: String, max_connections: u32) -> TestServer {
    TestServer::start_with(
        pgbridge::Config {
            backend: backend_url,
            backend_max_connections: max_connections,
            ..Default::default()
        },
        tempfile::tempdir().unwrap(),
    )
    .await
}

/// Typed SELECTs of literals the emulator can answer (bit, integers, floats, text, DECIMAL as
/// the emulator's float, DATE / DATETIME2 as its DATETIME), checked in RowDescription and in
/// binary values through the extended protocol.
pub async fn typed_literals(client: &Client) {
    let row = client
        .query_one(
            "SELECT true AS yes, 5::smallint AS small, 7 AS plain, 5000000000::bigint AS big, \
             1.5::float8 AS ratio, 'héllo' AS greeting, '2024-01-02'::date AS born, \
             '2024-01-02 03:04:05'::timestamp AS seen",
            &[],
        )
        .await
        .unwrap();
    let types: Vec<Type> = row.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(
        types,
        [
            Type::BOOL,
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::FLOAT8,
            Type::TEXT,
            Type::DATE,
            Type::TIMESTAMP
        ]
    );
    assert!(row.get::<_, bool>(0));
    assert_eq!(row.get::<_, i16>(1), 5);
    assert_eq!(row.get::<_, i32>(2), 7);
    assert_eq!(row.get::<_, i64>(3), 5_000_000_000);
    assert_eq!(row.get::<_, f64>(4), 1.5);
    assert_eq!(row.get::<_, &str>(5), "héllo");
    assert_eq!(row.get::<_, chrono::NaiveDate>(6).to_string(), "2024-01-02");
    assert_eq!(
        row.get::<_, chrono::NaiveDateTime>(7).to_string(),
        "2024-01-02 03:04:05"
    );
    // numeric(10,2) in PostgreSQL's text, padded to its scale.
    assert_eq!(
        text_row(client, "SELECT 12.5::numeric(10,2) AS price, false AS no").await,
        [Some("12.50".to_owned()), Some("f".to_owned())]
    );
}

/// Parameters of several types, bound by the OIDs pgbridge describes.
pub async fn parameters(client: &Client) {
    let row = client
        .query_one(
            "SELECT $1::int + 1 AS next, $2::text AS echoed, $3::float8 * 2 AS doubled, \
             $4::bigint AS big",
            &[&41i32, &"it's", &1.25f64, &-9_000_000_000i64],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 42);
    assert_eq!(row.get::<_, &str>(1), "it's");
    assert_eq!(row.get::<_, f64>(2), 2.5);
    assert_eq!(row.get::<_, i64>(3), -9_000_000_000);
    let null = client
        .query_one("SELECT $1::text IS NULL AS missing", &[&None::<String>])
        .await
        .unwrap();
    assert!(null.get::<_, bool>(0));
}

/// DML on a `#temp` table (the session's own; the URL must pin the session, `pooling=session`,
/// or the table may be on another pooled connection). Values are cast on the way out: the
/// emulator's `#temp` columns answer as text.
pub async fn temp_table_dml(client: &Client) {
    client
        .batch_execute("CREATE TABLE \"#items\" (id int NOT NULL, name text, qty int)")
        .await
        .unwrap();
    let insert = client
        .prepare_typed(
            "INSERT INTO \"#items\" (id, name, qty) VALUES ($1, $2, $3)",
            &[Type::INT4, Type::TEXT, Type::INT4],
        )
        .await
        .unwrap();
    for (id, name, qty) in [(1, "bolt", 10), (2, "nut", 20), (3, "gear", 30)] {
        client.execute(&insert, &[&id, &name, &qty]).await.unwrap();
    }
    // pysqlbridge reports no row counts (its DONE tokens carry none): the counts are checked
    // against a real server only (tests/mssql_server.rs).
    client
        .execute(
            "UPDATE \"#items\" SET qty = 25 WHERE id = $1::int",
            &[&2i32],
        )
        .await
        .unwrap();
    client
        .execute("DELETE FROM \"#items\" WHERE id = $1::int", &[&3i32])
        .await
        .unwrap();
    let rows = client
        .query(
            "SELECT CAST(id AS int) AS id, name, CAST(qty AS int) AS qty FROM \"#items\" ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    let seen: Vec<(i32, String, i32)> = rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    assert_eq!(
        seen,
        [(1, "bolt".to_owned(), 10), (2, "nut".to_owned(), 25)]
    );
}

/// A failed statement inside a block fails the block (25P02, emulated by pgbridge: SQL Server
/// would carry on) until ROLLBACK; afterwards the session works again.
pub async fn failed_block_until_rollback(client: &Client) {
    client.batch_execute("BEGIN").await.unwrap();
    client.query_one("SELECT 1 AS one", &[]).await.unwrap();
    let error = client
        .query_one("SELECT 1 / 0 AS boom", &[])
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22012");
    let error = client.query_one("SELECT 2 AS two", &[]).await.unwrap_err();
    assert_eq!(sqlstate(&error), "25P02");
    client.batch_execute("ROLLBACK").await.unwrap();
    let after: i32 = client
        .query_one("SELECT 3 AS three", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(after, 3);
    // A savepoint rolled back to keeps the block usable.
    client
        .batch_execute("BEGIN; SAVEPOINT before_error")
        .await
        .unwrap();
    client
        .batch_execute("ROLLBACK TO SAVEPOINT before_error; COMMIT")
        .await
        .unwrap();
}

/// SQL Server errors arrive as PostgreSQL's SQLSTATEs.
pub async fn error_sqlstates(client: &Client, missing_column_table: &str) {
    for (sql, expected) in [
        ("SELECT 1 / 0 AS boom".to_owned(), "22012"),
        ("SELECT * FROM no_such_table".to_owned(), "42P01"),
        (
            format!("SELECT no_such_column FROM {missing_column_table}"),
            "42703",
        ),
    ] {
        let error = client.query(&sql, &[]).await.unwrap_err();
        assert_eq!(sqlstate(&error), expected, "{sql}: {error:?}");
    }
}
