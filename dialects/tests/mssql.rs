//! Golden tests for the SQL Server target: PostgreSQL text in, the exact T-SQL text out, or a
//! refusal with SQLSTATE 0A000. No SQL Server runs here, so every translation is also parsed
//! back with sqlparser's `MsSqlDialect`: a T-SQL parser must accept what is sent.

use pgbridge_dialects::{Target, TranslateError, parse, translate};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

/// Translates `pg_sql`; a translation that T-SQL's grammar rejects fails the test.
fn translate_mssql(pg_sql: &str) -> Result<(String, usize), TranslateError> {
    let statements = parse(pg_sql).unwrap_or_else(|error| panic!("{pg_sql}: {error}"));
    assert_eq!(statements.len(), 1, "{pg_sql}: expected one statement");
    let translation = translate(&statements[0], Target::MsSql)?;
    if let Err(error) = Parser::parse_sql(&MsSqlDialect {}, &translation.sql) {
        panic!(
            "{pg_sql}: T-SQL {} does not parse: {error}",
            translation.sql
        );
    }
    Ok((translation.sql, translation.parameter_count))
}

fn translates_to(pg_sql: &str, expected: &str) {
    match translate_mssql(pg_sql) {
        Ok((sql, _)) => assert_eq!(sql, expected, "translating {pg_sql}"),
        Err(error) => panic!("{pg_sql}: expected {expected}, got error {error}"),
    }
}

fn refuses(pg_sql: &str, construct: &str) {
    match translate_mssql(pg_sql) {
        Ok((sql, _)) => panic!("{pg_sql}: expected a refusal, got {sql}"),
        Err(error) => {
            assert_eq!(error.sqlstate(), "0A000", "{pg_sql}: {error:?}");
            let message = error.to_string();
            assert!(
                message.contains(construct) && message.contains("SQL Server"),
                "{pg_sql}: message {message:?} does not name {construct:?}"
            );
        }
    }
}

#[test]
fn target_names() {
    for name in ["mssql", "sqlserver", "tsql", "MSSQL"] {
        assert_eq!(Target::from_name(name), Some(Target::MsSql));
    }
    assert_eq!(Target::MsSql.dialect().name(), "SQL Server");
}

#[test]
fn placeholders_and_national_literals() {
    translates_to(
        "SELECT name FROM users WHERE id = $1 AND name <> 'é'",
        "SELECT name FROM users WHERE id = @P1 AND name <> N'é'",
    );
    assert_eq!(translate_mssql("SELECT $2, $1").unwrap().1, 2);
}

#[test]
fn quoted_identifiers_and_keywords() {
    translates_to(
        "SELECT \"Name\", key FROM \"order\"",
        "SELECT \"Name\", \"key\" FROM \"order\"",
    );
}

#[test]
fn temporary_table_names_are_sent_bare() {
    translates_to(
        "INSERT INTO \"#items\" (id) VALUES ($1)",
        "INSERT INTO #items (id) VALUES (@P1)",
    );
    translates_to(
        "SELECT \"#items\".id FROM \"#items\" WHERE id > 1",
        "SELECT #items.id FROM #items WHERE id > 1",
    );
    // Not a regular identifier: stays quoted.
    translates_to("SELECT 1 FROM \"#a b\"", "SELECT 1 FROM \"#a b\"");
}

#[test]
fn ddl_types_identity_defaults_and_checks() {
    translates_to(
        "CREATE TABLE users (id SERIAL PRIMARY KEY, big BIGSERIAL, name TEXT NOT NULL, email VARCHAR(200) UNIQUE, code CHAR(3), active BOOLEAN DEFAULT true, score NUMERIC(10,2), ratio FLOAT8, r4 REAL, created TIMESTAMPTZ DEFAULT now(), born DATE, at TIMESTAMP, t TIME, uid UUID, doc JSONB, data BYTEA, s SMALLINT, CHECK (score >= 0))",
        "CREATE TABLE users (id INT IDENTITY(1, 1) PRIMARY KEY, big BIGINT IDENTITY(1, 1), name NVARCHAR(MAX) COLLATE Latin1_General_100_CS_AS_SC NOT NULL, email NVARCHAR(200) COLLATE Latin1_General_100_CS_AS_SC UNIQUE, code NCHAR(3) COLLATE Latin1_General_100_CS_AS_SC, active BIT DEFAULT 1, score DECIMAL(10, 2), ratio FLOAT, r4 REAL, created DATETIMEOFFSET(6) DEFAULT (SYSDATETIMEOFFSET()), born DATE, at DATETIME2(6), t TIME(6), uid UNIQUEIDENTIFIER, doc NVARCHAR(MAX) COLLATE Latin1_General_100_CS_AS_SC, data VARBINARY(MAX), s SMALLINT, CHECK (score >= 0))",
    );
    translates_to(
        "CREATE TABLE t (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner_id INT REFERENCES users (id))",
        "CREATE TABLE t (id INT IDENTITY(1, 1) PRIMARY KEY, owner_id INT REFERENCES users (id))",
    );
}

