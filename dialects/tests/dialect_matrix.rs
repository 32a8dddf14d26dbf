//! The construct x target matrix of `docs/dialect-matrix.md`, computed by translating one
//! example of each construct for every target.
//!
//! A construct is *refused* when the translator answers 0A000 (the reason is listed), *emulated*
//! when the translation calls one of pgbridge's helper functions or rewrites the construct into
//! another shape (the target has no direct equivalent), and *translated* otherwise.
//! `cargo test -p pgbridge-dialects --test dialect_matrix` fails when the page is out of date;
//! `PGBRIDGE_WRITE_DOCS=1` rewrites it.

use pgbridge_dialects::{Target, TranslateError, parse, translate};

/// (construct, PostgreSQL example). Tables: `users(id, name, email, active, created_at, data)`,
/// `orders(id, user_id, total, placed_at)`.
const CONSTRUCTS: &[(&str, &str)] = &[
    (
        "SERIAL primary key",
        "CREATE TABLE t (id SERIAL PRIMARY KEY, name text)",
    ),
    ("BIGSERIAL", "CREATE TABLE t (id BIGSERIAL PRIMARY KEY)"),
    (
        "GENERATED AS IDENTITY",
        "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
    ),
    (
        "column defaults",
        "CREATE TABLE t (id int, active boolean DEFAULT true, at timestamptz DEFAULT now())",
    ),
    (
        "CHECK / UNIQUE / FOREIGN KEY",
        "CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE, qty int CHECK (qty > 0), user_id int REFERENCES users (id))",
    ),
    (
        "core column types",
        "CREATE TABLE t (a int2, b int4, c int8, d numeric(10,2), e float8, f text, g varchar(20), h char(3), i boolean, j date, k timestamp, l timestamptz, m uuid, n jsonb, o bytea)",
    ),
    ("array column", "CREATE TABLE t (tags text[])"),
    ("CREATE INDEX", "CREATE INDEX users_email ON users (email)"),
    (
        "CREATE UNIQUE INDEX",
        "CREATE UNIQUE INDEX users_email ON users (email)",
    ),
    (
        "partial index",
        "CREATE INDEX active_users ON users (email) WHERE active",
    ),
    (
        "ALTER TABLE ADD COLUMN",
        "ALTER TABLE users ADD COLUMN age int",
    ),
    (
        "ALTER TABLE DROP COLUMN",
        "ALTER TABLE users DROP COLUMN age",
    ),
    (
        "ALTER TABLE RENAME COLUMN",
        "ALTER TABLE users RENAME COLUMN name TO full_name",
    ),
    (
        "DROP TABLE IF EXISTS .. CASCADE",
        "DROP TABLE IF EXISTS users CASCADE",
    ),
    (
        "CREATE TABLE AS",
        "CREATE TABLE active AS SELECT id, name FROM users WHERE active",
    ),
    (
        "INSERT .. RETURNING",
        "INSERT INTO users (name) VALUES ('a') RETURNING id",
    ),
    (
        "UPDATE .. RETURNING",
        "UPDATE users SET name = 'b' WHERE id = 1 RETURNING id, name",
    ),
    (
        "DELETE .. RETURNING",
        "DELETE FROM users WHERE id = 1 RETURNING id",
    ),
    (
        "ON CONFLICT DO NOTHING",
        "INSERT INTO users (id, name) VALUES (1, 'a') ON CONFLICT DO NOTHING",
    ),
    (
        "ON CONFLICT DO UPDATE",
        "INSERT INTO users (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
    ),
    (
        "UPDATE .. FROM",
        "UPDATE orders SET total = 0 FROM users WHERE users.id = orders.user_id AND NOT users.active",
    ),
    (
        "DELETE .. USING",
        "DELETE FROM orders USING users WHERE users.id = orders.user_id AND NOT users.active",
    ),
    (
        "LIMIT / OFFSET",
        "SELECT id FROM users ORDER BY id LIMIT 10 OFFSET 20",
    ),
    ("LIMIT without ORDER BY", "SELECT id FROM users LIMIT 5"),
    (
        "DISTINCT ON",
        "SELECT DISTINCT ON (user_id) user_id, total FROM orders ORDER BY user_id, placed_at DESC",
    ),
    (
        "CTE",
        "WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT count(*) FROM big",
    ),
    (
        "recursive CTE",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n",
    ),
    (
        "window function",
        "SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY placed_at) FROM orders",
    ),
    ("generate_series", "SELECT * FROM generate_series(1, 5)"),
    ("ILIKE", "SELECT id FROM users WHERE name ILIKE 'a%'"),
    (
        "LIKE (case-sensitive)",
        "SELECT id FROM users WHERE name LIKE 'A%'",
    ),
    (
        "SIMILAR TO",
        "SELECT id FROM users WHERE name SIMILAR TO '(a|b)%'",
    ),
    (
        "~ regular expression",
        "SELECT id FROM users WHERE name ~ '^a.*z$'",
    ),
    (
        "|| with NULL",
        "SELECT name || ' <' || email || '>' FROM users",
    ),
    (
        "length / substring / position",
        "SELECT length(name), substring(name FROM 2 FOR 3), position('a' IN name) FROM users",
    ),
    (
        "upper / lower / trim / replace",
        "SELECT upper(name), lower(name), trim(name), replace(name, 'a', 'b') FROM users",
    ),
    (
        "left / right / lpad / split_part",
        "SELECT left(name, 2), right(name, 2), lpad(name, 10, '*'), split_part(email, '@', 2) FROM users",
    ),
    (
        "date_trunc",
        "SELECT date_trunc('month', placed_at) FROM orders",
    ),
    ("extract", "SELECT extract(year FROM placed_at) FROM orders"),
    (
        "to_char",
        "SELECT to_char(placed_at, 'YYYY-MM-DD') FROM orders",
    ),
    ("age", "SELECT age(placed_at) FROM orders"),
    (
        "interval arithmetic",
        "SELECT placed_at + INTERVAL '1 day' FROM orders",
    ),
    (
        "interval * / number",
        "SELECT INTERVAL '1 day' * 1.5, INTERVAL '1 mon' / 3",
    ),
    (
        "justify_hours / justify_days / justify_interval",
        "SELECT justify_interval(INTERVAL '1 mon -1 hour')",
    ),
    ("now() / CURRENT_DATE", "SELECT now(), CURRENT_DATE"),
    (
        "round / trunc / ceil / floor / abs",
        "SELECT round(total, 1), trunc(total), ceil(total), floor(total), abs(total) FROM orders",
    ),
    (
        "power / sqrt / mod",
        "SELECT power(2, 10), sqrt(16), mod(7, 3)",
    ),
    ("integer division", "SELECT 7 / 2"),
    ("division by zero", "SELECT id / 0 FROM users"),
    (
        "coalesce / nullif",
        "SELECT coalesce(email, 'none'), nullif(name, '') FROM users",
    ),
    (
        "greatest / least with NULL",
        "SELECT greatest(1, NULL, 3), least(1, NULL, 3)",
    ),
    (
        "string_agg",
        "SELECT string_agg(name, ', ' ORDER BY name) FROM users",
    ),
    ("array_agg", "SELECT array_agg(name) FROM users"),
    (
        "array_agg .. ORDER BY",
        "SELECT array_agg(name ORDER BY id DESC) FROM users",
    ),
    (
        "array subscript (catalog)",
        "SELECT indkey[0] FROM pg_catalog.pg_index",
    ),
    (
        "unnest / generate_subscripts in a select list",
        "SELECT unnest(indkey), generate_subscripts(indkey, 1) FROM pg_catalog.pg_index",
    ),
    (
        "trim(BOTH .. FROM ..)",
        "SELECT trim(both '\"' from name) FROM users",
    ),
    (
        "json ->, ->>",
        "SELECT data -> 'a', data ->> 'b' FROM users",
    ),
    ("json #>>", "SELECT data #>> '{a,b}' FROM users"),
    (
        "jsonb @>",
        "SELECT id FROM users WHERE data @> '{\"a\": 1}'",
    ),
    (
        "json_build_object",
        "SELECT json_build_object('id', id, 'name', name) FROM users",
    ),
    ("json_agg", "SELECT json_agg(name) FROM users"),
    (
        "boolean literals and columns",
        "SELECT id FROM users WHERE active = true AND NOT active IS FALSE",
    ),
    (
        "boolean expression as value",
        "SELECT id, total > 100 AS big FROM orders",
    ),
    ("::int cast", "SELECT '12'::int, 1.5::int"),
    (
        "::numeric(p,s) cast",
        "SELECT total::numeric(12,1) FROM orders",
    ),
    ("::text cast", "SELECT id::text FROM users"),
    ("quoted identifiers", "SELECT \"Name\" FROM \"Users\""),
    ("string literal with quote", "SELECT 'it''s'"),
    ("E'' string", "SELECT E'a\\nb'"),
    (
        "$n placeholders",
        "SELECT name FROM users WHERE id = $1 AND active = $2",
    ),
    (
        "NULLS ordering default",
        "SELECT name FROM users ORDER BY email",
    ),
    (
        "NULLS FIRST / LAST explicit",
        "SELECT name FROM users ORDER BY email DESC NULLS LAST",
    ),
    (
        "= ANY (array)",
        "SELECT id FROM users WHERE id = ANY (ARRAY[1, 2])",
    ),
    (
        "SELECT .. FOR UPDATE",
        "SELECT id FROM users WHERE id = 1 FOR UPDATE",
    ),
];

