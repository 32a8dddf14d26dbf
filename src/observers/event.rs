//! What observers see: the rows a statement changed ([`RowChange`], reported by the backend
//! adapter), the changes of one committed transaction ([`Change`]), and the event each becomes
//! once committed ([`Event`]), rendered as CloudEvents 1.0 JSON.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use pgbridge_proxy::Value;
use pgbridge_proxy::value::{format_time, format_timestamp, format_uuid};
use serde_json::{Map, Value as Json};

/// What a change did to its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Insert,
    Update,
    Delete,
    /// Every row of the table was removed (`TRUNCATE`): one event, not one per row.
    Truncate,
    /// The table's definition changed (`CREATE`, `ALTER`, `DROP`, ...).
    Ddl,
}

impl Operation {
    /// The upper-case name used in configuration and in `data.operation`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Insert => "INSERT",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Truncate => "TRUNCATE",
            Operation::Ddl => "DDL",
        }
    }

    /// Parses a configured operation name, in any case.
    pub fn parse(name: &str) -> Option<Operation> {
        [
            Operation::Insert,
            Operation::Update,
            Operation::Delete,
            Operation::Truncate,
            Operation::Ddl,
        ]
        .into_iter()
        .find(|operation| operation.name().eq_ignore_ascii_case(name))
    }
}

/// The columns of a changed table, shared by all of its changes.
#[derive(Debug)]
pub struct TableShape {
    pub columns: Vec<String>,
    /// Positions in `columns` of the primary key, in key order (empty without one).
    pub key: Vec<usize>,
}

/// One row written by a statement, as the backend reported it.
#[derive(Debug, Clone)]
pub struct RowChange {
    pub table: String,
    pub operation: Operation,
    pub shape: Arc<TableShape>,
    /// The row before an UPDATE or DELETE.
    pub old: Option<Vec<Value>>,
    /// The row after an INSERT or UPDATE.
    pub new: Option<Vec<Value>>,
}

/// One change of a transaction, in statement order.
#[derive(Debug, Clone)]
pub enum Change {
    Row(RowChange),
    /// TRUNCATE or DDL on a table, with the statement's command tag and text.
    Table {
        table: String,
        operation: Operation,
        tag: String,
        sql: String,
    },
}

impl Change {
    pub fn table(&self) -> &str {
        match self {
            Change::Row(row) => &row.table,
            Change::Table { table, .. } => table,
        }
    }

    pub fn operation(&self) -> Operation {
        match self {
            Change::Row(row) => row.operation,
            Change::Table { operation, .. } => *operation,
        }
    }
}

/// Who committed a transaction, and when.
#[derive(Debug, Clone)]
pub struct Commit {
    pub transaction_id: u64,
    pub time: DateTime<Utc>,
    pub user: String,
    pub application_name: String,
    pub database: String,
}

/// A committed change, ready to route and deliver. Its id is assigned once, at commit, and
/// kept through retries, restarts and replays, so receivers can deduplicate on it.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub table: String,
    pub operation: Operation,
    /// The primary key as text (`7`, or `7,3` for a composite key); `None` without a key.
    pub subject: Option<String>,
    /// Events with the same ordering key are delivered in commit order.
    pub ordering_key: String,
    /// The CloudEvents JSON of the event.
    pub body: String,
}

