//! Golden tests for the MySQL (MariaDB 10.11) target: PostgreSQL text in, the exact MariaDB
//! text out, or a refusal with SQLSTATE 0A000. The outputs were run on MariaDB 10.11 after
//! `session_setup` and compared with PostgreSQL 15 by hand (see the branch report).

use pgbridge_dialects::{
    PgType, SchemaLookup, Target, TranslateError, Translation, parse, translate_with_schema,
};

/// `t(a int, b int, x numeric, name text, flag bool, at timestamptz, day date, payload bytea)`: enough schema to type
/// columns.
struct Schema;

impl SchemaLookup for Schema {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        (table == "t").then(|| {
            vec![
                ("a".to_owned(), PgType::Int4),
                ("b".to_owned(), PgType::Int4),
                ("x".to_owned(), PgType::Numeric),
                ("name".to_owned(), PgType::Text),
                ("flag".to_owned(), PgType::Bool),
                ("at".to_owned(), PgType::Timestamptz),
                ("day".to_owned(), PgType::Date),
                ("payload".to_owned(), PgType::Bytea),
            ]
        })
    }
}

fn translate_mysql(pg_sql: &str) -> Result<Translation, TranslateError> {
    let statements = parse(pg_sql).unwrap_or_else(|error| panic!("{pg_sql}: {error}"));
    assert_eq!(statements.len(), 1, "{pg_sql}: expected one statement");
    translate_with_schema(&statements[0], Target::MySql, &Schema)
}

fn translates_to(pg_sql: &str, expected: &str) {
    match translate_mysql(pg_sql) {
        Ok(translation) => assert_eq!(translation.sql, expected, "translating {pg_sql}"),
        Err(error) => panic!("{pg_sql}: expected {expected}, got error {error}"),
    }
}

fn refuses(pg_sql: &str, construct: &str) {
    match translate_mysql(pg_sql) {
        Ok(translation) => panic!("{pg_sql}: expected a refusal, got {}", translation.sql),
        Err(error) => {
            assert_eq!(error.sqlstate(), "0A000", "{pg_sql}: {error:?}");
            let message = error.to_string();
            assert!(
                message.contains(construct) && message.contains("MySQL"),
                "{pg_sql}: message {message:?} does not name {construct:?}"
            );
        }
    }
}

const DIVISOR_B: &str = "(CASE WHEN b = 0 THEN pgbridge_division_by_zero() ELSE b END)";

#[test]
fn names() {
    assert_eq!(Target::from_name("mysql"), Some(Target::MySql));
    assert_eq!(Target::from_name("MariaDB"), Some(Target::MySql));
    assert_eq!(Target::MySql.dialect().name(), "MySQL");
}

#[test]
fn session_setup_sets_modes_zone_collation_and_helpers() {
    let setup = Target::MySql.dialect().session_setup();
    assert!(setup[0].contains("ANSI_QUOTES") && setup[0].contains("NO_BACKSLASH_ESCAPES"));
    assert!(setup.iter().any(|s| s.contains("time_zone = '+00:00'")));
    assert!(
        setup
            .iter()
            .any(|s| s.contains("COLLATE utf8mb4_nopad_bin"))
    );
    assert!(setup.iter().any(|s| s.contains("group_concat_max_len")));
    let helpers = setup
        .iter()
        .filter(|s| s.starts_with("CREATE FUNCTION IF NOT EXISTS"));
    assert!(helpers.count() >= 6);
    assert!(Target::Sqlite.dialect().session_setup().is_empty());
}

#[test]
fn positional_parameters_in_reading_order() {
    let translation = translate_mysql("SELECT * FROM t WHERE a = $2 AND b = $1 AND name = $2")
        .expect("translates");
    assert_eq!(
        translation.sql,
        "SELECT * FROM t WHERE a = ? AND b = ? AND name = ?"
    );
    assert_eq!(translation.parameter_count, 2);
    assert_eq!(translation.parameter_order, vec![2, 1, 2]);
    // A `$1` inside a literal is text, not a parameter.
    let literal = translate_mysql("SELECT '$1', $1").expect("translates");
    assert_eq!(literal.sql, "SELECT '$1', ?");
    assert_eq!(literal.parameter_order, vec![1]);
}