/// How a target handles one construct.
enum Status {
    Translated,
    Emulated,
    Refused(String),
}

fn status(pg_sql: &str, target: Target) -> Status {
    let statements = parse(pg_sql).unwrap_or_else(|error| panic!("{pg_sql}: {error}"));
    match translate(&statements[0], target) {
        Ok(translation) if is_emulation(pg_sql, &translation.sql) => Status::Emulated,
        Ok(_) => Status::Translated,
        Err(error @ TranslateError::Unsupported { .. }) => Status::Refused(error.to_string()),
        Err(error) => panic!("{pg_sql}: {error}"),
    }
}

/// True when the target SQL calls a pgbridge helper function or a rewrite the source did not
/// ask for (CASE, a derived table, a NULL sort key).
fn is_emulation(pg_sql: &str, target_sql: &str) -> bool {
    let lower = target_sql.to_ascii_lowercase();
    let source = pg_sql.to_ascii_lowercase();
    lower.contains("pgbridge_")
        || ["case when", "is null", "(select", "lower("]
            .iter()
            .any(|shape| lower.matches(shape).count() > source.matches(shape).count())
}

fn targets() -> Vec<(String, Target)> {
    ["sqlite", "mysql", "mssql"]
        .iter()
        .filter_map(|name| Target::from_name(name).map(|t| (t.dialect().name().to_owned(), t)))
        .collect()
}

