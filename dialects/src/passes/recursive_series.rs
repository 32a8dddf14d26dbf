//! `generate_series(start, stop [, step])` over integers in `FROM`, where the target has no
//! set-returning functions (MySQL): a derived table over a recursive CTE,
//!
//! ```sql
//! (WITH RECURSIVE pgbridge_series (value) AS (
//!     SELECT start WHERE (step > 0 AND start <= stop) OR (step < 0 AND start >= stop)
//!     UNION ALL
//!     SELECT value + step FROM pgbridge_series
//!     WHERE (step > 0 AND value + step <= stop) OR (step < 0 AND value + step >= stop))
//!  SELECT value AS column FROM pgbridge_series) AS alias
//! ```
//!
//! The column is named as PostgreSQL names it: the alias's column list (`AS s(i)`), else the
//! alias (`AS n`), else `generate_series`. An empty range gives no rows, as in PostgreSQL; a zero
//! step gives the start alone (PostgreSQL fails). Series over timestamps (an interval step, a
//! date or timestamp bound) are refused. The arguments may not name columns of other `FROM`
//! items (MySQL has no lateral derived tables); the target reports that.

use std::ops::ControlFlow;

use sqlparser::ast::{
    DataType, Expr, FunctionArg, FunctionArgExpr, Ident, Query, SelectItem, SetExpr, Statement,
    TableAlias, TableFactor, Value, VisitMut, VisitorMut,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::finish;
use crate::{TargetDialect, TranslateError};

/// The series as a query; `pgbridge_start`, `pgbridge_stop` and `pgbridge_step` stand for the
/// arguments and `pgbridge_column` for the column's name.
const SERIES: &str = "WITH RECURSIVE pgbridge_series (value) AS (\
SELECT pgbridge_start WHERE (pgbridge_step > 0 AND pgbridge_start <= pgbridge_stop) \
OR (pgbridge_step < 0 AND pgbridge_start >= pgbridge_stop) \
UNION ALL SELECT value + pgbridge_step FROM pgbridge_series \
WHERE (pgbridge_step > 0 AND value + pgbridge_step <= pgbridge_stop) \
OR (pgbridge_step < 0 AND value + pgbridge_step >= pgbridge_stop)) \
SELECT value AS pgbridge_column FROM pgbridge_series";

struct Series<'a> {
    target: &'a dyn TargetDialect,
}

/// Replaces the stand-in identifiers of [`SERIES`] with the call's arguments.
struct Arguments {
    start: Expr,
    stop: Expr,
    step: Expr,
}

impl VisitorMut for Arguments {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(ident) = expr {
            match ident.value.as_str() {
                "pgbridge_start" => *expr = Expr::Nested(Box::new(self.start.clone())),
                "pgbridge_stop" => *expr = Expr::Nested(Box::new(self.stop.clone())),
                "pgbridge_step" => *expr = Expr::Nested(Box::new(self.step.clone())),
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }
}

/// True when `expr` is written as a date, time, timestamp or interval (a series over time).
fn is_temporal(expr: &Expr) -> bool {
    match expr {
        Expr::Interval(_) | Expr::TypedString(_) => true,
        Expr::Value(value) => matches!(value.value, Value::SingleQuotedString(_)),
        Expr::Cast { data_type, .. } => !matches!(
            data_type,
            DataType::Int(_)
                | DataType::Integer(_)
                | DataType::BigInt(_)
                | DataType::SmallInt(_)
                | DataType::Int2(_)
                | DataType::Int4(_)
                | DataType::Int8(_)
        ),
        Expr::Nested(inner) => is_temporal(inner),
        _ => false,
    }
}

fn series_query(
    arguments: Vec<Expr>,
    column: Ident,
    construct: &str,
    target: &dyn TargetDialect,
) -> Result<Query, TranslateError> {
    let refuse = || TranslateError::unsupported(construct, target.name());
    if arguments.iter().any(is_temporal) {
        return Err(refuse());
    }
    let mut arguments = arguments.into_iter();
    let (Some(start), Some(stop), step, None) = (
        arguments.next(),
        arguments.next(),
        arguments.next(),
        arguments.next(),
    ) else {
        return Err(refuse());
    };
    let step = step.unwrap_or_else(|| Expr::value(Value::Number("1".to_owned(), false)));
    let mut query = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(SERIES)
        .and_then(|mut parser| parser.parse_query())
        .map_err(|_| refuse())?;
    let _ = query.visit(&mut Arguments { start, stop, step });
    if let SetExpr::Select(select) = query.body.as_mut()
        && let Some(SelectItem::ExprWithAlias { alias, .. }) = select.projection.first_mut()
    {
        *alias = column;
    }
    Ok(*query)
}

impl VisitorMut for Series<'_> {
    type Break = TranslateError;

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<TranslateError> {
        let TableFactor::Table {
            name,
            args: Some(args),
            alias,
            ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        if !name.to_string().eq_ignore_ascii_case("generate_series") {
            return ControlFlow::Continue(());
        }
        let construct = "generate_series() over timestamps or with named arguments";
        let mut arguments = Vec::new();
        for argument in &args.args {
            match argument {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => arguments.push(expr.clone()),
                _ => {
                    return ControlFlow::Break(TranslateError::unsupported(
                        construct,
                        self.target.name(),
                    ));
                }
            }
        }
        let function_name = Ident::new("generate_series");
        let (table, column) = match alias.take() {
            Some(alias) => {
                let column = alias
                    .columns
                    .first()
                    .map(|column| column.name.clone())
                    .unwrap_or_else(|| alias.name.clone());
                (alias.name, column)
            }
            None => (function_name.clone(), function_name),
        };
        match series_query(arguments, column, construct, self.target) {
            Ok(query) => {
                *factor = TableFactor::Derived {
                    lateral: false,
                    subquery: Box::new(query),
                    alias: Some(TableAlias {
                        explicit: true,
                        name: table,
                        columns: Vec::new(),
                        at: None,
                    }),
                    sample: None,
                };
                ControlFlow::Continue(())
            }
            Err(error) => ControlFlow::Break(error),
        }
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.series_as_recursive_query() {
        return Ok(());
    }
    finish(statement.visit(&mut Series { target }))
}
