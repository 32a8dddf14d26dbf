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
        panic!("{pg_sql}: T-SQL {} does not parse: {error}", translation.sql);
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
