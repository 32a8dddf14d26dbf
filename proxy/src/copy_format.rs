//! COPY's text and CSV formats: reading rows from COPY FROM STDIN data and writing rows for
//! COPY TO STDOUT, with PostgreSQL's rules (text: tab-separated, `\N` null, backslash escapes;
//! CSV: quoted fields, unquoted empty field is NULL).

use crate::{SqlError, Value};

/// The format of a COPY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyFormat {
    Text {
        delimiter: char,
        null: String,
    },
    Csv {
        delimiter: char,
        quote: char,
        escape: char,
        null: String,
        header: bool,
    },
}

impl Default for CopyFormat {
    fn default() -> Self {
        CopyFormat::Text {
            delimiter: '\t',
            null: "\\N".to_owned(),
        }
    }
}

impl CopyFormat {
    /// CSV with PostgreSQL's defaults.
    pub fn csv() -> CopyFormat {
        CopyFormat::Csv {
            delimiter: ',',
            quote: '"',
            escape: '"',
            null: String::new(),
            header: false,
        }
    }

    /// True when the first line is a header to skip (FROM) or write (TO).
    pub fn has_header(&self) -> bool {
        matches!(self, CopyFormat::Csv { header: true, .. })
    }

    /// Writes one row as a line (with its newline).
    pub fn write_row(&self, row: &[Value], out: &mut String) {
        for (i, value) in row.iter().enumerate() {
            match self {
                CopyFormat::Text { delimiter, null } => {
                    if i > 0 {
                        out.push(*delimiter);
                    }
                    match value.to_text() {
                        None => out.push_str(null),
                        Some(text) => escape_text(&text, *delimiter, out),
                    }
                }
                CopyFormat::Csv {
                    delimiter,
                    quote,
                    escape,
                    null,
                    ..
                } => {
                    if i > 0 {
                        out.push(*delimiter);
                    }
                    match value.to_text() {
                        None => out.push_str(null),
                        Some(text) => {
                            let needs_quotes = text.is_empty()
                                || text == *null
                                || text.contains([*delimiter, *quote, '\n', '\r'])
                                || text.starts_with(char::is_whitespace)
                                || text.ends_with(char::is_whitespace);
                            if needs_quotes {
                                out.push(*quote);
                                for c in text.chars() {
                                    if c == *quote || c == *escape {
                                        out.push(*escape);
                                    }
                                    out.push(c);
                                }
                                out.push(*quote);
                            } else {
                                out.push_str(&text);
                            }
                        }
                    }
                }
            }
        }
        out.push('\n');
    }

    /// Writes the CSV header line.
    pub fn write_header(&self, names: &[&str], out: &mut String) {
        let row: Vec<Value> = names.iter().map(|n| Value::Text((*n).to_owned())).collect();
        self.write_row(&row, out);
    }
}

fn escape_text(text: &str, delimiter: char, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' if delimiter == '\t' => out.push_str("\\t"),
            c if c == delimiter => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Splits COPY FROM data into complete records, keeping a partial record for the next chunk.
#[derive(Debug, Default)]
pub struct RecordSplitter {
    pending: Vec<u8>,
    /// Line number of the next record (1-based), for error messages.
    pub line: usize,
}

impl RecordSplitter {
    /// Adds data; returns the complete records (without their line ends). CSV records may span
    /// lines inside quotes.
    pub fn push(&mut self, data: &[u8], format: &CopyFormat) -> Result<Vec<String>, SqlError> {
        self.pending.extend_from_slice(data);
        let quote = match format {
            CopyFormat::Csv { quote, .. } => Some(u8::try_from(*quote).unwrap_or(b'"')),
            CopyFormat::Text { .. } => None,
        };
        let mut records = Vec::new();
        let mut start = 0;
        let mut in_quotes = false;
        for (i, byte) in self.pending.iter().enumerate() {
            if Some(*byte) == quote {
                in_quotes = !in_quotes;
            } else if *byte == b'\n' && !in_quotes {
                let mut line = &self.pending[start..i];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                records.push(String::from_utf8(line.to_vec()).map_err(|_| {
                    SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\"")
                })?);
                start = i + 1;
            }
        }
        self.pending.drain(..start);
        Ok(records)
    }

    /// The last record if the data did not end with a newline.
    pub fn finish(&mut self) -> Result<Option<String>, SqlError> {
        if self.pending.is_empty() {
            return Ok(None);
        }
        let rest = std::mem::take(&mut self.pending);
        String::from_utf8(rest)
            .map(Some)
            .map_err(|_| SqlError::new("22021", "invalid byte sequence for encoding \"UTF8\""))
    }
}

