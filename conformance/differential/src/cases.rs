//! Reads a sqllogictest file into the cases the runner executes.
//!
//! The `sqllogictest` crate parses the file; this module keeps what the runner needs from each
//! record: the SQL, whether it is a statement or a query, how to order a query's rows, and the
//! results the file expects. Conditions are evaluated for the label `postgresql`: cases are
//! PostgreSQL SQL, so `onlyif mysql` records are left out and `skipif postgresql` ones too; a
//! `halt` whose conditions hold for `postgresql` ends the file there.

use std::path::Path;

use sqllogictest::{
    Condition, DefaultColumnType, QueryExpect, Record, SortMode, StatementExpect, parse_with_name,
};

/// The label conditions (`skipif` / `onlyif`) are evaluated against.
const LABEL: &str = "postgresql";

/// One record of a file that the runner executes on every target.
#[derive(Debug, Clone)]
pub struct Case {
    /// Line of the record in its file.
    pub line: String,
    pub sql: String,
    pub kind: CaseKind,
}

#[derive(Debug, Clone)]
pub enum CaseKind {
    /// `statement ok` or `statement error`.
    Statement {
        expects_error: bool,
    },
    Query(QueryCase),
}

/// What a `query` record says beyond its SQL.
#[derive(Debug, Clone)]
pub struct QueryCase {
    /// The column types of the header (`I`, `T`, `R`), as characters.
    pub types: Vec<char>,
    pub sort_mode: SortMode,
    /// The result lines after `----`; `None` when the record has none or expects an error.
    pub expected: Option<Vec<String>>,
    pub expects_error: bool,
    /// The `hash-threshold` in force: more values than this are compared as an MD5 hash.
    pub hash_threshold: u64,
}

impl Case {
    pub fn is_query(&self) -> bool {
        matches!(self.kind, CaseKind::Query(_))
    }
}

/// The runnable cases of a file, in order.
pub fn load(path: &Path) -> anyhow::Result<Vec<Case>> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let records = parse_with_name::<DefaultColumnType>(
        &without_condition_comments(&text),
        path.display().to_string(),
    )
    .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let mut cases = Vec::new();
    let mut hash_threshold = 0;
    // Conditions written since the last statement or query; `halt` obeys them too.
    let mut pending: Vec<Condition> = Vec::new();
    // The parser also hands a skipped `halt`'s conditions to the next record: this many leading
    // conditions of that record are not its own.
    let mut carried = 0;
    for record in records {
        let (loc, conditions, sql, kind) = match record {
            Record::HashThreshold { threshold, .. } => {
                hash_threshold = threshold;
                continue;
            }
            Record::Condition(condition) => {
                pending.push(condition);
                continue;
            }
            Record::Halt { .. } if applies(&pending) => break,
            Record::Halt { .. } => {
                carried = pending.len();
                pending.clear();
                continue;
            }
            Record::Statement {
                loc,
                conditions,
                sql,
                expected,
                ..
            } => {
                let expects_error = matches!(expected, StatementExpect::Error(_));
                (loc, conditions, sql, CaseKind::Statement { expects_error })
            }
            Record::Query {
                loc,
                conditions,
                sql,
                expected,
                ..
            } => {
                let query = query_case(expected, hash_threshold);
                (loc, conditions, sql, CaseKind::Query(query))
            }
            _ => continue,
        };
        pending.clear();
        let own_conditions = conditions.get(carried..).unwrap_or_default();
        carried = 0;
        if applies(own_conditions) {
            cases.push(Case {
                line: line_of(&loc),
                sql,
                kind,
            });
        }
    }
    Ok(cases)
}

fn query_case(expected: QueryExpect<DefaultColumnType>, hash_threshold: u64) -> QueryCase {
    match expected {
        QueryExpect::Results {
            types,
            sort_mode,
            results,
            ..
        } => QueryCase {
            types: types
                .iter()
                .map(sqllogictest::ColumnType::to_char)
                .collect(),
            sort_mode: sort_mode.unwrap_or(SortMode::NoSort),
            // Without `----` the parser gives no lines: that is "not written down", not "no rows".
            expected: (!results.is_empty()).then_some(results),
            expects_error: false,
            hash_threshold,
        },
        QueryExpect::Error(_) => QueryCase {
            types: Vec::new(),
            sort_mode: SortMode::NoSort,
            expected: None,
            expects_error: true,
            hash_threshold,
        },
    }
}

/// SQLite's files write a reason after a condition (`onlyif mysql # DIV for integer division`),
/// which the parser rejects: the reason is cut off, the line count kept.
fn without_condition_comments(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    for line in text.lines() {
        let is_condition = line.starts_with("skipif ") || line.starts_with("onlyif ");
        match line.split_once(" #") {
            Some((condition, _)) if is_condition => cleaned.push_str(condition.trim_end()),
            _ => cleaned.push_str(line),
        }
        cleaned.push('\n');
    }
    cleaned
}

fn applies(conditions: &[Condition]) -> bool {
    conditions.iter().all(|condition| match condition {
        Condition::OnlyIf { label } => label == LABEL,
        Condition::SkipIf { label } => label != LABEL,
    })
}

/// `file:line` without the include chain.
fn line_of(location: &sqllogictest::Location) -> String {
    location.line().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Vec<Case> {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("case.slt");
        std::fs::write(&path, text).expect("write");
        load(&path).expect("loads")
    }

    #[test]
    fn conditions_are_read_for_postgresql() {
        let cases = load_text(
            "onlyif mysql # DIV for integer division\nquery I\nSELECT 7 DIV 2\n----\n3\n\n\
             skipif mysql # not compatible\nquery I rowsort\nSELECT 7 / 2\n----\n3\n\n\
             skipif postgresql\nstatement ok\nSELECT 1\n\nstatement error\nSELECT x\n",
        );
        let sql: Vec<&str> = cases.iter().map(|case| case.sql.as_str()).collect();
        assert_eq!(sql, ["SELECT 7 / 2", "SELECT x"]);
        let CaseKind::Query(query) = &cases[0].kind else {
            panic!("a query");
        };
        assert_eq!(query.sort_mode, SortMode::RowSort);
        assert_eq!(query.expected, Some(vec!["3".to_owned()]));
        assert!(matches!(
            cases[1].kind,
            CaseKind::Statement {
                expects_error: true
            }
        ));
    }

    #[test]
    fn halt_obeys_its_conditions() {
        let cases = load_text(
            "statement ok\nSELECT 1\n\nskipif postgresql\nhalt\n\nstatement ok\nSELECT 2\n\n\
             skipif sqlite\nhalt\n\nstatement ok\nSELECT 3\n",
        );
        let sql: Vec<&str> = cases.iter().map(|case| case.sql.as_str()).collect();
        assert_eq!(sql, ["SELECT 1", "SELECT 2"]);
    }
}