#[test]
fn integer_division_only_for_two_integers() {
    translates_to(
        "SELECT a / b FROM t",
        &format!("SELECT a DIV {DIVISOR_B} FROM t"),
    );
    translates_to(
        "SELECT 7 / 2",
        "SELECT 7 DIV (CASE WHEN 2 = 0 THEN pgbridge_division_by_zero() ELSE 2 END)",
    );
    translates_to(
        "SELECT 7.0 / 2",
        "SELECT 7.0 / (CASE WHEN 2 = 0 THEN pgbridge_division_by_zero() ELSE 2 END)",
    );
    translates_to(
        "SELECT x / b FROM t",
        &format!("SELECT x / {DIVISOR_B} FROM t"),
    );
    translates_to(
        "SELECT a % b FROM t",
        &format!("SELECT a % {DIVISOR_B} FROM t"),
    );
}

#[test]
fn nulls_sort_like_postgresql() {
    translates_to(
        "SELECT name FROM t ORDER BY name",
        "SELECT name FROM t ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name",
    );
    translates_to(
        "SELECT a FROM t ORDER BY a DESC",
        "SELECT a FROM t ORDER BY CASE WHEN a IS NULL THEN 0 ELSE 1 END, a DESC",
    );
    translates_to(
        "SELECT name, a FROM t ORDER BY 2 NULLS FIRST",
        "SELECT name, a FROM t ORDER BY 2",
    );
    translates_to(
        "SELECT row_number() OVER (ORDER BY a) FROM t",
        "SELECT row_number() OVER (ORDER BY CASE WHEN a IS NULL THEN 1 ELSE 0 END, a) FROM t",
    );
}

#[test]
fn create_table_types_keys_and_defaults() {
    translates_to(
        "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL UNIQUE, \
         email varchar(100), active boolean DEFAULT true, created timestamptz DEFAULT now(), \
         price numeric(10,2), amount numeric, data jsonb, u uuid, pic bytea, big int8, \
         f float8, d date, CHECK (price > 0))",
        "CREATE TABLE users (id INT PRIMARY KEY AUTO_INCREMENT, \
         name LONGTEXT COLLATE utf8mb4_nopad_bin NOT NULL UNIQUE, \
         email VARCHAR(100) COLLATE utf8mb4_nopad_bin, active BOOLEAN DEFAULT true, \
         created DATETIME(6) DEFAULT (NOW(6)), price DECIMAL(10,2), amount DECIMAL(65,30), \
         data JSON, u CHAR(36), pic LONGBLOB, big BIGINT, f DOUBLE, d DATE, CHECK (price > 0))",
    );
    translates_to(
        "CREATE TABLE ids (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int2)",
        "CREATE TABLE ids (id BIGINT PRIMARY KEY AUTO_INCREMENT, v SMALLINT)",
    );
    translates_to(
        "CREATE TABLE small (id bigserial PRIMARY KEY, at timestamp, t time)",
        "CREATE TABLE small (id BIGINT PRIMARY KEY AUTO_INCREMENT, at DATETIME(6), t TIME(6))",
    );
    refuses("CREATE TABLE arr (v int[])", "INT[]");
}

#[test]
fn other_ddl() {
    translates_to(
        "CREATE UNIQUE INDEX tu ON t (name)",
        "CREATE UNIQUE INDEX tu ON t(name)",
    );
    refuses("CREATE INDEX ti ON t (a) WHERE a > 0", "partial index");
    translates_to(
        "ALTER TABLE t ADD COLUMN c text",
        "ALTER TABLE t ADD COLUMN c LONGTEXT COLLATE utf8mb4_nopad_bin",
    );
    translates_to("ALTER TABLE t DROP COLUMN c", "ALTER TABLE t DROP COLUMN c");
    translates_to(
        "ALTER TABLE t RENAME COLUMN c TO d",
        "ALTER TABLE t RENAME COLUMN c TO d",
    );
    translates_to(
        "DROP TABLE IF EXISTS t CASCADE",
        "DROP TABLE IF EXISTS t CASCADE",
    );
    translates_to(
        "CREATE TABLE c AS SELECT a FROM t",
        "CREATE TABLE c AS SELECT a FROM t",
    );
}

