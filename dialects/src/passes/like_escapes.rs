//! PostgreSQL's `LIKE` escapes with a backslash unless told otherwise (`'100\%'` matches
//! `100%`); a target whose `LIKE` has no escape character by default gets `ESCAPE '\'` written
//! out, except on a literal pattern without backslashes, where it changes nothing.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Value, VisitMut, VisitorMut};

use crate::TargetDialect;

struct LikeEscapes;

fn needs_escape(pattern: &Expr) -> bool {
    match pattern {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) => text.contains('\\'),
            Value::Placeholder(_) => true,
            _ => false,
        },
        _ => true,
    }
}

impl VisitorMut for LikeEscapes {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Like {
            pattern,
            escape_char,
            ..
        }
        | Expr::ILike {
            pattern,
            escape_char,
            ..
        } = expr
            && escape_char.is_none()
            && needs_escape(pattern)
        {
            *escape_char = Some(Box::new(Expr::value(Value::SingleQuotedString(
                "\\".to_owned(),
            ))));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.like_escapes_with_backslash() {
        return;
    }
    let _ = statement.visit(&mut LikeEscapes);
}
