//! Target databases and what differs between them.
//!
//! Each target is one file implementing [`TargetDialect`]; the rewrite passes ask the trait and
//! never test which target they are working for.

mod mssql;
mod mysql;
mod mysql_functions;
mod sqlite;
mod sqlite_arrays;

pub use mssql::MsSql;
pub use mysql::MySql;
pub use sqlite::Sqlite;

use sqlparser::ast::{BinaryOperator, ColumnDef, DataType, DateTimeField, Expr, Function, Value};

use crate::{PgType, TranslateError};

/// A table of arrays' elements (see [`TargetDialect::array_elements`]): the FROM item, and,
/// for its current row, each array's element and subscript (NULL past its end) and the
/// 1-based position.
#[derive(Debug, Clone)]
pub struct ArrayElements {
    pub factor: sqlparser::ast::TableFactor,
    pub values: Vec<Expr>,
    /// Function calls, to which [`ArrayElements::subscript`] appends the dimension asked for.
    pub subscripts: Vec<Expr>,
    pub position: Expr,
}

impl ArrayElements {
    /// The subscript of the array at `at` in `dimension` (`generate_subscripts(a, dimension)`).
    pub fn subscript(&self, at: usize, dimension: Option<Expr>) -> Expr {
        let mut subscript = self.subscripts[at].clone();
        if let (Expr::Function(function), Some(dimension)) = (&mut subscript, dimension)
            && let sqlparser::ast::FunctionArguments::List(list) = &mut function.args
        {
            list.args.push(sqlparser::ast::FunctionArg::Unnamed(
                sqlparser::ast::FunctionArgExpr::Expr(dimension),
            ));
        }
        subscript
    }
}

/// The database a statement is translated for.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Sqlite,
    /// MariaDB 10.11 (and MySQL 8 where they agree; see [`MySql`]).
    MySql,
    /// SQL Server 2019 and later (T-SQL; see [`MsSql`]).
    MsSql,
}

impl Target {
    /// The dialect implementation for this target.
    pub fn dialect(self) -> &'static dyn TargetDialect {
        match self {
            Target::Sqlite => &Sqlite,
            Target::MySql => &MySql,
            Target::MsSql => &MsSql,
        }
    }

    /// Parses a target name as given on the command line (`sqlite`, `mysql`, `mariadb`,
    /// `mssql`).
    pub fn from_name(name: &str) -> Option<Target> {
        match name.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Target::Sqlite),
            "mysql" | "mariadb" => Some(Target::MySql),
            "mssql" | "sqlserver" | "tsql" => Some(Target::MsSql),
            _ => None,
        }
    }
}

/// Functions of a target that keep intervals as PostgreSQL's interval text.
#[derive(Debug, Clone, Copy)]
pub struct IntervalFunctions {
    /// `f(point, interval, subtract, with_zone)`: a date, timestamp or timestamptz moved by an
    /// interval (`subtract` 1 for `-`), as a timestamp (`with_zone` 0) or timestamptz (1).
    pub moved: &'static str,
    /// `f(a, b)`: the interval from timestamp `b` to timestamp `a` (`a - b`).
    pub between: &'static str,
    /// `f(a, b, subtract)`: `a + b` or `a - b` of two intervals.
    pub combined: &'static str,
    /// `f(interval)`: a number that orders intervals as PostgreSQL compares them.
    pub span: &'static str,
    /// `f(interval, factor, divide)`: `interval * factor`, or `interval / factor` (`divide` 1).
    pub scaled: &'static str,
}

/// What a target database can express, and how.
pub trait TargetDialect: Send + Sync {
    /// The target's name as it appears in error messages (`SQLite`).
    fn name(&self) -> &'static str;

    /// How the `index`-th (1-based) parameter is written in the target's SQL.
    fn placeholder(&self, index: usize) -> String;

    /// The column type used in DDL for a PostgreSQL column type.
    fn column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError>;

    /// The type used in `CAST(.. AS ..)` for a PostgreSQL type.
    fn cast_type(&self, data_type: &DataType) -> Result<DataType, TranslateError>;