#[test]
fn indexes_including_filtered() {
    translates_to(
        "CREATE UNIQUE INDEX users_email ON users (email)",
        "CREATE UNIQUE INDEX users_email ON users(email) WHERE email IS NOT NULL",
    );
    translates_to(
        "CREATE INDEX active_users ON users (name) WHERE active",
        "CREATE INDEX active_users ON users(name) WHERE active = 1",
    );
}

#[test]
fn alter_and_drop() {
    translates_to(
        "ALTER TABLE users ADD COLUMN nickname TEXT",
        "ALTER TABLE users ADD nickname NVARCHAR(MAX) COLLATE Latin1_General_100_CS_AS_SC",
    );
    translates_to(
        "ALTER TABLE users DROP COLUMN nickname",
        "ALTER TABLE users DROP COLUMN nickname",
    );
    translates_to("DROP TABLE IF EXISTS users", "DROP TABLE IF EXISTS users");
}

#[test]
fn create_table_as_becomes_select_into() {
    translates_to(
        "CREATE TABLE archive AS SELECT id, name FROM users WHERE active",
        "SELECT id, name INTO archive FROM users WHERE active = 1",
    );
}

#[test]
fn limit_and_offset() {
    translates_to(
        "SELECT * FROM users LIMIT 10",
        "SELECT TOP (10) * FROM users",
    );
    translates_to(
        "SELECT * FROM users ORDER BY name LIMIT 10 OFFSET 20",
        "SELECT * FROM users ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name OFFSET 20 ROWS FETCH FIRST 10 ROWS ONLY",
    );
    translates_to(
        "SELECT * FROM users OFFSET 5",
        "SELECT * FROM users ORDER BY (SELECT NULL) OFFSET 5 ROWS",
    );
    translates_to(
        "SELECT * FROM users ORDER BY id DESC FETCH FIRST 3 ROWS ONLY",
        "SELECT TOP (3) * FROM users ORDER BY CASE WHEN id IS NULL THEN 0 ELSE 1 END, id DESC",
    );
    translates_to(
        "SELECT * FROM (SELECT * FROM users ORDER BY id) AS s",
        "SELECT * FROM (SELECT * FROM users ORDER BY CASE WHEN id IS NULL THEN 1 ELSE 0 END, id OFFSET 0 ROWS) AS s",
    );
}

#[test]
fn returning_becomes_output() {
    translates_to(
        "INSERT INTO users (name) VALUES ('a') RETURNING id",
        "INSERT INTO users (name) OUTPUT INSERTED.id VALUES (N'a')",
    );
    translates_to(
        "INSERT INTO users (name, active) VALUES ($1, false) RETURNING *",
        "INSERT INTO users (name, active) OUTPUT INSERTED.* VALUES (@P1, 0)",
    );
    translates_to(
        "UPDATE users SET active = NOT active WHERE id = $1 RETURNING id, users.name AS n",
        "UPDATE users SET active = CASE WHEN active = 0 THEN 1 WHEN NOT (active = 0) THEN 0 END OUTPUT INSERTED.id, INSERTED.name AS n WHERE id = @P1",
    );
    translates_to(
        "DELETE FROM users WHERE id = 1 RETURNING *",
        "DELETE FROM users OUTPUT DELETED.* WHERE id = 1",
    );
}

#[test]
fn update_from() {
    translates_to(
        "UPDATE users SET name = o.name FROM other o WHERE o.id = users.id",
        "UPDATE users SET name = o.name FROM other o WHERE o.id = users.id",
    );
}

