//! Arrays: the target stores no array values, so array literals, subscripts, array types and
//! `op ANY | ALL (array)` are refused. The forms that have an exact equivalent are kept:
//! `x = ANY (SELECT ..)` is `x IN (SELECT ..)` and `x <> ALL (SELECT ..)` is
//! `x NOT IN (SELECT ..)`, NULL handling included, and other comparisons with a subquery
//! (`x > ALL (SELECT ..)`) become `EXISTS` tests over its rows where predicates are values;
//! the same for a literal list,
//! `x = ANY (ARRAY[a, b])` (what SQLAlchemy sends for `IN`) is `x IN (a, b)`. Against a column,
//! `x = ANY (col)` is kept on targets with a membership function for array text (SQLite's
//! emulated catalog stores `pg_index.indkey` and `pg_constraint.conkey` that way). On targets
//! that store array text, `array_agg(..)` becomes the target's aggregate into array text and a
//! subscript `a[i]` its element function.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AccessExpr, BinaryOperator, DataType, Expr, Ident, InTarget, ObjectName, SetExpr, Statement,
    Subscript, Value, VisitMut, VisitorMut,
};

use super::{finish, function_name};
use crate::{TargetDialect, TranslateError};

struct Arrays<'a> {
    target: &'a dyn TargetDialect,
}

impl Arrays<'_> {
    fn refuse(&self, construct: impl Into<String>) -> ControlFlow<TranslateError> {
        ControlFlow::Break(TranslateError::unsupported(construct, self.target.name()))
    }
}

/// Rewrites `left = ANY (subquery)` to `left IN (subquery)` and `left <> ALL (subquery)` to
/// `left NOT IN (subquery)`; returns false, leaving `expr` alone, for anything else.
fn rewrite_in_subquery(expr: &mut Expr) -> bool {
    let negated = match expr {
        Expr::AnyOp {
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } if matches!(right.as_ref(), Expr::Subquery(_)) => false,
        Expr::AllOp {
            compare_op: BinaryOperator::NotEq,
            right,
            ..
        } if matches!(right.as_ref(), Expr::Subquery(_)) => true,
        _ => return false,
    };
    if let Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } =
        std::mem::replace(expr, Expr::value(Value::Null))
        && let Expr::Subquery(subquery) = *right
    {
        *expr = Expr::In {
            expr: left,
            target: InTarget::Subquery(subquery),
            negated,
            global: false,
        };
    }
    true
}

