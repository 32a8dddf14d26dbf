//! A session's side of the observers: the changes of the open transaction, kept until it ends.
//!
//! Changes are taken from the backend connection at each transaction boundary (they are ready
//! once the command that made them is answered). `SAVEPOINT` marks how many there are;
//! `ROLLBACK TO` drops the ones after its mark; `COMMIT` hands the rest to the observer
//! pipeline, which journals them before the COMMIT is answered; `ROLLBACK` and a failed
//! transaction drop them all. Without the `observers` feature every method is a no-op.

#[cfg(feature = "observers")]
pub(in crate::engine) use with_observers::SessionEvents;
#[cfg(not(feature = "observers"))]
pub(in crate::engine) use without_observers::SessionEvents;

/// Who committed, for the events' `user` and `application_name`.
#[cfg_attr(not(feature = "observers"), allow(dead_code))]
pub(in crate::engine) struct Committer<'a> {
    pub user: &'a str,
    pub application_name: String,
    pub database: &'a str,
}

#[cfg(feature = "observers")]
mod with_observers {
    use std::sync::Arc;

    use pgbridge_proxy::SqlError;

    use super::Committer;
    use crate::backends::adapter::BackendConnection;
    use crate::observers::Observers;
    use crate::observers::event::{Change, Operation};

    /// A savepoint name as PostgreSQL compares it: unquoted names fold to lower case.
    fn fold(name: &str) -> String {
        match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => name.to_lowercase(),
        }
    }

    fn table_change(table: &str, operation: Operation, tag: &str, sql: &str) -> Change {
        Change::Table {
            table: table.to_owned(),
            operation,
            tag: tag.to_owned(),
            sql: sql.to_owned(),
        }
    }

    #[derive(Default)]
    pub struct SessionEvents {
        observers: Option<Arc<Observers>>,
        pending: Vec<Change>,
        /// Savepoints by name, with the number of changes before each.
        marks: Vec<(String, usize)>,
    }

    impl SessionEvents {
        pub fn new(observers: Option<Arc<Observers>>) -> SessionEvents {
            SessionEvents {
                observers,
                ..SessionEvents::default()
            }
        }

        /// Whether observers are on (otherwise nothing is collected).
        pub fn active(&self) -> bool {
            self.observers.is_some()
        }

        fn collect(&mut self, connection: &impl BackendConnection) {
            if self.observers.is_some() {
                self.pending
                    .extend(connection.take_changes().into_iter().map(Change::Row));
            }
        }

        /// The number of changes so far (an internal savepoint's mark).
        pub fn mark(&mut self, connection: &impl BackendConnection) -> usize {
            self.collect(connection);
            self.pending.len()
        }

        pub fn rollback_to_mark(&mut self, connection: &impl BackendConnection, mark: usize) {
            self.collect(connection);
            self.pending.truncate(mark);
        }

        /// `TRUNCATE` of `tables`: one event per table replaces the row deletes since `mark`.
        pub fn truncated(
            &mut self,
            connection: &impl BackendConnection,
            mark: usize,
            tables: &[String],
            sql: &str,
        ) {
            self.collect(connection);
            if self.observers.is_some() {
                self.pending.truncate(mark);
                for table in tables {
                    self.pending.push(table_change(
                        table,
                        Operation::Truncate,
                        "TRUNCATE TABLE",
                        sql,
                    ));
                }
            }
        }

        /// DDL on `table` (its tag, `CREATE TABLE`, and text): one event.
        pub fn altered(
            &mut self,
            connection: &impl BackendConnection,
            mark: usize,
            table: &str,
            tag: &str,
            sql: &str,
        ) {
            self.collect(connection);
            if self.observers.is_some() {
                self.pending.truncate(mark);
                self.pending
                    .push(table_change(table, Operation::Ddl, tag, sql));
            }
        }

        pub fn savepoint(&mut self, connection: &impl BackendConnection, name: &str) {
            let mark = self.mark(connection);
            self.marks.push((fold(name), mark));
        }

        /// `RELEASE`: the savepoint and the ones after it are gone; their changes stay.
        pub fn release(&mut self, connection: &impl BackendConnection, name: &str) {
            self.collect(connection);
            let name = fold(name);
            if let Some(index) = self.marks.iter().rposition(|(n, _)| *n == name) {
                self.marks.truncate(index);
            }
        }

        /// `ROLLBACK TO`: the changes after the savepoint are dropped; it stays open.
        pub fn rollback_to(&mut self, connection: &impl BackendConnection, name: &str) {
            self.collect(connection);
            let name = fold(name);
            if let Some(index) = self.marks.iter().rposition(|(n, _)| *n == name) {
                self.pending.truncate(self.marks[index].1);
                self.marks.truncate(index + 1);
            }
        }

        /// `ROLLBACK`, or a transaction that failed: nothing is emitted.
        pub fn discard(&mut self, connection: &impl BackendConnection) {
            self.collect(connection);
            self.pending.clear();
            self.marks.clear();
        }

        /// The backend committed: the changes become events, journaled before this returns.
        pub async fn commit(
            &mut self,
            connection: &impl BackendConnection,
            committer: Committer<'_>,
        ) -> Result<(), SqlError> {
            self.collect(connection);
            self.marks.clear();
            let changes = std::mem::take(&mut self.pending);
            let Some(observers) = &self.observers else {
                return Ok(());
            };
            if changes.is_empty() {
                return Ok(());
            }
            observers
                .publish(
                    changes,
                    committer.user,
                    committer.application_name,
                    committer.database,
                )
                .await
        }
    }
}

#[cfg(not(feature = "observers"))]
mod without_observers {
    use pgbridge_proxy::SqlError;

    use super::Committer;
    use crate::backends::adapter::BackendConnection;

    /// Nothing to keep: observers are not built in.
    #[derive(Default)]
    pub struct SessionEvents;

    #[allow(clippy::unused_self)]
    impl SessionEvents {
        pub fn active(&self) -> bool {
            false
        }
        pub fn mark(&mut self, _: &impl BackendConnection) -> usize {
            0
        }
        pub fn rollback_to_mark(&mut self, _: &impl BackendConnection, _: usize) {}
        pub fn truncated(&mut self, _: &impl BackendConnection, _: usize, _: &[String], _: &str) {}
        pub fn altered(&mut self, _: &impl BackendConnection, _: usize, _: &str, _: &str, _: &str) {
        }
        pub fn savepoint(&mut self, _: &impl BackendConnection, _: &str) {}
        pub fn release(&mut self, _: &impl BackendConnection, _: &str) {}
        pub fn rollback_to(&mut self, _: &impl BackendConnection, _: &str) {}
        pub fn discard(&mut self, _: &impl BackendConnection) {}
        pub async fn commit(
            &mut self,
            _: &impl BackendConnection,
            _: Committer<'_>,
        ) -> Result<(), SqlError> {
            Ok(())
        }
    }
}
