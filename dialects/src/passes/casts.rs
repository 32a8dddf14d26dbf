//! `x::type`, `CAST(x AS type)` and `type 'literal'` with PostgreSQL's conversion rules: a cast
//! becomes the target's cast function where the target's own `CAST` differs, otherwise a
//! standard `CAST` to the target's type. A cast to `varchar(n)` / `char(n)` also cuts the text to
//! `n` characters, as PostgreSQL's explicit casts do; one to `numeric(p, s)` gives the target's
//! numeric cast function the precision and scale too. Intervals are refused on a target that
//! cannot compute with them.

use std::ops::ControlFlow;

use sqlparser::ast::{
    CastKind, CharacterLength, DataType, Expr, Statement, Value, VisitMut, VisitorMut,
};

use super::{call, finish};
use crate::{PgType, TargetDialect, TranslateError};

struct Casts<'a> {
    target: &'a dyn TargetDialect,
}

impl Casts<'_> {
    fn rewrite(&self, operand: Expr, data_type: &DataType) -> Result<Expr, TranslateError> {
        let pg_type = PgType::from_data_type(data_type).ok_or_else(|| {
            TranslateError::unsupported(format!("cast to {data_type}"), self.target.name())
        })?;
        if pg_type == PgType::Interval && !self.target.supports_intervals() {
            return Err(TranslateError::unsupported("interval", self.target.name()));
        }
        if pg_type == PgType::Bytea
            && let Some(literal) = bytea_literal(&operand, self.target)?
        {
            return Ok(literal);
        }
        let mut operand = operand;
        if pg_type == PgType::Timestamptz
            && let Expr::Value(value) = &mut operand
            && let Value::SingleQuotedString(text) | Value::NationalStringLiteral(text) =
                &mut value.value
            && let Some(written) = self.target.timestamptz_literal(text)
        {
            *text = written;
        }
        if let Some(function) = self.target.cast_function(pg_type) {
            let modifier = crate::schema::type_modifier(data_type);
            let mut arguments = vec![operand];
            // `numeric(p, s)`: rounded to `s` digits and checked against `p`.
            if let Some((precision, scale)) =
                crate::schema::numeric_precision_scale(pg_type, modifier)
            {
                arguments.extend([precision, scale].map(|n| number(u64::from(n))));
            }
            return Ok(call(function, arguments));
        }
        let operand = if pg_type.is_integer() && !self.target.cast_to_integer_rounds() {
            round_unless_exact(operand)
        } else {
            operand
        };
        let cast = Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(operand),
            data_type: self.target.cast_type(data_type)?,
            format: None,
        };
        let cuts = self.target.cast_keeps_long_text();
        Ok(match character_length(data_type).filter(|_| cuts) {
            Some(length) => call("substr", vec![cast, number(1), number(length)]),
            None => cast,
        })
    }
}

impl VisitorMut for Casts<'_> {
    type Break = TranslateError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        let rewritten = match expr {
            Expr::Cast {
                expr: operand,
                data_type,
                ..
            } => {
                let operand = std::mem::replace(operand.as_mut(), Expr::value(Value::Null));
                self.rewrite(operand, data_type)
            }
            Expr::Interval(_) if !self.target.supports_intervals() => {
                Err(TranslateError::unsupported("interval", self.target.name()))
            }
            Expr::Interval(interval) => match interval_text(interval) {
                Some(text) => {
                    let literal = Expr::value(Value::SingleQuotedString(text));
                    self.rewrite(
                        literal,
                        &DataType::Interval {
                            fields: None,
                            precision: None,
                        },
                    )
                }
                None => Err(TranslateError::unsupported(
                    format!("interval literal {interval}"),
                    self.target.name(),
                )),
            },
            Expr::TypedString(typed) => {
                let operand = Expr::Value(typed.value.clone());
                self.rewrite(operand, &typed.data_type)
            }
            _ => return ControlFlow::Continue(()),
        };
        match rewritten {
            Ok(new_expr) => {
                *expr = new_expr;
                ControlFlow::Continue(())
            }
            Err(error) => ControlFlow::Break(error),
        }
    }
}

/// The text of `INTERVAL '1 day'` or `INTERVAL '3' HOUR`, as interval input reads it; `None`
/// for forms with a precision or a range of fields (`'1-2' YEAR TO MONTH`).
fn interval_text(interval: &sqlparser::ast::Interval) -> Option<String> {
    let Expr::Value(value) = interval.value.as_ref() else {
        return None;
    };
    let Value::SingleQuotedString(text) = &value.value else {
        return None;
    };
    if interval.last_field.is_some()
        || interval.leading_precision.is_some()
        || interval.fractional_seconds_precision.is_some()
    {
        return None;
    }
    Some(match &interval.leading_field {
        None => text.clone(),
        Some(field) => format!("{text} {field}"),
    })
}

/// A text literal read as bytea, as PostgreSQL reads it, written as the target's binary literal:
/// `'\x0a1b'` is the bytes 0a 1b, text without backslashes is its own UTF-8 bytes. Other
/// backslash escapes (the `escape` format) are refused; bad hex is refused as PostgreSQL fails.
/// `None` where the operand is not a text literal or the target keeps its cast.
fn bytea_literal(
    operand: &Expr,
    target: &dyn TargetDialect,
) -> Result<Option<Expr>, TranslateError> {
    let Some(text) = literal_text(operand) else {
        return Ok(None);
    };
    let hex = match text.strip_prefix("\\x") {
        None if !text.contains('\\') => text.bytes().map(|byte| format!("{byte:02x}")).collect(),
        Some(hex) if hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            hex.to_ascii_lowercase()
        }
        // A target without binary literals keeps its cast, whatever the text.
        _ if target.binary_literal("").is_none() => return Ok(None),
        _ => {
            return Err(TranslateError::unsupported(
                "bytea literal in escape format or with bad hex digits",
                target.name(),
            ));
        }
    };
    Ok(target.binary_literal(&hex).map(Expr::value))
}

/// The text of a string literal.
fn literal_text(operand: &Expr) -> Option<&str> {
    let Expr::Value(value) = operand else {
        return None;
    };
    match &value.value {
        Value::SingleQuotedString(text) | Value::NationalStringLiteral(text) => Some(text),
        _ => None,
    }
}

/// The length an explicit cast cuts character strings to: `varchar(n)` and `char(n)` keep `n`
/// characters, a bare `char` keeps one.
fn character_length(data_type: &DataType) -> Option<u64> {
    let length = match data_type {
        DataType::Varchar(length)
        | DataType::CharacterVarying(length)
        | DataType::CharVarying(length) => length.as_ref(),
        DataType::Char(None) | DataType::Character(None) => return Some(1),
        DataType::Char(length) | DataType::Character(length) => length.as_ref(),
        _ => None,
    };
    match length {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        _ => None,
    }
}

/// `ROUND(x, 0)`, so that the target's truncating integer cast rounds as PostgreSQL does
/// (halves away from zero, as for numeric). Integer literals, text literals and parameters are
/// left alone: they need no rounding, and the target reads `'1.5'` as an error as PostgreSQL does.
fn round_unless_exact(operand: Expr) -> Expr {
    let exact = match &operand {
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => !text.contains(['.', 'e', 'E']),
            _ => true,
        },
        _ => false,
    };
    if exact {
        operand
    } else {
        call("ROUND", vec![operand, number(0)])
    }
}

fn number(value: u64) -> Expr {
    Expr::value(Value::Number(value.to_string(), false))
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    finish(statement.visit(&mut Casts { target }))
}
