//! `string_agg(DISTINCT value, separator)`, which SQLite refuses ("DISTINCT aggregates must
//! have exactly one argument"): the translator names this aggregate instead, and it drops the
//! repeated (value, separator) pairs itself, as PostgreSQL's DISTINCT over both arguments
//! does. Rows come in the call's `ORDER BY` order; NULL values are skipped, and no values give
//! NULL. Each value after the first is preceded by its own row's separator.

use std::collections::HashSet;

use rusqlite::Connection;
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;

/// The text so far and the pairs already taken.
#[derive(Default)]
struct Distinct {
    text: Option<String>,
    seen: HashSet<(String, String)>,
}

struct StringAggDistinct;

fn text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

impl Aggregate<Distinct, Option<String>> for StringAggDistinct {
    fn init(&self, _ctx: &mut Context<'_>) -> rusqlite::Result<Distinct> {
        Ok(Distinct::default())
    }

    fn step(&self, ctx: &mut Context<'_>, state: &mut Distinct) -> rusqlite::Result<()> {
        let Some(value) = text(ctx.get_raw(0)) else {
            return Ok(());
        };
        let separator = text(ctx.get_raw(1)).unwrap_or_default();
        if !state.seen.insert((value.clone(), separator.clone())) {
            return Ok(());
        }
        match &mut state.text {
            None => state.text = Some(value),
            Some(text) => {
                text.push_str(&separator);
                text.push_str(&value);
            }
        }
        Ok(())
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        state: Option<Distinct>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(state.and_then(|state| state.text))
    }
}

/// Registers `pgbridge_string_agg_distinct(value, separator)` on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    connection.create_aggregate_function(
        "pgbridge_string_agg_distinct",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        StringAggDistinct,
    )
}
