//! The `information_schema` tables, filled from the `pg_catalog` rows the refresh just wrote,
//! with the values PostgreSQL's own view definitions compute (data type names, lengths and
//! precisions from the type modifier, YES/NO flags, referential actions spelled out).

use rusqlite::Connection;

use crate::backends::sqlite::functions::SessionFunctions;

/// Schemas every database shows, with their owner (`?2` is the session's user).
const SCHEMATA: &str = "
INSERT INTO information_schema.schemata VALUES
    (?1, 'information_schema', ?2, NULL, NULL, NULL, NULL),
    (?1, 'pg_catalog', ?2, NULL, NULL, NULL, NULL),
    (?1, 'public', 'pg_database_owner', NULL, NULL, NULL, NULL)";

const TABLES: &str = "
INSERT INTO information_schema.tables
SELECT ?1, n.nspname, c.relname,
       CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'BASE TABLE' END,
       NULL, NULL, NULL, NULL, NULL,
       CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END, 'NO', NULL
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v')
ORDER BY c.oid";

/// `numeric(p, s)` keeps `((p << 16) | s) + 4` in its modifier; `varchar(n)` keeps `n + 4`.
const COLUMNS: &str = "
INSERT INTO information_schema.columns
SELECT ?1, n.nspname, c.relname, a.attname, a.attnum, d.adbin,
       CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END,
       CASE WHEN t.typcategory = 'A' THEN 'ARRAY' ELSE format_type(a.atttypid, -1) END,
       CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN a.atttypmod - 4 END,
       CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN (a.atttypmod - 4) * 4
            WHEN a.atttypid IN (25, 1042, 1043) THEN 1073741824 END,
       CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24
            WHEN 701 THEN 53
            WHEN 1700 THEN CASE WHEN a.atttypmod > 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END
       END,
       CASE WHEN a.atttypid IN (21, 23, 20, 700, 701) THEN 2 WHEN a.atttypid = 1700 THEN 10 END,
       CASE WHEN a.atttypid IN (21, 23, 20) THEN 0
            WHEN a.atttypid = 1700 AND a.atttypmod > 4 THEN (a.atttypmod - 4) & 65535 END,
       CASE WHEN a.atttypid = 1082 THEN 0
            WHEN a.atttypid IN (1083, 1114, 1184, 1266, 1186)
                 THEN CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE 6 END END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       ?1, 'pg_catalog', t.typname, NULL, NULL, NULL, NULL, a.attnum, 'NO', 'NO', NULL,
       NULL, NULL, NULL, NULL, NULL, 'NEVER', NULL,
       CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.oid, a.attnum";

const TABLE_CONSTRAINTS: &str = "
INSERT INTO information_schema.table_constraints
SELECT ?1, n.nspname, k.conname, ?1, n.nspname, c.relname,
       CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE'
                      WHEN 'f' THEN 'FOREIGN KEY' ELSE 'CHECK' END,
       'NO', 'NO', 'YES', CASE WHEN k.contype IN ('p', 'u') THEN 'YES' END
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
ORDER BY k.oid";

/// `conkey` holds PostgreSQL's array text (`{1,2}`), read here as a JSON array.
const KEY_COLUMN_USAGE: &str = "
INSERT INTO information_schema.key_column_usage
SELECT ?1, n.nspname, k.conname, ?1, n.nspname, c.relname, a.attname, key.key + 1,
       CASE WHEN k.contype = 'f' THEN key.key + 1 END
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
JOIN json_each('[' || substr(k.conkey, 2, length(k.conkey) - 2) || ']') key
JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = key.value
WHERE k.contype IN ('p', 'u', 'f')
ORDER BY k.oid, key.key";

const REFERENTIAL_CONSTRAINTS: &str = "
INSERT INTO information_schema.referential_constraints
SELECT ?1, n.nspname, k.conname, ?1, n.nspname,
       (SELECT u.conname FROM pg_catalog.pg_constraint u
        WHERE u.conrelid = k.confrelid AND u.contype IN ('p', 'u') AND u.conkey = k.confkey
        ORDER BY u.contype LIMIT 1),
       'NONE',
       CASE k.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
            WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END,
       CASE k.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
            WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END
FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
WHERE k.contype = 'f'
ORDER BY k.oid";

const VIEWS: &str = "
INSERT INTO information_schema.views
SELECT ?1, schemaname, viewname, definition, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO'
FROM pg_catalog.pg_views";

/// Fills every `information_schema` table (they were emptied with the catalog).
pub(super) fn fill(connection: &Connection, session: &SessionFunctions) -> rusqlite::Result<()> {
    let database = &session.database;
    connection.execute(SCHEMATA, [database, &session.user])?;
    for sql in [
        TABLES,
        COLUMNS,
        TABLE_CONSTRAINTS,
        KEY_COLUMN_USAGE,
        REFERENTIAL_CONSTRAINTS,
        VIEWS,
    ] {
        connection.execute(sql, [database])?;
    }
    Ok(())
}
