//! `COLLATE` in expressions and column definitions. PostgreSQL's `"default"` collation is the
//! target's own, so the clause is dropped; other collations become the target's equivalent
//! (`"C"` compares bytes, which SQLite's `BINARY` does too) or are refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    ColumnDef, ColumnOption, Expr, Ident, ObjectName, Statement, Value, VisitMut, VisitorMut,
};

use super::{declared_columns, finish};
use crate::{TargetDialect, TranslateError};

/// What a PostgreSQL collation becomes: `Ok(None)` to drop the clause, `Ok(Some(name))` for
/// the target's collation.
fn target_collation(
    collation: &ObjectName,
    target: &dyn TargetDialect,
) -> Result<Option<ObjectName>, TranslateError> {
    let name = collation
        .0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.as_str())
        .unwrap_or_default();
    if name == "default" {
        return Ok(None);
    }
    match target.collation(name) {
        Some(native) => Ok(Some(ObjectName::from(vec![Ident::new(native)]))),
        None => Err(TranslateError::unsupported(
            format!("COLLATE {collation}"),
            target.name(),
        )),
    }
}

struct Collations<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for Collations<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let Expr::Collate {
            expr: inner,
            collation,
        } = expr
        else {
            return ControlFlow::Continue(());
        };
        match target_collation(collation, self.target) {
            Ok(Some(native)) => *collation = native,
            Ok(None) => *expr = std::mem::replace(inner.as_mut(), Expr::value(Value::Null)),
            Err(error) => return ControlFlow::Break(error),
        }
        ControlFlow::Continue(())
    }
}

fn rewrite_column(
    column: &mut ColumnDef,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let mut options = Vec::with_capacity(column.options.len());
    for mut option in column.options.drain(..) {
        if let ColumnOption::Collation(collation) = &mut option.option {
            match target_collation(collation, target)? {
                Some(native) => *collation = native,
                None => continue,
            }
        }
        options.push(option);
    }
    column.options = options;
    Ok(())
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    for column in declared_columns(statement) {
        rewrite_column(column, target)?;
    }
    finish(statement.visit(&mut Collations { target }))
}