#[test]
fn booleans_as_values_and_conditions() {
    translates_to(
        "SELECT a = b, true, x IS NULL AS missing FROM t",
        "SELECT CAST(CASE WHEN a = b THEN 1 WHEN NOT (a = b) THEN 0 END AS BIT), CAST(1 AS BIT), CAST(CASE WHEN x IS NULL THEN 1 ELSE 0 END AS BIT) AS missing FROM t",
    );
    translates_to(
        "SELECT * FROM users WHERE active",
        "SELECT * FROM users WHERE active = 1",
    );
    translates_to(
        "SELECT * FROM users WHERE NOT active AND id > 1",
        "SELECT * FROM users WHERE active = 0 AND id > 1",
    );
    translates_to(
        "SELECT * FROM users WHERE active IS TRUE OR name IS NOT FALSE",
        "SELECT * FROM users WHERE CASE WHEN active = 1 THEN 1 ELSE 0 END = 1 OR CASE WHEN NOT (name = 1) THEN 1 ELSE 0 END = 0",
    );
    translates_to(
        "SELECT * FROM t WHERE a IS DISTINCT FROM b",
        "SELECT * FROM t WHERE NOT EXISTS (SELECT a INTERSECT SELECT b)",
    );
    translates_to(
        "SELECT CASE WHEN active THEN 'y' ELSE 'n' END FROM users",
        "SELECT CASE WHEN active = 1 THEN N'y' ELSE N'n' END FROM users",
    );
    translates_to(
        "SELECT * FROM a JOIN b ON a.id = b.id AND b.flag",
        "SELECT * FROM a JOIN b ON a.id = b.id AND b.flag = 1",
    );
}

#[test]
fn ctes_and_windows() {
    translates_to(
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
        "WITH r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
    );
    translates_to(
        "SELECT id, row_number() OVER (PARTITION BY a ORDER BY b) FROM t",
        "SELECT id, row_number() OVER (PARTITION BY a ORDER BY CASE WHEN b IS NULL THEN 1 ELSE 0 END, b) FROM t",
    );
}

#[test]
fn like_ilike_and_concatenation() {
    translates_to(
        "SELECT * FROM users WHERE name ILIKE '%bob%'",
        "SELECT * FROM users WHERE lower(name) LIKE lower(N'%bob%')",
    );
    translates_to(
        "SELECT * FROM users WHERE name LIKE 'B%'",
        "SELECT * FROM users WHERE name COLLATE Latin1_General_100_CS_AS_SC LIKE N'B%'",
    );
    translates_to(
        "SELECT name || ' ' || id FROM users",
        "SELECT CAST(name AS NVARCHAR(MAX)) + N' ' + CAST(id AS NVARCHAR(MAX)) FROM users",
    );
}

#[test]
fn string_functions() {
    translates_to(
        "SELECT length(name), substring(name from 2 for 3), substr(name, 2), position('b' in name), strpos(name, 'b'), upper(name), lower(name), trim(name), left(name, 2), right(name, 2), replace(name, 'a', 'b') FROM users",
        "SELECT (LEN(name + N'x') - 1), SUBSTRING(name, 2, 3), SUBSTRING(name, 2, LEN(name + N'x') + ABS(2)), CHARINDEX(N'b', name), CHARINDEX(N'b', name), upper(name), lower(name), TRIM(name), left(name, 2), right(name, 2), replace(name, N'a', N'b') FROM users",
    );
    translates_to(
        "SELECT string_agg(name, ',' ORDER BY name) FROM users",
        "SELECT string_agg(name, N',') WITHIN GROUP (ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name) FROM users",
    );
}

#[test]
fn date_functions() {
    translates_to(
        "SELECT extract(year from created), extract(dow from created), date_part('month', created), extract(second from created) FROM users",
        "SELECT DATEPART(year, created), ((DATEPART(weekday, created) + @@DATEFIRST - 1) % 7), DATEPART(month, created), (DATEPART(second, created) + DATEPART(microsecond, created) / 1000000.0) FROM users",
    );
    translates_to(
        "SELECT now(), current_date, CURRENT_TIMESTAMP",
        "SELECT SYSDATETIMEOFFSET(), CAST(GETDATE() AS DATE), SYSDATETIMEOFFSET()",
    );
}

#[test]
fn math_and_null_functions() {
    translates_to(
        "SELECT round(x), round(x, 2), trunc(x), ceil(x), floor(x), abs(x), mod(a, b), a % b, power(x, 2), sqrt(x) FROM t",
        "SELECT ROUND(x, 0), round(x, 2), ROUND(x, 0, 1), CEILING(x), FLOOR(x), abs(x), (a % b), a % b, power(x, 2), sqrt(x) FROM t",
    );
    translates_to(
        "SELECT coalesce(a, b), nullif(a, 0), greatest(a, b, c), least(a, b) FROM t",
        "SELECT coalesce(a, b), nullif(a, 0), (SELECT MAX(v) FROM (VALUES (a), (b), (c)) AS extreme (v)), (SELECT MIN(v) FROM (VALUES (a), (b)) AS extreme (v)) FROM t",
    );
    translates_to("SELECT 7 / 2", "SELECT 7 / 2");
}

#[test]
fn json_paths() {
    translates_to(
        "SELECT doc ->> 'name', doc -> 'a' ->> 'b', doc -> 'items' -> 0 ->> 'id' FROM users",
        "SELECT JSON_VALUE(doc, N'$.\"name\"'), JSON_VALUE(doc, N'$.\"a\".\"b\"'), JSON_VALUE(doc, N'$.\"items\"[0].\"id\"') FROM users",
    );
}

