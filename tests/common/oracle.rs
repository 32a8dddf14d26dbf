//! The real PostgreSQL of the machine as the oracle for the emulated catalog: a database of its
//! own per test, the schema both sides get, the catalog reads tools send, and their comparison
//! (`tests/catalog_oracle.rs` on SQLite, `tests/mysql.rs` on MariaDB).
//!
//! The oracle is `PGBRIDGE_ORACLE_URL` (default `host=127.0.0.1 port=5432 user=postgres
//! dbname=test`); `scripts/test.sh` starts one when none answers.

use tokio_postgres::types::{FromSql, ToSql, Type};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// The schema both sides get. Columns cover the types whose lengths, precisions and scales
/// `information_schema.columns` spells out.
pub const SCHEMA: &str = "
CREATE TABLE cat_parent (id int PRIMARY KEY, code varchar(12) NOT NULL UNIQUE, rank int DEFAULT 0);
CREATE TABLE cat_child (
    id bigint PRIMARY KEY,
    parent_id int NOT NULL REFERENCES cat_parent (id) ON DELETE CASCADE,
    amount numeric(10, 2), price double precision, weight real, small smallint,
    created timestamp, updated timestamptz, day date, note text, letter char(3), flag boolean,
    UNIQUE (parent_id, amount));
CREATE INDEX cat_child_created ON cat_child (created);
CREATE VIEW cat_view AS SELECT id, code FROM cat_parent;
INSERT INTO cat_parent VALUES (1, 'one', 5), (2, 'two', 7);
";

/// Catalog reads whose answers must be the same on both sides.
pub const QUERIES: &[&str] = &[
    // Views differ in one way, left out here: PostgreSQL's simple views are updatable,
    // SQLite's are not (`is_insertable_into`, `is_updatable` say NO on pgbridge).
    "SELECT table_name, table_type FROM information_schema.tables
     WHERE table_schema = 'public' ORDER BY table_name",
    "SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
            character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale,
            datetime_precision, udt_name
     FROM information_schema.columns WHERE table_schema = 'public'
     ORDER BY table_name, ordinal_position",
    "SELECT schema_name FROM information_schema.schemata
     WHERE schema_name IN ('public', 'pg_catalog', 'information_schema') ORDER BY 1",
    "SELECT constraint_name, table_name, constraint_type, is_deferrable, initially_deferred
     FROM information_schema.table_constraints
     WHERE table_schema = 'public' AND constraint_type <> 'CHECK' ORDER BY constraint_name",
    "SELECT constraint_name, table_name, column_name, ordinal_position,
            position_in_unique_constraint
     FROM information_schema.key_column_usage WHERE table_schema = 'public'
     ORDER BY constraint_name, ordinal_position",
    "SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule
     FROM information_schema.referential_constraints WHERE constraint_schema = 'public'",
    "SELECT table_name, check_option FROM information_schema.views
     WHERE table_schema = 'public'",
    "SELECT schemaname, tablename, hasindexes, hasrules, hastriggers FROM pg_tables
     WHERE schemaname = 'public' ORDER BY tablename",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
     ORDER BY indexname",
    // psql's and SQLAlchemy's key and relkind lookups use `= ANY`.
    "SELECT c.relname, a.attname FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indisprimary AND c.relname LIKE 'cat%' ORDER BY 1, 2",
    "SELECT relname FROM pg_class
     WHERE relname LIKE 'cat%' AND relkind = ANY (ARRAY['r', 'p', 'v']) ORDER BY 1",
    "SELECT schemaname, viewname FROM pg_views WHERE schemaname = 'public'",
    "SELECT has_table_privilege('cat_child', 'SELECT'), has_table_privilege('pg_class', 'SELECT'),
            has_schema_privilege('public', 'USAGE'),
            to_regtype('int4'), to_regtype('no_such_type'), 'int8'::regtype,
            'varchar'::regtype::oid, format_type(1700, 655366)",
    // psycopg's TypeInfo.fetch compares `t.oid = to_regtype($1)`.
    "SELECT typname FROM pg_type WHERE oid = to_regtype('int4')",
    "SELECT to_regtype('integer')::oid, to_regtype('text') IS NULL",
    "SELECT pg_total_relation_size('cat_parent') > 0, pg_relation_size('cat_child'::regclass) >= 0",
    "SELECT word, catcode FROM pg_get_keywords()
     WHERE word IN ('select', 'join', 'integer', 'between') ORDER BY word",
    "SELECT extname FROM pg_extension",
    // pgjdbc's getTables joins pg_description on `classoid = 'pg_class'::regclass`.
    "SELECT 'pg_class'::regclass::oid, 'pg_catalog.pg_type'::regclass, 1259::regclass",
    "SELECT proname, prokind, pronargs, prorettype FROM pg_proc
     WHERE oid IN (89, 1081, 2079, 2803) ORDER BY oid",
    "SELECT count(*) FROM pg_enum",
    "SELECT name, setting FROM pg_settings
     WHERE name IN ('application_name', 'search_path', 'DateStyle') ORDER BY name",
];

