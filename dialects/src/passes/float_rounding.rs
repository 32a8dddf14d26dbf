//! PostgreSQL rounds a float half to even (`rint`): `round(2.5::float8)` and `2.5::float8::int`
//! are 2, `3.5::float8::int` is 4. A numeric rounds half away from zero (`round(2.5)` is 3).
//! On a target whose `round` and integer casts always round halves away from zero (SQLite),
//! each cast of a float to an integer type gets its operand rounded by the target's
//! [`TargetDialect::float_rint_function`] first, and each one-argument `round` of a float
//! becomes that function. Which ones round floats comes from type inference.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, VisitMut, VisitorMut};

use super::{call, function_name};
use crate::{PgType, TargetDialect};

/// What `expr` rounds when it is a cast to an integer type or a one-argument `round`.
pub(crate) fn rounded_operand(expr: &Expr) -> Option<&Expr> {
    match expr {
        Expr::Cast {
            expr: operand,
            data_type,
            ..
        } if PgType::from_data_type(data_type).is_some_and(PgType::is_integer) => Some(operand),
        Expr::Function(function) if function_name(function) == "round" => {
            match crate::infer::function_args(function).as_slice() {
                [operand] => Some(operand),
                _ => None,
            }
        }
        _ => None,
    }
}

struct FloatRounding {
    function: &'static str,
    /// For each node [`rounded_operand`] names, in post-order, whether it rounds a float.
    rounds_float: std::vec::IntoIter<bool>,
}

impl VisitorMut for FloatRounding {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Some(operand) = rounded_operand(expr) else {
            return ControlFlow::Continue(());
        };
        if !self.rounds_float.next().unwrap_or(false) {
            return ControlFlow::Continue(());
        }
        let rounded = call(self.function, vec![operand.clone()]);
        match expr {
            Expr::Cast { expr: operand, .. } => **operand = rounded,
            _ => *expr = rounded,
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` rounds floats otherwise than PostgreSQL, so this pass needs the types.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.float_rint_function().is_some()
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect, rounds_float: Vec<bool>) {
    let Some(function) = target.float_rint_function() else {
        return;
    };
    if rounds_float.iter().any(|&float| float) {
        let _ = statement.visit(&mut FloatRounding {
            function,
            rounds_float: rounds_float.into_iter(),
        });
    }
}
