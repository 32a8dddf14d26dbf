//! `pgbridge dlq`: the observers' dead-letter queue, from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pgbridge::observers::dlq::{self, DlqCommand};

#[derive(Debug, clap::Args)]
pub struct DlqArgs {
    /// The journal file [default: [observers.journal] path of --config, else pgbridge-observers.db]
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    #[command(subcommand)]
    action: DlqAction,
}

#[derive(Debug, clap::Subcommand)]
enum DlqAction {
    /// One line per dead delivery: seq, event id, target, table, operation, key, attempts, error
    List,
    /// The event and last error of one dead delivery
    Show {
        /// Event id or journal seq
        id: String,
    },
    /// Deliver dead events again (a running pgbridge picks them up within a second)
    Replay {
        /// Event id or journal seq
        id: Option<String>,
        /// Every dead delivery
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
    /// Delete dead deliveries for good
    Purge {
        /// Event id or journal seq
        id: Option<String>,
        /// Every dead delivery
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

/// The journal path: the flag, else the config file's, else the default.
fn journal_path(args: &DlqArgs, config: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = &args.journal {
        return Ok(path.clone());
    }
    let section = match config {
        Some(path) => {
            pgbridge::Config::from_file(path)
                .map_err(|e| e.to_string())?
                .observers
        }
        None => None,
    };
    match section {
        Some(section) => pgbridge::observers::ObserversConfig::from_table(&section)
            .map(|config| config.journal.path)
            .map_err(|e| e.to_string()),
        None => Ok(PathBuf::from("pgbridge-observers.db")),
    }
}

fn which(id: Option<String>, all: bool, verb: &str) -> Result<Option<String>, String> {
    match (id, all) {
        (Some(id), _) => Ok(Some(id)),
        (None, true) => Ok(None),
        (None, false) => Err(format!(
            "dlq {verb}: name an event id or seq, or pass --all"
        )),
    }
}

pub fn run(args: DlqArgs, config: Option<&Path>) -> ExitCode {
    let result = journal_path(&args, config).and_then(|path| {
        let command = match args.action {
            DlqAction::List => DlqCommand::List,
            DlqAction::Show { id } => DlqCommand::Show(id),
            DlqAction::Replay { id, all } => DlqCommand::Replay(which(id, all, "replay")?),
            DlqAction::Purge { id, all } => DlqCommand::Purge(which(id, all, "purge")?),
        };
        dlq::run(&path, &command)
    });
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("pgbridge dlq: {message}");
            ExitCode::FAILURE
        }
    }
}
