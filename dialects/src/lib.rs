//! # pgbridge-dialects
//!
//! PostgreSQL SQL in, target SQL out: the pure translation layer of pgbridge (no IO, no tokio).
//!
//! 1. [`parse`] reads PostgreSQL text into sqlparser's AST (once per statement).
//! 2. [`translate`] runs the rewrite passes (one concern per file under `passes/`, in the order
//!    written in `passes::run`) against a [`TargetDialect`] and prints the target's SQL.
//! 3. [`infer`] types the parameters and result columns with PostgreSQL's rules, so a front end
//!    can describe a statement before it runs.
//! 4. [`TranslationCache`] keeps what 1 and 2 computed for a text, so a repeated statement
//!    costs a lookup.
//! 5. [`schema_change`] tells what a DDL statement declares, so the declared PostgreSQL types
//!    can be remembered by the backend.
//!
//! ```
//! use pgbridge_dialects::{parse, translate, Target};
//!
//! let statements = parse("SELECT name FROM users WHERE id = $1 ORDER BY name").unwrap();
//! let translated = translate(&statements[0], Target::Sqlite).unwrap();
//! assert_eq!(translated.sql, "SELECT name FROM users WHERE id = ?1 ORDER BY name NULLS LAST");
//! assert_eq!(translated.parameter_count, 1);
//!
//! let statements = parse("SELECT name FROM users WHERE active LIMIT 5").unwrap();
//! let translated = translate(&statements[0], Target::MsSql).unwrap();
//! assert_eq!(translated.sql, "SELECT TOP (5) name FROM users WHERE active = 1");
//! ```
//!
//! Where the translation depends on column types (`7/2` divides integers, `date + 1` moves a
//! day), [`translate_with_schema`] types the columns from a [`SchemaLookup`]. A target's
//! connections first run [`TargetDialect::session_setup`]; a target with positional `?`
//! placeholders (MySQL) reports which `$n` each one binds in [`Translation::parameter_order`]:
//!
//! ```
//! use pgbridge_dialects::{PgType, SchemaLookup, Target, parse, translate_with_schema};
//!
//! struct Orders;
//! impl SchemaLookup for Orders {
//!     fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
//!         (table == "orders").then(|| vec![("total".into(), PgType::Int4)])
//!     }
//! }
//!
//! let statements = parse("SELECT total / $1 FROM orders WHERE total > $1").unwrap();
//! let translated = translate_with_schema(&statements[0], Target::MySql, &Orders).unwrap();
//! assert_eq!(
//!     translated.sql,
//!     "SELECT total DIV (CASE WHEN ? = 0 THEN pgbridge_division_by_zero() ELSE ? END) \
//!      FROM orders WHERE total > ?"
//! );
//! assert_eq!(translated.parameter_order, vec![1, 1, 1]);
//! ```
//!
//! What a target cannot express faithfully fails with [`TranslateError::Unsupported`]
//! (SQLSTATE 0A000), never with SQL that would answer differently.

mod cache;
pub mod catalog;
mod error;
pub mod infer;
mod nesting;
pub(crate) mod passes;
mod pg_type;
mod positional;
mod schema;
mod target;

pub use cache::{TranslatedScript, TranslatedStatement, TranslationCache};
pub use error::TranslateError;
pub use infer::{InferredColumn, SchemaLookup, StatementTypes, infer};
pub use nesting::MAX_EXPRESSION_DEPTH;
pub use passes::ddl::length_check_type;
pub use pg_type::PgType;
pub use schema::{DeclaredColumn, SchemaChange, schema_change};
pub use target::{MsSql, MySql, Sqlite, Target, TargetDialect};

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// A statement translated for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The SQL to run on the target.
    pub sql: String,
    /// The number of parameters (`$n`) the statement uses: the highest `n`.
    pub parameter_count: usize,
    /// For a target with positional placeholders (MySQL's `?`): the `$n` index (1-based) that
    /// each placeholder binds, in order of appearance (`$1` used twice appears twice). Empty for
    /// targets whose placeholders carry their number (SQLite's `?n`).
    pub parameter_order: Vec<usize>,
}

/// A schema that knows no table: literals and casts still type, columns do not.
struct NoSchema;

impl SchemaLookup for NoSchema {
    fn table_columns(&self, _table: &str) -> Option<Vec<(String, PgType)>> {
        None
    }
}

/// `ALTER TABLE t ADD [CONSTRAINT name] PRIMARY KEY | UNIQUE (columns)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedKey {
    pub table: String,
    pub columns: Vec<String>,
    /// The constraint's name, or PostgreSQL's default (`t_pkey`, `t_a_key`).
    pub index_name: String,
    pub primary: bool,
}

