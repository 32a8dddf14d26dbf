//! The text of human-facing targets (Slack, Twilio, email): a configured `template` with
//! `{{table}}`, `{{op}}`, `{{id}}`, `{{key}}`, `{{new.COLUMN}}` and `{{old.COLUMN}}` replaced
//! from the event, or a one-line summary when no template is configured. Values come from the
//! event's CloudEvents JSON (`data.new`, `data.old`), so a target sees exactly what a webhook
//! receiver would.

use serde_json::Value as Json;

use crate::observers::event::Event;

/// The parts of an event that messages are made of.
pub struct Fields<'a> {
    pub event: &'a Event,
    /// The event's `data` object (`Null` if the body cannot be read).
    pub data: Json,
}

impl<'a> Fields<'a> {
    pub fn of(event: &'a Event) -> Fields<'a> {
        let data = serde_json::from_str::<Json>(&event.body)
            .ok()
            .and_then(|mut body| body.get_mut("data").map(Json::take))
            .unwrap_or(Json::Null);
        Fields { event, data }
    }

    pub fn op(&self) -> &'static str {
        self.event.operation.name()
    }

    pub fn key(&self) -> &str {
        self.event.subject.as_deref().unwrap_or("")
    }

    /// `new.COLUMN` or `old.COLUMN` as text; `None` when the row or column is absent.
    pub fn column(&self, row: &str, column: &str) -> Option<String> {
        self.data.get(row)?.get(column).map(text)
    }

    /// UPDATE only: the columns whose value changed, with the old and the new value as text.
    pub fn changed(&self) -> Vec<(String, String, String)> {
        let (Some(Json::Object(old)), Some(Json::Object(new))) =
            (self.data.get("old"), self.data.get("new"))
        else {
            return Vec::new();
        };
        new.iter()
            .filter(|(column, value)| old.get(*column) != Some(*value))
            .map(|(column, value)| {
                let before = old.get(column).map(text).unwrap_or_default();
                (column.clone(), before, text(value))
            })
            .collect()
    }

    /// `UPDATE on orders (key 7): status new -> paid`.
    pub fn summary(&self) -> String {
        let mut line = format!("{} on {}", self.op(), self.event.table);
        if !self.key().is_empty() {
            line.push_str(&format!(" (key {})", self.key()));
        }
        let changed = self.changed();
        if !changed.is_empty() {
            let parts: Vec<String> = changed
                .iter()
                .map(|(column, old, new)| format!("{column} {old} -> {new}"))
                .collect();
            line.push_str(&format!(": {}", parts.join(", ")));
        }
        line
    }

    /// The template with every placeholder replaced; unknown placeholders are kept as written.
    pub fn render(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = after[..end].trim();
            match self.placeholder(name) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[start..start + 2 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn placeholder(&self, name: &str) -> Option<String> {
        match name {
            "table" => Some(self.event.table.clone()),
            "op" => Some(self.op().to_owned()),
            "id" => Some(self.event.id.clone()),
            "key" => Some(self.key().to_owned()),
            _ => {
                let (row, column) = name.split_once('.')?;
                if row != "new" && row != "old" {
                    return None;
                }
                // A column of a row that does not exist (old of an INSERT) renders as nothing.
                Some(self.column(row, column).unwrap_or_default())
            }
        }
    }

    /// The configured template rendered, or the summary.
    pub fn text(&self, template: Option<&str>) -> String {
        template.map_or_else(|| self.summary(), |template| self.render(template))
    }
}

/// A JSON value as a person reads it: strings without quotes, `NULL` for null.
fn text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Null => "NULL".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observers::event::Operation;

    fn event() -> Event {
        let body = serde_json::json!({
            "id": "e1",
            "data": {
                "table": "orders",
                "operation": "UPDATE",
                "new": {"id": 7, "status": "paid", "note": null, "total": 10.5},
                "old": {"id": 7, "status": "new", "note": null, "total": 10.5},
            }
        });
        Event {
            id: "e1".into(),
            table: "orders".into(),
            operation: Operation::Update,
            subject: Some("7".into()),
            ordering_key: "orders\u{0}7".into(),
            body: body.to_string(),
        }
    }

    #[test]
    fn placeholders_are_replaced_and_unknown_ones_kept() {
        let event = event();
        let fields = Fields::of(&event);
        assert_eq!(
            fields.render("{{op}} {{table}} #{{key}} ({{id}}): {{old.status}}->{{ new.status }}, {{new.note}} {{new.total}} {{other}} {{new.missing}}|{{open"),
            "UPDATE orders #7 (e1): new->paid, NULL 10.5 {{other}} |{{open"
        );
    }

    #[test]
    fn the_summary_names_the_changed_columns_only() {
        let event = event();
        assert_eq!(
            Fields::of(&event).summary(),
            "UPDATE on orders (key 7): status new -> paid"
        );
    }
}
