//! What observers see: the rows a statement changed ([`RowChange`], reported by the backend
//! adapter), the changes of one committed transaction ([`Change`]), and the event each becomes
//! once committed ([`Event`]), rendered as CloudEvents 1.0 JSON.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use pgbridge_proxy::Value;
use pgbridge_proxy::value::{format_time, format_timestamp, format_uuid};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

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
        let key = match change {
            Change::Row(row) => row.key(),
            Change::Table { .. } => None,
        };
        let subject = key.as_ref().map(|key| {
            key.iter()
                .map(|&(_, value)| value.to_text().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(",")
        });
        let time = commit.time.to_rfc3339_opts(SecondsFormat::Micros, true);
        let body = serde_json::to_string(&Envelope {
            id: &id,
            source,
            commit,
            table: &table,
            operation,
            subject: subject.as_deref(),
            time: &time,
            data: Data {
                change,
                key: key.as_deref(),
                position,
                commit,
                time: &time,
            },
        })
        .expect("an event's JSON has string keys only");
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
            body,
        }
    }
}

impl RowChange {
    /// The primary key's columns and values, from the new row (the old one for a DELETE);
    /// `None` without a key.
    fn key(&self) -> Option<Vec<(&str, &Value)>> {
        if self.shape.key.is_empty() {
            return None;
        }
        let values = self.new.as_ref().or(self.old.as_ref())?;
        Some(
            self.shape
                .key
                .iter()
                .map(|&i| {
                    (
                        self.shape.columns[i].as_str(),
                        values.get(i).unwrap_or(&Value::Null),
                    )
                })
                .collect(),
        )
    }
}

/// The CloudEvents envelope, written straight from the change (no JSON tree in between), its
/// members in the order of the CloudEvents specification's examples.
struct Envelope<'a> {
    id: &'a str,
    source: &'a str,
    commit: &'a Commit,
    table: &'a str,
    operation: Operation,
    subject: Option<&'a str>,
    time: &'a str,
    data: Data<'a>,
}

impl Serialize for Envelope<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("specversion", "1.0")?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry(
            "source",
            &format_args!("{}/{}", self.source, self.commit.database),
        )?;
        map.serialize_entry(
            "type",
            &format_args!(
                "pgbridge.{}.{}",
                self.table,
                self.operation.name().to_ascii_lowercase()
            ),
        )?;
        if let Some(subject) = self.subject {
            map.serialize_entry("subject", subject)?;
        }
        map.serialize_entry("time", self.time)?;
        map.serialize_entry("datacontenttype", "application/json")?;
        map.serialize_entry("data", &self.data)?;
        map.end()
    }
}

/// The event's `data`: the change and who committed it.
struct Data<'a> {
    change: &'a Change,
    key: Option<&'a [(&'a str, &'a Value)]>,
    position: usize,
    commit: &'a Commit,
    time: &'a str,
}

impl<'a> Serialize for Data<'a> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("table", self.change.table())?;
        map.serialize_entry("operation", self.change.operation().name())?;
        match self.change {
            Change::Row(row) => {
                map.serialize_entry("key", &self.key.map(Columns))?;
                let row_of = |values: &'a Option<Vec<Value>>| {
                    values.as_deref().map(|values| Row {
                        columns: &row.shape.columns,
                        values,
                    })
                };
                map.serialize_entry("new", &row_of(&row.new))?;
                map.serialize_entry("old", &row_of(&row.old))?;
            }
            Change::Table { tag, sql, .. } => {
                map.serialize_entry("tag", tag)?;
                map.serialize_entry("sql", sql)?;
            }
        }
        map.serialize_entry("transaction_id", &self.commit.transaction_id)?;
        map.serialize_entry("position", &self.position)?;
        map.serialize_entry("commit_time", self.time)?;
        map.serialize_entry("user", &self.commit.user)?;
        map.serialize_entry("application_name", &self.commit.application_name)?;
        map.end()
    }
}

/// A row as a JSON object, in column order (as PostgreSQL's `to_json` of a row).
struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len().min(self.values.len())))?;
        for (name, value) in self.columns.iter().zip(self.values) {
            map.serialize_entry(name, &JsonValue(value))?;
        }
        map.end()
    }
}

/// Named values (the key) as a JSON object.
#[derive(Clone, Copy)]
struct Columns<'a>(&'a [(&'a str, &'a Value)]);

impl Serialize for Columns<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, &JsonValue(value))?;
        }
        map.end()
    }
}

