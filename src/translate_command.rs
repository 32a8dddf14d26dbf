//! `pgbridge translate`: prints what pgbridge would run on a target for some PostgreSQL SQL.
//!
//! For users checking a statement before they point an application at a backend, and for bug
//! reports: the output is exactly the text the engine sends (one statement per line, each ended
//! with `;`), or the error a client would get, with its SQLSTATE.

use std::io::Read;
use std::process::ExitCode;

use pgbridge_dialects::{Target, parse, translate};

/// Arguments of `pgbridge translate`.
#[derive(Debug, clap::Args)]
pub struct TranslateArgs {
    /// Target dialect: sqlite, mysql (or mariadb), mssql
    #[arg(long = "to", value_name = "TARGET", default_value = "sqlite")]
    target: String,
    /// PostgreSQL SQL to translate; `-` or nothing reads standard input
    #[arg(value_name = "SQL")]
    sql: Option<String>,
}

/// Runs the command; the exit code is 1 when any statement could not be translated.
pub fn run(args: TranslateArgs) -> ExitCode {
    let Some(target) = Target::from_name(&args.target) else {
        eprintln!(
            "pgbridge translate: unknown target {:?} (expected sqlite, mysql or mssql)",
            args.target
        );
        return ExitCode::from(2);
    };
    let sql = match args.sql.as_deref() {
        Some("-") | None => {
            let mut text = String::new();
            if let Err(error) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("pgbridge translate: cannot read standard input: {error}");
                return ExitCode::from(2);
            }
            text
        }
        Some(text) => text.to_owned(),
    };
    let statements = match parse(&sql) {
        Ok(statements) => statements,
        Err(error) => {
            eprintln!("ERROR {}: {error}", error.sqlstate());
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for statement in &statements {
        match translate(statement, target) {
            Ok(translation) => println!("{};", translation.sql),
            Err(error) => {
                failed = true;
                eprintln!("ERROR {}: {error}\n  in: {statement}", error.sqlstate());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
