//! `SELECT DISTINCT ON (keys) ..` on a target that numbers rows instead (SQL Server):
//!
//! ```text
//! SELECT a, b FROM (
//!   SELECT a, b, ROW_NUMBER() OVER (PARTITION BY keys ORDER BY <the query's ORDER BY>) AS
//!   pgbridge_row FROM .. WHERE ..) AS distinct_on
//! WHERE pgbridge_row = 1 ORDER BY <the same keys, by output name>
//! ```
//!
//! PostgreSQL keeps the first row of each group of equal `keys` in `ORDER BY` order, which is
//! the row numbered 1 in its partition (NULL keys form one group in both). Without `ORDER BY`
//! the row is arbitrary in both (`ORDER BY (SELECT NULL)`). The outer query names the output
//! columns, so each must have a name (no `*`, no unnamed expression), and each `ORDER BY` key
//! must be an output column; otherwise it is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Distinct, Expr, Ident, OrderByExpr, OrderByKind, Query, SelectItem, SetExpr, Statement,
    TableFactor, Value, ValueWithSpan, VisitMut, VisitorMut, WindowType,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use super::{finish, flow};
use crate::{TargetDialect, TranslateError};

const ROW_COLUMN: &str = "pgbridge_row";

struct DistinctOnRows<'a> {
    target: &'a dyn TargetDialect,
}

/// The output name of a select-list item.
fn item_name(item: &SelectItem) -> Option<Ident> {
    match item {
        SelectItem::UnnamedExpr(Expr::Identifier(ident))
        | SelectItem::ExprWithAlias { alias: ident, .. } => Some(ident.clone()),
        SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => parts.last().cloned(),
        _ => None,
    }
}

/// The output column a sort key stands for: by position, by alias or by equal expression.
fn output_name(key: &Expr, items: &[SelectItem], names: &[Ident]) -> Option<Ident> {
    if let Expr::Value(ValueWithSpan {
        value: Value::Number(n, _),
        ..
    }) = key
    {
        return names.get(n.parse::<usize>().ok()?.checked_sub(1)?).cloned();
    }
    items.iter().zip(names).find_map(|(item, name)| {
        let same = match item {
            SelectItem::UnnamedExpr(expr) => expr == key,
            SelectItem::ExprWithAlias { expr, alias } => {
                expr == key || matches!(key, Expr::Identifier(i) if i.value == alias.value)
            }
            _ => false,
        };
        same.then(|| name.clone())
    })
}

fn parse_query(text: &str) -> Query {
    match Parser::new(&GenericDialect {})
        .try_with_sql(text)
        .and_then(|mut parser| parser.parse_query())
    {
        Ok(query) => *query,
        Err(error) => unreachable!("template {text}: {error}"),
    }
}

impl DistinctOnRows<'_> {
    fn rewrite(&self, query: &mut Query) -> Result<(), TranslateError> {
        let SetExpr::Select(select) = query.body.as_mut() else {
            return Ok(());
        };
        if !matches!(select.distinct, Some(Distinct::On(_))) {
            return Ok(());
        }
        let Some(Distinct::On(keys)) = select.distinct.take() else {
            return Ok(());
        };
        let refuse = |what: &str| TranslateError::unsupported(what, self.target.name());
        let names: Vec<Ident> = select
            .projection
            .iter()
            .map(item_name)
            .collect::<Option<_>>()
            .ok_or_else(|| refuse("SELECT DISTINCT ON with an unnamed or * column"))?;
        let order: Vec<OrderByExpr> = match &query.order_by {
            Some(order_by) => match &order_by.kind {
                OrderByKind::Expressions(keys) => keys.clone(),
                OrderByKind::All(_) => return Err(refuse("SELECT DISTINCT ON .. ORDER BY ALL")),
            },
            None => Vec::new(),
        };
        let mut numbered = parse_query(&format!(
            "SELECT ROW_NUMBER() OVER (PARTITION BY 1 ORDER BY (SELECT NULL)) AS {ROW_COLUMN}"
        ));
        if let SetExpr::Select(template) = numbered.body.as_mut()
            && let Some(SelectItem::ExprWithAlias {
                expr: Expr::Function(function),
                ..
            }) = template.projection.first_mut()
            && let Some(WindowType::WindowSpec(spec)) = &mut function.over
        {
            spec.partition_by = keys;
            if !order.is_empty() {
                spec.order_by = order.clone();
            }
            select.projection.push(template.projection.remove(0));
        }
        let mut outer_order = Vec::with_capacity(order.len());
        for mut key in order {
            let name = output_name(&key.expr, &select.projection, &names)
                .ok_or_else(|| refuse("SELECT DISTINCT ON ordered by a key not selected"))?;
            key.expr = Expr::Identifier(name);
            outer_order.push(key);
        }
        let columns: Vec<String> = names.iter().map(ToString::to_string).collect();
        let mut outer = parse_query(&format!(
            "SELECT {} FROM (SELECT 1) AS distinct_on WHERE {ROW_COLUMN} = 1",
            columns.join(", ")
        ));
        if let SetExpr::Select(outer_select) = outer.body.as_mut()
            && let Some(TableFactor::Derived { subquery, .. }) = outer_select
                .from
                .first_mut()
                .map(|table| &mut table.relation)
        {
            std::mem::swap(&mut subquery.body, &mut query.body);
        }
        query.body = outer.body;
        if let Some(order_by) = &mut query.order_by {
            order_by.kind = OrderByKind::Expressions(outer_order);
        }
        Ok(())
    }
}

impl VisitorMut for DistinctOnRows<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        flow(self.rewrite(query))
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.distinct_on_as_row_number() {
        return Ok(());
    }
    finish(statement.visit(&mut DistinctOnRows { target }))
}
