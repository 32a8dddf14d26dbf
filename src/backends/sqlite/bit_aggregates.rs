//! `bit_and`, `bit_or` and `bit_xor` over integers, which SQLite lacks: NULL inputs are skipped,
//! and no rows (or only NULLs) give NULL, as in PostgreSQL.

use rusqlite::Connection;
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;

use super::functions::sql_error;

#[derive(Clone, Copy)]
enum Operation {
    And,
    Or,
    Xor,
}

struct BitAggregate(Operation);

impl Aggregate<Option<i64>, Option<i64>> for BitAggregate {
    fn init(&self, _ctx: &mut Context<'_>) -> rusqlite::Result<Option<i64>> {
        Ok(None)
    }

    fn step(&self, ctx: &mut Context<'_>, state: &mut Option<i64>) -> rusqlite::Result<()> {
        let value = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(()),
            ValueRef::Integer(i) => i,
            _ => {
                return Err(sql_error(
                    "42883",
                    "bit_and, bit_or and bit_xor take integers on SQLite",
                ));
            }
        };
        *state = Some(match (*state, self.0) {
            (None, _) => value,
            (Some(so_far), Operation::And) => so_far & value,
            (Some(so_far), Operation::Or) => so_far | value,
            (Some(so_far), Operation::Xor) => so_far ^ value,
        });
        Ok(())
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        state: Option<Option<i64>>,
    ) -> rusqlite::Result<Option<i64>> {
        Ok(state.flatten())
    }
}

/// Registers the three aggregates on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    for (name, operation) in [
        ("bit_and", Operation::And),
        ("bit_or", Operation::Or),
        ("bit_xor", Operation::Xor),
    ] {
        connection.create_aggregate_function(name, 1, flags, BitAggregate(operation))?;
    }
    Ok(())
}
