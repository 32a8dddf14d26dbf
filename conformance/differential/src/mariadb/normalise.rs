//! MariaDB's text values in PostgreSQL's text form, given the type PostgreSQL gave the column:
//! what pgbridge's MySQL backend will have to send.

use pgbridge_dialects::PgType;

/// One value as PostgreSQL would print it for a column of `pg_type` (`None`: unknown, as is).
pub fn to_pg_text(bytes: &[u8], pg_type: Option<PgType>) -> String {
    if pg_type == Some(PgType::Bytea) {
        return hex_bytea(bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    match pg_type {
        Some(PgType::Bool) => match text.as_ref() {
            "1" => "t".to_owned(),
            "0" => "f".to_owned(),
            _ => text.into_owned(),
        },
        Some(PgType::Timestamp | PgType::Time) => trim_fraction(&text),
        Some(PgType::Timestamptz) => format!("{}+00", trim_fraction(&text)),
        Some(PgType::Jsonb) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => jsonb_text(&value),
            Err(_) => text.into_owned(),
        },
        _ => text.into_owned(),
    }
}

/// `\x` and two lower-case hex digits per byte.
fn hex_bytea(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 + bytes.len() * 2);
    text.push_str("\\x");
    for byte in bytes {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// `03:04:05.500000` -> `03:04:05.5`, `03:04:05.000000` -> `03:04:05`.
fn trim_fraction(text: &str) -> String {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => text.to_owned(),
    }
}

/// jsonb's output: keys ordered shorter first, then bytewise; `", "` and `": "` separators.
fn jsonb_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            let parts: Vec<String> = entries
                .into_iter()
                .map(|(key, value)| {
                    format!(
                        "{}: {}",
                        serde_json::Value::from(key.as_str()),
                        jsonb_text(value)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(jsonb_text).collect();
            format!("[{}]", parts.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_postgresql_text_form() {
        assert_eq!(to_pg_text(b"1", Some(PgType::Bool)), "t");
        assert_eq!(to_pg_text(b"0", Some(PgType::Bool)), "f");
        assert_eq!(
            to_pg_text(b"2024-01-02 03:04:05.000000", Some(PgType::Timestamp)),
            "2024-01-02 03:04:05"
        );
        assert_eq!(
            to_pg_text(b"2024-01-02 03:04:05.250000", Some(PgType::Timestamptz)),
            "2024-01-02 03:04:05.25+00"
        );
        assert_eq!(to_pg_text(&[0xde, 0xad], Some(PgType::Bytea)), "\\xdead");
        assert_eq!(
            to_pg_text(br#"{"bb": [1,2], "a": true}"#, Some(PgType::Jsonb)),
            r#"{"a": true, "bb": [1, 2]}"#
        );
        assert_eq!(to_pg_text(b"3.50", Some(PgType::Numeric)), "3.50");
        assert_eq!(to_pg_text(b"1", None), "1");
    }
}
