//! MariaDB 10.11 (the MySQL target; MySQL 8 differences are noted where they matter).
//!
//! Every connection first runs [`MySql::session_setup`]: ANSI quotes and `||` as concatenation,
//! strict tables, no backslash escapes in literals, UTC as the session time zone, and the binary
//! `utf8mb4_nopad_bin` collation so that `'abc' = 'ABC'` and `'a' = 'a '` are false, `LIKE` is
//! case-sensitive and text sorts by code point, as in PostgreSQL's "C" collation (declared text
//! columns get it too; `char(n)` columns get the PAD SPACE `utf8mb4_bin`, as bpchar ignores
//! trailing spaces). It also creates the `pgbridge_*` helper functions in the current database (the
//! connecting user needs `CREATE ROUTINE`; with binary logging on, also
//! `log_bin_trust_function_creators`).
//!
//! Storage of PostgreSQL types: int2/4/8 as SMALLINT/INT/BIGINT, bool as BOOLEAN (TINYINT(1):
//! the adapter turns 0/1 back into booleans from the inferred type), `numeric(p,s)` as
//! `DECIMAL(p,s)` and a bare `numeric` as `DECIMAL(65,30)` (35 integer digits, 30 decimals;
//! the adapter trims the trailing zeros MariaDB prints), float4/8 as FLOAT/DOUBLE, text and
//! unbounded varchar as LONGTEXT, `varchar(n)`/`char(n)` as VARCHAR(n)/CHAR(n) (MariaDB strips
//! CHAR padding on reading; the adapter pads bpchar back), date as DATE, time as TIME(6),
//! timestamp and timestamptz as DATETIME(6) (timestamptz holds UTC, the session time zone),
//! uuid as CHAR(36), json/jsonb as JSON (MariaDB: LONGTEXT checked by `JSON_VALID`; MySQL 8 has
//! a binary JSON type), bytea as LONGBLOB. Arrays are refused.

use sqlparser::ast::{
    BinaryOperator, CharacterLength, ColumnDef, ColumnOption, ColumnOptionDef, DataType,
    DateTimeField, ExactNumberInfo, Expr, Function, TimezoneInfo, Value,
};
use sqlparser::tokenizer::Token;

use super::{TargetDialect, mysql_functions};
use crate::{PgType, TranslateError};

/// The MySQL / MariaDB target.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

const NAME: &str = "MySQL";

/// The session modes PostgreSQL's semantics need. `ANSI_QUOTES`: `"name"` is an identifier;
/// `PIPES_AS_CONCAT`: `||` concatenates (NULL in, NULL out); `NO_BACKSLASH_ESCAPES`: standard
/// conforming strings; `STRICT_ALL_TABLES` and `ERROR_FOR_DIVISION_BY_ZERO`: bad values fail
/// writes instead of being adjusted (a zero divisor in a SELECT is still NULL, so divisors are
/// guarded by `pgbridge_division_by_zero`); `NO_AUTO_VALUE_ON_ZERO`: an explicit 0 key is kept.
const SQL_MODE: &str = "ANSI_QUOTES,PIPES_AS_CONCAT,STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,\
NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO";

/// Text parameters of helper functions compare as PostgreSQL does.
const TEXT: &str = "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";

