//! The rewrite passes, one concern per file, run in the order written in [`run`].
//!
//! Each pass walks the statement with sqlparser's `VisitorMut` and rewrites nodes into the shape
//! the target accepts, asking the [`TargetDialect`] what the target can do. A pass that meets a
//! construct the target cannot keep faithfully stops with [`TranslateError::Unsupported`].

mod aggregate_filters;
mod arithmetic;
pub(crate) mod arrays;
mod assignment_casts;
mod boolean_text;
mod booleans;
mod call_syntax;
mod case_sensitivity;
mod casts;
mod catalog_functions;
mod collations;
mod concatenation;
mod constraint_forms;
mod date_arithmetic;
pub(crate) mod ddl;
mod default_values;
mod defaults;
mod derived_columns;
mod distinct_from;
mod distinct_on;
mod distinct_on_rows;
mod divisions;
mod dml_aliases;
mod duplicate_key_upsert;
mod empty_catalog;
mod existence_guards;
mod fetch_first;
pub(crate) mod float_rounding;
mod functions;
mod identifiers;
mod ilike;
mod indexes;
pub(crate) mod json_edits;
mod json_paths;
pub(crate) mod json_values;
mod lateral;
mod lateral_apply;
mod like_escapes;
mod limit_offset;
mod literal_types;
mod merge;
mod multi_table_dml;
mod negative_limits;
mod nulls_order;
mod nulls_sort_keys;
mod numeric_text;
pub(crate) mod object_references;
mod offset_limit;
mod partial_indexes;
mod pattern_matching;
pub(crate) mod placeholders;
mod recursive_series;
mod relations;
mod returning;
mod row_comparisons;
mod row_locks;
mod scalar_subqueries;
mod set_returning;
mod statement_forms;
mod strings;
mod target_functions;
mod text_collation;
mod trim_from;
mod truncate;
mod type_modifiers;
mod upsert;
mod value_series;

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList};
use sqlparser::ast::{FunctionArguments, Ident, ObjectName, Statement};

use crate::{SchemaLookup, TargetDialect, TranslateError};

