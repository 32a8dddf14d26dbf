//! A parsed statement and what kind of work it is: the routing decision, made once at parse.

use std::sync::{Arc, Mutex};

use pgbridge_dialects::{
    SchemaChange, TranslateError, TranslatedScript, Translation, schema_change,
};
use pgbridge_proxy::{Description, SqlError};
use sqlparser::ast::{
    CopySource, CopyTarget, Expr, ObjectType, Reset, Set, Statement, TransactionAccessMode,
    TransactionMode, Value,
};

/// Where a statement goes and what it does.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Begin {
        read_only: bool,
    },
    Commit,
    Rollback,
    Savepoint(String),
    Release(String),
    RollbackTo(String),
    /// `SET name = value`; `None` means DEFAULT.
    Set {
        name: String,
        value: Option<String>,
    },
    Reset(Option<String>),
    Show(String),
    Discard,
    /// `DEALLOCATE name`, or `DEALLOCATE ALL` (`None`).
    Deallocate {
        name: Option<String>,
    },
    /// `PREPARE name [(types)] AS statement`.
    Prepare {
        name: String,
        types: Vec<sqlparser::ast::DataType>,
        statement: Box<Statement>,
    },
    /// `EXECUTE name [(arguments)]`.
    Execute {
        name: String,
        arguments: Vec<Expr>,
    },
    /// A statement the backend answers with rows (SELECT, or DML with RETURNING).
    Rows {
        tag: &'static str,
    },
    /// DML without RETURNING; the tag gets the affected row count.
    Modify {
        tag: &'static str,
    },
    /// COPY table [(columns)] FROM STDIN.
    CopyFrom {
        table: String,
        columns: Vec<String>,
        format: pgbridge_proxy::CopyFormat,
        /// `FORMAT binary`: tuples in each type's binary encoding instead of text records.
        binary: bool,
    },
    /// COPY table|(query) TO STDOUT, with the query that produces the rows.
    CopyTo {
        query: Box<Statement>,
        format: pgbridge_proxy::CopyFormat,
    },
    /// VACUUM / ANALYZE: SQLite needs no vacuuming for visibility; both refresh the planner's
    /// statistics (`ANALYZE`). VACUUM is refused inside a transaction block, as in PostgreSQL.
    Maintenance {
        tag: &'static str,
        table: Option<String>,
    },
    /// TRUNCATE: every row of these tables removed.
    Truncate {
        tables: Vec<String>,
    },
    /// `DECLARE name CURSOR FOR query`: the query runs now, its rows are fetched later.
    DeclareCursor {
        name: String,
        query: Box<Statement>,
        scroll: bool,
        hold: bool,
    },
    /// `FETCH direction FROM name`, or `MOVE` (`moves`: the same without the rows).
    Fetch {
        name: String,
        direction: sqlparser::ast::FetchDirection,
        moves: bool,
    },
    /// `CLOSE name`, or `CLOSE ALL` (`None`).
    CloseCursor(Option<String>),
    /// Schema changes, with what the type registry must learn.
    Ddl {
        tag: String,
        change: Option<SchemaChange>,
    },
}

/// The translation and description of a backend statement, valid for one schema version.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sql: String,
    /// For targets with positional `?` placeholders: the `$n` (1-based) each one binds, in
    /// order. Empty when the SQL numbers its placeholders (SQLite's `?n`).
    pub parameter_order: Vec<usize>,
    /// The parameter types the client declared when this plan was made.
    pub client_types: Vec<Option<pgbridge_dialects::PgType>>,
    pub description: Description,
    /// What each result column's values are converted to: the field's type, and the scale
    /// PostgreSQL would show them with (the field's `numeric(p, s)`, or the scale inference
    /// gives an expression such as `sum(price)`).
    pub output_types: Vec<crate::backends::adapter::OutputType>,
    pub schema_version: u64,
    /// True when the statement runs on the backend's catalog database apart (see
    /// `BackendConnection::catalog_reads`), translated for SQLite.
    pub on_catalog: bool,
}

