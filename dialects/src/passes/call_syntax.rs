//! PostgreSQL's special call syntax, `EXTRACT(field FROM x)`, `POSITION(a IN b)`,
//! `SUBSTRING(x FROM a FOR b)`, `CEIL(x)` and `FLOOR(x)`, read as the plain calls
//! `date_part('field', x)`, `strpos(b, a)`, `substring(x, a, b)`, `ceil(x)`, `floor(x)` and
//! given the target's spelling where it has its own ([`TargetDialect::function_call`]); kept as
//! written otherwise.

use std::ops::ControlFlow;

use sqlparser::ast::{CeilFloorKind, DateTimeField, Expr, Statement, Value, VisitMut, VisitorMut};

use super::finish;
use crate::{TargetDialect, TranslateError};

struct CallSyntax<'a> {
    target: &'a dyn TargetDialect,
}

/// The plain call an expression in special syntax stands for.
fn plain_call(expr: &Expr) -> Option<(&'static str, Vec<Expr>)> {
    match expr {
        Expr::Extract { field, expr, .. } => {
            let field = Expr::value(Value::SingleQuotedString(field_name(field)));
            Some(("date_part", vec![field, expr.as_ref().clone()]))
        }
        Expr::Position { expr, r#in } => {
            Some(("strpos", vec![r#in.as_ref().clone(), expr.as_ref().clone()]))
        }
        Expr::Substring {
            expr,
            substring_from: Some(from),
            substring_for,
            ..
        } => {
            let mut args = vec![expr.as_ref().clone(), from.as_ref().clone()];
            args.extend(substring_for.iter().map(|count| count.as_ref().clone()));
            Some(("substring", args))
        }
        Expr::Ceil {
            expr,
            field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
        } => Some(("ceil", vec![expr.as_ref().clone()])),
        Expr::Floor {
            expr,
            field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
        } => Some(("floor", vec![expr.as_ref().clone()])),
        _ => None,
    }
}

/// `year`, `dow`, `epoch`: the field as `date_part` names it.
fn field_name(field: &DateTimeField) -> String {
    match field {
        DateTimeField::Custom(ident) => ident.value.to_ascii_lowercase(),
        other => other.to_string().to_ascii_lowercase(),
    }
}

impl VisitorMut for CallSyntax<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let Some((name, args)) = plain_call(expr) else {
            return ControlFlow::Continue(());
        };
        let rewritten = self.target.function_call(name, &args);
        super::replace_with(expr, rewritten)
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut CallSyntax { target }))
}
