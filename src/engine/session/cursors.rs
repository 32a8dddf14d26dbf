//! SQL-level cursors: `DECLARE name [NO] SCROLL CURSOR [WITH[OUT] HOLD] FOR query`, `FETCH`,
//! `CLOSE` (psycopg's server-side cursors, BI tools that page through large results).
//!
//! A cursor runs its query once, at `DECLARE`, and keeps the rows in the session: the SQLite
//! worker serves one statement at a time, so a cursor cannot keep a statement open on it while
//! the client runs others between fetches. Positions follow PostgreSQL: 0 is before the first row,
//! `n + 1` after the last; `FETCH` moves and returns the rows it passes. A cursor without
//! `WITH HOLD` lives until its transaction ends; `NO SCROLL` refuses to move backwards (55000).

use std::collections::HashMap;
use std::sync::Arc;

use futures::TryStreamExt;
use pgbridge_proxy::{Field, SqlError, Value};
use sqlparser::ast::{FetchDirection, Ident, ValueWithSpan};

/// One declared cursor and where it stands.
pub(super) struct Cursor {
    pub fields: Arc<Vec<Field>>,
    rows: Vec<Vec<Value>>,
    /// 0 before the first row, `rows.len() + 1` after the last.
    position: usize,
    scroll: bool,
    pub hold: bool,
}

/// The cursors of one session, by name.
#[derive(Default)]
pub(super) struct Cursors {
    open: HashMap<String, Cursor>,
}

/// A cursor name as PostgreSQL folds it: unquoted names are lower case.
pub(in crate::engine) fn cursor_name(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

fn missing(name: &str) -> SqlError {
    SqlError::new("34000", format!("cursor \"{name}\" does not exist"))
}

fn count(limit: &ValueWithSpan) -> Result<i64, SqlError> {
    limit.value.to_string().parse().map_err(|_| {
        SqlError::new(
            "42601",
            format!("FETCH count must be an integer, not {}", limit.value),
        )
    })
}

impl Cursors {
    /// Opens `name` over `rows` (42P03 when the name is taken).
    pub async fn declare(
        &mut self,
        name: String,
        fields: Arc<Vec<Field>>,
        rows: pgbridge_proxy::RowStream,
        scroll: bool,
        hold: bool,
    ) -> Result<(), SqlError> {
        if self.open.contains_key(&name) {
            return Err(SqlError::new(
                "42P03",
                format!("cursor \"{name}\" already exists"),
            ));
        }
        let rows: Vec<Vec<Value>> = rows.try_collect().await?;
        self.open.insert(
            name,
            Cursor {
                fields,
                rows,
                position: 0,
                scroll,
                hold,
            },
        );
        Ok(())
    }

    /// The columns `FETCH` from `name` returns.
    pub fn fields(&self, name: &str) -> Result<Arc<Vec<Field>>, SqlError> {
        self.open
            .get(name)
            .map(|cursor| Arc::clone(&cursor.fields))
            .ok_or_else(|| missing(name))
    }

    /// Moves `name` as `direction` says and returns the rows it passes, in fetch order.
    pub fn fetch(
        &mut self,
        name: &str,
        direction: &FetchDirection,
    ) -> Result<Vec<Vec<Value>>, SqlError> {
        let cursor = self.open.get_mut(name).ok_or_else(|| missing(name))?;
        let length = i64::try_from(cursor.rows.len()).unwrap_or(i64::MAX);
        let forward = |n: i64| Step::Relative(n);
        let step = match direction {
            FetchDirection::Next => forward(1),
            FetchDirection::Prior => forward(-1),
            FetchDirection::First => Step::Absolute(1),
            FetchDirection::Last => Step::Absolute(-1),
            FetchDirection::Absolute { limit } => Step::Absolute(count(limit)?),
            FetchDirection::Relative { limit } => Step::To(count(limit)?),
            FetchDirection::Count { limit } => forward(count(limit)?),
            FetchDirection::All | FetchDirection::ForwardAll => forward(length + 1),
            FetchDirection::Forward { limit } => forward(limit.as_ref().map_or(Ok(1), count)?),
            FetchDirection::Backward { limit } => forward(-limit.as_ref().map_or(Ok(1), count)?),
            FetchDirection::BackwardAll => forward(-(length + 1)),
        };
        cursor.step(step)
    }

    /// Closes `name` (34000 when there is none).
    pub fn close(&mut self, name: &str) -> Result<(), SqlError> {
        self.open
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| missing(name))
    }

    /// Closes every cursor (`CLOSE ALL`, `DISCARD ALL`).
    pub fn close_all(&mut self) {
        self.open.clear();
    }

    /// The end of a transaction: cursors without `WITH HOLD` close.
    pub fn end_transaction(&mut self) {
        self.open.retain(|_, cursor| cursor.hold);
    }
}

/// How a `FETCH` moves.
enum Step {
    /// Move by n rows (negative: backwards), returning each row reached.
    Relative(i64),
    /// `RELATIVE n`: move by n and return only the row reached (n = 0: the current row again).
    To(i64),
    /// `ABSOLUTE n`: go to row n (negative counts from the end) and return it.
    Absolute(i64),
}

impl Cursor {
    fn step(&mut self, step: Step) -> Result<Vec<Vec<Value>>, SqlError> {
        let length = i64::try_from(self.rows.len()).unwrap_or(i64::MAX);
        let position = i64::try_from(self.position).unwrap_or(i64::MAX);
        let backwards = match step {
            Step::Relative(n) | Step::To(n) => n < 0,
            Step::Absolute(n) => n < 0 || n < position,
        };
        if backwards && !self.scroll {
            return Err(SqlError::new(
                "55000",
                "cursor can only scan forward (declare it with SCROLL to move backwards)",
            ));
        }
        let mut out = Vec::new();
        let target = match step {
            Step::Relative(n) => {
                let target = (position + n).clamp(0, length + 1);
                let reached: Box<dyn Iterator<Item = i64>> = if n >= 0 {
                    Box::new(position + 1..=target.min(length))
                } else {
                    Box::new((target.max(1)..position.min(length + 1)).rev())
                };
                for row in reached {
                    out.push(self.row(row));
                }
                target
            }
            Step::To(n) => {
                let target = (position + n).clamp(0, length + 1);
                if (1..=length).contains(&target) {
                    out.push(self.row(target));
                }
                target
            }
            Step::Absolute(n) => {
                let target = if n < 0 { length + 1 + n } else { n }.clamp(0, length + 1);
                if (1..=length).contains(&target) {
                    out.push(self.row(target));
                }
                target
            }
        };
        self.position = usize::try_from(target).unwrap_or(0);
        Ok(out)
    }

    /// Row `number` (1-based, in range).
    fn row(&self, number: i64) -> Vec<Value> {
        let index = usize::try_from(number - 1).unwrap_or(0);
        self.rows[index].clone()
    }
}