impl Plan {
    /// The values to bind, in placeholder order, for the statement's parameters `$1..$n`.
    pub fn arguments(&self, parameters: Vec<pgbridge_proxy::Value>) -> Vec<pgbridge_proxy::Value> {
        if self.parameter_order.is_empty() {
            return parameters;
        }
        self.parameter_order
            .iter()
            .map(|n| {
                n.checked_sub(1)
                    .and_then(|index| parameters.get(index))
                    .cloned()
                    .unwrap_or(pgbridge_proxy::Value::Null)
            })
            .collect()
    }
}

/// A statement as the session keeps it between Parse and Execute.
#[derive(Debug)]
pub struct EngineStatement {
    /// The parsed text this statement belongs to, shared with the translation cache (the AST is
    /// never copied: a deep one would cost a deep recursion).
    script: TranslatedScript,
    /// This statement's position in `script`.
    index: usize,
    /// True when the statement reads the emulated catalog (refreshed before it runs).
    pub reads_catalog: bool,
    pub kind: Kind,
    pub plan: Mutex<Option<Arc<Plan>>>,
}

impl EngineStatement {
    /// Statement `index` of `script`, classified.
    pub fn new(script: TranslatedScript, index: usize) -> Result<EngineStatement, SqlError> {
        let ast = &script[index].statement;
        Ok(EngineStatement {
            reads_catalog: super::catalog::reads_catalog(ast),
            kind: classify(ast)?,
            plan: Mutex::new(None),
            script,
            index,
        })
    }

    /// The PostgreSQL statement.
    pub fn ast(&self) -> &Statement {
        &self.script[self.index].statement
    }

    /// The statement in the target's SQL, or why it cannot be.
    pub fn translation(&self) -> &Result<Translation, TranslateError> {
        &self.script[self.index].translation
    }
}

/// `DECLARE name [NO] SCROLL CURSOR [WITH[OUT] HOLD] FOR query` (one cursor, with a query).
fn declare_cursor(declarations: &[sqlparser::ast::Declare]) -> Result<Kind, SqlError> {
    let unsupported = || SqlError::unsupported("DECLARE other than one cursor FOR a query");
    let [declaration] = declarations else {
        return Err(unsupported());
    };
    let (Some(query), [name]) = (&declaration.for_query, declaration.names.as_slice()) else {
        return Err(unsupported());
    };
    if declaration.binary == Some(true) {
        return Err(SqlError::unsupported("DECLARE BINARY CURSOR"));
    }
    Ok(Kind::DeclareCursor {
        name: super::session::cursor_name(name),
        query: Box::new(Statement::Query(query.clone())),
        scroll: declaration.scroll != Some(false),
        hold: declaration.hold == Some(true),
    })
}

fn words(statement: &Statement) -> String {
    statement
        .to_string()
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

fn setting_name(parts: &[String]) -> String {
    let joined = parts.join(" ").to_ascii_lowercase();
    match joined.as_str() {
        "transaction isolation level" => "transaction_isolation".to_owned(),
        "time zone" => "timezone".to_owned(),
        _ => joined.replace(' ', "_"),
    }
}

fn value_text(values: &[Expr]) -> Option<String> {
    let parts: Vec<String> = values
        .iter()
        .map(|value| match value {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s)
                | Value::DoubleQuotedString(s)
                | Value::EscapedStringLiteral(s) => s.clone(),
                other => other.to_string(),
            },
            Expr::Identifier(ident) => ident.value.clone(),
            other => other.to_string(),
        })
        .collect();
    match parts.as_slice() {
        [single] if single.eq_ignore_ascii_case("default") => None,
        _ => Some(parts.join(", ")),
    }
}

