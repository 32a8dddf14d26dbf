//! `LATERAL` subqueries and table functions, which may refer to columns of the tables before
//! them in `FROM`: refused on a target that cannot correlate a `FROM` item.

use std::ops::ControlFlow;

use sqlparser::ast::{Statement, TableFactor, Visit, Visitor};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct Lateral<'a> {
    target: &'a dyn TargetDialect,
}

impl Visitor for Lateral<'_> {
    type Break = TranslateError;

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<TranslateError> {
        let lateral = match factor {
            TableFactor::Derived { lateral, .. } | TableFactor::Function { lateral, .. } => {
                *lateral
            }
            _ => false,
        };
        if lateral {
            return ControlFlow::Break(TranslateError::unsupported("LATERAL", self.target.name()));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    if target.supports_lateral() {
        return Ok(());
    }
    finish(statement.visit(&mut Lateral { target }))
}