#[test]
fn upserts() {
    translates_to(
        "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO NOTHING",
        "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = a",
    );
    translates_to(
        "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b",
        "INSERT INTO t (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b)",
    );
    refuses(
        "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO NOTHING RETURNING a",
        "ON CONFLICT DO NOTHING .. RETURNING",
    );
    translates_to(
        "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT ON CONSTRAINT t_a_key DO UPDATE SET b = EXCLUDED.b",
        "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b)",
    );
    // MariaDB returns the row as updated, as PostgreSQL does.
    translates_to(
        "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = t.b + 1 RETURNING a, b",
        "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = t.b + 1 RETURNING a, b",
    );
    refuses(
        "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 1 WHERE t.b > 0",
        "DO UPDATE .. WHERE",
    );
}

#[test]
fn returning_update_from_delete_using() {
    translates_to(
        "INSERT INTO t (a) VALUES (1) RETURNING a",
        "INSERT INTO t (a) VALUES (1) RETURNING a",
    );
    translates_to(
        "DELETE FROM t WHERE a = 1 RETURNING a",
        "DELETE FROM t WHERE a = 1 RETURNING a",
    );
    refuses("UPDATE t SET b = 1 RETURNING a", "UPDATE .. RETURNING");
    translates_to(
        "UPDATE t SET b = u.b FROM u WHERE t.a = u.a",
        "UPDATE t JOIN u SET t.b = u.b WHERE t.a = u.a",
    );
    translates_to(
        "DELETE FROM t USING u WHERE t.a = u.a",
        "DELETE FROM t USING t, u WHERE t.a = u.a",
    );
    refuses(
        "DELETE FROM t USING u WHERE t.a = u.a RETURNING t.a",
        "DELETE .. USING .. RETURNING",
    );
}

#[test]
fn limit_offset() {
    translates_to(
        "SELECT a FROM t LIMIT 10 OFFSET 5",
        "SELECT a FROM t LIMIT 10 OFFSET 5",
    );
    translates_to(
        "SELECT a FROM t OFFSET 5",
        "SELECT a FROM t LIMIT 18446744073709551615 OFFSET 5",
    );
}

#[test]
fn distinct_on_numbers_rows() {
    translates_to(
        "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, c DESC LIMIT 2",
        "SELECT pgbridge_c1 AS a, pgbridge_c2 AS b FROM (SELECT a AS pgbridge_c1, b AS pgbridge_c2, c AS pgbridge_k1, ROW_NUMBER() OVER (PARTITION BY a ORDER BY CASE WHEN a IS NULL THEN 1 ELSE 0 END, a, CASE WHEN c IS NULL THEN 0 ELSE 1 END, c DESC) AS pgbridge_row FROM t) AS distinct_on WHERE pgbridge_row = 1 ORDER BY CASE WHEN pgbridge_c1 IS NULL THEN 1 ELSE 0 END, pgbridge_c1, CASE WHEN pgbridge_k1 IS NULL THEN 0 ELSE 1 END, pgbridge_k1 DESC LIMIT 2",
    );
}

#[test]
fn refused_queries() {
    refuses("SELECT generate_series(1, 3)", "generate_series");
    refuses("SELECT array_agg(a) FROM t", "array_agg");
    refuses("SELECT age(now())", "age");
    refuses("SELECT now() - interval '1 day'", "interval");
    refuses("SELECT date_trunc('week', now())", "date_trunc('week'");
    refuses("SELECT string_agg(name, name) FROM t", "string_agg");
}

#[test]
fn ctes_and_windows_pass_through() {
    translates_to(
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r",
        "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r",
    );
}

