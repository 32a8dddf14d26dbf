//! Counts of outcomes per target, over all cases and over queries only.

use crate::compare::Outcome;
use crate::run::{FileResult, TargetName};

/// How many cases came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub same: usize,
    pub differs: usize,
    pub refused: usize,
    pub error: usize,
}

impl Counts {
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Same => self.same += 1,
            Outcome::Differs => self.differs += 1,
            Outcome::Refused(_) => self.refused += 1,
            Outcome::Error(_) => self.error += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.same + self.differs + self.refused + self.error
    }

    /// Percentage of cases that are `same` (100 when there are none).
    pub fn percent_same(&self) -> f64 {
        match self.total() {
            0 => 100.0,
            total => ratio(self.same, total) * 100.0,
        }
    }
}

#[expect(clippy::cast_precision_loss, reason = "case counts are far below 2^52")]
fn ratio(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

/// The totals of one target.
#[derive(Debug, Clone, Copy)]
pub struct TargetTotals {
    pub target: TargetName,
    pub all: Counts,
    pub queries: Counts,
}

/// Totals per target over `files`, in the order of `targets`.
pub fn totals(files: &[FileResult], targets: &[TargetName]) -> Vec<TargetTotals> {
    targets
        .iter()
        .map(|&target| {
            let mut totals = TargetTotals {
                target,
                all: Counts::default(),
                queries: Counts::default(),
            };
            for file in files {
                let file_counts = file_counts(file, target);
                totals.all = sum(totals.all, file_counts.0);
                totals.queries = sum(totals.queries, file_counts.1);
            }
            totals
        })
        .collect()
}

/// (all cases, queries only) of one file for one target.
pub fn file_counts(file: &FileResult, target: TargetName) -> (Counts, Counts) {
    let mut all = Counts::default();
    let mut queries = Counts::default();
    for result in &file.cases {
        for (name, _, outcome) in &result.targets {
            if *name == target {
                all.add(outcome);
                if result.case.is_query() {
                    queries.add(outcome);
                }
            }
        }
    }
    (all, queries)
}

fn sum(a: Counts, b: Counts) -> Counts {
    Counts {
        same: a.same + b.same,
        differs: a.differs + b.differs,
        refused: a.refused + b.refused,
        error: a.error + b.error,
    }
}

/// The totals as plain lines for stdout.
pub fn summary_lines(totals: &[TargetTotals]) -> Vec<String> {
    totals
        .iter()
        .map(|t| {
            format!(
                "{}: {} cases: {} same, {} differs, {} refused, {} error ({:.1}% same); queries: {} of {} same ({:.1}%)",
                t.target.name(),
                t.all.total(),
                t.all.same,
                t.all.differs,
                t.all.refused,
                t.all.error,
                t.all.percent_same(),
                t.queries.same,
                t.queries.total(),
                t.queries.percent_same()
            )
        })
        .collect()
}
