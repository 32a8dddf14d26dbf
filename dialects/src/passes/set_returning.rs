//! Set-returning functions over an array in a select list: `unnest(a)`,
//! `generate_subscripts(a, 1)` and `information_schema._pg_expandarray(a)` (what SQLAlchemy's
//! and pgjdbc's key and index reflection send). PostgreSQL runs the select list once per
//! element; the same rows come from joining the target's table of the array's elements
//! ([`TargetDialect::array_elements`]) to the FROM list and reading the element there.
//! Several such functions advance together, as in PostgreSQL: over different arrays, the
//! rows run to the longest array and the shorter ones read NULL past their end. A record such as
//! `_pg_expandarray`'s `(x, n)` is the target's record, and `(record).field` reads it.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AccessExpr, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Query, Select, SelectItem,
    SetExpr, Statement, TableWithJoins, VisitMut, VisitorMut, visit_expressions_mut,
};

use super::{finish, function_name};
use crate::{TargetDialect, TranslateError};

/// The expressions of a select list.
fn projection_exprs(select: &mut Select) -> impl Iterator<Item = &mut Expr> {
    select.projection.iter_mut().filter_map(|item| match item {
        SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => Some(expr),
        _ => None,
    })
}

/// The second argument of `generate_subscripts(array, dimension)`.
fn dimension(expr: &Expr) -> Option<Expr> {
    let Expr::Function(function) = expr else {
        return None;
    };
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    match list.args.get(1)? {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(dimension)) => Some(dimension.clone()),
        _ => None,
    }
}

/// The array argument of a set-returning function this pass rewrites, and which one it is.
fn set_returning_call(expr: &Expr) -> Option<(&'static str, &Expr)> {
    let Expr::Function(function) = expr else {
        return None;
    };
    let kind = match function_name(function).as_str() {
        "unnest" => "unnest",
        "generate_subscripts" => "generate_subscripts",
        "_pg_expandarray" => "_pg_expandarray",
        _ => return None,
    };
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    match list.args.first()? {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(array)) => Some((kind, array)),
        _ => None,
    }
}

struct SetReturning<'a> {
    target: &'a dyn TargetDialect,
    selects: usize,
}

impl SetReturning<'_> {
    fn rewrite_select(&mut self, select: &mut Select) -> Result<(), TranslateError> {
        let mut arrays: Vec<Expr> = Vec::new();
        for expr in projection_exprs(select) {
            let _ = visit_expressions_mut(expr, |expr| {
                if let Some((_, array)) = set_returning_call(expr)
                    && !arrays
                        .iter()
                        .any(|seen| seen.to_string() == array.to_string())
                {
                    arrays.push(array.clone());
                }
                ControlFlow::<()>::Continue(())
            });
        }
        if arrays.is_empty() {
            return Ok(());
        }
        let alias = format!("pgbridge_elements_{}", self.selects);
        let Some(elements) = self.target.array_elements(&arrays, &alias) else {
            return Ok(());
        };
        self.selects += 1;
        for expr in projection_exprs(select) {
            let _ = visit_expressions_mut(expr, |expr| {
                let Some((kind, array)) = set_returning_call(expr) else {
                    return ControlFlow::<()>::Continue(());
                };
                let Some(at) = arrays
                    .iter()
                    .position(|seen| seen.to_string() == array.to_string())
                else {
                    return ControlFlow::Continue(());
                };
                let replacement = match kind {
                    "unnest" => Some(elements.values[at].clone()),
                    "generate_subscripts" => Some(elements.subscript(at, dimension(expr))),
                    _ => self.target.record(vec![
                        ("x", elements.values[at].clone()),
                        ("n", elements.position.clone()),
                    ]),
                };
                if let Some(replacement) = replacement {
                    *expr = replacement;
                }
                ControlFlow::Continue(())
            });
        }
        select.from.push(TableWithJoins {
            relation: elements.factor,
            joins: vec![],
        });
        Ok(())
    }

    fn rewrite_set_expr(&mut self, body: &mut SetExpr) -> Result<(), TranslateError> {
        match body {
            SetExpr::Select(select) => self.rewrite_select(select),
            SetExpr::SetOperation { left, right, .. } => {
                self.rewrite_set_expr(left)?;
                self.rewrite_set_expr(right)
            }
            _ => Ok(()),
        }
    }
}

impl VisitorMut for SetReturning<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        super::flow(self.rewrite_set_expr(&mut query.body))
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let Expr::CompoundFieldAccess { access_chain, .. } = expr else {
            return ControlFlow::Continue(());
        };
        let [AccessExpr::Dot(Expr::Identifier(field))] = access_chain.as_slice() else {
            return ControlFlow::Continue(());
        };
        let field = field.value.to_ascii_lowercase();
        if let Expr::CompoundFieldAccess { root, .. } = expr
            && let Some(read) = self.target.record_field((**root).clone(), &field)
        {
            *expr = read;
        }
        ControlFlow::Continue(())
    }
}

/// Rewrites set-returning functions over arrays in select lists, and record field reads.
pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut SetReturning { target, selects: 0 }))
}
