//! PostgreSQL functions spelled in T-SQL (SQL Server 2019: no `GREATEST`, `LEAST`,
//! `DATETRUNC`, `GENERATE_SERIES` or two-argument `LTRIM`, which came with 2022).
//!
//! What each rewrite relies on:
//! - `LEN` ignores trailing spaces, so `length(x)` is `LEN(x + N'x') - 1`; NULL stays NULL.
//! - `SUBSTRING` needs a length: `substr(x, a)` asks for `LEN(x + N'x') + ABS(a)` characters,
//!   enough to reach the end from any start, and T-SQL counts a start below 1 as PostgreSQL does.
//! - `strpos(b, a)` / `position(a IN b)` is `CHARINDEX(a, b)` (0 when absent, as PostgreSQL);
//!   an empty needle finds 0 on SQL Server and 1 on PostgreSQL.
//! - `greatest` / `least` skip NULLs in PostgreSQL, as `MAX` / `MIN` do over a `VALUES` list.
//! - `trunc(x, n)` is `ROUND(x, n, 1)` (the third argument truncates); `ceil` is `CEILING`.
//! - `log(x)` is base 10 (`LOG10`), `ln` is `LOG`, `log(b, x)` is `LOG(x, b)`.
//! - `date_part` / `extract`: `DATEPART` with PostgreSQL's numbering for the day of week
//!   (`(DATEPART(weekday, x) + @@DATEFIRST - 1) % 7` is 0 on Sunday whatever `DATEFIRST` is),
//!   `iso_week` for `week`, and seconds with their fraction.
//! - `version()`, `current_user` (and `session_user`, `user`) and `current_database()` read the
//!   session's values from the connection's `#pgbridge_session` table (`SESSION_TABLE` in
//!   `mod.rs`), which the adapter fills whenever a pooled connection passes to another session;
//!   `current_schema()` is `public`, the one schema pgbridge shows.

use sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArguments, Ident, SetExpr, TableFactor, Value,
};

use crate::TranslateError;
use crate::passes::{call, function_name};

const NAME: &str = "SQL Server";

/// Functions refused, with the reason a faithful spelling is out of reach.
const REFUSED: &[&str] = &[
    "age",
    "array_agg",
    "date_trunc",
    "generate_series",
    "json_agg",
    "json_build_object",
    "jsonb_build_object",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "lpad",
    "octet_length",
    "random",
    "regexp_replace",
    "regexp_matches",
    "rpad",
    "split_part",
    "to_char",
    "unnest",
];

/// The T-SQL spelling of `name(args)`, or `None` to call it as written.
pub(super) fn call_for(name: &str, args: &[Expr]) -> Result<Option<Expr>, TranslateError> {
    let args = args.to_vec();
    let refused = || {
        Err(TranslateError::unsupported(
            format!("function {name}"),
            NAME,
        ))
    };
    Ok(Some(match (name, args.as_slice()) {
        _ if REFUSED.contains(&name) => return refused(),
        ("length" | "char_length" | "character_length", [text]) => length(text.clone()),
        ("substr" | "substring", [text, start]) => {
            let reach = plus(
                length_with_sentinel(text.clone()),
                call("ABS", vec![start.clone()]),
            );
            call("SUBSTRING", vec![text.clone(), start.clone(), reach])
        }
        ("substr" | "substring", [text, start, count]) => call(
            "SUBSTRING",
            vec![text.clone(), start.clone(), count.clone()],
        ),
        ("strpos", [haystack, needle]) => call("CHARINDEX", vec![needle.clone(), haystack.clone()]),
        ("ltrim" | "rtrim" | "btrim", [_, _]) => return refused(),
        ("btrim", [text]) => call("TRIM", vec![text.clone()]),
        ("greatest", _) => extreme("MAX", args),
        ("least", _) => extreme("MIN", args),
        ("gen_random_uuid" | "uuid_generate_v4", []) => call("NEWID", vec![]),
        ("bool_and" | "every", [x]) => bit_aggregate("MIN", x.clone()),
        ("bool_or", [x]) => bit_aggregate("MAX", x.clone()),
        ("ceil" | "ceiling", [x]) => call("CEILING", vec![x.clone()]),
        ("trunc", [x]) => call("ROUND", vec![x.clone(), number("0"), number("1")]),
        ("trunc", [x, places]) => call("ROUND", vec![x.clone(), places.clone(), number("1")]),
        ("round", [x]) => call("ROUND", vec![x.clone(), number("0")]),
        ("mod", [a, b]) => Expr::Nested(Box::new(binary(
            a.clone(),
            BinaryOperator::Modulo,
            b.clone(),
        ))),
        ("ln", [x]) => call("LOG", vec![x.clone()]),
        ("log", [x]) => call("LOG10", vec![x.clone()]),
        ("log", [base, x]) => call("LOG", vec![x.clone(), base.clone()]),
        ("current_date", []) => Expr::Cast {
            kind: sqlparser::ast::CastKind::Cast,
            expr: Box::new(call("GETDATE", vec![])),
            data_type: super::named("DATE", &[]),
            format: None,
        },
        ("date_part", [field, source]) => return date_part(field, source.clone()),
        _ => return Ok(None),
    }))
}