fn page() -> String {
    let targets = targets();
    let mut out = String::from(
        "# Dialect matrix: construct x target\n\n\
         Generated by `PGBRIDGE_WRITE_DOCS=1 cargo test -p pgbridge-dialects --test dialect_matrix` \
         from one PostgreSQL example per construct (in `dialects/tests/dialect_matrix.rs`). \
         Do not edit by hand.\n\n\
         *translated*: the target runs an equivalent statement; *emulated*: pgbridge rewrites the \
         construct into another shape or calls one of its helper functions to keep PostgreSQL's \
         meaning; *refused*: the statement fails with SQLSTATE 0A000 and the reason below, rather \
         than answering differently. How often whole statements answer exactly as PostgreSQL does \
         is measured by the differential harness: see [dialect-report.md](dialect-report.md).\n\n",
    );
    out.push_str("| construct |");
    for (name, _) in &targets {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(targets.len()));
    out.push('\n');
    let mut refusals = Vec::new();
    for (construct, pg_sql) in CONSTRUCTS {
        out.push_str(&format!("| {construct} |"));
        for (name, target) in &targets {
            let cell = match status(pg_sql, *target) {
                Status::Translated => "translated".to_owned(),
                Status::Emulated => "emulated".to_owned(),
                Status::Refused(reason) => {
                    refusals.push(format!("- **{construct}** on {name}: {reason}"));
                    "**refused**".to_owned()
                }
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out.push_str("\n## Refusals and their reasons\n\n");
    out.push_str(&refusals.join("\n"));
    out.push_str("\n\n## The examples\n\n");
    for (construct, pg_sql) in CONSTRUCTS {
        out.push_str(&format!("- {construct}: `{pg_sql}`\n"));
    }
    out
}

#[test]
fn dialect_matrix_page_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/dialect-matrix.md");
    let generated = page();
    if std::env::var_os("PGBRIDGE_WRITE_DOCS").is_some() {
        std::fs::write(path, &generated).expect("docs/dialect-matrix.md is writable");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/dialect-matrix.md is out of date: run \
         PGBRIDGE_WRITE_DOCS=1 cargo test -p pgbridge-dialects --test dialect_matrix"
    );
}
