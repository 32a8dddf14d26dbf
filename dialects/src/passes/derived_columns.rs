//! Column names given to a derived table, `(VALUES (1), (2)) AS v(x)`: SQLite has no column list
//! after a table alias. A VALUES list becomes `(SELECT column1 AS x FROM (VALUES ...)) AS v`
//! (SQLite names VALUES columns column1, column2, ...); a subquery with a column list is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{SetExpr, Statement, TableFactor, VisitMut, VisitorMut};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::finish;
use crate::{TargetDialect, TranslateError};

struct DerivedColumns<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for DerivedColumns<'_> {
    type Break = TranslateError;

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<TranslateError> {
        let TableFactor::Derived {
            subquery,
            alias: Some(alias),
            ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        if alias.columns.is_empty() {
            return ControlFlow::Continue(());
        }
        if !matches!(subquery.body.as_ref(), SetExpr::Values(_)) {
            return ControlFlow::Break(TranslateError::unsupported(
                "column names after a subquery's alias",
                self.target.name(),
            ));
        }
        let projection: Vec<String> = alias
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| format!("column{} AS {}", i + 1, column.name))
            .collect();
        let text = format!("SELECT {} FROM ({subquery})", projection.join(", "));
        match Parser::new(&PostgreSqlDialect {})
            .try_with_sql(&text)
            .and_then(|mut parser| parser.parse_query())
        {
            Ok(query) => {
                *subquery = query;
                alias.columns.clear();
                ControlFlow::Continue(())
            }
            Err(error) => ControlFlow::Break(TranslateError::Syntax {
                message: error.to_string(),
            }),
        }
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_derived_column_names() {
        return Ok(());
    }
    finish(statement.visit(&mut DerivedColumns { target }))
}
