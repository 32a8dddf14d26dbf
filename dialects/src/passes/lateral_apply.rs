//! `LATERAL` subqueries on a target that spells them `APPLY` (SQL Server): a lateral subquery
//! joined by a comma, `CROSS JOIN` or `JOIN .. ON true` becomes `CROSS APPLY`, one joined by
//! `LEFT JOIN .. ON true` becomes `OUTER APPLY` (NULLs when it has no row, as PostgreSQL's
//! left join keeps the row). A lateral join with another `ON` condition is left for the
//! `LATERAL` refusal.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Join, JoinConstraint, JoinOperator, Select, Statement, TableFactor, TableWithJoins, Value,
    ValueWithSpan, VisitMut, VisitorMut,
};

use crate::TargetDialect;

fn is_lateral(factor: &TableFactor) -> bool {
    matches!(factor, TableFactor::Derived { lateral: true, .. })
}

fn on_true(constraint: &JoinConstraint) -> bool {
    matches!(
        constraint,
        JoinConstraint::On(sqlparser::ast::Expr::Value(ValueWithSpan {
            value: Value::Boolean(true),
            ..
        }))
    )
}

/// The `APPLY` a lateral join becomes, if it has one.
fn apply(operator: &JoinOperator) -> Option<JoinOperator> {
    match operator {
        JoinOperator::CrossJoin(_) => Some(JoinOperator::CrossApply),
        JoinOperator::Join(c) | JoinOperator::Inner(c) if on_true(c) => {
            Some(JoinOperator::CrossApply)
        }
        JoinOperator::Left(c) | JoinOperator::LeftOuter(c) if on_true(c) => {
            Some(JoinOperator::OuterApply)
        }
        _ => None,
    }
}

fn unlateral(factor: &mut TableFactor) {
    if let TableFactor::Derived { lateral, .. } = factor {
        *lateral = false;
    }
}

struct LateralApply;

impl VisitorMut for LateralApply {
    type Break = ();

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        for table in &mut select.from {
            for join in &mut table.joins {
                if is_lateral(&join.relation)
                    && let Some(operator) = apply(&join.join_operator)
                {
                    join.join_operator = operator;
                    unlateral(&mut join.relation);
                }
            }
        }
        // `FROM a, LATERAL (..) s`: the lateral item joins the item before it.
        let mut from: Vec<TableWithJoins> = Vec::with_capacity(select.from.len());
        for mut table in std::mem::take(&mut select.from) {
            match from.last_mut() {
                Some(previous) if is_lateral(&table.relation) && table.joins.is_empty() => {
                    unlateral(&mut table.relation);
                    previous.joins.push(Join {
                        relation: table.relation,
                        global: false,
                        join_operator: JoinOperator::CrossApply,
                    });
                }
                _ => from.push(table),
            }
        }
        select.from = from;
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.lateral_as_apply() {
        let _ = statement.visit(&mut LateralApply);
    }
}
