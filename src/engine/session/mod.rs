//! One client's session: transaction state (with PostgreSQL's failed-block rule), settings,
//! schema knowledge for type inference, and the route of each statement.

mod copy_in;
mod cursors;
mod events;
mod planning;
mod prepared;

pub(in crate::engine) use cursors::cursor_name;

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};

use async_trait::async_trait;
use futures::stream;
use pgbridge_dialects::{
    DeclaredColumn, PgType, SchemaChange, SchemaLookup, TranslatedScript, TranslatedStatement,
    TranslationCache,
};
use pgbridge_dialects::{infer, translate, translate_with_schema};
use pgbridge_proxy::{
    CancelToken, Description, Field, Outcome, Session, SqlError, TransactionState, Value,
};
use sqlparser::ast::{ObjectName, Visit, Visitor};

use self::cursors::Cursors;
use self::events::Committer;
pub(in crate::engine) use self::events::SessionEvents;
use super::copy::CopyIn;
use super::repair::repair;
use super::rows::{OpenRows, row_stream};
use super::settings;
use super::statement::{EngineStatement, Kind, Plan};
use crate::backends::adapter::{
    BackendConnection, OutputType, SessionValues, TableColumns as Columns, delete_all_statement,
};

/// The session of one client, over its backend connection `C`.
/// Where the implicit transaction of a Query message or a batch up to Sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implicit {
    /// None is open: no statement of the batch has written yet.
    None,
    /// Opened by the batch's first write; committed at its end.
    Open,
    /// A statement failed (the front end reported it): rolled back at the end.
    Failed,
}

pub struct EngineSession<C: BackendConnection> {
    worker: C,
    functions: Arc<SessionValues>,
    state: TransactionState,
    changed: Vec<(String, String)>,
    schema: HashMap<String, Option<Columns>>,
    schema_seen: u64,
    schema_version: Arc<AtomicU64>,
    open_rows: Option<OpenRows>,
    copy_in: Option<CopyIn>,
    /// The error that ended a COPY FROM early; reported at CopyDone, as the client sends its
    /// remaining data first.
    copy_failed: Option<SqlError>,
    /// Parsed statements by SQL text: a repeated statement skips parsing, and its cached plan
    /// skips translation and the backend's prepare.
    parsed: HashMap<String, Vec<Arc<EngineStatement>>>,
    /// The engine's translation cache, shared by every session.
    translations: TranslationCache,
    /// Cursors opened with `DECLARE`.
    cursors: Cursors,
    /// Settings as they were at BEGIN, restored by ROLLBACK (SET is transactional).
    settings_at_begin: Option<HashMap<String, String>>,
    /// The implicit transaction of the current Query message or extended-protocol batch.
    implicit: Implicit,
    /// Statements prepared with SQL `PREPARE`, by name.
    sql_prepared: HashMap<String, prepared::SqlPrepared>,
    /// The open transaction's changes, for observers.
    events: SessionEvents,
}

/// Distinct SQL texts remembered per session before the cache starts over.
const PARSED_CAPACITY: usize = 512;

struct SchemaCache<'a>(&'a HashMap<String, Option<Columns>>);

impl SchemaLookup for SchemaCache<'_> {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        self.0
            .get(table)
            .and_then(Option::as_ref)
            .map(|columns| columns.iter().map(|(n, t, _)| (n.clone(), *t)).collect())
    }

    fn type_modifiers(&self, table: &str) -> Option<Vec<i32>> {
        self.0
            .get(table)
            .and_then(Option::as_ref)
            .map(|columns| columns.iter().map(|(_, _, modifier)| *modifier).collect())
    }
}

struct Relations(Vec<String>);

impl Visitor for Relations {
    type Break = ();
    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        if let Some(name) = relation.0.last().and_then(|p| p.as_ident()) {
            self.0.push(name.value.clone());
        }
        ControlFlow::Continue(())
    }
}

fn aborted() -> SqlError {
    SqlError::new(
        "25P02",
        "current transaction is aborted, commands ignored until end of transaction block",
    )
}

fn translate_error(error: &pgbridge_dialects::TranslateError) -> SqlError {
    SqlError::new(error.sqlstate(), error.to_string())
}

