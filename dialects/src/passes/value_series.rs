//! `FROM generate_series(start, stop [, step])` over integers, on a target whose
//! `generate_series` is a table-valued function with one `value` column (SQLite's series
//! module) but not PostgreSQL's: there a negative step counts down from `start`, and the
//! function's alias names its column (`AS s(i)`, `AS n`). The call becomes
//! `(SELECT start + step * value AS column FROM generate_series(0, count - 1)) AS alias`,
//! where the count is computed with PostgreSQL's rules (none when the step points away from
//! `stop`), so the rows are PostgreSQL's in either direction.
//!
//! A series of dates or timestamps (an interval step, or a date or timestamp literal bound)
//! cannot be counted up front: PostgreSQL adds the step again and again, so a month from
//! January 31 is February 29 and then March 29. It becomes a recursive query that does the
//! same, each addition typed by inference like any other; a zero step raises 22023 through the
//! target's raise function, and is refused on a target without one (it would never end).

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

/// The replacement over dates and timestamps: PostgreSQL's loop, one addition at a time. The
/// outer filter drops the start when it is already past `stop`. `series_value` stands for the
/// recursive column cast to the series' type, which inference does not follow into a
/// recursive query in FROM.
const DATETIME_TEMPLATE: &str = "WITH RECURSIVE pgbridge_series (pgbridge_value) AS \
     (SELECT series_start UNION ALL \
      SELECT series_value + series_step FROM pgbridge_series \
      WHERE series_step <> INTERVAL '0 seconds' AND \
            CASE WHEN series_step > INTERVAL '0 seconds' \
            THEN series_value + series_step <= series_stop \
            ELSE series_value + series_step >= series_stop END) \
     SELECT series_value AS generate_series FROM pgbridge_series \
     WHERE series_step IS NOT NULL AND CASE WHEN series_step = INTERVAL '0 seconds' \
           THEN series_raise('22023', 'step size cannot equal zero') = 1 \
           WHEN series_step > INTERVAL '0 seconds' THEN series_value <= series_stop \
           ELSE series_value >= series_stop END";

/// True when `expr` is written as a date, timestamp or interval (`DATE '..'`, `x::timestamp`,
/// `INTERVAL '1 day'`, `now()`): the series it bounds or steps is one of dates or times.
fn is_datetime(expr: &Expr) -> bool {
    use crate::PgType::{Date, Interval, Timestamp, Timestamptz};
    let datetime = |data_type: &sqlparser::ast::DataType| {
        matches!(
            crate::PgType::from_data_type(data_type),
            Some(Date | Timestamp | Timestamptz | Interval)
        )
    };
    match expr {
        Expr::Interval(_) => true,
        Expr::TypedString(typed) => datetime(&typed.data_type),
        Expr::Cast { data_type, .. } => datetime(data_type),
        Expr::Nested(inner) => is_datetime(inner),
        Expr::Function(function) => matches!(
            super::function_name(function).as_str(),
            "now" | "current_timestamp" | "localtimestamp" | "current_date" | "date_trunc"
        ),
        // A date minus a date is a number of days.
        Expr::BinaryOp {
            left,
            op: sqlparser::ast::BinaryOperator::Minus,
            right,
        } if is_date(left) && is_date(right) => false,
        Expr::BinaryOp { left, right, .. } => is_datetime(left) || is_datetime(right),
        _ => false,
    }
}

/// True when `expr` is a `DATE` literal or cast.
fn is_date(expr: &Expr) -> bool {
    match expr {
        Expr::TypedString(typed) => {
            crate::PgType::from_data_type(&typed.data_type) == Some(crate::PgType::Date)
        }
        Expr::Cast { data_type, .. } => {
            crate::PgType::from_data_type(data_type) == Some(crate::PgType::Date)
        }
        Expr::Nested(inner) => is_date(inner),
        _ => false,
    }
}

/// True when the series stepped by `step` from `start` to `stop` is one of dates or times:
/// PostgreSQL has no such series without a step, and a number steps integers; an interval
/// step, or a step whose type the bounds tell (`'1 day'`, `$3`), steps dates or times.
fn is_datetime_series(start: &Expr, stop: &Expr, step: Option<&Expr>) -> bool {
    let is_number = |expr: &Expr| match expr {
        Expr::Value(value) => matches!(value.value, Value::Number(..)),
        Expr::UnaryOp { expr, .. } => {
            matches!(expr.as_ref(), Expr::Value(value) if matches!(value.value, Value::Number(..)))
        }
        _ => false,
    };
    match step {
        None => false,
        Some(step) if is_number(step) => false,
        Some(step) => is_datetime(step) || is_datetime(start) || is_datetime(stop),
    }
}