/// Rewrites `left op ANY (subquery)` and `left op ALL (subquery)` for the other operators
/// (`salary > ALL (SELECT ..)`) to `EXISTS` tests over the subquery's rows, with PostgreSQL's
/// three-valued answer: ANY is true when one comparison is, else NULL when one is NULL, else
/// false; ALL is false when one comparison is, else NULL when one is NULL, else true. The
/// subquery becomes a CTE whose one column is named `pgbridge_compared`, so it is kept as
/// written (its aliases, ORDER BY, set operations). Returns false, leaving `expr` alone, when
/// it is not such a comparison, or when `left` holds an aggregate or a window function, which
/// cannot move into the new subquery's WHERE.
fn rewrite_quantified_subquery(expr: &mut Expr) -> bool {
    let (left, compare_op, right, all) = match expr {
        Expr::AnyOp {
            left,
            compare_op,
            right,
            ..
        } => (left, compare_op, right, false),
        Expr::AllOp {
            left,
            compare_op,
            right,
        } => (left, compare_op, right, true),
        _ => return false,
    };
    let Expr::Subquery(query) = right.as_ref() else {
        return false;
    };
    // The CTE names one column: a subquery of several is left to be refused.
    let mut body = query.body.as_ref();
    while let SetExpr::SetOperation { left, .. } = body {
        body = left;
    }
    if let SetExpr::Select(select) = body
        && select.projection.len() != 1
    {
        return false;
    }
    let aggregates = sqlparser::ast::visit_expressions(left.as_ref(), |e| match e {
        Expr::Function(function)
            if function.over.is_some()
                || super::empty_catalog::AGGREGATES.contains(&function_name(function).as_str()) =>
        {
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    });
    if aggregates.is_break() {
        return false;
    }
    let test = format!("({left}) {compare_op} pgbridge_rows.pgbridge_compared");
    let rows = |condition: &str| {
        format!(
            "EXISTS (WITH pgbridge_rows (pgbridge_compared) AS ({query}) \
             SELECT 1 FROM pgbridge_rows WHERE {condition})"
        )
    };
    let (decided_by, decided, otherwise) = if all {
        (format!("NOT ({test})"), "FALSE", "TRUE")
    } else {
        (test.clone(), "TRUE", "FALSE")
    };
    let sql = format!(
        "CASE WHEN {} THEN {decided} WHEN {} THEN NULL ELSE {otherwise} END",
        rows(&decided_by),
        rows(&format!("({test}) IS NULL")),
    );
    match sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
        .try_with_sql(&sql)
        .and_then(|mut parser| parser.parse_expr())
    {
        Ok(rewritten) => {
            *expr = Expr::Nested(Box::new(rewritten));
            true
        }
        Err(_) => false,
    }
}

/// The elements of an array literal, under any casts (`ARRAY[$1::varchar]::varchar[]`).
fn literal_elements(expr: &mut Expr) -> Option<&mut Vec<Expr>> {
    match expr {
        Expr::Array(array) => Some(&mut array.elem),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => literal_elements(expr),
        _ => None,
    }
}

/// Rewrites `left = ANY (ARRAY[..])` to `left IN (..)` and `left <> ALL (ARRAY[..])` to
/// `left NOT IN (..)` (an empty array: false and true, whatever `left` is, as in PostgreSQL);
/// returns false, leaving `expr` alone, for anything else.
fn rewrite_in_list(expr: &mut Expr) -> bool {
    let (negated, right) = match expr {
        Expr::AnyOp {
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => (false, right),
        Expr::AllOp {
            compare_op: BinaryOperator::NotEq,
            right,
            ..
        } => (true, right),
        _ => return false,
    };
    let Some(elements) = literal_elements(right) else {
        return false;
    };
    let list = std::mem::take(elements);
    if list.is_empty() {
        *expr = Expr::value(Value::Boolean(negated));
        return true;
    }
    if let Expr::AnyOp { left, .. } | Expr::AllOp { left, .. } =
        std::mem::replace(expr, Expr::value(Value::Null))
    {
        *expr = Expr::In {
            expr: left,
            target: InTarget::List(list),
            negated,
            global: false,
        };
    }
    true
}

/// `doc ?| ARRAY['a', 'b']` and `?&`: an array of literal keys becomes the array's text
/// (`{"a","b"}`), the form arrays take on a target without them, which the key functions read.
fn rewrite_key_array(expr: &mut Expr) -> bool {
    let Expr::BinaryOp {
        op: BinaryOperator::QuestionPipe | BinaryOperator::QuestionAnd,
        right,
        ..
    } = expr
    else {
        return false;
    };
    let Expr::Array(array) = right.as_ref() else {
        return false;
    };
    let keys: Option<Vec<String>> = array
        .elem
        .iter()
        .map(|element| match element {
            Expr::Value(value) => match &value.value {
                Value::SingleQuotedString(key) => Some(format!(
                    "\"{}\"",
                    key.replace('\\', "\\\\").replace('"', "\\\"")
                )),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let Some(keys) = keys else {
        return false;
    };
    let text = format!("{{{}}}", keys.join(","));
    **right = Expr::value(Value::SingleQuotedString(text));
    true
}

impl Arrays<'_> {
    /// Rewrites `left = ANY (array_text)` to the target's membership function, and
    /// `left <> ALL (array_text)` to its negation, where the target has one.
    fn rewrite_membership(&self, expr: &mut Expr) -> bool {
        let Some(function) = self.target.array_membership_function() else {
            return false;
        };
        let negated = match expr {
            Expr::AnyOp {
                compare_op: BinaryOperator::Eq,
                ..
            } => false,
            Expr::AllOp {
                compare_op: BinaryOperator::NotEq,
                ..
            } => true,
            _ => return false,
        };
        if let Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } =
            std::mem::replace(expr, Expr::value(Value::Null))
        {
            let contains = super::call(function, vec![*right, *left]);
            *expr = if negated {
                Expr::UnaryOp {
                    op: sqlparser::ast::UnaryOperator::Not,
                    expr: Box::new(Expr::Nested(Box::new(contains))),
                }
            } else {
                contains
            };
        }
        true
    }
}

impl Arrays<'_> {
    /// Renames `array_agg` to the target's aggregate into array text, keeping its arguments,
    /// DISTINCT, ORDER BY and FILTER.
    fn rewrite_aggregate(&self, expr: &mut Expr) -> bool {
        let Some(aggregate) = self.target.array_aggregate_function() else {
            return false;
        };
        match expr {
            Expr::Function(function)
                if function_name(function) == "array_agg" && function.over.is_none() =>
            {
                function.name = ObjectName::from(vec![Ident::new(aggregate)]);
                true
            }
            _ => false,
        }
    }

    /// Rewrites `array[i]` (one index, no slice) to the target's element function.
    fn rewrite_subscript(&self, expr: &mut Expr) -> bool {
        let Some(element) = self.target.array_element_function() else {
            return false;
        };
        let Expr::CompoundFieldAccess { root, access_chain } = expr else {
            return false;
        };
        let Some((array, index)) = subscripted(root, access_chain) else {
            return false;
        };
        let index = index.clone();
        *expr = super::call(element, vec![array, index]);
        true
    }
}

/// `array[i]` with one index: the array and the index. The parser reads `t.column[i]` as
/// `t` with the chain `.column[i]`; the array is then `t.column`.
pub(crate) fn subscripted<'e>(
    root: &Expr,
    access_chain: &'e [AccessExpr],
) -> Option<(Expr, &'e Expr)> {
    let (AccessExpr::Subscript(Subscript::Index { index }), path) = access_chain.split_last()?
    else {
        return None;
    };
    if path.is_empty() {
        return Some((root.clone(), index));
    }
    let mut parts = match root {
        Expr::Identifier(ident) => vec![ident.clone()],
        Expr::CompoundIdentifier(parts) => parts.clone(),
        _ => return None,
    };
    for access in path {
        let AccessExpr::Dot(Expr::Identifier(part)) = access else {
            return None;
        };
        parts.push(part.clone());
    }
    Some((Expr::CompoundIdentifier(parts), index))
}

impl VisitorMut for Arrays<'_> {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        if rewrite_in_subquery(expr)
            || (self.target.supports_boolean_values() && rewrite_quantified_subquery(expr))
            || rewrite_in_list(expr)
            || rewrite_key_array(expr)
            || self.rewrite_membership(expr)
            || self.rewrite_aggregate(expr)
            || self.rewrite_subscript(expr)
        {
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::AnyOp { compare_op, .. } => self.refuse(format!("{compare_op} ANY (..)")),
            Expr::AllOp { compare_op, .. } => self.refuse(format!("{compare_op} ALL (..)")),
            Expr::Like { any: true, .. } | Expr::ILike { any: true, .. } => {
                self.refuse("LIKE ANY (..)")
            }
            Expr::Array(_) => self.refuse("ARRAY[..] constructor"),
            Expr::Function(function)
                if matches!(function_name(function).as_str(), "array" | "array_agg") =>
            {
                self.refuse(format!("{}(..)", function_name(function)))
            }
            Expr::CompoundFieldAccess { access_chain, .. }
                if access_chain
                    .iter()
                    .any(|access| matches!(access, AccessExpr::Subscript(_))) =>
            {
                self.refuse("array subscript")
            }
            Expr::Cast { data_type, .. } if is_array(data_type) => {
                self.refuse(format!("array type {data_type}"))
            }
            _ => ControlFlow::Continue(()),
        }
    }
}

fn is_array(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Array(_))
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if target.supports_arrays() {
        return Ok(());
    }
    super::set_returning::run(statement, target)?;
    finish(statement.visit(&mut Arrays { target }))
}