#[test]
fn pattern_matching() {
    translates_to(
        "SELECT name ILIKE 'A%' FROM t",
        "SELECT lower(name) LIKE lower('A%') FROM t",
    );
    translates_to(
        "SELECT name ~ '^a', name ~* '^a' FROM t",
        "SELECT pgbridge_regex_match(name, '^a', ''), pgbridge_regex_match(name, '^a', 'i') FROM t",
    );
    translates_to("SELECT 'a' || name FROM t", "SELECT 'a' || name FROM t");
}

/// The session's values come from the user variables the backend sets on each session's
/// connection, not from MariaDB's `VERSION()`, `USER()` and `DATABASE()`.
#[test]
fn session_functions() {
    translates_to(
        "SELECT version(), current_user, session_user, current_database(), current_schema()",
        "SELECT pgbridge_version(), pgbridge_current_user(), pgbridge_current_user(), \
         pgbridge_current_database(), 'public'",
    );
    let setup = Target::MySql.dialect().session_setup();
    assert!(setup.iter().any(|s| s.contains("RETURN @pgbridge_version")));
}

#[test]
fn string_functions() {
    translates_to(
        "SELECT length(name), strpos(name, 'b'), concat(name, NULL, 'x'), lpad(name, 5) FROM t",
        "SELECT CHAR_LENGTH(name), LOCATE('b', name), CONCAT_WS('', name, NULL, 'x'), \
         lpad(name, 5, ' ') FROM t",
    );
    translates_to(
        "SELECT substring(name FROM 2 FOR 3), position('b' IN name), upper(name), trim(name), \
         left(name, 2), replace(name, 'a', 'b'), concat_ws(',', name, NULL) FROM t",
        "SELECT SUBSTRING(name FROM 2 FOR 3), POSITION('b' IN name), upper(name), TRIM(name), \
         left(name, 2), replace(name, 'a', 'b'), concat_ws(',', name, NULL) FROM t",
    );
    translates_to(
        "SELECT string_agg(name, ',' ORDER BY name) FROM t",
        "SELECT GROUP_CONCAT(name ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name \
         SEPARATOR ',') FROM t",
    );
}

#[test]
fn greatest_and_least_ignore_nulls() {
    translates_to(
        "SELECT greatest(a, b), least(1, NULL) FROM t",
        "SELECT GREATEST(COALESCE(a, b), COALESCE(b, a)), \
         LEAST(COALESCE(1, NULL), COALESCE(NULL, 1)) FROM t",
    );
}

#[test]
fn math_functions() {
    translates_to(
        "SELECT round(x, 2), trunc(x), trunc(x, 1), ceil(x), floor(x), abs(a), mod(a, 2), \
         power(2, 3), sqrt(4), coalesce(a, 0), nullif(a, 1) FROM t",
        "SELECT round(x, 2), TRUNCATE(x, 0), TRUNCATE(x, 1), CEIL(x), FLOOR(x), abs(a), \
         mod(a, 2), power(2, 3), sqrt(4), coalesce(a, 0), nullif(a, 1) FROM t",
    );
}

#[test]
fn dates() {
    translates_to(
        "SELECT date_trunc('month', now()), now(), CURRENT_DATE",
        "SELECT CAST(DATE_FORMAT(NOW(6), '%Y-%m-01') AS DATETIME(6)), NOW(6), CURRENT_DATE",
    );
    translates_to(
        "SELECT extract(year FROM now())",
        "SELECT EXTRACT(YEAR FROM NOW(6))",
    );
}

#[test]
fn json() {
    translates_to(
        "SELECT json_build_object('a', a), json_agg(a) FROM t",
        "SELECT JSON_OBJECT('a', a), JSON_ARRAYAGG(a) FROM t",
    );
    translates_to(
        "SELECT name::json -> 'a' FROM t",
        "SELECT JSON_EXTRACT(pgbridge_json(name), '$.\"a\"') FROM t",
    );
    let extracted = "JSON_EXTRACT(pgbridge_json(name), '$.\"a\".\"b\"')";
    translates_to(
        "SELECT name::jsonb #>> '{a,b}' FROM t",
        &format!(
            "SELECT CASE WHEN JSON_TYPE({extracted}) = 'NULL' THEN NULL \
             ELSE JSON_UNQUOTE({extracted}) END FROM t"
        ),
    );
    refuses("SELECT name::json -> name FROM t", "not a literal");
}

