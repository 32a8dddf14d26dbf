//! The one error type of the translator.

/// Why a statement could not be translated.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslateError {
    /// The text is not valid PostgreSQL SQL (SQLSTATE 42601).
    #[error("syntax error: {message}")]
    Syntax { message: String },
    /// A valid construct that the target cannot express faithfully (SQLSTATE 0A000).
    #[error("{construct} is not supported on {target}")]
    Unsupported {
        construct: String,
        target: &'static str,
    },
    /// An expression nests deeper than pgbridge walks (SQLSTATE 54001, as PostgreSQL's
    /// "stack depth limit exceeded").
    #[error("statement too complex: an expression nests deeper than {limit} levels")]
    TooDeep { limit: usize },
    /// A value PostgreSQL would refuse when the statement runs (`LIMIT -1`: 2201W), found in
    /// the text already.
    #[error("{message}")]
    Invalid {
        sqlstate: &'static str,
        message: String,
    },
}

impl TranslateError {
    /// The SQLSTATE a client should see for this error.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            TranslateError::Syntax { .. } => "42601",
            TranslateError::Unsupported { .. } => "0A000",
            TranslateError::TooDeep { .. } => "54001",
            TranslateError::Invalid { sqlstate, .. } => sqlstate,
        }
    }

    pub(crate) fn invalid(sqlstate: &'static str, message: impl Into<String>) -> Self {
        TranslateError::Invalid {
            sqlstate,
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(construct: impl Into<String>, target: &'static str) -> Self {
        TranslateError::Unsupported {
            construct: construct.into(),
            target,
        }
    }
}
