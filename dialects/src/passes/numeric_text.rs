//! A numeric cast to text reads as PostgreSQL prints the value: with its scale (`1.50`,
//! `-2.00`) and never in float notation. A target that stores numerics as integers or doubles
//! would print `1.5`, `-2` or `1.0e+20`; there the cast's operand goes through the target's
//! numeric text function ([`TargetDialect::numeric_text_function`]) with the scale inference
//! gives its values (`NULL` where they may differ, see `infer/scales.rs`).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Value, VisitMut, VisitorMut};

use super::call;
use crate::TargetDialect;

struct NumericText {
    function: &'static str,
    /// For each cast in post-order: `Some` when it casts a numeric to text, with the scale.
    casts: std::vec::IntoIter<Option<Option<u32>>>,
}

impl VisitorMut for NumericText {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::Cast { expr: operand, .. } = expr else {
            return ControlFlow::Continue(());
        };
        if let Some(scale) = self.casts.next().flatten() {
            let scale = scale.map_or(Value::Null, |s| Value::Number(s.to_string(), false));
            let value = std::mem::replace(operand.as_mut(), Expr::value(Value::Null));
            **operand = call(self.function, vec![value, Expr::value(scale)]);
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` prints numerics its own way, so this pass needs the casts' types.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.numeric_text_function().is_some()
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    casts: Vec<Option<Option<u32>>>,
) {
    if let Some(function) = target.numeric_text_function() {
        let _ = statement.visit(&mut NumericText {
            function,
            casts: casts.into_iter(),
        });
    }
}
