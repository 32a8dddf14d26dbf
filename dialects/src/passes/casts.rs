//! `x::type`, `CAST(x AS type)` and `type 'literal'` with PostgreSQL's conversion rules: a cast
//! becomes the target's cast function where the target's own `CAST` differs, otherwise a
//! standard `CAST` to the target's type.

use std::ops::ControlFlow;

use sqlparser::ast::{CastKind, DataType, Expr, Statement, Value, VisitMut, VisitorMut};

use super::call;
use crate::{PgType, TargetDialect, TranslateError};

struct Casts<'a> {
    target: &'a dyn TargetDialect,
}

impl Casts<'_> {
    fn rewrite(&self, operand: Expr, data_type: &DataType) -> Result<Expr, TranslateError> {
        let pg_type = PgType::from_data_type(data_type).ok_or_else(|| {
            TranslateError::unsupported(format!("cast to {data_type}"), self.target.name())
        })?;
        if let Some(function) = self.target.cast_function(pg_type) {
            return Ok(call(function, vec![operand]));
        }
        Ok(Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(operand),
            data_type: self.target.cast_type(data_type)?,
            format: None,
        })
    }
}

impl VisitorMut for Casts<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let rewritten = match expr {
            Expr::Cast {
                expr: operand,
                data_type,
                ..
            } => {
                let operand = std::mem::replace(operand.as_mut(), Expr::value(Value::Null));
                self.rewrite(operand, data_type)
            }
            Expr::TypedString(typed) => {
                let operand = Expr::Value(typed.value.clone());
                self.rewrite(operand, &typed.data_type)
            }
            _ => return ControlFlow::Continue(()),
        };
        match rewritten {
            Ok(new_expr) => {
                *expr = new_expr;
                ControlFlow::Continue(())
            }
            Err(error) => ControlFlow::Break(error),
        }
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    match statement.visit(&mut Casts { target }) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(error) => Err(error),
    }
}
