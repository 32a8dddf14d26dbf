//! What a target answered to one case, in PostgreSQL's text form.

use pgbridge_dialects::PgType;

/// One row: each value as PostgreSQL's text, `None` for NULL.
pub type Row = Vec<Option<String>>;

/// The answer of a target to one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The SQL ran; `rows` is what the last statement returned (empty for a statement).
    Rows(Vec<Row>),
    /// The SQL failed.
    Failed(Failure),
}

/// An error with its SQLSTATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub sqlstate: String,
    pub message: String,
}

impl Failure {
    pub fn new(sqlstate: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            sqlstate: sqlstate.into(),
            message: message.into(),
        }
    }

    /// SQLSTATE 0A000: the target says it cannot do this.
    pub fn is_refusal(&self) -> bool {
        self.sqlstate == "0A000"
    }
}

/// The oracle's answer, with the PostgreSQL types of its result columns (`None` where the type is
/// not one pgbridge knows, or the statement could not be described).
#[derive(Debug, Clone)]
pub struct OracleAnswer {
    pub answer: Answer,
    pub column_types: Vec<Option<PgType>>,
}

impl Answer {
    /// A short text for the report: the rows, one per line, or the error.
    pub fn describe(&self) -> String {
        match self {
            Answer::Rows(rows) if rows.is_empty() => "(no rows)".to_owned(),
            Answer::Rows(rows) => rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|value| match value.as_deref() {
                            None => "NULL",
                            Some("") => "''",
                            Some(text) => text,
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Answer::Failed(failure) => format!("ERROR {}: {}", failure.sqlstate, failure.message),
        }
    }
}
