//! PostgreSQL built-in functions that SQLite lacks, registered on every connection under their
//! PostgreSQL names, with PostgreSQL's argument rules: strict (NULL in, NULL out) unless
//! PostgreSQL says otherwise (`greatest`/`least` skip NULLs, `concat_ws`-like helpers), string
//! positions in characters, `mod` by zero raising 22012.
//!
//! Each one is a few lines over the Rust standard library; no SQLite extension offers these with
//! PostgreSQL's semantics (SQLite's own `ceil`, `trunc`, `left` are absent from the bundled build
//! or differ on negative arguments).

use std::cmp::Ordering;

use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

use super::functions::sql_error;

pub(super) type Scalar = fn(&Context<'_>) -> rusqlite::Result<SqliteValue>;

/// (name, argument count or -1 for any, implementation), all strict and deterministic.
const SCALARS: &[(&str, i32, Scalar)] = &[
    ("char_length", 1, char_length),
    ("character_length", 1, char_length),
    ("lpad", 2, pad_left),
    ("lpad", 3, pad_left),
    ("rpad", 2, pad_right),
    ("rpad", 3, pad_right),
    ("left", 2, left),
    ("right", 2, right),
    ("strpos", 2, strpos),
    ("split_part", 3, split_part),
    ("initcap", 1, initcap),
    ("translate", 3, translate),
    ("ascii", 1, ascii),
    ("chr", 1, chr),
    ("starts_with", 2, starts_with),
    ("btrim", 1, btrim),
    ("btrim", 2, btrim),
    ("reverse", 1, reverse),
    ("repeat", 2, repeat),
    ("mod", 2, modulo),
    ("pgbridge_xor", 2, xor),
    ("trunc", 1, trunc),
    ("trunc", 2, trunc),
    ("ceil", 1, ceil),
    ("ceiling", 1, ceil),
    ("floor", 1, floor),
    ("sign", 1, sign),
    ("sqrt", 1, sqrt),
    ("power", 2, power),
    ("pow", 2, power),
    ("exp", 1, exp),
    ("ln", 1, ln),
    ("log", 1, log10),
    ("log", 2, log_base),
    ("log10", 1, log10),
    ("degrees", 1, degrees),
    ("radians", 1, radians),
    ("div", 2, div),
    ("pi", 0, pi),
];

/// Registers `scalars` on `connection`, strict (NULL in, NULL out) and deterministic.
pub(super) fn register_strict(
    connection: &Connection,
    scalars: &[(&str, i32, Scalar)],
) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    for (name, arguments, function) in scalars {
        let function = *function;
        connection.create_scalar_function(*name, *arguments, flags, move |ctx| {
            if (0..ctx.len()).any(|i| matches!(ctx.get_raw(i), ValueRef::Null)) {
                return Ok(SqliteValue::Null);
            }
            function(ctx)
        })?;
    }
    Ok(())
}

/// Registers the functions of this module on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    register_strict(connection, SCALARS)?;
    connection
        .create_scalar_function("greatest", -1, flags, |ctx| extreme(ctx, Ordering::Greater))?;
    connection.create_scalar_function("least", -1, flags, |ctx| extreme(ctx, Ordering::Less))?;
    for (name, all) in [("bool_and", true), ("every", true), ("bool_or", false)] {
        connection.create_aggregate_function(name, 1, flags, BooleanAggregate { all })?;
    }
    for (name, kind) in [
        ("stddev", Spread::SampleDeviation),
        ("stddev_samp", Spread::SampleDeviation),
        ("stddev_pop", Spread::PopulationDeviation),
        ("variance", Spread::SampleVariance),
        ("var_samp", Spread::SampleVariance),
        ("var_pop", Spread::PopulationVariance),
    ] {
        connection.create_aggregate_function(name, 1, flags, SpreadAggregate { kind })?;
    }
    Ok(())
}