#[test]
fn casts_and_literals() {
    translates_to(
        "SELECT '1'::int, 2.5::int8, 'yes'::boolean, a::text, x::numeric(10,2), \
         '2024-01-01'::date, TRUE, FALSE FROM t",
        "SELECT pgbridge_int4('1'), pgbridge_int8(2.5), pgbridge_bool('yes'), CAST(a AS CHAR), \
         CAST(x AS DECIMAL(10,2)), CAST('2024-01-01' AS DATE), true, false FROM t",
    );
    translates_to(
        "SELECT \"Name\" FROM \"T\" WHERE name = 'it''s'",
        "SELECT \"Name\" FROM \"T\" WHERE name = 'it''s'",
    );
}

#[test]
fn extract_with_postgresql_numbering() {
    translates_to(
        "SELECT extract(second FROM now()), extract(dow FROM now()), extract(doy FROM now())",
        "SELECT (EXTRACT(SECOND FROM NOW(6)) + EXTRACT(MICROSECOND FROM NOW(6)) * 0.000001), \
         (DAYOFWEEK(NOW(6)) - 1), DAYOFYEAR(NOW(6))",
    );
    translates_to(
        "SELECT extract(epoch FROM now()), date_part('isodow', now())",
        "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01', NOW(6)) * 0.000001, \
         (WEEKDAY(NOW(6)) + 1)",
    );
    refuses("SELECT extract(century FROM now())", "EXTRACT(CENTURY");
}

#[test]
fn timestamptz_text_moves_to_utc() {
    translates_to(
        "SELECT '2024-01-01 10:00:00+02'::timestamptz",
        "SELECT pgbridge_timestamptz('2024-01-01 10:00:00+02')",
    );
}

#[test]
fn split_part_keeps_postgresql_rules() {
    translates_to(
        "SELECT split_part(name, ',', 2) FROM t",
        "SELECT pgbridge_split_part(name, ',', 2) FROM t",
    );
}

#[test]
fn text_primary_key_is_a_bounded_varchar() {
    translates_to(
        "CREATE TABLE kv (k text PRIMARY KEY, v text)",
        "CREATE TABLE kv (k VARCHAR(768) COLLATE utf8mb4_nopad_bin PRIMARY KEY, \
         v LONGTEXT COLLATE utf8mb4_nopad_bin)",
    );
}

#[test]
fn nulls_sort_keys_by_position_in_a_union() {
    translates_to(
        "SELECT a FROM t UNION SELECT b FROM t ORDER BY 1 DESC",
        "SELECT * FROM (SELECT a FROM t UNION SELECT b FROM t) AS sorted ORDER BY CASE WHEN a IS NULL THEN 0 ELSE 1 END, a DESC",
    );
}

#[test]
fn boolean_to_text_spells_true_and_false() {
    translates_to(
        "SELECT (a > 1)::text, true::text, a::text FROM t",
        "SELECT CASE (a > 1) WHEN true THEN 'true' WHEN false THEN 'false' END, \
         CASE true WHEN true THEN 'true' WHEN false THEN 'false' END, CAST(a AS CHAR) FROM t",
    );
}

#[test]
fn literals_take_the_type_of_their_context() {
    translates_to(
        "SELECT a FROM t WHERE flag = 't' AND at < '2024-01-01 10:00:00+02' AND name = 'x'",
        "SELECT a FROM t WHERE flag = pgbridge_bool('t') \
         AND at < pgbridge_timestamptz('2024-01-01 10:00:00+02') AND name = 'x'",
    );
    translates_to(
        "INSERT INTO t (flag, at, name) VALUES ('yes', '2024-01-01 10:00:00-05', 'n')",
        "INSERT INTO t (flag, at, name) VALUES (pgbridge_bool('yes'), \
         pgbridge_timestamptz('2024-01-01 10:00:00-05'), 'n')",
    );
    translates_to(
        "UPDATE t SET flag = 'f' WHERE flag = $1",
        "UPDATE t SET flag = pgbridge_bool('f') WHERE flag = ?",
    );
    // A literal already cast keeps its one cast.
    translates_to(
        "SELECT a FROM t WHERE flag = 't'::bool",
        "SELECT a FROM t WHERE flag = pgbridge_bool('t')",
    );
}

