//! A string literal takes the type of its context in PostgreSQL (`flag = 't'` compares booleans,
//! `INSERT .. VALUES ('2024-01-01 10:00+02')` into timestamptz converts to UTC), while MySQL
//! would compare or store the text itself (`'t'` reads as 0). For booleans, timestamptz and
//! bytea (`'\x0a'`), where the target asks for it, such a literal becomes an explicit cast to its
//! context's type, which the casts pass translates.
//!
//! The context types come from the parameter inference: on a copy of the statement each string
//! literal becomes a fresh parameter, and inference tells the type each parameter would take.

use std::ops::ControlFlow;

use sqlparser::ast::{
    CastKind, DataType, Expr, Statement, Value, Visit, VisitMut, Visitor, VisitorMut,
};

use super::placeholders::parse_index;
use crate::infer::infer_on_stack;
use crate::{PgType, SchemaLookup, TargetDialect};

/// Walks the string literals that are not already the operand of a cast, in visiting order.
struct Literals<F: FnMut(&mut Expr)> {
    /// Set on a cast of a literal: the next literal is its operand and is left alone.
    cast_operand: bool,
    on_literal: F,
}

impl<F: FnMut(&mut Expr)> VisitorMut for Literals<F> {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Cast { expr: operand, .. } = expr
            && is_string(operand)
        {
            self.cast_operand = true;
        }
        ControlFlow::Continue(())
    }

    /// After the children, so that a literal replaced by a cast is not visited again.
    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if is_string(expr) && !std::mem::take(&mut self.cast_operand) {
            (self.on_literal)(expr);
        }
        ControlFlow::Continue(())
    }
}

fn is_string(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(value) if matches!(value.value, Value::SingleQuotedString(_)))
}

fn walk(statement: &mut Statement, on_literal: impl FnMut(&mut Expr)) {
    let _ = statement.visit(&mut Literals {
        cast_operand: false,
        on_literal,
    });
}

/// Counts what [`Literals`] would visit, and finds the highest `$n` already used, without
/// changing anything: a statement without such literals needs no typing.
#[derive(Default)]
struct Survey {
    cast_operand: bool,
    literals: usize,
    highest_parameter: usize,
}

impl Visitor for Survey {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Cast { expr: operand, .. } = expr
            && is_string(operand)
        {
            self.cast_operand = true;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if is_string(expr) && !std::mem::take(&mut self.cast_operand) {
            self.literals += 1;
        }
        if let Expr::Value(value) = expr
            && let Value::Placeholder(text) = &value.value
        {
            let index = parse_index(text).unwrap_or(0);
            self.highest_parameter = self.highest_parameter.max(index);
        }
        ControlFlow::Continue(())
    }
}

/// The PostgreSQL type each literal takes from its context, in visiting order; empty when the
/// statement has no literal to type.
fn literal_types(statement: &Statement, schema: &dyn SchemaLookup) -> Vec<Option<PgType>> {
    let mut survey = Survey::default();
    let _ = statement.visit(&mut survey);
    if survey.literals == 0 {
        return Vec::new();
    }
    let mut copy = statement.clone();
    let first = survey.highest_parameter + 1;
    let mut next = first;
    walk(&mut copy, |literal| {
        *literal = Expr::value(Value::Placeholder(format!("${next}")));
        next += 1;
    });
    // The passes run on a stack sized for the statement already.
    let types = infer_on_stack(&copy, schema).parameters;
    (first..next)
        .map(|index| types.get(index - 1).copied().flatten())
        .collect()
}

fn data_type(pg_type: PgType) -> Option<DataType> {
    Some(match pg_type {
        PgType::Bool => DataType::Boolean,
        PgType::Timestamptz => {
            DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::WithTimeZone)
        }
        PgType::Bytea => DataType::Bytea,
        _ => return None,
    })
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    schema: &dyn SchemaLookup,
) {
    let coerced = |pg_type: &PgType| target.casts_literals_to(*pg_type);
    if ![
        PgType::Bool,
        PgType::Timestamptz,
        PgType::Json,
        PgType::Jsonb,
        PgType::Bytea,
    ]
    .iter()
    .any(coerced)
    {
        return;
    }
    let mut types = literal_types(statement, schema).into_iter();
    walk(statement, |literal| {
        let Some(pg_type) = types.next().flatten().filter(coerced) else {
            return;
        };
        if let Some(data_type) = data_type(pg_type) {
            let value = std::mem::replace(literal, Expr::value(Value::Null));
            *literal = Expr::Cast {
                kind: CastKind::DoubleColon,
                expr: Box::new(value),
                data_type,
                format: None,
            };
        }
    });
}
