//! The scenario's data and SQL, the same for every Rust driver: the tables, the rows, the core
//! types with their literals and the text PostgreSQL prints for them, the COPY text, the error
//! cases and the catalog queries. Driver-agnostic; the sqlx scenario (../../sqlx) includes this
//! file too.

use chrono::NaiveDate;

use crate::table;

/// The contract's core steps after the four connect steps, in order.
pub const CORE_STEPS: [&str; 15] = [
    "ddl",
    "insert_params",
    "types_text",
    "types_binary",
    "nulls",
    "stream_100k",
    "transaction_rollback",
    "failed_transaction_25P02",
    "savepoints",
    "prepared_reuse",
    "error_sqlstate",
    "copy_in",
    "copy_out",
    "cancel",
    "introspection",
];

/// One column of the types table: its SQL type, a literal, and the text PostgreSQL prints for it
/// (with `TimeZone` UTC). Each driver pairs these, in order, with the values it sends in binary.
pub struct Column {
    pub column: &'static str,
    pub sql_type: &'static str,
    pub literal: &'static str,
    pub text: &'static str,
}

const fn column(
    column: &'static str,
    sql_type: &'static str,
    literal: &'static str,
    text: &'static str,
) -> Column {
    Column {
        column,
        sql_type,
        literal,
        text,
    }
}

/// The core types, in the order of the types table.
pub const COLUMNS: [Column; 18] = [
    column("c_int2", "smallint", "-32768", "-32768"),
    column("c_int4", "integer", "2147483647", "2147483647"),
    column(
        "c_int8",
        "bigint",
        "-9223372036854775808",
        "-9223372036854775808",
    ),
    column("c_float4", "real", "1.5", "1.5"),
    column(
        "c_float8",
        "double precision",
        "3.141592653589793",
        "3.141592653589793",
    ),
    column(
        "c_numeric",
        "numeric(14,4)",
        "12345678.1234",
        "12345678.1234",
    ),
    column("c_bool", "boolean", "true", "t"),
    column("c_text", "text", "'héllo ''wörld'' ✓'", "héllo 'wörld' ✓"),
    column("c_varchar", "varchar(20)", "'abc'", "abc"),
    column("c_bytea", "bytea", r"'\xdeadbeef00'", r"\xdeadbeef00"),
    column("c_date", "date", "'2024-02-29'", "2024-02-29"),
    column("c_time", "time", "'13:45:01.5'", "13:45:01.5"),
    column(
        "c_timestamp",
        "timestamp",
        "'2024-02-29 13:45:01.123456'",
        "2024-02-29 13:45:01.123456",
    ),
    column(
        "c_timestamptz",
        "timestamptz",
        "'2024-02-29 13:45:01.5+00'",
        "2024-02-29 13:45:01.5+00",
    ),
    column(
        "c_interval",
        "interval",
        "'1 day 02:03:04'",
        "1 day 02:03:04",
    ),
    column(
        "c_uuid",
        "uuid",
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    ),
    column(
        "c_json",
        "json",
        r#"'{"b": 1, "a": [1, 2]}'"#,
        r#"{"b": 1, "a": [1, 2]}"#,
    ),
    column(
        "c_jsonb",
        "jsonb",
        r#"'{"b": 1, "a": [1, 2]}'"#,
        r#"{"a": [1, 2], "b": 1}"#,
    ),
];

/// The tables the scenario creates (without the prefix), dropped first.
pub const TABLES: [&str; 3] = ["items", "types", "copy"];

/// The CREATE statements of the ddl step.
pub fn create_statements() -> Vec<String> {
    let types: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("{} {}", c.column, c.sql_type))
        .collect();
    vec![
        format!(
            "CREATE TABLE {} (id integer PRIMARY KEY, name text NOT NULL, score double precision, created date)",
            table("items")
        ),
        format!(
            "CREATE INDEX {} ON {} (name)",
            table("items_name_idx"),
            table("items")
        ),
        format!(
            "CREATE TABLE {} (id integer PRIMARY KEY, {})",
            table("types"),
            types.join(", ")
        ),
        format!(
            "CREATE TABLE {} (id integer PRIMARY KEY, label text, amount numeric(10,2))",
            table("copy")
        ),
    ]
}

fn column_list() -> String {
    COLUMNS
        .iter()
        .map(|c| c.column)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The INSERT of row 1 of the types table, every value a literal.
pub fn insert_literals() -> String {
    let literals: Vec<&str> = COLUMNS.iter().map(|c| c.literal).collect();
    format!(
        "INSERT INTO {} (id, {}) VALUES (1, {})",
        table("types"),
        column_list(),
        literals.join(", ")
    )
}

/// The INSERT of one row of the types table, the id `$1` and every value a parameter.
pub fn insert_parameters() -> String {
    let placeholders: Vec<String> = (2..=COLUMNS.len() + 1).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO {} (id, {}) VALUES ($1, {})",
        table("types"),
        column_list(),
        placeholders.join(", ")
    )
}

