//! What pgbridge's emulated PostgreSQL catalog holds, shared by the translator and the backends.

/// Catalog relations that the emulation keeps (rows come from the backend's own schema).
pub const CATALOG_RELATIONS: &[&str] = &[
    "pg_am",
    "pg_attrdef",
    "pg_attribute",
    "pg_class",
    "pg_collation",
    "pg_constraint",
    "pg_database",
    "pg_description",
    "pg_index",
    "pg_namespace",
    "pg_roles",
    "pg_type",
    "pg_user",
];

/// Catalog relations that are always empty for the backends pgbridge serves (no row-level
/// security, triggers, inheritance, publications or extended statistics are emulated). A
/// `SELECT` that inner-joins one of them returns no rows whatever else it computes.
pub const EMPTY_CATALOG_RELATIONS: &[&str] = &[
    "pg_policy",
    "pg_trigger",
    "pg_inherits",
    "pg_statistic_ext",
    "pg_publication",
    "pg_publication_rel",
    "pg_publication_namespace",
    "pg_rewrite",
    "pg_event_trigger",
    "pg_partitioned_table",
];

/// True when `name` (the last part of a relation name) is a catalog relation, kept or empty.
pub fn is_catalog_relation(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CATALOG_RELATIONS.contains(&name.as_str()) || EMPTY_CATALOG_RELATIONS.contains(&name.as_str())
}
