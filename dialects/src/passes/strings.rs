//! `E'..'` escape strings and `$$..$$` dollar-quoted strings become plain strings: the parser
//! already decoded the escapes, and a plain literal with doubled quotes is understood by every
//! target. On a target whose text
//! is national (`NVARCHAR`), literals are written `N'..'` so characters outside the server's
//! code page survive.

use std::ops::ControlFlow;

use sqlparser::ast::{Statement, Value, ValueWithSpan, VisitMut, VisitorMut};

use crate::TargetDialect;

struct EscapeStrings {
    national: bool,
}

impl VisitorMut for EscapeStrings {
    type Break = ();

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<()> {
        if let Value::DollarQuotedString(dollar) = &mut value.value {
            value.value = Value::SingleQuotedString(std::mem::take(&mut dollar.value));
        }
        if let Value::EscapedStringLiteral(text) | Value::SingleQuotedString(text) =
            &mut value.value
        {
            let text = std::mem::take(text);
            value.value = if self.national {
                Value::NationalStringLiteral(text)
            } else {
                Value::SingleQuotedString(text)
            };
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    let national = target.national_string_literals();
    let _ = statement.visit(&mut EscapeStrings { national });
}
