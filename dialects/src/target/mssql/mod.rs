//! SQL Server 2019 and later (T-SQL), reached through tiberius.
//!
//! How pgbridge stores PostgreSQL types on SQL Server: booleans as `BIT`, integers and floats
//! as their T-SQL namesakes, `numeric(p, s)` as `DECIMAL(p, s)` (a bare `numeric` as
//! `DECIMAL(38, 18)`: SQL Server has no unbounded decimal), text as `NVARCHAR` (UTF-16, so any
//! character survives) with a case-sensitive collation, `timestamp` as `DATETIME2(6)` and
//! `timestamptz` as `DATETIMEOFFSET(6)` (microseconds, as PostgreSQL), uuid as
//! `UNIQUEIDENTIFIER`, json as `NVARCHAR(MAX)`, bytea as `VARBINARY(MAX)`. Intervals and arrays
//! have no column type and are refused.
//!
//! Statements are sent with `SET QUOTED_IDENTIFIER ON` (the driver default), so the
//! `"double quoted"` identifiers sqlparser prints are identifiers, and parameters are tiberius's
//! `@P1 .. @Pn`.

mod functions;
mod keywords;
mod literals;

use sqlparser::ast::{DataType, ExactNumberInfo, Expr, Ident, ObjectName, TypeModifier, Value};

use super::TargetDialect;
use crate::{PgType, TranslateError};

/// The SQL Server target.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsSql;

const NAME: &str = "SQL Server";

/// The collation of character columns: case- and accent-sensitive as PostgreSQL's
/// deterministic collations are, and `_SC` so that `LEN`, `SUBSTRING` and `CHARINDEX` count a
/// supplementary character (an emoji) as one character, as PostgreSQL does.
const CASE_SENSITIVE_COLLATION: &str = "Latin1_General_100_CS_AS_SC";

/// The `#temp` table, one row, that holds what `version()`, `current_user` and
/// `current_database()` answer on a connection. Each connection creates it at setup; the
/// adapter writes the values of the session using the connection into it
/// ([`MsSql::set_session_values`]) whenever the connection passes to another session. A
/// `#temp` table, not `SESSION_CONTEXT`, because the T-SQL emulator the adapter is tested on
/// has no `SESSION_CONTEXT`; the price is that SQL Server refuses these functions where it
/// allows no subquery (column defaults, CHECK constraints, views).
const SESSION_TABLE: &str = "#pgbridge_session";

/// The session values a connection holds in [`SESSION_TABLE`].
#[derive(Debug, Clone, Copy)]
enum SessionValue {
    Version,
    User,
    Database,
}

impl SessionValue {
    fn column(self) -> &'static str {
        match self {
            SessionValue::Version => "pg_version",
            SessionValue::User => "pg_user",
            SessionValue::Database => "pg_database",
        }
    }

    const ALL: [SessionValue; 3] = [
        SessionValue::Version,
        SessionValue::User,
        SessionValue::Database,
    ];
}

impl MsSql {
    /// The statement that gives a connection the values of the session that uses it: `@P1`
    /// what `version()` answers, `@P2` the user (`current_user`), `@P3` the database
    /// (`current_database()`).
    pub fn set_session_values() -> String {
        let assignments: Vec<String> = SessionValue::ALL
            .iter()
            .enumerate()
            .map(|(i, value)| format!("{} = @P{}", value.column(), i + 1))
            .collect();
        format!("UPDATE {SESSION_TABLE} SET {}", assignments.join(", "))
    }

    /// The setup statements that create [`SESSION_TABLE`] with its one row of NULLs.
    fn session_table_setup() -> [String; 2] {
        let columns: Vec<&str> = SessionValue::ALL.iter().map(|v| v.column()).collect();
        let declared: Vec<String> = columns
            .iter()
            .map(|column| format!("{column} NVARCHAR(4000)"))
            .collect();
        [
            format!("CREATE TABLE {SESSION_TABLE} ({})", declared.join(", ")),
            format!(
                "INSERT INTO {SESSION_TABLE} ({}) VALUES ({})",
                columns.join(", "),
                vec!["NULL"; columns.len()].join(", ")
            ),
        ]
    }
}

/// NVARCHAR(n) holds at most 4000 UTF-16 code units; longer declared lengths become MAX.
const LONGEST_NVARCHAR: u64 = 4000;

