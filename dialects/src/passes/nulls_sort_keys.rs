//! NULL order on a target without `NULLS FIRST | LAST`: each sort key gets a key before it that
//! puts the NULLs where PostgreSQL does (last ascending, first descending, or as the query says),
//! `CASE WHEN x IS NULL THEN 1 ELSE 0 END`. A key given by position (`ORDER BY 2`) takes the
//! select-list expression it names.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, FunctionArgumentClause, FunctionArguments, OrderByExpr, OrderByKind, OrderBySort, Query,
    SelectItem, SetExpr, Statement, Value, VisitMut, VisitorMut, WindowType,
};

use super::case_when;
use crate::TargetDialect;

struct NullsSortKeys;

fn number(value: u32) -> Expr {
    Expr::value(Value::Number(value.to_string(), false))
}

/// The expression a sort key sorts by: a position names a select-list item.
fn sorted_expression(key: &Expr, projection: Option<&[SelectItem]>) -> Expr {
    if let (Expr::Value(value), Some(items)) = (key, projection)
        && let Value::Number(text, _) = &value.value
        && let Ok(position) = text.parse::<usize>()
        && let Some(item) = position.checked_sub(1).and_then(|i| items.get(i))
    {
        match item {
            SelectItem::UnnamedExpr(expr) => return expr.clone(),
            SelectItem::ExprWithAlias { alias, .. } => return Expr::Identifier(alias.clone()),
            _ => {}
        }
    }
    key.clone()
}

/// The select list that names the columns of a query body: a set operation's columns are named
/// by its leftmost `SELECT`.
fn leftmost_projection(body: &SetExpr) -> Option<&[SelectItem]> {
    match body {
        SetExpr::Select(select) => Some(&select.projection),
        SetExpr::SetOperation { left, .. } => leftmost_projection(left),
        SetExpr::Query(query) => leftmost_projection(&query.body),
        _ => None,
    }
}

fn expand(items: &mut Vec<OrderByExpr>, projection: Option<&[SelectItem]>) {
    let mut expanded = Vec::with_capacity(items.len() * 2);
    for mut item in items.drain(..) {
        let descending = matches!(item.options.sort, Some(OrderBySort::Desc));
        let nulls_first = item.options.nulls_first.take().unwrap_or(descending);
        let is_null = Expr::IsNull(Box::new(sorted_expression(&item.expr, projection)));
        let null_key = case_when(
            is_null,
            number(if nulls_first { 0 } else { 1 }),
            number(if nulls_first { 1 } else { 0 }),
        );
        expanded.push(OrderByExpr {
            expr: null_key,
            options: sqlparser::ast::OrderByOptions {
                nulls_first: None,
                sort: None,
            },
            with_fill: None,
        });
        expanded.push(item);
    }
    *items = expanded;
}

impl VisitorMut for NullsSortKeys {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        let projection = leftmost_projection(&query.body).map(<[SelectItem]>::to_vec);
        if let Some(order_by) = &mut query.order_by
            && let OrderByKind::Expressions(items) = &mut order_by.kind
        {
            expand(items, projection.as_deref());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::Function(function) = expr else {
            return ControlFlow::Continue(());
        };
        if let Some(WindowType::WindowSpec(spec)) = &mut function.over {
            expand(&mut spec.order_by, None);
        }
        if let FunctionArguments::List(list) = &mut function.args {
            for clause in &mut list.clauses {
                if let FunctionArgumentClause::OrderBy(items) = clause {
                    expand(items, None);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.supports_nulls_ordering() {
        return;
    }
    match statement {
        Statement::CreateTable(create) => {
            if let Some(query) = &mut create.query {
                let _ = query.visit(&mut NullsSortKeys);
            }
        }
        Statement::CreateIndex(_) | Statement::AlterTable(_) => {}
        other => {
            let _ = other.visit(&mut NullsSortKeys);
        }
    }
}
