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
    indisreplident bool, indkey text, indexprs text, indpred text);
CREATE TABLE pg_catalog.pg_constraint (
    oid oid, conname name, connamespace oid, contype char, condeferrable bool,
    condeferred bool, convalidated bool, conrelid oid, contypid oid, conindid oid,
    conparentid oid, confrelid oid, confupdtype char, confdeltype char, confmatchtype char,
    conislocal bool, coninhcount int4, connoinherit bool, conkey text, confkey text,
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
";

/// Every table the refresh empties and fills again.
pub const SCHEMA_TABLES: &[&str] = &[
    "pg_class",
    "pg_attribute",
    "pg_type",
    "pg_database",
    "pg_index",
    "pg_constraint",
    "pg_attrdef",
    "pg_roles",
    "pg_user",
    "pgbridge_catalog_state",
];
