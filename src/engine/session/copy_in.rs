//! COPY FROM STDIN for a session: the table's columns, the savepoint (or transaction) that
//! makes it all or nothing, and the batches of parsed rows sent to the worker.

use pgbridge_dialects::PgType;
use pgbridge_proxy::{Outcome, Session, SqlError, TransactionState};

use super::{EngineSession, Implicit};
use crate::backends::adapter::BackendConnection;
use crate::engine::copy::{BATCH_ROWS, CopyIn};

impl<C: BackendConnection> EngineSession<C> {
    pub(super) async fn start_copy_in(
        &mut self,
        table: &str,
        columns: &[String],
        format: &pgbridge_proxy::CopyFormat,
        binary: bool,
    ) -> Result<Outcome, SqlError> {
        self.free_worker().await;
        let table_columns = self
            .worker
            .table_columns(table.to_owned())
            .await?
            .ok_or_else(|| {
                SqlError::new("42P01", format!("relation \"{table}\" does not exist"))
            })?;
        let chosen: Vec<(String, PgType, i32)> = if columns.is_empty() {
            table_columns
        } else {
            columns
                .iter()
                .map(|column| {
                    table_columns
                        .iter()
                        .find(|(n, _, _)| n.eq_ignore_ascii_case(column))
                        .cloned()
                        .ok_or_else(|| {
                            SqlError::new(
                                "42703",
                                format!(
                                    "column \"{column}\" of relation \"{table}\" does not exist"
                                ),
                            )
                        })
                })
                .collect::<Result<_, _>>()?
        };
        // Inside a block, or after a write of the same Query message: a savepoint.
        let own_transaction =
            self.state == TransactionState::Idle && self.implicit == Implicit::None;
        let opening = if own_transaction {
            self.worker.begin_statement(false)
        } else {
            "SAVEPOINT pgbridge_copy"
        };
        self.worker.batch(opening.to_owned()).await?;
        let events_mark = self.events.mark(&self.worker);
        let names: Vec<String> = chosen.iter().map(|(n, _, _)| n.clone()).collect();
        self.copy_in = Some(CopyIn {
            table: table.to_owned(),
            insert_sql: self.worker.insert_statement(table, &names),
            types: chosen.iter().map(|(_, t, _)| *t).collect(),
            modifiers: chosen.iter().map(|(_, _, m)| *m).collect(),
            header_pending: format.has_header(),
            binary: binary.then(Default::default),
            format: format.clone(),
            splitter: Default::default(),
            rows: Vec::new(),
            count: 0,
            ended: false,
            own_transaction,
            events_mark,
        });
        Ok(Outcome::CopyIn {
            columns: names.len(),
            binary,
        })
    }

    async fn flush_copy_rows(&mut self) -> Result<(), SqlError> {
        let Some(copy) = self.copy_in.as_mut() else {
            return Ok(());
        };
        if copy.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut copy.rows);
        let sql = copy.insert_sql.clone();
        let inserted = self.worker.insert_rows(sql, rows).await?;
        if let Some(copy) = self.copy_in.as_mut() {
            copy.count += inserted;
        }
        Ok(())
    }

    /// Undoes a COPY FROM in progress.
    pub(super) async fn abort_copy_in(&mut self) {
        if let Some(copy) = self.copy_in.take() {
            let undo = if copy.own_transaction {
                "ROLLBACK"
            } else {
                "ROLLBACK TO SAVEPOINT pgbridge_copy; RELEASE SAVEPOINT pgbridge_copy"
            };
            let _ = self.worker.batch(undo.to_owned()).await;
            self.events.rollback_to_mark(&self.worker, copy.events_mark);
            self.on_error();
        }
    }

    pub(super) async fn copy_step(&mut self, data: &[u8]) -> Result<(), SqlError> {
        let copy = self
            .copy_in
            .as_mut()
            .ok_or_else(|| SqlError::protocol("COPY data without COPY FROM STDIN"))?;
        if let Some(reader) = copy.binary.as_mut() {
            let tuples = reader.push(data)?;
            copy.take_tuples(tuples)?;
        } else {
            let records = copy.splitter.push(data, &copy.format)?;
            copy.take_records(records)?;
        }
        if copy.rows.len() >= BATCH_ROWS {
            self.flush_copy_rows().await?;
        }
        Ok(())
    }

    pub(super) async fn copy_finish(&mut self) -> Result<String, SqlError> {
        let copy = self
            .copy_in
            .as_mut()
            .ok_or_else(|| SqlError::protocol("CopyDone without COPY FROM STDIN"))?;
        if let Some(reader) = copy.binary.as_ref() {
            reader.finish()?;
        } else if let Some(last) = copy.splitter.finish()? {
            copy.take_records(vec![last])?;
        }
        self.flush_copy_rows().await?;
        let copy = self
            .copy_in
            .take()
            .ok_or_else(|| SqlError::protocol("COPY state lost"))?;
        let closing = if copy.own_transaction {
            "COMMIT"
        } else {
            "RELEASE SAVEPOINT pgbridge_copy"
        };
        if let Err(error) = self.worker.batch(closing.to_owned()).await {
            self.copy_in = Some(copy);
            return Err(error);
        }
        if copy.own_transaction {
            self.commit_events().await?;
        }
        Ok(format!("COPY {}", copy.count))
    }
}
