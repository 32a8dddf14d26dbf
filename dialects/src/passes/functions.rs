//! Functions whose name or calling form differs: `now()` and `CURRENT_TIMESTAMP` become the
//! target's transaction timestamp (`LOCALTIMESTAMP` that cast to `timestamp`),
//! `clock_timestamp()` and `statement_timestamp()` its clock, `string_agg(DISTINCT ..)` the
//! target's aggregate for it where its DISTINCT takes one argument,
//! `pg_catalog.f(..)` loses its qualifier, niladic `current_user` / `session_user` become
//! calls, and other plain calls take the target's spelling where it has one
//! ([`TargetDialect::function_call`]).

use std::ops::ControlFlow;

use sqlparser::ast::{
    DuplicateTreatment, Expr, FunctionArguments, Statement, VisitMut, VisitorMut,
};

use super::{call, finish, function_name};
use crate::{TargetDialect, TranslateError};

/// Functions that PostgreSQL answers with the transaction's timestamp with time zone.
const NOW_FUNCTIONS: &[&str] = &["now", "current_timestamp", "transaction_timestamp"];

/// Functions that PostgreSQL answers with a later reading of the clock: the statement's start
/// or the moment of the call. Targets read their clock when the call is evaluated.
const CLOCK_FUNCTIONS: &[&str] = &["statement_timestamp", "clock_timestamp"];

/// Functions written without parentheses in PostgreSQL that targets expect as calls.
const NILADIC_FUNCTIONS: &[&str] = &[
    "current_user",
    "session_user",
    "user",
    "current_schema",
    "current_catalog",
];

struct Functions<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for Functions<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        // PostgreSQL reads `current_schema` and `current_catalog` without parentheses as
        // calls; sqlparser reads them as column names.
        if let Expr::Identifier(ident) = expr
            && ident.quote_style.is_none()
        {
            let name = ident.value.to_ascii_lowercase();
            match name.as_str() {
                "current_schema" => *expr = call("current_schema", vec![]),
                "current_catalog" => *expr = call("current_database", vec![]),
                _ => {}
            }
            return ControlFlow::Continue(());
        }
        let Expr::Function(function) = expr else {
            return ControlFlow::Continue(());
        };
        // Functions of the emulated catalog are registered unqualified.
        if function.name.0.len() == 2
            && function.name.0[0]
                .as_ident()
                .is_some_and(|schema| schema.value.eq_ignore_ascii_case("pg_catalog"))
        {
            function.name.0.remove(0);
        }
        let name = function_name(function);
        let niladic = matches!(function.args, FunctionArguments::None);
        if name == "string_agg"
            && let FunctionArguments::List(list) = &mut function.args
            && list.duplicate_treatment == Some(DuplicateTreatment::Distinct)
            && let Some(distinct) = self.target.distinct_string_agg_function()
        {
            // The target's DISTINCT takes one argument: its own aggregate drops repeats. It
            // keeps the order rows come in, where PostgreSQL's DISTINCT sorts them by the
            // arguments.
            list.duplicate_treatment = None;
            let arguments: Vec<Expr> = list
                .args
                .iter()
                .filter_map(|argument| match argument {
                    sqlparser::ast::FunctionArg::Unnamed(
                        sqlparser::ast::FunctionArgExpr::Expr(value),
                    ) => Some(value.clone()),
                    _ => None,
                })
                .collect();
            let mut ordered = false;
            for clause in &list.clauses {
                if let sqlparser::ast::FunctionArgumentClause::OrderBy(keys) = clause {
                    ordered = true;
                    if keys.iter().any(|key| !arguments.contains(&key.expr)) {
                        return ControlFlow::Break(TranslateError::invalid(
                            "42P10",
                            "in an aggregate with DISTINCT, ORDER BY expressions must appear \
                             in argument list",
                        ));
                    }
                }
            }
            if !ordered {
                let keys = arguments
                    .into_iter()
                    .map(|expr| sqlparser::ast::OrderByExpr {
                        expr,
                        options: sqlparser::ast::OrderByOptions {
                            sort: None,
                            nulls_first: None,
                        },
                        with_fill: None,
                    })
                    .collect();
                list.clauses
                    .push(sqlparser::ast::FunctionArgumentClause::OrderBy(keys));
            }
            function.name =
                sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new(distinct)]);
            return ControlFlow::Continue(());
        }
        if NOW_FUNCTIONS.contains(&name.as_str()) {
            *expr = call(self.target.now_function(), vec![]);
        } else if CLOCK_FUNCTIONS.contains(&name.as_str()) {
            *expr = call(self.target.clock_function(), vec![]);
        } else if niladic && name == "localtimestamp" {
            // The transaction's timestamp in the session's zone, without the zone.
            *expr = Expr::Cast {
                kind: sqlparser::ast::CastKind::Cast,
                expr: Box::new(call(self.target.now_function(), vec![])),
                data_type: sqlparser::ast::DataType::Timestamp(
                    None,
                    sqlparser::ast::TimezoneInfo::None,
                ),
                format: None,
            };
        } else if niladic && NILADIC_FUNCTIONS.contains(&name.as_str()) {
            let name = if name == "user" || name == "session_user" {
                "current_user".to_owned()
            } else if name == "current_catalog" {
                "current_database".to_owned()
            } else {
                name
            };
            *expr = call(&name, vec![]);
        } else if let Some(args) = plain_arguments(function) {
            let rewritten = self.target.function_call(&name, &args);
            return super::replace_with(expr, rewritten);
        }
        ControlFlow::Continue(())
    }
}

/// The arguments of a plain call: no `DISTINCT`, `ORDER BY`, `FILTER` or `OVER`, and no
/// named arguments (those keep their own spelling).
fn plain_arguments(function: &sqlparser::ast::Function) -> Option<Vec<Expr>> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr};
    if function.over.is_some() || function.filter.is_some() || !function.within_group.is_empty() {
        return None;
    }
    match &function.args {
        FunctionArguments::None => Some(Vec::new()),
        FunctionArguments::List(list)
            if list.duplicate_treatment.is_none() && list.clauses.is_empty() =>
        {
            list.args
                .iter()
                .map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr.clone()),
                    _ => None,
                })
                .collect()
        }
        _ => None,
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut Functions { target }))
}
