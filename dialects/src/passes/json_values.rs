//! The values given to the functions that build JSON (`json_agg`, `json_build_object`,
//! `to_json`, ...) on a target that keeps json as text and booleans as numbers (SQLite): a json
//! or jsonb argument is marked as JSON (`f(x, canonical)`, canonical for jsonb), so it is
//! embedded as a value and not as a string holding its text, and a boolean becomes the JSON
//! `true` or `false` rather than 1 or 0; a numeric of a known scale is written with it (`2.50`,
//! not the `2.5` of the double SQLite keeps).
//! Which arguments are JSON or booleans comes from type inference over the schema.

use std::ops::ControlFlow;

use sqlparser::ast::{
    CaseWhen, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Statement,
};
use sqlparser::ast::{Value, VisitMut, VisitorMut};

use super::{call, function_name};
use crate::{PgType, TargetDialect};

/// The functions whose arguments become JSON values.
const BUILDERS: &[&str] = &[
    "json_agg",
    "jsonb_agg",
    "json_build_array",
    "jsonb_build_array",
    "json_build_object",
    "jsonb_build_object",
    "json_object_agg",
    "jsonb_object_agg",
    "to_json",
    "to_jsonb",
];

/// True when `name` (lower-case) builds JSON from its arguments.
pub(crate) fn builds_json(name: &str) -> bool {
    BUILDERS.contains(&name)
}

struct JsonValues {
    mark: &'static str,
    numeric_text: Option<&'static str>,
    /// For each builder call in post-order, the types of its arguments and numeric scales.
    arguments: std::vec::IntoIter<Vec<(Option<PgType>, Option<u32>)>>,
}

fn number(value: u8) -> Expr {
    Expr::value(Value::Number(value.to_string(), false))
}

fn text(value: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(value.to_owned()))
}

impl JsonValues {
    fn marked(&self, argument: Expr, (pg_type, scale): (Option<PgType>, Option<u32>)) -> Expr {
        match pg_type {
            Some(PgType::Numeric) => match (scale, self.numeric_text) {
                (Some(scale), Some(function)) => {
                    let digits = Expr::value(Value::Number(scale.to_string(), false));
                    call(
                        self.mark,
                        vec![call(function, vec![argument, digits]), number(0)],
                    )
                }
                _ => argument,
            },
            Some(PgType::Json) => call(self.mark, vec![argument, number(0)]),
            Some(PgType::Jsonb) => call(self.mark, vec![argument, number(1)]),
            Some(PgType::Bool) => {
                use sqlparser::ast::helpers::attached_token::AttachedToken;
                // NULL stays NULL: neither branch holds.
                let negated = Expr::UnaryOp {
                    op: sqlparser::ast::UnaryOperator::Not,
                    expr: Box::new(Expr::Nested(Box::new(argument.clone()))),
                };
                let choice = Expr::Case {
                    case_token: AttachedToken::empty(),
                    end_token: AttachedToken::empty(),
                    operand: None,
                    conditions: vec![
                        CaseWhen {
                            condition: argument,
                            result: text("true"),
                        },
                        CaseWhen {
                            condition: negated,
                            result: text("false"),
                        },
                    ],
                    else_result: None,
                };
                call(self.mark, vec![choice, number(0)])
            }
            _ => argument,
        }
    }

    fn mark_arguments(&self, function: &mut Function, types: &[(Option<PgType>, Option<u32>)]) {
        let FunctionArguments::List(list) = &mut function.args else {
            return;
        };
        let mut types = types.iter();
        for argument in &mut list.args {
            let expr = match argument {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(expr))
                | FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(expr),
                    ..
                } => expr,
                _ => continue,
            };
            let typed = types.next().copied().unwrap_or_default();
            let taken = std::mem::replace(expr, Expr::value(Value::Null));
            *expr = self.marked(taken, typed);
        }
    }
}

impl VisitorMut for JsonValues {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Function(function) = expr
            && builds_json(&function_name(function))
        {
            let types = self.arguments.next().unwrap_or_default();
            self.mark_arguments(function, &types);
        }
        ControlFlow::Continue(())
    }
}

/// True when `target` marks JSON values, so this pass needs the argument types of builders.
pub(super) fn applies(target: &dyn TargetDialect) -> bool {
    target.json_mark_function().is_some()
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    arguments: Vec<Vec<(Option<PgType>, Option<u32>)>>,
) {
    let Some(mark) = target.json_mark_function() else {
        return;
    };
    let _ = statement.visit(&mut JsonValues {
        mark,
        numeric_text: target.numeric_text_function(),
        arguments: arguments.into_iter(),
    });
}
