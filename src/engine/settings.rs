//! Session settings answered by pgbridge itself: SET, SHOW, RESET, `current_setting()`.
//!
//! The values live in the session's [`SessionFunctions`] so that `current_setting()` inside a
//! translated statement reads the same map.

use std::collections::HashMap;

use pgbridge_proxy::SqlError;

/// PostgreSQL's version as pgbridge reports it (`server_version`).
pub const SERVER_VERSION: &str = "16.6";

/// Settings reported to the client with ParameterStatus when they change.
const REPORTED: &[&str] = &[
    "application_name",
    "client_encoding",
    "datestyle",
    "integer_datetimes",
    "intervalstyle",
    "is_superuser",
    "server_encoding",
    "server_version",
    "session_authorization",
    "standard_conforming_strings",
    "timezone",
];

/// Settings a client may read but not change.
const READ_ONLY: &[&str] = &[
    "server_version",
    "server_version_num",
    "server_encoding",
    "integer_datetimes",
    "max_identifier_length",
    "lc_collate",
    "lc_ctype",
    "block_size",
];

/// The default value of every setting pgbridge knows.
pub fn defaults(user: &str, application_name: &str) -> HashMap<String, String> {
    [
        ("application_name", application_name),
        ("client_encoding", "UTF8"),
        ("server_encoding", "UTF8"),
        ("datestyle", "ISO, MDY"),
        ("intervalstyle", "postgres"),
        ("timezone", "UTC"),
        ("integer_datetimes", "on"),
        ("standard_conforming_strings", "on"),
        ("server_version", SERVER_VERSION),
        ("server_version_num", "160006"),
        ("is_superuser", "on"),
        ("session_authorization", user),
        ("search_path", "\"$user\", public"),
        ("extra_float_digits", "1"),
        ("statement_timeout", "0"),
        ("lock_timeout", "0"),
        ("idle_in_transaction_session_timeout", "0"),
        ("transaction_isolation", "serializable"),
        ("default_transaction_isolation", "serializable"),
        ("transaction_read_only", "off"),
        ("default_transaction_read_only", "off"),
        ("max_identifier_length", "63"),
        ("lc_messages", "C"),
        ("lc_collate", "C"),
        ("lc_ctype", "C"),
        ("bytea_output", "hex"),
        ("client_min_messages", "notice"),
        ("block_size", "8192"),
        ("synchronous_commit", "on"),
        ("jit", "off"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The name a client reads back for a setting (`DateStyle`, `TimeZone`, ...).
pub fn display_name(name: &str) -> &str {
    match name {
        "datestyle" => "DateStyle",
        "timezone" => "TimeZone",
        "intervalstyle" => "IntervalStyle",
        other => other,
    }
}

/// True when a change of this setting is reported with ParameterStatus.
pub fn is_reported(name: &str) -> bool {
    REPORTED.contains(&name)
}

/// True when a session cannot change this setting (PostgreSQL's `internal` context).
pub fn is_read_only(name: &str) -> bool {
    READ_ONLY.contains(&name)
}

/// Checks and normalises a new value for a setting.
pub fn validate(name: &str, value: &str) -> Result<String, SqlError> {
    if is_read_only(name) {
        return Err(SqlError::new(
            "55P02",
            format!("parameter \"{name}\" cannot be changed"),
        ));
    }
    match name {
        "client_encoding" => {
            let normalized = value.to_ascii_uppercase().replace(['-', '_'], "");
            if normalized == "UTF8" || normalized == "UNICODE" {
                Ok("UTF8".to_owned())
            } else {
                Err(SqlError::unsupported(format!(
                    "client_encoding \"{value}\" (pgbridge speaks UTF8 only)"
                )))
            }
        }
        "datestyle" => {
            let upper = value.to_ascii_uppercase();
            if upper.contains("ISO")
                || !upper.contains("SQL")
                    && !upper.contains("GERMAN")
                    && !upper.contains("POSTGRES")
            {
                Ok(if upper.contains("DMY") {
                    "ISO, DMY"
                } else if upper.contains("YMD") {
                    "ISO, YMD"
                } else {
                    "ISO, MDY"
                }
                .to_owned())
            } else {
                Err(SqlError::unsupported(format!(
                    "DateStyle \"{value}\" (pgbridge answers in ISO)"
                )))
            }
        }
        "intervalstyle" if !value.eq_ignore_ascii_case("postgres") => {
            Err(SqlError::unsupported(format!("IntervalStyle \"{value}\"")))
        }
        "standard_conforming_strings"
            if !matches!(value.to_ascii_lowercase().as_str(), "on" | "true" | "1") =>
        {
            Err(SqlError::unsupported("standard_conforming_strings = off"))
        }
        _ => Ok(value.to_owned()),
    }
}
