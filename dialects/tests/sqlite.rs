//! Golden tests for the SQLite target, in the style of sqlparser's `tests/sqlparser_<dialect>.rs`:
//! PostgreSQL text in, the exact SQLite text out, or a refusal with SQLSTATE 0A000.

use pgbridge_dialects::{Target, TranslateError, parse, translate};

/// Translates `pg_sql` and returns the SQLite text and parameter count.
fn translate_sqlite(pg_sql: &str) -> Result<(String, usize), TranslateError> {
    let statements = parse(pg_sql).unwrap_or_else(|error| panic!("{pg_sql}: {error}"));
    assert_eq!(statements.len(), 1, "{pg_sql}: expected one statement");
    translate(&statements[0], Target::Sqlite).map(|t| (t.sql, t.parameter_count))
}

/// Asserts that `pg_sql` translates to exactly `expected`.
fn translates_to(pg_sql: &str, expected: &str) {
    match translate_sqlite(pg_sql) {
        Ok((sql, _)) => assert_eq!(sql, expected, "translating {pg_sql}"),
        Err(error) => panic!("{pg_sql}: expected {expected}, got error {error}"),
    }
}

/// Asserts that `pg_sql` is refused as unsupported (0A000) with a message naming `construct`.
fn refuses(pg_sql: &str, construct: &str) {
    match translate_sqlite(pg_sql) {
        Ok((sql, _)) => panic!("{pg_sql}: expected a refusal, got {sql}"),
        Err(error) => {
            assert!(
                matches!(error, TranslateError::Unsupported { .. }),
                "{pg_sql}: {error:?}"
            );
            assert_eq!(error.sqlstate(), "0A000");
            let message = error.to_string();
            assert!(
                message.contains(construct) && message.contains("SQLite"),
                "{pg_sql}: message {message:?} does not name {construct:?}"
            );
        }
    }
}

fn parameter_count(pg_sql: &str) -> usize {
    translate_sqlite(pg_sql).unwrap().1
}

// Parameters

#[test]
fn placeholders() {
    translates_to(
        "SELECT * FROM t WHERE id = $1",
        "SELECT * FROM t WHERE id = ?1",
    );
    assert_eq!(parameter_count("SELECT * FROM t WHERE id = $1"), 1);
}

#[test]
fn placeholders_out_of_order_and_repeated() {
    let sql = "SELECT * FROM t WHERE a = $2 AND b = $1 AND c = $2";
    translates_to(sql, "SELECT * FROM t WHERE a = ?2 AND b = ?1 AND c = ?2");
    assert_eq!(parameter_count(sql), 2);
    // The count is the highest index, as PostgreSQL counts it, even with gaps.
    assert_eq!(parameter_count("SELECT $3"), 3);
    assert_eq!(parameter_count("SELECT 1"), 0);
}

#[test]
fn placeholders_in_limit_and_offset() {
    translates_to(
        "SELECT * FROM t LIMIT $1 OFFSET $2",
        "SELECT * FROM t LIMIT ?1 OFFSET ?2",
    );
}

// Casts and typed literals

#[test]
fn casts_with_postgres_input_rules() {
    let cases = [
        ("x::bool", "pgbridge_bool(x)"),
        ("x::boolean", "pgbridge_bool(x)"),
        ("x::int2", "pgbridge_int2(x)"),
        ("x::smallint", "pgbridge_int2(x)"),
        ("x::int", "pgbridge_int4(x)"),
        ("x::int4", "pgbridge_int4(x)"),
        ("x::integer", "pgbridge_int4(x)"),
        ("x::int8", "pgbridge_int8(x)"),
        ("x::bigint", "pgbridge_int8(x)"),
        ("x::real", "pgbridge_float8(x)"),
        ("x::float4", "pgbridge_float8(x)"),
        ("x::float8", "pgbridge_float8(x)"),
        ("x::double precision", "pgbridge_float8(x)"),
        ("x::numeric", "pgbridge_numeric(x)"),
        ("x::numeric(10,2)", "pgbridge_numeric(x, 10, 2)"),
        ("x::decimal", "pgbridge_numeric(x)"),
        ("x::date", "pgbridge_date(x)"),
        ("x::timestamp", "pgbridge_timestamp(x)"),
        ("x::timestamptz", "pgbridge_timestamptz(x)"),
        ("x::timestamp with time zone", "pgbridge_timestamptz(x)"),
        ("x::uuid", "pgbridge_uuid(x)"),
    ];
    for (pg, sqlite) in cases {
        translates_to(&format!("SELECT {pg}"), &format!("SELECT {sqlite}"));
    }
}

#[test]
fn casts_to_storage_types() {
    let cases = [
        ("x::text", "CAST(x AS TEXT)"),
        ("x::varchar", "CAST(x AS TEXT)"),
        ("x::bytea", "pgbridge_bytea(x)"),
        ("x::json", "CAST(x AS TEXT)"),
        ("x::jsonb", "pgbridge_jsonb(x)"),
        ("x::time", "pgbridge_time(x)"),
        ("x::regclass", "pgbridge_regclass_name(x)"),
    ];
    for (pg, sqlite) in cases {
        translates_to(&format!("SELECT {pg}"), &format!("SELECT {sqlite}"));
    }
}

#[test]
fn casts_to_bounded_character_types_truncate() {
    translates_to(
        "SELECT 'abcdef'::varchar(3)",
        "SELECT substr(CAST('abcdef' AS TEXT), 1, 3)",
    );
    translates_to(
        "SELECT x::character varying(10)",
        "SELECT substr(CAST(x AS TEXT), 1, 10)",
    );
    translates_to("SELECT x::char(2)", "SELECT substr(CAST(x AS TEXT), 1, 2)");
    translates_to(
        "SELECT CAST(x AS CHAR)",
        "SELECT substr(CAST(x AS TEXT), 1, 1)",
    );
}

#[test]
fn cast_function_syntax() {
    translates_to("SELECT CAST(x AS INTEGER)", "SELECT pgbridge_int4(x)");
    translates_to("SELECT CAST(x AS TEXT)", "SELECT CAST(x AS TEXT)");
    translates_to(
        "SELECT CAST(x AS TIMESTAMP WITH TIME ZONE)",
        "SELECT pgbridge_timestamptz(x)",
    );
    translates_to(
        "SELECT a::text::int FROM t",
        "SELECT pgbridge_int4(CAST(a AS TEXT)) FROM t",
    );
    translates_to("SELECT $1::int8", "SELECT pgbridge_int8(?1)");
}

#[test]
fn typed_literals() {
    translates_to(
        "SELECT DATE '2024-01-01'",
        "SELECT pgbridge_date('2024-01-01')",
    );
    translates_to(
        "SELECT TIMESTAMP '2024-01-01 00:00:00'",
        "SELECT pgbridge_timestamp('2024-01-01 00:00:00')",
    );
    translates_to(
        "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00'",
        "SELECT pgbridge_timestamptz('2024-01-01 00:00:00+00')",
    );
}

