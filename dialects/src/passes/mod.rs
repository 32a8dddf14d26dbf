//! The rewrite passes, one concern per file, run in the order written in [`run`].
//!
//! Each pass walks the statement with sqlparser's `VisitorMut` and rewrites nodes into the shape
//! the target accepts, asking the [`TargetDialect`] what the target can do. A pass that meets a
//! construct the target cannot keep faithfully stops with [`TranslateError::Unsupported`].

mod casts;
pub(crate) mod ddl;
mod division;
mod functions;
mod ilike;
mod nulls_order;
pub(crate) mod placeholders;
mod relations;
mod row_locks;
mod strings;

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList};
use sqlparser::ast::{FunctionArguments, Ident, ObjectName, Statement};

use crate::{TargetDialect, TranslateError};

/// Rewrites `statement` in place for `target`; returns the number of parameters it uses.
pub(crate) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<usize, TranslateError> {
    ddl::run(statement, target)?;
    relations::run(statement);
    row_locks::run(statement, target);
    strings::run(statement);
    ilike::run(statement, target);
    nulls_order::run(statement, target);
    functions::run(statement, target)?;
    casts::run(statement, target)?;
    division::run(statement, target);
    let parameter_count = placeholders::run(statement, target)?;
    Ok(parameter_count)
}

/// `name(args..)`: a plain function call expression.
pub(crate) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args
                .into_iter()
                .map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e)))
                .collect(),
            clauses: vec![],
        }),
        within_group: vec![],
        filter: None,
        null_treatment: None,
        over: None,
    })
}

/// The last part of a function's name, lower-cased (`pg_catalog.now` -> `now`).
pub(crate) fn function_name(function: &Function) -> String {
    function
        .name
        .0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.to_ascii_lowercase())
        .unwrap_or_default()
}
