//! Functions that tools call to look around before they query: `current_schemas`,
//! `to_regtype`, the `has_*_privilege` family and the relation size functions.

use std::sync::Arc;

use pgbridge_proxy::PgType;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use super::SharedSnapshot;
use super::functions::{format_type, object_name, oid, read, sql_error, text};

/// The `has_*_privilege` functions. pgbridge has one user, who owns everything (the backend
/// checks the real permissions when a statement runs), so every privilege is held; a table
/// that does not exist is still an error, as in PostgreSQL.
const PRIVILEGE_FUNCTIONS: &[&str] = &[
    "has_any_column_privilege",
    "has_column_privilege",
    "has_database_privilege",
    "has_foreign_data_wrapper_privilege",
    "has_function_privilege",
    "has_language_privilege",
    "has_schema_privilege",
    "has_sequence_privilege",
    "has_server_privilege",
    "has_tablespace_privilege",
    "has_type_privilege",
];

/// Registers the functions on a connection.
pub(super) fn register(connection: &Connection, snapshot: &SharedSnapshot) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let volatile = FunctionFlags::SQLITE_UTF8;
    // `name[]` as PostgreSQL's array text: pgbridge stores no arrays.
    connection.create_scalar_function("current_schemas", 1, deterministic, |ctx| {
        let implicit = matches!(ctx.get_raw(0), rusqlite::types::ValueRef::Integer(1));
        Ok(if implicit {
            "{pg_catalog,public}"
        } else {
            "{public}"
        }
        .to_owned())
    })?;
    // `to_regtype` answers NULL where `::regtype` raises 42704; shown by name.
    connection.create_scalar_function("to_regtype", 1, deterministic, |ctx| {
        Ok(text(ctx.get_raw(0))
            .and_then(|written| PgType::from_name(&written))
            .map(|t| format_type(i64::from(t.oid()), -1)))
    })?;
    for name in PRIVILEGE_FUNCTIONS {
        connection.create_scalar_function(*name, -1, deterministic, |_| Ok(true))?;
    }
    // The name SQLite knows a relation by, from its OID or a name as written; for the size
    // functions (`dialects`' SQLite target reads the sizes from `dbstat`).
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("pgbridge_relation_name", 1, volatile, move |ctx| {
        let value = ctx.get_raw(0);
        if let Some(oid) = oid(value) {
            return Ok(read(&state, |s| s.relation_names.get(&oid).cloned()));
        }
        Ok(text(value).map(|written| object_name(&written)))
    })?;
    // has_table_privilege([user,] table, privilege): the table must exist.
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("has_table_privilege", -1, volatile, move |ctx| {
        let table = ctx.get_raw(ctx.len().saturating_sub(2));
        if let Some(oid) = oid(table) {
            return Ok(read(&state, |s| s.relation_names.contains_key(&oid)));
        }
        let Some(written) = text(table) else {
            return Ok(false);
        };
        let name = object_name(&written).to_ascii_lowercase();
        if read(&state, |s| s.relation_oids.contains_key(&name)) {
            Ok(true)
        } else {
            Err(sql_error(
                "42P01",
                format!("relation \"{written}\" does not exist"),
            ))
        }
    })?;
    Ok(())
}
