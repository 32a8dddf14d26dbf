//! PostgreSQL's listing views `pg_tables`, `pg_views` and `pg_indexes`, and the settings in
//! `pg_settings`. PostgreSQL defines the first three as views over `pg_class`; here they are
//! tables filled from the rows the refresh just wrote, so their columns keep PostgreSQL's
//! declared types (a SQLite view would lose them for computed columns).

use rusqlite::{Connection, params};

use super::Snapshot;
use crate::backends::sqlite::functions::SessionFunctions;
use crate::engine::settings;

/// Fills `pg_tables`, `pg_views` and `pg_indexes` after the relations were written.
pub(super) fn fill(
    connection: &Connection,
    snapshot: &Snapshot,
    session: &SessionFunctions,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO pg_catalog.pg_tables
         SELECT n.nspname, c.relname, ?1, NULL, c.relhasindex, c.relhasrules, c.relhastriggers,
                c.relrowsecurity
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
         ORDER BY c.oid",
        [&session.user],
    )?;
    // The definition is the view's query as SQLite stores it (after translation), which is what
    // runs; PostgreSQL shows its own deparsed form, which pgbridge does not keep.
    connection.execute(
        "INSERT INTO pg_catalog.pg_views
         SELECT n.nspname, c.relname, ?1,
                ' ' || ltrim(substr(m.sql, instr(upper(m.sql), ' AS ') + 4))
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN main.sqlite_master m ON m.type = 'view' AND m.name = c.relname
         WHERE c.relkind = 'v'
         ORDER BY c.oid",
        [&session.user],
    )?;
    let mut indexes = connection.prepare(
        "SELECT n.nspname, t.relname, i.relname, i.oid
         FROM pg_catalog.pg_index x
         JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
         JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
         ORDER BY i.oid",
    )?;
    let rows: Vec<(String, String, String, i64)> = indexes
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert =
        connection.prepare("INSERT INTO pg_catalog.pg_indexes VALUES (?1, ?2, ?3, NULL, ?4)")?;
    for (schema, table, index, oid) in rows {
        let definition = snapshot.index_definitions.get(&oid);
        insert.execute(params![schema, table, index, definition])?;
    }
    Ok(())
}

/// PostgreSQL's `vartype` of a setting, judged from its value.
fn value_type(value: &str) -> &'static str {
    if matches!(value, "on" | "off") {
        "bool"
    } else if value.parse::<i64>().is_ok() {
        "integer"
    } else {
        "string"
    }
}

/// Writes the session's current settings into `pg_settings` (every time a statement reads the
/// catalog: `SET` changes them without touching the schema).
pub(super) fn fill_settings(
    connection: &Connection,
    session: &SessionFunctions,
) -> rusqlite::Result<()> {
    let mut settings: Vec<(String, String)> = session
        .settings
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    settings.sort();
    connection.execute("DELETE FROM pg_catalog.pg_settings", [])?;
    let mut insert = connection.prepare(
        "INSERT INTO pg_catalog.pg_settings VALUES (?1, ?2, NULL, 'pgbridge', '', NULL, ?3, ?4,
            'session', NULL, NULL, NULL, ?2, ?2, NULL, NULL, 0)",
    )?;
    for (name, value) in &settings {
        let context = if settings::is_read_only(name) {
            "internal"
        } else {
            "user"
        };
        let display = settings::display_name(name);
        insert.execute(params![display, value, context, value_type(value)])?;
    }
    Ok(())
}
