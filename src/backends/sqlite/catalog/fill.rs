//! Fills the catalog tables from SQLite's schema and the type registry.

use std::collections::HashMap;

use pgbridge_proxy::PgType;
use rusqlite::{Connection, params};

use super::Snapshot;
use super::tables::SCHEMA_TABLES;
use crate::backends::sqlite::functions::SessionFunctions;
use crate::backends::sqlite::registry;

/// The first OID of user objects, as in PostgreSQL.
pub(super) const FIRST_USER_OID: i64 = 16384;
/// OIDs of foreign-key constraints start here (table rowid * 1000 + key id).
pub(super) const FOREIGN_KEY_OIDS: i64 = 1_000_000_000;
/// OIDs of column defaults start here (table rowid * 1000 + column number).
pub(super) const DEFAULT_OIDS: i64 = 1_500_000_000;
pub(super) const PUBLIC: i64 = 2200;
pub(super) const OWNER: i64 = 10;

/// A relation's OID: four per `sqlite_master` row, so that a table's synthetic primary-key index
/// (+1) and the constraint of an index (+2) have their own, and OIDs stay put while other
/// objects come and go.
pub(super) fn relation_oid(rowid: i64) -> i64 {
    FIRST_USER_OID + 4 * rowid
}

/// PostgreSQL's `quote_ident` for the names psql prints inside definitions.
pub(super) fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

pub(super) fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) struct Column {
    pub(super) name: String,
    pub(super) pg_type: PgType,
    pub(super) modifier: i32,
    pub(super) not_null: bool,
    pub(super) default: Option<String>,
    pub(super) primary_key: i64,
}

pub(super) fn columns(connection: &Connection, table: &str) -> rusqlite::Result<Vec<Column>> {
    let typed = registry::table_columns(connection, table)?.unwrap_or_default();
    let mut info = connection.prepare(
        "SELECT name, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
    )?;
    let rows = info.query_map([table], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, bool>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, not_null, default, primary_key) = row?;
        let (pg_type, modifier) = typed
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or((PgType::Text, -1), |(_, t, m)| (*t, *m));
        out.push(Column {
            name,
            pg_type,
            modifier,
            not_null: not_null || primary_key > 0,
            default: default.map(|text: String| postgres_default(&text)),
            primary_key,
        });
    }
    Ok(out)
}

fn type_category(pg_type: PgType) -> &'static str {
    match pg_type {
        PgType::Int2Vector | PgType::OidVector => "A",
        t if t.element().is_some() => "A",
        PgType::Bool => "B",
        t if t.is_numeric() || t == PgType::Oid => "N",
        PgType::Date | PgType::Time | PgType::Timestamp | PgType::Timestamptz => "D",
        PgType::Interval => "T",
        PgType::Unknown => "X",
        t if t.is_text() || t == PgType::Char => "S",
        _ => "U",
    }
}

pub(super) fn collation_of(pg_type: PgType) -> i64 {
    match pg_type {
        PgType::Name => 950,
        t if t.is_text() && t != PgType::Unknown => 100,
        _ => 0,
    }
}

fn fill_types(connection: &Connection) -> rusqlite::Result<()> {
    let mut insert = connection.prepare(
        "INSERT INTO pg_catalog.pg_type (oid, typname, typnamespace, typowner, typlen, typbyval, typtype,
            typcategory, typispreferred, typisdefined, typdelim, typrelid, typelem, typarray, typinput,
            typoutput, typreceive, typsend, typalign, typstorage, typnotnull, typbasetype, typtypmod,
            typndims, typcollation, typdefault)
         VALUES (?1, ?2, 11, 10, ?3, ?4, 'b', ?5, 0, 1, ',', 0, ?13, ?14, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, -1, 0, ?12, NULL)",
    )?;
    for pg_type in PgType::ALL {
        let name = pg_type.name();
        let size = pg_type.size();
        // Arrays read and write through array_in / array_out, as in PostgreSQL.
        let functions = if name.starts_with('_') {
            "array_"
        } else {
            name
        };
        let align = match size {
            1 | -2 => "c",
            2 => "s",
            8 => "d",
            _ => "i",
        };
        insert.execute(params![
            pg_type.oid(),
            name,
            size,
            matches!(size, 1 | 2 | 4 | 8),
            type_category(pg_type),
            format!("{functions}in"),
            format!("{functions}out"),
            format!("{functions}recv"),
            format!("{functions}send"),
            align,
            if size == -1 { "x" } else { "p" },
            collation_of(pg_type),
            pg_type.element().map_or(0, PgType::oid),
            PgType::array_of(pg_type).map_or(0, PgType::oid),
        ])?;
    }
    Ok(())
}