/// A value written as [`to_json`] renders it, without building the JSON tree for the common
/// types.
struct JsonValue<'a>(&'a Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int2(n) => serializer.serialize_i16(*n),
            Value::Int4(n) => serializer.serialize_i32(*n),
            Value::Int8(n) => serializer.serialize_i64(*n),
            Value::Text(text) => serializer.serialize_str(text),
            other => to_json(other).serialize(serializer),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Commit {
        Commit {
            transaction_id: 42,
            time: DateTime::parse_from_rfc3339("2026-11-28T02:10:11.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            user: "postgres".into(),
            application_name: "psql".into(),
            database: "test".into(),
        }
    }

    #[test]
    fn every_value_is_written_as_to_json_renders_it() {
        let time = commit().time;
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Int2(-7),
            Value::Int4(i32::MAX),
            Value::Int8(i64::MIN),
            Value::Float4(0.1),
            Value::Float8(2.5e-300),
            Value::Float8(f64::NAN),
            Value::Numeric("10.50".into()),
            Value::Numeric("NaN".into()),
            Value::Text("say \"hi\"\n\u{e9}\u{1}".into()),
            Value::Bytea(vec![0, 255]),
            Value::Date(time.date_naive()),
            Value::Time(time.time()),
            Value::Timestamp(time.naive_utc()),
            Value::Timestamptz(time),
            Value::Uuid([7; 16]),
            Value::Json(r#"{"a": [1, 2.50, null]}"#.into()),
            Value::Json("not json".into()),
            Value::Array(vec![Value::Int4(1), Value::Null]),
        ];
        for value in &values {
            assert_eq!(
                serde_json::to_string(&JsonValue(value)).unwrap(),
                to_json(value).to_string(),
                "{value:?}"
            );
        }
    }

    #[test]
    fn a_row_event_is_a_cloudevent_with_its_rows_in_column_order() {
        let shape = Arc::new(TableShape {
            columns: vec!["status".into(), "id".into(), "total".into()],
            key: vec![1],
        });
        let change = Change::Row(RowChange {
            table: "orders".into(),
            operation: Operation::Update,
            shape,
            old: Some(vec![
                Value::Text("new".into()),
                Value::Int4(1),
                Value::Numeric("10.50".into()),
            ]),
            new: Some(vec![
                Value::Text("paid".into()),
                Value::Int4(1),
                Value::Numeric("10.50".into()),
            ]),
        });
        let event = Event::new(&change, 3, &commit(), "pgbridge");
        let body: Json = serde_json::from_str(&event.body).unwrap();
        assert_eq!(body["specversion"], "1.0");
        assert_eq!(body["id"], event.id.as_str());
        assert_eq!(body["source"], "pgbridge/test");
        assert_eq!(body["type"], "pgbridge.orders.update");
        assert_eq!(body["subject"], "1");
        assert_eq!(body["time"], "2026-11-28T02:10:11.123456Z");
        assert_eq!(body["datacontenttype"], "application/json");
        let data = &body["data"];
        assert_eq!(data["table"], "orders");
        assert_eq!(data["operation"], "UPDATE");
        assert_eq!(data["key"], serde_json::json!({"id": 1}));
        assert_eq!(data["new"]["status"], "paid");
        assert_eq!(data["old"]["status"], "new");
        assert_eq!(data["transaction_id"], 42);
        assert_eq!(data["position"], 3);
        assert_eq!(data["commit_time"], "2026-11-28T02:10:11.123456Z");
        assert_eq!(data["user"], "postgres");
        assert_eq!(data["application_name"], "psql");
        assert!(
            event
                .body
                .contains(r#""new":{"status":"paid","id":1,"total":10.50}"#),
            "columns in table order, numerics exact: {}",
            event.body
        );
        assert_eq!(event.subject.as_deref(), Some("1"));
        assert_eq!(event.ordering_key, "orders\u{0}1");
    }

    #[test]
    fn a_table_event_has_its_tag_and_statement_and_no_key() {
        let change = Change::Table {
            table: "orders".into(),
            operation: Operation::Truncate,
            tag: "TRUNCATE TABLE".into(),
            sql: "TRUNCATE orders".into(),
        };
        let event = Event::new(&change, 0, &commit(), "pgbridge");
        let body: Json = serde_json::from_str(&event.body).unwrap();
        assert_eq!(body["type"], "pgbridge.orders.truncate");
        assert!(body.get("subject").is_none());
        assert_eq!(body["data"]["tag"], "TRUNCATE TABLE");
        assert_eq!(body["data"]["sql"], "TRUNCATE orders");
        assert!(body["data"].get("key").is_none());
        assert_eq!(event.ordering_key, "orders");
    }
}