impl TargetDialect for MsSql {
    fn name(&self) -> &'static str {
        NAME
    }

    fn placeholder(&self, index: usize) -> String {
        format!("@P{index}")
    }

    fn column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        let pg = PgType::from_data_type(data_type)
            .ok_or_else(|| TranslateError::unsupported(format!("column type {data_type}"), NAME))?;
        Ok(match pg {
            PgType::Bool => named("BIT", &[]),
            PgType::Int2 => named("SMALLINT", &[]),
            PgType::Int4 => named("INT", &[]),
            PgType::Int8 | PgType::Oid => named("BIGINT", &[]),
            PgType::Float4 => named("REAL", &[]),
            PgType::Float8 => named("FLOAT", &[]),
            PgType::Numeric => decimal(data_type),
            PgType::Varchar | PgType::Text | PgType::Json | PgType::Jsonb | PgType::Unknown => {
                match declared_length(data_type) {
                    Some(length) if length <= LONGEST_NVARCHAR => {
                        named("NVARCHAR", &[&length.to_string()])
                    }
                    _ => named("NVARCHAR", &["MAX"]),
                }
            }
            PgType::Bpchar | PgType::Char => {
                let length = declared_length(data_type).unwrap_or(1);
                named("NCHAR", &[&length.to_string()])
            }
            PgType::Name => named("NVARCHAR", &["63"]),
            PgType::Bytea => named("VARBINARY", &["MAX"]),
            PgType::Date => named("DATE", &[]),
            PgType::Time => named("TIME", &["6"]),
            PgType::Timestamp => named("DATETIME2", &["6"]),
            PgType::Timestamptz => named("DATETIMEOFFSET", &["6"]),
            PgType::Uuid => named("UNIQUEIDENTIFIER", &[]),
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
        self.column_type(data_type)
    }

    fn now_function(&self) -> &'static str {
        // The statement's start, not the transaction's: SQL Server has no transaction clock.
        "SYSDATETIMEOFFSET"
    }

    fn supports_limit_offset(&self) -> bool {
        false
    }

    fn supports_returning(&self) -> bool {
        false
    }

    fn supports_boolean_values(&self) -> bool {
        false
    }

    fn supports_identity_columns(&self) -> bool {
        true
    }

    fn supports_recursive_keyword(&self) -> bool {
        false
    }

    fn supports_concat_operator(&self) -> bool {
        false
    }

    fn national_string_literals(&self) -> bool {
        true
    }

    fn supports_add_column_keyword(&self) -> bool {
        false
    }

    fn supports_drop_cascade(&self) -> bool {
        false
    }

    fn supports_create_table_as(&self) -> bool {
        false
    }

    fn case_sensitive_collation(&self) -> Option<&'static str> {
        Some(CASE_SENSITIVE_COLLATION)
    }

    fn cast_to_integer_rounds(&self) -> bool {
        // CAST(1.5 AS INT) is 1 on SQL Server.
        false
    }

    fn cast_keeps_long_text(&self) -> bool {
        // CAST(N'abc' AS NVARCHAR(2)) is N'ab', as PostgreSQL's explicit cast.
        false
    }

    fn function_call(&self, name: &str, args: &[Expr]) -> Result<Option<Expr>, TranslateError> {
        functions::call_for(name, args)
    }

    fn rewrite_function(
        &self,
        function: &sqlparser::ast::Function,
    ) -> Result<Option<Expr>, TranslateError> {
        Ok(functions::session_function(function))
    }

    fn json_value_function(&self) -> Option<&'static str> {
        Some("JSON_VALUE")
    }

    fn upsert_as_merge(&self) -> bool {
        true
    }

    fn supports_delete_using(&self) -> bool {
        false
    }

    fn rename_procedure(&self) -> Option<&'static str> {
        Some("sp_rename")
    }

    fn ordered_aggregates_within_group(&self) -> bool {
        true
    }

    fn supports_aggregate_filter(&self) -> bool {
        false
    }

    fn row_lock_hints(&self) -> bool {
        true
    }

    fn missing_object_condition(&self, table: &str, index: Option<&str>) -> Option<String> {
        let literal = |text: &str| format!("N'{}'", text.replace('\'', "''"));
        Some(match index {
            None => format!("OBJECT_ID({}, N'U') IS NULL", literal(table)),
            Some(index) => format!(
                "NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = {} AND object_id = OBJECT_ID({}))",
                literal(index),
                literal(table)
            ),
        })
    }

    fn supports_postgresql_index_forms(&self) -> bool {
        false
    }

    fn unique_index_admits_one_null(&self) -> bool {
        true
    }

    fn truncate_restarts_identity(&self) -> bool {
        true
    }

    fn supports_temporary_tables(&self) -> bool {
        // `#name` tables are session-scoped like PostgreSQL's, but every later reference would
        // need the `#`: refused until the engine tracks them.
        false
    }

    fn supports_dml_target_alias(&self) -> bool {
        // T-SQL aliases the written table only in the second FROM (`DELETE a FROM t AS a`).
        false
    }

    fn supports_storage_parameters(&self) -> bool {
        // `WITH (fillfactor = ..)` and UNLOGGED tune storage only; they are dropped.
        false
    }

    fn lateral_as_apply(&self) -> bool {
        true
    }

    fn supports_row_comparisons(&self) -> bool {
        false
    }

    fn supports_at_time_zone(&self) -> bool {
        // T-SQL's AT TIME ZONE takes Windows zone names and returns DATETIMEOFFSET where
        // PostgreSQL's turns a timestamptz into a timestamp.
        false
    }

    fn target_parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::MsSqlDialect {}
    }

    fn supports_nulls_ordering(&self) -> bool {
        false
    }

    fn like_is_case_sensitive(&self) -> bool {
        // With the case-sensitive collation on columns and LIKE subjects.
        true
    }

    fn is_keyword(&self, word: &str) -> bool {
        keywords::KEYWORDS
            .binary_search(&word.to_ascii_uppercase().as_str())
            .is_ok()
    }

    fn unquotes_identifier(&self, name: &str) -> bool {
        // `"#t"` from a client names the session's temporary table `#t`; sent bare, as every
        // T-SQL client writes it (a regular identifier may start with `#`).
        name.strip_prefix('#').is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    }

    fn session_setup(&self) -> Vec<String> {
        // What SQL Server's own drivers set at login, said again: the translation relies on
        // each (double-quoted identifiers, NULL comparisons, errors on overflow and division
        // by zero, NULL + text is NULL), and no transaction opens by itself. Run once, on a
        // new connection (the `#temp` table would exist the second time).
        [
            "SET QUOTED_IDENTIFIER ON",
            "SET ANSI_NULLS ON",
            "SET ANSI_WARNINGS ON",
            "SET ANSI_PADDING ON",
            "SET ARITHABORT ON",
            "SET CONCAT_NULL_YIELDS_NULL ON",
            "SET IMPLICIT_TRANSACTIONS OFF",
        ]
        .map(str::to_owned)
        .into_iter()
        // The session values (SESSION_TABLE), filled in by the adapter.
        .chain(MsSql::session_table_setup())
        .collect()
    }

    fn supports_derived_column_names(&self) -> bool {
        true
    }

    fn supports_conflict_on_constraint(&self) -> bool {
        false
    }

    fn binary_literal(&self, hex: &str) -> Option<Value> {
        Some(literals::binary(hex))
    }

    fn timestamptz_literal(&self, text: &str) -> Option<String> {
        literals::timestamptz(text)
    }

    fn casts_literals_to(&self, pg_type: PgType) -> bool {
        // SQL Server converts NVARCHAR to VARBINARY only explicitly, and reads `+01` as no
        // offset: such literals get the casts that write them as SQL Server reads them.
        matches!(pg_type, PgType::Bytea | PgType::Timestamptz)
    }

    fn collation(&self, name: &str) -> Option<&'static str> {
        // Code-point order, as PostgreSQL's "C".
        matches!(name, "C" | "POSIX" | "ucs_basic").then_some("Latin1_General_100_BIN2")
    }
}