/// The SELECT of the row `id` of the types table.
pub fn select_row(id: i32) -> String {
    format!(
        "SELECT {} FROM {} WHERE id = {id}",
        column_list(),
        table("types")
    )
}

/// One row of the items table.
#[derive(Debug, PartialEq)]
pub struct Item {
    pub id: i32,
    pub name: String,
    pub score: f64,
    pub created: NaiveDate,
}

/// The rows insert_params writes and prepared_reuse reads.
pub fn items() -> Vec<Item> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let item = |id, name: &str, score, created| Item {
        id,
        name: name.to_string(),
        score,
        created,
    };
    vec![
        item(1, "alpha", 1.5, date(2024, 1, 5)),
        item(2, "beta", -2.25, date(2024, 2, 29)),
        item(3, "gamma 'quoted'", 1e10, date(1999, 12, 31)),
    ]
}

/// The rows COPY loads, as COPY's text format prints them.
pub const COPY_TEXT: &str = "1\tone\t1.50\n2\ttab\\there\t-2.00\n3\t\\N\t1000.25\n";

/// The same rows as values for INSERT (id, label, amount as decimal text).
pub const COPY_ROWS: [(i32, Option<&str>, &str); 3] = [
    (1, Some("one"), "1.50"),
    (2, Some("tab\there"), "-2.00"),
    (3, None, "1000.25"),
];

/// The query that reads the copy table back, and what it must give.
pub fn copy_check_query() -> String {
    format!(
        "SELECT id, coalesce(label, '<null>'), amount::text FROM {} ORDER BY id",
        table("copy")
    )
}
pub const COPY_CHECK: [&str; 3] = ["1|one|1.50", "2|tab\there|-2.00", "3|<null>|1000.25"];

/// The COPY TO statements of copy_out.
pub fn copy_out_statements() -> [String; 2] {
    [
        format!("COPY {} TO STDOUT", table("copy")),
        format!(
            "COPY (SELECT id, label, amount FROM {} ORDER BY id) TO STDOUT",
            table("copy")
        ),
    ]
}

/// Statements that must fail, with their SQLSTATE (after row 70 is inserted).
pub fn error_cases() -> Vec<(String, &'static str)> {
    vec![
        (
            format!(
                "INSERT INTO {} (id, name) VALUES (70, 'duplicate')",
                table("items")
            ),
            "23505",
        ),
        (
            format!("INSERT INTO {} (id) VALUES (200)", table("items")),
            "23502",
        ),
        (format!("SELECT * FROM {}", table("no_such_table")), "42P01"),
        (
            format!("SELECT no_such_column FROM {}", table("items")),
            "42703",
        ),
        ("SELEC 1".to_string(), "42601"),
        ("SELECT 1 / 0".to_string(), "22012"),
        ("SELECT 'abc'::integer".to_string(), "22P02"),
    ]
}

/// 100,000 rows, each `i` and `'row ' || i`.
pub const STREAM_QUERY: &str = "SELECT g.i, 'row ' || g.i FROM generate_series(1, 100000) AS g(i)";

/// Takes minutes on PostgreSQL and SQLite alike, without writing anything to disk.
pub const LONG_QUERY: &str = "SELECT count(*) FROM generate_series(1, 100000) AS a(i), \
                              generate_series(1, 100000) AS b(j) WHERE a.i + b.j = 3";

/// The columns of a table as psql's `\d` reads them (`$1`: the table name).
pub const COLUMNS_QUERY: &str = "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull \
     FROM pg_catalog.pg_attribute a \
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relname = $1 AND n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attnum";

/// What [`COLUMNS_QUERY`] gives for the items table, one `name type not-null` per column.
pub const ITEMS_COLUMNS: [&str; 4] = [
    "id integer true",
    "name text true",
    "score double precision false",
    "created date false",
];

/// The indexes of a table (`$1`: the table name), primary key first.
pub const INDEXES_QUERY: &str = "SELECT i.relname::text, x.indisprimary, x.indisunique \
     FROM pg_catalog.pg_index x \
     JOIN pg_catalog.pg_class t ON t.oid = x.indrelid \
     JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
     WHERE t.relname = $1 ORDER BY x.indisprimary DESC, i.relname";

/// Checks [`INDEXES_QUERY`]'s rows for the items table: the primary key, then the name index.
pub fn indexes_right(indexes: &[(String, bool, bool)]) -> bool {
    indexes.len() == 2
        && indexes[0].1
        && indexes[0].2
        && indexes[1] == (table("items_name_idx"), false, false)
}