#[test]
fn casts_round_like_postgresql() {
    translates_to(
        "SELECT x::int, '12'::int, 3::int, price::text, 1.5::integer FROM t",
        "SELECT CAST(ROUND(x, 0) AS INT), CAST(N'12' AS INT), CAST(3 AS INT), CAST(price AS NVARCHAR(MAX)), CAST(ROUND(1.5, 0) AS INT) FROM t",
    );
}

#[test]
fn nulls_sort_like_postgresql() {
    translates_to(
        "SELECT * FROM users ORDER BY name",
        "SELECT * FROM users ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name",
    );
    translates_to(
        "SELECT * FROM users ORDER BY name DESC NULLS LAST, id",
        "SELECT * FROM users ORDER BY name DESC, CASE WHEN id IS NULL THEN 1 ELSE 0 END, id",
    );
    translates_to(
        "SELECT name AS n FROM users ORDER BY n",
        "SELECT name AS n FROM users ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, n",
    );
    translates_to(
        "SELECT * FROM users ORDER BY name NULLS FIRST",
        "SELECT * FROM users ORDER BY name",
    );
}

#[test]
fn refusals_name_the_construct_and_sql_server() {
    refuses("CREATE TABLE t (tags TEXT[])", "TEXT[]");
    refuses("DROP TABLE users CASCADE", "DROP .. CASCADE");
    refuses(
        "SELECT DISTINCT ON (a) * FROM t ORDER BY a, b",
        "DISTINCT ON with * over a CTE, a subquery or an unknown table",
    );
    refuses("SELECT * FROM generate_series(1, 10)", "generate_series");
    refuses(
        "SELECT * FROM users WHERE name ~ '^b'",
        "regular expression match",
    );
    refuses("SELECT lpad(name, 5, '*') FROM users", "lpad");
    refuses("SELECT split_part(name, ',', 1) FROM users", "split_part");
    refuses("SELECT date_trunc('day', created) FROM users", "date_trunc");
    refuses("SELECT extract(epoch from created) FROM users", "epoch");
    refuses("SELECT array_agg(name) FROM users", "array_agg");
    refuses("SELECT doc -> 'a' FROM users", "->");
    refuses("SELECT json_build_object('a', 1)", "json_build_object");
    refuses(
        "SELECT DISTINCT lower(name) FROM users ORDER BY 1",
        "unnamed DISTINCT or set-operation columns",
    );
    refuses(
        "SELECT x FROM t WHERE d > now() - INTERVAL '1 day'",
        "interval",
    );
}

#[test]
fn limit_with_order_and_set_operations() {
    translates_to(
        "SELECT * FROM t ORDER BY a LIMIT 10",
        "SELECT TOP (10) * FROM t ORDER BY CASE WHEN a IS NULL THEN 1 ELSE 0 END, a",
    );
    translates_to(
        "SELECT a FROM t UNION SELECT b FROM u LIMIT 5",
        "SELECT a FROM t UNION SELECT b FROM u ORDER BY (SELECT NULL) OFFSET 0 ROWS FETCH FIRST 5 ROWS ONLY",
    );
    translates_to(
        "SELECT DISTINCT a FROM t LIMIT $1",
        "SELECT DISTINCT TOP (@P1) a FROM t",
    );
}

/// T-SQL takes a parameter as the `FETCH` count (`FETCH { FIRST | NEXT } { integer_constant |
/// fetch_row_count_expression }`), but sqlparser 0.64's T-SQL grammar accepts only a literal
/// there: the one output that cannot be re-parsed, asserted as text and as that parser gap.
#[test]
fn parameter_as_fetch_count() {
    let statements = parse("SELECT * FROM t ORDER BY a LIMIT $1 OFFSET $2").unwrap();
    let sql = translate(&statements[0], Target::MsSql).unwrap().sql;
    assert_eq!(
        sql,
        "SELECT * FROM t ORDER BY CASE WHEN a IS NULL THEN 1 ELSE 0 END, a OFFSET @P2 ROWS FETCH FIRST @P1 ROWS ONLY"
    );
    let literal = sql.replace("FETCH FIRST @P1", "FETCH FIRST 10");
    assert!(Parser::parse_sql(&MsSqlDialect {}, &literal).is_ok());
}

