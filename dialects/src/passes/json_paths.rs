//! JSON field access on a target that reads JSON text with path functions (SQL Server's
//! `JSON_VALUE` / `JSON_QUERY` over `NVARCHAR` JSON). A chain `x -> 'a' -> 0 ->> 'b'` becomes
//! `JSON_VALUE(x, '$."a"[0]."b"')`: `->>` gives a scalar as text (JSON null and a missing key
//! give NULL, as in PostgreSQL). A chain ending in `->` would answer a JSON value, which
//! `JSON_QUERY` gives only for objects and arrays (NULL for a scalar, where PostgreSQL answers
//! the scalar as JSON): it is refused, as are keys that are not literals.
//!
//! `JSON_VALUE` answers at most 4000 characters (NULL beyond in its default lax mode).

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Value, ValueWithSpan, VisitMut, VisitorMut};

use super::{call, finish};
use crate::{TargetDialect, TranslateError};

struct JsonPaths<'a> {
    target: &'a dyn TargetDialect,
    function: &'static str,
}

/// The path step for a literal key: `."key"` or `[n]`.
fn step(key: &Expr) -> Option<String> {
    let Expr::Value(ValueWithSpan { value, .. }) = key else {
        return None;
    };
    match value {
        Value::SingleQuotedString(text) | Value::NationalStringLiteral(text) => Some(format!(
            ".\"{}\"",
            text.replace('\\', "\\\\").replace('"', "\\\"")
        )),
        Value::Number(n, _) if n.parse::<u32>().is_ok() => Some(format!("[{n}]")),
        _ => None,
    }
}

impl JsonPaths<'_> {
    /// The document and the path of a chain of arrows, innermost first.
    fn path(&self, expr: &Expr) -> Result<(Expr, String), TranslateError> {
        match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Arrow,
                right,
            } => {
                let (document, mut path) = self.path(left)?;
                path.push_str(&self.step(right)?);
                Ok((document, path))
            }
            other => Ok((other.clone(), "$".to_owned())),
        }
    }

    fn step(&self, key: &Expr) -> Result<String, TranslateError> {
        step(key).ok_or_else(|| {
            TranslateError::unsupported(format!("JSON key {key}"), self.target.name())
        })
    }

    fn rewrite(&self, expr: &Expr) -> Result<Option<Expr>, TranslateError> {
        match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::LongArrow,
                right,
            } => {
                let (document, mut path) = self.path(left)?;
                path.push_str(&self.step(right)?);
                let path = Expr::value(Value::SingleQuotedString(path));
                Ok(Some(call(self.function, vec![document, path])))
            }
            Expr::BinaryOp {
                op: BinaryOperator::Arrow,
                ..
            } => Err(TranslateError::unsupported(
                "JSON value (->) outside a ->> chain",
                self.target.name(),
            )),
            _ => Ok(None),
        }
    }
}

impl VisitorMut for JsonPaths<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let rewritten = self.rewrite(expr);
        super::replace_with(expr, rewritten)
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let Some(function) = target.json_value_function() else {
        return Ok(());
    };
    finish(statement.visit(&mut JsonPaths { target, function }))
}
