//! Runs the cases of one file on the oracle and on each target, and classifies every case.

use std::path::Path;
use std::time::Duration;

use crate::answer::{Answer, Failure, OracleAnswer};
use crate::cases::{self, Case, CaseKind};
use crate::compare::{self, Outcome, RowOrder};
use crate::mariadb::MariaDbTarget;
use crate::oracle::Oracle;
use crate::sqlite_target::SqliteTarget;

/// How long one case may take on one target before it counts as an error (57014).
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// A target that is compared with the oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetName {
    Sqlite,
    MariaDb,
}

impl TargetName {
    pub fn from_name(name: &str) -> Option<TargetName> {
        match name {
            "sqlite" => Some(TargetName::Sqlite),
            "mariadb" => Some(TargetName::MariaDb),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TargetName::Sqlite => "sqlite",
            TargetName::MariaDb => "mariadb",
        }
    }
}

/// Where the oracle and MariaDB are.
pub struct Servers {
    pub oracle_url: String,
    pub mariadb_url: String,
}

/// A case and what everybody answered.
pub struct CaseResult {
    pub case: Case,
    pub oracle: OracleAnswer,
    /// Per target, in the order of `--targets`.
    pub targets: Vec<(TargetName, Answer, Outcome)>,
}

/// The results of one file.
pub struct FileResult {
    pub path: String,
    pub cases: Vec<CaseResult>,
    /// Cases where PostgreSQL itself did not do what the file says (`statement ok` failed, ...).
    pub broken: Vec<String>,
    /// Cases whose results after `----` are not what PostgreSQL answers now.
    pub stale: Vec<String>,
}

/// The targets of one file, each fresh.
struct Targets {
    sqlite: Option<SqliteTarget>,
    mariadb: Option<MariaDbTarget>,
}

/// Runs every case of `path`; `isolation` names the oracle schema and the MariaDB database.
pub async fn run_file(
    path: &Path,
    isolation: &str,
    targets: &[TargetName],
    servers: &Servers,
) -> anyhow::Result<FileResult> {
    let cases = match cases::load(path) {
        Ok(cases) => cases,
        // A file that does not parse is broken; the other files still run.
        Err(error) => {
            return Ok(FileResult {
                path: path.display().to_string(),
                cases: Vec::new(),
                broken: vec![format!("does not parse: {error}")],
                stale: Vec::new(),
            });
        }
    };
    let oracle = Oracle::start(&servers.oracle_url, isolation).await?;
    let mut running = Targets {
        sqlite: match targets.contains(&TargetName::Sqlite) {
            true => Some(SqliteTarget::start().await?),
            false => None,
        },
        mariadb: match targets.contains(&TargetName::MariaDb) {
            true => Some(MariaDbTarget::start(&servers.mariadb_url, isolation).await?),
            false => None,
        },
    };
    let mut result = FileResult {
        path: path.display().to_string(),
        cases: Vec::with_capacity(cases.len()),
        broken: Vec::new(),
        stale: Vec::new(),
    };
    for case in cases {
        let oracle_answer = oracle.run(&case.sql, case.is_query()).await;
        check_file_against_oracle(&case, &oracle_answer, &mut result);
        let order = match &case.kind {
            CaseKind::Query(query) => RowOrder::of(&case.sql, query.sort_mode),
            CaseKind::Statement { .. } => RowOrder::Rows,
        };
        let mut answers = Vec::with_capacity(targets.len());
        for &target in targets {
            let answer = running.run(target, &case, &oracle_answer).await;
            let outcome = compare::classify(&oracle_answer, &answer, order);
            answers.push((target, answer, outcome));
        }
        result.cases.push(CaseResult {
            case,
            oracle: oracle_answer,
            targets: answers,
        });
    }
    oracle.finish().await?;
    if let Some(sqlite) = running.sqlite {
        sqlite.finish().await?;
    }
    if let Some(mariadb) = running.mariadb {
        mariadb.finish().await?;
    }
    Ok(result)
}

impl Targets {
    async fn run(&mut self, target: TargetName, case: &Case, oracle: &OracleAnswer) -> Answer {
        let answer = match target {
            TargetName::Sqlite => match &self.sqlite {
                Some(sqlite) => tokio::time::timeout(CASE_TIMEOUT, sqlite.run(&case.sql)).await,
                None => return not_started(),
            },
            TargetName::MariaDb => match &mut self.mariadb {
                Some(mariadb) => {
                    let run = mariadb.run(&case.sql, &oracle.column_types);
                    tokio::time::timeout(CASE_TIMEOUT, run).await
                }
                None => return not_started(),
            },
        };
        let answer = answer
            .unwrap_or_else(|_| Answer::Failed(Failure::new("57014", "timed out in the harness")));
        // A statement's answer is only whether it ran.
        match (&case.kind, answer) {
            (CaseKind::Statement { .. }, Answer::Rows(_)) => Answer::Rows(Vec::new()),
            (_, answer) => answer,
        }
    }
}

fn not_started() -> Answer {
    Answer::Failed(Failure::new("XX000", "target not started"))
}

/// Records where PostgreSQL contradicts the file: broken cases and stale expected results.
fn check_file_against_oracle(case: &Case, oracle: &OracleAnswer, result: &mut FileResult) {
    let location = format!("{}:{}", result.path, case.line);
    let failed = matches!(oracle.answer, Answer::Failed(_));
    let expects_error = match &case.kind {
        CaseKind::Statement { expects_error } => *expects_error,
        CaseKind::Query(query) => query.expects_error,
    };
    if failed != expects_error {
        let what = match &oracle.answer {
            Answer::Failed(failure) => {
                format!(
                    "PostgreSQL failed: {} {}",
                    failure.sqlstate, failure.message
                )
            }
            Answer::Rows(_) => "PostgreSQL succeeded where the file expects an error".to_owned(),
        };
        result.broken.push(format!("{location}: {what}"));
        return;
    }
    if let (CaseKind::Query(query), Answer::Rows(rows)) = (&case.kind, &oracle.answer)
        && let Some(expected) = &query.expected
        && !crate::expected::matches(query, expected, rows)
    {
        result.stale.push(location);
    }
}
