//! The catalog tables, with PostgreSQL's column names and types (a subset of the columns of
//! PostgreSQL 15; a column is added here when a client needs it). Declared types are PostgreSQL
//! names, so the type registry's fallback (`type_from_declaration`) types the results.

/// Creates the catalog tables in the attached `pg_catalog` database.
pub const CREATE: &str = "
CREATE TABLE pg_catalog.pgbridge_catalog_state (schema_version int8 NOT NULL);
CREATE TABLE pg_catalog.pg_namespace (oid oid, nspname name, nspowner oid, nspacl text);
CREATE TABLE pg_catalog.pg_class (
    oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid,
    relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4,
    reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind char,
    relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool,
    relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, relreplident char,
    relispartition bool, relrewrite oid, relacl text, reloptions text, relpartbound text);
CREATE TABLE pg_catalog.pg_attribute (
    attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2,
    attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char,
    attstorage char, attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool,
    attidentity char, attgenerated char, attisdropped bool, attislocal bool, attinhcount int4,
    attcollation oid, attacl text, attoptions text);
CREATE TABLE pg_catalog.pg_type (
    oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool,
    typtype char, typcategory char, typispreferred bool, typisdefined bool, typdelim char,
    typrelid oid, typelem oid, typarray oid, typinput text, typoutput text, typreceive text,
    typsend text, typalign char, typstorage char, typnotnull bool, typbasetype oid,
    typtypmod int4, typndims int4, typcollation oid, typdefault text);
CREATE TABLE pg_catalog.pg_database (
    oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool,
    datallowconn bool, datconnlimit int4, dattablespace oid, datcollate text, datctype text,
    daticulocale text, datcollversion text, datacl text);
CREATE TABLE pg_catalog.pg_index (
    indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool,
    indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool,
    indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool,
    indisreplident bool, indkey int2vector, indclass oidvector, indoption int2vector, indexprs text, indpred text);
CREATE TABLE pg_catalog.pg_constraint (
    oid oid, conname name, connamespace oid, contype char, condeferrable bool,
    condeferred bool, convalidated bool, conrelid oid, contypid oid, conindid oid,
    conparentid oid, confrelid oid, confupdtype char, confdeltype char, confmatchtype char,
    conislocal bool, coninhcount int4, connoinherit bool, conkey _int2, confkey _int2,
    conbin text);
CREATE TABLE pg_catalog.pg_attrdef (oid oid, adrelid oid, adnum int2, adbin text);
CREATE TABLE pg_catalog.pg_description (objoid oid, classoid oid, objsubid int4, description text);
CREATE TABLE pg_catalog.pg_collation (
    oid oid, collname name, collnamespace oid, collowner oid, collprovider char,
    collisdeterministic bool, collencoding int4, collcollate text, collctype text);
CREATE TABLE pg_catalog.pg_roles (
    oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool,
    rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text,
    rolvaliduntil timestamptz, rolbypassrls bool, rolconfig text);
CREATE TABLE pg_catalog.pg_user (
    usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool,
    usebypassrls bool, passwd text, valuntil timestamptz, useconfig text);
CREATE TABLE pg_catalog.pg_am (oid oid, amname name, amhandler text, amtype char);
CREATE TABLE pg_catalog.pg_opclass (
    oid oid, opcmethod oid, opcname name, opcnamespace oid, opcowner oid, opcfamily oid,
    opcintype oid, opcdefault bool, opckeytype oid);
CREATE TABLE pg_catalog.pg_proc (
    oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4,
    prorows float4, provariadic oid, prosupport text, prokind char, prosecdef bool,
    proleakproof bool, proisstrict bool, proretset bool, provolatile char, proparallel char,
    pronargs int2, pronargdefaults int2, prorettype oid, proargtypes text, proallargtypes text,
    proargmodes text, proargnames text, proargdefaults text, protrftypes text, prosrc text,
    probin text, prosqlbody text, proconfig text, proacl text);
