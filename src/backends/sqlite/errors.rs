//! SQLite errors to SQLSTATE: the one table for this adapter (see docs/errors.md).
//!
//! SQLite reports most errors as the generic SQLITE_ERROR with a message, so the table matches
//! extended result codes first and message prefixes second. pgbridge's own SQL functions raise
//! errors as `SQLSTATE:message`, which passes through unchanged.

use pgbridge_proxy::SqlError;
use rusqlite::ffi;

/// A row of [`BY_CODE`]: the result code, its C name (for docs/errors.md), SQLSTATE, message.
macro_rules! code {
    ($name:ident, $sqlstate:literal, $message:literal) => {
        (ffi::$name, stringify!($name), $sqlstate, $message)
    };
}

/// Extended result codes and the SQLSTATE each means.
const BY_CODE: &[(i32, &str, &str, &str)] = &[
    code!(
        SQLITE_CONSTRAINT_UNIQUE,
        "23505",
        "duplicate key value violates unique constraint"
    ),
    code!(
        SQLITE_CONSTRAINT_PRIMARYKEY,
        "23505",
        "duplicate key value violates unique constraint"
    ),
    code!(
        SQLITE_CONSTRAINT_NOTNULL,
        "23502",
        "null value violates not-null constraint"
    ),
    code!(
        SQLITE_CONSTRAINT_FOREIGNKEY,
        "23503",
        "insert or update violates foreign key constraint"
    ),
    code!(
        SQLITE_CONSTRAINT_CHECK,
        "23514",
        "new row violates check constraint"
    ),
    code!(
        SQLITE_INTERRUPT,
        "57014",
        "canceling statement due to user request"
    ),
    // A transaction read a snapshot that another session's commit made stale, then tried to
    // write: PostgreSQL's serializable isolation fails such a transaction the same way.
    code!(
        SQLITE_BUSY_SNAPSHOT,
        "40001",
        "could not serialize access due to concurrent update"
    ),
    code!(
        SQLITE_BUSY,
        "55P03",
        "could not obtain lock: the database is locked by another session"
    ),
    code!(
        SQLITE_LOCKED,
        "55P03",
        "could not obtain lock: a table is locked by another session"
    ),
    code!(
        SQLITE_READONLY,
        "25006",
        "cannot execute a write in a read-only database"
    ),
    code!(SQLITE_FULL, "53100", "could not extend file: disk full"),
    code!(SQLITE_TOOBIG, "54000", "value too large"),
];

/// Message prefixes of SQLITE_ERROR and what they mean: (start, also contains, SQLSTATE,
/// message). A row applies when the message starts with the first text and contains the
/// second (empty: anything); the generic "table " / "index " starts need that second text.
const BY_MESSAGE: &[(&str, &str, &str, &str)] = &[
    (
        "no such table: ",
        "",
        "42P01",
        "relation \"{}\" does not exist",
    ),
    (
        "no such column: ",
        "",
        "42703",
        "column \"{}\" does not exist",
    ),
    (
        "no such function: ",
        "",
        "42883",
        "function {}() does not exist",
    ),
    (
        "no such index: ",
        "",
        "42704",
        "index \"{}\" does not exist",
    ),
    (
        "no such savepoint: ",
        "",
        "3B001",
        "savepoint \"{}\" does not exist",
    ),
    ("table ", " has no column named ", "42703", ""),
    ("table ", " values were supplied", "42601", ""),
    ("table ", " already exists", "42P07", ""),
    ("index ", " already exists", "42P07", ""),
    (
        "ambiguous column name: ",
        "",
        "42702",
        "column reference \"{}\" is ambiguous",
    ),
    ("near ", "", "42601", ""),
    (
        "incomplete input",
        "",
        "42601",
        "syntax error at end of input",
    ),
    (
        "cannot start a transaction within a transaction",
        "",
        "25001",
        "",
    ),
    ("datatype mismatch", "", "42804", ""),
    // A deferred or statement-end foreign key check reports the primary SQLITE_CONSTRAINT code.
    (
        "FOREIGN KEY constraint failed",
        "",
        "23503",
        "update or delete violates foreign key constraint",
    ),
    (
        "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint",
        "",
        "42P10",
        "there is no unique or exclusion constraint matching the ON CONFLICT specification",
    ),
    (
        "misuse of window function ",
        "",
        "42P20",
        "window function {} is not allowed here",
    ),
    (
        "misuse of aggregate function ",
        "",
        "42803",
        "aggregate function {} is not allowed here",
    ),
];

