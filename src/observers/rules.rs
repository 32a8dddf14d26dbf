//! Routing: which targets an event goes to. A rule matches on the table (globs), the
//! operation, the columns an UPDATE changed, and a CEL predicate over the row
//! (`new.status == 'paid' && old.status != 'paid'`); the first three are checked before the
//! predicate, which is the only part that costs more than a comparison.

use std::collections::HashMap;
use std::sync::Arc;

use cel_interpreter::objects::{Key, Map};
use cel_interpreter::{Context, Program, Value as Cel};
use pgbridge_proxy::Value;

use super::config::{ObserversConfigError, RuleConfig};
use super::event::{Change, Operation, RowChange};

/// A rule, compiled.
pub struct Rule {
    pub name: String,
    tables: Vec<glob::Pattern>,
    operations: Vec<Operation>,
    columns: Vec<String>,
    predicate: Option<Program>,
    /// Only these columns are delivered (empty: all).
    pub payload_columns: Vec<String>,
    /// Indexes into the pipeline's targets.
    pub targets: Vec<usize>,
}

impl Rule {
    /// Compiles a configured rule; `targets` names the configured targets in order.
    pub fn compile(config: &RuleConfig, targets: &[String]) -> Result<Rule, ObserversConfigError> {
        let problem =
            |message: String| ObserversConfigError(format!("rule \"{}\": {message}", config.name));
        let tables = config
            .tables
            .iter()
            .map(|glob| {
                glob::Pattern::new(&glob.to_ascii_lowercase())
                    .map_err(|e| problem(format!("table pattern \"{glob}\": {e}")))
            })
            .collect::<Result<_, _>>()?;
        let operations = if config.operations.is_empty() {
            vec![Operation::Insert, Operation::Update, Operation::Delete]
        } else {
            config
                .operations
                .iter()
                .map(|name| {
                    Operation::parse(name).ok_or_else(|| {
                        problem(format!(
                            "operation \"{name}\" is not INSERT, UPDATE, DELETE, TRUNCATE or DDL"
                        ))
                    })
                })
                .collect::<Result<_, _>>()?
        };
        let predicate = match &config.when {
            Some(source) => Some(
                Program::compile(source)
                    .map_err(|e| problem(format!("when = \"{source}\" does not parse: {e}")))?,
            ),
            None => None,
        };
        let target_indexes = config
            .targets
            .iter()
            .map(|name| {
                targets
                    .iter()
                    .position(|t| t == name)
                    .ok_or_else(|| problem(format!("no target is named \"{name}\"")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Rule {
            name: config.name.clone(),
            tables,
            operations,
            columns: config
                .columns
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .collect(),
            predicate,
            payload_columns: config.payload_columns.clone(),
            targets: target_indexes,
        })
    }

    /// Whether the change passes this rule. A predicate that fails to evaluate (a missing
    /// column, a type error) does not match, and says why in the log.
    pub fn matches(&self, change: &Change) -> bool {
        if !self.operations.contains(&change.operation()) {
            return false;
        }
        let table = change.table().to_ascii_lowercase();
        if !self.tables.is_empty()
            && !self.tables.iter().any(|pattern| {
                pattern.matches(&table) || pattern.matches(&format!("public.{table}"))
            })
        {
            return false;
        }
        let Change::Row(row) = change else {
            return self.predicate.is_none();
        };
        if row.operation == Operation::Update
            && !self.columns.is_empty()
            && !self.columns.iter().any(|column| changed(row, column))
        {
            return false;
        }
        let Some(predicate) = &self.predicate else {
            return true;
        };
        let mut context = Context::default();
        context.add_variable_from_value("new", row_value(row, row.new.as_deref()));
        context.add_variable_from_value("old", row_value(row, row.old.as_deref()));
        context.add_variable_from_value("table", Cel::String(Arc::new(row.table.clone())));
        context.add_variable_from_value("op", Cel::String(Arc::new(row.operation.name().into())));
        match predicate.execute(&context) {
            Ok(Cel::Bool(result)) => result,
            Ok(other) => {
                tracing::warn!(rule = %self.name, result = ?other, "observer predicate is not a boolean: no match");
                false
            }
            Err(error) => {
                tracing::warn!(rule = %self.name, %error, "observer predicate failed: no match");
                false
            }
        }
    }
}

/// Whether an UPDATE changed `column` (lower-case).
fn changed(row: &RowChange, column: &str) -> bool {
    let Some(index) = row
        .shape
        .columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case(column))
    else {
        return false;
    };
    match (&row.old, &row.new) {
        (Some(old), Some(new)) => old.get(index) != new.get(index),
        _ => true,
    }
}

/// A row as a CEL map (`null` when absent).
fn row_value(row: &RowChange, values: Option<&[Value]>) -> Cel {
    let Some(values) = values else {
        return Cel::Null;
    };
    let map: HashMap<Key, Cel> = row
        .shape
        .columns
        .iter()
        .zip(values)
        .map(|(name, value)| (Key::String(Arc::new(name.clone())), to_cel(value)))
        .collect();
    Cel::Map(Map { map: Arc::new(map) })
}

fn to_cel(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Int2(n) => Cel::Int(i64::from(*n)),
        Value::Int4(n) => Cel::Int(i64::from(*n)),
        Value::Int8(n) => Cel::Int(*n),
        Value::Float4(n) => Cel::Float(f64::from(*n)),
        Value::Float8(n) => Cel::Float(*n),
        Value::Numeric(text) => text
            .parse::<i64>()
            .map(Cel::Int)
            .or_else(|_| text.parse::<f64>().map(Cel::Float))
            .unwrap_or_else(|_| Cel::String(Arc::new(text.clone()))),
        Value::Bytea(bytes) => Cel::Bytes(Arc::new(bytes.clone())),
        Value::Json(text) => serde_json::from_str::<serde_json::Value>(text)
            .map(|json| json_to_cel(&json))
            .unwrap_or_else(|_| Cel::String(Arc::new(text.clone()))),
        other => Cel::String(Arc::new(other.to_text().unwrap_or_default())),
    }
}

fn json_to_cel(json: &serde_json::Value) -> Cel {
    match json {
        serde_json::Value::Null => Cel::Null,
        serde_json::Value::Bool(b) => Cel::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Cel::Int)
            .unwrap_or_else(|| Cel::Float(n.as_f64().unwrap_or(f64::NAN))),
        serde_json::Value::String(s) => Cel::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => {
            Cel::List(Arc::new(items.iter().map(json_to_cel).collect()))
        }
        serde_json::Value::Object(object) => Cel::Map(Map {
            map: Arc::new(
                object
                    .iter()
                    .map(|(k, v)| (Key::String(Arc::new(k.clone())), json_to_cel(v)))
                    .collect(),
            ),
        }),
    }
}
