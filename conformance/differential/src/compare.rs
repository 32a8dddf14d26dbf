//! Compares a target's answer with the oracle's and classifies the case.
//!
//! Rows are compared as multisets unless the query orders them (a top-level `ORDER BY`, or the
//! record's `valuesort`/`rowsort` says how to sort first). Values compare as PostgreSQL text,
//! NULL apart from the empty string, except numeric (by value: `3.50` = `3.5000`) and float4 /
//! float8 (to 12 significant digits).

use pgbridge_dialects::PgType;
use sqllogictest::SortMode;
use sqlparser::ast::Statement;

use crate::answer::{Answer, Failure, OracleAnswer, Row};

/// Significant digits float4/float8 values are compared to.
const FLOAT_DIGITS: usize = 12;

/// How a target did on one case, measured against the oracle.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Same,
    Differs,
    /// SQLSTATE 0A000 where PostgreSQL succeeded.
    Refused(String),
    /// Another error where PostgreSQL succeeded.
    Error(Failure),
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Same => "same",
            Outcome::Differs => "differs",
            Outcome::Refused(_) => "refused",
            Outcome::Error(_) => "error",
        }
    }
}

/// How rows of a query are put in order before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOrder {
    /// The order the database returned (the query has `ORDER BY`).
    AsReturned,
    /// Rows as a multiset.
    Rows,
    /// Values as a multiset, ignoring rows (`valuesort`).
    Values,
}

impl RowOrder {
    /// The order for a query: the record's sort mode, else `ORDER BY` decides.
    pub fn of(sql: &str, sort_mode: SortMode) -> RowOrder {
        match sort_mode {
            SortMode::RowSort => RowOrder::Rows,
            SortMode::ValueSort => RowOrder::Values,
            SortMode::NoSort if has_order_by(sql) => RowOrder::AsReturned,
            SortMode::NoSort => RowOrder::Rows,
        }
    }
}

fn has_order_by(sql: &str) -> bool {
    let Ok(statements) = pgbridge_dialects::parse(sql) else {
        return false;
    };
    matches!(statements.last(), Some(Statement::Query(query)) if query.order_by.is_some())
}

/// Classifies a target's answer against the oracle's.
pub fn classify(oracle: &OracleAnswer, target: &Answer, order: RowOrder) -> Outcome {
    match (&oracle.answer, target) {
        (Answer::Rows(expected), Answer::Rows(actual)) => {
            let types = &oracle.column_types;
            if arrange(expected, types, order) == arrange(actual, types, order) {
                Outcome::Same
            } else {
                Outcome::Differs
            }
        }
        (Answer::Rows(_), Answer::Failed(failure)) if failure.is_refusal() => {
            Outcome::Refused(failure.message.clone())
        }
        (Answer::Rows(_), Answer::Failed(failure)) => Outcome::Error(failure.clone()),
        (Answer::Failed(_), Answer::Rows(_)) => Outcome::Differs,
        (Answer::Failed(expected), Answer::Failed(actual)) => {
            if expected.sqlstate == actual.sqlstate {
                Outcome::Same
            } else {
                Outcome::Differs
            }
        }
    }
}

/// The rows as comparison keys, in the order `order` asks for.
fn arrange(rows: &[Row], types: &[Option<PgType>], order: RowOrder) -> Vec<Vec<Option<String>>> {
    let mut keyed: Vec<Vec<Option<String>>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(index, value)| {
                    let pg_type = types.get(index).copied().flatten();
                    value.as_deref().map(|text| comparison_key(text, pg_type))
                })
                .collect()
        })
        .collect();
    match order {
        RowOrder::AsReturned => keyed,
        RowOrder::Rows => {
            keyed.sort();
            keyed
        }
        RowOrder::Values => {
            let mut values: Vec<Option<String>> = keyed.into_iter().flatten().collect();
            values.sort();
            vec![values]
        }
    }
}

/// The text a value is compared by: numeric by value, floats to 12 significant digits.
pub fn comparison_key(text: &str, pg_type: Option<PgType>) -> String {
    match pg_type {
        Some(PgType::Numeric) => canonical_decimal(text),
        Some(PgType::Float4 | PgType::Float8) => match text.parse::<f64>() {
            Ok(value) if value.is_finite() => {
                format!("{:.*e}", FLOAT_DIGITS - 1, value)
            }
            _ => text.to_owned(),
        },
        _ => text.to_owned(),
    }
}