    /// A function that converts a value to `pg_type` with PostgreSQL's input rules (rounding
    /// to integers, range checks, `'t'`/`'yes'` booleans, errors on bad text), where the target's
    /// own `CAST` differs. `None` means a plain `CAST(.. AS cast_type)` is faithful. The numeric
    /// one is also called as `f(x, p, s)` for `numeric(p, s)`: it rounds `x` to `s` digits and
    /// fails with 22003 past `p` digits.
    fn cast_function(&self, pg_type: PgType) -> Option<&'static str> {
        let _ = pg_type;
        None
    }

    /// A function `f(x, scale)` that prints a numeric as PostgreSQL does, padded or rounded to
    /// `scale` digits after the point when `scale` is not NULL, where the target's own cast to
    /// text prints a numeric otherwise (`numeric_text.rs`).
    fn numeric_text_function(&self) -> Option<&'static str> {
        None
    }

    /// True when `ORDER BY .. NULLS FIRST | LAST` is accepted.
    fn supports_nulls_ordering(&self) -> bool {
        true
    }

    /// True when the target's `LIKE` is case-insensitive (so `ILIKE` needs `lower()`
    /// only to be explicit) and PostgreSQL's case-sensitive `LIKE` needs help.
    fn like_is_case_sensitive(&self) -> bool {
        true
    }

    /// True when `LIKE` escapes with a backslash by default, as PostgreSQL's does; false
    /// writes `ESCAPE '\'` out (`like_escapes.rs`).
    fn like_escapes_with_backslash(&self) -> bool {
        true
    }

    /// The function that computes a binary arithmetic operator with PostgreSQL's rules, where
    /// the target's own operator differs (overflow, division by zero, date arithmetic).
    fn arithmetic_function(&self, operator: &BinaryOperator) -> Option<&'static str> {
        let _ = operator;
        None
    }

    /// The function that returns the current transaction's timestamp with time zone.
    fn now_function(&self) -> &'static str;

    /// The function that reads the clock when it is called (`clock_timestamp()`); the
    /// transaction's timestamp where the target's `now` already reads the clock.
    fn clock_function(&self) -> &'static str {
        self.now_function()
    }

    /// The function that computes a jsonb editing operator (`||`, `-`, `#-` on jsonb) where
    /// the target's own operator would compute something else (`json_edits.rs`).
    fn jsonb_operator_function(&self, operator: &BinaryOperator) -> Option<&'static str> {
        let _ = operator;
        None
    }

    /// The aggregate that computes `string_agg(DISTINCT value, separator)` where the target's
    /// `DISTINCT` takes one argument only (SQLite): it drops repeated pairs itself.
    fn distinct_string_agg_function(&self) -> Option<&'static str> {
        None
    }

    /// True when `LIMIT` / `OFFSET` are accepted; else they become `TOP (n)` or
    /// `OFFSET .. ROWS FETCH NEXT .. ROWS ONLY` (`limit_offset.rs`).
    fn supports_limit_offset(&self) -> bool {
        true
    }

    /// True when DML accepts `RETURNING`; else it becomes `OUTPUT INSERTED.* | DELETED.*`
    /// (`returning.rs`).
    fn supports_returning(&self) -> bool {
        true
    }

    /// True when predicates are values (`SELECT a = b`, `WHERE flag`); else booleans are BIT
    /// values and predicates are spelled out (`booleans.rs`).
    fn supports_boolean_values(&self) -> bool {
        true
    }

    /// True when an auto-assigned column (`serial`, `GENERATED .. AS IDENTITY`) may be any
    /// integer column and is declared with `IDENTITY(1, 1)`; false keeps only the
    /// auto-assigned integer primary key.
    fn supports_identity_columns(&self) -> bool {
        false
    }

    /// True when `WITH RECURSIVE` is spelled with the `RECURSIVE` keyword.
    fn supports_recursive_keyword(&self) -> bool {
        true
    }

    /// True when `a || b` concatenates; false spells it `a + b` with non-literal operands cast
    /// to text (NULL in, NULL out, as `||`; `CONCAT` would skip NULLs).
    fn supports_concat_operator(&self) -> bool {
        true
    }

    /// True when string literals are written `N'..'` so non-Latin text survives.
    fn national_string_literals(&self) -> bool {
        false
    }

    /// True when `ALTER TABLE .. ADD COLUMN` keeps the `COLUMN` keyword.
    fn supports_add_column_keyword(&self) -> bool {
        true
    }

    /// True when `DROP .. CASCADE` is accepted.
    fn supports_drop_cascade(&self) -> bool {
        true
    }

    /// True when `DROP .. CASCADE` is written without `CASCADE` (MariaDB ignores the word):
    /// SQLite keeps no dependents it would refuse to drop a table for; a view over a dropped
    /// table fails when used, with 42P01 as PostgreSQL's dropped view does.
    fn drops_without_cascade(&self) -> bool {
        false
    }

    /// True when `CREATE TABLE .. AS query` is accepted; else it becomes `SELECT .. INTO`.
    fn supports_create_table_as(&self) -> bool {
        true
    }

    /// The case- and accent-sensitive collation given to character columns and `LIKE`
    /// subjects, where the target's default collation ignores case; `None` keeps the default.
    fn case_sensitive_collation(&self) -> Option<&'static str> {
        None
    }

    /// True when an explicit cast to an integer rounds (PostgreSQL: `1.5::int` is 2); false
    /// rounds the operand first with `ROUND(x, 0)`.
    fn cast_to_integer_rounds(&self) -> bool {
        true
    }

    /// True when a cast to `varchar(n)` keeps its full text (so the cast pass cuts it to `n`);
    /// false when the target's own cast already cuts it.
    fn cast_keeps_long_text(&self) -> bool {
        true
    }

    /// A function `f(array_text, value)` that tells whether an array, stored as PostgreSQL's
    /// array text, holds a value (for `value = ANY (column)`); `None` refuses that form.
    fn array_membership_function(&self) -> Option<&'static str> {
        None
    }

    /// An aggregate `f(value [ORDER BY ..])`, NULL over no rows, that collects values into an
    /// array in PostgreSQL's array text (for `array_agg`); `None` refuses `array_agg`.
    fn array_aggregate_function(&self) -> Option<&'static str> {
        None
    }

    /// A function `f(array, subscript)` reading one element of an array stored as array text
    /// (`{..}`, or `1 2` for the vector types, whose subscripts start at 0), NULL out of range;
    /// `None` refuses `a[i]`.
    fn array_element_function(&self) -> Option<&'static str> {
        None
    }

    /// One row per position of arrays stored as array text, as many as the longest has, for
    /// set-returning functions in a select list (`unnest`, `generate_subscripts`,
    /// `information_schema._pg_expandarray`); `None` leaves them to the target (which refuses
    /// them).
    fn array_elements(&self, arrays: &[Expr], alias: &str) -> Option<ArrayElements> {
        let _ = (arrays, alias);
        None
    }

    /// The target's spelling of a record `(field => value, ..)` that `record_field` reads,
    /// or `None` when it has none.
    fn record(&self, fields: Vec<(&str, Expr)>) -> Option<Expr> {
        let _ = fields;
        None
    }

    /// `(record).field` for a record made by [`TargetDialect::record`].
    fn record_field(&self, record: Expr, field: &str) -> Option<Expr> {
        let _ = (record, field);
        None
    }

    /// The target's spelling of a PostgreSQL function call (`name` lower-cased, without
    /// schema), `Ok(None)` when it is called as written, or a refusal.
    fn function_call(&self, name: &str, args: &[Expr]) -> Result<Option<Expr>, TranslateError> {
        let _ = (name, args);
        Ok(None)
    }

    /// True when `INSERT .. ON CONFLICT (key)` is written as `MERGE` (`merge.rs`).
    fn upsert_as_merge(&self) -> bool {
        false
    }

    /// True when `DELETE FROM t USING u` is accepted; else it becomes `DELETE t FROM t, u`.
    fn supports_delete_using(&self) -> bool {
        true
    }

    /// True when the alias of the table an `UPDATE` / `DELETE` writes needs `AS` and cannot be
    /// read in `RETURNING` (SQLite): see `passes/dml_aliases.rs`.
    fn dml_alias_needs_as(&self) -> bool {
        false
    }

    /// False when `RETURNING t.*` must be written `RETURNING *` (SQLite refuses the first).
    fn returning_reads_qualified_wildcards(&self) -> bool {
        true
    }

    /// The column that names a row (SQLite's `rowid`) on a target whose `DELETE` reads one
    /// table only: `DELETE FROM t USING u WHERE ..` becomes
    /// `DELETE FROM t WHERE t.rowid IN (SELECT t.rowid FROM t, u WHERE ..)`.
    fn row_id_column(&self) -> Option<&'static str> {
        None
    }

    /// The procedure that renames tables and columns (`EXEC sp_rename 't.a', 'b', 'COLUMN'`),
    /// or `None` when `ALTER TABLE .. RENAME` is accepted as written.
    fn rename_procedure(&self) -> Option<&'static str> {
        None
    }

    /// True when an ordered aggregate puts its order in `WITHIN GROUP (ORDER BY ..)`
    /// (`STRING_AGG(x, ',') WITHIN GROUP (ORDER BY y)`) instead of inside the call.
    fn ordered_aggregates_within_group(&self) -> bool {
        false
    }

    /// True when aggregates take `FILTER (WHERE ..)`; else the filter moves into the argument
    /// (`sum(CASE WHEN p THEN x END)`, `count(CASE WHEN p THEN 1 END)` for `count(*)`).
    fn supports_aggregate_filter(&self) -> bool {
        true
    }

    /// True when `SELECT .. FOR UPDATE | SHARE` is spelled as table hints
    /// (`WITH (UPDLOCK, HOLDLOCK)`) on the tables the query reads.
    fn row_lock_hints(&self) -> bool {
        false
    }

    /// Where `CREATE TABLE | INDEX .. IF NOT EXISTS` is not accepted: the condition, in the
    /// target's SQL, that holds when `index` of `table` (or the table itself, for `None`) does
    /// not exist; the statement then runs under `IF <condition>`. `None` keeps the clause.
    fn missing_object_condition(&self, table: &str, index: Option<&str>) -> Option<String> {
        let _ = (table, index);
        None
    }

    /// True when `CREATE INDEX` may omit the name, give `USING method`, and `DROP INDEX` may
    /// omit the table; false drops `USING btree` and refuses the rest.
    fn supports_postgresql_index_forms(&self) -> bool {
        true
    }

    /// True when a unique index admits one NULL only (PostgreSQL admits any number): a
    /// `CREATE UNIQUE INDEX` then leaves rows with a NULL key out (`WHERE c IS NOT NULL`).
    fn unique_index_admits_one_null(&self) -> bool {
        false
    }

    /// True when `TRUNCATE` restarts identity numbering (so PostgreSQL's plain `TRUNCATE`,
    /// which keeps sequences, becomes `DELETE FROM`).
    fn truncate_restarts_identity(&self) -> bool {
        false
    }

    /// True when `CREATE TEMPORARY TABLE` is accepted.
    fn supports_temporary_tables(&self) -> bool {
        true
    }

    /// True when `UPDATE t AS a` / `DELETE FROM t AS a` may alias the written table; else the
    /// alias is dropped and `a.c` becomes `t.c`.
    fn supports_dml_target_alias(&self) -> bool {
        true
    }

    /// True when `SELECT DISTINCT ON` is written with `ROW_NUMBER()` (`distinct_on_rows.rs`);
    /// every target has window functions (SQLite 3.25, MariaDB 10.2, MySQL 8, SQL Server).
    fn distinct_on_as_row_number(&self) -> bool {
        true
    }

    /// True when `LATERAL` subqueries are spelled `CROSS APPLY` / `OUTER APPLY`.
    fn lateral_as_apply(&self) -> bool {
        false
    }

    /// True when rows compare as values (`(a, b) = (1, 2)`); else `=` and `<>` between rows
    /// become `AND` / `OR` of their columns and ordering comparisons are refused.
    fn supports_row_comparisons(&self) -> bool {
        true
    }

    /// True when `x AT TIME ZONE 'zone'` converts with PostgreSQL's meaning and zone names.
    fn supports_at_time_zone(&self) -> bool {
        true
    }

    /// The sqlparser dialect that reads the target's own SQL, for passes that assemble a
    /// target statement from translated parts (`MERGE`, `IF .. CREATE`, `EXEC`).
    fn target_parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::GenericDialect {}
    }

    /// The function `f(x, canonical)` that marks a text as a JSON value (jsonb's canonical
    /// form when `canonical` is 1), where json is kept as text and booleans as numbers: JSON
    /// builders embed what it marks as JSON (`passes/json_values.rs`). `None` where values
    /// carry their types.
    fn json_mark_function(&self) -> Option<&'static str> {
        None
    }

    /// The function that reads a JSON path as text (`x ->> 'a'`, `x -> 'a' ->> 'b'` become
    /// `f(x, '$."a"."b"')`), or `None` when the arrow operators are kept as written.
    fn json_value_function(&self) -> Option<&'static str> {
        None
    }

    /// True when `word` is a keyword of the target that must be quoted as an identifier.
    fn is_keyword(&self, word: &str) -> bool {
        let _ = word;
        false
    }

    /// True when a double-quoted name must be sent bare: it means the same unquoted, and the
    /// target reads something into the bare form (T-SQL's `#temp` table names).
    fn unquotes_identifier(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// True when `CREATE TABLE .. WITH (storage parameters)` and UNLOGGED are accepted.
    fn supports_storage_parameters(&self) -> bool {
        true
    }

    /// True when a column constraint may be named (`c text CONSTRAINT c_key UNIQUE`); else named
    /// column constraints move to the table's constraints (`constraint_forms.rs`).
    fn supports_named_column_constraints(&self) -> bool {
        true
    }

    /// True when constraints may be `DEFERRABLE` / `INITIALLY DEFERRED`; else the clause is
    /// dropped and the constraint is checked at each statement (`constraint_forms.rs`).
    fn supports_deferrable_constraints(&self) -> bool {
        true
    }

    /// The target's NULL-safe equality operator (`a <=> b`), which `IS [NOT] DISTINCT FROM`
    /// becomes (`distinct_from.rs`); `None` keeps the predicates as written.
    fn null_safe_equal_operator(&self) -> Option<BinaryOperator> {
        None
    }

    /// True when `generate_series(a, b [, step])` in `FROM` becomes a derived table over a
    /// recursive CTE (`recursive_series.rs`); false leaves it to the target's own table functions.
    fn series_as_recursive_query(&self) -> bool {
        false
    }

    /// The binary literal of the bytes written `hex` (lowercase), for a text literal cast to
    /// bytea, decoded when translating (`'\x0a'::bytea` is the byte 0a, `'ab'::bytea` the
    /// UTF-8 bytes 61 62) where the target's own cast would keep the text's characters (or, on
    /// SQL Server, their UTF-16 code units) as the bytes. `None` keeps the cast.
    fn binary_literal(&self, hex: &str) -> Option<Value> {
        let _ = hex;
        None
    }

    /// The text a string literal cast to timestamptz must have for the target's cast, where
    /// its input rules are narrower than PostgreSQL's (SQL Server wants `+01:00` for `+01`);
    /// `None` keeps the text.
    fn timestamptz_literal(&self, text: &str) -> Option<String> {
        let _ = text;
        None
    }

    /// True when `ALTER TABLE .. ADD CONSTRAINT` is accepted (else keys become unique indexes).
    fn supports_add_constraint(&self) -> bool {
        true
    }

    /// True when `varchar(n)` and `char(n)` columns refuse longer values themselves; false
    /// adds a named CHECK on the length, which the backend's error mapping reports as
    /// PostgreSQL's 22001 (see `length_check_type`).
    fn enforces_character_length(&self) -> bool {
        true
    }

    /// The collation given to `char(n)` columns so that trailing blanks do not count when they
    /// are compared, as with PostgreSQL's `bpchar` (`'ab' = 'ab   '`); `None` where the
    /// target's own CHAR columns compare so.
    fn blank_padded_collation(&self) -> Option<&'static str> {
        None
    }

    /// True when a derived table's alias may name its columns (`AS v(x, y)`).
    fn supports_derived_column_names(&self) -> bool {
        true
    }

    /// True when one `DROP TABLE a, b` may name several objects.
    fn supports_drop_many(&self) -> bool {
        true
    }

    /// True when the target accepts `SELECT .. FOR UPDATE | SHARE`. Targets that lock the whole
    /// database for a writer drop the clause; the lock it asks for is already held.
    fn supports_row_locks(&self) -> bool {
        true
    }

    /// True when `INSERT .. ON CONFLICT ON CONSTRAINT name` can name a constraint.
    fn supports_conflict_on_constraint(&self) -> bool {
        false
    }

    /// True when `SELECT DISTINCT ON (..)` is accepted with PostgreSQL's meaning.
    fn supports_distinct_on(&self) -> bool {
        false
    }

    /// True when `trim(BOTH 'x' FROM text)` is accepted as written.
    fn supports_trim_from(&self) -> bool {
        true
    }

    /// True when the target stores arrays (`ARRAY[..]`, `int[]`, `= ANY (array)`, `a[1]`).
    fn supports_arrays(&self) -> bool {
        false
    }

    /// True when `FROM` items may be `LATERAL`.
    fn supports_lateral(&self) -> bool {
        false
    }

    /// The target's collation that orders like the PostgreSQL collation `name` (other than
    /// `"default"`, which is always the target's own), or `None` when there is none.
    fn collation(&self, name: &str) -> Option<&'static str> {
        let _ = name;
        None
    }

    /// The function `f(subject, pattern, flags)` that matches a POSIX regular expression as
    /// PostgreSQL's `~` does (`flags` is `'i'` for `~*`), or `None` when the target has none and
    /// the regular-expression operators are refused.
    fn regex_match_function(&self) -> Option<&'static str> {
        None
    }

    /// The function that reads a value as the OID of a `regclass`, `regtype` or `regnamespace`
    /// (`shown` false: a name or an OID in, the OID out), or prints it as the object's name
    /// (`shown` true, for `x::regclass` in a select list or cast to text). `None` refuses it.
    fn object_reference_function(&self, reference_type: &str, shown: bool) -> Option<&'static str> {
        let _ = (reference_type, shown);
        None
    }

    /// True when the target computes with PostgreSQL intervals (`INTERVAL '1 day'`,
    /// `x::interval`, timestamp arithmetic with them).
    fn supports_intervals(&self) -> bool {
        false
    }

    /// The functions that compute `+` and `-` with intervals, on a target whose intervals are
    /// PostgreSQL's text kept by pgbridge's own functions; `None` where intervals are refused.
    fn interval_functions(&self) -> Option<IntervalFunctions> {
        None
    }

    // Added for the MySQL target.

    /// The statements to run on each new connection before any translated SQL (session modes,
    /// time zone, collation, helper functions). Each one is idempotent.
    fn session_setup(&self) -> Vec<String> {
        Vec::new()
    }

    /// True when placeholders are anonymous and bound in order of appearance (`?`): a `$n` used
    /// twice becomes two placeholders, and [`crate::Translation::parameter_order`] tells which
    /// `$n` each one binds.
    fn positional_placeholders(&self) -> bool {
        false
    }

    /// The operator that divides two integers as PostgreSQL's `/` does (truncating toward zero),
    /// where the target's `/` gives a fraction. `None` keeps `/`.
    fn integer_division_operator(&self) -> Option<BinaryOperator> {
        None
    }

    /// A function that makes a dividend fractional, where the target divides two stored
    /// integers as integers even when PostgreSQL types them numeric or float (`7::numeric / 2`
    /// is 3.5). `None` keeps the dividend.
    fn fractional_division_function(&self) -> Option<&'static str> {
        None
    }

    /// A function `f(sqlstate, message)` that raises an error, where the target answers a
    /// scalar subquery of several rows with its first (`passes/scalar_subqueries.rs`).
    /// `None` where the target raises that error itself.
    fn raise_function(&self) -> Option<&'static str> {
        None
    }

    /// A function that raises SQLSTATE 22012, guarding `/` and `%` divisors where the target
    /// answers NULL for a zero divisor. `None` leaves divisors alone.
    fn division_by_zero_function(&self) -> Option<&'static str> {
        None
    }

    /// Gives an auto-incremented key column (serial, identity) the target's type and options.
    fn auto_increment(&self, column: &mut ColumnDef) {
        column.data_type = DataType::Integer(None);
    }

    /// The collation given to declared text columns of `pg_type` that name none, so that
    /// comparisons are case-sensitive as in PostgreSQL. `None` leaves them alone.
    fn text_column_collation(&self, pg_type: PgType) -> Option<&'static str> {
        let _ = pg_type;
        None
    }

    /// The target's own spelling of a function call, where it differs in name, arguments or
    /// NULL rules; `Ok(None)` keeps the call as written.
    fn rewrite_function(&self, function: &Function) -> Result<Option<Expr>, TranslateError> {
        let _ = function;
        Ok(None)
    }

    /// The target's own spelling of a binary operator (JSON access), `Ok(None)` keeps it.
    fn rewrite_operator(
        &self,
        left: &Expr,
        operator: &BinaryOperator,
        right: &Expr,
    ) -> Result<Option<Expr>, TranslateError> {
        let _ = (left, operator, right);
        Ok(None)
    }

    /// True when `INSERT .. ON CONFLICT` is accepted as written; otherwise it becomes
    /// `ON DUPLICATE KEY UPDATE`.
    fn supports_on_conflict(&self) -> bool {
        true
    }

    /// True when `UPDATE .. FROM` and `DELETE .. USING` are accepted as written; otherwise they
    /// become multi-table `UPDATE t JOIN u` and `DELETE FROM t USING t, u`.
    fn supports_update_from(&self) -> bool {
        true
    }

    /// True when `UPDATE .. RETURNING` is accepted.
    fn supports_update_returning(&self) -> bool {
        true
    }

    /// True when `OFFSET` may be written without `LIMIT`.
    fn supports_offset_without_limit(&self) -> bool {
        true
    }

    /// The `LIMIT` row count that means no limit, where `OFFSET` needs a `LIMIT` (MySQL's
    /// documented largest unsigned 64-bit integer by default).
    fn unlimited_row_count(&self) -> &'static str {
        "18446744073709551615"
    }

    /// True when `generate_series(start, stop[, step])` is a table-valued function of integers
    /// with one `value` column that counts up only (SQLite's series module): PostgreSQL's
    /// calls in `FROM` are then written with it (`value_series.rs`).
    fn has_value_series(&self) -> bool {
        false
    }

    /// True when `CREATE INDEX .. WHERE` (a partial index) is accepted.
    fn supports_partial_indexes(&self) -> bool {
        true
    }

    /// The target's own spelling of `EXTRACT(field FROM expr)`, `Ok(None)` keeps it.
    fn rewrite_extract(
        &self,
        field: &DateTimeField,
        expr: &Expr,
    ) -> Result<Option<Expr>, TranslateError> {
        let _ = (field, expr);
        Ok(None)
    }

    /// The column type of a single-column primary key, where the target cannot key every type
    /// it stores (MySQL cannot key LONGTEXT).
    fn key_column_type(&self, data_type: &DataType) -> Result<DataType, TranslateError> {
        self.column_type(data_type)
    }

    /// The function that rounds a float half to even (PostgreSQL's `rint`), where the target's
    /// `round` and integer casts round halves away from zero: `round(2.5::float8)` and
    /// `2.5::float8::int` are 2 in PostgreSQL. `None` keeps the target's rounding.
    fn float_rint_function(&self) -> Option<&'static str> {
        None
    }

    /// True when the target stores booleans as the numbers 1 and 0, so a boolean cast to text
    /// must spell `true` / `false` itself.
    fn booleans_are_numbers(&self) -> bool {
        false
    }

    /// True when a string literal whose context is of `pg_type` (`flag = 't'`, an INSERT into a
    /// timestamptz column) must be cast to it explicitly, as the target would use the text.
    fn casts_literals_to(&self, pg_type: PgType) -> bool {
        let _ = pg_type;
        false
    }

    /// True when the target stores a value as given, so the literals assigned to a column
    /// (`INSERT .. VALUES`, `UPDATE .. SET`) go through [`TargetDialect::cast_function`] for
    /// the column's type, as PostgreSQL converts them (`assignment_casts.rs`).
    fn converts_on_assignment(&self) -> bool {
        false
    }

    /// True when `INSERT INTO t DEFAULT VALUES` is accepted (else it is `INSERT INTO t VALUES ()`).
    fn supports_default_values(&self) -> bool {
        true
    }

    /// The function `f(date, days)` that moves a date by a number of days, where the target's
    /// `date + integer` differs. `None` keeps the operators.
    fn add_days_function(&self) -> Option<&'static str> {
        None
    }

    /// The function `f(a, b)` that counts the days from date `b` to date `a` (`a - b`).
    fn days_between_function(&self) -> Option<&'static str> {
        None
    }
}
