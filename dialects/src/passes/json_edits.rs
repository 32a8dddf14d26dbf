//! jsonb editing operators on a target whose own operators would compute something else
//! (SQLite: `||` would join the texts, `-` would subtract): `a || b` with a jsonb side, `a - k`
//! with a jsonb left side, and `a #- path` become the target's functions for them
//! ([`TargetDialect::jsonb_operator_function`]). Which operands are jsonb comes from type
//! inference: the operand types of `||` are typed for this pass, those of `-` are shared with
//! date arithmetic, whose list loses the entries of the operators rewritten here.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, VisitMut, VisitorMut};

use super::call;
use crate::infer::{OperandTypes, WantedTypes};
use crate::{PgType, TargetDialect};

/// True when `||` of operands of these types is jsonb concatenation: a jsonb and a jsonb or
/// an untyped literal. With text on one side it joins texts, as in PostgreSQL.
pub(crate) fn concatenates_jsonb((left, right): OperandTypes) -> bool {
    let jsonb_or_literal =
        |pg_type: Option<PgType>| matches!(pg_type, Some(PgType::Jsonb | PgType::Unknown));
    (left == Some(PgType::Jsonb) && jsonb_or_literal(right))
        || (right == Some(PgType::Jsonb) && jsonb_or_literal(left))
}

struct JsonEdits<'a> {
    target: &'a dyn TargetDialect,
    wanted: WantedTypes,
    concatenations: std::vec::IntoIter<OperandTypes>,
    additions: &'a [OperandTypes],
    /// The position in `additions` of the next operator it types.
    next_addition: usize,
    /// The positions in `additions` of the operators rewritten here.
    rewritten: Vec<usize>,
}

impl VisitorMut for JsonEdits<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::BinaryOp { left, op, right } = expr else {
            return ControlFlow::Continue(());
        };
        let is_jsonb = |pg_type: Option<PgType>| pg_type == Some(PgType::Jsonb);
        let edits = match op {
            BinaryOperator::StringConcat => {
                self.concatenations.next().is_some_and(concatenates_jsonb)
            }
            BinaryOperator::HashMinus => true,
            _ => false,
        };
        let edits = if self.wanted.addition(op) {
            let position = self.next_addition;
            self.next_addition += 1;
            let deletes = matches!(op, BinaryOperator::Minus)
                && self
                    .additions
                    .get(position)
                    .is_some_and(|(left, _)| is_jsonb(*left));
            if deletes {
                self.rewritten.push(position);
            }
            edits || deletes
        } else {
            edits
        };
        if edits && let Some(function) = self.target.jsonb_operator_function(op) {
            let arguments = vec![(**left).clone(), (**right).clone()];
            *expr = call(function, arguments);
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` computes jsonb edits with functions, so this pass needs the types.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target
        .jsonb_operator_function(&BinaryOperator::StringConcat)
        .is_some()
}

/// Rewrites the jsonb edits of `statement`; `additions` loses the entries of the `-` it
/// rewrites, so that date arithmetic reads the rest in order.
pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    wanted: WantedTypes,
    concatenations: Vec<OperandTypes>,
    additions: &mut Vec<OperandTypes>,
) {
    if !applies(target) {
        return;
    }
    let mut edits = JsonEdits {
        target,
        wanted,
        concatenations: concatenations.into_iter(),
        additions,
        next_addition: 0,
        rewritten: Vec::new(),
    };
    let _ = statement.visit(&mut edits);
    let rewritten = edits.rewritten;
    for position in rewritten.into_iter().rev() {
        additions.remove(position);
    }
}