/// A T-SQL type by name with its modifiers (`NVARCHAR(MAX)`, `DATETIME2(6)`).
fn named(name: &str, modifiers: &[&str]) -> DataType {
    DataType::Custom(
        ObjectName::from(vec![Ident::new(name)]),
        modifiers
            .iter()
            .map(|m| match m.parse::<u64>() {
                Ok(_) => TypeModifier::Number((*m).to_owned(), false),
                Err(_) => TypeModifier::Identifier(Ident::new(*m)),
            })
            .collect(),
    )
}

/// `DECIMAL(p, s)` for `numeric(p, s)`; an unbounded `numeric` gets the widest precision and
/// 18 decimal places.
fn decimal(data_type: &DataType) -> DataType {
    let info = match data_type {
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => *info,
        _ => ExactNumberInfo::None,
    };
    match info {
        ExactNumberInfo::PrecisionAndScale(p, s) => {
            named("DECIMAL", &[&p.to_string(), &s.to_string()])
        }
        ExactNumberInfo::Precision(p) => named("DECIMAL", &[&p.to_string(), "0"]),
        ExactNumberInfo::None => named("DECIMAL", &["38", "18"]),
    }
}

/// The length declared in `varchar(n)` / `char(n)`.
fn declared_length(data_type: &DataType) -> Option<u64> {
    use sqlparser::ast::CharacterLength;
    let length = match data_type {
        DataType::Varchar(length)
        | DataType::CharacterVarying(length)
        | DataType::CharVarying(length)
        | DataType::Char(length)
        | DataType::Character(length) => length.as_ref(),
        _ => None,
    };
    match length {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        _ => None,
    }
}