/// `3.5000` -> `3.5`, `-0.0` -> `0`, `007` -> `7`; other text (`NaN`) unchanged.
fn canonical_decimal(text: &str) -> String {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return text.to_owned();
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let magnitude = if fraction.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{fraction}")
    };
    if negative && magnitude != "0" {
        format!("-{magnitude}")
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oracle(rows: Vec<Row>, types: Vec<Option<PgType>>) -> OracleAnswer {
        OracleAnswer {
            answer: Answer::Rows(rows),
            column_types: types,
        }
    }

    fn row(values: &[Option<&str>]) -> Row {
        values.iter().map(|v| v.map(str::to_owned)).collect()
    }

    #[test]
    fn numeric_compares_by_value() {
        let expected = oracle(vec![row(&[Some("3.50")])], vec![Some(PgType::Numeric)]);
        let same = Answer::Rows(vec![row(&[Some("3.5000")])]);
        let other = Answer::Rows(vec![row(&[Some("3.51")])]);
        assert_eq!(classify(&expected, &same, RowOrder::Rows), Outcome::Same);
        assert_eq!(
            classify(&expected, &other, RowOrder::Rows),
            Outcome::Differs
        );
    }

    #[test]
    fn floats_compare_to_twelve_digits() {
        let expected = oracle(vec![row(&[Some("0.1")])], vec![Some(PgType::Float8)]);
        let close = Answer::Rows(vec![row(&[Some("0.10000000000000002")])]);
        let far = Answer::Rows(vec![row(&[Some("0.1000001")])]);
        assert_eq!(classify(&expected, &close, RowOrder::Rows), Outcome::Same);
        assert_eq!(classify(&expected, &far, RowOrder::Rows), Outcome::Differs);
    }

    #[test]
    fn null_is_not_the_empty_string() {
        let expected = oracle(vec![row(&[None])], vec![Some(PgType::Text)]);
        let empty = Answer::Rows(vec![row(&[Some("")])]);
        assert_eq!(
            classify(&expected, &empty, RowOrder::Rows),
            Outcome::Differs
        );
    }

    #[test]
    fn order_matters_only_when_asked() {
        let expected = oracle(vec![row(&[Some("1")]), row(&[Some("2")])], vec![None]);
        let swapped = Answer::Rows(vec![row(&[Some("2")]), row(&[Some("1")])]);
        assert_eq!(classify(&expected, &swapped, RowOrder::Rows), Outcome::Same);
        assert_eq!(
            classify(&expected, &swapped, RowOrder::AsReturned),
            Outcome::Differs
        );
        assert_eq!(
            RowOrder::of("SELECT a FROM t ORDER BY a", SortMode::NoSort),
            RowOrder::AsReturned
        );
        assert_eq!(
            RowOrder::of("SELECT a FROM t", SortMode::NoSort),
            RowOrder::Rows
        );
    }

    #[test]
    fn errors_classify_by_sqlstate() {
        let failed = OracleAnswer {
            answer: Answer::Failed(Failure::new("22012", "division by zero")),
            column_types: Vec::new(),
        };
        let same = Answer::Failed(Failure::new("22012", "other words"));
        let other = Answer::Failed(Failure::new("42601", "syntax"));
        assert_eq!(classify(&failed, &same, RowOrder::Rows), Outcome::Same);
        assert_eq!(classify(&failed, &other, RowOrder::Rows), Outcome::Differs);
        assert_eq!(
            classify(&failed, &Answer::Rows(Vec::new()), RowOrder::Rows),
            Outcome::Differs
        );
        let ok = oracle(Vec::new(), Vec::new());
        let refused = Answer::Failed(Failure::new("0A000", "no MySQL target"));
        assert_eq!(
            classify(&ok, &refused, RowOrder::Rows),
            Outcome::Refused("no MySQL target".to_owned())
        );
        assert!(matches!(
            classify(&ok, &other, RowOrder::Rows),
            Outcome::Error(_)
        ));
    }

    #[test]
    fn decimals_canonicalise() {
        assert_eq!(canonical_decimal("3.5000"), "3.5");
        assert_eq!(canonical_decimal("-0.00"), "0");
        assert_eq!(canonical_decimal("010"), "10");
        assert_eq!(canonical_decimal("NaN"), "NaN");
    }
}
