//! `regexp_replace(source, pattern, replacement [, flags])` with PostgreSQL's rules: the first
//! match only unless the flags have `g`; `\1`..`\9` in the replacement insert a group and `\&`
//! the whole match; `i` ignores case, `x` allows whitespace and comments in the pattern. And
//! `substring(source FROM pattern)`, as `pgbridge_substring_regex`: the text of the first
//! parenthesized group when the pattern has one, else of the whole match, NULL without a match.
//! The compiled pattern is cached per statement (SQLite auxiliary data), as `~` does.

use std::sync::Arc;

use regex::{Captures, Regex, RegexBuilder};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::functions::sql_error;

fn text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Text(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The replacement for one match: `\n` groups, `\&` the match, `\\` a backslash.
fn expand(replacement: &str, captures: &Captures<'_>) -> String {
    let mut out = String::with_capacity(replacement.len());
    let mut chars = replacement.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(digit @ '1'..='9') => {
                let group = digit.to_digit(10).map_or(0, |d| d as usize);
                out.push_str(captures.get(group).map_or("", |m| m.as_str()));
            }
            Some('&') => out.push_str(captures.get(0).map_or("", |m| m.as_str())),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn regexp_replace(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    let arguments: Vec<Option<String>> = (0..ctx.len()).map(|i| text(ctx.get_raw(i))).collect();
    let (Some(source), Some(pattern), Some(replacement)) =
        (&arguments[0], &arguments[1], &arguments[2])
    else {
        return Ok(SqliteValue::Null);
    };
    let flags = match arguments.get(3) {
        Some(Some(flags)) => flags.clone(),
        Some(None) => return Ok(SqliteValue::Null),
        None => String::new(),
    };
    if let Some(bad) = flags.chars().find(|c| !matches!(c, 'g' | 'i' | 'c' | 'x')) {
        return Err(sql_error(
            "22023",
            format!("invalid regular expression option: \"{bad}\""),
        ));
    }
    let pattern = pattern.clone();
    let case_insensitive = flags.contains('i');
    let extended = flags.contains('x');
    let compiled: Arc<Regex> = ctx.get_or_create_aux(1, |_| {
        RegexBuilder::new(&pattern)
            .case_insensitive(case_insensitive)
            .ignore_whitespace(extended)
            .build()
            .map_err(|e| sql_error("2201B", format!("invalid regular expression: {e}")))
    })?;
    let limit = if flags.contains('g') { 0 } else { 1 };
    let replaced = compiled.replacen(source, limit, |captures: &Captures<'_>| {
        expand(replacement, captures)
    });
    Ok(SqliteValue::Text(replaced.into_owned()))
}

fn substring_regex(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(source), Some(pattern)) = (text(ctx.get_raw(0)), text(ctx.get_raw(1))) else {
        return Ok(SqliteValue::Null);
    };
    let compiled: Arc<Regex> = ctx.get_or_create_aux(1, |_| {
        Regex::new(&pattern)
            .map_err(|e| sql_error("2201B", format!("invalid regular expression: {e}")))
    })?;
    let Some(captures) = compiled.captures(&source) else {
        return Ok(SqliteValue::Null);
    };
    let group = usize::from(captures.len() > 1);
    Ok(captures.get(group).map_or(SqliteValue::Null, |found| {
        SqliteValue::Text(found.as_str().to_owned())
    }))
}

/// Registers `regexp_replace` (3 and 4 arguments) and `pgbridge_substring_regex` on
/// `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("pgbridge_substring_regex", 2, flags, substring_regex)?;
    connection.create_scalar_function("regexp_replace", 3, flags, regexp_replace)?;
    connection.create_scalar_function("regexp_replace", 4, flags, regexp_replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(sql: &str) -> Option<String> {
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        connection.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn replaces_as_postgresql_does() {
        assert_eq!(
            replace(r"SELECT regexp_replace('a  b   c', '\s+', ' ', 'g')").as_deref(),
            Some("a b c")
        );
        assert_eq!(
            replace(r"SELECT regexp_replace('a  b   c', '\s+', ' ')").as_deref(),
            Some("a b   c"),
            "without g only the first match"
        );
        assert_eq!(
            replace(r"SELECT regexp_replace('Hello World', '(\w+) (\w+)', '\2, \1 (\&)')")
                .as_deref(),
            Some("World, Hello (Hello World)")
        );
        assert_eq!(
            replace("SELECT regexp_replace('ABC', 'b', 'x', 'i')").as_deref(),
            Some("AxC")
        );
        assert_eq!(replace("SELECT regexp_replace(NULL, 'b', 'x')"), None);
        let connection = Connection::open_in_memory().unwrap();
        register(&connection).unwrap();
        let error = connection
            .query_row("SELECT regexp_replace('a', 'a', 'b', 'q')", [], |row| {
                row.get::<_, String>(0)
            })
            .unwrap_err();
        assert!(error.to_string().contains("22023"), "{error}");
    }
}
