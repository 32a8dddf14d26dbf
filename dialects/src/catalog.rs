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
    "pg_opclass",
    "pg_roles",
    "pg_type",
    "pg_user",
    "pg_proc",
    "pg_enum",
    "pg_range",
    "pg_extension",
    "pg_depend",
    "pg_sequence",
    "pg_settings",
    "pg_cursors",
    "pg_prepared_statements",
    "pg_tables",
    "pg_views",
    "pg_indexes",
];

/// The schemas whose every relation belongs to the emulated catalog.
pub const CATALOG_SCHEMAS: &[&str] = &["pg_catalog", "information_schema"];

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

/// Functions that read the emulated catalog (so a statement calling one refreshes it first,
/// and, where the catalog is a database apart from the backend's, as on MySQL, runs there).
pub const CATALOG_FUNCTIONS: &[&str] = &[
    "pg_table_is_visible",
    "pg_type_is_visible",
    "pg_get_indexdef",
    "pg_get_constraintdef",
    "pg_get_expr",
    "pg_get_userbyid",
    "pg_get_serial_sequence",
    "pg_encoding_to_char",
    "pg_partition_ancestors",
    "format_type",
    "obj_description",
    "col_description",
    "current_schemas",
    // Reads the session's settings, which live in pgbridge (the catalog database of a MySQL
    // session reads them; MySQL cannot).
    "current_setting",
    "to_regtype",
    "has_table_privilege",
    "pg_total_relation_size",
    "pg_relation_size",
    "pg_table_size",
    "pg_indexes_size",
    "pg_get_keywords",
];

/// The `has_*_privilege` functions other than `has_table_privilege` (which checks that the
/// table exists): catalog functions that answer true for every object.
pub const PRIVILEGE_FUNCTIONS: &[&str] = &[
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

/// True when `name` (the last part of a function name) reads the emulated catalog.
pub fn is_catalog_function(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CATALOG_FUNCTIONS.contains(&name.as_str()) || PRIVILEGE_FUNCTIONS.contains(&name.as_str())
}

/// True when `schema` (the part before a relation's name) is a catalog schema.
pub fn is_catalog_schema(schema: &str) -> bool {
    CATALOG_SCHEMAS.contains(&schema.to_ascii_lowercase().as_str())
}
