//! One table or view into `pg_class`, `pg_attribute`, `pg_attrdef`, `pg_index` and
//! `pg_constraint`.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::Snapshot;
use super::fill::{
    DEFAULT_OIDS, FOREIGN_KEY_OIDS, OWNER, PUBLIC, collation_of, column_list, columns, quote_ident,
    relation_oid,
};

/// An index as PostgreSQL shows it.
struct Index {
    oid: i64,
    name: String,
    unique: bool,
    primary: bool,
    /// `u` for a UNIQUE constraint, `p` for the primary key, `None` for `CREATE INDEX`.
    constraint: Option<char>,
    columns: Vec<String>,
}

fn insert_class(
    connection: &Connection,
    oid: i64,
    name: &str,
    kind: &str,
    columns: usize,
    has_index: bool,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO pg_catalog.pg_class (oid, relname, relnamespace, reltype, reloftype, relowner, relam,
            relfilenode, reltablespace, relpages, reltuples, relallvisible, reltoastrelid, relhasindex,
            relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules, relhastriggers,
            relhassubclass, relrowsecurity, relforcerowsecurity, relispopulated, relreplident,
            relispartition, relrewrite, relacl, reloptions, relpartbound)
         VALUES (?1, ?2, ?3, 0, 0, ?4, ?5, ?1, 0, 0, -1, 0, 0, ?6, 0, 'p', ?7, ?8, 0, 0, 0, 0, 0, 0, 1, 'd',
            0, 0, NULL, NULL, NULL)",
        params![
            oid,
            name,
            PUBLIC,
            OWNER,
            match kind {
                "r" => 2,
                "i" => 403,
                _ => 0,
            },
            has_index,
            kind,
            i64::try_from(columns).unwrap_or(i64::MAX),
        ],
    )?;
    Ok(())
}

fn indexes(
    connection: &Connection,
    rowids: &HashMap<String, i64>,
    table_oid: i64,
    table: &str,
    primary_key: &[String],
) -> rusqlite::Result<Vec<Index>> {
    let mut list = connection
        .prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?1) ORDER BY seq")?;
    let listed: Vec<(String, bool, String)> = list
        .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut info = connection
        .prepare("SELECT coalesce(name, 'expression') FROM pragma_index_info(?1) ORDER BY seqno")?;
    let mut out = Vec::new();
    for (name, unique, origin) in &listed {
        let columns: Vec<String> = info
            .query_map([name], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(rowid) = rowids.get(name) else {
            continue;
        };
        let (shown, constraint) = match origin.as_str() {
            "pk" => (format!("{table}_pkey"), Some('p')),
            "u" => (format!("{table}_{}_key", columns.join("_")), Some('u')),
            _ => (name.clone(), None),
        };
        out.push(Index {
            oid: relation_oid(*rowid),
            name: shown,
            unique: *unique,
            primary: origin == "pk",
            constraint,
            columns,
        });
    }
    // A rowid-alias primary key (`id INTEGER PRIMARY KEY`) has no index of its own in SQLite.
    if !primary_key.is_empty() && !listed.iter().any(|(_, _, origin)| origin == "pk") {
        out.push(Index {
            oid: table_oid + 1,
            name: format!("{table}_pkey"),
            unique: true,
            primary: true,
            constraint: Some('p'),
            columns: primary_key.to_vec(),
        });
    }
    Ok(out)
}

fn attribute_numbers(columns: &[String], names: &[String]) -> Vec<usize> {
    columns
        .iter()
        .map(|c| {
            names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(c))
                .map_or(0, |i| i + 1)
        })
        .collect()
}

fn numbers_text(numbers: &[usize], separator: &str) -> String {
    numbers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

fn insert_index(
    connection: &Connection,
    snapshot: &mut Snapshot,
    table_oid: i64,
    table: &str,
    names: &[String],
    index: &Index,
) -> rusqlite::Result<()> {
    insert_class(
        connection,
        index.oid,
        &index.name,
        "i",
        index.columns.len(),
        false,
    )?;
    let numbers = attribute_numbers(&index.columns, names);
    let count = i64::try_from(numbers.len()).unwrap_or(i64::MAX);
    connection.execute(
        "INSERT INTO pg_catalog.pg_index VALUES (?1, ?2, ?3, ?3, ?4, 0, ?5, 0, 1, 0, 1, 0, 1, 1, 0, ?6, NULL, ?7, NULL, NULL)",
        params![
            index.oid,
            table_oid,
            count,
            index.unique,
            index.primary,
            numbers_text(&numbers, " "),
            // indoption: every key ascending, NULLs last (SQLite's schema keeps no more).
            vec!["0"; numbers.len()].join(" "),
        ],
    )?;
    let unique = if index.unique { "UNIQUE " } else { "" };
    let definition = format!(
        "CREATE {unique}INDEX {} ON public.{} USING btree ({})",
        quote_ident(&index.name),
        quote_ident(table),
        column_list(&index.columns)
    );
    snapshot.index_definitions.insert(index.oid, definition);
    snapshot.index_columns.insert(
        index.oid,
        index.columns.iter().map(|c| quote_ident(c)).collect(),
    );
    snapshot
        .relation_names
        .insert(index.oid, index.name.clone());
    snapshot
        .relation_oids
        .insert(index.name.to_ascii_lowercase(), index.oid);
    if let Some(kind) = index.constraint {
        let oid = index.oid + 2;
        connection.execute(
            "INSERT INTO pg_catalog.pg_constraint VALUES (?1, ?2, ?3, ?4, 0, 0, 1, ?5, 0, ?6, 0, 0, ' ', ' ', ' ', 1, 0, 1, ?7, NULL, NULL)",
            params![oid, index.name, PUBLIC, kind.to_string(), table_oid, index.oid, format!("{{{}}}", numbers_text(&numbers, ","))],
        )?;
        let keyword = if kind == 'p' { "PRIMARY KEY" } else { "UNIQUE" };
        snapshot
            .constraint_definitions
            .insert(oid, format!("{keyword} ({})", column_list(&index.columns)));
    }
    Ok(())
}

/// `a`, `r`, `c`, `n`, `d` for NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT.
fn action_code(action: &str) -> &'static str {
    match action.to_ascii_uppercase().as_str() {
        "RESTRICT" => "r",
        "CASCADE" => "c",
        "SET NULL" => "n",
        "SET DEFAULT" => "d",
        _ => "a",
    }
}

