//! Which casts of a statement turn a boolean into text, with PostgreSQL's typing rules: read by
//! the pass that spells `true`/`false` on targets that store booleans as numbers.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Visit, Visitor};

use super::expressions::expr_type;
use super::{SchemaLookup, Scope};
use crate::PgType;

struct BooleanCasts<'a> {
    scope: &'a Scope<'a>,
    to_text: Vec<bool>,
}

impl Visitor for BooleanCasts<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Cast {
            expr: operand,
            data_type,
            ..
        } = expr
        {
            let to_text = PgType::from_data_type(data_type).is_some_and(PgType::is_text);
            let from_bool = expr_type(operand, self.scope) == Some(PgType::Bool);
            self.to_text.push(to_text && from_bool);
        }
        ControlFlow::Continue(())
    }
}

/// For each cast of `statement` in post-order, true when it casts a boolean to a text type.
pub(crate) fn boolean_text_casts(statement: &Statement, schema: &dyn SchemaLookup) -> Vec<bool> {
    super::with_statement_scope(statement, schema, |scope| {
        let mut casts = BooleanCasts {
            scope,
            to_text: Vec::new(),
        };
        let _ = statement.visit(&mut casts);
        casts.to_text
    })
}
