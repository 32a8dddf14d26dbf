//! `LIMIT` / `OFFSET` on a target that has neither (SQL Server):
//! - `LIMIT n` without `OFFSET` on a plain `SELECT` becomes `SELECT TOP (n)`, which takes the
//!   first `n` rows in the query's `ORDER BY` order;
//! - with `OFFSET`, or on a set operation, it becomes
//!   `OFFSET m ROWS FETCH FIRST n ROWS ONLY`, which T-SQL accepts only after an `ORDER BY`:
//!   a query that has none gets `ORDER BY (SELECT NULL)`, an order as arbitrary as
//!   PostgreSQL's unordered one;
//! - `FETCH FIRST n ROWS ONLY` gains the `OFFSET 0 ROWS` T-SQL requires before it;
//! - `LIMIT ALL` / `LIMIT NULL` mean no limit and are dropped;
//! - a subquery with `ORDER BY` and no limit gets `OFFSET 0 ROWS`, since T-SQL refuses
//!   `ORDER BY` in subqueries otherwise (error 1033).

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Fetch, LimitClause, Offset, OffsetRows, OrderBy, OrderByExpr, OrderByKind,
    OrderByOptions, Query, SetExpr, Statement, Top, TopQuantity, Value, VisitMut, VisitorMut,
};

use crate::TargetDialect;

struct LimitOffset {
    depth: usize,
}

/// `ORDER BY (SELECT NULL)`: a sort key that keeps whatever order the rows come in.
fn no_order() -> OrderBy {
    let select_null = sqlparser::parser::Parser::new(&sqlparser::dialect::GenericDialect {})
        .try_with_sql("(SELECT NULL)")
        .and_then(|mut parser| parser.parse_expr())
        .unwrap_or_else(|_| Expr::value(Value::Null));
    OrderBy {
        kind: OrderByKind::Expressions(vec![OrderByExpr {
            expr: select_null,
            options: OrderByOptions {
                sort: None,
                nulls_first: None,
            },
            with_fill: None,
        }]),
        interpolate: None,
    }
}

fn zero() -> Expr {
    Expr::value(Value::Number("0".to_owned(), false))
}

/// The limit's count, `None` for no limit (`LIMIT ALL` is parsed as no limit, `LIMIT NULL`
/// means none).
fn limit_count(limit: Option<Expr>) -> Option<Expr> {
    limit.filter(|count| !matches!(count, Expr::Value(v) if v.value == Value::Null))
}

impl LimitOffset {
    fn rewrite(&self, query: &mut Query) {
        let (limit, offset) = match query.limit_clause.take() {
            Some(LimitClause::LimitOffset { limit, offset, .. }) => (limit_count(limit), offset),
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => (
                Some(limit),
                Some(Offset {
                    value: offset,
                    rows: OffsetRows::Rows,
                }),
            ),
            None => (None, None),
        };
        let limit = limit.or_else(|| query.fetch.take().and_then(|fetch| fetch.quantity));
        let plain_select =
            matches!(query.body.as_ref(), SetExpr::Select(select) if select.top.is_none());
        if let (Some(count), None, true) = (&limit, &offset, plain_select)
            && let SetExpr::Select(select) = query.body.as_mut()
        {
            select.top = Some(Top {
                with_ties: false,
                percent: false,
                quantity: Some(TopQuantity::Expr(count.clone())),
            });
            return;
        }
        let ordered_subquery = self.depth > 1 && query.order_by.is_some();
        if limit.is_none() && offset.is_none() && !ordered_subquery {
            return;
        }
        if query.order_by.is_none() {
            query.order_by = Some(no_order());
        }
        query.limit_clause = Some(LimitClause::LimitOffset {
            limit: None,
            offset: Some(Offset {
                value: offset.map_or_else(zero, |offset| offset.value),
                rows: OffsetRows::Rows,
            }),
            limit_by: vec![],
        });
        query.fetch = limit.map(|count| Fetch {
            with_ties: false,
            percent: false,
            quantity: Some(count),
        });
    }
}

impl VisitorMut for LimitOffset {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.rewrite(query);
        self.depth -= 1;
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_limit_offset() {
        let _ = statement.visit(&mut LimitOffset { depth: 0 });
    }
}
