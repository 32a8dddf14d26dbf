//! `INSERT .. ON CONFLICT` on a target that has `ON DUPLICATE KEY UPDATE` instead:
//! `DO UPDATE SET c = EXCLUDED.c` becomes `ON DUPLICATE KEY UPDATE c = VALUES(c)`, and
//! `DO NOTHING` a no-op update of the first conflict column (not `INSERT IGNORE`, which would
//! also turn NOT NULL, range and foreign-key errors into warnings). The target checks every
//! unique key, PostgreSQL only the named one: equal when the table has one unique key.
//! `RETURNING` after `DO UPDATE` returns the inserted or updated row, as in PostgreSQL (MariaDB
//! returns the row as updated). A `DO UPDATE .. WHERE` is refused, and so is `RETURNING` after
//! `DO NOTHING`, whose no-op update would also return the untouched rows.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Assignment, AssignmentTarget, ConflictTarget, Expr, ObjectName, OnConflictAction, OnInsert,
    Statement, VisitMut, VisitorMut,
};

use super::call;
use crate::{TargetDialect, TranslateError};

/// `EXCLUDED.c` becomes `VALUES(c)`.
struct Excluded;

impl VisitorMut for Excluded {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() == 2
            && parts[0].value.eq_ignore_ascii_case("excluded")
        {
            *expr = call("VALUES", vec![Expr::Identifier(parts[1].clone())]);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_on_conflict() {
        return Ok(());
    }
    let Statement::Insert(insert) = statement else {
        return Ok(());
    };
    let Some(OnInsert::OnConflict(on_conflict)) = &mut insert.on else {
        return Ok(());
    };
    let refuse = |construct: &str| Err(TranslateError::unsupported(construct, target.name()));
    if insert.returning.is_some() && matches!(on_conflict.action, OnConflictAction::DoNothing) {
        return refuse("INSERT .. ON CONFLICT DO NOTHING .. RETURNING");
    }
    let mut assignments = match &mut on_conflict.action {
        OnConflictAction::DoUpdate(update) if update.selection.is_some() => {
            return refuse("ON CONFLICT DO UPDATE .. WHERE");
        }
        OnConflictAction::DoUpdate(update) => std::mem::take(&mut update.assignments),
        OnConflictAction::DoNothing => {
            let column = match &on_conflict.conflict_target {
                Some(ConflictTarget::Columns { columns, .. }) => columns.first().cloned(),
                _ => None,
            }
            .or_else(|| {
                insert
                    .columns
                    .first()
                    .and_then(|c| c.0.last()?.as_ident().cloned())
            });
            let Some(column) = column else {
                return refuse("ON CONFLICT DO NOTHING without a column list");
            };
            vec![Assignment {
                target: AssignmentTarget::ColumnName(ObjectName::from(vec![column.clone()])),
                value: Expr::Identifier(column),
            }]
        }
    };
    for assignment in &mut assignments {
        let _ = assignment.value.visit(&mut Excluded);
    }
    insert.on = Some(OnInsert::DuplicateKeyUpdate(assignments));
    Ok(())
}
