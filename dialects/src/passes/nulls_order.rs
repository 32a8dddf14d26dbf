//! PostgreSQL sorts NULLs last ascending and first descending; SQLite and MySQL do the
//! opposite. Every sort key (`ORDER BY` of a query, a window or an aggregate) without an
//! explicit `NULLS` gets PostgreSQL's default spelled out; `USING <` and `USING >` become
//! `ASC` and `DESC`.
//!
//! The columns of an index or key (`PRIMARY KEY (id)`, `CREATE INDEX`) are parsed as the same
//! node but are not sort keys, and are left alone.

use std::ops::ControlFlow;

use sqlparser::ast::{OrderByExpr, OrderBySort, Statement, VisitMut, VisitorMut};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct NullsOrder<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for NullsOrder<'_> {
    type Break = TranslateError;

    fn pre_visit_order_by_expr(&mut self, item: &mut OrderByExpr) -> ControlFlow<TranslateError> {
        if let Some(OrderBySort::Using(operator)) = &item.options.sort {
            item.options.sort = match operator.to_string().as_str() {
                "<" => Some(OrderBySort::Asc),
                ">" => Some(OrderBySort::Desc),
                other => {
                    return ControlFlow::Break(TranslateError::unsupported(
                        format!("ORDER BY .. USING {other}"),
                        self.target.name(),
                    ));
                }
            };
        }
        if item.options.nulls_first.is_none() {
            let descending = matches!(item.options.sort, Some(OrderBySort::Desc));
            item.options.nulls_first = Some(descending);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.supports_nulls_ordering() {
        return super::nulls_sort_keys::run(statement, target);
    }
    let mut pass = NullsOrder { target };
    match statement {
        // Only the query of `CREATE TABLE .. AS` sorts; the key columns do not.
        Statement::CreateTable(create) => match &mut create.query {
            Some(query) => finish(query.visit(&mut pass)),
            None => Ok(()),
        },
        Statement::CreateIndex(_) | Statement::AlterTable(_) => Ok(()),
        other => finish(other.visit(&mut pass)),
    }
}
