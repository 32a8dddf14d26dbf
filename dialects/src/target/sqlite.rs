//! SQLite (3.45, as bundled by rusqlite).
//!
//! SQLite keeps values in five storage classes. pgbridge stores PostgreSQL types as:
//! booleans as 0/1 integers, dates and times as ISO-8601 text (timestamptz normalised to UTC),
//! uuid and json as text, bytea as blob, numeric with NUMERIC affinity. The declared PostgreSQL
//! types live in pgbridge's type registry so results come back typed.

use sqlparser::ast::{BinaryOperator, DataType, DateTimeField, ExactNumberInfo, Expr, Value};

use super::{IntervalFunctions, TargetDialect};
use crate::{PgType, TranslateError};

/// The SQLite target.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

const NAME: &str = "SQLite";

impl TargetDialect for Sqlite {
    fn name(&self) -> &'static str {
        NAME
    }

    fn placeholder(&self, index: usize) -> String {
        format!("?{index}")
    }

    fn column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        // No target stores array columns.
        let pg = PgType::from_data_type(data_type)
            .filter(|pg| !pg.is_array())
            .ok_or_else(|| TranslateError::unsupported(format!("column type {data_type}"), NAME))?;
        Ok(storage_type(pg))
    }

    fn cast_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        self.column_type(data_type)
    }

    fn cast_function(&self, pg_type: PgType) -> Option<&'static str> {
        // SQLite's CAST truncates 1.5 to 1, reads 'abc' as 0 and never fails: these functions,
        // registered on every connection, apply PostgreSQL's input rules instead.
        Some(match pg_type {
            PgType::Bool => "pgbridge_bool",
            PgType::Int2 => "pgbridge_int2",
            PgType::Int4 => "pgbridge_int4",
            PgType::Int8 => "pgbridge_int8",
            PgType::Float4 | PgType::Float8 => "pgbridge_float8",
            PgType::Numeric => "pgbridge_numeric",
            PgType::Date => "pgbridge_date",
            PgType::Timestamp => "pgbridge_timestamp",
            PgType::Timestamptz => "pgbridge_timestamptz",
            PgType::Time => "pgbridge_time",
            PgType::Uuid => "pgbridge_uuid",
            PgType::Bytea => "pgbridge_bytea",
            PgType::Jsonb => "pgbridge_jsonb",
            PgType::Interval => "pgbridge_interval",
            _ => return None,
        })
    }

    fn numeric_text_function(&self) -> Option<&'static str> {
        // A numeric is stored as an INTEGER or a REAL, which keep no scale: `1.50` prints `1.5`.
        Some("pgbridge_numeric_text")
    }

    fn converts_on_assignment(&self) -> bool {
        // SQLite stores 't' in a boolean column and 'thirty' in an integer one.
        true
    }

    fn casts_literals_to(&self, pg_type: PgType) -> bool {
        // `flag = 'true'` would compare the stored 1 with the text, and `'\x00ff'` would be
        // stored as its six characters instead of the two bytes of a bytea (a blob).
        matches!(pg_type, PgType::Bool | PgType::Timestamptz | PgType::Bytea)
    }

    fn fractional_division_function(&self) -> Option<&'static str> {
        // A numeric column keeps 7 as an integer, and SQLite's 7 / 2 is 3.
        Some("pgbridge_float8")
    }

    fn booleans_are_numbers(&self) -> bool {
        true
    }

    fn dml_alias_needs_as(&self) -> bool {
        // SQLite takes `UPDATE t AS a` (AS required) but its RETURNING cannot read `a.x`.
        true
    }

    fn returning_reads_qualified_wildcards(&self) -> bool {
        false
    }

    fn row_id_column(&self) -> Option<&'static str> {
        // SQLite's DELETE takes no USING; pgbridge creates no WITHOUT ROWID tables.
        Some("rowid")
    }

    fn float_rint_function(&self) -> Option<&'static str> {
        // Registered by the backend: SQLite's round() and the integer casts round 2.5 to 3.
        Some("pgbridge_rint")
    }

    fn like_escapes_with_backslash(&self) -> bool {
        false
    }

    fn supports_offset_without_limit(&self) -> bool {
        false
    }

    fn unlimited_row_count(&self) -> &'static str {
        // SQLite reads a negative limit as none; PostgreSQL's negative limits are refused
        // before they get here.
        "-1"
    }

    fn has_value_series(&self) -> bool {
        // rusqlite's series module, loaded on every connection.
        true
    }

    fn rewrite_extract(
        &self,
        field: &DateTimeField,
        expr: &Expr,
    ) -> Result<Option<Expr>, TranslateError> {
        // `date_part`, registered on every connection, reads the stored ISO text.
        let name = Expr::value(Value::SingleQuotedString(field.to_string().to_lowercase()));
        Ok(Some(crate::passes::call(
            "date_part",
            vec![name, expr.clone()],
        )))
    }

    fn like_is_case_sensitive(&self) -> bool {
        // pgbridge turns on `PRAGMA case_sensitive_like` on every connection.
        true
    }

    fn arithmetic_function(&self, operator: &BinaryOperator) -> Option<&'static str> {
        Some(match operator {
            BinaryOperator::Plus => "pgbridge_add",
            BinaryOperator::Minus => "pgbridge_sub",
            BinaryOperator::Multiply => "pgbridge_mul",
            BinaryOperator::Divide => "pgbridge_div",
            BinaryOperator::Modulo => "pgbridge_mod",
            // `#` is PostgreSQL's exclusive or; SQLite has no operator for it.
            BinaryOperator::PGBitwiseXor => "pgbridge_xor",
            // jsonb operators SQLite lacks (it has `->` and `->>`), registered by the backend.
            BinaryOperator::HashArrow => "pgbridge_json_path",
            BinaryOperator::HashLongArrow => "pgbridge_json_path_text",
            BinaryOperator::Question => "pgbridge_json_exists",
            BinaryOperator::QuestionPipe => "pgbridge_json_exists_any",
            BinaryOperator::QuestionAnd => "pgbridge_json_exists_all",
            BinaryOperator::AtArrow => "pgbridge_json_contains",
            BinaryOperator::ArrowAt => "pgbridge_json_contained",
            _ => return None,
        })
    }

    fn now_function(&self) -> &'static str {
        "pgbridge_now"
    }

    fn clock_function(&self) -> &'static str {
        "pgbridge_clock"
    }

    fn jsonb_operator_function(&self, operator: &BinaryOperator) -> Option<&'static str> {
        // Registered by the backend (src/backends/sqlite/json_edits.rs).
        Some(match operator {
            BinaryOperator::StringConcat => "pgbridge_jsonb_concat",
            BinaryOperator::Minus => "pgbridge_jsonb_delete",
            BinaryOperator::HashMinus => "pgbridge_jsonb_delete_path",
            _ => return None,
        })
    }

    fn distinct_string_agg_function(&self) -> Option<&'static str> {
        // "DISTINCT aggregates must have exactly one argument" (registered by the backend).
        Some("pgbridge_string_agg_distinct")
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
        false
    }

    fn supports_add_constraint(&self) -> bool {
        false
    }

    fn enforces_character_length(&self) -> bool {
        false
    }

    fn supports_drop_many(&self) -> bool {
        false
    }

    fn supports_row_locks(&self) -> bool {
        false
    }

    fn regex_match_function(&self) -> Option<&'static str> {
        // Registered on every connection with the `regex` crate, whose syntax covers the
        // patterns clients send (psql's `^(name)$`).
        Some("pgbridge_regex_match")
    }

    fn object_reference_function(&self, reference_type: &str, shown: bool) -> Option<&'static str> {
        // Registered on every connection; they read pgbridge's emulated catalog.
        Some(match (reference_type, shown) {
            ("regclass", false) => "pgbridge_regclass",
            ("regclass", true) => "pgbridge_regclass_name",
            ("regtype", false) => "pgbridge_regtype",
            ("regtype", true) => "pgbridge_regtype_name",
            ("regnamespace", false) => "pgbridge_regnamespace",
            ("regnamespace", true) => "pgbridge_regnamespace_name",
            ("to_regtype", false) => "pgbridge_to_regtype",
            ("to_regtype", true) => "pgbridge_to_regtype_name",
            ("regproc", _) => "pgbridge_regproc",
            _ => return None,
        })
    }

    fn supports_intervals(&self) -> bool {
        true
    }

    fn interval_functions(&self) -> Option<IntervalFunctions> {
        // Registered by the backend: intervals are PostgreSQL's interval text, and timestamps
        // pgbridge's stored text, on both sides of them.
        Some(IntervalFunctions {
            moved: "pgbridge_datetime_moved",
            between: "pgbridge_datetime_between",
            combined: "pgbridge_interval_combined",
            span: "pgbridge_interval_span",
            scaled: "pgbridge_interval_scaled",
        })
    }

    fn blank_padded_collation(&self) -> Option<&'static str> {
        // RTRIM is BINARY with trailing spaces ignored.
        Some("RTRIM")
    }

    fn collation(&self, name: &str) -> Option<&'static str> {
        // "C", "POSIX" and "ucs_basic" order by code point; BINARY compares UTF-8 bytes, which
        // is the same order.
        matches!(name, "C" | "POSIX" | "ucs_basic").then_some("BINARY")
    }

    fn array_membership_function(&self) -> Option<&'static str> {
        // Registered by the backend; the catalog's arrays are `{1,2}` or `1 2` text.
        Some("pgbridge_array_contains")
    }

    fn supports_trim_from(&self) -> bool {
        // SQLite spells it trim(text, characters), ltrim and rtrim.
        false
    }

    fn array_aggregate_function(&self) -> Option<&'static str> {
        // Registered by the backend: collects array text, ORDER BY applied by SQLite.
        Some("pgbridge_array_agg")
    }

    fn array_element_function(&self) -> Option<&'static str> {
        Some("pgbridge_array_element")
    }

    fn array_elements(&self, arrays: &[Expr], alias: &str) -> Option<super::ArrayElements> {
        Some(super::sqlite_arrays::elements(arrays, alias))
    }

    fn record(&self, fields: Vec<(&str, Expr)>) -> Option<Expr> {
        Some(super::sqlite_arrays::record(fields))
    }

    fn record_field(&self, record: Expr, field: &str) -> Option<Expr> {
        Some(super::sqlite_arrays::record_field(record, field))
    }

    fn raise_function(&self) -> Option<&'static str> {
        // Registered by the backend: raises `sqlstate: message`.
        Some("pgbridge_raise")
    }

    fn drops_without_cascade(&self) -> bool {
        true
    }

    fn json_mark_function(&self) -> Option<&'static str> {
        // Registered by the backend with PostgreSQL's JSON builders, which read its mark.
        Some("pgbridge_json_value")
    }

    fn function_call(&self, name: &str, args: &[Expr]) -> Result<Option<Expr>, TranslateError> {
        let is_text_literal = |expr: &Expr| matches!(expr, Expr::Value(value) if matches!(value.value, Value::SingleQuotedString(_)));
        match (name, args) {
            // `substring(s FROM 'pattern')`: the first parenthesized group of a regular
            // expression match, or the whole match (registered by the backend).
            ("substring", [_, pattern]) if is_text_literal(pattern) => Ok(Some(
                crate::passes::call("pgbridge_substring_regex", args.to_vec()),
            )),
            // Registered by the backend with PostgreSQL's rules; SQLite does not parse the
            // special syntax these come from (`POSITION(a IN b)`, `SUBSTRING(s FROM 1 FOR 2)`).
            ("substring" | "strpos", _) => Ok(Some(crate::passes::call(name, args.to_vec()))),
            // Registered by the backend: SQLite's round() takes no negative digit counts and
            // rounds the binary value (2.675 to 2.67) where numeric rounds the decimal.
            ("round", [_, _]) => Ok(Some(crate::passes::call("pgbridge_round", args.to_vec()))),
            (
                "pg_total_relation_size" | "pg_relation_size" | "pg_table_size" | "pg_indexes_size",
                [relation],
            ) => relation_size(name, relation).map(Some),
            _ => Ok(None),
        }
    }
}

