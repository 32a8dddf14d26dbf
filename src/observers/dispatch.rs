//! Delivery: each target has `max_in_flight` lanes, and an event goes to the lane its
//! ordering key (table and primary key) hashes to. A lane delivers one request at a time, in
//! the order it received them, and retries in place, so the events of one row reach the target
//! in commit order while different rows go in parallel.
//!
//! A failed attempt is retried on the backoff schedule of `backon` (exponential, full jitter),
//! waiting at least what a `Retry-After` asked for; a final error or the last attempt sends the
//! delivery to the dead-letter queue in the journal. Delivered event ids are remembered for the
//! dedup window (moka), so a replay or a restart does not deliver them to the same target twice.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use moka::sync::Cache;
use tokio::sync::mpsc;

use super::config::RetryPolicy;
use super::event::Event;
use super::journal::{Job, Journal};
use super::metrics::Metrics;
use super::targets::{DeliveryError, Target};

/// How a target is delivered to.
pub struct TargetRuntime {
    pub name: String,
    pub target: Arc<dyn Target>,
    pub retry: RetryPolicy,
    pub lanes: usize,
    /// `(max_events, max_wait)` when the target takes batches.
    pub batch: Option<(usize, Duration)>,
}

/// The lanes of every target; the journal thread hands each job to the lane its ordering key
/// hashes to, directly (no task in between).
pub struct Router {
    lanes: Vec<Vec<mpsc::UnboundedSender<Job>>>,
    metrics: Arc<Metrics>,
}

impl Router {
    pub fn send(&self, job: Job) {
        let lanes = &self.lanes[job.target];
        let mut hasher = DefaultHasher::new();
        job.event.ordering_key.hash(&mut hasher);
        let lane = usize::try_from(hasher.finish() % lanes.len() as u64).unwrap_or(0);
        self.metrics.queued(job.target, 1);
        let _ = lanes[lane].send(job);
    }
}

/// Starts the lanes of every target; returns the router that feeds them.
pub fn start(
    targets: Vec<TargetRuntime>,
    journal: Journal,
    dedup: Cache<(String, usize), ()>,
    metrics: Arc<Metrics>,
    in_memory: Arc<AtomicUsize>,
) -> Router {
    let lanes: Vec<Vec<mpsc::UnboundedSender<Job>>> = targets
        .into_iter()
        .enumerate()
        .map(|(index, runtime)| {
            let runtime = Arc::new(runtime);
            (0..runtime.lanes.max(1))
                .map(|_| {
                    let (sender, receiver) = mpsc::unbounded_channel();
                    let lane = Lane {
                        index,
                        runtime: Arc::clone(&runtime),
                        journal: journal.clone(),
                        dedup: dedup.clone(),
                        metrics: Arc::clone(&metrics),
                        in_memory: Arc::clone(&in_memory),
                    };
                    tokio::spawn(lane.run(receiver));
                    sender
                })
                .collect()
        })
        .collect();
    Router { lanes, metrics }
}

struct Lane {
    index: usize,
    runtime: Arc<TargetRuntime>,
    journal: Journal,
    dedup: Cache<(String, usize), ()>,
    metrics: Arc<Metrics>,
    /// Deliveries in memory, given back as each is settled (the journal's bound).
    in_memory: Arc<AtomicUsize>,
}

impl Lane {
    async fn run(self, mut receiver: mpsc::UnboundedReceiver<Job>) {
        while let Some(first) = receiver.recv().await {
            let mut jobs = vec![first];
            if let Some((max_events, max_wait)) = self.runtime.batch {
                let deadline = tokio::time::Instant::now() + max_wait;
                while jobs.len() < max_events {
                    match tokio::time::timeout_at(deadline, receiver.recv()).await {
                        Ok(Some(job)) => jobs.push(job),
                        _ => break,
                    }
                }
            }
            self.metrics
                .queued(self.index, -i64::try_from(jobs.len()).unwrap_or(0));
            let (seen, fresh): (Vec<Job>, Vec<Job>) = jobs
                .into_iter()
                .partition(|job| self.dedup.contains_key(&(job.event.id.clone(), self.index)));
            let skipped = seen.len();
            for job in seen {
                tracing::debug!(event = %job.event.id, target = %self.runtime.name, "already delivered: skipped");
                self.journal.delivered(job.seq, self.index);
            }
            let settled = skipped + fresh.len();
            if !fresh.is_empty() {
                self.deliver(fresh).await;
            }
            self.in_memory.fetch_sub(settled, Ordering::AcqRel);
        }
    }

    async fn deliver(&self, jobs: Vec<Job>) {
        let events: Vec<Arc<Event>> = jobs.iter().map(|job| Arc::clone(&job.event)).collect();
        let retry = &self.runtime.retry;
        let mut builder = ExponentialBuilder::default()
            .with_min_delay(retry.initial_backoff)
            .with_max_delay(retry.max_backoff)
            .with_factor(retry.multiplier)
            .with_max_times(retry.max_attempts.saturating_sub(1));
        if retry.jitter {
            builder = builder.with_jitter();
        }
        let mut backoff = builder.build();
        let mut attempts = 0;
        let started = Instant::now();
        let span = tracing::info_span!("deliver", target = %self.runtime.name, events = events.len(), first = %events[0].id);
        let _entered = span.enter();
        loop {
            attempts += 1;
            let error = match self.runtime.target.deliver(&events).await {
                Ok(()) => {
                    for job in &jobs {
                        self.dedup.insert((job.event.id.clone(), self.index), ());
                        self.journal.delivered(job.seq, self.index);
                    }
                    self.metrics
                        .delivered(self.index, jobs.len(), started.elapsed());
                    return;
                }
                Err(error) => error,
            };
            let wait = match &error {
                DeliveryError::Retry { retry_after, .. } => {
                    backoff.next().map(|delay| match retry_after {
                        Some(asked) if retry.respect_retry_after => delay.max(*asked),
                        _ => delay,
                    })
                }
                DeliveryError::Final { .. } => None,
            };
            match wait {
                Some(wait) => {
                    tracing::warn!(
                        attempt = attempts,
                        error = error.message(),
                        ?wait,
                        "delivery failed: will retry"
                    );
                    self.metrics.retried(self.index, jobs.len());
                    tokio::time::sleep(wait).await;
                }
                None => {
                    tracing::error!(
                        attempts,
                        error = error.message(),
                        "delivery failed: dead-lettered"
                    );
                    for job in &jobs {
                        self.journal.dead(
                            job.seq,
                            self.index,
                            attempts,
                            error.message().to_owned(),
                        );
                    }
                    self.metrics.dead(self.index, jobs.len());
                    return;
                }
            }
        }
    }
}