/// Parses one record into fields (`None` = NULL). Returns `Ok(None)` for the end marker `\.`.
pub fn parse_record(
    record: &str,
    format: &CopyFormat,
) -> Result<Option<Vec<Option<String>>>, SqlError> {
    if record == "\\." {
        return Ok(None);
    }
    match format {
        CopyFormat::Text { delimiter, null } => Ok(Some(parse_text(record, *delimiter, null)?)),
        CopyFormat::Csv {
            delimiter,
            quote,
            escape,
            null,
            ..
        } => Ok(Some(parse_csv(record, *delimiter, *quote, *escape, null)?)),
    }
}

fn parse_text(record: &str, delimiter: char, null: &str) -> Result<Vec<Option<String>>, SqlError> {
    let mut fields = Vec::new();
    for raw in record.split(delimiter) {
        if raw == null {
            fields.push(None);
            continue;
        }
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => value.push('\n'),
                Some('r') => value.push('\r'),
                Some('t') => value.push('\t'),
                Some('b') => value.push('\u{8}'),
                Some('f') => value.push('\u{c}'),
                Some('v') => value.push('\u{b}'),
                Some(other) => value.push(other),
                None => {
                    return Err(SqlError::new(
                        "22P04",
                        "unterminated backslash escape in COPY data",
                    ));
                }
            }
        }
        fields.push(Some(value));
    }
    Ok(fields)
}

fn parse_csv(
    record: &str,
    delimiter: char,
    quote: char,
    escape: char,
    null: &str,
) -> Result<Vec<Option<String>>, SqlError> {
    let mut fields = Vec::new();
    let mut chars = record.chars().peekable();
    loop {
        let mut value = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        while let Some(&c) = chars.peek() {
            if in_quotes {
                chars.next();
                if c == escape && chars.peek() == Some(&quote) && escape != quote {
                    value.push(quote);
                    chars.next();
                } else if c == quote {
                    if escape == quote && chars.peek() == Some(&quote) {
                        value.push(quote);
                        chars.next();
                    } else {
                        in_quotes = false;
                    }
                } else {
                    value.push(c);
                }
            } else if c == delimiter {
                break;
            } else if c == quote {
                chars.next();
                quoted = true;
                in_quotes = true;
            } else {
                chars.next();
                value.push(c);
            }
        }
        if in_quotes {
            return Err(SqlError::new("22P04", "unterminated CSV quoted field"));
        }
        fields.push(if !quoted && value == null {
            None
        } else {
            Some(value)
        });
        if chars.next().is_none() {
            return Ok(fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rows_round_trip() {
        let format = CopyFormat::default();
        let mut out = String::new();
        format.write_row(
            &[
                Value::Int4(1),
                Value::Null,
                Value::Text("a\tb\\c\nd".into()),
            ],
            &mut out,
        );
        assert_eq!(out, "1\t\\N\ta\\tb\\\\c\\nd\n");
        let fields = parse_record(out.trim_end_matches('\n'), &format)
            .unwrap()
            .unwrap();
        assert_eq!(fields, [Some("1".into()), None, Some("a\tb\\c\nd".into())]);
        assert_eq!(parse_record("\\.", &format).unwrap(), None);
    }

    #[test]
    fn csv_quotes_and_nulls() {
        let format = CopyFormat::csv();
        let fields = parse_record("1,,\"\",\"x,\"\"y\"\"\"", &format)
            .unwrap()
            .unwrap();
        assert_eq!(
            fields,
            [
                Some("1".into()),
                None,
                Some(String::new()),
                Some("x,\"y\"".into())
            ]
        );
        let mut out = String::new();
        format.write_row(
            &[
                Value::Text("x,\"y\"".into()),
                Value::Null,
                Value::Text(String::new()),
            ],
            &mut out,
        );
        assert_eq!(out, "\"x,\"\"y\"\"\",,\"\"\n");
    }

    #[test]
    fn records_split_across_chunks_and_inside_quotes() {
        let format = CopyFormat::csv();
        let mut splitter = RecordSplitter::default();
        assert_eq!(
            splitter.push(b"1,\"a\nb\"\n2,", &format).unwrap(),
            ["1,\"a\nb\""]
        );
        assert_eq!(splitter.push(b"c\n", &format).unwrap(), ["2,c"]);
        assert_eq!(splitter.finish().unwrap(), None);
    }

    #[test]
    fn broken_input_is_an_error() {
        assert!(parse_record("\"open", &CopyFormat::csv()).is_err());
        assert!(parse_record("ends\\", &CopyFormat::default()).is_err());
    }
}
