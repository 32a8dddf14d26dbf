//! `SELECT DISTINCT ON (..)`: PostgreSQL keeps the first row of each group in `ORDER BY` order;
//! a target without the clause has no faithful spelling of it short of a window-function
//! rewrite, so it is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{Distinct, Select, Statement, Visit, Visitor};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct DistinctOn<'a> {
    target: &'a dyn TargetDialect,
}

impl Visitor for DistinctOn<'_> {
    type Break = TranslateError;

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<TranslateError> {
        if matches!(select.distinct, Some(Distinct::On(_))) && !self.target.supports_distinct_on() {
            return ControlFlow::Break(TranslateError::unsupported(
                "SELECT DISTINCT ON",
                self.target.name(),
            ));
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    finish(statement.visit(&mut DistinctOn { target }))
}
