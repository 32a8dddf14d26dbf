//! `agg(x) FILTER (WHERE p)` on a target without `FILTER` (SQL Server): the filter moves into
//! the argument, `agg(CASE WHEN p THEN x END)`, and `count(*)` counts `CASE WHEN p THEN 1 END`.
//! Exact for aggregates that skip NULLs (all of the standard ones); with `DISTINCT` too, since
//! the NULL the filter adds is skipped.

use std::ops::ControlFlow;

use sqlparser::ast::helpers::attached_token::AttachedToken;
use sqlparser::ast::{
    CaseWhen, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Statement, Value, VisitMut,
    VisitorMut,
};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct AggregateFilters<'a> {
    target: &'a dyn TargetDialect,
}

fn filtered(condition: Expr, value: Expr) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen {
            condition,
            result: value,
        }],
        else_result: None,
    }
}

impl VisitorMut for AggregateFilters<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let Expr::Function(function) = expr else {
            return ControlFlow::Continue(());
        };
        let Some(condition) = function.filter.take() else {
            return ControlFlow::Continue(());
        };
        let FunctionArguments::List(list) = &mut function.args else {
            return ControlFlow::Continue(());
        };
        let [argument] = list.args.as_mut_slice() else {
            return ControlFlow::Break(TranslateError::unsupported(
                format!("{}(..) FILTER with several arguments", function.name),
                self.target.name(),
            ));
        };
        let one = Expr::value(Value::Number("1".to_owned(), false));
        let value = match argument {
            FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => one,
            FunctionArg::Unnamed(FunctionArgExpr::Expr(value)) => {
                std::mem::replace(value, Expr::value(Value::Null))
            }
            _ => {
                return ControlFlow::Break(TranslateError::unsupported(
                    format!("{}(..) FILTER", function.name),
                    self.target.name(),
                ));
            }
        };
        *argument = FunctionArg::Unnamed(FunctionArgExpr::Expr(filtered(*condition, value)));
        ControlFlow::Continue(())
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_aggregate_filter() {
        return Ok(());
    }
    finish(statement.visit(&mut AggregateFilters { target }))
}
