//! PostgreSQL's NULL placement on a target that sorts NULLs lowest and has no `NULLS FIRST |
//! LAST` (SQL Server): a sort key whose NULLs must go the other way (`ASC` with NULLs last,
//! PostgreSQL's default, or `DESC` with NULLs first, also its default) is preceded by
//! `CASE WHEN x IS NULL THEN 1 ELSE 0 END` (NULLs last) or `.. THEN 0 ELSE 1 END` (first), in
//! `ORDER BY`, window specifications and `WITHIN GROUP`.
//!
//! T-SQL reads an alias in `ORDER BY` only bare, so `ORDER BY alias` and `ORDER BY 2` use the
//! select-list expression in the extra key. Under `SELECT DISTINCT` or a set operation T-SQL
//! sorts only by select-list items (errors 145 / 104), so the query is sorted from outside,
//! `SELECT * FROM (<query>) AS sorted ORDER BY ..`, its keys being output column names or
//! positions; an unnamed output column (a derived table needs names) or a key that is an
//! expression is refused there.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, FunctionArgumentClause, FunctionArguments, Ident, OrderByExpr, OrderByKind, OrderBySort,
    Query, SelectItem, SetExpr, Statement, TableFactor, Value, ValueWithSpan, VisitMut, VisitorMut,
    WindowType,
};

use sqlparser::ast::helpers::attached_token::AttachedToken;

use super::{finish, flow};
use crate::{TargetDialect, TranslateError};

struct NullsSortKeys<'a> {
    target: &'a dyn TargetDialect,
}

/// The key that puts NULLs of `expr` first or last.
fn null_key(expr: Expr, nulls_first: bool) -> OrderByExpr {
    let (null, other) = if nulls_first { ("0", "1") } else { ("1", "0") };
    let number = |n: &str| Expr::value(Value::Number(n.to_owned(), false));
    OrderByExpr {
        expr: Expr::Case {
            case_token: AttachedToken::empty(),
            end_token: AttachedToken::empty(),
            operand: None,
            conditions: vec![sqlparser::ast::CaseWhen {
                condition: Expr::IsNull(Box::new(expr)),
                result: number(null),
            }],
            else_result: Some(Box::new(number(other))),
        },
        options: sqlparser::ast::OrderByOptions {
            sort: None,
            nulls_first: None,
        },
        with_fill: None,
    }
}

/// The keys with their NULL keys, `resolve` giving the expression a key stands for.
fn with_null_keys(
    keys: Vec<OrderByExpr>,
    resolve: &dyn Fn(&Expr) -> Result<Expr, TranslateError>,
) -> Result<Vec<OrderByExpr>, TranslateError> {
    let mut out = Vec::with_capacity(keys.len() * 2);
    for mut key in keys {
        let descending = matches!(key.options.sort, Some(OrderBySort::Desc));
        let nulls_first = key.options.nulls_first.unwrap_or(descending);
        // SQL Server puts NULLs first ascending and last descending.
        if nulls_first == descending {
            out.push(null_key(resolve(&key.expr)?, nulls_first));
        }
        key.options.nulls_first = None;
        out.push(key);
    }
    Ok(out)
}

/// True when a key needs a NULL key before it on a target that sorts NULLs lowest.
fn needs_null_key(key: &OrderByExpr) -> bool {
    let descending = matches!(key.options.sort, Some(OrderBySort::Desc));
    key.options.nulls_first.unwrap_or(descending) == descending
}

/// The names of a query's output columns (`None` for a `*`), or `None` when one is unnamed.
fn output_columns(body: &SetExpr) -> Option<Vec<Option<Ident>>> {
    match body {
        SetExpr::Select(select) => select
            .projection
            .iter()
            .map(|item| match item {
                SelectItem::UnnamedExpr(Expr::Identifier(ident))
                | SelectItem::ExprWithAlias { alias: ident, .. } => Some(Some(ident.clone())),
                SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => {
                    parts.last().cloned().map(Some)
                }
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => Some(None),
                _ => None,
            })
            .collect(),
        SetExpr::SetOperation { left, .. } => output_columns(left),
        SetExpr::Query(query) => output_columns(&query.body),
        _ => None,
    }
}

/// The output column a sort key names: itself when a name, the column when a position.
fn output_column(key: &Expr, columns: &[Option<Ident>]) -> Option<Expr> {
    match key {
        Expr::Identifier(_) => Some(key.clone()),
        Expr::Value(ValueWithSpan {
            value: Value::Number(n, _),
            ..
        }) if columns.iter().all(Option::is_some) => {
            let index = n.parse::<usize>().ok()?.checked_sub(1)?;
            columns.get(index)?.clone().map(Expr::Identifier)
        }
        _ => None,
    }
}