#[test]
fn unsupported_casts() {
    refuses("SELECT x::int[]", "array type INT[]");
    refuses("SELECT x::point", "cast to point");
    refuses("SELECT INTERVAL '1-2' YEAR TO MONTH", "interval literal");
    refuses("SELECT x::numeric(5, -2)", "NUMERIC with a negative scale");
}

#[test]
fn string_agg_distinct_is_an_aggregate_of_pgbridge() {
    translates_to(
        "SELECT string_agg(DISTINCT a, '|' ORDER BY a DESC) FROM t",
        "SELECT pgbridge_string_agg_distinct(a, '|' ORDER BY a DESC NULLS FIRST) FROM t",
    );
    // PostgreSQL's DISTINCT sorts by the arguments.
    translates_to(
        "SELECT string_agg(DISTINCT a, ',') FROM t",
        "SELECT pgbridge_string_agg_distinct(a, ',' ORDER BY a, ',') FROM t",
    );
}

#[test]
fn comparisons_with_every_or_any_row_are_exists_tests() {
    translates_to(
        "SELECT a > ALL (SELECT b FROM u)",
        "SELECT (CASE WHEN EXISTS (WITH pgbridge_rows (pgbridge_compared) AS (SELECT b FROM u) \
         SELECT 1 FROM pgbridge_rows WHERE NOT ((a) > pgbridge_rows.pgbridge_compared)) \
         THEN false WHEN EXISTS (WITH pgbridge_rows (pgbridge_compared) AS (SELECT b FROM u) \
         SELECT 1 FROM pgbridge_rows WHERE ((a) > pgbridge_rows.pgbridge_compared) IS NULL) \
         THEN NULL ELSE true END)",
    );
    refuses("SELECT a > ALL (SELECT b, c FROM u)", "> ALL (..)");
    // An aggregate or window function cannot move into the WHERE of the EXISTS test.
    refuses("SELECT max(a) > ALL (SELECT b FROM u) FROM t", "> ALL (..)");
    refuses(
        "SELECT row_number() OVER () < ANY (SELECT b FROM u) FROM t",
        "< ANY (..)",
    );
}

#[test]
fn jsonb_edits_are_functions_where_an_operand_is_jsonb() {
    translates_to(
        "SELECT '{\"a\": 1}'::jsonb || '{\"b\": 2}', x::jsonb - 'a', x::jsonb #- '{a,b}'",
        "SELECT pgbridge_jsonb_concat(pgbridge_jsonb('{\"a\": 1}'), '{\"b\": 2}'), \
         pgbridge_jsonb_delete(pgbridge_jsonb(x), 'a'), pgbridge_jsonb_delete_path(pgbridge_jsonb(x), '{a,b}')",
    );
    // Text on one side joins texts; dates subtract as before.
    translates_to(
        "SELECT 'a' || x::jsonb::text, 'n' || 1, DATE '2024-01-02' - 1",
        "SELECT 'a' || CAST(pgbridge_jsonb(x) AS TEXT), 'n' || 1, \
         pgbridge_sub(pgbridge_date('2024-01-02'), 1)",
    );
}

#[test]
fn jsonb_edits_leave_date_arithmetic_in_step() {
    // The `-` rewritten here is dropped from the operand types date arithmetic reads.
    translates_to(
        "SELECT x::jsonb - 'a', INTERVAL '1 day' * 2 FROM t",
        "SELECT pgbridge_jsonb_delete(pgbridge_jsonb(x), 'a'), \
         pgbridge_interval_scaled(pgbridge_interval('1 day'), 2, 0) FROM t",
    );
}

#[test]
fn type_modifiers_postgresql_refuses_are_refused() {
    for (sql, message) in [
        (
            "SELECT x::numeric(1001)",
            "NUMERIC precision 1001 must be between 1 and 1000",
        ),
        (
            "SELECT x::numeric(0)",
            "NUMERIC precision 0 must be between 1 and 1000",
        ),
        (
            "SELECT x::float(54)",
            "precision for type float must be less than 54 bits",
        ),
        (
            "SELECT x::numeric(5, 1001)",
            "NUMERIC scale 1001 must be between -1000 and 1000",
        ),
        (
            "CREATE TABLE t (a varchar(0))",
            "length for type varchar must be at least 1",
        ),
        (
            "ALTER TABLE t ADD COLUMN b char(20000000)",
            "length for type char cannot exceed 10485760",
        ),
    ] {
        let error = translate_sqlite(sql).expect_err(sql);
        assert_eq!(error.sqlstate(), "22023", "{sql}");
        assert_eq!(error.to_string(), message, "{sql}");
    }
    translates_to(
        "SELECT x::varchar(10485760)",
        "SELECT substr(CAST(x AS TEXT), 1, 10485760)",
    );
}

#[test]
fn intervals_are_text_moved_by_pgbridge_functions() {
    translates_to("SELECT x::interval", "SELECT pgbridge_interval(x)");
    translates_to(
        "SELECT now() - INTERVAL '1 day'",
        "SELECT pgbridge_datetime_moved(pgbridge_now(), pgbridge_interval('1 day'), 1, 1)",
    );
    translates_to(
        "SELECT INTERVAL '3' HOUR + DATE '2024-01-01'",
        "SELECT pgbridge_datetime_moved(pgbridge_date('2024-01-01'), pgbridge_interval('3 HOUR'), 0, 0)",
    );
    translates_to(
        "SELECT TIMESTAMP '2024-01-02' - TIMESTAMP '2024-01-01'",
        "SELECT pgbridge_datetime_between(pgbridge_timestamp('2024-01-02'), pgbridge_timestamp('2024-01-01'))",
    );
    translates_to(
        "SELECT '1 day'::interval - '1 hour'::interval",
        "SELECT pgbridge_interval_combined(pgbridge_interval('1 day'), pgbridge_interval('1 hour'), 1)",
    );
}

#[test]
fn intervals_scale_by_numbers_through_a_pgbridge_function() {
    translates_to(
        "SELECT INTERVAL '1 day' * 2, 3 * INTERVAL '1 hour'",
        "SELECT pgbridge_interval_scaled(pgbridge_interval('1 day'), 2, 0), \
         pgbridge_interval_scaled(pgbridge_interval('1 hour'), 3, 0)",
    );
    // `/` of an interval is no integer division and raises 22012 in the function itself.
    translates_to(
        "SELECT '1 mon'::interval / 3",
        "SELECT pgbridge_interval_scaled(pgbridge_interval('1 mon'), 3, 1)",
    );
    // Numbers still multiply and divide as numbers.
    translates_to(
        "SELECT 7 / 2 * 3",
        "SELECT pgbridge_mul(pgbridge_div(7, 2), 3)",
    );
}

// Strings and operators

#[test]
fn escape_strings() {
    translates_to("SELECT E'a\\tb''c'", "SELECT 'a\tb''c'");
    translates_to("SELECT E'it\\'s'", "SELECT 'it''s'");
    translates_to("SELECT 'plain'", "SELECT 'plain'");
}

