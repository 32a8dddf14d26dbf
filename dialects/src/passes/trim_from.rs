//! `trim([BOTH | LEADING | TRAILING] [characters] FROM text)` on targets without that syntax
//! becomes their `trim` / `ltrim` / `rtrim(text [, characters])` (pgjdbc's getIndexInfo trims
//! quotes from index column names this way).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, TrimWhereField, Value, VisitMut, VisitorMut};

use super::call;
use crate::TargetDialect;

struct TrimFrom;

impl VisitorMut for TrimFrom {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let Expr::Trim {
            trim_where,
            trim_what,
            trim_characters: None,
            ..
        } = expr
        else {
            return ControlFlow::Continue(());
        };
        if trim_where.is_none() && trim_what.is_none() {
            return ControlFlow::Continue(());
        }
        let function = match trim_where {
            Some(TrimWhereField::Leading) => "ltrim",
            Some(TrimWhereField::Trailing) => "rtrim",
            _ => "trim",
        };
        if let Expr::Trim {
            expr: text,
            trim_what,
            ..
        } = std::mem::replace(expr, Expr::value(Value::Null))
        {
            let mut args = vec![*text];
            args.extend(trim_what.map(|what| *what));
            *expr = call(function, args);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_trim_from() {
        let _ = statement.visit(&mut TrimFrom);
    }
}