/// Classifies a rusqlite error.
pub fn classify(error: &rusqlite::Error) -> SqlError {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let text = message.clone().unwrap_or_else(|| failure.to_string());
            if let Some(passed) = from_function(&text) {
                return passed;
            }
            if let Some(too_long) = length_check(failure.extended_code, &text) {
                return too_long;
            }
            for (code, _, sqlstate, meaning) in BY_CODE {
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

/// A failed length CHECK that DDL translation added for `varchar(n)` / `char(n)`: PostgreSQL's
/// 22001, not a check violation.
fn length_check(code: std::ffi::c_int, text: &str) -> Option<SqlError> {
    if code != rusqlite::ffi::SQLITE_CONSTRAINT_CHECK {
        return None;
    }
    let name = text.strip_prefix("CHECK constraint failed: ")?;
    let pg_type = pgbridge_dialects::length_check_type(name.trim())?;
    Some(SqlError::new(
        "22001",
        format!("value too long for type {pg_type}"),
    ))
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
    for (prefix, contains, sqlstate, template) in BY_MESSAGE {
        let Some(rest) = text.strip_prefix(prefix) else {
            continue;
        };
        if !rest.contains(contains) {
            continue;
        }
        if template.is_empty() {
            return SqlError::new(*sqlstate, text);
        }
        let name = rest.rsplit('.').next().unwrap_or(rest);
        return SqlError::new(*sqlstate, template.replace("{}", name));
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
        assert_eq!(from_message("FOREIGN KEY constraint failed").code, "23503");
        assert_eq!(
            from_message("misuse of window function ROW_NUMBER()").message,
            "window function ROW_NUMBER() is not allowed here"
        );
        assert_eq!(
            from_message("misuse of aggregate function max()").code,
            "42803"
        );
        assert_eq!(
            from_message("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint")
                .code,
            "42P10"
        );
        assert_eq!(from_message("table t already exists").code, "42P07");
        assert_eq!(from_message("table t has no column named x").code, "42703");
        assert_eq!(
            from_message("table t has 2 columns but 3 values were supplied").code,
            "42601"
        );
        assert_eq!(
            from_function("22012:division by zero").unwrap().code,
            "22012"
        );
        assert!(from_function("not: a code").is_none());
    }
}

/// docs/errors.md holds a rendering of the tables above and of the SQLSTATEs raised in the
/// code, checked here so the doc cannot drift. `PGBRIDGE_WRITE_DOCS=1 cargo test -p pgbridge
/// errors_doc` rewrites it.
#[cfg(test)]
mod errors_doc {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::{BY_CODE, BY_MESSAGE};

    const BEGIN: &str =
        "<!-- BEGIN GENERATED by `cargo test -p pgbridge errors_doc`; do not edit -->\n";
    const END: &str = "<!-- END GENERATED -->\n";

    /// PostgreSQL's condition names (errcodes.txt) of every SQLSTATE pgbridge uses. A new
    /// SQLSTATE in the code fails the test until it is named here.
    const CONDITIONS: &[(&str, &str)] = &[
        ("08001", "sqlclient_unable_to_establish_sqlconnection"),
        ("08006", "connection_failure"),
        ("08P01", "protocol_violation"),
        ("0A000", "feature_not_supported"),
        ("22001", "string_data_right_truncation"),
        ("22003", "numeric_value_out_of_range"),
        ("22007", "invalid_datetime_format"),
        ("22008", "datetime_field_overflow"),
        ("22009", "invalid_time_zone_displacement_value"),
        ("22012", "division_by_zero"),
        ("21000", "cardinality_violation"),
        ("22004", "null_value_not_allowed"),
        ("42803", "grouping_error"),
        ("42P20", "windowing_error"),
        ("22011", "substring_error"),
        ("2201B", "invalid_regular_expression"),
        ("2201E", "invalid_argument_for_logarithm"),
        ("2201F", "invalid_argument_for_power_function"),
        ("2201W", "invalid_row_count_in_limit_clause"),
        ("2201X", "invalid_row_count_in_result_offset_clause"),
        ("22021", "character_not_in_repertoire"),
        ("22023", "invalid_parameter_value"),
        ("22P02", "invalid_text_representation"),
        ("22P03", "invalid_binary_representation"),
        ("22P04", "bad_copy_file_format"),
        ("23502", "not_null_violation"),
        ("23503", "foreign_key_violation"),
        ("23505", "unique_violation"),
        ("23514", "check_violation"),
        ("25001", "active_sql_transaction"),
        ("25006", "read_only_sql_transaction"),
        ("25P01", "no_active_sql_transaction"),
        ("25P02", "in_failed_sql_transaction"),
        ("26000", "invalid_sql_statement_name"),
        ("28000", "invalid_authorization_specification"),
        ("28P01", "invalid_password"),
        ("34000", "invalid_cursor_name"),
        ("3B001", "invalid_savepoint_specification"),
        ("3D000", "invalid_catalog_name"),
        ("3F000", "invalid_schema_name"),
        ("40001", "serialization_failure"),
        ("40P01", "deadlock_detected"),
        ("42501", "insufficient_privilege"),
        ("42601", "syntax_error"),
        ("42701", "duplicate_column"),
        ("42702", "ambiguous_column"),
        ("42703", "undefined_column"),
        ("42704", "undefined_object"),
        ("42804", "datatype_mismatch"),
        ("42883", "undefined_function"),
        ("42P01", "undefined_table"),
        ("42P03", "duplicate_cursor"),
        ("42P05", "duplicate_prepared_statement"),
        ("42P07", "duplicate_table"),
        ("42P10", "invalid_column_reference"),
        ("53000", "insufficient_resources"),
        ("53100", "disk_full"),
        ("53300", "too_many_connections"),
        ("54000", "program_limit_exceeded"),
        ("54001", "statement_too_complex"),
        ("54011", "too_many_columns"),
        ("55000", "object_not_in_prerequisite_state"),
        ("55P02", "cant_change_runtime_param"),
        ("55P03", "lock_not_available"),
        ("57014", "query_canceled"),
        ("58030", "io_error"),
        ("XX000", "internal_error"),
    ];

    /// Constructors that carry their SQLSTATE in their name.
    const HELPERS: &[(&str, &str)] = &[
        ("SqlError::unsupported(", "0A000"),
        ("SqlError::protocol(", "08P01"),
        ("SqlError::invalid_text(", "22P02"),
        ("TranslateError::unsupported(", "0A000"),
        ("TranslateError::Syntax", "42601"),
        ("TranslateError::TooDeep", "54001"),
    ];

    fn condition(code: &str) -> &'static str {
        CONDITIONS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, name)| *name)
            .unwrap_or_else(|| panic!("SQLSTATE {code}: add its condition name to CONDITIONS"))
    }

    fn escape(text: &str) -> String {
        text.replace('|', "\\|")
    }

    fn is_sqlstate(literal: &str) -> bool {
        literal.len() == 5
            && literal
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && literal.bytes().any(|b| b.is_ascii_digit())
            // Every SQLSTATE class starts with a digit or is one of F0, HV, P0, XX (so that
            // `LOG10` in a function table is not taken for one).
            && (literal.as_bytes()[0].is_ascii_digit()
                || ["F0", "HV", "P0", "XX"].contains(&&literal[..2]))
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// SQLSTATE -> files that raise it, from the non-test code of the three crates (this
    /// adapter's tables excepted: they have their own sections).
    fn raised_in_code(root: &Path) -> BTreeMap<String, Vec<String>> {
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut files = Vec::new();
        for crate_src in ["src", "proxy/src", "dialects/src"] {
            rust_files(&root.join(crate_src), &mut files);
        }
        for path in files {
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if name == "src/backends/sqlite/errors.rs" || name.ends_with("/tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            // `"XXXXX"` anywhere (quote parity is no guide: char literals hold quotes too).
            let mut codes: Vec<&str> = code
                .match_indices('"')
                .filter_map(|(i, _)| {
                    code.get(i + 1..i + 6)
                        .filter(|_| code.get(i + 6..i + 7) == Some("\""))
                })
                .filter(|literal| is_sqlstate(literal))
                .collect();
            codes.extend(
                HELPERS
                    .iter()
                    .filter(|(call, _)| code.contains(call))
                    .map(|(_, sqlstate)| *sqlstate),
            );
            for sqlstate in codes {
                let files = found.entry(sqlstate.to_owned()).or_default();
                if !files.contains(&name) {
                    files.push(name.clone());
                }
            }
        }
        found
    }

    fn render(root: &Path) -> String {
        let mut out = String::new();
        out.push_str("### SQLite result codes (`BY_CODE`)\n\n");
        out.push_str("Matched on the extended result code, or on its primary code (`code & 0xff`). The SQLite message becomes the detail.\n\n");
        out.push_str("| SQLite code | SQLSTATE | condition | message |\n|---|---|---|---|\n");
        for (_, name, sqlstate, message) in BY_CODE {
            out.push_str(&format!(
                "| `{name}` | `{sqlstate}` | {} | {} |\n",
                condition(sqlstate),
                escape(message)
            ));
        }
        out.push_str("\n### SQLITE_ERROR messages (`BY_MESSAGE`)\n\n");
        out.push_str("Matched on the start of SQLite's message (and, where given, a text it also contains), in this order; `{}` is the object named after the prefix. An empty message means SQLite's own text is passed on. Anything else is `XX000` with the message prefixed `SQLite: `.\n\n");
        out.push_str(
            "| message starts with | and contains | SQLSTATE | condition | message sent |\n|---|---|---|---|---|\n",
        );
        for (prefix, contains, sqlstate, template) in BY_MESSAGE {
            let sent = if template.is_empty() {
                "(SQLite's message)".to_owned()
            } else {
                format!("`{}`", escape(template))
            };
            let contains = if contains.is_empty() {
                String::new()
            } else {
                format!("`{}`", escape(contains))
            };
            out.push_str(&format!(
                "| `{}` | {contains} | `{sqlstate}` | {} | {sent} |\n",
                escape(prefix),
                condition(sqlstate)
            ));
        }
        out.push_str("\n### Raised by pgbridge itself\n\n");
        out.push_str("Every SQLSTATE written in the code of the three crates (tests excepted), with the files that raise it.\n\n");
        out.push_str("| SQLSTATE | condition | raised in |\n|---|---|---|\n");
        for (sqlstate, files) in raised_in_code(root) {
            let files: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
            out.push_str(&format!(
                "| `{sqlstate}` | {} | {} |\n",
                condition(&sqlstate),
                files.join(", ")
            ));
        }
        out
    }

    #[test]
    fn errors_doc_matches_the_tables() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("docs/errors.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let expected = render(root);
        let current = doc
            .split_once(BEGIN)
            .and_then(|(_, rest)| rest.split_once(END))
            .map(|(generated, _)| generated);
        if current == Some(expected.as_str()) {
            return;
        }
        if std::env::var_os("PGBRIDGE_WRITE_DOCS").is_some() {
            let updated = match doc.split_once(BEGIN) {
                Some((head, rest)) => {
                    let tail = rest.split_once(END).map_or("", |(_, tail)| tail);
                    format!("{head}{BEGIN}{expected}{END}{tail}")
                }
                None => format!("{doc}\n{BEGIN}{expected}{END}"),
            };
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!(
            "docs/errors.md is out of date; regenerate it with\n  PGBRIDGE_WRITE_DOCS=1 cargo test -p pgbridge errors_doc\nExpected between the markers:\n{expected}"
        );
    }
}