#[test]
fn ilike() {
    translates_to(
        "SELECT * FROM t WHERE a ILIKE 'x%'",
        "SELECT * FROM t WHERE lower(a) LIKE lower('x%')",
    );
    translates_to(
        "SELECT * FROM t WHERE a NOT ILIKE $1",
        "SELECT * FROM t WHERE lower(a) NOT LIKE lower(?1) ESCAPE '\\'",
    );
    // LIKE stays case-sensitive, as the connection's PRAGMA keeps it.
    translates_to(
        "SELECT * FROM t WHERE a LIKE 'x%' ESCAPE '!'",
        "SELECT * FROM t WHERE a LIKE 'x%' ESCAPE '!'",
    );
}

#[test]
fn like_operators() {
    translates_to("SELECT 'a' ~~ 'b'", "SELECT 'a' LIKE 'b'");
    translates_to("SELECT 'a' !~~ 'b'", "SELECT 'a' NOT LIKE 'b'");
    translates_to("SELECT 'a' ~~* 'b'", "SELECT lower('a') LIKE lower('b')");
    translates_to(
        "SELECT 'a' !~~* 'b'",
        "SELECT lower('a') NOT LIKE lower('b')",
    );
}

#[test]
fn division_and_modulo() {
    translates_to(
        "SELECT a / b, a % b FROM t",
        "SELECT pgbridge_div(a, b), pgbridge_mod(a, b) FROM t",
    );
    translates_to("SELECT 7 / 2", "SELECT pgbridge_div(7, 2)");
    translates_to(
        "SELECT (a + 1) / -b FROM t",
        "SELECT pgbridge_div((pgbridge_add(a, 1)), -b) FROM t",
    );
    translates_to(
        "SELECT a / b / c FROM t",
        "SELECT pgbridge_div(pgbridge_div(a, b), c) FROM t",
    );
}

#[test]
fn boolean_literals() {
    translates_to(
        "SELECT true, false, NOT true",
        "SELECT true, false, NOT true",
    );
    translates_to(
        "SELECT * FROM t WHERE active = true",
        "SELECT * FROM t WHERE active = true",
    );
}

#[test]
fn string_concatenation() {
    translates_to(
        "SELECT 'a' || b || 'c' FROM t",
        "SELECT 'a' || b || 'c' FROM t",
    );
}

// ORDER BY

#[test]
fn order_by_spells_out_postgres_nulls_placement() {
    translates_to(
        "SELECT * FROM t ORDER BY a, b ASC, c DESC",
        "SELECT * FROM t ORDER BY a NULLS LAST, b ASC NULLS LAST, c DESC NULLS FIRST",
    );
}

#[test]
fn order_by_keeps_explicit_nulls() {
    translates_to(
        "SELECT * FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST",
        "SELECT * FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST",
    );
}

#[test]
fn order_by_using() {
    translates_to(
        "SELECT a FROM t ORDER BY a USING <",
        "SELECT a FROM t ORDER BY a ASC NULLS LAST",
    );
    translates_to(
        "SELECT a FROM t ORDER BY a USING >",
        "SELECT a FROM t ORDER BY a DESC NULLS FIRST",
    );
}

#[test]
fn order_by_in_windows_aggregates_and_subqueries() {
    translates_to(
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC) FROM t",
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC NULLS FIRST) FROM t",
    );
    translates_to(
        "SELECT first_value(a) OVER w FROM t WINDOW w AS (ORDER BY b)",
        "SELECT first_value(a) OVER w FROM t WINDOW w AS (ORDER BY b NULLS LAST)",
    );
    translates_to(
        "SELECT string_agg(a, ',' ORDER BY a) FROM t",
        "SELECT string_agg(a, ',' ORDER BY a NULLS LAST) FROM t",
    );
    translates_to(
        "SELECT * FROM (SELECT a FROM t ORDER BY a DESC LIMIT 3) s",
        "SELECT * FROM (SELECT a FROM t ORDER BY a DESC NULLS FIRST LIMIT 3) s",
    );
}

#[test]
fn key_columns_are_not_sort_keys() {
    translates_to(
        "CREATE INDEX i ON t (a DESC)",
        "CREATE INDEX i ON t(a DESC)",
    );
    translates_to(
        "CREATE TABLE t (a INT, b INT, UNIQUE (a, b))",
        "CREATE TABLE t (a INTEGER, b INTEGER, UNIQUE (a, b))",
    );
}

// Functions

#[test]
fn now_and_current_timestamp() {
    translates_to("SELECT now()", "SELECT pgbridge_now()");
    translates_to("SELECT CURRENT_TIMESTAMP", "SELECT pgbridge_now()");
    translates_to("SELECT pg_catalog.now()", "SELECT pgbridge_now()");
    translates_to("SELECT transaction_timestamp()", "SELECT pgbridge_now()");
    translates_to("SELECT clock_timestamp()", "SELECT pgbridge_clock()");
    translates_to("SELECT statement_timestamp()", "SELECT pgbridge_clock()");
}

#[test]
fn niladic_functions() {
    translates_to("SELECT current_user", "SELECT current_user()");
    translates_to("SELECT session_user", "SELECT current_user()");
    translates_to("SELECT current_schema", "SELECT current_schema()");
    translates_to("SELECT current_schema()", "SELECT current_schema()");
    translates_to("SELECT current_catalog", "SELECT current_database()");
    translates_to("SELECT version()", "SELECT version()");
}

// DDL

