//! SQLite errors to SQLSTATE: the one table for this adapter (see docs/errors.md).
//!
//! SQLite reports most errors as the generic SQLITE_ERROR with a message, so the table matches
//! extended result codes first and message prefixes second. pgbridge's own SQL functions raise
//! errors as `SQLSTATE:message`, which passes through unchanged.

use pgbridge_proxy::SqlError;
use rusqlite::ffi;

/// Extended result codes and the SQLSTATE each means.
const BY_CODE: &[(i32, &str, &str)] = &[
    (
        ffi::SQLITE_CONSTRAINT_UNIQUE,
        "23505",
        "duplicate key value violates unique constraint",
    ),
    (
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
        "23505",
        "duplicate key value violates unique constraint",
    ),
    (
        ffi::SQLITE_CONSTRAINT_NOTNULL,
        "23502",
        "null value violates not-null constraint",
    ),
    (
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY,
        "23503",
        "insert or update violates foreign key constraint",
    ),
    (
        ffi::SQLITE_CONSTRAINT_CHECK,
        "23514",
        "new row violates check constraint",
    ),
    (
        ffi::SQLITE_INTERRUPT,
        "57014",
        "canceling statement due to user request",
    ),
    (
        ffi::SQLITE_BUSY,
        "55P03",
        "could not obtain lock: the database is locked by another session",
    ),
    (
        ffi::SQLITE_LOCKED,
        "55P03",
        "could not obtain lock: a table is locked by another session",
    ),
    (
        ffi::SQLITE_READONLY,
        "25006",
        "cannot execute a write in a read-only database",
    ),
    (
        ffi::SQLITE_FULL,
        "53100",
        "could not extend file: disk full",
    ),
    (ffi::SQLITE_TOOBIG, "54000", "value too large"),
];

/// Message prefixes of SQLITE_ERROR and what they mean.
const BY_MESSAGE: &[(&str, &str, &str)] = &[
    ("no such table: ", "42P01", "relation \"{}\" does not exist"),
    ("no such column: ", "42703", "column \"{}\" does not exist"),
    (
        "no such function: ",
        "42883",
        "function {}() does not exist",
    ),
    ("no such index: ", "42704", "index \"{}\" does not exist"),
    (
        "no such savepoint: ",
        "3B001",
        "savepoint \"{}\" does not exist",
    ),
    ("table ", "42P07", ""),
    ("index ", "42P07", ""),
    (
        "ambiguous column name: ",
        "42702",
        "column reference \"{}\" is ambiguous",
    ),
    ("near ", "42601", ""),
    ("incomplete input", "42601", "syntax error at end of input"),
    (
        "cannot start a transaction within a transaction",
        "25001",
        "",
    ),
    ("datatype mismatch", "42804", ""),
];

/// Classifies a rusqlite error.
pub fn classify(error: &rusqlite::Error) -> SqlError {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let text = message.clone().unwrap_or_else(|| failure.to_string());
            if let Some(passed) = from_function(&text) {
                return passed;
            }
            for (code, sqlstate, meaning) in BY_CODE {
                if failure.extended_code == *code || failure.extended_code & 0xff == *code {
                    return SqlError::new(*sqlstate, *meaning).with_detail(text);
                }
            }
            from_message(&text)
        }
        rusqlite::Error::UserFunctionError(inner) => from_function(&inner.to_string())
            .unwrap_or_else(|| SqlError::new("XX000", inner.to_string())),
        // The offset points into the translated SQL, not the client's text: leave it out.
        rusqlite::Error::SqlInputError { msg, .. } => from_message(msg),
        other => from_message(&other.to_string()),
    }
}

/// `22012:division by zero` raised by pgbridge's functions.
fn from_function(text: &str) -> Option<SqlError> {
    let (code, message) = text.split_once(':')?;
    let valid = code.len() == 5
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    valid.then(|| SqlError::new(code, message.trim()))
}

fn from_message(text: &str) -> SqlError {
    for (prefix, sqlstate, template) in BY_MESSAGE {
        if let Some(rest) = text.strip_prefix(prefix) {
            if template.is_empty() {
                return SqlError::new(*sqlstate, text);
            }
            let name = rest.rsplit('.').next().unwrap_or(rest);
            return SqlError::new(*sqlstate, template.replace("{}", name));
        }
    }
    SqlError::new("XX000", format!("SQLite: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_map_to_sqlstates() {
        assert_eq!(from_message("no such table: main.users").code, "42P01");
        assert_eq!(
            from_message("no such table: main.users").message,
            "relation \"users\" does not exist"
        );
        assert_eq!(from_message("no such column: nme").code, "42703");
        assert_eq!(
            from_function("22012:division by zero").unwrap().code,
            "22012"
        );
        assert!(from_function("not: a code").is_none());
    }
}
