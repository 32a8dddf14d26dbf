//! Queries over catalog relations that are always empty (see `catalog::EMPTY_CATALOG_RELATIONS`):
//! a `SELECT` without aggregates that inner-joins one returns no rows, so it becomes
//! `SELECT NULL AS name, .. WHERE false`, keeping the column count and names that clients such as
//! psql rely on (psql 15 crashes on a reply with the wrong column count) while dropping
//! expressions the target could not run (arrays, set-returning functions). A query whose every
//! branch became empty also loses its `ORDER BY` and `LIMIT`, which could name dropped tables.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, GroupByExpr, Ident, JoinOperator, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, Value, Visit, VisitMut,
    Visitor, VisitorMut,
};

use super::function_name;
use crate::catalog::EMPTY_CATALOG_RELATIONS;
use crate::infer::column_name;

/// The aggregates that answer one row over any number of input rows, none of them too.
pub(super) const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "string_agg",
    "array_agg",
    "bool_and",
    "bool_or",
    "every",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
];

fn is_empty_relation(factor: &TableFactor) -> bool {
    let TableFactor::Table { name, .. } = factor else {
        return false;
    };
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .is_some_and(|ident| {
            EMPTY_CATALOG_RELATIONS.contains(&ident.value.to_ascii_lowercase().as_str())
        })
}

/// True when a `FROM` list inner-joins an always-empty relation.
fn joins_empty_relation(select: &Select) -> bool {
    select.from.iter().any(|table| {
        let keeps_base = table.joins.iter().all(|join| {
            !matches!(
                join.join_operator,
                JoinOperator::Right(_) | JoinOperator::RightOuter(_) | JoinOperator::FullOuter(_)
            )
        });
        (keeps_base && is_empty_relation(&table.relation))
            || table.joins.iter().any(|join| {
                matches!(
                    join.join_operator,
                    JoinOperator::Join(_) | JoinOperator::Inner(_) | JoinOperator::CrossJoin(_)
                ) && is_empty_relation(&join.relation)
            })
    })
}

/// Finds aggregate calls outside subqueries.
struct Aggregates {
    depth: usize,
    found: bool,
}

impl Visitor for Aggregates {
    type Break = ();
    fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }
    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }
    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.depth == 0
            && let Expr::Function(function) = expr
            && AGGREGATES.contains(&function_name(function).as_str())
        {
            self.found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

fn has_aggregates(select: &Select) -> bool {
    let grouped = match &select.group_by {
        GroupByExpr::All(_) => true,
        GroupByExpr::Expressions(expressions, _) => !expressions.is_empty(),
    };
    let mut aggregates = Aggregates {
        depth: 0,
        found: false,
    };
    for item in &select.projection {
        let _ = item.visit(&mut aggregates);
    }
    grouped || select.having.is_some() || aggregates.found
}

/// Empties a select that can return no rows; true when it did (or it already was).
fn empty_select(select: &mut Select) -> bool {
    if !joins_empty_relation(select) || has_aggregates(select) {
        return false;
    }
    let mut projection = Vec::with_capacity(select.projection.len());
    for item in &select.projection {
        let name = match item {
            SelectItem::UnnamedExpr(expr) => column_name(expr),
            SelectItem::ExprWithAlias { alias, .. } => alias.value.clone(),
            // The relation's columns are not known here: leave the select as it is.
            SelectItem::Wildcard(_)
            | SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(_), _) => {
                return false;
            }
            _ => return false,
        };
        projection.push(SelectItem::ExprWithAlias {
            expr: Expr::value(Value::Null),
            alias: Ident::with_quote('"', name),
        });
    }
    select.projection = projection;
    select.from.clear();
    select.selection = Some(Expr::value(Value::Boolean(false)));
    true
}

/// Empties every branch it can; true when all of them are empty.
fn empty_body(body: &mut SetExpr) -> bool {
    match body {
        SetExpr::Select(select) => empty_select(select),
        SetExpr::SetOperation { left, right, .. } => {
            let left = empty_body(left);
            let right = empty_body(right);
            left && right
        }
        SetExpr::Query(query) => empty_query(query),
        _ => false,
    }
}

fn empty_query(query: &mut Query) -> bool {
    let empty = empty_body(&mut query.body);
    if empty {
        query.order_by = None;
        query.limit_clause = None;
    }
    empty
}

struct EmptyCatalog;

impl VisitorMut for EmptyCatalog {
    type Break = ();
    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        empty_query(query);
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement) {
    let _ = statement.visit(&mut EmptyCatalog);
}