pub(super) fn text(ctx: &Context<'_>, index: usize) -> rusqlite::Result<String> {
    Ok(match ctx.get_raw(index) {
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Null => String::new(),
    })
}

pub(super) fn integer(ctx: &Context<'_>, index: usize) -> rusqlite::Result<i64> {
    match ctx.get_raw(index) {
        ValueRef::Integer(i) => Ok(i),
        // PostgreSQL rounds a numeric argument to the nearest integer.
        ValueRef::Real(r) if r.abs() < 9.0e18 => {
            Ok(format!("{:.0}", r.round()).parse().unwrap_or(0))
        }
        other => parse_text(other, "integer"),
    }
}

pub(super) fn real(ctx: &Context<'_>, index: usize) -> rusqlite::Result<f64> {
    match ctx.get_raw(index) {
        ValueRef::Integer(i) => Ok(i as f64),
        ValueRef::Real(r) => Ok(r),
        other => parse_text(other, "double precision"),
    }
}

/// A text argument read as a number, with PostgreSQL's error when it is not one.
fn parse_text<T: std::str::FromStr>(value: ValueRef<'_>, type_name: &str) -> rusqlite::Result<T> {
    let text = match value {
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => String::new(),
    };
    text.trim().parse().map_err(|_| {
        sql_error(
            "22P02",
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    })
}

/// A count from a PostgreSQL integer argument, negative counting as zero.
fn count(ctx: &Context<'_>, index: usize) -> rusqlite::Result<usize> {
    Ok(usize::try_from(integer(ctx, index)?.max(0)).unwrap_or(usize::MAX))
}

fn char_length(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let length = text(ctx, 0)?.chars().count();
    Ok(SqliteValue::Integer(
        i64::try_from(length).unwrap_or(i64::MAX),
    ))
}

fn pad(ctx: &Context<'_>, on_left: bool) -> rusqlite::Result<SqliteValue> {
    let value: Vec<char> = text(ctx, 0)?.chars().collect();
    let length = count(ctx, 1)?;
    let fill: Vec<char> = if ctx.len() > 2 {
        text(ctx, 2)?.chars().collect()
    } else {
        vec![' ']
    };
    if value.len() >= length || fill.is_empty() {
        return Ok(SqliteValue::Text(value.iter().take(length).collect()));
    }
    let padding: String = fill.iter().cycle().take(length - value.len()).collect();
    let value: String = value.into_iter().collect();
    Ok(SqliteValue::Text(if on_left {
        padding + &value
    } else {
        value + &padding
    }))
}

fn pad_left(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    pad(ctx, true)
}

fn pad_right(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    pad(ctx, false)
}

/// `left(s, n)`: the first n characters, or all but the last |n| when n is negative.
fn left(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value: Vec<char> = text(ctx, 0)?.chars().collect();
    let n = integer(ctx, 1)?;
    let keep = keep_count(value.len(), n);
    Ok(SqliteValue::Text(value[..keep].iter().collect()))
}

/// `right(s, n)`: the last n characters, or all but the first |n| when n is negative.
fn right(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value: Vec<char> = text(ctx, 0)?.chars().collect();
    let n = integer(ctx, 1)?;
    let keep = keep_count(value.len(), n);
    Ok(SqliteValue::Text(
        value[value.len() - keep..].iter().collect(),
    ))
}

fn keep_count(length: usize, n: i64) -> usize {
    let magnitude = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    if n >= 0 {
        magnitude.min(length)
    } else {
        length.saturating_sub(magnitude)
    }
}

fn strpos(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let haystack = text(ctx, 0)?;
    let needle = text(ctx, 1)?;
    let position = haystack
        .find(&needle)
        .map(|byte| haystack[..byte].chars().count() + 1)
        .unwrap_or(0);
    Ok(SqliteValue::Integer(i64::try_from(position).unwrap_or(0)))
}

fn split_part(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    let delimiter = text(ctx, 1)?;
    let n = integer(ctx, 2)?;
    if n == 0 {
        return Err(sql_error("22023", "field position must not be zero"));
    }
    let parts: Vec<&str> = if delimiter.is_empty() {
        vec![value.as_str()]
    } else {
        value.split(delimiter.as_str()).collect()
    };
    let index = if n > 0 {
        usize::try_from(n - 1).ok()
    } else {
        parts
            .len()
            .checked_sub(usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX))
    };
    let part = index.and_then(|i| parts.get(i)).copied().unwrap_or("");
    Ok(SqliteValue::Text(part.to_owned()))
}

