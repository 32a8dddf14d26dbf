//! Booleans on a target where a predicate is not a value (SQL Server): T-SQL keeps `BIT`
//! columns of 0/1 and allows predicates only where a condition is expected (`WHERE`, `ON`,
//! `HAVING`, `CASE WHEN`, `CHECK`, `AND` / `OR` / `NOT` operands).
//!
//! - A value where a condition is expected is compared with 1: `WHERE flag` is
//!   `WHERE flag = 1` (NULL stays unknown), `NOT flag` is `flag = 0`, `WHERE true` is `1 = 1`.
//! - A predicate where a value is expected becomes `CASE WHEN p THEN 1 WHEN NOT (p) THEN 0 END`,
//!   NULL when `p` is unknown as in PostgreSQL, and in a select list is cast to `BIT` so the
//!   column reads back as a boolean; `true` / `false` as values are 1 / 0.
//! - `x IS [NOT] TRUE | FALSE` never yields unknown: `CASE WHEN p THEN 1 ELSE 0 END = 1`.
//! - `a IS [NOT] DISTINCT FROM b` (SQL Server 2022) is `[NOT] EXISTS (SELECT a INTERSECT
//!   SELECT b)`: `INTERSECT` compares NULLs as equal.
//!
//! Which values are booleans is read from the syntax only; a boolean column used as a condition
//! must be written bare (`WHERE flag`), as applications do.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CaseWhen, CastKind, ColumnOption, DataType, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, InTarget, JoinConstraint, JoinOperator, ObjectName, OnConflict,
    OnConflictAction, OnInsert, Query, Select, SelectItem, SetExpr, Statement, TableConstraint,
    UnaryOperator, Value, ValueWithSpan, VisitMut, VisitorMut,
};

use sqlparser::ast::helpers::attached_token::AttachedToken;

use super::declared_columns;
use crate::TargetDialect;

fn take(expr: &mut Expr) -> Expr {
    std::mem::replace(expr, Expr::value(Value::Null))
}

fn number(text: &str) -> Expr {
    Expr::value(Value::Number(text.to_owned(), false))
}

fn equals(left: Expr, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(left),
        op: BinaryOperator::Eq,
        right: Box::new(right),
    }
}

fn boolean_literal(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Value(ValueWithSpan {
            value: Value::Boolean(b),
            ..
        }) => Some(*b),
        _ => None,
    }
}

/// True when `expr` is a condition rather than a value.
fn is_predicate(expr: &Expr) -> bool {
    match expr {
        Expr::BinaryOp { op, .. } => {
            crate::infer::is_comparison(op)
                || matches!(op, BinaryOperator::And | BinaryOperator::Or)
        }
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        }
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotUnknown(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::In { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::Exists { .. }
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. } => true,
        Expr::Nested(inner) => is_predicate(inner),
        _ => false,
    }
}

/// True when a predicate is never unknown.
fn is_two_valued(expr: &Expr) -> bool {
    match expr {
        Expr::IsNull(_) | Expr::IsNotNull(_) | Expr::Exists { .. } => true,
        Expr::Nested(inner) => is_two_valued(inner),
        _ => false,
    }
}

/// `expr` as a condition.
fn to_predicate(expr: Expr) -> Expr {
    match boolean_literal(&expr) {
        Some(true) => equals(number("1"), number("1")),
        Some(false) => equals(number("1"), number("0")),
        None if is_predicate(&expr) => expr,
        None => equals(expr, number("1")),
    }
}

fn case(conditions: Vec<(Expr, Expr)>, else_result: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: conditions
            .into_iter()
            .map(|(condition, result)| CaseWhen { condition, result })
            .collect(),
        else_result: else_result.map(Box::new),
    }
}

fn not(expr: Expr) -> Expr {
    Expr::UnaryOp {
        op: UnaryOperator::Not,
        expr: Box::new(Expr::Nested(Box::new(expr))),
    }
}

/// `expr` as a 1 / 0 value (NULL when an unknown predicate).
fn to_value(expr: Expr) -> Expr {
    match boolean_literal(&expr) {
        Some(b) => number(if b { "1" } else { "0" }),
        None if is_predicate(&expr) && is_two_valued(&expr) => {
            case(vec![(expr, number("1"))], Some(number("0")))
        }
        None if is_predicate(&expr) => case(
            vec![(expr.clone(), number("1")), (not(expr), number("0"))],
            None,
        ),
        None => expr,
    }
}

/// 1 when `condition` holds, 0 otherwise (unknown included), compared with `expected`.
fn holds(condition: Expr, expected: &str) -> Expr {
    equals(
        case(vec![(condition, number("1"))], Some(number("0"))),
        number(expected),
    )
}

/// `[NOT] EXISTS (SELECT a INTERSECT SELECT b)`.
fn same_values(a: Expr, b: Expr, negated: bool) -> Expr {
    let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::GenericDialect {})
        .try_with_sql("EXISTS (SELECT 1 INTERSECT SELECT 2)")
        .and_then(|mut parser| parser.parse_expr());
    let Ok(Expr::Exists { mut subquery, .. }) = parsed else {
        unreachable!("the template parses as EXISTS");
    };
    if let SetExpr::SetOperation { left, right, .. } = subquery.body.as_mut() {
        for (side, value) in [(left, a), (right, b)] {
            if let SetExpr::Select(select) = side.as_mut() {
                select.projection = vec![SelectItem::UnnamedExpr(value)];
            }
        }
    }
    Expr::Exists { subquery, negated }
}