#[test]
fn serial_primary_keys() {
    translates_to(
        "CREATE TABLE t (id SERIAL PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    );
    translates_to(
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
    );
}

#[test]
fn identity_primary_keys() {
    translates_to(
        "CREATE TABLE t (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
    );
    translates_to(
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
    );
}

#[test]
fn table_level_primary_key_with_serial() {
    translates_to(
        "CREATE TABLE t (id SERIAL, name TEXT, PRIMARY KEY (id))",
        "CREATE TABLE t (id INTEGER, name TEXT, PRIMARY KEY (id))",
    );
}

#[test]
fn serial_outside_the_primary_key() {
    refuses(
        "CREATE TABLE t (id SERIAL PRIMARY KEY, n BIGSERIAL)",
        "auto-increment column \"n\"",
    );
}

#[test]
fn column_types() {
    translates_to(
        "CREATE TABLE t (a BOOLEAN, b TIMESTAMPTZ, c UUID, d JSONB, e BYTEA, f NUMERIC(10,2), \
         g VARCHAR(20), h DOUBLE PRECISION, i DATE, j SMALLINT)",
        "CREATE TABLE t (a INTEGER, b TEXT, c TEXT, d TEXT, e BLOB, f NUMERIC, \
         g TEXT CONSTRAINT pgbridge_varchar_20 CHECK (length(\"g\") <= 20), h REAL, \
         i TEXT, j INTEGER)",
    );
    refuses("CREATE TABLE t (tags TEXT[])", "column type TEXT[]");
}

#[test]
fn column_defaults() {
    translates_to(
        "CREATE TABLE t (created TIMESTAMPTZ NOT NULL DEFAULT now(), flag BOOLEAN DEFAULT false)",
        "CREATE TABLE t (created TEXT NOT NULL DEFAULT (pgbridge_now()), flag INTEGER DEFAULT false)",
    );
}

#[test]
fn public_schema_in_ddl() {
    translates_to(
        "CREATE TABLE public.t (id int)",
        "CREATE TABLE t (id INTEGER)",
    );
}

#[test]
fn alter_table() {
    translates_to(
        "ALTER TABLE t ADD COLUMN done BOOLEAN DEFAULT true",
        "ALTER TABLE t ADD COLUMN done INTEGER DEFAULT true",
    );
    translates_to("ALTER TABLE t DROP COLUMN b", "ALTER TABLE t DROP COLUMN b");
    translates_to(
        "ALTER TABLE t RENAME COLUMN a TO b",
        "ALTER TABLE t RENAME COLUMN a TO b",
    );
    translates_to("ALTER TABLE t RENAME TO u", "ALTER TABLE t RENAME TO u");
    refuses(
        "ALTER TABLE t ALTER COLUMN a TYPE bigint",
        "ALTER TABLE ALTER COLUMN",
    );
    refuses(
        "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)",
        "ALTER TABLE ADD CONSTRAINT",
    );
}

// DML

#[test]
fn insert_returning() {
    translates_to(
        "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id",
        "INSERT INTO t (a, b) VALUES (?1, ?2) RETURNING id",
    );
    translates_to(
        "UPDATE public.t SET a = $1 WHERE id = $2 RETURNING *",
        "UPDATE t SET a = ?1 WHERE id = ?2 RETURNING *",
    );
    translates_to(
        "DELETE FROM t WHERE id = $1 RETURNING id",
        "DELETE FROM t WHERE id = ?1 RETURNING id",
    );
}

#[test]
fn insert_on_conflict() {
    translates_to(
        "INSERT INTO t (id, x) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET x = EXCLUDED.x",
        "INSERT INTO t (id, x) VALUES (1, 'a') ON CONFLICT(id) DO UPDATE SET x = EXCLUDED.x",
    );
    translates_to(
        "INSERT INTO t (id, x) VALUES (1, 'a') ON CONFLICT (id) DO NOTHING",
        "INSERT INTO t (id, x) VALUES (1, 'a') ON CONFLICT(id) DO NOTHING",
    );
    translates_to(
        "INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING",
    );
}

#[test]
fn insert_on_conflict_on_constraint() {
    refuses(
        "INSERT INTO t (id) VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING",
        "ON CONFLICT ON CONSTRAINT t_pkey",
    );
}

#[test]
fn public_schema() {
    translates_to(
        "SELECT * FROM public.t JOIN public.u ON t.id = u.id",
        "SELECT * FROM t JOIN u ON t.id = u.id",
    );
    translates_to("SELECT public.t.id FROM public.t", "SELECT t.id FROM t");
    // Other schemas are SQLite attached databases and stay as written.
    translates_to("SELECT * FROM other.t", "SELECT * FROM other.t");
}

#[test]
fn row_locks_are_dropped() {
    translates_to(
        "SELECT * FROM t WHERE id = 1 FOR UPDATE",
        "SELECT * FROM t WHERE id = 1",
    );
    translates_to("SELECT * FROM t FOR SHARE SKIP LOCKED", "SELECT * FROM t");
    translates_to(
        "SELECT * FROM t WHERE id IN (SELECT id FROM u FOR UPDATE)",
        "SELECT * FROM t WHERE id IN (SELECT id FROM u)",
    );
}

// Subqueries and set operations

#[test]
fn any_and_all_over_subqueries() {
    translates_to(
        "SELECT 1 FROM t WHERE a = ANY (SELECT b FROM u)",
        "SELECT 1 FROM t WHERE a IN (SELECT b FROM u)",
    );
    translates_to(
        "SELECT 1 FROM t WHERE a = SOME (SELECT b FROM u)",
        "SELECT 1 FROM t WHERE a IN (SELECT b FROM u)",
    );
    translates_to(
        "SELECT 1 FROM t WHERE a <> ALL (SELECT b FROM u)",
        "SELECT 1 FROM t WHERE a NOT IN (SELECT b FROM u)",
    );
    // Other comparisons: comparisons_with_every_or_any_row_are_exists_tests.
    refuses(
        "SELECT 1 FROM t WHERE a > ANY (SELECT b, c FROM u)",
        "> ANY",
    );
    refuses(
        "SELECT 1 FROM t WHERE a < ALL (SELECT b, c FROM u UNION SELECT c, d FROM v)",
        "< ALL",
    );
}

#[test]
fn set_operations_and_ctes() {
    translates_to(
        "WITH x AS (SELECT a FROM t) SELECT a FROM x UNION SELECT b FROM u ORDER BY 1",
        "WITH x AS (SELECT a FROM t) SELECT a FROM x UNION SELECT b FROM u ORDER BY 1 NULLS LAST",
    );
}

// Collations

#[test]
fn collations() {
    translates_to(
        "SELECT a COLLATE \"C\" FROM t",
        "SELECT a COLLATE BINARY FROM t",
    );
    translates_to(
        "SELECT * FROM t ORDER BY a COLLATE \"C\"",
        "SELECT * FROM t ORDER BY a COLLATE BINARY NULLS LAST",
    );
    translates_to("SELECT a COLLATE \"default\" FROM t", "SELECT a FROM t");
    translates_to(
        "CREATE TABLE t (a TEXT COLLATE \"C\", b TEXT COLLATE \"default\")",
        "CREATE TABLE t (a TEXT COLLATE BINARY, b TEXT)",
    );
    refuses("SELECT a COLLATE \"en_US\" FROM t", "COLLATE \"en_US\"");
    refuses(
        "CREATE TABLE t (a TEXT COLLATE \"de-x-icu\")",
        "COLLATE \"de-x-icu\"",
    );
}

// Refused constructs

#[test]
fn similar_to() {
    refuses("SELECT * FROM t WHERE a SIMILAR TO 'x%'", "SIMILAR TO");
    refuses("SELECT * FROM t WHERE a NOT SIMILAR TO 'x%'", "SIMILAR TO");
}

#[test]
fn distinct_on() {
    // Output names and positions stand for their expressions inside the window; an unnamed
    // expression keeps PostgreSQL's output name.
    translates_to(
        "SELECT DISTINCT ON (1) lower(name), id AS n FROM t ORDER BY 1, n DESC",
        "SELECT pgbridge_c1 AS \"lower\", pgbridge_c2 AS n FROM (SELECT lower(name) AS pgbridge_c1, id AS pgbridge_c2, ROW_NUMBER() OVER (PARTITION BY lower(name) ORDER BY lower(name) NULLS LAST, id DESC NULLS FIRST) AS pgbridge_row FROM t) AS distinct_on WHERE pgbridge_row = 1 ORDER BY pgbridge_c1 NULLS LAST, pgbridge_c2 DESC NULLS FIRST",
    );
    refuses(
        "SELECT DISTINCT ON (a) * FROM t ORDER BY a",
        "SELECT DISTINCT ON with * over a CTE, a subquery or an unknown table",
    );
    translates_to("SELECT DISTINCT a FROM t", "SELECT DISTINCT a FROM t");
}

#[test]
fn arrays() {
    refuses("SELECT ARRAY[1, 2, 3]", "ARRAY[..] constructor");
    refuses("SELECT ARRAY(SELECT 1)", "array(..)");
    // array_agg collects array text with the backend's aggregate; a subscript reads array text.
    translates_to(
        "SELECT array_agg(a ORDER BY b DESC) FILTER (WHERE b > 0) FROM t",
        "SELECT pgbridge_array_agg(a ORDER BY b DESC NULLS FIRST) FILTER (WHERE b > 0) FROM t",
    );
    refuses("SELECT array_agg(a) OVER () FROM t", "array_agg(..)");
    translates_to(
        "SELECT a[1], t.b[i - 1] FROM t",
        "SELECT pgbridge_array_element(a, 1), pgbridge_array_element(t.b, pgbridge_sub(i, 1)) FROM t",
    );
    refuses("SELECT a[1:2] FROM t", "array subscript");
    // A list written as an array is an IN list; an empty one is false (ANY) or true (ALL).
    translates_to(
        "SELECT * FROM t WHERE id = ANY(ARRAY[1, 2])",
        "SELECT * FROM t WHERE id IN (1, 2)",
    );
    translates_to(
        "SELECT * FROM t WHERE k = ANY (ARRAY[$1::VARCHAR, $2::VARCHAR]::VARCHAR[])",
        "SELECT * FROM t WHERE k IN (CAST(?1 AS TEXT), CAST(?2 AS TEXT))",
    );
    translates_to(
        "SELECT * FROM t WHERE id <> ALL(ARRAY[1, 2])",
        "SELECT * FROM t WHERE id NOT IN (1, 2)",
    );
    translates_to(
        "SELECT * FROM t WHERE id = ANY(ARRAY[]::int[])",
        "SELECT * FROM t WHERE false",
    );
    // Against array text (the catalog's `indkey`, a text parameter): the membership function.
    translates_to(
        "SELECT * FROM t WHERE id = ANY($1)",
        "SELECT * FROM t WHERE pgbridge_array_contains(?1, id)",
    );
    translates_to(
        "SELECT * FROM t WHERE id <> ALL($1)",
        "SELECT * FROM t WHERE NOT (pgbridge_array_contains(?1, id))",
    );
    refuses("SELECT * FROM t WHERE id > ANY($1)", "> ANY (..)");
    refuses(
        "SELECT * FROM t WHERE a LIKE ANY (ARRAY['a', 'b'])",
        "LIKE ANY",
    );
    refuses(
        "SELECT * FROM t WHERE a ILIKE ANY (ARRAY['a', 'b'])",
        "LIKE ANY",
    );
    refuses("SELECT * FROM unnest($1::int[])", "array type INT[]");
}

#[test]
fn set_returning_functions_over_arrays_in_a_select_list() {
    translates_to(
        "SELECT i.indrelid, unnest(i.indkey) AS attnum, generate_subscripts(i.indkey, 1) AS ord FROM pg_index i",
        "SELECT i.indrelid, json_extract(pgbridge_elements_0.value, '$[0]') AS attnum, \
         pgbridge_array_subscript(i.indkey, pgbridge_elements_0.\"key\", 1) AS ord \
         FROM pg_index i, json_each(pgbridge_array_zip(i.indkey)) AS pgbridge_elements_0",
    );
    // Two arrays advance together, up to the longer one.
    translates_to(
        "SELECT unnest(indkey), unnest(indclass) FROM pg_index",
        "SELECT json_extract(pgbridge_elements_0.value, '$[0]'), \
         json_extract(pgbridge_elements_0.value, '$[1]') \
         FROM pg_index, json_each(pgbridge_array_zip(indkey, indclass)) AS pgbridge_elements_0",
    );
    // pgjdbc's getPrimaryKeys: a record of (element, position) and its fields.
    translates_to(
        "SELECT r.k FROM (SELECT (information_schema._pg_expandarray(indkey)).n AS k, \
         information_schema._pg_expandarray(indkey) AS keys FROM pg_index) r WHERE (r.keys).x = 1",
        "SELECT r.k FROM (SELECT json_extract((json_object('x', json_extract(pgbridge_elements_0.value, '$[0]'), 'n', (pgbridge_add(pgbridge_elements_0.\"key\", 1)))), '$.n') AS k, \
         json_object('x', json_extract(pgbridge_elements_0.value, '$[0]'), 'n', (pgbridge_add(pgbridge_elements_0.\"key\", 1))) AS keys \
         FROM pg_index, json_each(pgbridge_array_zip(indkey)) AS pgbridge_elements_0) r \
         WHERE json_extract((r.keys), '$.x') = 1",
    );
}

#[test]
fn trim_from_becomes_sqlite_trim_functions() {
    translates_to(
        "SELECT trim(both '\"' from a), trim(leading 'x' from a), trim(trailing from a), trim(a) FROM t",
        "SELECT trim(a, '\"'), ltrim(a, 'x'), rtrim(a), TRIM(a) FROM t",
    );
}

#[test]
fn lateral() {
    refuses(
        "SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.id = t.id) s",
        "LATERAL",
    );
    refuses(
        "SELECT * FROM t CROSS JOIN LATERAL generate_series(1, t.n)",
        "LATERAL",
    );
    translates_to(
        "SELECT * FROM t, (SELECT * FROM u) s",
        "SELECT * FROM t, (SELECT * FROM u) s",
    );
}

#[test]
fn computed_defaults_are_parenthesised() {
    translates_to(
        "CREATE TABLE t (id INT, at TIMESTAMPTZ DEFAULT now(), n INT DEFAULT -1, s TEXT DEFAULT 'x')",
        "CREATE TABLE t (id INTEGER, at TEXT DEFAULT (pgbridge_now()), n INTEGER DEFAULT -1, s TEXT DEFAULT 'x')",
    );
}

// The catalog queries psql sends

#[test]
fn regular_expressions() {
    translates_to(
        "SELECT * FROM t WHERE a ~ 'x'",
        "SELECT * FROM t WHERE pgbridge_regex_match(a, 'x', '')",
    );
    translates_to(
        "SELECT * FROM t WHERE a ~* 'x'",
        "SELECT * FROM t WHERE pgbridge_regex_match(a, 'x', 'i')",
    );
    translates_to(
        "SELECT * FROM t WHERE a !~ 'x'",
        "SELECT * FROM t WHERE NOT pgbridge_regex_match(a, 'x', '')",
    );
    translates_to(
        "SELECT * FROM t WHERE a !~* 'x'",
        "SELECT * FROM t WHERE NOT pgbridge_regex_match(a, 'x', 'i')",
    );
}

#[test]
fn psql_relation_lookup() {
    translates_to(
        "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' \
         COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid)",
        "SELECT c.oid FROM pg_catalog.pg_class c WHERE pgbridge_regex_match(c.relname, '^(t)$', '') \
         AND pg_table_is_visible(c.oid)",
    );
}

#[test]
fn object_references_shown_by_name_compared_by_oid() {
    translates_to(
        "SELECT conrelid::pg_catalog.regclass AS ontable FROM pg_constraint \
         WHERE confrelid IN (VALUES ('16388'::pg_catalog.regclass)) ORDER BY conrelid::regclass",
        "SELECT pgbridge_regclass_name(conrelid) AS ontable FROM pg_constraint \
         WHERE confrelid IN (VALUES (pgbridge_regclass('16388'))) ORDER BY pgbridge_regclass(conrelid) NULLS LAST",
    );
    translates_to(
        "SELECT CASE WHEN x = 0 THEN '' ELSE x::pg_catalog.regtype::pg_catalog.text END FROM t",
        "SELECT CASE WHEN x = 0 THEN '' ELSE CAST(pgbridge_regtype_name(x) AS TEXT) END FROM t",
    );
}

#[test]
fn always_empty_catalog_relations() {
    translates_to(
        "SELECT pol.polname, pg_catalog.array_to_string(array(select rolname from pg_roles \
         where oid = any (pol.polroles) order by 1),',') AS roles FROM pg_catalog.pg_policy pol \
         WHERE pol.polrelid = '16388' ORDER BY 1",
        "SELECT NULL AS \"polname\", NULL AS \"roles\" WHERE false",
    );
    translates_to(
        "SELECT pubname FROM pg_publication p WHERE p.puballtables \
         UNION SELECT pubname FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid ORDER BY 1",
        "SELECT NULL AS \"pubname\" WHERE false UNION SELECT NULL AS \"pubname\" WHERE false",
    );
    // An outer join keeps the other side's rows; an aggregate returns a row.
    translates_to(
        "SELECT c.relname FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid",
        "SELECT c.relname FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid",
    );
    translates_to(
        "SELECT count(*) FROM pg_trigger",
        "SELECT count(*) FROM pg_trigger",
    );
}

#[test]
fn catalog_function_qualifier_dropped() {
    translates_to(
        "SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c",
        "SELECT pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c",
    );
}

#[test]
fn keywords_used_as_names_are_quoted() {
    translates_to(
        "SELECT id AS isnull, t.order FROM t WHERE t.order > 1",
        "SELECT id AS \"isnull\", t.\"order\" FROM t WHERE t.\"order\" > 1",
    );
}

#[test]
fn drop_of_several_tables_becomes_one_drop_each() {
    translates_to(
        "DROP TABLE IF EXISTS a, b",
        "DROP TABLE IF EXISTS a; DROP TABLE IF EXISTS b",
    );
}

#[test]
fn added_keys_become_unique_indexes() {
    translates_to(
        "ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid)",
        "CREATE UNIQUE INDEX \"pgbench_branches_pkey\" ON \"pgbench_branches\" (\"bid\")",
    );
    translates_to(
        "ALTER TABLE t ADD CONSTRAINT t_code UNIQUE (a, b)",
        "CREATE UNIQUE INDEX \"t_code\" ON \"t\" (\"a\", \"b\")",
    );
}

#[test]
fn values_with_column_names() {
    translates_to(
        "SELECT x FROM (VALUES (1), (NULL)) AS v(x) ORDER BY x",
        "SELECT x FROM (SELECT column1 AS x FROM (VALUES (1), (NULL))) AS v ORDER BY x NULLS LAST",
    );
    refuses(
        "SELECT a FROM (SELECT 1) AS s(a)",
        "column names after a subquery's alias",
    );
}

// Translations that depend on column types

struct Flags;

impl pgbridge_dialects::SchemaLookup for Flags {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, pgbridge_dialects::PgType)>> {
        use pgbridge_dialects::PgType;
        (table == "flags").then(|| {
            vec![
                ("id".into(), PgType::Int4),
                ("enabled".into(), PgType::Bool),
                ("price".into(), PgType::Numeric),
                ("at".into(), PgType::Timestamptz),
                ("note".into(), PgType::Text),
            ]
        })
    }
}