/// `initcap`: the first letter of each alphanumeric run upper case, the rest lower case.
fn initcap(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let mut out = String::new();
    let mut in_word = false;
    for c in text(ctx, 0)?.chars() {
        if in_word {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        in_word = c.is_alphanumeric();
    }
    Ok(SqliteValue::Text(out))
}

fn translate(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let from: Vec<char> = text(ctx, 1)?.chars().collect();
    let to: Vec<char> = text(ctx, 2)?.chars().collect();
    let out = text(ctx, 0)?
        .chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect();
    Ok(SqliteValue::Text(out))
}

fn ascii(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let code = text(ctx, 0)?.chars().next().map_or(0, u32::from);
    Ok(SqliteValue::Integer(i64::from(code)))
}

fn chr(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let code = integer(ctx, 0)?;
    match u32::try_from(code).ok().and_then(char::from_u32) {
        Some(c) if code != 0 => Ok(SqliteValue::Text(c.to_string())),
        _ => Err(sql_error(
            "54000",
            format!("requested character too large for encoding: {code}"),
        )),
    }
}

fn starts_with(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let starts = text(ctx, 0)?.starts_with(&text(ctx, 1)?);
    Ok(SqliteValue::Integer(i64::from(starts)))
}

fn btrim(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let characters: Vec<char> = if ctx.len() > 1 {
        text(ctx, 1)?.chars().collect()
    } else {
        vec![' ']
    };
    let value = text(ctx, 0)?;
    Ok(SqliteValue::Text(
        value.trim_matches(|c| characters.contains(&c)).to_owned(),
    ))
}

fn reverse(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(SqliteValue::Text(text(ctx, 0)?.chars().rev().collect()))
}

fn repeat(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    let times = count(ctx, 1)?;
    if value.len().saturating_mul(times) > 1 << 30 {
        return Err(sql_error("54000", "requested length too large"));
    }
    Ok(SqliteValue::Text(value.repeat(times)))
}

/// `mod(a, b)`: the remainder with the dividend's sign; zero divisor raises 22012.
/// PostgreSQL's `#` (bitwise exclusive or) on integers.
fn xor(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    match (ctx.get_raw(0), ctx.get_raw(1)) {
        (ValueRef::Integer(a), ValueRef::Integer(b)) => Ok(SqliteValue::Integer(a ^ b)),
        _ => Err(sql_error(
            "42883",
            "operator does not exist: # takes integer operands",
        )),
    }
}

fn modulo(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    match (ctx.get_raw(0), ctx.get_raw(1)) {
        (ValueRef::Integer(a), ValueRef::Integer(b)) => {
            if b == 0 {
                return Err(sql_error("22012", "division by zero"));
            }
            Ok(SqliteValue::Integer(a.wrapping_rem(b)))
        }
        _ => {
            let (a, b) = (real(ctx, 0)?, real(ctx, 1)?);
            if b == 0.0 {
                return Err(sql_error("22012", "division by zero"));
            }
            Ok(SqliteValue::Real(a % b))
        }
    }
}

/// Applies `operation` to a real argument; integers pass through unchanged.
fn rounding(ctx: &Context<'_>, operation: fn(f64) -> f64) -> rusqlite::Result<SqliteValue> {
    match ctx.get_raw(0) {
        ValueRef::Integer(i) => Ok(SqliteValue::Integer(i)),
        _ => Ok(SqliteValue::Real(operation(real(ctx, 0)?))),
    }
}

fn trunc(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    if ctx.len() == 1 {
        return rounding(ctx, f64::trunc);
    }
    let places = i32::try_from(integer(ctx, 1)?.clamp(-300, 300)).unwrap_or(0);
    let scale = 10f64.powi(places);
    Ok(SqliteValue::Real((real(ctx, 0)? * scale).trunc() / scale))
}

fn ceil(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    rounding(ctx, f64::ceil)
}

fn floor(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    rounding(ctx, f64::floor)
}

fn sign(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    match ctx.get_raw(0) {
        ValueRef::Integer(i) => Ok(SqliteValue::Integer(i.signum())),
        _ => {
            let value = real(ctx, 0)?;
            Ok(SqliteValue::Real(if value == 0.0 {
                0.0
            } else {
                value.signum()
            }))
        }
    }
}

fn sqrt(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = real(ctx, 0)?;
    if value < 0.0 {
        return Err(sql_error(
            "2201F",
            "cannot take square root of a negative number",
        ));
    }
    Ok(SqliteValue::Real(value.sqrt()))
}

fn power(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (base, exponent) = (real(ctx, 0)?, real(ctx, 1)?);
    if base == 0.0 && exponent < 0.0 {
        return Err(sql_error(
            "2201F",
            "zero raised to a negative power is undefined",
        ));
    }
    if base < 0.0 && exponent.fract() != 0.0 {
        return Err(sql_error(
            "2201F",
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    Ok(SqliteValue::Real(base.powf(exponent)))
}

fn exp(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(SqliteValue::Real(real(ctx, 0)?.exp()))
}

fn logarithm(ctx: &Context<'_>, operation: fn(f64) -> f64) -> rusqlite::Result<SqliteValue> {
    let value = real(ctx, 0)?;
    if value == 0.0 {
        return Err(sql_error("2201E", "cannot take logarithm of zero"));
    }
    if value < 0.0 {
        return Err(sql_error(
            "2201E",
            "cannot take logarithm of a negative number",
        ));
    }
    Ok(SqliteValue::Real(operation(value)))
}

fn ln(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    logarithm(ctx, f64::ln)
}

fn log10(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    logarithm(ctx, f64::log10)
}

/// `log(b, x)`: the logarithm of `x` to base `b`, with PostgreSQL's errors for either.
fn log_base(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let base = real(ctx, 0)?;
    let value = real(ctx, 1)?;
    if base <= 0.0 || value <= 0.0 {
        let which = if base == 0.0 || value == 0.0 {
            "cannot take logarithm of zero"
        } else {
            "cannot take logarithm of a negative number"
        };
        return Err(sql_error("2201E", which));
    }
    if base == 1.0 {
        return Err(sql_error("22012", "division by zero"));
    }
    Ok(SqliteValue::Real(value.ln() / base.ln()))
}

fn degrees(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(SqliteValue::Real(real(ctx, 0)?.to_degrees()))
}

fn radians(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(SqliteValue::Real(real(ctx, 0)?.to_radians()))
}

/// `div(a, b)`: the quotient truncated toward zero.
fn div(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    match (ctx.get_raw(0), ctx.get_raw(1)) {
        (ValueRef::Integer(_), ValueRef::Integer(0)) => Err(sql_error("22012", "division by zero")),
        (ValueRef::Integer(a), ValueRef::Integer(b)) => Ok(SqliteValue::Integer(a.wrapping_div(b))),
        _ => {
            let (a, b) = (real(ctx, 0)?, real(ctx, 1)?);
            if b == 0.0 {
                return Err(sql_error("22012", "division by zero"));
            }
            Ok(SqliteValue::Real((a / b).trunc()))
        }
    }
}

fn pi(_ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    Ok(SqliteValue::Real(std::f64::consts::PI))
}

/// `greatest` / `least`: the extreme of the non-NULL arguments (NULL only when all are).
fn extreme(ctx: &Context<'_>, wanted: Ordering) -> rusqlite::Result<SqliteValue> {
    let mut best: Option<SqliteValue> = None;
    for index in 0..ctx.len() {
        let value: SqliteValue = ctx.get::<SqliteValue>(index)?;
        if value == SqliteValue::Null {
            continue;
        }
        let better = match &best {
            None => true,
            Some(current) => compare(&value, current) == wanted,
        };
        if better {
            best = Some(value);
        }
    }
    Ok(best.unwrap_or(SqliteValue::Null))
}

/// SQLite's own ordering of two non-NULL values: numbers by value, then text, then blobs.
fn compare(a: &SqliteValue, b: &SqliteValue) -> Ordering {
    use SqliteValue::{Blob, Integer, Real, Text};
    match (a, b) {
        (Integer(x), Integer(y)) => x.cmp(y),
        (Integer(x), Real(y)) => (*x as f64).total_cmp(y),
        (Real(x), Integer(y)) => x.total_cmp(&(*y as f64)),
        (Real(x), Real(y)) => x.total_cmp(y),
        (Integer(_) | Real(_), _) => Ordering::Less,
        (_, Integer(_) | Real(_)) => Ordering::Greater,
        (Text(x), Text(y)) => x.cmp(y),
        (Text(_), _) => Ordering::Less,
        (_, Text(_)) => Ordering::Greater,
        (Blob(x), Blob(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// `bool_and` / `every` (`all`) and `bool_or`: NULL inputs ignored, NULL over no rows.
struct BooleanAggregate {
    all: bool,
}

impl Aggregate<Option<bool>, Option<bool>> for BooleanAggregate {
    fn init(&self, _ctx: &mut Context<'_>) -> rusqlite::Result<Option<bool>> {
        Ok(None)
    }

    fn step(&self, ctx: &mut Context<'_>, state: &mut Option<bool>) -> rusqlite::Result<()> {
        let value = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(()),
            ValueRef::Integer(i) => i != 0,
            ValueRef::Real(r) => r != 0.0,
            other => {
                return Err(Error::UserFunctionError(
                    format!("42804:argument of boolean aggregate must be boolean, not {other:?}")
                        .into(),
                ));
            }
        };
        *state = Some(match *state {
            None => value,
            Some(so_far) if self.all => so_far && value,
            Some(so_far) => so_far || value,
        });
        Ok(())
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        state: Option<Option<bool>>,
    ) -> rusqlite::Result<Option<bool>> {
        Ok(state.flatten())
    }
}

#[derive(Clone, Copy)]
enum Spread {
    SampleDeviation,
    PopulationDeviation,
    SampleVariance,
    PopulationVariance,
}

/// Running count, mean and sum of squared differences (Welford's method, numerically stable).
#[derive(Default)]
struct Moments {
    count: u64,
    mean: f64,
    squares: f64,
}

/// `stddev*` / `var*` over non-NULL inputs, as double precision.
struct SpreadAggregate {
    kind: Spread,
}

impl Aggregate<Moments, Option<f64>> for SpreadAggregate {
    fn init(&self, _ctx: &mut Context<'_>) -> rusqlite::Result<Moments> {
        Ok(Moments::default())
    }

    fn step(&self, ctx: &mut Context<'_>, state: &mut Moments) -> rusqlite::Result<()> {
        if matches!(ctx.get_raw(0), ValueRef::Null) {
            return Ok(());
        }
        let value = real(ctx, 0)?;
        state.count += 1;
        let delta = value - state.mean;
        state.mean += delta / state.count as f64;
        state.squares += delta * (value - state.mean);
        Ok(())
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        state: Option<Moments>,
    ) -> rusqlite::Result<Option<f64>> {
        let Some(state) = state else {
            return Ok(None);
        };
        let sample = matches!(self.kind, Spread::SampleDeviation | Spread::SampleVariance);
        let divisor = if sample {
            state.count.checked_sub(1).filter(|n| *n > 0)
        } else {
            Some(state.count).filter(|n| *n > 0)
        };
        let Some(divisor) = divisor else {
            return Ok(None);
        };
        let variance = state.squares / divisor as f64;
        Ok(Some(match self.kind {
            Spread::SampleDeviation | Spread::PopulationDeviation => variance.sqrt(),
            Spread::SampleVariance | Spread::PopulationVariance => variance,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `SELECT expression` on a connection with the functions registered, as text.
    fn select(expression: &str) -> rusqlite::Result<Option<String>> {
        let connection = Connection::open_in_memory()?;
        register(&connection)?;
        connection.query_row(&format!("SELECT {expression}"), [], |row| {
            Ok(match row.get::<_, SqliteValue>(0)? {
                SqliteValue::Null => None,
                SqliteValue::Integer(i) => Some(i.to_string()),
                SqliteValue::Real(r) => Some(r.to_string()),
                SqliteValue::Text(t) => Some(t),
                SqliteValue::Blob(_) => Some("<blob>".to_owned()),
            })
        })
    }

    fn answers(expression: &str, expected: Option<&str>) {
        let answer = select(expression).unwrap_or_else(|e| panic!("{expression}: {e}"));
        assert_eq!(answer.as_deref(), expected, "{expression}");
    }

    #[test]
    fn string_functions_count_characters_and_follow_postgresql_on_negative_counts() {
        answers("char_length('héllo')", Some("5"));
        answers("lpad('7', 3, '0')", Some("007"));
        answers("lpad('hello', 2)", Some("he"));
        answers("rpad('ab', 5, 'xy')", Some("abxyx"));
        answers("left('abcdef', -2)", Some("abcd"));
        answers("right('abcdef', -2)", Some("cdef"));
        answers("split_part('a,b,c', ',', -1)", Some("c"));
        answers("split_part('a,b,c', ',', 5)", Some(""));
        answers("initcap('hello wORLD-x')", Some("Hello World-X"));
        answers("translate('12345', '143', 'ax')", Some("a2x5"));
        answers("strpos('héllo', 'l')", Some("3"));
        answers("lpad(NULL, 3)", None);
    }

    #[test]
    fn math_functions_keep_integers_and_raise_postgresql_errors() {
        answers("mod(-7, 3)", Some("-1"));
        answers("trunc(-42.8)", Some("-42"));
        answers("ceil(-4.2)", Some("-4"));
        answers("ceil(4)", Some("4"));
        let error = select("mod(1, 0)").unwrap_err().to_string();
        assert!(error.contains("22012"), "{error}");
        let error = select("sqrt(-1)").unwrap_err().to_string();
        assert!(error.contains("2201F"), "{error}");
    }

    #[test]
    fn greatest_and_least_skip_nulls() {
        answers("greatest(1, NULL, 3)", Some("3"));
        answers("least(2, NULL, 1.5)", Some("1.5"));
        answers("greatest(NULL, NULL)", None);
        answers("greatest('apple', 'pear')", Some("pear"));
    }

    #[test]
    fn aggregates_ignore_nulls() {
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        let (all, any, deviation): (Option<bool>, Option<bool>, Option<f64>) = connection
            .query_row(
                "SELECT bool_and(b), bool_or(b), stddev(x) \
                 FROM (SELECT 1 AS b, 1.0 AS x UNION ALL SELECT 0, 2 UNION ALL SELECT NULL, 4)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        assert_eq!((all, any), (Some(false), Some(true)));
        assert!((deviation.unwrap() - 1.527_525_231_651_946_5).abs() < 1e-12);
        let empty: Option<f64> = connection
            .query_row("SELECT variance(1) WHERE 0", [], |row| row.get(0))
            .unwrap();
        assert_eq!(empty, None);
    }
}