impl<C: BackendConnection> EngineSession<C> {
    pub(super) fn new(
        worker: C,
        functions: Arc<SessionValues>,
        schema_version: Arc<AtomicU64>,
        translations: TranslationCache,
        events: SessionEvents,
    ) -> Self {
        EngineSession {
            events,
            translations,
            cursors: Cursors::default(),
            worker,
            functions,
            state: TransactionState::Idle,
            changed: Vec::new(),
            schema: HashMap::new(),
            schema_seen: 0,
            schema_version,
            open_rows: None,
            copy_in: None,
            copy_failed: None,
            parsed: HashMap::new(),
            settings_at_begin: None,
            implicit: Implicit::None,
            sql_prepared: HashMap::new(),
        }
    }

    /// Opens the implicit transaction before the first write of a Query message or an
    /// extended-protocol batch run outside a transaction block (see
    /// [`Session::end_implicit_transaction`]). Reads do not open one: there is nothing to undo.
    async fn open_implicit(&mut self, kind: &Kind) -> Result<(), SqlError> {
        let writes = match kind {
            Kind::Modify { .. } | Kind::Truncate { .. } | Kind::Ddl { .. } => true,
            Kind::Rows { tag } => *tag != "SELECT",
            _ => false,
        };
        if writes && self.state == TransactionState::Idle && self.implicit == Implicit::None {
            self.free_worker().await;
            let sql = self.worker.begin_statement(false);
            self.worker.batch(sql.to_owned()).await?;
            self.implicit = Implicit::Open;
        }
        Ok(())
    }

    /// Commits (or, after a failure, rolls back) the implicit transaction, if one is open.
    async fn finish_implicit(&mut self) -> Result<(), SqlError> {
        let implicit = std::mem::replace(&mut self.implicit, Implicit::None);
        if implicit == Implicit::None {
            return Ok(());
        }
        self.free_worker().await;
        if implicit == Implicit::Open {
            let committed = self.worker.batch("COMMIT".to_owned()).await;
            if committed.is_ok() {
                return self.commit_events().await;
            }
            let _ = self.worker.batch("ROLLBACK".to_owned()).await;
            self.events.discard(&self.worker);
            return committed;
        }
        let rolled_back = self.worker.batch("ROLLBACK".to_owned()).await;
        self.events.discard(&self.worker);
        rolled_back
    }

    /// Hands the committed transaction's changes to the observers.
    async fn commit_events(&mut self) -> Result<(), SqlError> {
        if !self.events.active() {
            return Ok(());
        }
        let functions = Arc::clone(&self.functions);
        let committer = Committer {
            user: &functions.user,
            application_name: self.setting("application_name").unwrap_or_default(),
            database: &functions.database,
        };
        self.events.commit(&self.worker, committer).await
    }

    /// Frees the worker from a stream still open, before sending it anything else.
    async fn free_worker(&mut self) {
        if let Some(open) = self.open_rows.take() {
            open.spill().await;
        }
    }

    fn setting(&self, name: &str) -> Option<String> {
        self.functions
            .settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    fn all_settings(&self) -> HashMap<String, String> {
        self.functions
            .settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Puts back the settings of the start of a rolled-back transaction (SET is transactional).
    fn restore_settings(&mut self, before: HashMap<String, String>) {
        let now = self.all_settings();
        for (name, value) in &before {
            if now.get(name) != Some(value) && settings::is_reported(name) {
                self.changed
                    .push((settings::display_name(name).to_owned(), value.clone()));
            }
        }
        *self
            .functions
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = before;
    }

    fn store_setting(&mut self, name: &str, value: String) {
        if settings::is_reported(name) {
            self.changed
                .push((settings::display_name(name).to_owned(), value.clone()));
        }
        self.functions
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), value);
    }