impl Event {
    /// Builds the event of `change`, the `position`th change of the committed transaction.
    pub fn new(change: &Change, position: usize, commit: &Commit, source: &str) -> Event {
        let id = uuid::Uuid::now_v7().to_string();
        let table = change.table().to_owned();
        let operation = change.operation();
        let mut data = Map::new();
        data.insert("table".into(), Json::String(table.clone()));
        data.insert("operation".into(), Json::String(operation.name().into()));
        let mut subject = None;
        match change {
            Change::Row(row) => {
                let key = (!row.shape.key.is_empty())
                    .then(|| row.new.as_ref().or(row.old.as_ref()))
                    .flatten()
                    .map(|values| {
                        row.shape
                            .key
                            .iter()
                            .map(|&i| {
                                let value = values.get(i).cloned().unwrap_or(Value::Null);
                                (row.shape.columns[i].clone(), value)
                            })
                            .collect::<Vec<_>>()
                    });
                if let Some(key) = &key {
                    subject = Some(
                        key.iter()
                            .map(|(_, value)| value.to_text().unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                }
                data.insert(
                    "key".into(),
                    key.map_or(Json::Null, |key| {
                        Json::Object(key.iter().map(|(n, v)| (n.clone(), to_json(v))).collect())
                    }),
                );
                data.insert("new".into(), row_json(&row.shape, row.new.as_deref()));
                data.insert("old".into(), row_json(&row.shape, row.old.as_deref()));
            }
            Change::Table { tag, sql, .. } => {
                data.insert("tag".into(), Json::String(tag.clone()));
                data.insert("sql".into(), Json::String(sql.clone()));
            }
        }
        data.insert("transaction_id".into(), Json::from(commit.transaction_id));
        data.insert("position".into(), Json::from(position));
        let time = commit.time.to_rfc3339_opts(SecondsFormat::Micros, true);
        data.insert("commit_time".into(), Json::String(time.clone()));
        data.insert("user".into(), Json::String(commit.user.clone()));
        data.insert(
            "application_name".into(),
            Json::String(commit.application_name.clone()),
        );
        let mut envelope = Map::new();
        envelope.insert("specversion".into(), Json::String("1.0".into()));
        envelope.insert("id".into(), Json::String(id.clone()));
        envelope.insert(
            "source".into(),
            Json::String(format!("{source}/{}", commit.database)),
        );
        envelope.insert(
            "type".into(),
            Json::String(format!(
                "pgbridge.{table}.{}",
                operation.name().to_ascii_lowercase()
            )),
        );
        if let Some(subject) = &subject {
            envelope.insert("subject".into(), Json::String(subject.clone()));
        }
        envelope.insert("time".into(), Json::String(time));
        envelope.insert(
            "datacontenttype".into(),
            Json::String("application/json".into()),
        );
        envelope.insert("data".into(), Json::Object(data));
        let ordering_key = match &subject {
            Some(subject) => format!("{table}\u{0}{subject}"),
            None => table.clone(),
        };
        Event {
            id,
            table,
            operation,
            subject,
            ordering_key,
            body: Json::Object(envelope).to_string(),
        }
    }
}

fn row_json(shape: &TableShape, values: Option<&[Value]>) -> Json {
    match values {
        Some(values) => Json::Object(
            shape
                .columns
                .iter()
                .zip(values)
                .map(|(name, value)| (name.clone(), to_json(value)))
                .collect(),
        ),
        None => Json::Null,
    }
}

/// A value as PostgreSQL's `to_json` renders it: numbers as numbers, json as itself,
/// timestamps in ISO 8601 with a `T`, bytea as `\x` hex text.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int2(n) => Json::from(*n),
        Value::Int4(n) => Json::from(*n),
        Value::Int8(n) => Json::from(*n),
        Value::Float4(n) => number_or_text(f64::from(*n)),
        Value::Float8(n) => number_or_text(*n),
        Value::Numeric(text) => serde_json::from_str::<serde_json::Number>(text)
            .map_or_else(|_| Json::String(text.clone()), Json::Number),
        Value::Text(text) => Json::String(text.clone()),
        Value::Json(text) => {
            serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.clone()))
        }
        Value::Timestamp(t) => Json::String(format_timestamp(t).replacen(' ', "T", 1)),
        Value::Timestamptz(t) => Json::String(
            t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
                .replace('Z', "+00:00"),
        ),
        Value::Time(t) => Json::String(format_time(t)),
        Value::Uuid(bytes) => Json::String(format_uuid(bytes)),
        other => Json::String(other.to_text().unwrap_or_default()),
    }
}

fn number_or_text(n: f64) -> Json {
    serde_json::Number::from_f64(n).map_or_else(|| Json::String(n.to_string()), Json::Number)
}