impl TargetDialect for MySql {
    fn name(&self) -> &'static str {
        NAME
    }

    fn placeholder(&self, _index: usize) -> String {
        "?".to_owned()
    }

    fn column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        let pg = PgType::from_data_type(data_type)
            .ok_or_else(|| TranslateError::unsupported(format!("column type {data_type}"), NAME))?;
        Ok(match pg {
            PgType::Bool => DataType::Boolean,
            PgType::Int2 => DataType::SmallInt(None),
            PgType::Int4 => DataType::Int(None),
            PgType::Int8 | PgType::Oid => DataType::BigInt(None),
            PgType::Float4 => DataType::Float(ExactNumberInfo::None),
            PgType::Float8 => DataType::Double(ExactNumberInfo::None),
            PgType::Numeric => DataType::Decimal(decimal_info(data_type)),
            PgType::Varchar | PgType::Bpchar => match declared_length(data_type) {
                Some(length) if pg == PgType::Bpchar => DataType::Char(Some(length)),
                Some(length) => DataType::Varchar(Some(length)),
                None if pg == PgType::Bpchar => DataType::Char(None),
                None => DataType::LongText,
            },
            PgType::Name => DataType::Varchar(Some(CharacterLength::IntegerLength {
                length: 63,
                unit: None,
            })),
            PgType::Char => DataType::Char(None),
            PgType::Text | PgType::Unknown => DataType::LongText,
            PgType::Bytea => DataType::LongBlob,
            PgType::Date => DataType::Date,
            PgType::Time => DataType::Time(Some(6), TimezoneInfo::None),
            PgType::Timestamp | PgType::Timestamptz => DataType::Datetime(Some(6)),
            PgType::Uuid => DataType::Char(Some(CharacterLength::IntegerLength {
                length: 36,
                unit: None,
            })),
            PgType::Json | PgType::Jsonb => DataType::JSON,
            PgType::Interval => return Err(TranslateError::unsupported("interval", NAME)),
            // Arrays: no array columns on this target.
            _ => {
                return Err(TranslateError::unsupported(
                    format!("column type {data_type}"),
                    NAME,
                ));
            }
        })
    }

    fn cast_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        let pg = PgType::from_data_type(data_type)
            .ok_or_else(|| TranslateError::unsupported(format!("cast to {data_type}"), NAME))?;
        Ok(match pg {
            PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid => DataType::Signed,
            PgType::Float4 => DataType::Float(ExactNumberInfo::None),
            PgType::Float8 => DataType::Double(ExactNumberInfo::None),
            PgType::Bytea => DataType::Binary(None),
            PgType::Date | PgType::Time | PgType::Timestamp | PgType::Timestamptz => {
                self.column_type(data_type)?
            }
            PgType::Numeric => DataType::Decimal(decimal_info(data_type)),
            _ => DataType::Char(None),
        })
    }

    fn cast_function(&self, pg_type: PgType) -> Option<&'static str> {
        // CAST(.. AS SIGNED) neither checks int2/int4 ranges nor refuses '1.5', CAST(.. AS
        // UNSIGNED) reads '-1' as 18446744073709551615, MariaDB has no CAST(.. AS BOOLEAN | JSON):
        // these helpers from `session_setup` apply PostgreSQL's input rules instead.
        Some(match pg_type {
            PgType::Bool => "pgbridge_bool",
            PgType::Int2 => "pgbridge_int2",
            PgType::Int4 => "pgbridge_int4",
            PgType::Int8 => "pgbridge_int8",
            PgType::Timestamptz => "pgbridge_timestamptz",
            PgType::Json | PgType::Jsonb => "pgbridge_json",
            _ => return None,
        })
    }

    fn supports_nulls_ordering(&self) -> bool {
        false
    }

    fn now_function(&self) -> &'static str {
        // Rewritten to NOW(6) by `rewrite_function`. MariaDB's NOW is the statement's start,
        // PostgreSQL's the transaction's: equal outside explicit transactions.
        "now"
    }

    fn is_keyword(&self, word: &str) -> bool {
        KEYWORDS
            .binary_search(&word.to_ascii_uppercase().as_str())
            .is_ok()
    }

    fn supports_storage_parameters(&self) -> bool {
        false
    }

    fn supports_derived_column_names(&self) -> bool {
        // MariaDB 10.11 has no `AS v(x)`; MySQL 8.0.19+ has.
        false
    }

    fn regex_match_function(&self) -> Option<&'static str> {
        // PCRE through `REGEXP` under the binary collation: case-sensitive unless flagged.
        Some("pgbridge_regex_match")
    }

    fn collation(&self, name: &str) -> Option<&'static str> {
        matches!(name, "C" | "POSIX" | "ucs_basic").then_some("utf8mb4_nopad_bin")
    }

    fn session_setup(&self) -> Vec<String> {
        let mut statements = vec![
            format!("SET SESSION sql_mode = '{SQL_MODE}'"),
            "SET SESSION time_zone = '+00:00'".to_owned(),
            "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin".to_owned(),
            // string_agg has no length limit in PostgreSQL; GROUP_CONCAT cuts at this one.
            "SET SESSION group_concat_max_len = 1073741824".to_owned(),
            // avg() and numeric division keep 16 more decimals, as PostgreSQL's avg does.
            "SET SESSION div_precision_increment = 16".to_owned(),
            // Recursive CTEs (and generate_series) have no iteration limit in PostgreSQL;
            // MariaDB stops at 1000 rows without an error. MySQL 8: cte_max_recursion_depth.
            "SET SESSION max_recursive_iterations = 4294967295".to_owned(),
        ];
        statements.extend(
            HELPER_FUNCTIONS
                .iter()
                .map(|f| (*f).replace("{TEXT}", TEXT)),
        );
        statements
    }

    fn positional_placeholders(&self) -> bool {
        true
    }

    fn integer_division_operator(&self) -> Option<BinaryOperator> {
        // DIV truncates toward zero, as PostgreSQL's integer `/` does.
        Some(BinaryOperator::MyIntegerDivide)
    }

    fn division_by_zero_function(&self) -> Option<&'static str> {
        Some("pgbridge_division_by_zero")
    }

    fn auto_increment(&self, column: &mut ColumnDef) {
        column.data_type = match PgType::from_data_type(&column.data_type) {
            Some(PgType::Int2) => DataType::SmallInt(None),
            Some(PgType::Int8) => DataType::BigInt(None),
            Some(_) => DataType::Int(None),
            None => match column.data_type.to_string().to_ascii_lowercase().as_str() {
                "smallserial" | "serial2" => DataType::SmallInt(None),
                "bigserial" | "serial8" => DataType::BigInt(None),
                _ => DataType::Int(None),
            },
        };
        column.options.push(ColumnOptionDef {
            name: None,
            option: ColumnOption::DialectSpecific(vec![Token::make_keyword("AUTO_INCREMENT")]),
        });
    }

    fn text_column_collation(&self, pg_type: PgType) -> Option<&'static str> {
        // bpchar ignores trailing spaces in comparisons, as PAD SPACE collations do.
        Some(if pg_type == PgType::Bpchar {
            "utf8mb4_bin"
        } else {
            "utf8mb4_nopad_bin"
        })
    }

    fn rewrite_function(&self, function: &Function) -> Result<Option<Expr>, TranslateError> {
        mysql_functions::rewrite_function(function)
    }

    fn rewrite_operator(
        &self,
        left: &Expr,
        operator: &BinaryOperator,
        right: &Expr,
    ) -> Result<Option<Expr>, TranslateError> {
        mysql_functions::rewrite_json_operator(left, operator, right)
    }

    fn supports_on_conflict(&self) -> bool {
        false
    }

    fn supports_conflict_on_constraint(&self) -> bool {
        // ON DUPLICATE KEY UPDATE names no key: the named constraint arbitrates as a column
        // list would (any unique key of the table does, see `duplicate_key_upsert.rs`).
        true
    }

    fn supports_update_from(&self) -> bool {
        false
    }

    fn supports_update_returning(&self) -> bool {
        // MariaDB 10.11 returns rows from INSERT and single-table DELETE only; MySQL 8 from
        // neither (its adapter must refuse RETURNING altogether).
        false
    }

    fn supports_offset_without_limit(&self) -> bool {
        false
    }

    fn supports_partial_indexes(&self) -> bool {
        false
    }

    fn supports_aggregate_filter(&self) -> bool {
        false
    }

    fn binary_literal(&self, hex: &str) -> Option<Value> {
        Some(Value::HexStringLiteral(hex.to_owned()))
    }

    fn series_as_recursive_query(&self) -> bool {
        true
    }

    fn null_safe_equal_operator(&self) -> Option<BinaryOperator> {
        Some(BinaryOperator::Spaceship)
    }

    fn supports_named_column_constraints(&self) -> bool {
        false
    }

    fn supports_deferrable_constraints(&self) -> bool {
        // InnoDB checks keys at each statement; DEFERRABLE is a syntax error.
        false
    }

    fn rewrite_extract(
        &self,
        field: &DateTimeField,
        expr: &Expr,
    ) -> Result<Option<Expr>, TranslateError> {
        mysql_functions::extract(field, expr).map(Some)
    }

    fn add_days_function(&self) -> Option<&'static str> {
        Some("ADDDATE")
    }

    fn days_between_function(&self) -> Option<&'static str> {
        Some("DATEDIFF")
    }

    fn truncate_restarts_identity(&self) -> bool {
        true
    }

    fn supports_default_values(&self) -> bool {
        false
    }

    fn booleans_are_numbers(&self) -> bool {
        true
    }

    fn casts_literals_to(&self, pg_type: PgType) -> bool {
        // 't' would read as 0, a UTC offset would be dropped.
        // A bytea literal in hex form would be stored as its characters.
        matches!(pg_type, PgType::Bool | PgType::Timestamptz | PgType::Bytea)
    }

    fn key_column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        // A key cannot be LONGTEXT: 768 characters of utf8mb4 fill InnoDB's 3072-byte key;
        // a longer value fails with 22001 instead of being stored.
        Ok(match self.column_type(data_type)? {
            DataType::LongText => DataType::Varchar(Some(CharacterLength::IntegerLength {
                length: 768,
                unit: None,
            })),
            other => other,
        })
    }
}

