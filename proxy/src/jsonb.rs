//! The text form of `jsonb`: PostgreSQL stores jsonb parsed, so it prints every value the same
//! way whatever the input looked like: object keys ordered by length, then bytes; a key given
//! twice keeps its last value; `", "` between items and `": "` after keys; numbers as written
//! (`serde_json`'s `arbitrary_precision` keeps their digits). Backends that store jsonb as text
//! (SQLite) return what was written; values are put in this form on the way out.

use serde_json::Value as Json;

use crate::SqlError;

/// The canonical text of a jsonb value, or 22P02 when `text` is not JSON.
pub fn canonical(text: &str) -> Result<String, SqlError> {
    let value: Json = serde_json::from_str(text).map_err(|error| {
        SqlError::new("22P02", "invalid input syntax for type json").with_detail(format!("{error}"))
    })?;
    let mut out = String::with_capacity(text.len());
    write(&value, &mut out);
    Ok(out)
}

/// The jsonb text of a parsed value: keys sorted as jsonb keeps them, PostgreSQL's spacing.
pub fn to_text(value: &Json) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Json, out: &mut String) {
    match value {
        Json::Object(members) => {
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Json::String(key.clone()).to_string());
                out.push_str(": ");
                write(&members[key], out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn keys_by_length_then_bytes_spacing_and_last_duplicate() {
        assert_eq!(
            canonical(r#"{"b": 1, "a": [1,2], "aa":{"z":null,"y":true}, "b": 2}"#).unwrap(),
            r#"{"a": [1, 2], "b": 2, "aa": {"y": true, "z": null}}"#
        );
    }

    #[test]
    fn numbers_and_strings_keep_their_text() {
        assert_eq!(
            canonical(r#"[12345678901234567890.123456789, 1.50, "x\"y", -0.5]"#).unwrap(),
            r#"[12345678901234567890.123456789, 1.50, "x\"y", -0.5]"#
        );
    }

    #[test]
    fn not_json_is_22p02() {
        assert_eq!(canonical("{oops").unwrap_err().code, "22P02");
    }
}
