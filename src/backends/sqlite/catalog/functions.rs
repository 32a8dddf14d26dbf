//! Functions that psql and drivers call on the catalog, registered on every connection:
//! `pg_get_indexdef`, `format_type`, `x::regclass` (as `pgbridge_regclass`), the regular
//! expression match behind `~`, ... They read the session's catalog [`Snapshot`].

use std::sync::{Arc, PoisonError};

use pgbridge_proxy::PgType;
use regex::{Regex, RegexBuilder};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};
use rusqlite::{Connection, Error};

use super::{SharedSnapshot, Snapshot};
use crate::backends::sqlite::functions::SessionFunctions;

pub(super) fn sql_error(code: &str, message: impl std::fmt::Display) -> Error {
    Error::UserFunctionError(format!("{code}:{message}").into())
}

pub(super) fn text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

/// An OID argument: an integer, or text holding one.
pub(super) fn oid(value: ValueRef<'_>) -> Option<i64> {
    match value {
        ValueRef::Integer(i) => Some(i),
        other => text(other)?.trim().parse().ok(),
    }
}

/// An object name as written in `'name'::regclass`: quotes removed, known schemas dropped.
pub(super) fn object_name(written: &str) -> String {
    let written = written.trim();
    let last = written
        .strip_prefix("public.")
        .or_else(|| written.strip_prefix("pg_catalog."))
        .unwrap_or(written);
    match last.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => last.to_ascii_lowercase(),
    }
}

fn regex_match(ctx: &mut Context<'_>) -> rusqlite::Result<SqliteValue> {
    let (Some(subject), Some(pattern)) = (text(ctx.get_raw(0)), text(ctx.get_raw(1))) else {
        return Ok(SqliteValue::Null);
    };
    let case_insensitive = text(ctx.get_raw(2)).is_some_and(|flags| flags.contains('i'));
    let compiled: Arc<Regex> = ctx.get_or_create_aux(1, |_| {
        RegexBuilder::new(&pattern)
            .case_insensitive(case_insensitive)
            .build()
            .map_err(|e| sql_error("2201B", format!("invalid regular expression: {e}")))
    })?;
    Ok(SqliteValue::Integer(i64::from(compiled.is_match(&subject))))
}

/// PostgreSQL's OIDs of its catalog tables, for `'pg_class'::regclass` (pgjdbc compares
/// `pg_description.classoid` with it) and the way back.
const CATALOG_RELATION_OIDS: &[(&str, i64)] = &[
    ("pg_type", 1247),
    ("pg_attribute", 1249),
    ("pg_proc", 1255),
    ("pg_class", 1259),
    ("pg_database", 1262),
    ("pg_am", 2601),
    ("pg_attrdef", 2604),
    ("pg_constraint", 2606),
    ("pg_depend", 2608),
    ("pg_description", 2609),
    ("pg_index", 2610),
    ("pg_inherits", 2611),
    ("pg_namespace", 2615),
    ("pg_opclass", 2616),
    ("pg_extension", 3079),
    ("pg_collation", 3456),
    ("pg_enum", 3501),
    ("pg_range", 3541),
];

/// The OID of a relation by lower-cased name: a catalog table, or one of the schema's.
pub(super) fn relation_oid(snapshot: &SharedSnapshot, name: &str) -> Option<i64> {
    CATALOG_RELATION_OIDS
        .iter()
        .find(|(catalog, _)| *catalog == name)
        .map(|(_, oid)| *oid)
        .or_else(|| read(snapshot, |s| s.relation_oids.get(name).copied()))
}

/// The name of a relation by OID: a catalog table, or one of the schema's.
pub(super) fn relation_name(snapshot: &SharedSnapshot, oid: i64) -> Option<String> {
    CATALOG_RELATION_OIDS
        .iter()
        .find(|(_, catalog)| *catalog == oid)
        .map(|(name, _)| (*name).to_owned())
        .or_else(|| read(snapshot, |s| s.relation_names.get(&oid).cloned()))
}

pub(super) fn read<T>(snapshot: &SharedSnapshot, f: impl FnOnce(&Snapshot) -> T) -> T {
    f(&snapshot.read().unwrap_or_else(PoisonError::into_inner))
}

