//! `TRUNCATE` on a target whose `TRUNCATE` always restarts the auto-increment counter:
//! `RESTART IDENTITY` is that `TRUNCATE TABLE t`; PostgreSQL's default (`CONTINUE IDENTITY`)
//! becomes `DELETE FROM t`, which keeps the counter. Several tables and `CASCADE` are refused.

use sqlparser::ast::{CascadeOption, Statement, TruncateIdentityOption};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::{TargetDialect, TranslateError};

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let Statement::Truncate(truncate) = statement else {
        return Ok(());
    };
    if !target.truncate_restarts_identity() {
        return Ok(());
    }
    let refuse = |construct: &str| Err(TranslateError::unsupported(construct, target.name()));
    if matches!(truncate.cascade, Some(CascadeOption::Cascade)) {
        return refuse("TRUNCATE .. CASCADE");
    }
    let [table] = truncate.table_names.as_slice() else {
        return refuse("TRUNCATE of several tables");
    };
    if matches!(truncate.identity, Some(TruncateIdentityOption::Restart)) {
        truncate.identity = None;
        truncate.cascade = None;
        truncate.table = true;
        return Ok(());
    }
    let delete = format!("DELETE FROM {}", table.name);
    *statement = Parser::parse_sql(&PostgreSqlDialect {}, &delete)
        .ok()
        .and_then(|mut statements| statements.pop())
        .ok_or_else(|| TranslateError::Syntax {
            message: format!("cannot read back {delete}"),
        })?;
    Ok(())
}