/// Asserts that `pg_sql` translates to exactly `expected` with the columns of `flags` known.
fn translates_with_schema_to(pg_sql: &str, expected: &str) {
    let statements = parse(pg_sql).unwrap();
    let translated =
        pgbridge_dialects::translate_with_schema(&statements[0], Target::Sqlite, &Flags).unwrap();
    assert_eq!(translated.sql, expected, "translating {pg_sql}");
}

#[test]
fn distinct_on_spells_out_star_from_the_schema() {
    translates_with_schema_to(
        "SELECT DISTINCT ON (f.enabled) * FROM flags AS f ORDER BY f.enabled, at",
        "SELECT pgbridge_c1 AS \"id\", pgbridge_c2 AS \"enabled\", pgbridge_c3 AS \"price\", pgbridge_c4 AS \"at\", pgbridge_c5 AS \"note\" FROM (SELECT f.\"id\" AS pgbridge_c1, f.\"enabled\" AS pgbridge_c2, f.\"price\" AS pgbridge_c3, f.\"at\" AS pgbridge_c4, f.\"note\" AS pgbridge_c5, ROW_NUMBER() OVER (PARTITION BY f.\"enabled\" ORDER BY f.\"enabled\" NULLS LAST, f.\"at\" NULLS LAST) AS pgbridge_row FROM flags AS f) AS distinct_on WHERE pgbridge_row = 1 ORDER BY pgbridge_c2 NULLS LAST, pgbridge_c4 NULLS LAST",
    );
}

