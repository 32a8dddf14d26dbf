//! The journal: a SQLite file (WAL) where events wait between commit and delivery, and where
//! dead ones stay (the dead-letter queue). One thread owns the connection and writes in group
//! commits: every command waiting when it wakes goes into one transaction, so a burst of
//! commits costs one fsync.
//!
//! A transaction's events are appended before its COMMIT is answered; a delivery removes its
//! row; a delivery that ran out of attempts becomes `dead` with its last error. At start the
//! rows still `pending` are delivered again, and `pgbridge dlq replay` turns `dead` rows into
//! `replay` ones, which the thread picks up within a second.
//!
//! Memory is bounded by `queue_capacity`: deliveries are handed to the dispatcher only while
//! fewer than that are in memory. Past it the journal "spills": new deliveries stay on disk
//! only, and are read back in commit order as the dispatcher drains, so a receiver that is down
//! for hours costs disk, not memory, and never slows a COMMIT.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::oneshot;

use super::dispatch::Router;

use super::event::{Event, Operation};

/// The journal's tables. `dlq` is the view `pgbridge dlq` and SQL users read.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    operation TEXT NOT NULL,
    subject TEXT,
    ordering_key TEXT NOT NULL,
    body TEXT NOT NULL,
    journaled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER NOT NULL REFERENCES events (seq),
    target TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'dead', 'replay')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (seq, target)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS dlq AS
    SELECT e.seq, e.id AS event_id, d.target, e.table_name, e.operation, e.subject,
           d.attempts, d.last_error, d.updated_at AS failed_at, e.body AS event
    FROM deliveries d JOIN events e ON e.seq = d.seq
    WHERE d.state = 'dead';
";

/// A delivery to make: event `seq` to the target at index `target`.
#[derive(Debug, Clone)]
pub struct Job {
    pub seq: i64,
    pub target: usize,
    pub event: Arc<Event>,
}

/// An event to append, with the indexes of the targets it goes to.
pub type Routed = (Arc<Event>, Vec<usize>);

enum Command {
    Append {
        events: Vec<Routed>,
        done: oneshot::Sender<Result<(), String>>,
    },
    Dead {
        seq: i64,
        target: usize,
        attempts: usize,
        error: String,
    },
}

/// The handle the pipeline writes through.
#[derive(Clone)]
pub struct Journal {
    commands: mpsc::Sender<Command>,
    delivered: Delivered,
}

/// Deliveries done since the journal last wrote.
type Delivered = Arc<Mutex<Vec<(i64, usize)>>>;

/// Opens (or creates) a journal database with its pragmas and tables.
pub fn open_connection(path: &Path, sync: &str) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(
        None,
        "synchronous",
        if sync == "normal" { "NORMAL" } else { "FULL" },
    )?;
    connection.execute_batch(SCHEMA)?;
    Ok(connection)
}

/// The journal before its thread starts: the dispatcher needs the [`Journal`] handle to
/// report deliveries, and the thread needs the dispatcher's [`Router`] to hand them out.
pub struct Unstarted {
    writer: Writer,
    receiver: mpsc::Receiver<Command>,
}

impl Journal {
    /// Opens the journal file; [`Unstarted::start`] starts its thread.
    pub fn open(
        path: &Path,
        sync: &str,
        targets: Vec<String>,
        queue: QueueBound,
    ) -> Result<(Journal, Unstarted), String> {
        let connection = open_connection(path, sync)
            .map_err(|e| format!("cannot open the observer journal {}: {e}", path.display()))?;
        let delivered = Delivered::default();
        let (commands, receiver) = mpsc::channel();
        let writer = Writer {
            connection,
            targets,
            router: None,
            queue,
            delivered: Arc::clone(&delivered),
            // What an earlier run left pending is read back like a spill, from the start.
            spilled: true,
            sent_through: 0,
        };
        Ok((
            Journal {
                commands,
                delivered,
            },
            Unstarted { writer, receiver },
        ))
    }
}

