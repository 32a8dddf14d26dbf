//! Transaction blocks against SQLite's snapshots.
//!
//! A deferred SQLite transaction takes a read snapshot at its first read and the write lock at
//! its first write. When another session wrote in between, SQLite refuses to upgrade the stale
//! snapshot (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`), and the block fails with 40001, as under
//! PostgreSQL's serializable isolation, which is what pgbridge reports for SQLite.
//!
//! A block can hold a snapshot without its client having read anything: pgbridge's own reads
//! (preparing a statement reads the schema, describing it reads the catalog) start one. Then
//! nothing the client saw depends on the snapshot, and PostgreSQL would run the write. So does
//! this module: when the first write of a block fails that way and the block ran no statement of
//! the client's yet, the block is begun again with `BEGIN IMMEDIATE` (waiting for the write lock
//! with the busy timeout) and the write runs again. Nothing is lost: the block had written
//! nothing and its client had read nothing.

use pgbridge_proxy::SqlError;
use rusqlite::{Connection, TransactionState};

use super::errors::classify;

/// What the open transaction block has shown its client.
#[derive(Debug, Default)]
pub struct Block {
    /// A statement of the client's ran in the open block (its results came from the snapshot).
    observed: bool,
}

impl Block {
    /// Notes a client statement that ran (or failed) on `connection`.
    pub fn ran_statement(&mut self, connection: &Connection) {
        self.observed = !connection.is_autocommit();
    }

    /// Notes a batch the engine ran: `BEGIN ..` opens a block that has observed nothing yet;
    /// anything else (savepoints, a script) counts as a client statement.
    pub fn ran_batch(&mut self, connection: &Connection, sql: &str) {
        if sql.starts_with("BEGIN") {
            self.observed = false;
        } else {
            self.ran_statement(connection);
        }
    }

    /// Whether `error`, from the first write of the open block, may be answered by beginning the
    /// block again (see the module docs).
    pub fn may_restart(&self, connection: &Connection, error: &rusqlite::Error) -> bool {
        !self.observed
            && !connection.is_autocommit()
            && is_busy(error)
            && matches!(
                connection.transaction_state(None::<&str>),
                Ok(TransactionState::Read)
            )
    }

    /// Begins the open block again, holding the write lock. When the lock does not come within
    /// the busy timeout, a deferred block is opened instead and the error returned: the engine
    /// still has a block open, and its ROLLBACK must find one.
    pub fn restart(&mut self, connection: &Connection) -> rusqlite::Result<()> {
        connection.execute_batch("ROLLBACK")?;
        if let Err(error) = connection.execute_batch("BEGIN IMMEDIATE") {
            let _ = connection.execute_batch("BEGIN DEFERRED");
            return Err(error);
        }
        Ok(())
    }
}

/// SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, ...).
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code & 0xff == rusqlite::ffi::SQLITE_BUSY
    )
}

/// The error for a write that SQLite refused because the block's snapshot is older than another
/// session's write (plain SQLITE_BUSY included: waiting could only make the snapshot stale):
/// 40001, which clients retry, rather than 55P03.
pub fn classify_write_error(connection: &Connection, error: &rusqlite::Error) -> SqlError {
    let in_read_block = !connection.is_autocommit()
        && matches!(
            connection.transaction_state(None::<&str>),
            Ok(TransactionState::Read)
        );
    if in_read_block && is_busy(error) {
        return SqlError::new(
            "40001",
            "could not serialize access due to concurrent update",
        )
        .with_detail(
            "another session wrote after this transaction's first read; retry the transaction",
        );
    }
    classify(error)
}
