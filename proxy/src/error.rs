//! The error a client sees: a SQLSTATE and a message, as PostgreSQL's ErrorResponse carries.

/// An error to report to a client, with its SQLSTATE.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (SQLSTATE {code})")]
pub struct SqlError {
    /// The five-character SQLSTATE, e.g. `23505`.
    pub code: String,
    /// The primary message, one line.
    pub message: String,
    /// Optional detail.
    pub detail: Option<String>,
    /// Optional hint.
    pub hint: Option<String>,
    /// 1-based character position in the statement text, where known.
    pub position: Option<usize>,
}

impl SqlError {
    /// An error with a SQLSTATE and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        SqlError {
            code: code.into(),
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
        }
    }

    /// Adds a detail line.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a hint line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// 0A000: a construct pgbridge or its backend cannot run faithfully.
    pub fn unsupported(what: impl std::fmt::Display) -> Self {
        SqlError::new("0A000", format!("{what} is not supported"))
    }

    /// 08P01: the client broke the protocol.
    pub fn protocol(message: impl Into<String>) -> Self {
        SqlError::new("08P01", message)
    }

    /// 22P02: a value's text cannot be read as its type.
    pub fn invalid_text(type_name: &str, text: &str) -> Self {
        SqlError::new(
            "22P02",
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    }
}