#[test]
fn distinct_on_spells_out_a_qualified_star() {
    translates_with_schema_to(
        "SELECT DISTINCT ON (id) F.* FROM flags f",
        "SELECT pgbridge_c1 AS \"id\", pgbridge_c2 AS \"enabled\", pgbridge_c3 AS \"price\", pgbridge_c4 AS \"at\", pgbridge_c5 AS \"note\" FROM (SELECT f.\"id\" AS pgbridge_c1, f.\"enabled\" AS pgbridge_c2, f.\"price\" AS pgbridge_c3, f.\"at\" AS pgbridge_c4, f.\"note\" AS pgbridge_c5, ROW_NUMBER() OVER (PARTITION BY f.\"id\" ORDER BY (SELECT NULL) NULLS LAST) AS pgbridge_row FROM flags f) AS distinct_on WHERE pgbridge_row = 1",
    );
}

#[test]
fn literals_assigned_to_typed_columns_are_converted() {
    translates_with_schema_to(
        "INSERT INTO flags VALUES (2147483648, 't', 1.5, '2024-01-01 10:00+02', 'x')",
        "INSERT INTO flags VALUES (pgbridge_int4(2147483648), pgbridge_bool('t'), 1.5, \
         pgbridge_timestamptz('2024-01-01 10:00+02'), 'x')",
    );
    translates_with_schema_to(
        "INSERT INTO flags (note, id) VALUES ('thirty', 'thirty')",
        "INSERT INTO flags (note, id) VALUES ('thirty', pgbridge_int4('thirty'))",
    );
    translates_with_schema_to(
        "UPDATE flags SET id = -3, note = 'n', enabled = id > 2",
        "UPDATE flags SET id = pgbridge_int4(-3), note = 'n', enabled = id > 2",
    );
}

