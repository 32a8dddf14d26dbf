//! Column defaults that are expressions are parenthesised: SQLite accepts a bare literal after
//! `DEFAULT` but needs `DEFAULT (pgbridge_now())` for anything computed.

use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, Expr, Statement};

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
    match statement {
        Statement::CreateTable(create) => create.columns.iter_mut().for_each(parenthesise),
        Statement::AlterTable(alter) => {
            for operation in &mut alter.operations {
                if let AlterTableOperation::AddColumn { column_def, .. } = operation {
                    parenthesise(column_def);
                }
            }
        }
        _ => {}
    }
}
