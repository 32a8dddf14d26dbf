//! Queries being streamed to clients, by the ticket that started them, so that
//! CancelFlightInfo (and Flight SQL's older CancelQuery) can stop them, and the deadline every
//! call gets.
//!
//! A DoGet registers its query under its ticket's bytes for as long as the stream runs (the
//! returned [`Registration`] removes it when dropped). Cancelling a FlightInfo stops every query
//! of that caller whose ticket is one of the FlightInfo's endpoints: the query's [`Control`]
//! is cancelled, the streaming task interrupts the backend statement and ends the stream with
//! 57014.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::SqlError;

/// PostgreSQL's message for a statement stopped by its timeout; the gRPC status is then
/// DEADLINE_EXCEEDED rather than CANCELLED.
pub const STATEMENT_TIMEOUT: &str = "canceling statement due to statement timeout";

/// How a running call is stopped: by a cancel request or by its deadline.
#[derive(Debug, Clone, Default)]
pub struct Control {
    cancelled: CancellationToken,
    deadline: Option<Instant>,
}

impl Control {
    /// A control ending at `timeout` from now, when there is one.
    pub fn new(timeout: Option<Duration>) -> Control {
        Control {
            cancelled: CancellationToken::new(),
            deadline: timeout.map(|timeout| Instant::now() + timeout),
        }
    }

    /// Completes when the call must stop, with the error that says why.
    pub async fn stopped(&self) -> SqlError {
        let deadline = async {
            match self.deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = self.cancelled.cancelled() => {
                SqlError::new("57014", "canceling statement due to user request")
            }
            () = deadline => SqlError::new("57014", STATEMENT_TIMEOUT),
        }
    }

    /// Runs `work` unless the call must stop first; then `interrupt` is called (it stops the
    /// backend statement) and the stop's error returned.
    pub async fn run<T>(
        &self,
        work: impl Future<Output = Result<T, SqlError>>,
        interrupt: impl FnOnce(),
    ) -> Result<T, SqlError> {
        tokio::select! {
            biased;
            result = work => result,
            error = self.stopped() => {
                interrupt();
                Err(error)
            }
        }
    }

    fn cancel(&self) {
        self.cancelled.cancel();
    }
}

struct Entry {
    id: u64,
    user: String,
    control: Control,
}

/// The queries being streamed, by ticket.
#[derive(Default)]
pub struct Running {
    queries: Mutex<HashMap<Vec<u8>, Vec<Entry>>>,
    next_id: AtomicU64,
}

impl Running {
    /// Records the query of `user` that `ticket` started, until the registration is dropped.
    pub fn register(
        self: &Arc<Self>,
        ticket: &[u8],
        user: &str,
        control: &Control,
    ) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let entry = Entry {
            id,
            user: user.to_owned(),
            control: control.clone(),
        };
        self.lock().entry(ticket.to_vec()).or_default().push(entry);
        Registration {
            running: Arc::clone(self),
            ticket: ticket.to_vec(),
            id,
        }
    }

    /// Cancels the queries of `user` started by any of `tickets`; answers how many there were.
    pub fn cancel<'a>(&self, user: &str, tickets: impl IntoIterator<Item = &'a [u8]>) -> usize {
        let queries = self.lock();
        let mut cancelled = 0;
        for ticket in tickets {
            for entry in queries.get(ticket).into_iter().flatten() {
                if entry.user == user {
                    entry.control.cancel();
                    cancelled += 1;
                }
            }
        }
        cancelled
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Vec<Entry>>> {
        self.queries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A query's place in [`Running`]; dropping it removes the query.
pub struct Registration {
    running: Arc<Running>,
    ticket: Vec<u8>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut queries = self.running.lock();
        if let Some(entries) = queries.get_mut(&self.ticket) {
            entries.retain(|entry| entry.id != self.id);
            if entries.is_empty() {
                queries.remove(&self.ticket);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cancelling_a_ticket_stops_only_that_callers_queries() {
        let running = Arc::new(Running::default());
        let ada = Control::new(None);
        let bob = Control::new(None);
        let _ada_query = running.register(b"ticket", "ada", &ada);
        let _bob_query = running.register(b"ticket", "bob", &bob);
        assert_eq!(running.cancel("ada", [b"other".as_slice()]), 0);
        assert_eq!(running.cancel("ada", [b"ticket".as_slice()]), 1);
        let error = ada.stopped().await;
        assert_eq!(error.code, "57014");
        assert!(error.message.contains("user request"));
        let bob_stopped = tokio::time::timeout(Duration::from_millis(20), bob.stopped()).await;
        assert!(bob_stopped.is_err(), "bob's query was not cancelled");
    }

    #[tokio::test]
    async fn a_finished_query_is_no_longer_running() {
        let running = Arc::new(Running::default());
        let control = Control::new(None);
        drop(running.register(b"ticket", "ada", &control));
        assert_eq!(running.cancel("ada", [b"ticket".as_slice()]), 0);
    }

    #[tokio::test]
    async fn the_deadline_stops_the_work_and_interrupts_the_backend() {
        let control = Control::new(Some(Duration::from_millis(10)));
        let mut interrupted = false;
        let result: Result<(), SqlError> = control
            .run(std::future::pending(), || interrupted = true)
            .await;
        let error = result.unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            ("57014", STATEMENT_TIMEOUT)
        );
        assert!(interrupted);
    }
}
