//! The operand types of chosen binary operators of a statement, with PostgreSQL's typing rules:
//! read by the passes whose rewrite depends on them (`7/2` divides integers, `date + 1` moves a
//! day) on targets whose operators would compute otherwise.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Visit, Visitor};

use super::expressions::expr_type;
use super::parameters::placeholder_index;
use super::{SchemaLookup, Scope};
use crate::PgType;

/// The PostgreSQL types of the left and right operand of one operator.
pub(crate) type OperandTypes = (Option<PgType>, Option<PgType>);

struct Operands<'a> {
    scope: &'a Scope<'a>,
    /// The types inference gives the statement's parameters (`total / $1` divides integers
    /// when `$1` is an integer).
    parameters: Vec<Option<PgType>>,
    chosen: fn(&BinaryOperator) -> bool,
    operands: Vec<OperandTypes>,
}

impl Operands<'_> {
    fn operand_type(&self, operand: &Expr) -> Option<PgType> {
        match placeholder_index(operand) {
            Some(index) => self.parameters.get(index - 1).copied().flatten(),
            None => expr_type(operand, self.scope),
        }
    }
}

impl Visitor for Operands<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp { left, op, right } = expr
            && (self.chosen)(op)
        {
            self.operands
                .push((self.operand_type(left), self.operand_type(right)));
        }
        ControlFlow::Continue(())
    }
}

/// For each operator of `statement` that `chosen` picks, in post-order (operands before the
/// operator), the types of its operands. Columns resolve against every table the statement names.
pub(crate) fn operand_types(
    statement: &Statement,
    schema: &dyn SchemaLookup,
    chosen: fn(&BinaryOperator) -> bool,
) -> Vec<OperandTypes> {
    let parameters = super::infer(statement, schema).parameters;
    super::with_statement_scope(statement, schema, |scope| {
        let mut visitor = Operands {
            scope,
            parameters,
            chosen,
            operands: Vec::new(),
        };
        let _ = statement.visit(&mut visitor);
        visitor.operands
    })
}