/// `format_type(type_oid, typmod)`: `character varying(40)`, `numeric(10,2)`, ...
pub fn format_type(type_oid: i64, modifier: i64) -> String {
    let Some(pg_type) = u32::try_from(type_oid).ok().and_then(PgType::from_oid) else {
        return "???".to_owned();
    };
    let name = pg_type.sql_name();
    let Some(modifier) = modifier.checked_sub(4).filter(|m| *m >= 0) else {
        return name.to_owned();
    };
    match pg_type {
        PgType::Varchar | PgType::Bpchar => format!("{name}({modifier})"),
        PgType::Numeric => format!("{name}({},{})", modifier >> 16, modifier & 0xffff),
        _ => name.to_owned(),
    }
}

fn namespace_name(oid: i64) -> Option<&'static str> {
    match oid {
        11 => Some("pg_catalog"),
        2200 => Some("public"),
        _ => None,
    }
}

/// Registers the catalog functions on a connection.
pub fn register(
    connection: &Connection,
    snapshot: &SharedSnapshot,
    session: Arc<SessionFunctions>,
) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let volatile = FunctionFlags::SQLITE_UTF8;
    connection.create_scalar_function("pgbridge_regex_match", 3, deterministic, regex_match)?;
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("pgbridge_regclass", 1, volatile, move |ctx| {
        let value = ctx.get_raw(0);
        if let Some(oid) = oid(value) {
            return Ok(SqliteValue::Integer(oid));
        }
        let Some(written) = text(value) else {
            return Ok(SqliteValue::Null);
        };
        let name = object_name(&written);
        relation_oid(&state, &name.to_ascii_lowercase())
            .map(SqliteValue::Integer)
            .ok_or_else(|| sql_error("42P01", format!("relation \"{written}\" does not exist")))
    })?;
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("pgbridge_regclass_name", 1, volatile, move |ctx| {
        let value = ctx.get_raw(0);
        // A name ('users'::regclass) must name an existing relation; it is shown as written.
        if oid(value).is_none()
            && let Some(written) = text(value)
        {
            let name = object_name(&written);
            let known = relation_oid(&state, &name.to_ascii_lowercase()).is_some();
            if !known {
                return Err(rusqlite::Error::UserFunctionError(
                    format!("42P01:relation \"{name}\" does not exist").into(),
                ));
            }
            return Ok(Some(super::fill::quote_ident(&name)));
        }
        Ok(oid(value).map(|oid| {
            relation_name(&state, oid)
                .map(|n| super::fill::quote_ident(&n))
                .unwrap_or_else(|| oid.to_string())
        }))
    })?;
    connection.create_scalar_function("pgbridge_regtype", 1, deterministic, |ctx| {
        let value = ctx.get_raw(0);
        if let Some(oid) = oid(value) {
            return Ok(Some(oid));
        }
        let Some(written) = text(value) else {
            return Ok(None);
        };
        PgType::from_name(&written)
            .map(|t| Some(i64::from(t.oid())))
            .ok_or_else(|| sql_error("42704", format!("type \"{written}\" does not exist")))
    })?;
    connection.create_scalar_function("pgbridge_regtype_name", 1, deterministic, |ctx| {
        let value = ctx.get_raw(0);
        // A name ('int4'::regtype) must name a type; it is shown by its canonical name.
        if oid(value).is_none()
            && let Some(written) = text(value)
        {
            return PgType::from_name(&written)
                .map(|t| Some(format_type(i64::from(t.oid()), -1)))
                .ok_or_else(|| sql_error("42704", format!("type \"{written}\" does not exist")));
        }
        Ok(oid(value).map(
            |oid| match u32::try_from(oid).ok().and_then(PgType::from_oid) {
                Some(_) => format_type(oid, -1),
                None => oid.to_string(),
            },
        ))
    })?;
    connection.create_scalar_function("pgbridge_regnamespace", 1, deterministic, |ctx| {
        let value = ctx.get_raw(0);
        if let Some(oid) = oid(value) {
            return Ok(Some(oid));
        }
        let Some(written) = text(value) else {
            return Ok(None);
        };
        match object_name(&written).as_str() {
            "pg_catalog" => Ok(Some(11)),
            "public" => Ok(Some(2200)),
            _ => Err(sql_error(
                "3F000",
                format!("schema \"{written}\" does not exist"),
            )),
        }
    })?;
    connection.create_scalar_function("pgbridge_regnamespace_name", 1, deterministic, |ctx| {
        Ok(oid(ctx.get_raw(0))
            .map(|oid| namespace_name(oid).map_or_else(|| oid.to_string(), str::to_owned)))
    })?;
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("pg_table_is_visible", 1, volatile, move |ctx| {
        Ok(oid(ctx.get_raw(0)).map(|oid| read(&state, |s| s.relation_names.contains_key(&oid))))
    })?;
    // Every type pgbridge knows lives in pg_catalog, which is always on the search path.
    connection.create_scalar_function("pg_type_is_visible", 1, deterministic, |ctx| {
        Ok(oid(ctx.get_raw(0))
            .map(|oid| u32::try_from(oid).ok().and_then(PgType::from_oid).is_some()))
    })?;
    connection.create_scalar_function("pg_get_userbyid", 1, volatile, move |ctx| {
        Ok(oid(ctx.get_raw(0)).map(|oid| match oid {
            10 => session.user.clone(),
            6171 => "pg_database_owner".to_owned(),
            other => format!("unknown (OID={other})"),
        }))
    })?;
    connection.create_scalar_function("format_type", 2, deterministic, |ctx| {
        let modifier = oid(ctx.get_raw(1)).unwrap_or(-1);
        Ok(oid(ctx.get_raw(0)).map(|oid| format_type(oid, modifier)))
    })?;
    // Defaults are stored as their SQL text, so the "decompiled" expression is the text itself.
    connection.create_scalar_function("pg_get_expr", -1, deterministic, |ctx| {
        Ok(text(ctx.get_raw(0)))
    })?;
    let state = Arc::clone(snapshot);
    // pg_get_indexdef(index [, column, pretty]): column 0 (or none) is the whole definition,
    // column k the k-th key column.
    connection.create_scalar_function("pg_get_indexdef", -1, volatile, move |ctx| {
        let column = if ctx.len() > 1 {
            oid(ctx.get_raw(1))
        } else {
            None
        };
        Ok(oid(ctx.get_raw(0)).and_then(|oid| {
            read(&state, |s| match column.filter(|k| *k > 0) {
                None => s.index_definitions.get(&oid).cloned(),
                Some(k) => s
                    .index_columns
                    .get(&oid)
                    .and_then(|columns| columns.get(usize::try_from(k - 1).ok()?).cloned()),
            })
        }))
    })?;
    // `'pg_catalog.array_in'::regproc`: the catalog stores functions by bare name.
    connection.create_scalar_function("pgbridge_regproc", 1, deterministic, |ctx| {
        Ok(text(ctx.get_raw(0)).map(|written| {
            let name = object_name(&written);
            name.rsplit('.').next().unwrap_or(&name).to_owned()
        }))
    })?;
    let state = Arc::clone(snapshot);
    connection.create_scalar_function("pg_get_constraintdef", -1, volatile, move |ctx| {
        Ok(oid(ctx.get_raw(0))
            .and_then(|oid| read(&state, |s| s.constraint_definitions.get(&oid).cloned())))
    })?;
    // No comments are stored: descriptions are always NULL.
    connection
        .create_scalar_function("obj_description", -1, deterministic, |_| Ok(None::<String>))?;
    connection
        .create_scalar_function("col_description", 2, deterministic, |_| Ok(None::<String>))?;
    connection.create_scalar_function("pg_encoding_to_char", 1, deterministic, |ctx| {
        Ok(if oid(ctx.get_raw(0)) == Some(6) {
            "UTF8"
        } else {
            ""
        }
        .to_owned())
    })?;
    // array_to_string(array, delimiter [, null_string]) over array text (`{a,b}`, as
    // array_agg and the catalog's arrays are stored); other text is taken as one element.
    connection.create_scalar_function("array_to_string", -1, deterministic, |ctx| {
        let Some(array) = text(ctx.get_raw(0)) else {
            return Ok(None);
        };
        if !array.trim_start().starts_with('{') {
            return Ok(Some(array));
        }
        let delimiter = text(ctx.get_raw(1)).unwrap_or_default();
        let null_text = if ctx.len() > 2 {
            text(ctx.get_raw(2))
        } else {
            None
        };
        let elements = pgbridge_proxy::array::split_text(&array)
            .map_err(|error| sql_error(&error.code, &error.message))?;
        let joined: Vec<String> = elements
            .into_iter()
            .filter_map(|element| element.or_else(|| null_text.clone()))
            .collect();
        Ok(Some(joined.join(&delimiter)))
    })?;
    // No table is partitioned: a relation's only ancestor is itself.
    connection.create_scalar_function("pg_partition_ancestors", 1, deterministic, |ctx| {
        Ok(oid(ctx.get_raw(0)))
    })?;
    super::introspection::register(connection, snapshot)
}