#[test]
fn truncate_keeps_postgresql_identity_rules() {
    translates_to("TRUNCATE t", "DELETE FROM t");
    translates_to("TRUNCATE TABLE t RESTART IDENTITY", "TRUNCATE TABLE t");
    refuses("TRUNCATE a, b", "TRUNCATE of several tables");
    refuses("TRUNCATE t CASCADE", "TRUNCATE .. CASCADE");
}

#[test]
fn insert_default_values() {
    translates_to("INSERT INTO t DEFAULT VALUES", "INSERT INTO t VALUES ()");
}

#[test]
fn alter_table_adds_constraints() {
    translates_to(
        "ALTER TABLE t ADD PRIMARY KEY (a)",
        "ALTER TABLE t ADD PRIMARY KEY (a)",
    );
    translates_to(
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES u (a)",
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES u(a)",
    );
    refuses(
        "ALTER TABLE t ALTER COLUMN b TYPE bigint",
        "ALTER TABLE ALTER COLUMN",
    );
}

#[test]
fn date_arithmetic_counts_days() {
    translates_to(
        "SELECT day + 1, 2 + day, day - a, day - day, day - '2024-01-01'::date FROM t",
        "SELECT ADDDATE(day, 1), ADDDATE(day, 2), ADDDATE(day, -(a)), DATEDIFF(day, day), \
         DATEDIFF(day, CAST('2024-01-01' AS DATE)) FROM t",
    );
    translates_to("SELECT a + 1 FROM t", "SELECT a + 1 FROM t");
}

#[test]
fn aggregate_filters_move_into_the_argument() {
    translates_to(
        "SELECT count(*) FILTER (WHERE a > 1), sum(b) FILTER (WHERE flag) FROM t",
        "SELECT count(CASE WHEN a > 1 THEN 1 END), sum(CASE WHEN flag THEN b END) FROM t",
    );
}

#[test]
fn distinct_from_is_null_safe_equality() {
    translates_to(
        "SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM NULL FROM t",
        "SELECT (NOT (a <=> b)), (a <=> NULL) FROM t",
    );
    // The parentheses keep PostgreSQL's precedence: IS binds looser than IN there, while
    // MySQL's <=> and IN bind alike, and its NOT binds looser than both.
    translates_to(
        "SELECT a IS DISTINCT FROM b IN (0) FROM t",
        "SELECT (NOT (a <=> (b IN (0)))) FROM t",
    );
    translates_to(
        "SELECT (a IS NOT DISTINCT FROM b) IN (0) FROM t",
        "SELECT ((a <=> b)) IN (0) FROM t",
    );
}

#[test]
fn named_column_constraints_move_to_the_table() {
    translates_to(
        "CREATE TABLE s (k text CONSTRAINT s_k_uniq UNIQUE, r text NOT NULL CONSTRAINT r_known CHECK (r IN ('a', 'b')))",
        "CREATE TABLE s (k LONGTEXT COLLATE utf8mb4_nopad_bin, r LONGTEXT COLLATE utf8mb4_nopad_bin NOT NULL, CONSTRAINT s_k_uniq UNIQUE (k), CONSTRAINT r_known CHECK (r IN ('a', 'b')))",
    );
    translates_to(
        "CREATE TABLE s (id int CONSTRAINT s_pk PRIMARY KEY, p int CONSTRAINT s_p_fk REFERENCES t (a))",
        "CREATE TABLE s (id INT PRIMARY KEY, p INT, CONSTRAINT s_p_fk FOREIGN KEY (p) REFERENCES t(a))",
    );
}

