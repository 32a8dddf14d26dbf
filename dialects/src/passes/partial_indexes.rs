//! `CREATE INDEX .. WHERE ..`: a target without partial indexes would index (and, for a unique
//! index, constrain) every row, so the statement is refused.

use sqlparser::ast::Statement;

use crate::{TargetDialect, TranslateError};

pub(super) fn run(statement: &Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    if let Statement::CreateIndex(index) = statement
        && index.predicate.is_some()
        && !target.supports_partial_indexes()
    {
        return Err(TranslateError::unsupported(
            "partial index (CREATE INDEX .. WHERE)",
            target.name(),
        ));
    }
    Ok(())
}
