//! A boolean cast to text reads `true` / `false` in PostgreSQL; a target that stores booleans as
//! numbers would print `1` / `0`. Such casts become `CASE x WHEN TRUE THEN 'true' WHEN FALSE
//! THEN 'false' END` (NULL stays NULL); which casts they are comes from type inference.

use std::ops::ControlFlow;

use sqlparser::ast::{CaseWhen, Expr, Statement, Value, VisitMut, VisitorMut};

use crate::TargetDialect;

struct BooleanText {
    /// For each cast in post-order, whether it casts a boolean to text.
    to_text: std::vec::IntoIter<bool>,
}

fn when(value: bool) -> CaseWhen {
    CaseWhen {
        condition: Expr::value(Value::Boolean(value)),
        result: Expr::value(Value::SingleQuotedString(value.to_string())),
    }
}

impl VisitorMut for BooleanText {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::Cast { expr: operand, .. } = expr else {
            return ControlFlow::Continue(());
        };
        if self.to_text.next().unwrap_or(false) {
            let operand = std::mem::replace(operand.as_mut(), Expr::value(Value::Null));
            *expr = Expr::Case {
                case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                operand: Some(Box::new(operand)),
                conditions: vec![when(true), when(false)],
                else_result: None,
            };
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` stores booleans as numbers, so this pass needs the casts' types.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.booleans_are_numbers()
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect, to_text: Vec<bool>) {
    if applies(target) {
        let _ = statement.visit(&mut BooleanText {
            to_text: to_text.into_iter(),
        });
    }
}