impl Unstarted {
    /// Starts the journal thread, delivering through `router`; deliveries left `pending` by
    /// an earlier run go first, in commit order.
    pub fn start(self, router: Router) -> Result<(), String> {
        let Unstarted {
            mut writer,
            receiver,
        } = self;
        writer.router = Some(router);
        writer
            .refill()
            .map_err(|e| format!("cannot read the observer journal: {e}"))?;
        std::thread::Builder::new()
            .name("pgbridge-journal".to_owned())
            .spawn(move || writer.run(&receiver))
            .map_err(|e| format!("cannot start the journal thread: {e}"))?;
        Ok(())
    }
}

impl Journal {
    /// Appends a committed transaction's events; returns once they are on disk.
    pub async fn append(&self, events: Vec<Routed>) -> Result<(), String> {
        let (done, answer) = oneshot::channel();
        self.commands
            .send(Command::Append { events, done })
            .map_err(|_| "the journal thread has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the journal thread has stopped".to_owned())?
    }

    /// Records a delivery as done. It is not a command: done deliveries are collected and
    /// written with the next group (at most [`ACK_FLUSH`] later), so a delivery costs no wake-up
    /// of the journal thread. A crash in that window delivers them again (at least once).
    pub fn delivered(&self, seq: i64, target: usize) {
        self.delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((seq, target));
    }

    pub fn dead(&self, seq: i64, target: usize, attempts: usize, error: String) {
        let _ = self.commands.send(Command::Dead {
            seq,
            target,
            attempts,
            error,
        });
    }
}

/// How many deliveries may be in memory, and how many are: the dispatcher's lanes give back
/// one unit per delivery settled (delivered, dead, or skipped as a duplicate).
#[derive(Clone)]
pub struct QueueBound {
    pub capacity: usize,
    pub in_memory: Arc<AtomicUsize>,
}

struct Writer {
    connection: Connection,
    targets: Vec<String>,
    /// The dispatcher's lanes (set when the thread starts).
    router: Option<Router>,
    queue: QueueBound,
    delivered: Delivered,
    /// Deliveries past `sent_through` wait in the journal only.
    spilled: bool,
    /// The last event seq handed to the dispatcher.
    sent_through: i64,
}

/// Commands written in one transaction at most.
const GROUP_LIMIT: usize = 4096;
/// How often `replay` rows are looked for.
const REPLAY_POLL: Duration = Duration::from_millis(500);
/// How often done deliveries are written, and a spilled journal checks whether the
/// dispatcher has room again, when no command wakes the thread sooner.
pub const ACK_FLUSH: Duration = Duration::from_millis(50);