#[test]
fn boolean_columns_compare_with_text_literals_as_booleans() {
    translates_with_schema_to(
        "SELECT id FROM flags WHERE enabled = 'true'",
        "SELECT id FROM flags WHERE enabled = pgbridge_bool('true')",
    );
}

#[test]
fn numeric_divisions_are_fractional() {
    translates_with_schema_to(
        "SELECT price / 2, id / 2 FROM flags",
        "SELECT pgbridge_div(pgbridge_float8(price), 2), pgbridge_div(id, 2) FROM flags",
    );
    translates_to(
        "SELECT 7::numeric / 2",
        "SELECT pgbridge_div(pgbridge_float8(pgbridge_numeric(7)), 2)",
    );
}

#[test]
fn like_escapes_with_backslash_as_postgresql() {
    translates_to(
        r"SELECT * FROM t WHERE a LIKE '%100\%%'",
        r"SELECT * FROM t WHERE a LIKE '%100\%%' ESCAPE '\'",
    );
    translates_to(
        "SELECT * FROM t WHERE a LIKE b",
        r"SELECT * FROM t WHERE a LIKE b ESCAPE '\'",
    );
    // A literal pattern without backslashes means the same either way.
    translates_to(
        "SELECT * FROM t WHERE a LIKE 'x%'",
        "SELECT * FROM t WHERE a LIKE 'x%'",
    );
}

#[test]
fn offset_without_limit_and_no_limit() {
    translates_to(
        "SELECT a FROM t ORDER BY a OFFSET 2",
        "SELECT a FROM t ORDER BY a NULLS LAST LIMIT -1 OFFSET 2",
    );
    translates_to("SELECT a FROM t LIMIT NULL", "SELECT a FROM t LIMIT -1");
}

#[test]
fn negative_limits_fail_as_in_postgresql() {
    let statements = parse("SELECT a FROM t LIMIT -1").unwrap();
    let error = translate(&statements[0], Target::Sqlite).unwrap_err();
    assert_eq!(error.sqlstate(), "2201W");
    let statements = parse("SELECT a FROM t OFFSET -1").unwrap();
    let error = translate(&statements[0], Target::Sqlite).unwrap_err();
    assert_eq!(error.sqlstate(), "2201X");
    assert_eq!(error.to_string(), "OFFSET must not be negative");
}

#[test]
fn generate_series_in_from_counts_as_postgresql() {
    // Arguments in, `start + step * value` out, over the count PostgreSQL would give.
    translates_to(
        "SELECT n FROM generate_series(10, 0, -3) AS g(n)",
        "SELECT n FROM (SELECT pgbridge_add((10), pgbridge_mul((-3), value)) AS n \
         FROM generate_series(0, CASE WHEN pgbridge_mul((pgbridge_sub((0), (10))), sign((-3))) \
         < 0 THEN -1 ELSE pgbridge_div((pgbridge_sub((0), (10))), (-3)) END)) AS g",
    );
    // A function's alias names its one column too.
    // Dates subtracted are a number of days: the series is one of integers.
    let (sql, _) = translate_sqlite(
        "SELECT n FROM generate_series(0, DATE '2024-03-01' - DATE '2024-02-01') AS n",
    )
    .unwrap();
    assert!(sql.contains("AS n FROM generate_series(0, "), "{sql}");
    let (sql, _) = translate_sqlite("SELECT SUM(n) FROM generate_series(1, 100) AS n").unwrap();
    assert!(sql.contains("AS n FROM generate_series(0, "), "{sql}");
    assert!(sql.ends_with(") AS n"), "{sql}");
}

#[test]
fn extract_is_date_part() {
    translates_to(
        "SELECT EXTRACT(MONTH FROM d) FROM t",
        "SELECT date_part('month', d) FROM t",
    );
}

/// The backend registers PostgreSQL's builders under their own names (SQLite's json_object
/// writes compact JSON and a boolean as 1).
#[test]
fn json_builders_keep_their_names() {
    translates_to(
        "SELECT json_build_object('a', 1, 'b', x) FROM t",
        "SELECT json_build_object('a', 1, 'b', x) FROM t",
    );
    translates_to(
        "SELECT jsonb_build_object('a', 1)",
        "SELECT jsonb_build_object('a', 1)",
    );
}

#[test]
fn standard_row_limits_become_limit_and_offset() {
    translates_to(
        "SELECT id FROM t ORDER BY id FETCH FIRST 3 ROWS ONLY",
        "SELECT id FROM t ORDER BY id NULLS LAST LIMIT 3",
    );
    translates_to(
        "SELECT id FROM t ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY",
        "SELECT id FROM t ORDER BY id NULLS LAST LIMIT 2 OFFSET 2",
    );
    translates_to(
        "SELECT id FROM t FETCH FIRST ROW ONLY",
        "SELECT id FROM t LIMIT 1",
    );
    translates_to(
        "SELECT id FROM t OFFSET 5 ROWS",
        "SELECT id FROM t LIMIT -1 OFFSET 5",
    );
    refuses(
        "SELECT id FROM t ORDER BY id FETCH FIRST 2 ROWS WITH TIES",
        "FETCH .. WITH TIES",
    );
}

#[test]
fn dollar_quoted_strings_become_plain_literals() {
    translates_to("SELECT $$it's$$, $tag$a$$b$tag$", "SELECT 'it''s', 'a$$b'");
}

#[test]
fn special_call_syntax_becomes_registered_functions() {
    translates_to(
        "SELECT substring(email FROM 1 FOR 4), position('@' IN email) FROM people",
        "SELECT substring(email, 1, 4), strpos(email, '@') FROM people",
    );
    translates_to(
        "SELECT substring(sku FROM '[0-9]+') FROM products",
        "SELECT pgbridge_substring_regex(sku, '[0-9]+') FROM products",
    );
}

#[test]
fn jsonb_operators_become_registered_functions() {
    translates_to(
        "SELECT body #>> '{a,0}', body #> '{a}' FROM docs WHERE body @> '{\"x\": 1}'",
        "SELECT pgbridge_json_path_text(body, '{a,0}'), pgbridge_json_path(body, '{a}') \
         FROM docs WHERE pgbridge_json_contains(body, '{\"x\": 1}')",
    );
    translates_to(
        "SELECT body ? 'k', body ?| ARRAY['a', 'b\"'], '{}' <@ body FROM docs",
        "SELECT pgbridge_json_exists(body, 'k'), pgbridge_json_exists_any(body, '{\"a\",\"b\\\"\"}'), \
         pgbridge_json_contained('{}', body) FROM docs",
    );
}