    async fn run(
        &mut self,
        statement: &EngineStatement,
        parameters: Vec<Value>,
    ) -> Result<Outcome, SqlError> {
        if self.state == TransactionState::Failed
            && !matches!(
                statement.kind,
                Kind::Rollback | Kind::Commit | Kind::RollbackTo(_)
            )
        {
            return Err(aborted());
        }
        let command = |tag: &str| {
            Ok(Outcome::Command {
                tag: tag.to_owned(),
            })
        };
        self.open_implicit(&statement.kind).await?;
        match &statement.kind {
            Kind::Begin { .. } if self.implicit == Implicit::Open => {
                // BEGIN after a write of the same Query message: the implicit transaction
                // becomes the block, as in PostgreSQL.
                self.implicit = Implicit::None;
                self.state = TransactionState::InTransaction;
                self.settings_at_begin = Some(self.all_settings());
                command("BEGIN")
            }
            Kind::Commit | Kind::Rollback if self.implicit == Implicit::Open => {
                if statement.kind == Kind::Rollback {
                    self.implicit = Implicit::Failed;
                }
                self.finish_implicit().await?;
                command(if statement.kind == Kind::Rollback {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                })
            }
            Kind::Begin { read_only } => {
                if self.state == TransactionState::Idle {
                    self.free_worker().await;
                    let sql = self.worker.begin_statement(*read_only);
                    self.worker.batch(sql.to_owned()).await?;
                    self.state = TransactionState::InTransaction;
                    self.settings_at_begin = Some(self.all_settings());
                }
                command("BEGIN")
            }
            Kind::Commit | Kind::Rollback => {
                let failed = self.state == TransactionState::Failed;
                if self.state != TransactionState::Idle {
                    self.free_worker().await;
                    let sql = if failed || statement.kind == Kind::Rollback {
                        "ROLLBACK"
                    } else {
                        "COMMIT"
                    };
                    let result = self.worker.batch(sql.to_owned()).await;
                    if sql == "COMMIT" && result.is_ok() {
                        self.commit_events().await?;
                    } else {
                        self.events.discard(&self.worker);
                    }
                    self.state = TransactionState::Idle;
                    self.cursors.end_transaction();
                    let before = self.settings_at_begin.take();
                    if sql == "ROLLBACK"
                        && let Some(before) = before
                    {
                        self.restore_settings(before);
                    }
                    result?;
                }
                command(if failed || statement.kind == Kind::Rollback {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                })
            }
            Kind::Savepoint(name) | Kind::Release(name) | Kind::RollbackTo(name) => {
                if self.state == TransactionState::Idle {
                    let verb = match statement.kind {
                        Kind::Savepoint(_) => "SAVEPOINT",
                        Kind::Release(_) => "RELEASE SAVEPOINT",
                        _ => "ROLLBACK TO SAVEPOINT",
                    };
                    return Err(SqlError::new(
                        "25P01",
                        format!("{verb} can only be used in transaction blocks"),
                    ));
                }
                self.free_worker().await;
                let (sql, tag) = match statement.kind {
                    Kind::Savepoint(_) => (format!("SAVEPOINT {name}"), "SAVEPOINT"),
                    Kind::Release(_) => (format!("RELEASE SAVEPOINT {name}"), "RELEASE"),
                    _ => (format!("ROLLBACK TO SAVEPOINT {name}"), "ROLLBACK"),
                };
                self.worker.batch(sql).await?;
                match statement.kind {
                    Kind::Savepoint(_) => self.events.savepoint(&self.worker, name),
                    Kind::Release(_) => self.events.release(&self.worker, name),
                    _ => {
                        self.events.rollback_to(&self.worker, name);
                        self.state = TransactionState::InTransaction;
                    }
                }
                command(tag)
            }
            Kind::Set { name, value } => {
                if !name.is_empty() {
                    let value = match value {
                        Some(value) => settings::validate(name, value)?,
                        None => settings::defaults(&self.functions.user, "")
                            .remove(name.as_str())
                            .unwrap_or_default(),
                    };
                    self.store_setting(name, value);
                }
                command("SET")
            }
            Kind::Reset(name) => {
                let defaults = settings::defaults(&self.functions.user, "");
                let names: Vec<String> = match name {
                    Some(name) => vec![name.clone()],
                    None => defaults.keys().cloned().collect(),
                };
                for name in names {
                    if let Some(value) = defaults.get(&name) {
                        self.store_setting(&name, value.clone());
                    }
                }
                command("RESET")
            }
            Kind::Show(name) => {
                let rows = if name == "all" {
                    let settings = self
                        .functions
                        .settings
                        .read()
                        .unwrap_or_else(PoisonError::into_inner);
                    let mut all: Vec<_> = settings
                        .iter()
                        .map(|(k, v)| {
                            vec![
                                Value::Text(settings::display_name(k).to_owned()),
                                Value::Text(v.clone()),
                            ]
                        })
                        .collect();
                    all.sort_by(|a, b| format!("{:?}", a[0]).cmp(&format!("{:?}", b[0])));
                    all
                } else {
                    let value = self.setting(name).ok_or_else(|| {
                        SqlError::new(
                            "42704",
                            format!("unrecognized configuration parameter \"{name}\""),
                        )
                    })?;
                    vec![vec![Value::Text(value)]]
                };
                let fields = show_fields(name);
                Ok(Outcome::Rows {
                    fields,
                    rows: Box::pin(stream::iter(rows.into_iter().map(Ok))),
                    tag: "SHOW".to_owned(),
                })
            }
            Kind::Discard => {
                self.cursors.close_all();
                let defaults = settings::defaults(&self.functions.user, "");
                for (name, value) in defaults {
                    self.store_setting(&name, value);
                }
                command("DISCARD ALL")
            }
            Kind::Deallocate { name } => {
                self.deallocate(name.as_deref());
                command(if name.is_none() {
                    "DEALLOCATE ALL"
                } else {
                    "DEALLOCATE"
                })
            }
            Kind::Prepare {
                name,
                types,
                statement,
            } => self.prepare_sql(name, types, statement).await,
            Kind::Execute { name, arguments } => {
                let (inner, values) = self.prepared_call(name, arguments).await?;
                Box::pin(self.run(&inner, values)).await
            }
            Kind::CopyFrom {
                table,
                columns,
                format,
                binary,
            } => self.start_copy_in(table, columns, format, *binary).await,
            Kind::DeclareCursor {
                name,
                query,
                scroll,
                hold,
            } => {
                if !*hold && self.state == TransactionState::Idle {
                    return Err(SqlError::new(
                        "25P01",
                        "DECLARE CURSOR can only be used in transaction blocks",
                    ));
                }
                let (fields, rows) = self.start_query(query, parameters).await?;
                self.cursors
                    .declare(name.clone(), fields, rows, *scroll, *hold)
                    .await?;
                command("DECLARE CURSOR")
            }
            Kind::Fetch {
                name,
                direction,
                moves,
            } => {
                let fields = self.cursors.fields(name)?;
                let rows = self.cursors.fetch(name, direction)?;
                if *moves {
                    return command(&format!("MOVE {}", rows.len()));
                }
                let tag = "FETCH".to_owned();
                Ok(Outcome::Rows {
                    fields,
                    rows: Box::pin(stream::iter(rows.into_iter().map(Ok))),
                    tag,
                })
            }
            Kind::CloseCursor(name) => {
                match name {
                    Some(name) => self.cursors.close(name)?,
                    None => self.cursors.close_all(),
                }
                command("CLOSE CURSOR")
            }
            Kind::CopyTo { query, format } => {
                let (fields, rows) = self.start_query(query, Vec::new()).await?;
                Ok(Outcome::CopyOut {
                    fields,
                    rows,
                    format: format.clone(),
                })
            }
            Kind::Maintenance { tag, table } => {
                if *tag == "VACUUM" && self.state != TransactionState::Idle {
                    return Err(SqlError::new(
                        "25001",
                        "VACUUM cannot run inside a transaction block",
                    ));
                }
                self.free_worker().await;
                if let Some(sql) = self.worker.analyze_statement(table.as_deref()) {
                    self.worker.batch(sql).await?;
                }
                command(tag)
            }
            Kind::Truncate { tables } => {
                self.free_worker().await;
                let deletes: Vec<String> = tables.iter().map(|t| delete_all_statement(t)).collect();
                // All or nothing: one savepoint inside a block, else a transaction of its own
                // (MySQL keeps no savepoint outside a transaction).
                let own_transaction =
                    self.state == TransactionState::Idle && self.implicit == Implicit::None;
                let (open, close, undo) = if own_transaction {
                    (self.worker.begin_statement(false), "COMMIT", "ROLLBACK")
                } else {
                    (
                        "SAVEPOINT pgbridge_truncate",
                        "RELEASE SAVEPOINT pgbridge_truncate",
                        "ROLLBACK TO SAVEPOINT pgbridge_truncate; RELEASE SAVEPOINT pgbridge_truncate",
                    )
                };
                let script = format!("{open}; {}; {close}", deletes.join("; "));
                let mark = self.events.mark(&self.worker);
                if let Err(error) = self.worker.batch(script).await {
                    let _ = self.worker.batch(undo.to_owned()).await;
                    self.events.rollback_to_mark(&self.worker, mark);
                    return Err(error);
                }
                let sql = statement.ast().to_string();
                self.events.truncated(&self.worker, mark, tables, &sql);
                if own_transaction {
                    self.commit_events().await?;
                }
                command("TRUNCATE TABLE")
            }
            Kind::Ddl { tag, change } => {
                self.free_worker().await;
                if let Some(key) = pgbridge_dialects::added_key(statement.ast()) {
                    self.worker.check_added_key(&key).await?;
                }
                let translation = statement
                    .translation()
                    .clone()
                    .map_err(|e| translate_error(&e))?;
                let change = match change {
                    Some(change) => Some(change.clone()),
                    None => self.view_change(statement.ast()).await?,
                };
                let mark = self.events.mark(&self.worker);
                self.worker.ddl(translation.sql, change).await?;
                self.schema_version.fetch_add(1, Ordering::AcqRel);
                let mut relations = Relations(Vec::new());
                let _ = statement.ast().visit(&mut relations);
                let table = relations.0.first().cloned().unwrap_or_default();
                let sql = statement.ast().to_string();
                self.events.altered(&self.worker, mark, &table, tag, &sql);
                command(tag)
            }
            Kind::Modify { tag } => {
                let plan = self.plan(statement, &[]).await?;
                self.free_worker().await;
                let count = self
                    .worker
                    .execute(plan.sql.clone(), plan.arguments(parameters))
                    .await?;
                command(&format!("{tag} {count}"))
            }
            Kind::Rows { tag } => {
                let plan = self.plan(statement, &[]).await?;
                self.free_worker().await;
                if statement.reads_catalog {
                    self.worker.refresh_catalog().await?;
                }
                let (fields, rows) = self.start_rows(&plan, parameters)?;
                Ok(Outcome::Rows {
                    fields,
                    rows,
                    tag: (*tag).to_owned(),
                })
            }
        }
    }
}

