//! Functions that tools call to look around before they query: `current_schemas`,
//! `to_regtype`, the `has_*_privilege` family and the relation size functions.

use std::sync::Arc;

use pgbridge_dialects::catalog::PRIVILEGE_FUNCTIONS;
use pgbridge_proxy::PgType;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use super::SharedSnapshot;
use super::functions::{
    format_type, object_name, oid, read, relation_name, relation_oid, sql_error, text,
};

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
    // `to_regtype` answers NULL where `::regtype` raises 42704: an OID where it is compared,
    // the type's name where it is shown (see the translator's object_references pass).
    connection.create_scalar_function("pgbridge_to_regtype", 1, deterministic, |ctx| {
        Ok(text(ctx.get_raw(0))
            .and_then(|written| PgType::from_name(&written))
            .map(|t| i64::from(t.oid())))
    })?;
    connection.create_scalar_function("pgbridge_to_regtype_name", 1, deterministic, |ctx| {
        Ok(text(ctx.get_raw(0))
            .and_then(|written| PgType::from_name(&written))
            .map(|t| format_type(i64::from(t.oid()), -1)))
    })?;
    // pgbridge has one user, who owns everything (the backend checks the real permissions when
    // a statement runs), so every privilege is held.
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
    // `value = ANY (array)` over the catalog's array columns, stored as PostgreSQL's array text
    // (`{1,2}`) or as an int2vector (`1 2`). NULL when either side is NULL or when the value is
    // not found and the array holds a NULL, as `= ANY` is.
    connection.create_scalar_function("pgbridge_array_contains", 2, deterministic, |ctx| {
        let (Some(array), Some(value)) = (text(ctx.get_raw(0)), text(ctx.get_raw(1))) else {
            return Ok(None);
        };
        let inner = array.trim().trim_start_matches('{').trim_end_matches('}');
        let mut saw_null = false;
        for element in inner.split([',', ' ']).filter(|e| !e.is_empty()) {
            let element = element.trim_matches('"');
            if element == value {
                return Ok(Some(true));
            }
            saw_null |= element.eq_ignore_ascii_case("null");
        }
        Ok((!saw_null).then_some(false))
    })?;
    // SQLite numbers a serial column itself (the rowid): there is no sequence to name.
    connection.create_scalar_function("pg_get_serial_sequence", 2, deterministic, |_| {
        Ok(None::<String>)
    })?;
    // has_table_privilege([user,] table, privilege): the table must exist.
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("has_table_privilege", -1, volatile, move |ctx| {
        let table = ctx.get_raw(ctx.len().saturating_sub(2));
        if let Some(oid) = oid(table) {
            return Ok(relation_name(&state, oid).is_some());
        }
        let Some(written) = text(table) else {
            return Ok(false);
        };
        let name = object_name(&written).to_ascii_lowercase();
        if relation_oid(&state, &name).is_some() {
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