#[test]
fn json_builders_mark_json_and_boolean_arguments() {
    translates_to(
        "SELECT json_build_object('b', TRUE, 'j', '{}'::jsonb, 'n', 1)",
        "SELECT json_build_object('b', pgbridge_json_value(CASE WHEN true THEN 'true' WHEN NOT (true) THEN 'false' END, 0), \
         'j', pgbridge_json_value(pgbridge_jsonb('{}'), 1), 'n', 1)",
    );
}

#[test]
fn drop_cascade_drops_without_the_word() {
    translates_to(
        "DROP TABLE IF EXISTS books, tags CASCADE",
        "DROP TABLE IF EXISTS books; DROP TABLE IF EXISTS tags",
    );
}

#[test]
fn scalar_subqueries_count_their_rows() {
    translates_to(
        "SELECT (SELECT id FROM teams) AS one_id",
        "SELECT (SELECT CASE WHEN count(*) > 1 THEN pgbridge_raise('21000', 'more than one row returned by a subquery used as an expression') ELSE max(pgbridge_value) END FROM (SELECT id AS pgbridge_value FROM teams LIMIT 2) AS pgbridge_rows) AS one_id",
    );
    // A row subquery is compared as a row; EXISTS and IN read rows, not a value.
    translates_to(
        "SELECT 1 FROM t WHERE EXISTS (SELECT 1 FROM u) AND a IN (SELECT b FROM u)",
        "SELECT 1 FROM t WHERE EXISTS (SELECT 1 FROM u) AND a IN (SELECT b FROM u)",
    );
}

#[test]
fn scalar_subqueries_of_one_row_by_shape_stay() {
    for sql in [
        "SELECT (SELECT count(*) FROM u) FROM t",
        "SELECT (SELECT b FROM u ORDER BY b LIMIT 1) FROM t",
        "SELECT (SELECT 1) FROM t",
    ] {
        let (translated, _) = translate_sqlite(sql).unwrap();
        assert!(!translated.contains("pgbridge_raise"), "{translated}");
    }
}

#[test]
fn a_scalar_subquery_keeps_the_alias_its_order_by_uses() {
    translates_to(
        "SELECT (SELECT name AS n FROM u ORDER BY n) FROM t",
        "SELECT (SELECT CASE WHEN count(*) > 1 THEN pgbridge_raise('21000', 'more than one row returned by a subquery used as an expression') ELSE max(n) END FROM (SELECT name AS n FROM u ORDER BY n NULLS LAST LIMIT 2) AS pgbridge_rows) FROM t",
    );
}

#[test]
fn floats_round_half_to_even() {
    // PostgreSQL's rint: round(2.5::float8) and 2.5::float8::int are 2.
    translates_to(
        "SELECT round(2.5::float8), 2.5::float8::int",
        "SELECT pgbridge_rint(pgbridge_float8(2.5)), \
         pgbridge_int4(pgbridge_rint(pgbridge_float8(2.5)))",
    );
    // A numeric keeps SQLite's half-away-from-zero rounding; round(x, n) is PostgreSQL's.
    translates_to(
        "SELECT round(2.5), 2.5::int, round(1.25, 1)",
        "SELECT round(2.5), pgbridge_int4(2.5), pgbridge_round(1.25, 1)",
    );
}

#[test]
fn delete_using_chooses_rows_by_rowid() {
    translates_to(
        "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.name = 'x' \
         RETURNING o.id",
        "DELETE FROM orders AS o WHERE rowid IN (SELECT o.rowid FROM orders o, customers c \
         WHERE o.customer_id = c.id AND c.name = 'x') RETURNING orders.id",
    );
    translates_to(
        "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id RETURNING o.*",
        "DELETE FROM orders AS o WHERE rowid IN (SELECT o.rowid FROM orders o, customers c \
         WHERE o.customer_id = c.id) RETURNING *",
    );
    // PostgreSQL's RETURNING reads the USING tables too; SQLite's the deleted table only.
    for returning in ["c.name", "*", "c.*"] {
        refuses(
            &format!(
                "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id \
                 RETURNING {returning}"
            ),
            "DELETE .. USING .. RETURNING",
        );
    }
}

#[test]
fn update_from_returns_the_written_table_only() {
    translates_to(
        "UPDATE orders o SET status = c.name FROM customers c WHERE o.customer_id = c.id \
         RETURNING o.id",
        "UPDATE orders AS o SET status = c.name FROM customers c WHERE o.customer_id = c.id \
         RETURNING orders.id",
    );
    for returning in ["c.name", "*", "c.*"] {
        refuses(
            &format!(
                "UPDATE orders o SET status = 'x' FROM customers c WHERE o.customer_id = c.id \
                 RETURNING {returning}"
            ),
            "UPDATE .. FROM .. RETURNING",
        );
    }
}

#[test]
fn update_and_delete_aliases_name_the_table() {
    // SQLite wants `AS` there, and its RETURNING cannot read the alias.
    // Only RETURNING names the table: a subquery over the same table keeps the outer alias.
    translates_to(
        "UPDATE orders o SET status = 'x' WHERE o.id = 1 RETURNING o.id",
        "UPDATE orders AS o SET status = 'x' WHERE o.id = 1 RETURNING orders.id",
    );
    translates_to(
        "DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM orders WHERE orders.parent = o.id) \
         RETURNING o.id",
        "DELETE FROM orders AS o WHERE EXISTS (SELECT 1 FROM orders WHERE orders.parent = o.id) \
         RETURNING orders.id",
    );
    translates_to(
        "DELETE FROM orders o WHERE o.id = 1 RETURNING o.*",
        "DELETE FROM orders AS o WHERE o.id = 1 RETURNING *",
    );
    // In RETURNING, `orders.id` inside a subquery over orders would name the subquery's row.
    translates_to(
        "UPDATE orders o SET status = 'x' RETURNING (SELECT count(*) FROM customers \
         WHERE customers.id = o.customer_id)",
        "UPDATE orders AS o SET status = 'x' RETURNING (SELECT count(*) FROM customers \
         WHERE customers.id = orders.customer_id)",
    );
    for subquery in [
        "SELECT count(*) FROM orders WHERE orders.parent = o.id",
        "SELECT count(*) FROM orders AS orders WHERE orders.parent = o.id",
        "SELECT 1 FROM orders WHERE orders.parent = o.id UNION ALL SELECT 2",
        "SELECT 1 FROM (orders JOIN customers ON true) WHERE orders.parent = o.id",
    ] {
        refuses(
            &format!("UPDATE orders o SET status = 'x' RETURNING ({subquery})"),
            "a subquery over the written table",
        );
    }
}
