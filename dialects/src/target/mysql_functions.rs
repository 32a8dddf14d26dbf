//! PostgreSQL functions and JSON operators in MariaDB's spelling, with PostgreSQL's NULL rules:
//! `concat` skips NULLs (MariaDB's CONCAT returns NULL), `greatest`/`least` ignore NULLs
//! (MariaDB's return NULL), `string_agg` is `GROUP_CONCAT(.. SEPARATOR ..)`, `->>` answers SQL
//! NULL for a JSON null (MariaDB's `JSON_UNQUOTE` answers `'null'`).

use sqlparser::ast::{
    BinaryOperator, DateTimeField, DuplicateTreatment, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentClause, FunctionArguments, Value,
};

use crate::TranslateError;
use crate::passes::{call, case_when, function_name};

const NAME: &str = "MySQL";

/// Functions with no faithful MariaDB spelling.
const REFUSED: &[&str] = &[
    "generate_series",
    "age",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "to_char",
    "to_date",
    "to_timestamp",
    "regexp_replace",
    "regexp_matches",
    "unnest",
    "string_to_array",
    "array_to_string",
    "jsonb_set",
    "json_object_agg",
    "jsonb_object_agg",
];

fn refuse(construct: impl Into<String>) -> TranslateError {
    TranslateError::unsupported(construct, NAME)
}

fn plain_args(function: &Function) -> Option<Vec<Expr>> {
    let FunctionArguments::List(list) = &function.args else {
        return Some(Vec::new());
    };
    list.args
        .iter()
        .map(|arg| match arg {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr.clone()),
            _ => None,
        })
        .collect()
}

fn text(value: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(value.to_owned()))
}

fn number(value: u32) -> Expr {
    Expr::value(Value::Number(value.to_string(), false))
}

/// The MariaDB expression for a PostgreSQL function call, `None` when it is spelled alike.
pub(super) fn rewrite_function(function: &Function) -> Result<Option<Expr>, TranslateError> {
    let name = function_name(function);
    if REFUSED.contains(&name.as_str()) {
        return Err(refuse(format!("{name}()")));
    }
    if name == "string_agg" || name == "json_agg" || name == "jsonb_agg" {
        return aggregate(function, &name).map(Some);
    }
    if function.over.is_some() || function.filter.is_some() {
        return Ok(None);
    }
    let Some(args) = plain_args(function) else {
        return Ok(None);
    };
    Ok(Some(match (name.as_str(), args.len()) {
        // Microseconds, as PostgreSQL's timestamps have.
        ("now", 0) => call("NOW", vec![number(6)]),
        ("length" | "char_length" | "character_length", 1) => call("CHAR_LENGTH", args),
        ("strpos", 2) => call("LOCATE", args.into_iter().rev().collect()),
        ("concat", _) => call("CONCAT_WS", std::iter::once(text("")).chain(args).collect()),
        ("greatest" | "least", n) if n > 1 => {
            call(&name.to_ascii_uppercase(), ignoring_nulls(&args))
        }
        ("lpad" | "rpad", 2) => call(&name, args.into_iter().chain([text(" ")]).collect()),
        ("trunc", 1) => call("TRUNCATE", args.into_iter().chain([number(0)]).collect()),
        ("trunc", 2) => call("TRUNCATE", args),
        ("random", 0) => call("RAND", args),
        ("gen_random_uuid" | "uuid_generate_v4", 0) => call("UUID", args),
        ("json_build_object" | "jsonb_build_object", _) => call("JSON_OBJECT", args),
        ("date_trunc", 2) => date_trunc(&args[0], args[1].clone())?,
        ("split_part", 3) => call("pgbridge_split_part", args),
        // MariaDB's LOG(x) is the natural logarithm; PostgreSQL's is base 10.
        ("log", 1) => call("LOG10", args),
        // Booleans are 1/0: the smallest is false when any is, NULLs are skipped as in PostgreSQL.
        ("bool_and" | "every", 1) => call("MIN", args),
        ("bool_or", 1) => call("MAX", args),
        ("starts_with", 2) => starts_with(&args[0], &args[1]),
        // MariaDB's ENCODE / DECODE encrypt with a password.
        ("encode" | "decode", 2) => binary_text(&name, &args[0], &args[1])?,
        ("date_part", 2) => extract(&date_part_field(&args[0])?, &args[1])?,
        // The session's values, set on its connection when it opens (MariaDB's VERSION(),
        // USER() and DATABASE() would name MariaDB's server, account and database).
        ("version", 0) => call("pgbridge_version", args),
        ("current_user", 0) => call("pgbridge_current_user", args),
        ("current_database", 0) => call("pgbridge_current_database", args),
        ("current_schema", 0) => text("public"),
        _ => return Ok(None),
    }))
}