#[test]
fn on_conflict_becomes_merge() {
    translates_to(
        "INSERT INTO users (id, name) VALUES (1, 'a') ON CONFLICT (id) DO NOTHING",
        "MERGE INTO users WITH (HOLDLOCK) USING (VALUES (1, N'a')) AS excluded (id, name) ON users.id = excluded.id WHEN NOT MATCHED THEN INSERT (id, name) VALUES (excluded.id, excluded.name);",
    );
    translates_to(
        "INSERT INTO users (id, name, active) VALUES ($1, $2, true) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, visits = visits + 1, active = NOT users.active WHERE users.active RETURNING id",
        "MERGE INTO users WITH (HOLDLOCK) USING (VALUES (@P1, @P2, 1)) AS excluded (id, name, active) ON users.id = excluded.id WHEN MATCHED AND users.active = 1 THEN UPDATE SET name = EXCLUDED.name, visits = users.visits + 1, active = CASE WHEN users.active = 0 THEN 1 WHEN NOT (users.active = 0) THEN 0 END WHEN NOT MATCHED THEN INSERT (id, name, active) VALUES (excluded.id, excluded.name, excluded.active) OUTPUT INSERTED.id;",
    );
    translates_to(
        "INSERT INTO users AS u (id, name) SELECT id, name FROM staging ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name || u.name",
        "MERGE INTO users WITH (HOLDLOCK) USING (SELECT id, name FROM staging) AS excluded (id, name) ON users.id = excluded.id WHEN MATCHED THEN UPDATE SET name = CAST(EXCLUDED.name AS NVARCHAR(MAX)) + CAST(users.name AS NVARCHAR(MAX)) WHEN NOT MATCHED THEN INSERT (id, name) VALUES (excluded.id, excluded.name);",
    );
    refuses(
        "INSERT INTO users (id, name) VALUES (1, 'a') ON CONFLICT DO NOTHING",
        "ON CONFLICT without a column list",
    );
    refuses(
        "INSERT INTO users VALUES (1, 'a') ON CONFLICT (id) DO NOTHING",
        "without a column list",
    );
    refuses(
        "INSERT INTO users (id) VALUES (1) ON CONFLICT ON CONSTRAINT users_pkey DO NOTHING",
        "ON CONSTRAINT",
    );
}

#[test]
fn delete_using_becomes_delete_from_join() {
    translates_to(
        "DELETE FROM users USING other WHERE other.id = users.id",
        "DELETE users FROM users, other WHERE other.id = users.id",
    );
    translates_to(
        "DELETE FROM users u USING other o, third WHERE o.id = u.id AND third.x = o.x",
        "DELETE u FROM users u, other o, third WHERE o.id = u.id AND third.x = o.x",
    );
    refuses(
        "DELETE FROM users USING other WHERE other.id = users.id RETURNING *",
        "DELETE .. USING .. RETURNING",
    );
}

#[test]
fn rename_becomes_sp_rename() {
    translates_to(
        "ALTER TABLE users RENAME COLUMN name TO full_name",
        "EXECUTE sp_rename N'users.name', N'full_name', N'COLUMN'",
    );
    translates_to(
        "ALTER TABLE users RENAME TO people",
        "EXECUTE sp_rename N'users', N'people'",
    );
}

#[test]
fn aggregate_filters_move_into_the_argument() {
    translates_to(
        "SELECT count(*) FILTER (WHERE a > 1), sum(x) FILTER (WHERE flag) FROM t",
        "SELECT count(CASE WHEN a > 1 THEN 1 END), sum(CASE WHEN flag = 1 THEN x END) FROM t",
    );
}

#[test]
fn row_locks_become_table_hints() {
    translates_to(
        "SELECT * FROM jobs WHERE id = 1 FOR UPDATE SKIP LOCKED",
        "SELECT * FROM jobs WITH (UPDLOCK, HOLDLOCK, READPAST) WHERE id = 1",
    );
    translates_to(
        "SELECT * FROM a JOIN b ON a.id = b.id WHERE a.x IN (SELECT y FROM c) FOR SHARE",
        "SELECT * FROM a WITH (HOLDLOCK) JOIN b WITH (HOLDLOCK) ON a.id = b.id WHERE a.x IN (SELECT y FROM c)",
    );
    refuses("SELECT * FROM a, b FOR UPDATE OF a", "FOR UPDATE OF");
}

#[test]
fn if_not_exists_becomes_a_guard() {
    translates_to(
        "CREATE TABLE IF NOT EXISTS users (id INT)",
        "IF OBJECT_ID(N'users', N'U') IS NULL CREATE TABLE users (id INT);",
    );
    translates_to(
        "CREATE INDEX IF NOT EXISTS i ON users (a)",
        "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'i' AND object_id = OBJECT_ID(N'users')) CREATE INDEX i ON users(a);",
    );
    translates_to(
        "ALTER TABLE users DROP COLUMN IF EXISTS x",
        "ALTER TABLE users DROP COLUMN IF EXISTS x",
    );
    refuses(
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS x INT",
        "ADD COLUMN IF NOT EXISTS",
    );
}