/// `CAST(MIN(CASE WHEN x = 1 THEN 1 WHEN x = 0 THEN 0 END) AS boolean)`: T-SQL has no `MIN` /
/// `MAX` over `BIT`; over 0/1 they are `bool_and` / `bool_or`, NULLs skipped as PostgreSQL
/// does. The cast is PostgreSQL's, translated by the casts pass (to `BIT`).
fn bit_aggregate(aggregate: &str, value: Expr) -> Expr {
    let is = |bit: &str| binary(value.clone(), BinaryOperator::Eq, number(bit));
    let as_number = Expr::Case {
        case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        operand: None,
        conditions: vec![
            sqlparser::ast::CaseWhen {
                condition: is("1"),
                result: number("1"),
            },
            sqlparser::ast::CaseWhen {
                condition: is("0"),
                result: number("0"),
            },
        ],
        else_result: None,
    };
    Expr::Cast {
        kind: sqlparser::ast::CastKind::Cast,
        expr: Box::new(call(aggregate, vec![as_number])),
        data_type: sqlparser::ast::DataType::Boolean,
        format: None,
    }
}

/// `LEN(x + N'x')`: the length of `x` plus one, trailing spaces counted.
fn length_with_sentinel(text: Expr) -> Expr {
    let sentinel = Expr::value(Value::NationalStringLiteral("x".to_owned()));
    call("LEN", vec![binary(text, BinaryOperator::Plus, sentinel)])
}

fn length(text: Expr) -> Expr {
    Expr::Nested(Box::new(binary(
        length_with_sentinel(text),
        BinaryOperator::Minus,
        number("1"),
    )))
}

/// `(SELECT MAX(v) FROM (VALUES (a), (b)) AS extreme(v))`: the largest non-NULL argument.
/// The arguments go into the parsed template as nodes, never as text.
fn extreme(aggregate: &str, args: Vec<Expr>) -> Expr {
    let template = format!("(SELECT {aggregate}(v) FROM (VALUES (1)) AS extreme (v))");
    let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::GenericDialect {})
        .try_with_sql(&template)
        .and_then(|mut parser| parser.parse_expr());
    let Ok(mut expr) = parsed else {
        unreachable!("the template parses");
    };
    if let Expr::Subquery(query) = &mut expr
        && let SetExpr::Select(select) = query.body.as_mut()
        && let Some(TableFactor::Derived { subquery, .. }) =
            select.from.first_mut().map(|table| &mut table.relation)
        && let SetExpr::Values(values) = subquery.body.as_mut()
        && let Some(row) = values.rows.first().cloned()
    {
        values.rows = args
            .into_iter()
            .map(|arg| {
                let mut next = row.clone();
                next.content = vec![arg];
                next
            })
            .collect();
    }
    expr
}

/// The session functions (called by now: the functions pass made `current_user` and
/// `current_catalog` calls), or `None` for any other function.
pub(super) fn session_function(function: &Function) -> Option<Expr> {
    let no_arguments = match &function.args {
        FunctionArguments::None => true,
        FunctionArguments::List(list) => list.args.is_empty(),
        FunctionArguments::Subquery(_) => false,
    };
    if !no_arguments || function.over.is_some() {
        return None;
    }
    Some(match function_name(function).as_str() {
        "version" => session_value(super::SessionValue::Version),
        "current_user" => session_value(super::SessionValue::User),
        "current_database" => session_value(super::SessionValue::Database),
        "current_schema" => Expr::value(Value::NationalStringLiteral("public".to_owned())),
        _ => return None,
    })
}

/// `(SELECT pg_version FROM #pgbridge_session)`: one of the session's values, as the adapter
/// set them on the connection.
fn session_value(value: super::SessionValue) -> Expr {
    let template = format!("(SELECT {} FROM {})", value.column(), super::SESSION_TABLE);
    let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::MsSqlDialect {})
        .try_with_sql(&template)
        .and_then(|mut parser| parser.parse_expr());
    let Ok(expr) = parsed else {
        unreachable!("the template parses");
    };
    expr
}

/// `DATEPART` for a `date_part('field', x)` whose field is a literal.
fn date_part(field: &Expr, source: Expr) -> Result<Option<Expr>, TranslateError> {
    let Expr::Value(value) = field else {
        return Err(TranslateError::unsupported(
            "date_part with a computed field",
            NAME,
        ));
    };
    let field = match &value.value {
        Value::SingleQuotedString(text) | Value::NationalStringLiteral(text) => {
            text.to_ascii_lowercase()
        }
        _ => {
            return Err(TranslateError::unsupported(
                "date_part with a computed field",
                NAME,
            ));
        }
    };
    let part = |name: &str| {
        call(
            "DATEPART",
            vec![Expr::Identifier(Ident::new(name)), source.clone()],
        )
    };
    Ok(Some(match field.as_str() {
        "year" | "quarter" | "month" | "day" | "hour" | "minute" => part(&field),
        "doy" => part("dayofyear"),
        "week" => part("iso_week"),
        "second" => Expr::Nested(Box::new(binary(
            part("second"),
            BinaryOperator::Plus,
            binary(
                part("microsecond"),
                BinaryOperator::Divide,
                number("1000000.0"),
            ),
        ))),
        "dow" => {
            let shifted = binary(
                binary(
                    part("weekday"),
                    BinaryOperator::Plus,
                    Expr::Identifier(Ident::new("@@DATEFIRST")),
                ),
                BinaryOperator::Minus,
                number("1"),
            );
            Expr::Nested(Box::new(binary(
                Expr::Nested(Box::new(shifted)),
                BinaryOperator::Modulo,
                number("7"),
            )))
        }
        other => {
            return Err(TranslateError::unsupported(
                format!("date_part('{other}', ..)"),
                NAME,
            ));
        }
    }))
}

fn binary(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(left),
        op,
        right: Box::new(right),
    }
}

fn plus(left: Expr, right: Expr) -> Expr {
    binary(left, BinaryOperator::Plus, right)
}

fn number(text: &str) -> Expr {
    Expr::value(Value::Number(text.to_owned(), false))
}
