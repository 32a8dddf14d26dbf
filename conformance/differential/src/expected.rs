//! Checks the oracle's answer against the results a file writes after `----`, in sqllogictest's
//! conventions: `NULL`, `(empty)`, `R` columns with three decimals, `I` columns as integers,
//! `rowsort`/`valuesort`, and `N values hashing to MD5` past the hash threshold.

use md5::{Digest, Md5};
use sqllogictest::SortMode;

use crate::answer::Row;
use crate::cases::QueryCase;

/// True when the oracle's rows are what the file expects.
pub fn matches(query: &QueryCase, expected: &[String], rows: &[Row]) -> bool {
    let mut rendered: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(index, value)| render(value.as_deref(), query.types.get(index).copied()))
                .collect()
        })
        .collect();
    let values: Vec<String> = match query.sort_mode {
        SortMode::NoSort => rendered.into_iter().flatten().collect(),
        SortMode::RowSort => {
            rendered.sort();
            rendered.into_iter().flatten().collect()
        }
        SortMode::ValueSort => {
            let mut values: Vec<String> = rendered.into_iter().flatten().collect();
            values.sort();
            values
        }
    };
    if let [line] = expected
        && let Some((count, hash)) = hashed(line)
    {
        return values.len() == count && md5_of(&values) == hash;
    }
    let threshold = usize::try_from(query.hash_threshold).unwrap_or(usize::MAX);
    if threshold > 0 && values.len() > threshold {
        // Past the threshold the file must give a hash.
        return false;
    }
    let expected_tokens: Vec<&str> = expected.iter().flat_map(|l| l.split_whitespace()).collect();
    let actual_tokens: Vec<&str> = values.iter().flat_map(|v| v.split_whitespace()).collect();
    expected_tokens == actual_tokens
}

/// `30 values hashing to 3c13dee48d9356ae19af2515e05e6b54` -> (30, hash).
fn hashed(line: &str) -> Option<(usize, &str)> {
    let mut words = line.split_whitespace();
    let count = words.next()?.parse().ok()?;
    let ["values", "hashing", "to"] = [words.next()?, words.next()?, words.next()?] else {
        return None;
    };
    let hash = words.next()?;
    words.next().is_none().then_some((count, hash))
}

/// The MD5 of the values, each followed by a newline, in lower-case hex.
fn md5_of(values: &[String]) -> String {
    let mut hasher = Md5::new();
    for value in values {
        hasher.update(value.as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One value as sqllogictest prints it for a column of type `column` (`I`, `R`, `T`).
fn render(value: Option<&str>, column: Option<char>) -> String {
    let Some(text) = value else {
        return "NULL".to_owned();
    };
    match column {
        Some('I') if text.parse::<i64>().is_err() => match text.parse::<f64>() {
            Ok(number) => format!("{}", number.trunc()),
            Err(_) => text.to_owned(),
        },
        Some('R') => match text.parse::<f64>() {
            Ok(number) => format!("{number:.3}"),
            Err(_) => text.to_owned(),
        },
        _ if text.is_empty() => "(empty)".to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(types: &str, sort_mode: SortMode) -> QueryCase {
        QueryCase {
            types: types.chars().collect(),
            sort_mode,
            expected: None,
            expects_error: false,
            hash_threshold: 8,
        }
    }

    fn rows(values: &[&[Option<&str>]]) -> Vec<Row> {
        values
            .iter()
            .map(|row| row.iter().map(|v| v.map(str::to_owned)).collect())
            .collect()
    }

    #[test]
    fn renders_and_sorts_like_sqllogictest() {
        let answer = rows(&[&[Some("2"), Some("1.5")], &[Some("1"), None]]);
        let expected: Vec<String> = ["1", "NULL", "2", "1.500"].map(str::to_owned).to_vec();
        assert!(matches(&query("IR", SortMode::RowSort), &expected, &answer));
        assert!(!matches(&query("IR", SortMode::NoSort), &expected, &answer));
    }

    #[test]
    fn compares_hashes_past_the_threshold() {
        let answer = rows(&[&[Some("1")], &[Some("2")]]);
        let hash = md5_of(&["1".to_owned(), "2".to_owned()]);
        let expected = vec![format!("2 values hashing to {hash}")];
        assert!(matches(&query("I", SortMode::NoSort), &expected, &answer));
        let wrong = vec![format!("3 values hashing to {hash}")];
        assert!(!matches(&query("I", SortMode::NoSort), &wrong, &answer));
    }
}