#[test]
fn index_forms_and_truncate() {
    translates_to(
        "CREATE INDEX i ON users USING btree (a)",
        "CREATE INDEX i ON users(a)",
    );
    refuses("CREATE INDEX i ON docs USING gin (body)", "USING GIN");
    refuses("CREATE INDEX ON users (a)", "CREATE INDEX without a name");
    refuses("DROP INDEX i", "DROP INDEX without ON table");
    translates_to("TRUNCATE users", "DELETE FROM users");
    translates_to("TRUNCATE users RESTART IDENTITY", "TRUNCATE TABLE users");
    refuses("TRUNCATE users CASCADE", "TRUNCATE .. CASCADE");
    refuses(
        "CREATE TEMPORARY TABLE tmp (id INT)",
        "CREATE TEMPORARY TABLE",
    );
}

#[test]
fn boolean_aggregates_and_coalesce() {
    translates_to(
        "SELECT id FROM t GROUP BY id HAVING bool_and(flag)",
        "SELECT id FROM t GROUP BY id HAVING CAST(MIN(CASE WHEN flag = 1 THEN 1 WHEN flag = 0 THEN 0 END) AS BIT) = 1",
    );
    translates_to(
        "SELECT * FROM t WHERE coalesce(flag, false)",
        "SELECT * FROM t WHERE coalesce(flag, 0) = 1",
    );
    translates_to(
        "SELECT EXISTS (SELECT 1 FROM t)",
        "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM t) THEN 1 ELSE 0 END AS BIT)",
    );
}

#[test]
fn views_and_text_casts() {
    translates_to(
        "CREATE VIEW v AS SELECT * FROM users WHERE active",
        "CREATE VIEW v AS SELECT * FROM users WHERE active = 1",
    );
    translates_to(
        "SELECT CAST(x AS varchar(10)) FROM t",
        "SELECT CAST(x AS NVARCHAR(10)) FROM t",
    );
}

#[test]
fn null_order_under_distinct_and_set_operations_sorts_outside() {
    translates_to(
        "SELECT DISTINCT name FROM users ORDER BY name",
        "SELECT * FROM (SELECT DISTINCT name FROM users) AS sorted ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name",
    );
    translates_to(
        "SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 DESC LIMIT 5",
        "SELECT TOP (5) * FROM (SELECT a FROM t UNION SELECT b FROM u) AS sorted ORDER BY CASE WHEN a IS NULL THEN 0 ELSE 1 END, a DESC",
    );
    translates_to(
        "SELECT a FROM t UNION SELECT b FROM u ORDER BY a NULLS FIRST",
        "SELECT a FROM t UNION SELECT b FROM u ORDER BY a",
    );
    refuses(
        "SELECT a, b FROM t UNION SELECT c, d FROM u ORDER BY a + b",
        "under DISTINCT or a set operation",
    );
}

#[test]
fn returning_reads_joined_tables_as_they_are() {
    translates_to(
        "UPDATE users SET name = o.name FROM other o WHERE o.id = users.id RETURNING users.id, o.name",
        "UPDATE users SET name = o.name OUTPUT INSERTED.id, o.name FROM other o WHERE o.id = users.id",
    );
    refuses(
        "UPDATE users SET name = o.name FROM other o WHERE o.id = users.id RETURNING *",
        "RETURNING * over several tables",
    );
}

#[test]
fn row_comparisons_and_time_zones() {
    translates_to(
        "SELECT * FROM t WHERE (a, b) = (1, 2)",
        "SELECT * FROM t WHERE (a = 1 AND b = 2)",
    );
    translates_to(
        "SELECT * FROM t WHERE (a, b) <> ($1, $2)",
        "SELECT * FROM t WHERE (a <> @P1 OR b <> @P2)",
    );
    refuses("SELECT * FROM t WHERE (a, b) > (1, 2)", "row comparison >");
    refuses("SELECT now() AT TIME ZONE 'UTC'", "AT TIME ZONE");
    translates_to("SELECT gen_random_uuid()", "SELECT NEWID()");
}

#[test]
fn aliases_of_written_tables_become_table_names() {
    translates_to(
        "UPDATE users u SET name = 'x' WHERE u.id = 1 RETURNING u.id",
        "UPDATE users SET name = N'x' OUTPUT INSERTED.id WHERE users.id = 1",
    );
    translates_to(
        "DELETE FROM users u WHERE u.id = 1 RETURNING u.id, name",
        "DELETE FROM users OUTPUT DELETED.id, DELETED.name WHERE users.id = 1",
    );
}

