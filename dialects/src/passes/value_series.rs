//! `FROM generate_series(start, stop [, step])` over integers, on a target whose
//! `generate_series` is a table-valued function with one `value` column (SQLite's series
//! module) but not PostgreSQL's: there a negative step counts down from `start`, and the
//! function's alias names its column (`AS s(i)`, `AS n`). The call becomes
//! `(SELECT start + step * value AS column FROM generate_series(0, count - 1)) AS alias`,
//! where the count is computed with PostgreSQL's rules (none when the step points away from
//! `stop`), so the rows are PostgreSQL's in either direction.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, Ident, Query, SelectItem, SetExpr, Statement, TableAlias,
    TableFactor, Value, VisitMut, VisitorMut,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::TargetDialect;

/// The replacement, with `series_start`, `series_stop`, `series_step` standing for the
/// arguments.
const TEMPLATE: &str = "SELECT series_start + series_step * value AS generate_series \
     FROM generate_series(0, CASE WHEN (series_stop - series_start) * sign(series_step) < 0 \
     THEN -1 ELSE (series_stop - series_start) / series_step END)";

struct Arguments {
    start: Expr,
    stop: Expr,
    step: Expr,
}

impl VisitorMut for Arguments {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(ident) = expr {
            let argument = match ident.value.as_str() {
                "series_start" => &self.start,
                "series_stop" => &self.stop,
                "series_step" => &self.step,
                _ => return ControlFlow::Continue(()),
            };
            *expr = Expr::Nested(Box::new(argument.clone()));
        }
        ControlFlow::Continue(())
    }
}

fn argument(arg: &FunctionArg) -> Option<Expr> {
    match arg {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr.clone()),
        _ => None,
    }
}

/// The subquery that lists the series of `args`, its column named `column`.
fn series_query(args: &[FunctionArg], column: Ident) -> Option<Query> {
    let mut values = args.iter().map(argument);
    let start = values.next()??;
    let stop = values.next()??;
    let step = match values.next() {
        None => Expr::value(Value::Number("1".to_owned(), false)),
        Some(step) => step?,
    };
    if values.next().is_some() {
        return None;
    }
    let mut query = *Parser::new(&PostgreSqlDialect {})
        .try_with_sql(TEMPLATE)
        .and_then(|mut parser| parser.parse_query())
        .ok()?;
    let _ = query.visit(&mut Arguments { start, stop, step });
    if let SetExpr::Select(select) = query.body.as_mut()
        && let Some(SelectItem::ExprWithAlias { alias, .. }) = select.projection.first_mut()
    {
        *alias = column;
    }
    Some(query)
}

struct Series;

impl VisitorMut for Series {
    type Break = ();

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table {
            name,
            alias,
            args: Some(args),
            ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        let is_series = name.0.len() == 1
            && name.0[0]
                .as_ident()
                .is_some_and(|i| i.value.eq_ignore_ascii_case("generate_series"));
        if !is_series {
            return ControlFlow::Continue(());
        }
        let relation = alias
            .as_ref()
            .map_or_else(|| Ident::new("generate_series"), |a| a.name.clone());
        let column = alias
            .as_ref()
            .and_then(|a| a.columns.first())
            .map_or_else(|| relation.clone(), |c| c.name.clone());
        let Some(query) = series_query(&args.args, column) else {
            return ControlFlow::Continue(());
        };
        *factor = TableFactor::Derived {
            lateral: false,
            subquery: Box::new(query),
            alias: Some(TableAlias {
                explicit: true,
                name: relation,
                columns: Vec::new(),
                at: None,
            }),
            sample: None,
        };
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    if target.has_value_series() {
        let _ = statement.visit(&mut Series);
    }
}