impl Writer {
    fn run(mut self, receiver: &mpsc::Receiver<Command>) {
        let mut replay_checked = Instant::now();
        let mut acks_written = Instant::now();
        loop {
            if let Err(error) = self.refill() {
                tracing::error!(%error, "cannot read spilled events from the journal");
            }
            let mut group = Vec::new();
            let mut stopping = false;
            match receiver.recv_timeout(ACK_FLUSH.saturating_sub(acks_written.elapsed())) {
                Ok(command) => group.push(command),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => stopping = true,
            }
            while group.len() < GROUP_LIMIT {
                match receiver.try_recv() {
                    Ok(command) => group.push(command),
                    Err(_) => break,
                }
            }
            // Done deliveries are written every ACK_FLUSH, not with every group: by then most
            // of them form runs of consecutive seqs, each deleted by one statement.
            let delivered = if stopping || acks_written.elapsed() >= ACK_FLUSH {
                acks_written = Instant::now();
                std::mem::take(
                    &mut *self
                        .delivered
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner),
                )
            } else {
                Vec::new()
            };
            if !group.is_empty() || !delivered.is_empty() {
                self.write(group, delivered);
            }
            if stopping {
                return;
            }
            if replay_checked.elapsed() >= REPLAY_POLL {
                replay_checked = Instant::now();
                if let Err(error) = self.replay() {
                    tracing::error!(%error, "cannot read replayed events from the journal");
                }
            }
        }
    }

    /// Writes a group of commands in one transaction, then answers the appends and hands
    /// their deliveries to the dispatcher.
    fn write(&mut self, group: Vec<Command>, delivered: Vec<(i64, usize)>) {
        let mut appended = Vec::new();
        let mut answers = Vec::new();
        let result = (|| -> rusqlite::Result<()> {
            let transaction = self.connection.unchecked_transaction()?;
            // The time of the group, as the columns' defaults would write it, formatted once
            // (SQLite's strftime would run once per row).
            let now = chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string();
            {
                let mut insert_event = transaction.prepare_cached(
                    "INSERT INTO events
                         (id, table_name, operation, subject, ordering_key, body, journaled_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                let mut insert_delivery = transaction.prepare_cached(
                    "INSERT INTO deliveries (seq, target, state, updated_at)
                     VALUES (?1, ?2, 'pending', ?3)",
                )?;
                let mut kill = transaction.prepare_cached(
                    "UPDATE deliveries SET state = 'dead', attempts = ?3, last_error = ?4,
                         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                     WHERE seq = ?1 AND target = ?2",
                )?;
                for command in group {
                    match command {
                        Command::Append { events, done } => {
                            for (event, targets) in events {
                                insert_event.execute(params![
                                    event.id,
                                    event.table,
                                    event.operation.name(),
                                    event.subject,
                                    event.ordering_key,
                                    event.body,
                                    now
                                ])?;
                                let seq = transaction.last_insert_rowid();
                                for &target in &targets {
                                    insert_delivery.execute(params![
                                        seq,
                                        self.targets[target],
                                        now
                                    ])?;
                                    appended.push(Job {
                                        seq,
                                        target,
                                        event: Arc::clone(&event),
                                    });
                                }
                            }
                            answers.push(done);
                        }
                        Command::Dead {
                            seq,
                            target,
                            attempts,
                            error,
                        } => {
                            kill.execute(params![
                                seq,
                                self.targets[target],
                                i64::try_from(attempts).unwrap_or(i64::MAX),
                                error
                            ])?;
                        }
                    }
                }
            }
            forget(&transaction, &self.targets, delivered)?;
            transaction.commit()
        })();
        let answer = result.map_err(|e| format!("the observer journal cannot write: {e}"));
        if let Err(error) = &answer {
            tracing::error!(%error, "observer journal write failed");
            appended.clear();
        }
        for done in answers {
            let _ = done.send(answer.clone());
        }
        let Some(last) = appended.last().map(|job| job.seq) else {
            return;
        };
        let in_memory = self.queue.in_memory.load(Ordering::Acquire);
        if self.spilled || in_memory + appended.len() > self.queue.capacity {
            if !self.spilled {
                tracing::warn!(
                    capacity = self.queue.capacity,
                    "observer queue full: new events wait in the journal until it drains"
                );
            }
            self.spilled = true;
            return;
        }
        self.send(appended);
        self.sent_through = last;
    }

    fn send(&self, jobs: Vec<Job>) {
        self.queue.in_memory.fetch_add(jobs.len(), Ordering::AcqRel);
        if let Some(router) = &self.router {
            for job in jobs {
                router.send(job);
            }
        }
    }

    /// After a spill: reads pending deliveries past `sent_through` back, in commit order, while
    /// fewer than half the capacity are in memory; the spill ends when none are left.
    fn refill(&mut self) -> rusqlite::Result<()> {
        let in_memory = self.queue.in_memory.load(Ordering::Acquire);
        if !self.spilled || in_memory > self.queue.capacity / 2 {
            return Ok(());
        }
        let room = self.queue.capacity - in_memory;
        let found = self.read_deliveries(
            "d.state = 'pending' AND d.seq IN (
                 SELECT seq FROM deliveries WHERE state = 'pending' AND seq > ?1
                 GROUP BY seq ORDER BY seq LIMIT ?2)",
            params![self.sent_through, i64::try_from(room).unwrap_or(i64::MAX)],
        )?;
        let events = found
            .iter()
            .map(|job| job.seq)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if let Some(last) = found.last() {
            self.sent_through = last.seq;
        }
        if events < room {
            self.spilled = false;
        }
        if !found.is_empty() {
            tracing::info!(count = found.len(), "delivering journaled events");
            self.send(found);
        }
        Ok(())
    }

    /// Deliveries `pgbridge dlq replay` marked: pending again, and sent.
    fn replay(&self) -> rusqlite::Result<()> {
        let found = self.read_deliveries("d.state = 'replay'", params![])?;
        if found.is_empty() {
            return Ok(());
        }
        self.connection.execute(
            "UPDATE deliveries SET state = 'pending', attempts = 0 WHERE state = 'replay'",
            [],
        )?;
        tracing::info!(count = found.len(), "replaying dead events");
        self.send(found);
        Ok(())
    }

    /// The deliveries matching `filter` (over `deliveries d`), in commit order, as jobs;
    /// those of targets no longer configured become dead.
    fn read_deliveries(
        &self,
        filter: &str,
        parameters: impl rusqlite::Params,
    ) -> rusqlite::Result<Vec<Job>> {
        let mut found = Vec::new();
        {
            let mut statement = self.connection.prepare_cached(&format!(
                "SELECT e.seq, d.target, e.id, e.table_name, e.operation, e.subject,
                        e.ordering_key, e.body
                 FROM deliveries d JOIN events e ON e.seq = d.seq
                 WHERE {filter} ORDER BY e.seq"
            ))?;
            let mut rows = statement.query(parameters)?;
            while let Some(row) = rows.next()? {
                let target_name: String = row.get(1)?;
                let operation: String = row.get(4)?;
                let event = Event {
                    id: row.get(2)?,
                    table: row.get(3)?,
                    operation: Operation::parse(&operation).unwrap_or(Operation::Insert),
                    subject: row.get(5)?,
                    ordering_key: row.get(6)?,
                    body: row.get(7)?,
                };
                found.push((row.get::<_, i64>(0)?, target_name, Arc::new(event)));
            }
        }
        let mut jobs = Vec::with_capacity(found.len());
        for (seq, name, event) in found {
            match self.targets.iter().position(|t| *t == name) {
                Some(target) => jobs.push(Job { seq, target, event }),
                None => {
                    self.connection.execute(
                        "UPDATE deliveries SET state = 'dead',
                             last_error = 'the target is no longer configured'
                         WHERE seq = ?1 AND target = ?2",
                        params![seq, name],
                    )?;
                }
            }
        }
        Ok(jobs)
    }
}

