//! The emulated PostgreSQL catalog on the MySQL / MariaDB backend: the same schema is created
//! through pgbridge on a database of its own on the machine's MariaDB and on the real
//! PostgreSQL (the oracle), and the catalog reads tools send must agree; psql's own `\dt`,
//! `\d`, `\dn` and `\l` run against it; the catalog follows schema changes, legacy tables made in
//! MariaDB directly, and refuses what it cannot answer with 0A000.
//!
//! Needs MariaDB (`PGBRIDGE_MARIADB_URL`, see `common/mariadb.rs`) and the oracle
//! (`PGBRIDGE_ORACLE_URL`, see `common/oracle.rs`).

#![cfg(all(feature = "mysql", feature = "sqlite"))]

mod common;

use common::mariadb::session;
use common::oracle::{SCHEMA, assert_catalog_matches, rows};
use common::sqlstate;
use sqlx::AssertSqlSafe;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_reads_match_postgresql() {
    let Some((_database, _server, pgbridge)) = session().await else {
        return;
    };
    // Every read the SQLite backend is compared on (sizes too: `> 0`, not the number).
    assert_catalog_matches(&pgbridge).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_functions_answer_as_postgresql() {
    let Some((database, server, _client)) = session().await else {
        return;
    };
    let client = server.client().await;
    let row = rows(
        &client,
        "SELECT version(), current_database(), current_user, session_user, current_schema()",
    )
    .await
    .unwrap();
    let version = &row[0][0];
    assert!(
        version.starts_with(&format!(
            "PostgreSQL 16.6 (pgbridge {}) on MariaDB 10.",
            env!("CARGO_PKG_VERSION")
        )),
        "{version}"
    );
    // The database the client asked for, as on the SQLite backend (and in psql's `\l`).
    assert_eq!(row[0][1..], ["test", "postgres", "postgres", "public"]);
    assert_eq!(
        rows(&client, "SELECT datname FROM pg_database")
            .await
            .unwrap(),
        vec![vec!["test"]]
    );
    client
        .batch_execute("SET application_name = 'catalog test'")
        .await
        .unwrap();
    assert_eq!(
        rows(&client, "SELECT current_setting('application_name')")
            .await
            .unwrap(),
        vec![vec!["catalog test"]]
    );
    drop(database);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_follows_schema_changes_and_legacy_tables() {
    let Some((database, _server, client)) = session().await else {
        return;
    };
    let tables = "SELECT table_name FROM information_schema.tables
                  WHERE table_schema = 'public' ORDER BY 1";
    assert_eq!(
        rows(&client, tables).await.unwrap(),
        Vec::<Vec<String>>::new()
    );
    client
        .batch_execute("CREATE TABLE first_table (id int PRIMARY KEY)")
        .await
        .unwrap();
    assert_eq!(
        rows(&client, tables).await.unwrap(),
        vec![vec!["first_table"]]
    );
    client
        .batch_execute(
            "CREATE TABLE second_table (id int, at timestamptz); DROP TABLE first_table;
             ALTER TABLE second_table ADD COLUMN tag uuid",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&client, tables).await.unwrap(),
        vec![vec!["second_table"]]
    );
    // Types declared through pgbridge that share a MySQL type keep their PostgreSQL name.
    let columns = "SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                   WHERE c.relname = $1 AND a.attnum > 0 ORDER BY a.attnum";
    let typed: Vec<(String, String)> = client
        .query(columns, &[&"second_table"])
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(
        typed,
        [
            ("id", "integer"),
            ("at", "timestamp with time zone"),
            ("tag", "uuid")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    // OIDs stay put for relations the DDL did not touch, even those created after.
    let oid = "SELECT oid::int8 FROM pg_class WHERE relname = $1";
    let before: i64 = client
        .query_one(oid, &[&"second_table"])
        .await
        .unwrap()
        .get(0);
    client
        .batch_execute("CREATE TABLE a_first_by_name (id int)")
        .await
        .unwrap();
    let after: i64 = client
        .query_one(oid, &[&"second_table"])
        .await
        .unwrap()
        .get(0);
    assert_eq!(before, after);
    // A table made in MariaDB directly: types mapped from MySQL's, its indexes and defaults.
    let mut direct = database.direct().await;
    sqlx::raw_sql(AssertSqlSafe(
        "CREATE TABLE legacy (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(40) NOT NULL DEFAULT 'x', active TINYINT(1) DEFAULT 1,
            created DATETIME DEFAULT CURRENT_TIMESTAMP, code CHAR(4) UNIQUE,
            prefs JSON, price DECIMAL(8,2) DEFAULT 0,
            KEY by_name (name), UNIQUE KEY uq_created (created))",
    ))
    .execute(&mut direct)
    .await
    .unwrap();
    let legacy = rows(
        &client,
        "SELECT column_name, data_type, is_nullable, column_default, character_maximum_length
         FROM information_schema.columns WHERE table_name = 'legacy' ORDER BY ordinal_position",
    )
    .await
    .unwrap();
    assert_eq!(
        legacy,
        [
            ["id", "bigint", "NO", "NULL", "NULL"],
            ["name", "character varying", "NO", "'x'", "40"],
            ["active", "boolean", "YES", "true", "NULL"],
            [
                "created",
                "timestamp without time zone",
                "YES",
                "now()",
                "NULL"
            ],
            ["code", "character", "YES", "NULL", "4"],
            ["prefs", "json", "YES", "NULL", "NULL"],
            ["price", "numeric", "YES", "0", "NULL"],
        ]
        .map(|row| row.map(str::to_owned).to_vec())
    );
    let indexes = rows(
        &client,
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'legacy' ORDER BY 1",
    )
    .await
    .unwrap();
    assert_eq!(
        indexes,
        [
            [
                "by_name",
                "CREATE INDEX by_name ON public.legacy USING btree (name)"
            ],
            [
                "legacy_code_key",
                "CREATE UNIQUE INDEX legacy_code_key ON public.legacy USING btree (code)"
            ],
            [
                "legacy_pkey",
                "CREATE UNIQUE INDEX legacy_pkey ON public.legacy USING btree (id)"
            ],
            [
                "uq_created",
                "CREATE UNIQUE INDEX uq_created ON public.legacy USING btree (created)"
            ],
        ]
        .map(|row| row.map(str::to_owned).to_vec())
    );
    // A foreign key made in MariaDB: PostgreSQL's name, and no index for it (InnoDB adds one
    // named after the key; PostgreSQL has none).
    sqlx::raw_sql(AssertSqlSafe(
        "CREATE TABLE legacy_child (id INT PRIMARY KEY, legacy_id INT UNSIGNED,
            CONSTRAINT fk_legacy FOREIGN KEY (legacy_id) REFERENCES legacy (id))",
    ))
    .execute(&mut direct)
    .await
    .unwrap();
    let constraints = rows(
        &client,
        "SELECT constraint_name, constraint_type FROM information_schema.table_constraints
         WHERE table_name = 'legacy_child' ORDER BY 1",
    )
    .await
    .unwrap();
    assert_eq!(
        constraints,
        [
            ["legacy_child_legacy_id_fkey", "FOREIGN KEY"],
            ["legacy_child_pkey", "PRIMARY KEY"]
        ]
        .map(|row| row.map(str::to_owned).to_vec())
    );
    assert_eq!(
        rows(
            &client,
            "SELECT indexname FROM pg_indexes WHERE tablename = 'legacy_child'"
        )
        .await
        .unwrap(),
        vec![vec!["legacy_child_pkey"]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_mirror_cannot_answer_is_refused() {
    let Some((_database, _server, client)) = session().await else {
        return;
    };
    client
        .batch_execute("CREATE TABLE users (id int PRIMARY KEY, name text)")
        .await
        .unwrap();
    let mixed = client
        .simple_query("SELECT c.relname FROM pg_class c JOIN users u ON u.name = c.relname")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&mixed), "0A000");
    let message = mixed.as_db_error().unwrap().message();
    assert!(
        message.contains("\"users\"") && message.contains("MySQL"),
        "{message}"
    );
    let write = client
        .simple_query("DELETE FROM pg_class")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&write), "0A000");
    // The session goes on: user tables and the catalog still answer on their own.
    client
        .batch_execute("INSERT INTO users VALUES (1, 'a')")
        .await
        .unwrap();
    assert_eq!(
        rows(
            &client,
            "SELECT relname FROM pg_class WHERE relname = 'users'"
        )
        .await
        .unwrap(),
        vec![vec!["users"]]
    );
}

/// psql itself, as a user would run it: `\dt`, `\d t`, `\dn` and `\l` list what the MariaDB
/// database holds. Skipped (with the reason printed) where no psql is installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_describes_a_mariadb_schema() {
    let Some((_database, server, client)) = session().await else {
        return;
    };
    client.batch_execute(SCHEMA).await.unwrap();
    let port = server.addr.port().to_string();
    let output = tokio::process::Command::new("psql")
        .args(["-X", "-h", "127.0.0.1", "-p", &port, "-U", "postgres"])
        .args([
            "-c",
            "\\dt",
            "-c",
            "\\d cat_child",
            "-c",
            "\\dn",
            "-c",
            "\\l",
        ])
        .args(["-c", "\\dv", "-c", "\\di"])
        .output()
        .await;
    let output = match output {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED: no psql on PATH");
            return;
        }
        Err(error) => panic!("psql: {error}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stderr.is_empty(), "{stderr}");
    for expected in [
        " public | cat_child  | table | postgres",
        " public | cat_parent | table | postgres",
        "Table \"public.cat_child\"",
        " amount    | numeric(10,2)               |           |          | ",
        " updated   | timestamp with time zone    |           |          | ",
        "\"cat_child_pkey\" PRIMARY KEY, btree (id)",
        "\"cat_child_created\" btree (created)",
        "\"cat_child_parent_id_amount_key\" UNIQUE CONSTRAINT, btree (parent_id, amount)",
        "\"cat_child_parent_id_fkey\" FOREIGN KEY (parent_id) REFERENCES cat_parent(id) ON DELETE CASCADE",
        " public | pg_database_owner",
        " postgres | postgres | UTF8",
        " public | cat_view | view | postgres",
        " public | cat_parent_code_key",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }
}