#[test]
fn deferrable_constraints_are_checked_at_once() {
    translates_to(
        "CREATE TABLE s (p int REFERENCES t (a) DEFERRABLE INITIALLY DEFERRED, q int, FOREIGN KEY (q) REFERENCES t (b) DEFERRABLE)",
        "CREATE TABLE s (p INT REFERENCES t (a), q INT, FOREIGN KEY (q) REFERENCES t(b))",
    );
    translates_to(
        "ALTER TABLE s ADD CONSTRAINT s_q_fk FOREIGN KEY (q) REFERENCES t (b) DEFERRABLE INITIALLY DEFERRED",
        "ALTER TABLE s ADD CONSTRAINT s_q_fk FOREIGN KEY (q) REFERENCES t(b)",
    );
}

#[test]
fn generate_series_is_a_recursive_query() {
    let series = |start: &str, stop: &str, step: &str, column: &str, alias: &str| {
        format!(
            "(WITH RECURSIVE pgbridge_series (value) AS (SELECT ({start}) \
WHERE (({step}) > 0 AND ({start}) <= ({stop})) OR (({step}) < 0 AND ({start}) >= ({stop})) \
UNION ALL SELECT value + ({step}) FROM pgbridge_series \
WHERE (({step}) > 0 AND value + ({step}) <= ({stop})) OR (({step}) < 0 AND value + ({step}) >= ({stop}))) \
SELECT value AS {column} FROM pgbridge_series) AS {alias}"
        )
    };
    translates_to(
        "SELECT i FROM generate_series(1, 3) AS s(i)",
        &format!("SELECT i FROM {}", series("1", "3", "1", "i", "s")),
    );
    translates_to(
        "SELECT sum(n) FROM generate_series(10, 0, -3) AS n",
        &format!("SELECT sum(n) FROM {}", series("10", "0", "-3", "n", "n")),
    );
    translates_to(
        "SELECT * FROM generate_series(1, a)",
        &format!(
            "SELECT * FROM {}",
            series("1", "a", "1", "generate_series", "generate_series")
        ),
    );
    refuses(
        "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-05', INTERVAL '1 day')",
        "generate_series() over timestamps",
    );
}

#[test]
fn bytea_literals_are_decoded() {
    translates_to(r"SELECT '\x0A1b'::bytea", "SELECT X'0a1b'");
    translates_to("SELECT 'hello'::bytea", "SELECT X'68656c6c6f'");
    // A literal stored into a bytea column is read as bytea, as PostgreSQL reads it.
    translates_to(
        r"INSERT INTO t (a, payload) VALUES (1, '\xdead')",
        "INSERT INTO t (a, payload) VALUES (1, X'dead')",
    );
    refuses(r"SELECT 'a\000b'::bytea", "bytea literal in escape format");
}

#[test]
fn functions_that_mean_other_things_on_mariadb() {
    translates_to(
        "SELECT log(a), log(2, a), bool_and(flag), every(flag), bool_or(flag) FROM t",
        "SELECT LOG10(a), log(2, a), MIN(flag), MIN(flag), MAX(flag) FROM t",
    );
    translates_to(
        "SELECT encode(name::bytea, 'hex'), decode(name, 'base64'), starts_with(name, 'ab') FROM t",
        "SELECT LOWER(HEX(CAST(name AS BINARY))), FROM_BASE64(name), (LEFT(name, CHAR_LENGTH('ab')) = 'ab') FROM t",
    );
    refuses(
        "SELECT encode(name::bytea, 'escape') FROM t",
        "encode(.., 'escape')",
    );
}

#[test]
fn standard_row_limits_and_dollar_quotes() {
    translates_to("SELECT 1 FETCH FIRST 3 ROWS ONLY", "SELECT 1 LIMIT 3");
    translates_to(
        "SELECT 1 OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY",
        "SELECT 1 LIMIT 2 OFFSET 2",
    );
    translates_to("SELECT $$it's$$", "SELECT 'it''s'");
    refuses(
        "SELECT 1 FETCH FIRST 2 ROWS WITH TIES",
        "FETCH .. WITH TIES",
    );
}