/// Rewrites `statement` in place for `target`; returns the number of parameters it uses.
/// `schema` types the columns where the rewrite depends on types (integer division).
pub(crate) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    schema: &dyn SchemaLookup,
) -> Result<usize, TranslateError> {
    type_modifiers::run(statement, target)?;
    // Before the typing: the series it writes out divides and multiplies its arguments.
    value_series::run(statement, target);
    // Typed on the statement as written, before any pass changes it; date arithmetic and
    // boolean casts go first as they move no division, while the divisions copy their divisors.
    // One typing, of what the target's passes read.
    let wanted = crate::infer::WantedTypes {
        boolean_text_casts: boolean_text::applies(target),
        numeric_text_casts: numeric_text::applies(target),
        divisions: divisions::applies(target),
        additions: date_arithmetic::applies(target) || json_edits::applies(target),
        comparisons: date_arithmetic::compares_intervals(target),
        json_arguments: json_values::applies(target),
        float_roundings: float_rounding::applies(target),
        concatenations: json_edits::applies(target),
    };
    let mut types = crate::infer::operator_types(statement, schema, wanted);
    // First: it wraps operands and renames `round`, and no other list counts either.
    float_rounding::run(statement, target, types.float_roundings);
    // Before date arithmetic: it takes the `-` of jsonb out of the list that one reads.
    json_edits::run(
        statement,
        target,
        wanted,
        types.concatenations,
        &mut types.additions,
    );
    date_arithmetic::run(statement, target, types.additions);
    json_values::run(statement, target, types.json_arguments);
    // Before the boolean casts, which replace casts: both lists count the casts as written.
    numeric_text::run(statement, target, types.numeric_text_casts);
    boolean_text::run(statement, target, types.boolean_text_casts);
    // `interval / number` is no longer a division: date arithmetic made it a function.
    let divisions = date_arithmetic::remaining_divisions(target, types.divisions);
    divisions::run(statement, target, divisions);
    // Typed again, on a copy: only casts are added around literals, nothing moves.
    literal_types::run(statement, target, schema);
    assignment_casts::run(statement, target, schema);
    // Queries over always-empty catalog relations lose what they would compute first.
    empty_catalog::run(statement);
    catalog_functions::run(statement);
    recursive_series::run(statement, target)?;
    // Constructs the target cannot keep are refused before anything is rewritten.
    derived_columns::run(statement, target)?;
    upsert::run(statement, target)?;
    duplicate_key_upsert::run(statement, target)?;
    multi_table_dml::run(statement, target)?;
    truncate::run(statement, target)?;
    default_values::run(statement, target);
    distinct_on_rows::run(statement, target, schema)?;
    distinct_on::run(statement, target)?;
    lateral_apply::run(statement, target);
    lateral::run(statement, target)?;
    arrays::run(statement, target)?;
    pattern_matching::run(statement, target)?;
    collations::run(statement, target)?;
    text_collation::run(statement, target);
    case_sensitivity::run(statement, target);
    constraint_forms::run(statement, target);
    ddl::run(statement, target)?;
    partial_indexes::run(statement, target)?;
    dml_aliases::run(statement, target)?;
    statement_forms::run(statement, target)?;
    indexes::run(statement, target)?;
    relations::run(statement);
    aggregate_filters::run(statement, target)?;
    row_comparisons::run(statement, target)?;
    distinct_from::run(statement, target);
    json_paths::run(statement, target)?;
    strings::run(statement, target);
    trim_from::run(statement, target);
    like_escapes::run(statement, target);
    ilike::run(statement, target);
    nulls_order::run(statement, target)?;
    fetch_first::run(statement, target)?;
    negative_limits::run(statement)?;
    offset_limit::run(statement, target);
    limit_offset::run(statement, target);
    call_syntax::run(statement, target)?;
    functions::run(statement, target)?;
    concatenation::run(statement, target);
    object_references::run(statement, target)?;
    casts::run(statement, target)?;
    // After the casts, whose PostgreSQL types it would no longer recognise in its output.
    target_functions::run(statement, target)?;
    scalar_subqueries::run(statement, target);
    arithmetic::run(statement, target);
    booleans::run(statement, target);
    returning::run(statement, target)?;
    defaults::run(statement);
    identifiers::run(statement, target);
    // After identifiers: lock hints are keywords and stay unquoted.
    row_locks::run(statement, target)?;
    let parameter_count = placeholders::run(statement, target)?;
    // Built from the parts the passes above have translated.
    merge::run(statement, target)?;
    existence_guards::run(statement, target)?;
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

/// `CASE WHEN condition THEN result ELSE otherwise END`.
pub(crate) fn case_when(condition: Expr, result: Expr, otherwise: Expr) -> Expr {
    use sqlparser::ast::helpers::attached_token::AttachedToken;
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![sqlparser::ast::CaseWhen { condition, result }],
        else_result: Some(Box::new(otherwise)),
    }
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

/// Replaces `statement` with `text`, a statement in the target's SQL assembled from parts the
/// passes have translated; `construct` names it if the target's parser does not read it.
pub(crate) fn replace_with_target_sql(
    statement: &mut Statement,
    text: &str,
    construct: &str,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let parsed = sqlparser::parser::Parser::parse_sql(target.target_parser(), text)
        .ok()
        .and_then(|mut statements| statements.pop());
    match parsed {
        Some(parsed) => {
            *statement = parsed;
            Ok(())
        }
        None => Err(TranslateError::unsupported(construct, target.name())),
    }
}

/// The columns a statement declares: those of `CREATE TABLE` and of `ALTER TABLE .. ADD COLUMN`.
pub(crate) fn declared_columns(statement: &mut Statement) -> Vec<&mut sqlparser::ast::ColumnDef> {
    match statement {
        Statement::CreateTable(create) => create.columns.iter_mut().collect(),
        Statement::AlterTable(alter) => alter
            .operations
            .iter_mut()
            .filter_map(|operation| match operation {
                sqlparser::ast::AlterTableOperation::AddColumn { column_def, .. } => {
                    Some(column_def)
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A rewrite's result as a visit's control flow: continue, or stop at the error.
pub(crate) fn flow(result: Result<(), TranslateError>) -> ControlFlow<TranslateError> {
    match result {
        Ok(()) => ControlFlow::Continue(()),
        Err(error) => ControlFlow::Break(error),
    }
}

/// Puts a pass's rewrite of `expr` in place (`Ok(None)` keeps it); an error stops the walk.
pub(crate) fn replace_with(
    expr: &mut Expr,
    rewritten: Result<Option<Expr>, TranslateError>,
) -> ControlFlow<TranslateError> {
    match rewritten {
        Ok(Some(rewritten)) => *expr = rewritten,
        Ok(None) => {}
        Err(error) => return ControlFlow::Break(error),
    }
    ControlFlow::Continue(())
}

/// The result of a visit that stops at the first construct it cannot translate.
pub(crate) fn finish(flow: ControlFlow<TranslateError>) -> Result<(), TranslateError> {
    match flow {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(error) => Err(error),
    }
}
