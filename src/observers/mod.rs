//! Observers (feature `observers`): every committed change becomes an event, delivered to
//! webhooks, Slack, SMS (Twilio's API) and email (SMTP) with retries, a dead-letter queue,
//! batching and deduplication. See `docs/observers-guide.md` for users and `docs/architecture.md` §
//! Observers for the design.
//!
//! ```text
//! backend adapter (SQLite pre-update hook)  -> RowChange per changed row
//!   -> engine session (events.rs): kept per transaction, cut back by ROLLBACK TO,
//!      dropped by ROLLBACK, handed over at COMMIT
//!   -> Observers::publish: Event per change (CloudEvents JSON), routed by rules.rs
//!   -> journal.rs: appended in a group commit before the COMMIT is answered
//!   -> dispatch.rs: one lane per ordering key hash per target, retries, dead-letter queue
//!   -> targets/: webhook (Standard Webhooks signature), slack, twilio, email
//! ```
//!
//! * `config.rs`: the `[observers]` section of the configuration file.
//! * `event.rs`: changes, events and their JSON.
//! * `rules.rs`: filters (table globs, operations, changed columns, CEL predicates).
//! * `journal.rs`: the durable queue and the dead-letter queue (a SQLite file).
//! * `dispatch.rs`: lanes, retries with backoff, dedup.
//! * `metrics.rs`: Prometheus metrics.
//! * `dlq.rs`: `pgbridge dlq list|show|replay|purge`.

pub mod config;
mod dispatch;
pub mod dlq;
pub mod event;
mod journal;
pub mod metrics;
mod rules;
pub mod targets;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pgbridge_proxy::SqlError;

pub use self::config::{ObserversConfig, ObserversConfigError};
use self::dispatch::TargetRuntime;
use self::event::{Change, Commit, Event};
use self::journal::{Journal, QueueBound, Routed};
use self::metrics::Metrics;
use self::rules::Rule;

/// The running pipeline, shared by every session of a server.
pub struct Observers {
    journal_path: std::path::PathBuf,
    rules: Vec<Rule>,
    journal: Journal,
    next_transaction: AtomicU64,
    source: String,
    metrics: Arc<Metrics>,
}

impl Observers {
    /// Opens the journal, starts delivery (first of what an earlier run left undelivered), and
    /// returns the pipeline. Must run inside a tokio runtime.
    pub fn start(config: &ObserversConfig) -> Result<Arc<Observers>, ObserversConfigError> {
        if !matches!(config.journal.sync.as_str(), "normal" | "full") {
            return Err(ObserversConfigError(format!(
                "journal.sync = \"{}\" is not normal or full",
                config.journal.sync
            )));
        }
        let names: Vec<String> = config.targets.iter().map(|t| t.name.clone()).collect();
        for (index, name) in names.iter().enumerate() {
            if names[..index].contains(name) {
                return Err(ObserversConfigError(format!(
                    "two targets are named \"{name}\""
                )));
            }
        }
        let mut runtimes = Vec::with_capacity(config.targets.len());
        for target in &config.targets {
            let retry = target
                .retry
                .as_ref()
                .unwrap_or(&config.defaults.retry)
                .policy(&target.name)?;
            let batch = match &target.batch {
                Some(batch) => Some((
                    batch.max_events.max(1),
                    config::duration(&batch.max_wait, "batch.max_wait")?,
                )),
                None => None,
            };
            runtimes.push(TargetRuntime {
                name: target.name.clone(),
                target: targets::build(target, &retry)?,
                retry,
                lanes: target.max_in_flight.max(1),
                batch,
            });
        }
        let rules = config
            .rules
            .iter()
            .map(|rule| Rule::compile(rule, &names))
            .collect::<Result<Vec<_>, _>>()?;
        let dedup = moka::sync::Cache::builder()
            .max_capacity(config.dedup.max_entries)
            .time_to_live(config::duration(&config.dedup.window, "dedup.window")?)
            .build();
        let queue = QueueBound {
            capacity: config.queue_capacity.max(1),
            in_memory: Arc::default(),
        };
        let metrics = Arc::new(Metrics::new(&names, Arc::clone(&queue.in_memory)));
        let (journal, unstarted) = Journal::open(
            &config.journal.path,
            &config.journal.sync,
            names,
            queue.clone(),
        )
        .map_err(ObserversConfigError)?;
        let router = dispatch::start(
            runtimes,
            journal.clone(),
            dedup,
            Arc::clone(&metrics),
            queue.in_memory,
        );
        unstarted.start(router).map_err(ObserversConfigError)?;
        let first_transaction = u64::try_from(chrono::Utc::now().timestamp_micros()).unwrap_or(1);
        Ok(Arc::new(Observers {
            journal_path: config.journal.path.clone(),
            rules,
            journal,
            next_transaction: AtomicU64::new(first_transaction),
            source: config.source.clone(),
            metrics,
        }))
    }