fn rewrite_node(expr: &mut Expr) {
    match expr {
        Expr::BinaryOp { left, op, right } => {
            let logical = matches!(op, BinaryOperator::And | BinaryOperator::Or);
            let fix = if logical { to_predicate } else { to_value };
            **left = fix(take(left));
            **right = fix(take(right));
        }
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr: operand,
        } => {
            if is_predicate(operand) || boolean_literal(operand).is_some() {
                **operand = to_predicate(take(operand));
            } else {
                *expr = equals(take(operand), number("0"));
            }
        }
        Expr::IsTrue(operand) => *expr = holds(to_predicate(take(operand)), "1"),
        Expr::IsNotTrue(operand) => *expr = holds(to_predicate(take(operand)), "0"),
        Expr::IsFalse(operand) => *expr = holds(not(to_predicate(take(operand))), "1"),
        Expr::IsNotFalse(operand) => *expr = holds(not(to_predicate(take(operand))), "0"),
        Expr::IsUnknown(operand) => *expr = Expr::IsNull(Box::new(to_value(take(operand)))),
        Expr::IsNotUnknown(operand) => *expr = Expr::IsNotNull(Box::new(to_value(take(operand)))),
        Expr::IsDistinctFrom(a, b) => {
            *expr = same_values(to_value(take(a)), to_value(take(b)), true);
        }
        Expr::IsNotDistinctFrom(a, b) => {
            *expr = same_values(to_value(take(a)), to_value(take(b)), false);
        }
        Expr::IsNull(operand) | Expr::IsNotNull(operand) | Expr::Cast { expr: operand, .. } => {
            **operand = to_value(take(operand));
        }
        Expr::In {
            expr: subject,
            target,
            ..
        } => {
            **subject = to_value(take(subject));
            if let InTarget::List(list) = target {
                list.iter_mut()
                    .for_each(|item| *item = to_value(take(item)));
            }
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let simple = operand.is_some();
            if let Some(operand) = operand {
                **operand = to_value(take(operand));
            }
            for when in conditions {
                let condition = take(&mut when.condition);
                when.condition = if simple {
                    to_value(condition)
                } else {
                    to_predicate(condition)
                };
                when.result = to_value(take(&mut when.result));
            }
            if let Some(result) = else_result {
                **result = to_value(take(result));
            }
        }
        Expr::Function(function) => {
            if let FunctionArguments::List(list) = &mut function.args {
                for arg in &mut list.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(value)) = arg {
                        *value = to_value(take(value));
                    }
                }
            }
        }
        _ => {}
    }
}

/// A select-list value that is a boolean, typed `BIT` so it reads back as a boolean.
fn select_value(expr: &mut Expr) {
    if is_predicate(expr) || boolean_literal(expr).is_some() {
        *expr = Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(to_value(take(expr))),
            data_type: DataType::Custom(ObjectName::from(vec![Ident::new("BIT")]), vec![]),
            format: None,
        };
    }
}

fn condition(slot: &mut Option<Expr>) {
    if let Some(expr) = slot {
        *expr = to_predicate(take(expr));
    }
}

fn join_constraint(operator: &mut JoinOperator) -> Option<&mut JoinConstraint> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c) => Some(c),
        _ => None,
    }
}

struct Booleans;

impl VisitorMut for Booleans {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        rewrite_node(expr);
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        for item in &mut select.projection {
            if let SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } = item {
                select_value(expr);
            }
        }
        condition(&mut select.selection);
        condition(&mut select.having);
        for table in &mut select.from {
            for join in &mut table.joins {
                if let Some(JoinConstraint::On(on)) = join_constraint(&mut join.join_operator) {
                    *on = to_predicate(take(on));
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let SetExpr::Values(values) = query.body.as_mut() {
            for row in &mut values.rows {
                row.iter_mut()
                    .for_each(|value| *value = to_value(take(value)));
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_statement(&mut self, statement: &mut Statement) -> ControlFlow<()> {
        match statement {
            Statement::Update(update) => {
                for assignment in &mut update.assignments {
                    assignment.value = to_value(take(&mut assignment.value));
                }
                condition(&mut update.selection);
            }
            Statement::Delete(delete) => condition(&mut delete.selection),
            Statement::Insert(insert) => {
                if let Some(OnInsert::OnConflict(OnConflict {
                    action: OnConflictAction::DoUpdate(update),
                    ..
                })) = &mut insert.on
                {
                    for assignment in &mut update.assignments {
                        assignment.value = to_value(take(&mut assignment.value));
                    }
                    condition(&mut update.selection);
                }
            }
            Statement::CreateIndex(index) => condition(&mut index.predicate),
            Statement::CreateTable(create) => {
                for constraint in &mut create.constraints {
                    if let TableConstraint::Check(check) = constraint {
                        *check.expr = to_predicate(take(&mut check.expr));
                    }
                }
            }
            _ => {}
        }
        for column in declared_columns(statement) {
            for option in &mut column.options {
                match &mut option.option {
                    ColumnOption::Default(value) => *value = to_value(take(value)),
                    ColumnOption::Check(check) => *check.expr = to_predicate(take(&mut check.expr)),
                    _ => {}
                }
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if !target.supports_boolean_values() {
        let _ = statement.visit(&mut Booleans);
    }
}
