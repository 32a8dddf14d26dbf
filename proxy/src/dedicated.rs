//! Threads dedicated to one client connection.
//!
//! A connection served on a dedicated thread runs on a current-thread tokio runtime of its own,
//! inside a [`tokio::task::LocalSet`]. A backend whose work blocks (SQLite) can then run that work
//! on the same thread, as a local task, instead of handing every statement to a worker thread
//! and waiting for the answer: one thread wake-up and two context switches less per statement.
//! The connection still waits for its statement as before, since nothing else runs on the
//! thread; a CancelRequest arrives on another connection's thread and interrupts it from there.
//!
//! [`is_dedicated_thread`] tells a backend where it runs; [`spawn`] starts such a thread.

use std::cell::Cell;

thread_local! {
    static DEDICATED: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread serves one connection only (see the module docs): a backend may
/// then block it and spawn local tasks on it.
pub fn is_dedicated_thread() -> bool {
    DEDICATED.with(Cell::get)
}

/// Runs `connection` (made on the new thread by `make`) on a thread of its own until it ends.
/// `name` names the thread.
#[cfg(feature = "wire")]
pub fn spawn<F, Fut>(name: &str, make: F) -> std::io::Result<std::thread::JoinHandle<()>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            DEDICATED.with(|dedicated| dedicated.set(true));
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, make());
        })
}