fn show_fields(name: &str) -> Arc<Vec<Field>> {
    if name == "all" {
        Arc::new(vec![
            Field::new("name", PgType::Text),
            Field::new("setting", PgType::Text),
        ])
    } else {
        Arc::new(vec![Field::new(settings::display_name(name), PgType::Text)])
    }
}

impl<C: BackendConnection> EngineSession<C> {
    /// Parses and classifies SQL text that is not in the parse cache.
    fn parse_new(&mut self, sql: &str) -> Result<Vec<Arc<EngineStatement>>, SqlError> {
        let translated = self
            .translations
            .translate(sql)
            .or_else(|error| match repair(sql) {
                Some(rewritten) => self.translations.translate(&rewritten),
                None => Err(error),
            });
        let script = match translated {
            Ok(script) => script,
            Err(error) => {
                self.on_error();
                return Err(translate_error(&error));
            }
        };
        (0..script.len())
            .map(|index| EngineStatement::new(Arc::clone(&script), index).map(Arc::new))
            .collect::<Result<Vec<_>, SqlError>>()
            .inspect_err(|_| self.on_error())
    }
}

#[async_trait]
impl<C: BackendConnection> Session for EngineSession<C> {
    type Statement = Arc<EngineStatement>;

    fn parse(&mut self, sql: &str) -> Result<Vec<Self::Statement>, SqlError> {
        if let Some(statements) = self.parsed.get(sql) {
            return Ok(statements.clone());
        }
        let statements = self.parse_new(sql)?;
        if self.parsed.len() >= PARSED_CAPACITY {
            self.parsed.clear();
        }
        self.parsed.insert(sql.to_owned(), statements.clone());
        Ok(statements)
    }

