//! Which divisions of a statement divide two integers, with PostgreSQL's typing rules: `7/2` is
//! an integer division (3), `7.0/2` is not. Read by the division pass of targets whose `/`
//! always gives a fraction.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Visit, Visitor};

use super::expressions::expr_type;
use super::{SchemaLookup, Scope};

struct Divisions<'a> {
    scope: &'a Scope<'a>,
    integer: Vec<bool>,
}

impl Visitor for Divisions<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Divide,
            right,
        } = expr
        {
            let is_integer =
                |e: &Expr| expr_type(e, self.scope).is_some_and(|pg_type| pg_type.is_integer());
            self.integer.push(is_integer(left) && is_integer(right));
        }
        ControlFlow::Continue(())
    }
}

/// For each `/` of `statement` in post-order (operands before the operator), true when both
/// operands are integers. Columns resolve against every table the statement names.
pub(crate) fn integer_divisions(statement: &Statement, schema: &dyn SchemaLookup) -> Vec<bool> {
    super::with_statement_scope(statement, schema, |scope| {
        let mut divisions = Divisions {
            scope,
            integer: Vec::new(),
        };
        let _ = statement.visit(&mut divisions);
        divisions.integer
    })
}