/// `starts_with(s, prefix)` as `LEFT(s, CHAR_LENGTH(prefix)) = prefix`, compared under the
/// session's binary collation as PostgreSQL compares.
fn starts_with(subject: &Expr, prefix: &Expr) -> Expr {
    Expr::Nested(Box::new(Expr::BinaryOp {
        left: Box::new(call(
            "LEFT",
            vec![subject.clone(), call("CHAR_LENGTH", vec![prefix.clone()])],
        )),
        op: BinaryOperator::Eq,
        right: Box::new(prefix.clone()),
    }))
}

/// `encode(bytes, 'hex' | 'base64')` and `decode(text, 'hex' | 'base64')`; the `escape` format
/// and a format that is not a literal are refused.
fn binary_text(name: &str, subject: &Expr, format: &Expr) -> Result<Expr, TranslateError> {
    let format = match format {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(format) => format.to_ascii_lowercase(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let subject = vec![subject.clone()];
    Ok(match (name, format.as_str()) {
        ("encode", "hex") => call("LOWER", vec![call("HEX", subject)]),
        ("encode", "base64") => call("TO_BASE64", subject),
        ("decode", "hex") => call("UNHEX", subject),
        ("decode", "base64") => call("FROM_BASE64", subject),
        _ => return Err(refuse(format!("{name}(.., '{format}')"))),
    })
}

/// `greatest(a, b, c)` as `GREATEST(COALESCE(a, b, c), COALESCE(b, a, c), COALESCE(c, a, b))`:
/// a NULL argument takes another's value, so NULLs are ignored unless all are NULL.
fn ignoring_nulls(args: &[Expr]) -> Vec<Expr> {
    (0..args.len())
        .map(|i| {
            let others = args
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, e)| e.clone());
            call(
                "COALESCE",
                std::iter::once(args[i].clone()).chain(others).collect(),
            )
        })
        .collect()
}

/// `date_trunc('unit', x)` for the units a `DATE_FORMAT` pattern can cut to.
fn date_trunc(unit: &Expr, subject: Expr) -> Result<Expr, TranslateError> {
    let unit = match unit {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(unit) => unit.to_ascii_lowercase(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let format = match unit.as_str() {
        "year" => "%Y-01-01",
        "month" => "%Y-%m-01",
        "day" => "%Y-%m-%d",
        "hour" => "%Y-%m-%d %H:00:00",
        "minute" => "%Y-%m-%d %H:%i:00",
        "second" => "%Y-%m-%d %H:%i:%s",
        _ => return Err(refuse(format!("date_trunc('{unit}', ..)"))),
    };
    Ok(Expr::Cast {
        kind: sqlparser::ast::CastKind::Cast,
        expr: Box::new(call("DATE_FORMAT", vec![subject, text(format)])),
        data_type: sqlparser::ast::DataType::Datetime(Some(6)),
        format: None,
    })
}

/// The field `date_part('field', x)` names.
fn date_part_field(field: &Expr) -> Result<DateTimeField, TranslateError> {
    let name = match field {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(name) => name.to_ascii_lowercase(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    Ok(match name.as_str() {
        "year" => DateTimeField::Year,
        "month" => DateTimeField::Month,
        "day" => DateTimeField::Day,
        "hour" => DateTimeField::Hour,
        "minute" => DateTimeField::Minute,
        "second" => DateTimeField::Second,
        "epoch" => DateTimeField::Epoch,
        "dow" => DateTimeField::Dow,
        "isodow" => DateTimeField::Isodow,
        "doy" => DateTimeField::Doy,
        "quarter" => DateTimeField::Quarter,
        _ => return Err(refuse(format!("date_part('{name}', ..)"))),
    })
}

/// `EXTRACT(field FROM x)` with PostgreSQL's numbering: seconds keep their fraction, `dow`
/// counts from Sunday = 0, `epoch` counts seconds (with fraction) since 1970 in UTC.
pub(super) fn extract(field: &DateTimeField, subject: &Expr) -> Result<Expr, TranslateError> {
    let native = |field: DateTimeField| Expr::Extract {
        field,
        syntax: sqlparser::ast::ExtractSyntax::From,
        expr: Box::new(subject.clone()),
    };
    let micro = || Value::Number("0.000001".to_owned(), false);
    let times_micro = |expr: Expr| Expr::BinaryOp {
        left: Box::new(expr),
        op: BinaryOperator::Multiply,
        right: Box::new(Expr::value(micro())),
    };
    let binary = |left: Expr, op: BinaryOperator, right: Expr| {
        Expr::Nested(Box::new(Expr::BinaryOp {
            left: Box::new(left),
            op,
            right: Box::new(right),
        }))
    };
    Ok(match field {
        DateTimeField::Year
        | DateTimeField::Month
        | DateTimeField::Day
        | DateTimeField::Hour
        | DateTimeField::Minute
        | DateTimeField::Quarter => native(field.clone()),
        DateTimeField::Second => binary(
            native(DateTimeField::Second),
            BinaryOperator::Plus,
            times_micro(native(DateTimeField::Microsecond)),
        ),
        DateTimeField::Dow => binary(
            call("DAYOFWEEK", vec![subject.clone()]),
            BinaryOperator::Minus,
            number(1),
        ),
        DateTimeField::Isodow => binary(
            call("WEEKDAY", vec![subject.clone()]),
            BinaryOperator::Plus,
            number(1),
        ),
        DateTimeField::Doy => call("DAYOFYEAR", vec![subject.clone()]),
        DateTimeField::Epoch => times_micro(call(
            "TIMESTAMPDIFF",
            vec![
                Expr::Identifier(sqlparser::ast::Ident::new("MICROSECOND")),
                text("1970-01-01"),
                subject.clone(),
            ],
        )),
        other => return Err(refuse(format!("EXTRACT({other} FROM ..)"))),
    })
}

/// `string_agg(x, ',' ORDER BY ..)` as `GROUP_CONCAT(x ORDER BY .. SEPARATOR ',')`, and
/// `json_agg(x)` as `JSON_ARRAYAGG(x)`.
fn aggregate(function: &Function, name: &str) -> Result<Expr, TranslateError> {
    let FunctionArguments::List(list) = &function.args else {
        return Err(refuse(format!("{name}()")));
    };
    if function.filter.is_some() || function.over.is_some() {
        return Err(refuse(format!("{name}() with FILTER or OVER")));
    }
    let mut rewritten = function.clone();
    let FunctionArguments::List(new_list) = &mut rewritten.args else {
        return Err(refuse(format!("{name}()")));
    };
    if name == "string_agg" {
        let [
            value,
            FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(separator))),
        ] = list.args.as_slice()
        else {
            return Err(refuse(
                "string_agg() with a separator that is not a literal",
            ));
        };
        new_list.args = vec![value.clone()];
        new_list
            .clauses
            .push(FunctionArgumentClause::Separator(separator.clone()));
        rewritten.name =
            sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new("GROUP_CONCAT")]);
    } else {
        if matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct)) {
            return Err(refuse(format!("{name}(DISTINCT ..)")));
        }
        rewritten.name =
            sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new("JSON_ARRAYAGG")]);
    }
    Ok(Expr::Function(rewritten))
}

