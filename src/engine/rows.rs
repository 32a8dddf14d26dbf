//! The row stream handed to the front end, fed by a worker's row channel.
//!
//! If the session must send the worker another command while a stream is still open (a
//! suspended portal, then another statement), the remaining rows are first drained into the
//! stream's buffer so the worker is free; the stream then serves them from memory.

use std::collections::VecDeque;
use std::sync::{Arc, Weak};

use futures::stream;
use pgbridge_proxy::{Row, RowStream};
use tokio::sync::{Mutex, mpsc};

use crate::backends::adapter::Batch;

struct Source {
    buffered: VecDeque<Batch>,
    receiver: Option<mpsc::Receiver<Batch>>,
}

/// A handle that can drain an open stream.
pub struct OpenRows(Weak<Mutex<Source>>);

impl OpenRows {
    /// Pulls every remaining batch from the worker into memory.
    pub async fn spill(self) {
        if let Some(source) = self.0.upgrade() {
            let mut source = source.lock().await;
            if let Some(mut receiver) = source.receiver.take() {
                while let Some(batch) = receiver.recv().await {
                    source.buffered.push_back(batch);
                }
            }
        }
    }
}

/// Wraps a row channel into a lazy stream, and a handle to spill it.
pub fn row_stream(receiver: mpsc::Receiver<Batch>) -> (RowStream, OpenRows) {
    let source = Arc::new(Mutex::new(Source {
        buffered: VecDeque::new(),
        receiver: Some(receiver),
    }));
    let handle = OpenRows(Arc::downgrade(&source));
    // (source, rows of the current batch, true once the last batch or an error has arrived)
    let state = (source, VecDeque::<Row>::new(), false);
    let rows = stream::unfold(state, |(source, mut current, mut finished)| async move {
        loop {
            if let Some(row) = current.pop_front() {
                return Some((Ok(row), (source, current, finished)));
            }
            if finished {
                return None;
            }
            let next = {
                let mut guard = source.lock().await;
                match guard.buffered.pop_front() {
                    Some(batch) => Some(batch),
                    None => match guard.receiver.as_mut() {
                        Some(receiver) => receiver.recv().await,
                        None => None,
                    },
                }
            };
            match next {
                Some(Ok(batch)) => {
                    current.extend(batch.rows);
                    finished = batch.last;
                }
                Some(Err(error)) => return Some((Err(error), (source, VecDeque::new(), true))),
                None => return None,
            }
        }
    });
    (Box::pin(rows), handle)
}