/// The OID of a type's default btree operator class (pgbridge makes one per type, above the
/// type OIDs and below the user objects').
fn operator_class_oid(pg_type: PgType) -> i64 {
    10_000 + i64::from(pg_type.oid())
}

fn fill_operator_classes(connection: &Connection) -> rusqlite::Result<()> {
    let mut insert = connection
        .prepare("INSERT INTO pg_catalog.pg_opclass VALUES (?1, 403, ?2, 11, 10, ?1, ?3, 1, 0)")?;
    for pg_type in PgType::ALL
        .into_iter()
        .filter(|t| !t.is_array() && *t != PgType::Unknown)
    {
        insert.execute(params![
            operator_class_oid(pg_type),
            format!("{}_ops", pg_type.name()),
            pg_type.oid()
        ])?;
    }
    Ok(())
}

fn fill_session_rows(connection: &Connection, session: &SessionFunctions) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO pg_catalog.pg_roles VALUES (10, ?1, 1, 1, 1, 1, 1, 1, -1, '********', NULL, 1, NULL)",
        [&session.user],
    )?;
    connection.execute(
        "INSERT INTO pg_catalog.pg_user VALUES (?1, 10, 1, 1, 1, 1, '********', NULL, NULL)",
        [&session.user],
    )?;
    connection.execute(
        "INSERT INTO pg_catalog.pg_database VALUES (5, ?1, 10, 6, 'c', 0, 1, -1, 1663, 'C.UTF-8', 'C.UTF-8', NULL, NULL, NULL)",
        [&session.database],
    )?;
    Ok(())
}

/// Empties the schema-dependent tables and fills them again; returns the new snapshot.
pub(super) fn fill(
    connection: &Connection,
    session: &SessionFunctions,
    version: i64,
) -> rusqlite::Result<Snapshot> {
    for table in SCHEMA_TABLES {
        connection.execute(&format!("DELETE FROM {table}"), [])?;
    }
    connection.execute(
        "INSERT INTO pg_catalog.pgbridge_catalog_state VALUES (?1)",
        [version],
    )?;
    fill_types(connection)?;
    fill_operator_classes(connection)?;
    fill_session_rows(connection, session)?;
    let mut snapshot = Snapshot::default();
    let mut objects = connection.prepare(
        "SELECT rowid, type, name FROM main.sqlite_master
         WHERE type IN ('table', 'view', 'index') AND name <> ?1 ORDER BY rowid",
    )?;
    let all: Vec<(i64, String, String)> = objects
        .query_map([registry::TABLE], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rowids: HashMap<String, i64> = all
        .iter()
        .map(|(rowid, _, name)| (name.clone(), *rowid))
        .collect();
    let relations: Vec<&(i64, String, String)> = all
        .iter()
        .filter(|(_, kind, name)| kind != "index" && !name.starts_with("sqlite_"))
        .collect();
    for (rowid, _, name) in &relations {
        snapshot
            .relation_names
            .insert(relation_oid(*rowid), name.clone());
        snapshot
            .relation_oids
            .insert(name.to_ascii_lowercase(), relation_oid(*rowid));
    }
    for (rowid, kind, name) in relations {
        super::relations::relation(
            connection,
            &mut snapshot,
            &rowids,
            *rowid,
            kind == "view",
            name,
        )?;
    }
    connection.execute_batch(
        "UPDATE pg_catalog.pg_class SET relhastriggers = 1 WHERE oid IN (
            SELECT conrelid FROM pg_catalog.pg_constraint WHERE contype = 'f'
            UNION SELECT confrelid FROM pg_catalog.pg_constraint WHERE contype = 'f')",
    )?;
    // indclass: each key's default btree operator class (one per type, see fill_types); an
    // expression key has none (0).
    connection.execute_batch(
        "UPDATE pg_catalog.pg_index SET indclass = (
            SELECT group_concat(coalesce(c.oid, 0), ' ' ORDER BY k.key)
            FROM json_each('[' || replace(pg_index.indkey, ' ', ',') || ']') k
            LEFT JOIN pg_catalog.pg_attribute a
                ON a.attrelid = pg_index.indrelid AND a.attnum = k.value
            LEFT JOIN pg_catalog.pg_opclass c ON c.opcintype = a.atttypid)",
    )?;
    super::listings::fill(connection, &snapshot, session)?;
    super::information_schema::fill(connection, session)?;
    Ok(snapshot)
}

/// A column default as PostgreSQL would show it: pgbridge's own SQL functions are shown by the
/// PostgreSQL names they stand for, and SQLite's parentheses around expressions are dropped.
fn postgres_default(stored: &str) -> String {
    let unwrapped = stored
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(stored);
    match unwrapped {
        "pgbridge_now()" => "now()".to_owned(),
        "pgbridge_clock()" => "clock_timestamp()".to_owned(),
        other => other.to_owned(),
    }
}
