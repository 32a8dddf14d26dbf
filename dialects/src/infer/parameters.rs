//! Parameter types from their context: the other side of a comparison, the column an INSERT or
//! UPDATE writes, LIMIT and OFFSET, casts.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    AssignmentTarget, BinaryOperator, Expr, InTarget, LimitClause, Query, SetExpr, Statement,
    TableObject, UnaryOperator, Value, Visitor,
};

use super::Scope;
use super::expressions::expr_type;
use crate::PgType;
use crate::passes::placeholders::parse_index;

/// Collects parameter types from their context.
pub(super) struct Parameters<'a> {
    pub(super) scope: &'a Scope<'a>,
    pub(super) types: HashMap<usize, PgType>,
    pub(super) highest: usize,
}

pub(super) fn placeholder_index(expr: &Expr) -> Option<usize> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::Placeholder(text) => parse_index(text),
            _ => None,
        },
        Expr::Nested(inner) => placeholder_index(inner),
        _ => None,
    }
}

impl Parameters<'_> {
    fn assign(&mut self, expr: &Expr, pg_type: Option<PgType>) {
        if let (Some(index), Some(pg_type)) = (placeholder_index(expr), pg_type)
            && pg_type != PgType::Unknown
        {
            self.types.entry(index).or_insert(pg_type);
        }
    }

    /// Parameters placed by statement shape: INSERT values, UPDATE assignments, LIMIT/OFFSET.
    pub(super) fn assign_by_statement_shape(&mut self, statement: &Statement) {
        match statement {
            Statement::Insert(insert) => {
                let TableObject::TableName(name) = &insert.table else {
                    return;
                };
                let table = name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.value.clone())
                    .unwrap_or_default();
                let columns: Vec<String> = if insert.columns.is_empty() {
                    self.scope
                        .table(&table)
                        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                        .unwrap_or_default()
                } else {
                    insert
                        .columns
                        .iter()
                        .map(|c| c.to_string().trim_matches('"').to_owned())
                        .collect()
                };
                if let Some(source) = &insert.source
                    && let SetExpr::Values(values) = source.body.as_ref()
                {
                    for row in &values.rows {
                        for (expr, column) in row.content.iter().zip(&columns) {
                            let pg_type = self.scope.column(Some(&table), column);
                            self.assign(expr, pg_type);
                        }
                    }
                }
            }
            Statement::Update(update) => {
                for assignment in &update.assignments {
                    if let AssignmentTarget::ColumnName(name) = &assignment.target {
                        let column = name
                            .0
                            .last()
                            .and_then(|p| p.as_ident())
                            .map(|i| i.value.clone());
                        let pg_type = column.and_then(|c| self.scope.column(None, &c));
                        self.assign(&assignment.value, pg_type);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Visitor for Parameters<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(LimitClause::LimitOffset { limit, offset, .. }) = &query.limit_clause {
            if let Some(limit) = limit {
                self.assign(limit, Some(PgType::Int8));
            }
            if let Some(offset) = offset {
                self.assign(&offset.value, Some(PgType::Int8));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Some(index) = placeholder_index(expr) {
            self.highest = self.highest.max(index);
        }
        match expr {
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (expr_type(left, self.scope), expr_type(right, self.scope));
                match op {
                    BinaryOperator::StringConcat => {
                        self.assign(left, Some(PgType::Text));
                        self.assign(right, Some(PgType::Text));
                    }
                    BinaryOperator::And | BinaryOperator::Or => {
                        self.assign(left, Some(PgType::Bool));
                        self.assign(right, Some(PgType::Bool));
                    }
                    _ => {
                        self.assign(left, r);
                        self.assign(right, l);
                    }
                }
            }
            // `$1::regclass` takes the object's name: its input is text.
            Expr::Cast {
                expr: inner,
                data_type,
                ..
            } if crate::passes::object_references::reference_type(data_type).is_some() => {
                self.assign(inner, Some(PgType::Text));
            }
            Expr::Cast {
                expr: inner,
                data_type,
                ..
            } => self.assign(inner, PgType::from_data_type(data_type)),
            Expr::In {
                expr,
                target: InTarget::List(list),
                ..
            } => {
                let t = expr_type(expr, self.scope);
                for item in list {
                    self.assign(item, t);
                }
                let item_type = list.iter().find_map(|e| expr_type(e, self.scope));
                self.assign(expr, item_type);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let t = expr_type(expr, self.scope);
                self.assign(low, t);
                self.assign(high, t);
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                self.assign(expr, Some(PgType::Text));
                self.assign(pattern, Some(PgType::Text));
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => self.assign(expr, Some(PgType::Bool)),
            Expr::IsTrue(inner) | Expr::IsFalse(inner) => self.assign(inner, Some(PgType::Bool)),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}