CREATE TABLE pg_catalog.pg_enum (oid oid, enumtypid oid, enumsortorder float4, enumlabel name);
CREATE TABLE pg_catalog.pg_range (
    rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid,
    rngcanonical text, rngsubdiff text);
CREATE TABLE pg_catalog.pg_extension (
    oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool,
    extversion text, extconfig text, extcondition text);
CREATE TABLE pg_catalog.pg_sequence (
    seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8,
    seqcache int8, seqcycle bool);
CREATE TABLE pg_catalog.pg_inherits (
    inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool);
CREATE TABLE pg_catalog.pg_depend (
    classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4,
    deptype char);
CREATE TABLE pg_catalog.pg_settings (
    name text, setting text, unit text, category text, short_desc text, extra_desc text,
    context text, vartype text, source text, min_val text, max_val text, enumvals text,
    boot_val text, reset_val text, sourcefile text, sourceline int4, pending_restart bool);
CREATE TABLE pg_catalog.pg_cursors (
    name text, statement text, is_holdable bool, is_binary bool, is_scrollable bool,
    creation_time timestamptz);
CREATE TABLE pg_catalog.pg_prepared_statements (
    name text, statement text, prepare_time timestamptz, parameter_types text,
    from_sql bool, generic_plans int8, custom_plans int8);
CREATE TABLE pg_catalog.pg_tables (
    schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool,
    hasrules bool, hastriggers bool, rowsecurity bool);
CREATE TABLE pg_catalog.pg_views (
    schemaname name, viewname name, viewowner name, definition text);
CREATE TABLE pg_catalog.pgbridge_keywords (
    word text, catcode char, barelabel bool, catdesc text, baredesc text);
CREATE TABLE pg_catalog.pg_indexes (
    schemaname name, tablename name, indexname name, tablespace name, indexdef text);
";

/// The views of PostgreSQL's `information_schema` that clients read, as tables of the attached
/// `information_schema` database. PostgreSQL declares their columns with the domains
/// `sql_identifier`, `character_data`, `cardinal_number` and `yes_or_no`; pgbridge uses the
/// base types (`name`, `text`, `int4`), which every driver reads the same way.
pub const CREATE_INFORMATION_SCHEMA: &str = "
CREATE TABLE information_schema.schemata (
    catalog_name name, schema_name name, schema_owner name,
    default_character_set_catalog name, default_character_set_schema name,
    default_character_set_name name, sql_path text);
CREATE TABLE information_schema.tables (
    table_catalog name, table_schema name, table_name name, table_type text,
    self_referencing_column_name name, reference_generation text, user_defined_type_catalog name,
    user_defined_type_schema name, user_defined_type_name name, is_insertable_into text,
    is_typed text, commit_action text);
CREATE TABLE information_schema.columns (
    table_catalog name, table_schema name, table_name name, column_name name,
    ordinal_position int4, column_default text, is_nullable text, data_type text,
    character_maximum_length int4, character_octet_length int4, numeric_precision int4,
    numeric_precision_radix int4, numeric_scale int4, datetime_precision int4,
    interval_type text, interval_precision int4, character_set_catalog name,
    character_set_schema name, character_set_name name, collation_catalog name,
    collation_schema name, collation_name name, domain_catalog name, domain_schema name,
    domain_name name, udt_catalog name, udt_schema name, udt_name name, scope_catalog name,
    scope_schema name, scope_name name, maximum_cardinality int4, dtd_identifier name,
    is_self_referencing text, is_identity text, identity_generation text,
    identity_start text, identity_increment text, identity_maximum text, identity_minimum text,
    identity_cycle text, is_generated text, generation_expression text, is_updatable text);
CREATE TABLE information_schema.table_constraints (
    constraint_catalog name, constraint_schema name, constraint_name name,
    table_catalog name, table_schema name, table_name name, constraint_type text,
    is_deferrable text, initially_deferred text, enforced text, nulls_distinct text);
CREATE TABLE information_schema.key_column_usage (
    constraint_catalog name, constraint_schema name, constraint_name name,
    table_catalog name, table_schema name, table_name name, column_name name,
    ordinal_position int4, position_in_unique_constraint int4);