fn foreign_keys(
    connection: &Connection,
    snapshot: &mut Snapshot,
    table_rowid: i64,
    table: &str,
    names: &[String],
) -> rusqlite::Result<()> {
    let mut list = connection.prepare(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    let rows: Vec<(i64, String, String, Option<String>, String, String)> = list
        .query_map([table], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    ids.dedup();
    for id in ids {
        let key: Vec<_> = rows.iter().filter(|r| r.0 == id).collect();
        let referenced = key[0].1.clone();
        let from: Vec<String> = key.iter().map(|r| r.2.clone()).collect();
        let referenced_columns = super::fill::columns(connection, &referenced)?;
        let mut to: Vec<String> = key.iter().filter_map(|r| r.3.clone()).collect();
        if to.len() != from.len() {
            let mut primary: Vec<_> = referenced_columns
                .iter()
                .filter(|c| c.primary_key > 0)
                .collect();
            primary.sort_by_key(|c| c.primary_key);
            to = primary.into_iter().map(|c| c.name.clone()).collect();
        }
        let referenced_names: Vec<String> =
            referenced_columns.iter().map(|c| c.name.clone()).collect();
        let (on_update, on_delete) = (key[0].4.as_str(), key[0].5.as_str());
        let mut definition = format!(
            "FOREIGN KEY ({}) REFERENCES {}({})",
            column_list(&from),
            quote_ident(&referenced),
            column_list(&to)
        );
        for (verb, action) in [("UPDATE", on_update), ("DELETE", on_delete)] {
            if action_code(action) != "a" {
                definition.push_str(&format!(" ON {verb} {}", action.to_ascii_uppercase()));
            }
        }
        let oid = FOREIGN_KEY_OIDS + table_rowid * 1000 + id;
        let table_oid = relation_oid(table_rowid);
        let referenced_oid = snapshot
            .relation_oids
            .get(&referenced.to_ascii_lowercase())
            .copied()
            .unwrap_or(0);
        let name = format!("{table}_{}_fkey", from.join("_"));
        connection.execute(
            "INSERT INTO pg_catalog.pg_constraint VALUES (?1, ?2, ?3, 'f', 0, 0, 1, ?4, 0, 0, 0, ?5, ?6, ?7, 's', 1, 0, 1, ?8, ?9, NULL)",
            params![
                oid,
                name,
                PUBLIC,
                table_oid,
                referenced_oid,
                action_code(on_update),
                action_code(on_delete),
                format!("{{{}}}", numbers_text(&attribute_numbers(&from, names), ",")),
                format!("{{{}}}", numbers_text(&attribute_numbers(&to, &referenced_names), ",")),
            ],
        )?;
        snapshot.constraint_definitions.insert(oid, definition);
    }
    Ok(())
}

/// Adds one table or view.
pub(super) fn relation(
    connection: &Connection,
    snapshot: &mut Snapshot,
    rowids: &HashMap<String, i64>,
    rowid: i64,
    view: bool,
    name: &str,
) -> rusqlite::Result<()> {
    let oid = relation_oid(rowid);
    let columns = columns(connection, name)?;
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut primary: Vec<_> = columns.iter().filter(|c| c.primary_key > 0).collect();
    primary.sort_by_key(|c| c.primary_key);
    let primary_key: Vec<String> = primary.into_iter().map(|c| c.name.clone()).collect();
    let indexes = if view {
        Vec::new()
    } else {
        indexes(connection, rowids, oid, name, &primary_key)?
    };
    insert_class(
        connection,
        oid,
        name,
        if view { "v" } else { "r" },
        columns.len(),
        !indexes.is_empty(),
    )?;
    let mut attribute = connection.prepare(
        "INSERT INTO pg_catalog.pg_attribute VALUES (?1, ?2, ?3, -1, ?4, ?5, 0, -1, ?6, ?7, 'i', 'p', '', ?8, ?9,
            0, '', '', 0, 1, 0, ?10, NULL, NULL)",
    )?;
    for (number, column) in (1_i64..).zip(&columns) {
        let size = column.pg_type.size();
        let collation = collation_of(column.pg_type);
        attribute.execute(params![
            oid,
            column.name,
            column.pg_type.oid(),
            size,
            number,
            column.modifier,
            matches!(size, 1 | 2 | 4 | 8),
            column.not_null,
            column.default.is_some(),
            collation,
        ])?;
        if let Some(default) = &column.default {
            connection.execute(
                "INSERT INTO pg_catalog.pg_attrdef VALUES (?1, ?2, ?3, ?4)",
                params![DEFAULT_OIDS + rowid * 1000 + number, oid, number, default],
            )?;
        }
    }
    for index in &indexes {
        insert_index(connection, snapshot, oid, name, &names, index)?;
    }
    if !view {
        foreign_keys(connection, snapshot, rowid, name, &names)?;
    }
    Ok(())
}
