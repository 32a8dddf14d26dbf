//! Target databases and what differs between them.
//!
//! Each target is one file implementing [`TargetDialect`]; the rewrite passes ask the trait and
//! never test which target they are working for.

mod mysql;
mod mysql_functions;
mod sqlite;

pub use mysql::MySql;
pub use sqlite::Sqlite;

use sqlparser::ast::{BinaryOperator, ColumnDef, DataType, DateTimeField, Expr, Function};

use crate::{PgType, TranslateError};

/// The database a statement is translated for.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Sqlite,
    /// MariaDB 10.11 (and MySQL 8 where they agree; see [`MySql`]).
    MySql,
}

impl Target {
    /// The dialect implementation for this target.
    pub fn dialect(self) -> &'static dyn TargetDialect {
        match self {
            Target::Sqlite => &Sqlite,
            Target::MySql => &MySql,
        }
    }

    /// Parses a target name as given on the command line (`sqlite`, `mysql`, `mariadb`).
    pub fn from_name(name: &str) -> Option<Target> {
        match name.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Target::Sqlite),
            "mysql" | "mariadb" => Some(Target::MySql),
            _ => None,
        }
    }
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
    /// own `CAST` differs. `None` means a plain `CAST(.. AS cast_type)` is faithful.
    fn cast_function(&self, pg_type: PgType) -> Option<&'static str> {
        let _ = pg_type;
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

    /// The function that computes a binary arithmetic operator with PostgreSQL's rules, where
    /// the target's own operator differs (overflow, division by zero, date arithmetic).
    fn arithmetic_function(&self, operator: &BinaryOperator) -> Option<&'static str> {
        let _ = operator;
        None
    }

    /// The function that returns the current transaction's timestamp with time zone.
    fn now_function(&self) -> &'static str;

    /// True when `word` is a keyword of the target that must be quoted as an identifier.
    fn is_keyword(&self, word: &str) -> bool {
        let _ = word;
        false
    }

    /// True when `CREATE TABLE .. WITH (storage parameters)` and UNLOGGED are accepted.
    fn supports_storage_parameters(&self) -> bool {
        true
    }

    /// True when `ALTER TABLE .. ADD CONSTRAINT` is accepted (else keys become unique indexes).
    fn supports_add_constraint(&self) -> bool {
        true
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

    /// True when `TRUNCATE` restarts the table's auto-increment counter whatever it is asked
    /// (PostgreSQL continues it unless `RESTART IDENTITY`): a plain `TRUNCATE` then becomes a
    /// `DELETE`, which keeps the counter.
    fn truncate_restarts_identity(&self) -> bool {
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
