//! `E'..'` escape strings become plain strings: the parser already decoded the escapes, and
//! a plain literal with doubled quotes is understood by every target.

use std::ops::ControlFlow;

use sqlparser::ast::{Statement, Value, ValueWithSpan, VisitMut, VisitorMut};

struct EscapeStrings;

impl VisitorMut for EscapeStrings {
    type Break = ();

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<()> {
        if let Value::EscapedStringLiteral(text) = &mut value.value {
            value.value = Value::SingleQuotedString(std::mem::take(text));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement) {
    let _ = statement.visit(&mut EscapeStrings);
}
