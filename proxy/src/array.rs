//! One-dimensional arrays: PostgreSQL's array text (`{a,b,"c d",NULL}`), the space-separated
//! text of `int2vector` / `oidvector` (`1 2`), and the binary array format.
//!
//! An array value is a [`Value::Array`] of element values; the array type of its column gives
//! the element type and the first subscript (0 for the vector types, else 1).

use bytes::{BufMut, BytesMut};

use crate::{PgType, SqlError, Value};

/// PostgreSQL's text for an array of `array_type`: `{..}` with elements quoted where needed,
/// or the vector types' space-separated form.
pub fn format_text(elements: &[Value], array_type: PgType) -> String {
    let texts = elements.iter().map(|element| element.to_text());
    if array_type.lower_bound() == 0 {
        return texts
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let quoted: Vec<String> = texts
        .map(|text| match text {
            None => "NULL".to_owned(),
            Some(text) if needs_quotes(&text) => {
                let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
                format!("\"{escaped}\"")
            }
            Some(text) => text,
        })
        .collect();
    format!("{{{}}}", quoted.join(","))
}

/// True where array_out quotes an element: empty, `NULL`, or holding a delimiter, brace,
/// quote, backslash or white space.
fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || text.eq_ignore_ascii_case("null")
        || text
            .chars()
            .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || c.is_ascii_whitespace())
}

/// The elements of an array's text, as text (`None` for NULL): PostgreSQL's `{..}` form or the
/// vector types' space-separated one. One dimension only.
pub fn split_text(text: &str) -> Result<Vec<Option<String>>, SqlError> {
    let trimmed = text.trim();
    let Some(inner) = trimmed.strip_prefix('{') else {
        return Ok(trimmed
            .split_ascii_whitespace()
            .map(|element| Some(element.to_owned()))
            .collect());
    };
    let malformed = || SqlError::new("22P02", format!("malformed array literal: \"{text}\""));
    let inner = inner.strip_suffix('}').ok_or_else(malformed)?;
    let mut elements = Vec::new();
    if inner.trim().is_empty() {
        return Ok(elements);
    }
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(char::is_ascii_whitespace).is_some() {}
        let mut element = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next_if(|c| *c != ',') {
            match c {
                '"' => {
                    quoted = true;
                    loop {
                        match chars.next().ok_or_else(malformed)? {
                            '"' => break,
                            '\\' => element.push(chars.next().ok_or_else(malformed)?),
                            other => element.push(other),
                        }
                    }
                }
                '\\' => element.push(chars.next().ok_or_else(malformed)?),
                '{' | '}' => return Err(malformed()),
                other => element.push(other),
            }
        }
        let element = if quoted {
            element
        } else {
            element.trim_end().to_owned()
        };
        elements.push((quoted || !element.eq_ignore_ascii_case("null")).then_some(element));
        if chars.next().is_none() {
            return Ok(elements);
        }
    }
}

/// Reads an array of `array_type` from its text.
pub fn parse_text(text: &str, array_type: PgType) -> Result<Value, SqlError> {
    split_elements(text, array_type).map(Value::Array)
}

/// The element values of an array of `array_type`, read from its text.
pub fn split_elements(text: &str, array_type: PgType) -> Result<Vec<Value>, SqlError> {
    let element_type = array_type.element().unwrap_or(PgType::Text);
    split_text(text)?
        .into_iter()
        .map(|element| match element {
            None => Ok(Value::Null),
            Some(element) => Value::from_text(element_type, &element),
        })
        .collect()
}

/// Writes PostgreSQL's binary array: ndim, has-null flag, element OID, then per dimension the
/// length and first subscript, then each element as a length-prefixed binary value.
pub fn put_binary(
    out: &mut BytesMut,
    elements: &[Value],
    array_type: PgType,
    put_element: impl Fn(&mut BytesMut, &Value, PgType) -> Result<(), SqlError>,
) -> Result<(), SqlError> {
    let element_type = array_type.element().unwrap_or(PgType::Text);
    let too_long = || SqlError::new("54000", "array size exceeds the maximum allowed");
    let length = i32::try_from(elements.len()).map_err(|_| too_long())?;
    out.put_i32(i32::from(!elements.is_empty()));
    out.put_i32(i32::from(elements.iter().any(|e| matches!(e, Value::Null))));
    out.put_u32(element_type.oid());
    if !elements.is_empty() {
        out.put_i32(length);
        out.put_i32(array_type.lower_bound());
    }
    for element in elements {
        put_element(out, element, element_type)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_quotes_as_array_out_does() {
        let elements = vec![
            Value::Text("a".into()),
            Value::Text("c d".into()),
            Value::Null,
            Value::Text(String::new()),
            Value::Text("NULL".into()),
            Value::Text("q\"b\\".into()),
        ];
        assert_eq!(
            format_text(&elements, PgType::TextArray),
            r#"{a,"c d",NULL,"","NULL","q\"b\\"}"#
        );
        assert_eq!(
            format_text(&[Value::Int2(1), Value::Int2(3)], PgType::Int2Vector),
            "1 3"
        );
        assert_eq!(format_text(&[], PgType::Int4Array), "{}");
    }

    #[test]
    fn text_round_trips() {
        let text = r#"{a,"c d",NULL,"","NULL","q\"b\\"}"#;
        let parsed = parse_text(text, PgType::TextArray).unwrap();
        let Value::Array(elements) = &parsed else {
            panic!("not an array: {parsed:?}")
        };
        assert_eq!(format_text(elements, PgType::TextArray), text);
        assert_eq!(
            parse_text("1 2 3", PgType::Int2Vector).unwrap(),
            Value::Array(vec![Value::Int2(1), Value::Int2(2), Value::Int2(3)])
        );
        assert!(parse_text("{a,{b}}", PgType::TextArray).is_err());
        assert!(parse_text("{\"a}", PgType::TextArray).is_err());
    }

    #[test]
    fn binary_matches_array_send() {
        let mut out = BytesMut::new();
        let elements = [Value::Int4(7), Value::Null];
        put_binary(&mut out, &elements, PgType::Int4Array, |out, value, _| {
            match value {
                Value::Int4(v) => {
                    out.put_i32(4);
                    out.put_i32(*v);
                }
                _ => out.put_i32(-1),
            }
            Ok(())
        })
        .unwrap();
        let expected: Vec<u8> = [
            &1i32.to_be_bytes()[..],
            &1i32.to_be_bytes(),
            &23u32.to_be_bytes(),
            &2i32.to_be_bytes(),
            &1i32.to_be_bytes(),
            &4i32.to_be_bytes(),
            &7i32.to_be_bytes(),
            &(-1i32).to_be_bytes(),
        ]
        .concat();
        assert_eq!(out.to_vec(), expected);
    }
}