    /// The journal's file (`:memory:` for none).
    pub fn journal_path(&self) -> &std::path::Path {
        &self.journal_path
    }

    /// The pipeline's metrics (for `--metrics-listen`).
    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.metrics)
    }

    /// Turns a committed transaction's changes into events, routes them, and journals the
    /// routed ones; returns once they are durable.
    pub async fn publish(
        &self,
        changes: Vec<Change>,
        user: &str,
        application_name: String,
        database: &str,
    ) -> Result<(), SqlError> {
        let commit = Commit {
            transaction_id: self.next_transaction.fetch_add(1, Ordering::Relaxed),
            time: chrono::Utc::now(),
            user: user.to_owned(),
            application_name,
            database: database.to_owned(),
        };
        let mut routed: Vec<Routed> = Vec::new();
        for (position, change) in changes.iter().enumerate() {
            // Rules with the same payload columns share one event (one id).
            let mut by_payload: BTreeMap<&[String], Vec<usize>> = BTreeMap::new();
            for rule in self.rules.iter().filter(|rule| rule.matches(change)) {
                let targets = by_payload.entry(&rule.payload_columns).or_default();
                for &target in &rule.targets {
                    if !targets.contains(&target) {
                        targets.push(target);
                    }
                }
            }
            for (payload_columns, targets) in by_payload {
                let change = restrict(change, payload_columns);
                let event = Event::new(&change, position, &commit, &self.source);
                routed.push((Arc::new(event), targets));
            }
        }
        if routed.is_empty() {
            return Ok(());
        }
        self.metrics.emitted(routed.len());
        self.journal.append(routed).await.map_err(|message| {
            SqlError::new(
                "58030",
                format!(
                    "the transaction is committed, but its observer events could not be journaled: {message}"
                ),
            )
        })
    }
}

/// The change with only `columns` (and the key) in its rows (all when empty).
fn restrict(change: &Change, columns: &[String]) -> Change {
    let Change::Row(row) = change else {
        return change.clone();
    };
    if columns.is_empty() {
        return change.clone();
    }
    let keep: Vec<usize> = row
        .shape
        .columns
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            row.shape.key.contains(i) || columns.iter().any(|c| c.eq_ignore_ascii_case(name))
        })
        .map(|(i, _)| i)
        .collect();
    let shape = event::TableShape {
        columns: keep.iter().map(|&i| row.shape.columns[i].clone()).collect(),
        key: row
            .shape
            .key
            .iter()
            .filter_map(|k| keep.iter().position(|i| i == k))
            .collect(),
    };
    let pick = |values: &Option<Vec<pgbridge_proxy::Value>>| {
        values.as_ref().map(|values| {
            keep.iter()
                .map(|&i| {
                    values
                        .get(i)
                        .cloned()
                        .unwrap_or(pgbridge_proxy::Value::Null)
                })
                .collect()
        })
    };
    Change::Row(event::RowChange {
        table: row.table.clone(),
        operation: row.operation,
        shape: Arc::new(shape),
        old: pick(&row.old),
        new: pick(&row.new),
    })
}