CREATE TABLE information_schema.referential_constraints (
    constraint_catalog name, constraint_schema name, constraint_name name,
    unique_constraint_catalog name, unique_constraint_schema name,
    unique_constraint_name name, match_option text, update_rule text, delete_rule text);
CREATE TABLE information_schema.views (
    table_catalog name, table_schema name, table_name name, view_definition text,
    check_option text, is_updatable text, is_insertable_into text, is_trigger_updatable text,
    is_trigger_deletable text, is_trigger_insertable_into text);
CREATE TABLE information_schema.routines (
    specific_catalog name, specific_schema name, specific_name name, routine_catalog name,
    routine_schema name, routine_name name, routine_type text, data_type text,
    routine_body text, routine_definition text, external_language text, is_deterministic text,
    security_type text);
";

/// Rows that do not depend on the database's schema.
pub const FIXED_ROWS: &str = "
INSERT INTO pg_catalog.pg_namespace VALUES (11, 'pg_catalog', 10, NULL), (2200, 'public', 6171, NULL);
INSERT INTO pg_catalog.pg_collation VALUES
    (100, 'default', 11, 10, 'd', 1, -1, NULL, NULL),
    (950, 'C', 11, 10, 'c', 1, -1, 'C', 'C'),
    (951, 'POSIX', 11, 10, 'c', 1, -1, 'POSIX', 'POSIX');
INSERT INTO pg_catalog.pg_am VALUES (2, 'heap', 'heap_tableam_handler', 't'),
    (403, 'btree', 'bthandler', 'i');
INSERT INTO pg_catalog.pg_extension VALUES (13616, 'plpgsql', 10, 11, 0, '1.0', NULL, NULL);
INSERT INTO pg_catalog.pg_proc (oid, proname, pronamespace, proowner, prolang, procost, prorows,
    provariadic, prosupport, prokind, prosecdef, proleakproof, proisstrict, proretset, provolatile,
    proparallel, pronargs, pronargdefaults, prorettype, proargtypes, prosrc)
SELECT oid, name, 11, 10, 12, 1, 0, 0, '-', kind, 0, 0, 1, 0, volatile, 's', nargs, 0, returns,
    argtypes, name
FROM (SELECT 89 AS oid, 'version' AS name, 'f' AS kind, 's' AS volatile, 0 AS nargs,
             25 AS returns, '' AS argtypes
      UNION ALL SELECT 1299, 'now', 'f', 's', 0, 1184, ''
      UNION ALL SELECT 861, 'current_database', 'f', 's', 0, 19, ''
      UNION ALL SELECT 1402, 'current_schema', 'f', 's', 0, 19, ''
      UNION ALL SELECT 2079, 'pg_table_is_visible', 'f', 's', 1, 16, '26'
      UNION ALL SELECT 1081, 'format_type', 'f', 's', 2, 25, '26 23'
      UNION ALL SELECT 870, 'lower', 'f', 'i', 1, 25, '25'
      UNION ALL SELECT 871, 'upper', 'f', 'i', 1, 25, '25'
      UNION ALL SELECT 2803, 'count', 'a', 'i', 0, 20, '');
";

/// Every table the refresh empties and fills again (qualified by its attached database).
pub const SCHEMA_TABLES: &[&str] = &[
    "pg_catalog.pg_class",
    "pg_catalog.pg_attribute",
    "pg_catalog.pg_type",
    "pg_catalog.pg_opclass",
    "pg_catalog.pg_database",
    "pg_catalog.pg_index",
    "pg_catalog.pg_constraint",
    "pg_catalog.pg_attrdef",
    "pg_catalog.pg_roles",
    "pg_catalog.pg_user",
    "pg_catalog.pg_tables",
    "pg_catalog.pg_views",
    "pg_catalog.pg_indexes",
    "pg_catalog.pgbridge_catalog_state",
    "information_schema.schemata",
    "information_schema.tables",
    "information_schema.columns",
    "information_schema.table_constraints",
    "information_schema.key_column_usage",
    "information_schema.referential_constraints",
    "information_schema.views",
];