    async fn describe(
        &mut self,
        statement: &Self::Statement,
        parameter_types: &[Option<PgType>],
    ) -> Result<Description, SqlError> {
        match &statement.kind {
            Kind::Rows { .. } | Kind::Modify { .. } => {
                if self.state == TransactionState::Failed {
                    return Err(aborted());
                }
                match self.plan(statement, parameter_types).await {
                    Ok(plan) => Ok(plan.description.clone()),
                    Err(error) => {
                        self.on_error();
                        Err(error)
                    }
                }
            }
            Kind::Execute { name, .. } => self.describe_prepared(name).await,
            Kind::CopyFrom { table, .. } => {
                self.free_worker().await;
                match self.worker.table_columns(table.clone()).await? {
                    Some(_) => Ok(Description::default()),
                    None => {
                        self.on_error();
                        Err(SqlError::new(
                            "42P01",
                            format!("relation \"{table}\" does not exist"),
                        ))
                    }
                }
            }
            Kind::Show(name) => Ok(Description {
                parameters: Vec::new(),
                fields: Some(show_fields(name)),
            }),
            Kind::DeclareCursor { query, .. } => {
                let (_, plan) = self.plan_inner(query, parameter_types).await?;
                Ok(Description {
                    parameters: plan.description.parameters.clone(),
                    fields: None,
                })
            }
            Kind::Fetch {
                name, moves: false, ..
            } => Ok(Description {
                parameters: Vec::new(),
                fields: Some(self.cursors.fields(name)?),
            }),
            _ => Ok(Description::default()),
        }
    }

