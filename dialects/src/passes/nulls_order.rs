//! PostgreSQL sorts NULLs last ascending and first descending; SQLite and MySQL do the
//! opposite. Every `ORDER BY` item without an explicit `NULLS` gets PostgreSQL's default spelled
//! out.

use std::ops::ControlFlow;

use sqlparser::ast::{OrderByExpr, OrderBySort, Statement, VisitMut, VisitorMut};

use crate::TargetDialect;

struct NullsOrder;

impl VisitorMut for NullsOrder {
    type Break = ();

    fn pre_visit_order_by_expr(&mut self, item: &mut OrderByExpr) -> ControlFlow<()> {
        if item.options.nulls_first.is_none() {
            let descending = matches!(item.options.sort, Some(OrderBySort::Desc));
            item.options.nulls_first = Some(descending);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.supports_nulls_ordering() {
        let _ = statement.visit(&mut NullsOrder);
    }
}
