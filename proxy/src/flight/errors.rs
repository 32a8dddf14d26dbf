//! SQL errors as gRPC statuses.
//!
//! The status code follows the SQLSTATE's class; the message is `SQLSTATE xxxxx: message`
//! (then the detail and hint, when there are), and the SQLSTATE is also sent in the
//! `x-sqlstate` metadata entry for clients that read trailers.

use tonic::{Code, Status};

use crate::SqlError;

/// The gRPC code of a SQLSTATE.
pub fn code_of(sqlstate: &str) -> Code {
    match sqlstate {
        "42P01" | "42703" | "42883" | "42704" | "3D000" | "3F000" | "34000" | "26000" => {
            Code::NotFound
        }
        "42501" => Code::PermissionDenied,
        "23505" | "42P07" => Code::AlreadyExists,
        "0A000" => Code::Unimplemented,
        "57014" => Code::Cancelled,
        _ => match sqlstate.get(..2).unwrap_or_default() {
            "28" => Code::Unauthenticated,
            "22" | "42" | "2F" | "0L" | "0P" => Code::InvalidArgument,
            "23" | "25" | "55" => Code::FailedPrecondition,
            "40" => Code::Aborted,
            "53" | "54" => Code::ResourceExhausted,
            "08" | "57" => Code::Unavailable,
            _ => Code::Internal,
        },
    }
}

/// The status a client receives for `error`.
pub fn status(error: &SqlError) -> Status {
    let mut message = format!("SQLSTATE {}: {}", error.code, error.message);
    if let Some(detail) = &error.detail {
        message.push_str("\nDETAIL: ");
        message.push_str(detail);
    }
    if let Some(hint) = &error.hint {
        message.push_str("\nHINT: ");
        message.push_str(hint);
    }
    let code = if error.code == "57014" && error.message == super::running::STATEMENT_TIMEOUT {
        Code::DeadlineExceeded
    } else {
        code_of(&error.code)
    };
    let mut status = Status::new(code, message);
    if let Ok(value) = error.code.parse() {
        status.metadata_mut().insert("x-sqlstate", value);
    }
    status
}

/// A status for an error found by the front end itself (a bad ticket, bad parameters).
pub fn invalid(message: impl std::fmt::Display) -> Status {
    Status::invalid_argument(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_grpc_codes_and_stay_in_the_message() {
        let missing = status(&SqlError::new("42P01", "relation \"nope\" does not exist"));
        assert_eq!(missing.code(), Code::NotFound);
        assert_eq!(
            missing.message(),
            "SQLSTATE 42P01: relation \"nope\" does not exist"
        );
        assert_eq!(missing.metadata().get("x-sqlstate").unwrap(), "42P01");
        assert_eq!(code_of("42601"), Code::InvalidArgument);
        assert_eq!(code_of("28P01"), Code::Unauthenticated);
        assert_eq!(code_of("23505"), Code::AlreadyExists);
        assert_eq!(code_of("XX000"), Code::Internal);
    }
}
