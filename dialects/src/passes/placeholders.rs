//! `$n` parameters become the target's placeholders (`?n` on SQLite).

use std::ops::ControlFlow;

use sqlparser::ast::{Statement, Value, ValueWithSpan, VisitMut, VisitorMut};

use crate::{TargetDialect, TranslateError};

struct Placeholders<'a> {
    target: &'a dyn TargetDialect,
    highest: usize,
}

impl VisitorMut for Placeholders<'_> {
    type Break = TranslateError;

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<TranslateError> {
        if let Value::Placeholder(text) = &value.value {
            let Some(index) = parse_index(text) else {
                return ControlFlow::Break(TranslateError::Syntax {
                    message: format!("parameter {text} is not of the form $n"),
                });
            };
            self.highest = self.highest.max(index);
            // Positional placeholders are numbered on the printed text, in reading order.
            if !self.target.positional_placeholders() {
                value.value = Value::Placeholder(self.target.placeholder(index));
            }
        }
        ControlFlow::Continue(())
    }
}

/// The 1-based index of a `$n` placeholder.
pub(crate) fn parse_index(text: &str) -> Option<usize> {
    let index: usize = text.strip_prefix('$')?.parse().ok()?;
    (1..=65_535).contains(&index).then_some(index)
}

/// Rewrites the placeholders; returns the highest parameter index used.
pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<usize, TranslateError> {
    let mut pass = Placeholders { target, highest: 0 };
    match statement.visit(&mut pass) {
        ControlFlow::Continue(()) => Ok(pass.highest),
        ControlFlow::Break(error) => Err(error),
    }
}
