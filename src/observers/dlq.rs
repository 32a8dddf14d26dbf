//! `pgbridge dlq list|show|replay|purge`: the dead-letter queue of the journal, read and
//! changed directly in its SQLite file (WAL lets this run beside a running pgbridge, which
//! picks replayed events up within a second; one that is stopped delivers them at start).

use std::path::Path;

use rusqlite::{Connection, params};

use super::journal;

/// What to do with the dead-letter queue.
#[derive(Debug, Clone)]
pub enum DlqCommand {
    /// One line per dead delivery.
    List,
    /// The whole event and last error of one dead delivery (by event id or journal seq).
    Show(String),
    /// Delivers again the named dead deliveries (or all).
    Replay(Option<String>),
    /// Deletes the named dead deliveries (or all).
    Purge(Option<String>),
}

fn open(path: &Path) -> Result<Connection, String> {
    if !journal::exists(path) {
        return Err(format!(
            "{} is not an observer journal (set [observers.journal] path, or pass --journal)",
            path.display()
        ));
    }
    journal::open_connection(path, "full").map_err(|e| format!("{}: {e}", path.display()))
}

/// `WHERE` for one dead delivery by event id or seq, or every one.
fn selector(which: Option<&str>) -> (String, String) {
    match which {
        Some(which) => (
            "state = 'dead' AND seq IN (SELECT seq FROM events WHERE id = ?1 OR CAST(seq AS TEXT) = ?1)"
                .to_owned(),
            which.to_owned(),
        ),
        None => ("state = 'dead' AND ?1 = ?1".to_owned(), String::new()),
    }
}

/// Runs a dead-letter queue command on the journal at `path`; returns what to print.
pub fn run(path: &Path, command: &DlqCommand) -> Result<String, String> {
    let connection = open(path)?;
    let failed = |e: rusqlite::Error| format!("{}: {e}", path.display());
    match command {
        DlqCommand::List => {
            let mut statement = connection
                .prepare(
                    "SELECT seq, event_id, target, table_name, operation, coalesce(subject, ''),
                            attempts, failed_at, coalesce(last_error, '')
                     FROM dlq ORDER BY seq",
                )
                .map_err(failed)?;
            let mut out = String::from(
                "seq\tevent_id\ttarget\ttable\toperation\tkey\tattempts\tfailed_at\tlast_error\n",
            );
            let mut rows = statement.query([]).map_err(failed)?;
            let mut count = 0;
            while let Some(row) = rows.next().map_err(failed)? {
                let cells: Vec<String> = (0..9)
                    .map(|i| {
                        row.get::<_, rusqlite::types::Value>(i)
                            .map(|v| match v {
                                rusqlite::types::Value::Integer(n) => n.to_string(),
                                rusqlite::types::Value::Text(t) => t,
                                _ => String::new(),
                            })
                            .unwrap_or_default()
                    })
                    .collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
                count += 1;
            }
            out.push_str(&format!("({count} dead deliveries)\n"));
            Ok(out)
        }
        DlqCommand::Show(which) => {
            let found = connection.query_row(
                "SELECT target, attempts, failed_at, coalesce(last_error, ''), event
                 FROM dlq WHERE event_id = ?1 OR CAST(seq AS TEXT) = ?1",
                [which],
                |row| {
                    Ok(format!(
                        "target: {}\nattempts: {}\nfailed_at: {}\nlast_error: {}\nevent: {}\n",
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?
                    ))
                },
            );
            match found {
                Ok(text) => Ok(text),
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    Err(format!("no dead delivery has event id or seq \"{which}\""))
                }
                Err(e) => Err(failed(e)),
            }
        }
        DlqCommand::Replay(which) => {
            let (filter, value) = selector(which.as_deref());
            let changed = connection
                .execute(
                    &format!("UPDATE deliveries SET state = 'replay' WHERE {filter}"),
                    params![value],
                )
                .map_err(failed)?;
            Ok(format!("{changed} dead deliveries queued for replay\n"))
        }
        DlqCommand::Purge(which) => {
            let (filter, value) = selector(which.as_deref());
            let changed = connection
                .execute(
                    &format!("DELETE FROM deliveries WHERE {filter}"),
                    params![value],
                )
                .map_err(failed)?;
            connection
                .execute(
                    "DELETE FROM events WHERE seq NOT IN (SELECT seq FROM deliveries)",
                    [],
                )
                .map_err(failed)?;
            Ok(format!("{changed} dead deliveries purged\n"))
        }
    }
}