/// Deletes the rows of done deliveries, and the events no delivery needs any more: one
/// statement per run of consecutive seqs (of one target for deliveries), not two per delivery.
fn forget(
    transaction: &rusqlite::Transaction<'_>,
    targets: &[String],
    mut delivered: Vec<(i64, usize)>,
) -> rusqlite::Result<()> {
    if delivered.is_empty() {
        return Ok(());
    }
    delivered.sort_unstable_by_key(|&(seq, target)| (target, seq));
    delivered.dedup();
    let mut delete_deliveries = transaction
        .prepare_cached("DELETE FROM deliveries WHERE seq BETWEEN ?2 AND ?3 AND target = ?1")?;
    for (target, first, last) in runs(delivered.iter().map(|&(seq, target)| (target, seq))) {
        delete_deliveries.execute(params![targets[target], first, last])?;
    }
    let mut seqs: Vec<i64> = delivered.iter().map(|&(seq, _)| seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    let mut delete_events = transaction.prepare_cached(
        "DELETE FROM events WHERE seq BETWEEN ?1 AND ?2
         AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.seq = events.seq)",
    )?;
    for (_, first, last) in runs(seqs.into_iter().map(|seq| (0, seq))) {
        delete_events.execute(params![first, last])?;
    }
    Ok(())
}