/// The type a series from `start` has, where the text of `start` tells: a timestamp literal or
/// cast, `now()` and its kin, or a date (read as `timestamptz`), plus or minus an interval.
fn start_type(start: &Expr) -> Option<sqlparser::ast::DataType> {
    use sqlparser::ast::{DataType, TimezoneInfo};
    let with_zone = DataType::Timestamp(None, TimezoneInfo::WithTimeZone);
    let written = |data_type: &DataType| match crate::PgType::from_data_type(data_type)? {
        crate::PgType::Date | crate::PgType::Timestamptz => Some(with_zone.clone()),
        crate::PgType::Timestamp => Some(DataType::Timestamp(None, TimezoneInfo::None)),
        _ => None,
    };
    match start {
        Expr::TypedString(typed) => written(&typed.data_type),
        Expr::Cast { data_type, .. } => written(data_type),
        Expr::Nested(inner) => start_type(inner),
        Expr::BinaryOp { left, .. } => start_type(left),
        Expr::Function(function) => match super::function_name(function).as_str() {
            "now" | "current_timestamp" | "current_date" => Some(with_zone),
            "localtimestamp" => Some(DataType::Timestamp(None, TimezoneInfo::None)),
            _ => None,
        },
        _ => None,
    }
}

/// A `DATE` literal bound as the `timestamptz` PostgreSQL reads it as in `generate_series`.
fn as_timestamp(expr: Expr) -> Expr {
    if !is_date(&expr) {
        return expr;
    }
    cast(
        expr,
        sqlparser::ast::DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::WithTimeZone),
    )
}

/// `expr::data_type`.
fn cast(expr: Expr, data_type: sqlparser::ast::DataType) -> Expr {
    Expr::Cast {
        kind: sqlparser::ast::CastKind::DoubleColon,
        expr: Box::new(expr),
        data_type,
        format: None,
    }
}

/// A quoted step (`'1 day'`) as the interval PostgreSQL reads it as.
fn as_interval(step: Expr) -> Expr {
    match &step {
        Expr::Value(value) if matches!(value.value, Value::SingleQuotedString(_)) => cast(
            step,
            sqlparser::ast::DataType::Interval {
                fields: None,
                precision: None,
            },
        ),
        _ => step,
    }
}

struct Arguments {
    start: Expr,
    stop: Expr,
    step: Expr,
    /// `pgbridge_value::type`, for a series of dates or times.
    value: Option<Expr>,
}

impl VisitorMut for Arguments {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(ident) = expr {
            let argument = match ident.value.as_str() {
                "series_start" => &self.start,
                "series_stop" => &self.stop,
                "series_step" => &self.step,
                "series_value" => match &self.value {
                    Some(value) => value,
                    None => return ControlFlow::Continue(()),
                },
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

/// The subquery that lists the series of `args`, its column named `column`; `raise` is the
/// target's raise function.
fn series_query(args: &[FunctionArg], column: Ident, raise: Option<&str>) -> Option<Query> {
    let mut values = args.iter().map(argument);
    let start = values.next()??;
    let stop = values.next()??;
    let written_step = match values.next() {
        None => None,
        Some(step) => Some(step?),
    };
    if values.next().is_some() {
        return None;
    }
    let datetime = is_datetime_series(&start, &stop, written_step.as_ref());
    let step = written_step.unwrap_or_else(|| Expr::value(Value::Number("1".to_owned(), false)));
    let (template, value) = match (datetime, raise) {
        (false, _) => (TEMPLATE.to_owned(), None),
        // Left as written where the type is not told or no zero step could be refused: the
        // target then refuses the call.
        (true, None) => return None,
        (true, Some(raise)) => {
            let value = cast(
                Expr::Identifier(Ident::new("pgbridge_value")),
                start_type(&start)?,
            );
            (
                DATETIME_TEMPLATE.replace("series_raise", raise),
                Some(value),
            )
        }
    };
    let (start, stop, step) = if datetime {
        (as_timestamp(start), as_timestamp(stop), as_interval(step))
    } else {
        (start, stop, step)
    };
    let mut query = *Parser::new(&PostgreSqlDialect {})
        .try_with_sql(&template)
        .and_then(|mut parser| parser.parse_query())
        .ok()?;
    let _ = query.visit(&mut Arguments {
        start,
        stop,
        step,
        value,
    });
    if let SetExpr::Select(select) = query.body.as_mut()
        && let Some(SelectItem::ExprWithAlias { alias, .. }) = select.projection.first_mut()
    {
        *alias = column;
    }
    Some(query)
}

struct Series {
    raise: Option<&'static str>,
}

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
        let Some(query) = series_query(&args.args, column, self.raise) else {
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
        let _ = statement.visit(&mut Series {
            raise: target.raise_function(),
        });
    }
}
