//! PostgreSQL's text functions where SQLite's differ or are missing, under PostgreSQL's names:
//!
//! * `substring(s, start [, count])` and `substr`: positions before the first character count
//!   (`substring('abc', 0, 2)` is `a`), where SQLite's `substr` counts a negative start from
//!   the end; a negative count is 22011. Bytes for a blob (`bytea`), characters otherwise;
//! * `upper(s)` and `lower(s)` of every character, not ASCII only (`upper('école')` is
//!   `ÉCOLE`), one character for one as PostgreSQL's libc locales map them (`ß` stays);
//! * `md5(s)`, `quote_literal(s)`, `quote_ident(s)`, `quote_nullable(s)`;
//! * `encode(bytea, 'hex' | 'base64' | 'escape')` and `decode(text, format)`.
//!
//! Strict like PostgreSQL's: NULL in, NULL out (`quote_nullable` excepted).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest, Md5};
use pgbridge_proxy::value::{format_hex, parse_bytea};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::builtins::{Scalar, integer, register_strict, text};
use super::functions::{pg_error, sql_error};

const SCALARS: &[(&str, i32, Scalar)] = &[
    ("substring", 2, substring),
    ("substring", 3, substring),
    ("substr", 2, substring),
    ("substr", 3, substring),
    ("upper", 1, upper),
    ("lower", 1, lower),
    ("md5", 1, md5),
    ("quote_literal", 1, quote_literal),
    ("quote_ident", 1, quote_ident),
    ("encode", 2, encode),
    ("decode", 2, decode),
];

/// Registers the functions of this module on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    register_strict(connection, SCALARS)?;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("quote_nullable", 1, flags, |ctx| {
        if matches!(ctx.get_raw(0), ValueRef::Null) {
            return Ok(SqliteValue::Text("NULL".to_owned()));
        }
        quote_literal(ctx)
    })
}

/// The half-open range `[from, to)` of positions `start` and `count` select in a value of
/// `length` items, as PostgreSQL's `substring` reads them (1-based, clamped at both ends).
fn selected(length: usize, start: i64, count: Option<i64>) -> rusqlite::Result<(usize, usize)> {
    let clamp = |position: i64| {
        usize::try_from(position.max(1) - 1)
            .unwrap_or(0)
            .min(length)
    };
    let end = match count {
        Some(count) if count < 0 => {
            return Err(sql_error("22011", "negative substring length not allowed"));
        }
        Some(count) => clamp(start.saturating_add(count)),
        None => length,
    };
    let from = clamp(start);
    Ok((from, end.max(from)))
}

fn substring(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let start = integer(ctx, 1)?;
    let count = if ctx.len() > 2 {
        Some(integer(ctx, 2)?)
    } else {
        None
    };
    if let ValueRef::Blob(bytes) = ctx.get_raw(0) {
        let (from, to) = selected(bytes.len(), start, count)?;
        return Ok(SqliteValue::Blob(bytes[from..to].to_vec()));
    }
    let value = text(ctx, 0)?;
    let (from, to) = selected(value.chars().count(), start, count)?;
    Ok(SqliteValue::Text(
        value.chars().skip(from).take(to - from).collect(),
    ))
}

/// Each character mapped to its one-character case partner, kept where it has none.
fn each_char(value: &str, map: fn(char) -> Option<char>) -> String {
    value.chars().map(|c| map(c).unwrap_or(c)).collect()
}

fn single<I: Iterator<Item = char>>(mut mapped: I) -> Option<char> {
    let first = mapped.next()?;
    mapped.next().is_none().then_some(first)
}

fn upper(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    Ok(SqliteValue::Text(each_char(&value, |c| {
        single(c.to_uppercase())
    })))
}

fn lower(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    Ok(SqliteValue::Text(each_char(&value, |c| {
        single(c.to_lowercase())
    })))
}