/// `DECIMAL(p,s)` for `numeric(p,s)`; a bare `numeric` gets the widest exact type MariaDB has.
fn decimal_info(data_type: &DataType) -> ExactNumberInfo {
    match data_type {
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info)
            if *info != ExactNumberInfo::None =>
        {
            *info
        }
        _ => ExactNumberInfo::PrecisionAndScale(65, 30),
    }
}

fn declared_length(data_type: &DataType) -> Option<CharacterLength> {
    match data_type {
        DataType::Varchar(length)
        | DataType::CharacterVarying(length)
        | DataType::CharVarying(length)
        | DataType::Char(length)
        | DataType::Character(length) => *length,
        _ => None,
    }
}

/// Helper functions created on each connection (`{TEXT}` is the binary text type).
const HELPER_FUNCTIONS: &[&str] = &[
    // What `version()`, `current_user` and `current_database()` answer: set by the backend on
    // each session's connection (user variables live as long as the session).
    "CREATE FUNCTION IF NOT EXISTS pgbridge_version() RETURNS {TEXT} NOT DETERMINISTIC NO SQL \
     RETURN @pgbridge_version",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_current_user() RETURNS {TEXT} NOT DETERMINISTIC \
     NO SQL RETURN @pgbridge_user",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_current_database() RETURNS {TEXT} NOT DETERMINISTIC \
     NO SQL RETURN @pgbridge_database",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_division_by_zero() RETURNS INT DETERMINISTIC NO SQL \
     BEGIN SIGNAL SQLSTATE '22012' SET MESSAGE_TEXT = 'division by zero'; RETURN NULL; END",
    // The DECIMAL parameter rounds half away from zero (PostgreSQL rounds floats half to even)
    // and the typed return value raises 22003 out of range under strict mode.
    "CREATE FUNCTION IF NOT EXISTS pgbridge_int2(v DECIMAL(65,30)) RETURNS SMALLINT \
     DETERMINISTIC NO SQL RETURN ROUND(v)",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_int4(v DECIMAL(65,30)) RETURNS INT \
     DETERMINISTIC NO SQL RETURN ROUND(v)",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_int8(v DECIMAL(65,30)) RETURNS BIGINT \
     DETERMINISTIC NO SQL RETURN ROUND(v)",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_bool(v {TEXT}) RETURNS BOOLEAN DETERMINISTIC NO SQL \
     BEGIN \
     IF v IS NULL THEN RETURN NULL; END IF; \
     IF LOWER(TRIM(v)) IN ('t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1') THEN RETURN TRUE; END IF; \
     IF LOWER(TRIM(v)) IN ('f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0') THEN RETURN FALSE; END IF; \
     SIGNAL SQLSTATE '22P02' SET MESSAGE_TEXT = 'invalid input syntax for type boolean'; \
     RETURN NULL; END",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_json(v {TEXT}) RETURNS {TEXT} DETERMINISTIC NO SQL \
     BEGIN \
     IF v IS NOT NULL AND NOT JSON_VALID(v) THEN \
     SIGNAL SQLSTATE '22P02' SET MESSAGE_TEXT = 'invalid input syntax for type json'; END IF; \
     RETURN v; END",
    // Text with a UTC offset (`2024-01-01 10:00:00+02`) moves to UTC, as PostgreSQL stores it;
    // MariaDB's CAST would drop the offset.
    "CREATE FUNCTION IF NOT EXISTS pgbridge_timestamptz(v {TEXT}) RETURNS DATETIME(6) \
     DETERMINISTIC NO SQL \
     BEGIN \
     DECLARE zone VARCHAR(8); \
     DECLARE local_time VARCHAR(64) DEFAULT TRIM(v); \
     IF v IS NULL THEN RETURN NULL; END IF; \
     IF local_time REGEXP '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *[+-][0-9]{2}(:?[0-9]{2})?$' THEN \
     SET zone = REGEXP_SUBSTR(local_time, '[+-][0-9]{2}(:?[0-9]{2})?$'); \
     SET local_time = LEFT(local_time, CHAR_LENGTH(local_time) - CHAR_LENGTH(zone)); \
     SET zone = CASE CHAR_LENGTH(zone) WHEN 3 THEN CONCAT(zone, ':00') \
     WHEN 5 THEN CONCAT(LEFT(zone, 3), ':', RIGHT(zone, 2)) ELSE zone END; \
     RETURN CONVERT_TZ(CAST(TRIM(local_time) AS DATETIME(6)), zone, '+00:00'); \
     END IF; \
     IF local_time REGEXP '[0-9] *(Z|UTC)$' THEN \
     RETURN CAST(TRIM(TRAILING 'UTC' FROM TRIM(TRAILING 'Z' FROM local_time)) AS DATETIME(6)); \
     END IF; \
     RETURN CAST(local_time AS DATETIME(6)); END",
    // PostgreSQL's split_part: '' past the last field, negative positions count from the end.
    "CREATE FUNCTION IF NOT EXISTS pgbridge_split_part(s {TEXT}, delimiter {TEXT}, n INT) \
     RETURNS {TEXT} DETERMINISTIC NO SQL \
     BEGIN \
     DECLARE fields INT; \
     IF s IS NULL OR delimiter IS NULL OR n IS NULL THEN RETURN NULL; END IF; \
     IF n = 0 THEN SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = 'field position must not be zero'; END IF; \
     IF delimiter = '' THEN RETURN IF(n = 1 OR n = -1, s, ''); END IF; \
     SET fields = (CHAR_LENGTH(s) - CHAR_LENGTH(REPLACE(s, delimiter, ''))) DIV CHAR_LENGTH(delimiter) + 1; \
     IF ABS(n) > fields THEN RETURN ''; END IF; \
     IF n > 0 THEN RETURN SUBSTRING_INDEX(SUBSTRING_INDEX(s, delimiter, n), delimiter, -1); END IF; \
     RETURN SUBSTRING_INDEX(SUBSTRING_INDEX(s, delimiter, n), delimiter, 1); END",
    "CREATE FUNCTION IF NOT EXISTS pgbridge_regex_match(subject {TEXT}, pattern {TEXT}, \
     flags VARCHAR(8)) RETURNS BOOLEAN DETERMINISTIC NO SQL \
     RETURN IF(flags = 'i', subject REGEXP CONCAT('(?i)', pattern), subject REGEXP pattern)",
];