/// Every row of every result of `sql`, values as text (`NULL` for NULL).
pub async fn rows(client: &Client, sql: &str) -> Result<Vec<Vec<String>>, String> {
    let messages = client
        .simple_query(sql)
        .await
        .map_err(|e| format!("{e} ({:?})", e.as_db_error().map(|d| d.code().code())))?;
    Ok(messages
        .into_iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).unwrap_or("NULL").to_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

/// A pgbridge server with a client, and an oracle database, both given `schema`.
pub async fn both_with_schema(schema: &str) -> (super::TestServer, Client, OracleDatabase) {
    let server = super::TestServer::start().await;
    let pgbridge = server.client().await;
    let oracle = OracleDatabase::create().await;
    for client in [&oracle.client, &pgbridge] {
        client.batch_execute(schema).await.unwrap();
    }
    (server, pgbridge, oracle)
}

/// Each statement of `cases` that does not fail with its SQLSTATE on both sides, described.
pub async fn error_differences<'a>(
    oracle: &Client,
    pgbridge: &Client,
    cases: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (sql, code) in cases {
        let expected = error_code(oracle, sql).await;
        let actual = error_code(pgbridge, sql).await;
        if expected != actual || expected.as_deref() != Some(code) {
            found.push(format!(
                "{sql}\n  PostgreSQL: {expected:?}\n  pgbridge:   {actual:?}"
            ));
        }
    }
    found
}

/// The SQLSTATE `sql` fails with, `None` when it succeeds.
pub async fn error_code(client: &Client, sql: &str) -> Option<String> {
    let error = client.simple_query(sql).await.err()?;
    Some(super::sqlstate(&error))
}

/// A column's value exactly as the server sent it, in the binary format.
pub struct Raw(pub Option<Vec<u8>>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(raw.to_vec())))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Every row of `sql` run through the extended protocol with `params` and binary results, as
/// bytes.
pub async fn binary_rows(
    client: &Client,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Vec<Vec<Option<Vec<u8>>>> {
    client
        .query(sql, params)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .iter()
        .map(|row| (0..row.len()).map(|i| row.get::<_, Raw>(i).0).collect())
        .collect()
}

pub async fn connect(dsn: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(dsn, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {dsn}: {e}"));
    tokio::spawn(connection);
    client
}

/// A new database on the oracle, dropped when the test ends.
pub struct OracleDatabase {
    admin: Client,
    name: String,
    pub client: Client,
}

impl OracleDatabase {
    pub async fn create() -> OracleDatabase {
        let url = std::env::var("PGBRIDGE_ORACLE_URL")
            .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".to_owned());
        let admin = connect(&url).await;
        let name = format!(
            "pgbridge_catalog_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let client = connect(&format!("{url} dbname={name}")).await;
        OracleDatabase {
            admin,
            name,
            client,
        }
    }

    pub async fn drop(self) {
        drop(self.client);
        self.admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}

/// Runs each of `queries` on the oracle and through pgbridge; describes every one whose rows
/// differ.
pub async fn differences(oracle: &Client, pgbridge: &Client, queries: &[&str]) -> Vec<String> {
    let mut differences = Vec::new();
    for sql in queries {
        let expected = rows(oracle, sql).await;
        let actual = rows(pgbridge, sql).await;
        if expected != actual {
            differences.push(format!(
                "{sql}\n  PostgreSQL: {expected:?}\n  pgbridge:   {actual:?}"
            ));
        }
    }
    differences
}

/// Creates [`SCHEMA`] on a new oracle database and through `pgbridge` (a client of a fresh
/// database), runs every one of [`QUERIES`] on both and fails with the reads that differ.
pub async fn assert_catalog_matches(pgbridge: &Client) {
    let oracle = OracleDatabase::create().await;
    for client in [&oracle.client, pgbridge] {
        client.batch_execute(SCHEMA).await.unwrap();
        client
            .batch_execute("SET application_name = 'catalog test'")
            .await
            .unwrap();
    }
    let differences = differences(&oracle.client, pgbridge, QUERIES).await;
    oracle.drop().await;
    assert!(
        differences.is_empty(),
        "{} of {} catalog reads differ from PostgreSQL:\n{}",
        differences.len(),
        QUERIES.len(),
        differences.join("\n")
    );
}