#[test]
fn constraints_added_and_dropped_and_storage_options() {
    translates_to(
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users(id)",
    );
    translates_to(
        "ALTER TABLE orders ADD PRIMARY KEY (id)",
        "ALTER TABLE orders ADD PRIMARY KEY (id)",
    );
    translates_to(
        "ALTER TABLE orders DROP CONSTRAINT orders_user_fk",
        "ALTER TABLE orders DROP CONSTRAINT orders_user_fk",
    );
    translates_to(
        "CREATE UNLOGGED TABLE t (id INT) WITH (fillfactor = 70)",
        "CREATE TABLE t (id INT)",
    );
    refuses(
        "ALTER TABLE orders ALTER COLUMN total TYPE BIGINT",
        "ALTER TABLE ALTER COLUMN",
    );
}

#[test]
fn distinct_on_numbers_rows() {
    translates_to(
        "SELECT DISTINCT ON (user_id) user_id, created_at AS at FROM orders ORDER BY user_id, created_at DESC",
        "SELECT pgbridge_c1 AS user_id, pgbridge_c2 AS at FROM (SELECT user_id AS pgbridge_c1, created_at AS pgbridge_c2, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY CASE WHEN user_id IS NULL THEN 1 ELSE 0 END, user_id, CASE WHEN created_at IS NULL THEN 0 ELSE 1 END, created_at DESC) AS pgbridge_row FROM orders) AS distinct_on WHERE pgbridge_row = 1 ORDER BY CASE WHEN pgbridge_c1 IS NULL THEN 1 ELSE 0 END, pgbridge_c1, CASE WHEN pgbridge_c2 IS NULL THEN 0 ELSE 1 END, pgbridge_c2 DESC",
    );
    // A sort key that is not selected is carried as a hidden column.
    translates_to(
        "SELECT DISTINCT ON (a) a FROM t ORDER BY a, b",
        "SELECT pgbridge_c1 AS a FROM (SELECT a AS pgbridge_c1, b AS pgbridge_k1, ROW_NUMBER() OVER (PARTITION BY a ORDER BY CASE WHEN a IS NULL THEN 1 ELSE 0 END, a, CASE WHEN b IS NULL THEN 1 ELSE 0 END, b) AS pgbridge_row FROM t) AS distinct_on WHERE pgbridge_row = 1 ORDER BY CASE WHEN pgbridge_c1 IS NULL THEN 1 ELSE 0 END, pgbridge_c1, CASE WHEN pgbridge_k1 IS NULL THEN 1 ELSE 0 END, pgbridge_k1",
    );
}

#[test]
fn string_agg_order_keeps_null_order() {
    translates_to(
        "SELECT string_agg(name, ',' ORDER BY rank DESC) FROM t",
        "SELECT string_agg(name, N',') WITHIN GROUP (ORDER BY CASE WHEN rank IS NULL THEN 0 ELSE 1 END, rank DESC) FROM t",
    );
}

#[test]
fn greatest_with_parameters_and_expressions() {
    translates_to(
        "SELECT greatest($1, a + 1, 'x')",
        "SELECT (SELECT MAX(v) FROM (VALUES (@P1), (a + 1), (N'x')) AS extreme (v))",
    );
}

#[test]
fn unique_indexes_leave_null_keys_out() {
    translates_to(
        "CREATE UNIQUE INDEX k ON t (a, b) WHERE c > 0",
        "CREATE UNIQUE INDEX k ON t(a, b) WHERE a IS NOT NULL AND b IS NOT NULL AND c > 0",
    );
    translates_to(
        "CREATE UNIQUE INDEX k ON t (a) NULLS NOT DISTINCT",
        "CREATE UNIQUE INDEX k ON t(a)",
    );
}

#[test]
fn lateral_becomes_apply() {
    translates_to(
        "SELECT u.id, o.total FROM users u CROSS JOIN LATERAL (SELECT total FROM orders WHERE orders.user_id = u.id ORDER BY total DESC LIMIT 1) o",
        "SELECT u.id, o.total FROM users u CROSS APPLY (SELECT TOP (1) total FROM orders WHERE orders.user_id = u.id ORDER BY CASE WHEN total IS NULL THEN 0 ELSE 1 END, total DESC) o",
    );
    translates_to(
        "SELECT * FROM users u LEFT JOIN LATERAL (SELECT 1 AS one WHERE u.active) x ON true",
        "SELECT * FROM users u OUTER APPLY (SELECT 1 AS one WHERE u.active = 1) x",
    );
    translates_to(
        "SELECT * FROM users u, LATERAL (SELECT u.id AS k) x",
        "SELECT * FROM users u CROSS APPLY (SELECT u.id AS k) x",
    );
    refuses(
        "SELECT * FROM users u JOIN LATERAL (SELECT u.id AS k) x ON x.k > 1",
        "LATERAL",
    );
}