/// MariaDB's reserved words (https://mariadb.com/kb/en/reserved-words/), sorted for binary
/// search: an identifier spelled like one is quoted.
const KEYWORDS: &[&str] = &[
    "ACCESSIBLE",
    "ADD",
    "ALL",
    "ALTER",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "ASENSITIVE",
    "BEFORE",
    "BETWEEN",
    "BIGINT",
    "BINARY",
    "BLOB",
    "BOTH",
    "BY",
    "CALL",
    "CASCADE",
    "CASE",
    "CHANGE",
    "CHAR",
    "CHARACTER",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "CONDITION",
    "CONSTRAINT",
    "CONTINUE",
    "CONVERT",
    "CREATE",
    "CROSS",
    "CURRENT_DATE",
    "CURRENT_ROLE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "CURSOR",
    "DATABASE",
    "DATABASES",
    "DAY_HOUR",
    "DAY_MICROSECOND",
    "DAY_MINUTE",
    "DAY_SECOND",
    "DEC",
    "DECIMAL",
    "DECLARE",
    "DEFAULT",
    "DELAYED",
    "DELETE",
    "DELETE_DOMAIN_ID",
    "DESC",
    "DESCRIBE",
    "DETERMINISTIC",
    "DISTINCT",
    "DISTINCTROW",
    "DIV",
    "DOUBLE",
    "DO_DOMAIN_IDS",
    "DROP",
    "DUAL",
    "EACH",
    "ELSE",
    "ELSEIF",
    "ENCLOSED",
    "ESCAPED",
    "EXCEPT",
    "EXISTS",
    "EXIT",
    "EXPLAIN",
    "FALSE",
    "FETCH",
    "FLOAT",
    "FLOAT4",
    "FLOAT8",
    "FOR",
    "FORCE",
    "FOREIGN",
    "FROM",
    "FULLTEXT",
    "GENERAL",
    "GRANT",
    "GROUP",
    "HAVING",
    "HIGH_PRIORITY",
    "HOUR_MICROSECOND",
    "HOUR_MINUTE",
    "HOUR_SECOND",
    "IF",
    "IGNORE",
    "IGNORE_DOMAIN_IDS",
    "IGNORE_SERVER_IDS",
    "IN",
    "INDEX",
    "INFILE",
    "INNER",
    "INOUT",
    "INSENSITIVE",
    "INSERT",
    "INT",
    "INT1",
    "INT2",
    "INT3",
    "INT4",
    "INT8",
    "INTEGER",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "ITERATE",
    "JOIN",
    "KEY",
    "KEYS",
    "KILL",
    "LEADING",
    "LEAVE",
    "LEFT",
    "LIKE",
    "LIMIT",
    "LINEAR",
    "LINES",
    "LOAD",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "LOCK",
    "LONG",
    "LONGBLOB",
    "LONGTEXT",
    "LOOP",
    "LOW_PRIORITY",
    "MASTER_HEARTBEAT_PERIOD",
    "MASTER_SSL_VERIFY_SERVER_CERT",
    "MATCH",
    "MAXVALUE",
    "MEDIUMBLOB",
    "MEDIUMINT",
    "MEDIUMTEXT",
    "MIDDLEINT",
    "MINUTE_MICROSECOND",
    "MINUTE_SECOND",
    "MOD",
    "MODIFIES",
    "NATURAL",
    "NOT",
    "NO_WRITE_TO_BINLOG",
    "NULL",
    "NUMERIC",
    "OFFSET",
    "ON",
    "OPTIMIZE",
    "OPTION",
    "OPTIONALLY",
    "OR",
    "ORDER",
    "OUT",
    "OUTER",
    "OUTFILE",
    "OVER",
    "PAGE_CHECKSUM",
    "PARSE_VCOL_EXPR",
    "PARTITION",
    "POSITION",
    "PRECISION",
    "PRIMARY",
    "PROCEDURE",
    "PURGE",
    "RANGE",
    "READ",
    "READS",
    "READ_WRITE",
    "REAL",
    "RECURSIVE",
    "REFERENCES",
    "REF_SYSTEM_ID",
    "REGEXP",
    "RELEASE",
    "RENAME",
    "REPEAT",
    "REPLACE",
    "REQUIRE",
    "RESIGNAL",
    "RESTRICT",
    "RETURN",
    "RETURNING",
    "REVOKE",
    "RIGHT",
    "RLIKE",
    "ROWS",
    "ROW_NUMBER",
    "SCHEMA",
    "SCHEMAS",
    "SECOND_MICROSECOND",
    "SELECT",
    "SENSITIVE",
    "SEPARATOR",
    "SET",
    "SHOW",
    "SIGNAL",
    "SLOW",
    "SMALLINT",
    "SPATIAL",
    "SPECIFIC",
    "SQL",
    "SQLEXCEPTION",
    "SQLSTATE",
    "SQLWARNING",
    "SQL_BIG_RESULT",
    "SQL_CALC_FOUND_ROWS",
    "SQL_SMALL_RESULT",
    "SSL",
    "STARTING",
    "STATS_AUTO_RECALC",
    "STATS_PERSISTENT",
    "STATS_SAMPLE_PAGES",
    "STRAIGHT_JOIN",
    "TABLE",
    "TERMINATED",
    "THEN",
    "TINYBLOB",
    "TINYINT",
    "TINYTEXT",
    "TO",
    "TRAILING",
    "TRIGGER",
    "TRUE",
    "UNDO",
    "UNION",
    "UNIQUE",
    "UNLOCK",
    "UNSIGNED",
    "UPDATE",
    "USAGE",
    "USE",
    "USING",
    "UTC_DATE",
    "UTC_TIME",
    "UTC_TIMESTAMP",
    "VALUES",
    "VARBINARY",
    "VARCHAR",
    "VARCHARACTER",
    "VARYING",
    "WHEN",
    "WHERE",
    "WHILE",
    "WINDOW",
    "WITH",
    "WRITE",
    "XOR",
    "YEAR_MONTH",
    "ZEROFILL",
];
