//! `INSERT INTO t DEFAULT VALUES` on a target without it: `INSERT INTO t VALUES ()`, one row of
//! defaults, in MySQL's spelling.

use sqlparser::ast::Statement;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::TargetDialect;

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.supports_default_values() {
        return;
    }
    let Statement::Insert(insert) = statement else {
        return;
    };
    if insert.source.is_some() || !insert.columns.is_empty() || !insert.assignments.is_empty() {
        return;
    }
    // The empty row is read from MySQL text: PostgreSQL's grammar has no `VALUES ()`.
    if let Ok(mut parsed) = Parser::parse_sql(&MySqlDialect {}, "INSERT INTO t VALUES ()")
        && let Some(Statement::Insert(row_of_defaults)) = parsed.pop()
    {
        insert.source = row_of_defaults.source;
    }
}