/// The JSON path of a `->` key: `'k'` is `$."k"`, an integer is `$[n]`.
fn json_path(key: &Expr) -> Option<String> {
    let Expr::Value(value) = key else { return None };
    match &value.value {
        Value::SingleQuotedString(k) => Some(format!("$.\"{}\"", k.replace('"', "\\\""))),
        Value::Number(n, _) if n.parse::<u32>().is_ok() => Some(format!("$[{n}]")),
        _ => None,
    }
}

/// The JSON path of a `#>` path literal `'{a,b}'`; array positions are refused (PostgreSQL
/// reads `0` as a key or an index depending on the value).
fn json_path_array(path: &Expr) -> Option<String> {
    let Expr::Value(value) = path else {
        return None;
    };
    let Value::SingleQuotedString(text) = &value.value else {
        return None;
    };
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = "$".to_owned();
    for part in inner.split(',') {
        let part = part.trim().trim_matches('"');
        if part.is_empty() || part.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return None;
        }
        out.push_str(&format!(".\"{}\"", part.replace('"', "\\\"")));
    }
    Some(out)
}

/// `->`, `->>`, `#>`, `#>>` as `JSON_EXTRACT` / `JSON_UNQUOTE` (MariaDB has no JSON operators;
/// MySQL 8's `->` takes a path, not a key).
pub(super) fn rewrite_json_operator(
    left: &Expr,
    operator: &BinaryOperator,
    right: &Expr,
) -> Result<Option<Expr>, TranslateError> {
    let (path, as_text) = match operator {
        BinaryOperator::Arrow => (json_path(right), false),
        BinaryOperator::LongArrow => (json_path(right), true),
        BinaryOperator::HashArrow => (json_path_array(right), false),
        BinaryOperator::HashLongArrow => (json_path_array(right), true),
        _ => return Ok(None),
    };
    let path =
        path.ok_or_else(|| refuse(format!("{operator} with a key that is not a literal")))?;
    let extracted = call("JSON_EXTRACT", vec![left.clone(), text(&path)]);
    if !as_text {
        return Ok(Some(extracted));
    }
    let is_json_null = Expr::BinaryOp {
        left: Box::new(call("JSON_TYPE", vec![extracted.clone()])),
        op: BinaryOperator::Eq,
        right: Box::new(text("NULL")),
    };
    Ok(Some(case_when(
        is_json_null,
        Expr::value(Value::Null),
        call("JSON_UNQUOTE", vec![extracted]),
    )))
}