/// The bytes of a text or bytea argument.
fn bytes(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Vec<u8>> {
    Ok(match ctx.get_raw(index) {
        ValueRef::Blob(bytes) | ValueRef::Text(bytes) => bytes.to_vec(),
        _ => text(ctx, index)?.into_bytes(),
    })
}

/// The bytes of a bytea argument: a blob, or text read as bytea input (`\x00ff`, or the
/// escape form), as a text literal given where a bytea is wanted is.
fn bytea(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Vec<u8>> {
    match ctx.get_raw(index) {
        ValueRef::Blob(bytes) => Ok(bytes.to_vec()),
        _ => parse_bytea(&text(ctx, index)?).map_err(pg_error),
    }
}

fn md5(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let digest = Md5::digest(bytes(ctx, 0)?);
    Ok(SqliteValue::Text(format_hex(&digest)))
}

fn quote_literal(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    // A backslash makes PostgreSQL write an E'' literal with the backslashes doubled.
    Ok(SqliteValue::Text(if value.contains('\\') {
        format!("E'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }))
}

/// Quoted unless the name is lower-case letters, digits and `_`, not starting with a digit.
/// (PostgreSQL also quotes its reserved keywords; pgbridge quotes only what needs it.)
fn quote_ident(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    let plain = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    Ok(SqliteValue::Text(if plain {
        value
    } else {
        format!("\"{}\"", value.replace('"', "\"\""))
    }))
}

fn format_name(ctx: &Context<'_>, index: usize) -> rusqlite::Result<String> {
    let format = text(ctx, index)?.to_ascii_lowercase();
    match format.as_str() {
        "hex" | "base64" | "escape" => Ok(format),
        _ => Err(sql_error(
            "22023",
            format!("unrecognized encoding: \"{format}\""),
        )),
    }
}

fn encode(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let data = bytea(ctx, 0)?;
    Ok(SqliteValue::Text(match format_name(ctx, 1)?.as_str() {
        "hex" => format_hex(&data),
        "base64" => BASE64.encode(&data),
        _ => data
            .iter()
            .map(|&byte| match byte {
                0 => "\\000".to_owned(),
                b'\\' => "\\\\".to_owned(),
                byte if byte >= 0x80 => format!("\\{byte:03o}"),
                byte => char::from(byte).to_string(),
            })
            .collect(),
    }))
}

fn decode(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = text(ctx, 0)?;
    let invalid = |what: &str| {
        sql_error(
            "22023",
            format!("invalid {what} data for decode: \"{value}\""),
        )
    };
    let decoded = match format_name(ctx, 1)?.as_str() {
        "hex" => {
            // bytea's own hex input, with the whitespace decode allows between digits.
            let digits: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            parse_bytea(&format!("\\x{digits}")).map_err(|_| invalid("hexadecimal"))?
        }
        "base64" => {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            BASE64.decode(compact).map_err(|_| invalid("base64"))?
        }
        // bytea's escape input; `\x` there would be read as hex, which escape has no form of.
        _ if value.starts_with("\\x") => return Err(invalid("escape")),
        _ => parse_bytea(&value).map_err(|_| invalid("escape"))?,
    };
    Ok(SqliteValue::Blob(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> SqliteValue {
        let connection = Connection::open_in_memory().unwrap();
        super::super::builtins::register(&connection).unwrap();
        register(&connection).unwrap();
        connection.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    fn text_of(sql: &str) -> String {
        match one(sql) {
            SqliteValue::Text(text) => text,
            other => panic!("{sql}: {other:?}"),
        }
    }

    #[test]
    fn substring_counts_positions_before_the_first() {
        assert_eq!(text_of("SELECT substring('abcdef', 0, 3)"), "ab");
        assert_eq!(text_of("SELECT substring('abcdef', -1, 3)"), "a");
        assert_eq!(text_of("SELECT substr('héllo', 2)"), "éllo");
        assert_eq!(text_of("SELECT substring('abc', 5, 2)"), "");
    }

    #[test]
    fn case_maps_every_letter_one_for_one() {
        assert_eq!(text_of("SELECT upper('école ß')"), "ÉCOLE ß");
        assert_eq!(text_of("SELECT lower('ÉCOLE')"), "école");
    }

    #[test]
    fn digests_quotes_and_encodings() {
        assert_eq!(
            text_of("SELECT md5('abc')"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(text_of("SELECT quote_literal('O''Reilly')"), "'O''Reilly'");
        assert_eq!(text_of("SELECT quote_ident('Order')"), "\"Order\"");
        assert_eq!(
            text_of("SELECT encode(decode('68656c6c6f', 'hex'), 'base64')"),
            "aGVsbG8="
        );
        assert_eq!(
            text_of("SELECT encode(decode('a\\001b', 'escape'), 'hex')"),
            "610162"
        );
    }
}
