//! COPY: options read from the statement, and the state of a COPY FROM STDIN in progress.
//!
//! Rows are parsed as they arrive and inserted in batches through one prepared INSERT, inside a
//! savepoint (or a transaction of its own outside a block), so a COPY is all or nothing.

use pgbridge_proxy::copy_binary::{BinaryTuples, Tuple};
use pgbridge_proxy::copy_format::{RecordSplitter, parse_record};
use pgbridge_proxy::decode::decode_parameter;
use pgbridge_proxy::value::numeric_with_typmod;
use pgbridge_proxy::{CopyFormat, PgType, SqlError, Value};
use sqlparser::ast::{CopyLegacyCsvOption, CopyLegacyOption, CopyOption};

/// Rows sent to the backend per batch.
pub const BATCH_ROWS: usize = 1_000;

/// True when a COPY asks for the binary format (`FORMAT binary`, legacy `BINARY`).
pub fn is_binary(options: &[CopyOption], legacy: &[CopyLegacyOption]) -> bool {
    options.iter().any(|option| {
        matches!(option, CopyOption::Format(name) if name.value.eq_ignore_ascii_case("binary"))
    }) || legacy
        .iter()
        .any(|option| matches!(option, CopyLegacyOption::Binary))
}

/// Reads the format of a COPY from its options (`WITH (FORMAT csv, HEADER)` or legacy `CSV HEADER`).
pub fn format_of(
    options: &[CopyOption],
    legacy: &[CopyLegacyOption],
) -> Result<CopyFormat, SqlError> {
    let mut csv = false;
    let mut delimiter = None;
    let mut null = None;
    let mut header = false;
    let mut quote = '"';
    let mut escape = None;
    for option in options {
        match option {
            CopyOption::Format(name) => match name.value.to_ascii_lowercase().as_str() {
                "csv" => csv = true,
                "text" => csv = false,
                other => return Err(SqlError::unsupported(format!("COPY format {other}"))),
            },
            // FREEZE is a storage hint with no effect on the rows.
            CopyOption::Freeze(_) => {}
            CopyOption::Delimiter(c) => delimiter = Some(*c),
            CopyOption::Null(text) => null = Some(text.clone()),
            CopyOption::Header(on) => header = *on,
            CopyOption::Quote(c) => quote = *c,
            CopyOption::Escape(c) => escape = Some(*c),
            CopyOption::Encoding(name)
                if name.eq_ignore_ascii_case("utf8") || name.eq_ignore_ascii_case("utf-8") => {}
            other => return Err(SqlError::unsupported(format!("COPY option {other}"))),
        }
    }
    for option in legacy {
        match option {
            CopyLegacyOption::Csv(csv_options) => {
                csv = true;
                for csv_option in csv_options {
                    match csv_option {
                        CopyLegacyCsvOption::Header => header = true,
                        CopyLegacyCsvOption::Quote(c) => quote = *c,
                        CopyLegacyCsvOption::Escape(c) => escape = Some(*c),
                        other => return Err(SqlError::unsupported(format!("COPY option {other}"))),
                    }
                }
            }
            CopyLegacyOption::Delimiter(c) => delimiter = Some(*c),
            CopyLegacyOption::Null(text) => null = Some(text.clone()),
            CopyLegacyOption::Header => header = true,
            CopyLegacyOption::Binary => return Err(SqlError::unsupported("COPY in binary format")),
            other => return Err(SqlError::unsupported(format!("COPY option {other}"))),
        }
    }
    if csv {
        Ok(CopyFormat::Csv {
            delimiter: delimiter.unwrap_or(','),
            quote,
            escape: escape.unwrap_or(quote),
            null: null.unwrap_or_default(),
            header,
        })
    } else {
        if header {
            return Err(SqlError::new(
                "0A000",
                "COPY HEADER available only in CSV mode",
            ));
        }
        Ok(CopyFormat::Text {
            delimiter: delimiter.unwrap_or('\t'),
            null: null.unwrap_or_else(|| "\\N".to_owned()),
        })
    }
}