#[test]
fn session_functions_read_the_session_table() {
    // SQLAlchemy's first queries, DBeaver's, psql's `current_user`.
    translates_to(
        "SELECT pg_catalog.version()",
        "SELECT (SELECT pg_version FROM #pgbridge_session)",
    );
    translates_to(
        "SELECT current_database(), current_catalog, current_schema(), current_schema",
        "SELECT (SELECT pg_database FROM #pgbridge_session), (SELECT pg_database FROM #pgbridge_session), N'public', N'public'",
    );
    translates_to(
        "SELECT current_user, session_user, user",
        "SELECT (SELECT pg_user FROM #pgbridge_session), (SELECT pg_user FROM #pgbridge_session), (SELECT pg_user FROM #pgbridge_session)",
    );
    translates_to(
        "SELECT name FROM users WHERE owner = current_user",
        "SELECT name FROM users WHERE owner = (SELECT pg_user FROM #pgbridge_session)",
    );
}

#[test]
fn session_setup_creates_the_session_table_the_adapter_fills() {
    let setup = Target::MsSql.dialect().session_setup();
    assert!(
        setup.contains(
            &"CREATE TABLE #pgbridge_session (pg_version NVARCHAR(4000), pg_user NVARCHAR(4000), pg_database NVARCHAR(4000))"
                .to_owned()
        ),
        "{setup:?}"
    );
    let fill = pgbridge_dialects::MsSql::set_session_values();
    assert_eq!(
        fill,
        "UPDATE #pgbridge_session SET pg_version = @P1, pg_user = @P2, pg_database = @P3"
    );
    for statement in setup.iter().chain([&fill]) {
        assert!(
            Parser::parse_sql(&MsSqlDialect {}, statement).is_ok(),
            "{statement}"
        );
    }
}

#[test]
fn bytea_literals_become_binary_literals() {
    translates_to(r"SELECT '\x00ff'::bytea", "SELECT 0x00FF");
    translates_to(r"SELECT '\x'::bytea, bytea '\xDEAD'", "SELECT 0x, 0xDEAD");
    // Text without backslashes is its UTF-8 bytes, not the UTF-16 of an NVARCHAR.
    translates_to("SELECT 'hé'::bytea", "SELECT 0x68C3A9");
    refuses(r"SELECT 'a\000b'::bytea", "bytea literal in escape format");
}

#[test]
fn timestamptz_offsets_become_hours_and_minutes() {
    translates_to(
        "SELECT '2024-01-02 03:04:05+01'::timestamptz",
        "SELECT CAST(N'2024-01-02 03:04:05+01:00' AS DATETIMEOFFSET(6))",
    );
    translates_to(
        "SELECT timestamptz '2024-01-02 03:04:05.5-0530', '2024-01-02 03:04:05Z'::timestamptz",
        "SELECT CAST(N'2024-01-02 03:04:05.5-05:30' AS DATETIMEOFFSET(6)), CAST(N'2024-01-02 03:04:05+00:00' AS DATETIMEOFFSET(6))",
    );
    translates_to(
        "SELECT '2024-01-02 03:04:05+01:00'::timestamptz, '2024-01-02'::timestamptz",
        "SELECT CAST(N'2024-01-02 03:04:05+01:00' AS DATETIMEOFFSET(6)), CAST(N'2024-01-02' AS DATETIMEOFFSET(6))",
    );
}

/// `events(id int, at timestamptz, payload bytea)`.
struct EventsSchema;

impl pgbridge_dialects::SchemaLookup for EventsSchema {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, pgbridge_dialects::PgType)>> {
        use pgbridge_dialects::PgType;
        (table == "events").then(|| {
            vec![
                ("id".to_owned(), PgType::Int4),
                ("at".to_owned(), PgType::Timestamptz),
                ("payload".to_owned(), PgType::Bytea),
            ]
        })
    }
}

#[test]
fn literals_stored_into_bytea_and_timestamptz_columns_are_converted() {
    let pg_sql =
        r"INSERT INTO events (id, at, payload) VALUES (1, '2024-01-02 03:04:05+01', '\x00ff')";
    let statements = parse(pg_sql).unwrap();
    let translation =
        pgbridge_dialects::translate_with_schema(&statements[0], Target::MsSql, &EventsSchema)
            .unwrap();
    assert_eq!(
        translation.sql,
        "INSERT INTO events (id, at, payload) VALUES (1, CAST(N'2024-01-02 03:04:05+01:00' AS DATETIMEOFFSET(6)), 0x00FF)"
    );
    Parser::parse_sql(&MsSqlDialect {}, &translation.sql).unwrap();
}
