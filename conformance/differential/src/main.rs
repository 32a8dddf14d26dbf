//! The differential harness: runs sqllogictest case files on real PostgreSQL (the oracle), on
//! pgbridge over SQLite and on MariaDB (through pgbridge-dialects' MySQL translation), classifies
//! every case against the oracle, writes `docs/dialect-report.md` and prints the totals.
//!
//! ```text
//! cargo run -p pgbridge-differential -- --cases conformance/differential/cases/harness_types.slt
//! ```

mod answer;
mod cases;
mod compare;
mod expected;
mod mariadb;
mod oracle;
mod postgres_wire;
mod report;
mod run;
mod schema;
mod sqlite_target;
mod totals;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use run::{FileResult, Servers, TargetName};

/// Runs sqllogictest cases on PostgreSQL and on pgbridge's targets and reports the differences.
#[derive(Parser, Debug)]
#[command(name = "pgbridge-differential")]
struct Args {
    /// Case files or directories of `*.slt` / `*.test` files.
    #[arg(long, num_args = 1.., default_values = ["conformance/differential/cases", "conformance/differential/corpus"])]
    cases: Vec<PathBuf>,
    /// Where the Markdown report goes.
    #[arg(long, default_value = "docs/dialect-report.md")]
    report: PathBuf,
    /// Targets compared with PostgreSQL: `sqlite`, `mariadb`, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,mariadb")]
    targets: Vec<String>,
    /// Fail unless every target answers at least this percentage of cases as PostgreSQL does.
    #[arg(long)]
    require_same: Option<f64>,
    /// Fail when any case `differs` (a wrong answer, as opposed to a refusal or an error).
    #[arg(long)]
    forbid_differs: bool,
    /// The oracle, as a libpq connection string.
    #[arg(long, env = "PGBRIDGE_ORACLE_URL", default_value = oracle::DEFAULT_URL)]
    oracle_url: String,
    /// MariaDB, as a `mysql://` URL.
    #[arg(long, env = "PGBRIDGE_MARIADB_URL", default_value = mariadb::DEFAULT_URL)]
    mariadb_url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let targets = parse_targets(&args.targets)?;
    let files = case_files(&args.cases)?;
    let servers = Servers {
        oracle_url: args.oracle_url.clone(),
        mariadb_url: args.mariadb_url.clone(),
    };
    let info = report::RunInfo {
        command: command_line(),
        postgres_version: oracle::server_version(&servers.oracle_url).await?,
        mariadb_version: match targets.contains(&TargetName::MariaDb) {
            true => Some(mariadb::server_version(&servers.mariadb_url).await?),
            false => None,
        },
        sqlite_version: sqlite_target::SqliteTarget::version().to_owned(),
    };
    let isolation_prefix = format!("pgbridge_differential_{}", std::process::id());
    let mut results: Vec<FileResult> = Vec::with_capacity(files.len());
    for (index, path) in files.iter().enumerate() {
        println!("{}", path.display());
        let isolation = format!("{isolation_prefix}_{index}");
        results.push(run::run_file(path, &isolation, &targets, &servers).await?);
    }
    let totals = totals::totals(&results, &targets);
    let markdown = report::render(&info, &results, &targets, &totals);
    if let Some(parent) = args.report.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.report, markdown)?;

    let mut status = ExitCode::SUCCESS;
    for result in &results {
        for line in &result.broken {
            eprintln!("BROKEN CASE (PostgreSQL contradicts the file): {line}");
            status = ExitCode::FAILURE;
        }
        for line in &result.stale {
            eprintln!("stale expected results (PostgreSQL answers otherwise): {line}");
        }
    }
    for line in totals::summary_lines(&totals) {
        println!("{line}");
    }
    println!("report: {}", args.report.display());
    for total in &totals {
        if let Some(required) = args.require_same
            && total.all.percent_same() < required
        {
            eprintln!(
                "{}: {:.1}% same, below the required {required}%",
                total.target.name(),
                total.all.percent_same()
            );
            status = ExitCode::FAILURE;
        }
        if args.forbid_differs && total.all.differs > 0 {
            eprintln!(
                "{}: {} cases differ from PostgreSQL (--forbid-differs)",
                total.target.name(),
                total.all.differs
            );
            status = ExitCode::FAILURE;
        }
    }
    Ok(status)
}

fn parse_targets(names: &[String]) -> anyhow::Result<Vec<TargetName>> {
    names
        .iter()
        .map(|name| {
            TargetName::from_name(name.trim())
                .ok_or_else(|| anyhow::anyhow!("unknown target '{name}' (known: sqlite, mariadb)"))
        })
        .collect()
}

/// The files named, and the `*.slt` / `*.test` files of the directories named, sorted.
fn case_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| is_case_file(file))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            anyhow::bail!("{}: no such file or directory", path.display());
        }
    }
    Ok(files)
}

fn is_case_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("slt" | "test")
    )
}

/// The command as someone would type it to regenerate the report.
fn command_line() -> String {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if arguments.is_empty() {
        "cargo run -p pgbridge-differential".to_owned()
    } else {
        format!(
            "cargo run -p pgbridge-differential -- {}",
            arguments.join(" ")
        )
    }
}