/// A value as its column keeps it, as PostgreSQL's COPY applies the type modifier: a
/// `numeric(p, s)` value is rounded to `s` digits, and refused past `p` (22003).
fn fit_to_column(value: Value, modifier: i32) -> Result<Value, SqlError> {
    let Value::Numeric(text) = &value else {
        return Ok(value);
    };
    let Some(packed) = modifier.checked_sub(4).and_then(|m| u32::try_from(m).ok()) else {
        return Ok(value);
    };
    let (precision, scale) = (packed >> 16, packed & 0xffff);
    Ok(Value::Numeric(numeric_with_typmod(text, precision, scale)?))
}

/// A COPY FROM STDIN in progress.
pub struct CopyIn {
    pub table: String,
    pub insert_sql: String,
    pub types: Vec<PgType>,
    /// The columns' type modifiers (`atttypmod`, -1 for none), in the order of `types`.
    pub modifiers: Vec<i32>,
    pub format: CopyFormat,
    pub splitter: RecordSplitter,
    /// The reader of a binary COPY; `None` for text and CSV.
    pub binary: Option<BinaryTuples>,
    pub rows: Vec<Vec<Value>>,
    pub count: u64,
    pub header_pending: bool,
    pub ended: bool,
    /// True when the COPY opened its own transaction (outside a block).
    pub own_transaction: bool,
    /// How many observer changes the transaction had when the COPY started.
    pub events_mark: usize,
}

impl CopyIn {
    /// Decodes complete binary tuples into rows, by the columns' types.
    pub fn take_tuples(&mut self, tuples: Vec<Tuple>) -> Result<(), SqlError> {
        for tuple in tuples {
            let number = usize::try_from(self.count).unwrap_or(usize::MAX) + self.rows.len() + 1;
            if tuple.len() != self.types.len() {
                return Err(SqlError::new(
                    "22P04",
                    format!(
                        "row field count is {}, expected {}",
                        tuple.len(),
                        self.types.len()
                    ),
                )
                .with_detail(format!("COPY {}, row {number}", self.table)));
            }
            let row = tuple
                .iter()
                .zip(&self.types)
                .zip(&self.modifiers)
                .map(|((field, pg_type), modifier)| {
                    decode_parameter(field.as_deref(), *pg_type, true)
                        .map_err(|error| {
                            error.with_detail(format!("COPY {}, row {number}", self.table))
                        })
                        .and_then(|value| fit_to_column(value, *modifier))
                })
                .collect::<Result<_, _>>()?;
            self.rows.push(row);
        }
        Ok(())
    }

    /// Parses complete records into rows; the batch is ready when it reaches [`BATCH_ROWS`].
    pub fn take_records(&mut self, records: Vec<String>) -> Result<(), SqlError> {
        for record in records {
            self.splitter.line += 1;
            if self.ended {
                continue;
            }
            if self.header_pending {
                self.header_pending = false;
                continue;
            }
            let Some(fields) = parse_record(&record, &self.format)? else {
                self.ended = true;
                continue;
            };
            if fields.len() != self.types.len() {
                let problem = if fields.len() < self.types.len() {
                    "missing data for a column"
                } else {
                    "extra data after last expected column"
                };
                return Err(SqlError::new("22P04", problem).with_detail(format!(
                    "COPY {}, line {}: expected {} columns, found {}",
                    self.table,
                    self.splitter.line,
                    self.types.len(),
                    fields.len()
                )));
            }
            let mut row = Vec::with_capacity(fields.len());
            for ((field, pg_type), modifier) in
                fields.into_iter().zip(&self.types).zip(&self.modifiers)
            {
                row.push(match field {
                    None => Value::Null,
                    Some(text) => fit_to_column(
                        Value::from_text(*pg_type, &text).map_err(|error| {
                            error.with_detail(format!(
                                "COPY {}, line {}",
                                self.table, self.splitter.line
                            ))
                        })?,
                        *modifier,
                    )?,
                });
            }
            self.rows.push(row);
        }
        Ok(())
    }
}