/// The key an `ALTER TABLE .. ADD PRIMARY KEY | UNIQUE` adds, if that is all it does.
pub fn added_key(statement: &Statement) -> Option<AddedKey> {
    use sqlparser::ast::{AlterTableOperation, TableConstraint};
    let Statement::AlterTable(alter) = statement else {
        return None;
    };
    let [AlterTableOperation::AddConstraint { constraint, .. }] = alter.operations.as_slice()
    else {
        return None;
    };
    let table = alter.name.0.last()?.as_ident()?.value.clone();
    let (name, columns, primary) = match constraint {
        TableConstraint::PrimaryKey(key) => (key.name.clone(), &key.columns, true),
        TableConstraint::Unique(key) => (key.name.clone(), &key.columns, false),
        _ => return None,
    };
    let columns: Vec<String> = columns
        .iter()
        .map(|c| c.column.expr.to_string().trim_matches('"').to_owned())
        .collect();
    let index_name = match name {
        Some(name) => name.value,
        None if primary => format!("{table}_pkey"),
        None => format!("{table}_{}_key", columns.join("_")),
    };
    Some(AddedKey {
        table,
        columns,
        index_name,
        primary,
    })
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Parses PostgreSQL SQL text into statements (refusing expressions nested past
/// [`MAX_EXPRESSION_DEPTH`] with SQLSTATE 54001).
pub fn parse(sql: &str) -> Result<Vec<Statement>, TranslateError> {
    let statements =
        Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|error| TranslateError::Syntax {
            message: error
                .to_string()
                .trim_start_matches("sql parser error: ")
                .to_owned(),
        })?;
    nesting::check(statements)
}

/// Translates one parsed PostgreSQL statement for `target`, without knowing the schema: column
/// types are unknown, so a division of two integer columns stays `/` on MySQL (use
/// [`translate_with_schema`] there).
pub fn translate(statement: &Statement, target: Target) -> Result<Translation, TranslateError> {
    translate_with(statement, target.dialect())
}

/// Translates one parsed PostgreSQL statement for `target`, typing columns from `schema` where
/// the translation depends on types (`a / b` of two integer columns is `a DIV b` on MySQL).
pub fn translate_with_schema(
    statement: &Statement,
    target: Target,
    schema: &dyn SchemaLookup,
) -> Result<Translation, TranslateError> {
    translate_with_dialect_and_schema(statement, target.dialect(), schema)
}

/// Translates one parsed PostgreSQL statement with a given dialect implementation.
pub fn translate_with(
    statement: &Statement,
    dialect: &dyn TargetDialect,
) -> Result<Translation, TranslateError> {
    translate_with_dialect_and_schema(statement, dialect, &NoSchema)
}

/// Translates one parsed PostgreSQL statement with a given dialect implementation and schema.
pub fn translate_with_dialect_and_schema(
    statement: &Statement,
    dialect: &dyn TargetDialect,
    schema: &dyn SchemaLookup,
) -> Result<Translation, TranslateError> {
    if let Statement::Drop { names, .. } = statement
        && names.len() > 1
        && !dialect.supports_drop_many()
    {
        // One DROP per object, run as one script.
        let mut parts = Vec::with_capacity(names.len());
        for name in names {
            let mut single = statement.clone();
            if let Statement::Drop { names, .. } = &mut single {
                *names = vec![name.clone()];
            }
            parts.push(translate_with_dialect_and_schema(&single, dialect, schema)?.sql);
        }
        return Ok(Translation {
            sql: parts.join("; "),
            parameter_count: 0,
            parameter_order: Vec::new(),
        });
    }
    if let Some(key) = added_key(statement)
        && !dialect.supports_add_constraint()
    {
        // A unique index enforces what the constraint does (NULLs aside, which the engine
        // checks for a primary key before running this).
        let columns: Vec<String> = key.columns.iter().map(|c| quote(c)).collect::<Vec<_>>();
        let sql = format!(
            "CREATE UNIQUE INDEX {} ON {} ({})",
            quote(&key.index_name),
            quote(&key.table),
            columns.join(", ")
        );
        return Ok(Translation {
            sql,
            parameter_count: 0,
            parameter_order: Vec::new(),
        });
    }
    nesting::with_stack_for(statement, || {
        let mut statement = statement.clone();
        let parameter_count = passes::run(&mut statement, dialect, schema)?;
        let mut sql = statement.to_string();
        if matches!(statement, Statement::Merge(_)) {
            // T-SQL requires a `MERGE` to be terminated.
            sql.push(';');
        }
        if dialect.positional_placeholders() {
            let (sql, parameter_order) = positional::number_in_order(&sql)?;
            return Ok(Translation {
                sql,
                parameter_count,
                parameter_order,
            });
        }
        Ok(Translation {
            sql,
            parameter_count,
            parameter_order: Vec::new(),
        })
    })
}