/// Classifies a parsed statement.
pub fn classify(statement: &Statement) -> Result<Kind, SqlError> {
    Ok(match statement {
        Statement::StartTransaction { modes, .. } => Kind::Begin {
            read_only: modes.iter().any(|m| {
                matches!(
                    m,
                    TransactionMode::AccessMode(TransactionAccessMode::ReadOnly)
                )
            }),
        },
        Statement::Commit { .. } => Kind::Commit,
        Statement::Rollback {
            savepoint: None, ..
        } => Kind::Rollback,
        Statement::Rollback {
            savepoint: Some(name),
            ..
        } => Kind::RollbackTo(name.to_string()),
        Statement::Savepoint { name } => Kind::Savepoint(name.to_string()),
        Statement::ReleaseSavepoint { name } => Kind::Release(name.to_string()),
        Statement::Set(set) => match set {
            Set::SingleAssignment {
                variable, values, ..
            } => Kind::Set {
                name: setting_name(&[variable.to_string()]),
                value: value_text(values),
            },
            Set::SetTimeZone { value, .. } => Kind::Set {
                name: "timezone".to_owned(),
                value: value_text(std::slice::from_ref(value)),
            },
            // SET TRANSACTION / SESSION CHARACTERISTICS / NAMES: accepted; SQLite transactions
            // are serializable whatever is asked.
            _ => Kind::Set {
                name: String::new(),
                value: None,
            },
        },
        Statement::Reset(reset) => match &reset.reset {
            Reset::ALL => Kind::Reset(None),
            Reset::ConfigurationParameter(name) => {
                Kind::Reset(Some(setting_name(&[name.to_string()])))
            }
            _ => Kind::Reset(None),
        },
        Statement::ShowVariable { variable } => Kind::Show(setting_name(
            &variable.iter().map(|i| i.value.clone()).collect::<Vec<_>>(),
        )),
        Statement::Discard { .. } => Kind::Discard,
        Statement::Deallocate { name, .. } => Kind::Deallocate {
            name: (!(name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all")))
                .then(|| super::session::cursor_name(name)),
        },
        Statement::Prepare {
            name,
            data_types,
            statement,
        } => Kind::Prepare {
            name: super::session::cursor_name(name),
            types: data_types.clone(),
            statement: statement.clone(),
        },
        Statement::Execute {
            name: Some(name),
            parameters,
            using,
            into,
            immediate: false,
            ..
        } if using.is_empty() && into.is_empty() => Kind::Execute {
            name: name
                .0
                .last()
                .and_then(|part| part.as_ident())
                .map_or_else(|| name.to_string(), super::session::cursor_name),
            arguments: parameters.clone(),
        },
        Statement::Query(_) => Kind::Rows { tag: "SELECT" },
        Statement::Declare { stmts, .. } => declare_cursor(stmts)?,
        Statement::Fetch {
            name,
            direction,
            into,
            ..
        } => match into {
            Some(target) if target.to_string() != super::repair::MOVE_MARKER => {
                return Err(SqlError::new(
                    "42601",
                    "syntax error at or near \"INTO\": FETCH .. INTO is PL/pgSQL only",
                ));
            }
            _ => Kind::Fetch {
                name: super::session::cursor_name(name),
                direction: direction.clone(),
                moves: into.is_some(),
            },
        },
        Statement::Close { cursor } => Kind::CloseCursor(match cursor {
            sqlparser::ast::CloseCursor::All => None,
            sqlparser::ast::CloseCursor::Specific { name } => {
                Some(super::session::cursor_name(name))
            }
        }),
        Statement::Insert(insert) => match insert.returning {
            Some(_) => Kind::Rows { tag: "INSERT 0" },
            None => Kind::Modify { tag: "INSERT 0" },
        },
        Statement::Update(update) => match update.returning {
            Some(_) => Kind::Rows { tag: "UPDATE" },
            None => Kind::Modify { tag: "UPDATE" },
        },
        Statement::Delete(delete) => match delete.returning {
            Some(_) => Kind::Rows { tag: "DELETE" },
            None => Kind::Modify { tag: "DELETE" },
        },
        Statement::CreateTable(_) => Kind::Ddl {
            tag: "CREATE TABLE".to_owned(),
            change: schema_change(statement),
        },
        Statement::AlterTable(_) => Kind::Ddl {
            tag: "ALTER TABLE".to_owned(),
            change: schema_change(statement),
        },
        Statement::CreateIndex(_) => Kind::Ddl {
            tag: "CREATE INDEX".to_owned(),
            change: None,
        },
        Statement::CreateView(_) => Kind::Ddl {
            tag: "CREATE VIEW".to_owned(),
            change: None,
        },
        Statement::Drop { object_type, .. }
            if matches!(
                object_type,
                ObjectType::Table | ObjectType::Index | ObjectType::View
            ) =>
        {
            Kind::Ddl {
                tag: format!("DROP {object_type}"),
                change: schema_change(statement),
            }
        }
        Statement::Vacuum(vacuum) => Kind::Maintenance {
            tag: "VACUUM",
            table: vacuum.table_name.as_ref().and_then(last_name),
        },
        Statement::Analyze(analyze) => Kind::Maintenance {
            tag: "ANALYZE",
            table: analyze.table_name.as_ref().and_then(last_name),
        },
        Statement::Truncate(truncate) => Kind::Truncate {
            tables: truncate
                .table_names
                .iter()
                .filter_map(|target| {
                    target
                        .name
                        .0
                        .last()
                        .and_then(|p| p.as_ident())
                        .map(|i| i.value.clone())
                })
                .collect(),
        },
        Statement::Copy {
            source,
            to,
            target,
            options,
            legacy_options,
            ..
        } => copy_kind(source, *to, target, options, legacy_options)?,
        other => {
            return Err(SqlError::unsupported(format!("{} on SQLite through pgbridge", words(other))).with_hint(
                "pgbridge runs SELECT, INSERT, UPDATE, DELETE, CREATE/ALTER/DROP TABLE, indexes, views, \
                 transactions and session commands",
            ));
        }
    })
}

fn copy_kind(
    source: &CopySource,
    to: bool,
    target: &CopyTarget,
    options: &[sqlparser::ast::CopyOption],
    legacy: &[sqlparser::ast::CopyLegacyOption],
) -> Result<Kind, SqlError> {
    // Binary is read for COPY FROM only; for COPY TO, format_of refuses it.
    let binary = !to && super::copy::is_binary(options, legacy);
    let format = if binary {
        pgbridge_proxy::CopyFormat::default()
    } else {
        super::copy::format_of(options, legacy)?
    };
    match (to, target) {
        (false, CopyTarget::Stdin) => match source {
            CopySource::Table {
                table_name,
                columns,
            } => Ok(Kind::CopyFrom {
                table: table_name
                    .0
                    .last()
                    .and_then(|part| part.as_ident())
                    .map(|ident| ident.value.clone())
                    .unwrap_or_default(),
                columns: columns.iter().map(|c| c.value.clone()).collect(),
                format,
                binary,
            }),
            CopySource::Query(_) => Err(SqlError::new(
                "42601",
                "COPY FROM needs a table, not a query",
            )),
        },
        (true, CopyTarget::Stdout) => {
            let query = match source {
                CopySource::Query(query) => Statement::Query(query.clone()),
                CopySource::Table {
                    table_name,
                    columns,
                } => {
                    let list = if columns.is_empty() {
                        "*".to_owned()
                    } else {
                        columns
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let sql = format!("SELECT {list} FROM {table_name}");
                    pgbridge_dialects::parse(&sql)
                        .map_err(|e| SqlError::new(e.sqlstate(), e.to_string()))?
                        .pop()
                        .ok_or_else(|| SqlError::new("42601", "empty COPY source"))?
                }
            };
            Ok(Kind::CopyTo {
                query: Box::new(query),
                format,
            })
        }
        _ => Err(SqlError::new(
            "42501",
            "COPY to or from a file or program is not allowed through pgbridge; use STDIN/STDOUT (psql \\copy)",
        )),
    }
}

fn last_name(name: &sqlparser::ast::ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.clone())
}
