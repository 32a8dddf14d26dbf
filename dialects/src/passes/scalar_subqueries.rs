//! A scalar subquery that returns more than one row is an error in PostgreSQL (21000), while
//! SQLite answers its first row. On such a target the subquery's value is read through a
//! count of at most two of its rows:
//!
//! `(SELECT e FROM ..)` becomes
//! `(SELECT CASE WHEN count(*) > 1 THEN raise(..) ELSE max(pgbridge_value) END
//!   FROM (SELECT e AS pgbridge_value FROM .. LIMIT 2))` (an alias the subquery gives `e`
//! is kept and counted by instead),
//!
//! which is the one value, NULL for no row, and the error for two. Correlated subqueries keep
//! working: SQLite resolves outer columns inside the nested FROM. Only single-column
//! subqueries are rewritten (a row subquery is compared as a row, not read as a value), and
//! not those that return one row by their shape (`SELECT count(*) FROM ..`, `LIMIT 1`, no
//! FROM).

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, LimitClause, Query, SelectItem, SetExpr, Statement, Value, VisitMut, VisitorMut,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use crate::TargetDialect;

const VALUE_COLUMN: &str = "pgbridge_value";

struct ScalarSubqueries {
    raise: &'static str,
}

/// The single select-list item of the query's first SELECT, when it has exactly one that is
/// not `*`.
fn single_item(body: &mut SetExpr) -> Option<&mut SelectItem> {
    match body {
        SetExpr::Select(select) if select.projection.len() == 1 => {
            let item = select.projection.first_mut()?;
            matches!(
                item,
                SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. }
            )
            .then_some(item)
        }
        SetExpr::SetOperation { left, .. } => single_item(left),
        SetExpr::Query(query) => single_item(&mut query.body),
        _ => None,
    }
}

/// True when the query returns at most one row by its shape: a SELECT without FROM, an
/// aggregate without GROUP BY, or `LIMIT 1`.
fn at_most_one_row(query: &Query) -> bool {
    let limited_to_one = matches!(
        &query.limit_clause,
        Some(LimitClause::LimitOffset { limit: Some(Expr::Value(value)), .. })
            if matches!(&value.value, Value::Number(n, _) if n == "0" || n == "1")
    );
    let SetExpr::Select(select) = query.body.as_ref() else {
        return limited_to_one;
    };
    let grouped = !matches!(
        &select.group_by,
        sqlparser::ast::GroupByExpr::Expressions(expressions, _) if expressions.is_empty()
    );
    let aggregate = matches!(
        select.projection.as_slice(),
        [SelectItem::UnnamedExpr(Expr::Function(function))
            | SelectItem::ExprWithAlias { expr: Expr::Function(function), .. }]
            if super::empty_catalog::AGGREGATES.contains(&super::function_name(function).as_str())
                && function.over.is_none()
    );
    limited_to_one || select.from.is_empty() || (aggregate && !grouped && select.having.is_none())
}

/// The count around a subquery whose value column is `column`; the subquery itself goes in
/// place of the `(SELECT 1)` placeholder.
fn checked(raise: &str, column: &Ident) -> Option<Expr> {
    let sql = format!(
        "(SELECT CASE WHEN count(*) > 1 THEN {raise}('21000', \
         'more than one row returned by a subquery used as an expression') \
         ELSE max({column}) END FROM (SELECT 1) AS pgbridge_rows)"
    );
    Parser::new(&GenericDialect {})
        .try_with_sql(&sql)
        .and_then(|mut parser| parser.parse_expr())
        .ok()
}

impl VisitorMut for ScalarSubqueries {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::Subquery(query) = expr else {
            return ControlFlow::Continue(());
        };
        if at_most_one_row(query) {
            return ControlFlow::Continue(());
        }
        let mut inner: Query = (**query).clone();
        let Some(item) = single_item(&mut inner.body) else {
            return ControlFlow::Continue(());
        };
        // An alias the subquery names its column by stays (its ORDER BY may use it); an
        // unnamed value is named for the count around it.
        let column = match item {
            SelectItem::ExprWithAlias { alias, .. } => alias.clone(),
            SelectItem::UnnamedExpr(value) => {
                let value = std::mem::replace(value, Expr::value(Value::Null));
                *item = SelectItem::ExprWithAlias {
                    expr: value,
                    alias: Ident::new(VALUE_COLUMN),
                };
                Ident::new(VALUE_COLUMN)
            }
            _ => return ControlFlow::Continue(()),
        };
        if inner.limit_clause.is_none() && inner.fetch.is_none() {
            inner.limit_clause = Some(LimitClause::LimitOffset {
                limit: Some(Expr::value(Value::Number("2".to_owned(), false))),
                offset: None,
                limit_by: vec![],
            });
        }
        let Some(Expr::Subquery(mut outer)) = checked(self.raise, &column) else {
            return ControlFlow::Continue(());
        };
        if let SetExpr::Select(select) = outer.body.as_mut()
            && let Some(from) = select.from.first_mut()
            && let sqlparser::ast::TableFactor::Derived { subquery, .. } = &mut from.relation
        {
            **subquery = inner;
            *expr = Expr::Subquery(outer);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    let Some(raise) = target.raise_function() else {
        return;
    };
    let _ = statement.visit(&mut ScalarSubqueries { raise });
}