/// `SELECT * FROM (<body>) AS sorted`, so that sort keys may be any expression over the
/// output columns (T-SQL allows only select-list items under DISTINCT or a set operation).
fn sort_outside(body: &mut Box<SetExpr>) {
    let template = sqlparser::parser::Parser::new(&sqlparser::dialect::GenericDialect {})
        .try_with_sql("SELECT * FROM (SELECT 1) AS sorted")
        .and_then(|mut parser| parser.parse_query());
    let Ok(mut outer) = template else {
        unreachable!("the template parses");
    };
    if let SetExpr::Select(select) = outer.body.as_mut()
        && let Some(TableFactor::Derived { subquery, .. }) =
            select.from.first_mut().map(|table| &mut table.relation)
    {
        std::mem::swap(&mut subquery.body, body);
    }
    *body = outer.body;
}

impl NullsSortKeys<'_> {
    fn query(&self, query: &mut Query) -> Result<(), TranslateError> {
        let Some(order_by) = &mut query.order_by else {
            return Ok(());
        };
        let OrderByKind::Expressions(keys) = &mut order_by.kind else {
            return Ok(());
        };
        let name = self.target.name();
        let plain =
            matches!(query.body.as_ref(), SetExpr::Select(select) if select.distinct.is_none());
        if !plain && keys.iter().any(needs_null_key) {
            let Some(columns) = output_columns(&query.body) else {
                return Err(TranslateError::unsupported(
                    "ORDER BY with PostgreSQL's NULL order over unnamed DISTINCT or set-operation columns",
                    name,
                ));
            };
            for key in keys.iter_mut() {
                key.expr = output_column(&key.expr, &columns).ok_or_else(|| {
                    TranslateError::unsupported(
                        format!("ORDER BY {} under DISTINCT or a set operation", key.expr),
                        name,
                    )
                })?;
            }
            sort_outside(&mut query.body);
        }
        let projection = match query.body.as_ref() {
            SetExpr::Select(select) => select.projection.clone(),
            _ => Vec::new(),
        };
        let resolve = |expr: &Expr| -> Result<Expr, TranslateError> {
            match expr {
                Expr::Value(ValueWithSpan {
                    value: Value::Number(n, _),
                    ..
                }) => match n
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| projection.get(i.wrapping_sub(1)))
                {
                    Some(
                        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. },
                    ) => Ok(e.clone()),
                    _ => Err(TranslateError::unsupported(format!("ORDER BY {n}"), name)),
                },
                Expr::Identifier(ident) => Ok(projection
                    .iter()
                    .find_map(|item| match item {
                        SelectItem::ExprWithAlias { expr, alias } if alias.value == ident.value => {
                            Some(expr.clone())
                        }
                        _ => None,
                    })
                    .unwrap_or_else(|| expr.clone())),
                other => Ok(other.clone()),
            }
        };
        *keys = with_null_keys(std::mem::take(keys), &resolve)?;
        Ok(())
    }
}

impl VisitorMut for NullsSortKeys<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        flow(self.query(query))
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        if let Expr::Function(function) = expr {
            let keep = |e: &Expr| Ok(e.clone());
            if let Some(WindowType::WindowSpec(spec)) = &mut function.over {
                match with_null_keys(std::mem::take(&mut spec.order_by), &keep) {
                    Ok(keys) => spec.order_by = keys,
                    Err(error) => return ControlFlow::Break(error),
                }
            }
            // `STRING_AGG(..) WITHIN GROUP (ORDER BY ..)`.
            match with_null_keys(std::mem::take(&mut function.within_group), &keep) {
                Ok(keys) => function.within_group = keys,
                Err(error) => return ControlFlow::Break(error),
            }
            // `string_agg(x, ',' ORDER BY ..)`, `array_agg(x ORDER BY ..)`.
            if let FunctionArguments::List(list) = &mut function.args {
                for clause in &mut list.clauses {
                    if let FunctionArgumentClause::OrderBy(keys) = clause {
                        match with_null_keys(std::mem::take(keys), &keep) {
                            Ok(expanded) => *keys = expanded,
                            Err(error) => return ControlFlow::Break(error),
                        }
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let mut pass = NullsSortKeys { target };
    match statement {
        Statement::CreateTable(create) => match &mut create.query {
            Some(query) => finish(query.visit(&mut pass)),
            None => Ok(()),
        },
        Statement::CreateIndex(_) | Statement::AlterTable(_) => Ok(()),
        other => finish(other.visit(&mut pass)),
    }
}