/// A relation size function as the bytes of the b-trees that hold the relation, read from
/// SQLite's `dbstat` table. `pgbridge_relation_name` (registered by the backend) turns the
/// argument, an OID or a name, into the name SQLite knows the table or index by.
fn relation_size(function: &str, relation: &Expr) -> Result<Expr, TranslateError> {
    let objects = match function {
        "pg_total_relation_size" => "tbl_name = pgbridge_relation_name(ARG)",
        "pg_indexes_size" => "type = 'index' AND tbl_name = pgbridge_relation_name(ARG)",
        _ => "name = pgbridge_relation_name(ARG)",
    };
    let template = format!(
        "(SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN \
         (SELECT name FROM main.sqlite_master WHERE {objects}))"
    );
    let sql = template.replace("ARG", &relation.to_string());
    sqlparser::parser::Parser::new(&sqlparser::dialect::SQLiteDialect {})
        .try_with_sql(&sql)
        .and_then(|mut parser| parser.parse_expr())
        .map_err(|e| TranslateError::Syntax {
            message: e.to_string(),
        })
}

/// SQLite's keywords (https://sqlite.org/lang_keywords.html), sorted for binary search.
const KEYWORDS: &[&str] = &[
    "ABORT",
    "ACTION",
    "ADD",
    "AFTER",
    "ALL",
    "ALTER",
    "ALWAYS",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "ATTACH",
    "AUTOINCREMENT",
    "BEFORE",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMIT",
    "CONFLICT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DATABASE",
    "DEFAULT",
    "DEFERRABLE",
    "DEFERRED",
    "DELETE",
    "DESC",
    "DETACH",
    "DISTINCT",
    "DO",
    "DROP",
    "EACH",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "EXCLUDE",
    "EXCLUSIVE",
    "EXISTS",
    "EXPLAIN",
    "FAIL",
    "FILTER",
    "FIRST",
    "FOLLOWING",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GENERATED",
    "GLOB",
    "GROUP",
    "GROUPS",
    "HAVING",
    "IF",
    "IGNORE",
    "IMMEDIATE",
    "IN",
    "INDEX",
    "INDEXED",
    "INITIALLY",
    "INNER",
    "INSERT",
    "INSTEAD",
    "INTERSECT",
    "INTO",
    "IS",
    "ISNULL",
    "JOIN",
    "KEY",
    "LAST",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MATCH",
    "MATERIALIZED",
    "NATURAL",
    "NO",
    "NOT",
    "NOTHING",
    "NOTNULL",
    "NULL",
    "NULLS",
    "OF",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OTHERS",
    "OUTER",
    "OVER",
    "PARTITION",
    "PLAN",
    "PRAGMA",
    "PRECEDING",
    "PRIMARY",
    "QUERY",
    "RAISE",
    "RANGE",
    "RECURSIVE",
    "REFERENCES",
    "REGEXP",
    "REINDEX",
    "RELEASE",
    "RENAME",
    "REPLACE",
    "RESTRICT",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "ROW",
    "ROWS",
    "SAVEPOINT",
    "SELECT",
    "SET",
    "TABLE",
    "TEMP",
    "TEMPORARY",
    "THEN",
    "TIES",
    "TO",
    "TRANSACTION",
    "TRIGGER",
    "UNBOUNDED",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VACUUM",
    "VALUES",
    "VIEW",
    "VIRTUAL",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
    "WITHOUT",
];

/// The SQLite column type that stores a PostgreSQL type.
fn storage_type(pg: PgType) -> DataType {
    match pg {
        PgType::Bool | PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid => {
            DataType::Integer(None)
        }
        PgType::Float4 | PgType::Float8 => DataType::Real,
        PgType::Numeric => DataType::Numeric(ExactNumberInfo::None),
        PgType::Bytea => DataType::Blob(None),
        _ => DataType::Text,
    }
}
