//! Casts to the object-reference types `regclass`, `regtype` and `regnamespace`. PostgreSQL
//! keeps such a value as an OID and prints it as the object's name, so the rewrite depends on
//! where the value goes: shown (a select-list item, or cast on to text) it becomes the target's
//! name function; anywhere else (comparisons, `IN` lists, `ORDER BY`) its OID function.

use std::ops::ControlFlow;

use sqlparser::ast::{
    DataType, Expr, Query, SelectItem, SetExpr, Statement, Value, VisitMut, VisitorMut,
};

use super::call;
use crate::{PgType, TargetDialect, TranslateError};

/// The object-reference type a data type names (`regclass`, `pg_catalog.regtype`, ...).
pub(crate) fn reference_type(data_type: &DataType) -> Option<&'static str> {
    let name = match data_type {
        DataType::Regclass => return Some("regclass"),
        DataType::Custom(name, _) => name.0.last()?.as_ident()?.value.to_ascii_lowercase(),
        _ => return None,
    };
    [
        "regclass",
        "regtype",
        "regnamespace",
        "regproc",
        "regprocedure",
        "regrole",
        "regoper",
    ]
    .into_iter()
    .find(|known| *known == name)
}

struct ObjectReferences<'a> {
    target: &'a dyn TargetDialect,
}

impl ObjectReferences<'_> {
    /// Rewrites `expr` when it is a cast to an object-reference type, or `to_regtype(..)`
    /// (the same lookup, NULL instead of an error for an unknown name).
    fn rewrite(&self, expr: &mut Expr, shown: bool) -> Result<(), TranslateError> {
        if let Expr::Function(function) = expr
            && super::function_name(function) == "to_regtype"
        {
            if let Some(name) = self.target.object_reference_function("to_regtype", shown) {
                function.name =
                    sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new(name)]);
            }
            return Ok(());
        }
        let Expr::Cast {
            expr: operand,
            data_type,
            ..
        } = expr
        else {
            return Ok(());
        };
        let Some(reference) = reference_type(data_type) else {
            return Ok(());
        };
        let function = self
            .target
            .object_reference_function(reference, shown)
            .ok_or_else(|| {
                TranslateError::unsupported(format!("cast to {reference}"), self.target.name())
            })?;
        let operand = std::mem::replace(operand.as_mut(), Expr::value(Value::Null));
        *expr = call(function, vec![operand]);
        Ok(())
    }

    fn rewrite_projections(&self, body: &mut SetExpr) -> Result<(), TranslateError> {
        match body {
            SetExpr::Select(select) => {
                for item in &mut select.projection {
                    if let SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } =
                        item
                    {
                        self.rewrite(expr, true)?;
                    }
                }
                Ok(())
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.rewrite_projections(left)?;
                self.rewrite_projections(right)
            }
            _ => Ok(()),
        }
    }
}

fn is_text_cast(data_type: &DataType) -> bool {
    PgType::from_data_type(data_type).is_some_and(PgType::is_text)
}

impl VisitorMut for ObjectReferences<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        match self.rewrite_projections(&mut query.body) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => ControlFlow::Break(error),
        }
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        if let Expr::Cast {
            expr: operand,
            data_type,
            ..
        } = expr
            && is_text_cast(data_type)
            && let Err(error) = self.rewrite(operand, true)
        {
            return ControlFlow::Break(error);
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        match self.rewrite(expr, false) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => ControlFlow::Break(error),
        }
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    super::finish(statement.visit(&mut ObjectReferences { target }))
}