    fn cursor_fields(&self, name: &str) -> Option<Arc<Vec<Field>>> {
        self.cursors.fields(name).ok()
    }

    async fn execute(
        &mut self,
        statement: &Self::Statement,
        parameters: Vec<Value>,
    ) -> Result<Outcome, SqlError> {
        let result = self.run(statement, parameters).await;
        if result.is_ok() && self.state == TransactionState::Idle && self.implicit == Implicit::None
        {
            // A write the backend committed on its own (outside any transaction pgbridge
            // opened, such as a data-modifying CTE under a SELECT tag): its changes are
            // committed already.
            self.commit_events().await?;
        }
        if result.is_err() {
            self.on_error();
            // PostgreSQL aborts the implicit transaction at the error: nothing of it is kept,
            // and the front end skips the rest of the batch.
            let _ = self.finish_implicit().await;
        }
        result
    }

    async fn end_implicit_transaction(&mut self) -> Result<(), SqlError> {
        self.finish_implicit().await
    }

    async fn copy_in_data(&mut self, data: &[u8]) -> Result<(), SqlError> {
        if self.copy_failed.is_some() {
            return Ok(());
        }
        if let Err(error) = self.copy_step(data).await {
            self.abort_copy_in().await;
            self.copy_failed = Some(error);
        }
        Ok(())
    }

    async fn copy_in_done(&mut self) -> Result<String, SqlError> {
        if let Some(error) = self.copy_failed.take() {
            return Err(error);
        }
        let result = self.copy_finish().await;
        if result.is_err() {
            self.abort_copy_in().await;
        }
        result
    }

    async fn copy_in_fail(&mut self, message: &str) -> SqlError {
        self.copy_failed = None;
        self.abort_copy_in().await;
        SqlError::new("57014", format!("COPY from stdin failed: {message}"))
    }

    fn on_error(&mut self) {
        if self.state == TransactionState::InTransaction {
            self.state = TransactionState::Failed;
        }
        if self.implicit == Implicit::Open {
            self.implicit = Implicit::Failed;
        }
    }

    fn transaction_state(&self) -> TransactionState {
        self.state
    }

    fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.changed)
    }

    fn cancel_token(&self) -> CancelToken {
        self.worker.cancel_token()
    }
}
