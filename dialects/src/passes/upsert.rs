//! `INSERT .. ON CONFLICT`: SQLite accepts PostgreSQL's column-list form as written, but it has
//! no named constraints to arbitrate on, so `ON CONFLICT ON CONSTRAINT name` is refused.

use sqlparser::ast::{ConflictTarget, OnInsert, Statement};

use crate::{TargetDialect, TranslateError};

pub(super) fn run(statement: &Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    if let Statement::Insert(insert) = statement
        && let Some(OnInsert::OnConflict(on_conflict)) = &insert.on
        && let Some(ConflictTarget::OnConstraint(name)) = &on_conflict.conflict_target
        && !target.supports_conflict_on_constraint()
    {
        return Err(TranslateError::unsupported(
            format!("ON CONFLICT ON CONSTRAINT {name}"),
            target.name(),
        ));
    }
    Ok(())
}