/// Runs of consecutive seqs of one group in `(group, seq)` pairs sorted by group then seq:
/// `(group, first, last)`.
fn runs(sorted: impl Iterator<Item = (usize, i64)>) -> Vec<(usize, i64, i64)> {
    let mut runs: Vec<(usize, i64, i64)> = Vec::new();
    for (group, seq) in sorted {
        match runs.last_mut() {
            Some((run_group, _, last)) if *run_group == group && *last + 1 == seq => *last = seq,
            _ => runs.push((group, seq, seq)),
        }
    }
    runs
}

/// Whether the journal at `path` exists and has the observer tables (for the CLI).
pub fn exists(path: &Path) -> bool {
    path.exists()
        && Connection::open(path)
            .and_then(|c| {
                c.query_row(
                    "SELECT 1 FROM sqlite_master WHERE name = 'deliveries'",
                    [],
                    |_| Ok(()),
                )
                .optional()
            })
            .ok()
            .flatten()
            .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_consecutive_seqs_of_one_group() {
        let pairs = [(0, 1), (0, 2), (0, 3), (0, 5), (1, 6), (1, 7), (2, 8)];
        assert_eq!(
            runs(pairs.into_iter()),
            vec![(0, 1, 3), (0, 5, 5), (1, 6, 7), (2, 8, 8)]
        );
    }

    /// Deliveries left in a journal after `forget`, and the events left.
    fn left_after(delivered: Vec<(i64, usize)>) -> (Vec<(i64, String)>, Vec<i64>) {
        let connection = open_connection(Path::new(":memory:"), "normal").unwrap();
        let targets = vec!["a".to_owned(), "b".to_owned()];
        for seq in 1..=8 {
            connection
                .execute(
                    "INSERT INTO events (seq, id, table_name, operation, ordering_key, body)
                     VALUES (?1, ?1, 't', 'INSERT', 't', '{}')",
                    params![seq],
                )
                .unwrap();
            for target in &targets {
                connection
                    .execute(
                        "INSERT INTO deliveries (seq, target, state) VALUES (?1, ?2, 'pending')",
                        params![seq, target],
                    )
                    .unwrap();
            }
        }
        let transaction = connection.unchecked_transaction().unwrap();
        forget(&transaction, &targets, delivered).unwrap();
        transaction.commit().unwrap();
        let deliveries = connection
            .prepare("SELECT seq, target FROM deliveries ORDER BY seq, target")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let events = connection
            .prepare("SELECT seq FROM events ORDER BY seq")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (deliveries, events)
    }

    #[test]
    fn forget_deletes_exactly_the_done_deliveries_and_the_events_none_needs() {
        // Target a (0) delivered 1-3, 5 and 7 (out of order, 2 twice); target b (1) 2, 3 and 7.
        let delivered = vec![
            (3, 0),
            (1, 0),
            (2, 0),
            (7, 1),
            (5, 0),
            (2, 1),
            (7, 0),
            (3, 1),
            (2, 0),
        ];
        let (deliveries, events) = left_after(delivered);
        let expected: Vec<(i64, String)> = [
            (1, "b"),
            (4, "a"),
            (4, "b"),
            (5, "b"),
            (6, "a"),
            (6, "b"),
            (8, "a"),
            (8, "b"),
        ]
        .into_iter()
        .map(|(seq, target)| (seq, target.to_owned()))
        .collect();
        assert_eq!(deliveries, expected);
        // Events 2, 3 and 7 were delivered to both targets; the others still wait for one.
        assert_eq!(events, vec![1, 4, 5, 6, 8]);
    }

    #[test]
    fn forget_with_nothing_delivered_deletes_nothing() {
        let (deliveries, events) = left_after(Vec::new());
        assert_eq!(deliveries.len(), 16);
        assert_eq!(events, (1..=8).collect::<Vec<i64>>());
    }
}
