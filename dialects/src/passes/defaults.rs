//! Column defaults that are expressions are parenthesised: SQLite accepts a bare literal after
//! `DEFAULT` but needs `DEFAULT (pgbridge_now())` for anything computed.

use sqlparser::ast::{ColumnDef, ColumnOption, Expr, Statement};

use super::declared_columns;

fn parenthesise(column: &mut ColumnDef) {
    for option in &mut column.options {
        if let ColumnOption::Default(expr) = &mut option.option {
            let literal = matches!(expr, Expr::Value(_) | Expr::Nested(_))
                || matches!(expr, Expr::UnaryOp { expr: inner, .. } if matches!(inner.as_ref(), Expr::Value(_)));
            if !literal {
                let inner = std::mem::replace(expr, Expr::value(sqlparser::ast::Value::Null));
                *expr = Expr::Nested(Box::new(inner));
            }
        }
    }
}

pub(super) fn run(statement: &mut Statement) {
    declared_columns(statement)
        .into_iter()
        .for_each(parenthesise);
}
