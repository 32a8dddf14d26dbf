//! Parameter values bound through DoPut: an Arrow record batch, one row per execution, one
//! column per parameter, read as the types Describe gave the parameters.
//!
//! Each value goes through PostgreSQL's text input of the parameter's type (the same rules as
//! a text-format Bind), except bytes, which are taken as they are.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use arrow_schema::TimeUnit;
use chrono::{DateTime, NaiveDate, Utc};

use crate::{PgType, SqlError, Value};

/// The parameter rows of `batch`, each decoded to `types`.
pub fn parameter_rows(batch: &RecordBatch, types: &[PgType]) -> Result<Vec<Vec<Value>>, SqlError> {
    if batch.num_columns() != types.len() {
        return Err(SqlError::new(
            "08P01",
            format!(
                "the parameter batch has {} columns, but the statement has {} parameters",
                batch.num_columns(),
                types.len()
            ),
        ));
    }
    let options = FormatOptions::default().with_null("");
    let mut rows = vec![Vec::with_capacity(types.len()); batch.num_rows()];
    for (column, pg_type) in batch.columns().iter().zip(types) {
        // Made on first use: formatting some types (named time zones) is not available, and
        // those are read directly.
        let mut formatter: Option<ArrayFormatter> = None;
        for (row_index, row) in rows.iter_mut().enumerate() {
            if column.is_null(row_index) {
                row.push(Value::Null);
                continue;
            }
            let bytes = match column.data_type() {
                DataType::Binary => Some(column.as_binary::<i32>().value(row_index).to_vec()),
                DataType::LargeBinary => Some(column.as_binary::<i64>().value(row_index).to_vec()),
                DataType::FixedSizeBinary(_) => {
                    Some(column.as_fixed_size_binary().value(row_index).to_vec())
                }
                _ => None,
            };
            if let Some(value) = direct_value(column.as_ref(), row_index, *pg_type)? {
                row.push(value);
                continue;
            }
            let value = match bytes {
                Some(bytes) => match (pg_type, <[u8; 16]>::try_from(bytes.as_slice())) {
                    (PgType::Uuid, Ok(uuid)) => Value::Uuid(uuid),
                    (PgType::Bytea | PgType::Unknown, _) => Value::Bytea(bytes),
                    _ => Value::from_text(*pg_type, &String::from_utf8_lossy(&bytes))?,
                },
                None => {
                    if formatter.is_none() {
                        let made =
                            ArrayFormatter::try_new(column.as_ref(), &options).map_err(|e| {
                                SqlError::new("22023", format!("cannot read a parameter: {e}"))
                            })?;
                        formatter = Some(made);
                    }
                    let text = formatter
                        .as_ref()
                        .map(|f| f.value(row_index).to_string())
                        .unwrap_or_default();
                    let pg_type = if *pg_type == PgType::Unknown {
                        PgType::Text
                    } else {
                        *pg_type
                    };
                    Value::from_text(pg_type, &text)?
                }
            };
            row.push(value);
        }
    }
    Ok(rows)
}

/// A value read straight from the common Arrow types (no text round trip), when the parameter
/// type takes it as it is; `None` sends the value through text input.
fn direct_value(
    column: &dyn Array,
    row: usize,
    pg_type: PgType,
) -> Result<Option<Value>, SqlError> {
    let integer = match column.data_type() {
        DataType::Int64 => Some(column.as_primitive::<Int64Type>().value(row)),
        DataType::Int32 => Some(i64::from(column.as_primitive::<Int32Type>().value(row))),
        DataType::Int16 => Some(i64::from(column.as_primitive::<Int16Type>().value(row))),
        _ => None,
    };
    if let Some(integer) = integer {
        let out_of_range =
            || SqlError::new("22003", format!("{} out of range", pg_type.sql_name()));
        return Ok(match pg_type {
            PgType::Int8 => Some(Value::Int8(integer)),
            PgType::Int4 => Some(Value::Int4(
                i32::try_from(integer).map_err(|_| out_of_range())?,
            )),
            PgType::Int2 => Some(Value::Int2(
                i16::try_from(integer).map_err(|_| out_of_range())?,
            )),
            _ => None,
        });
    }
    let micros = match column.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => column
            .as_primitive::<TimestampSecondType>()
            .value(row)
            .checked_mul(1_000_000),
        DataType::Timestamp(TimeUnit::Millisecond, _) => column
            .as_primitive::<TimestampMillisecondType>()
            .value(row)
            .checked_mul(1_000),
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            Some(column.as_primitive::<TimestampMicrosecondType>().value(row))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            Some(column.as_primitive::<TimestampNanosecondType>().value(row) / 1_000)
        }
        DataType::Date32 => {
            let days = column.as_primitive::<Date32Type>().value(row);
            let date = NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days.into())));
            return Ok(match (pg_type, date) {
                (PgType::Date, Some(date)) => Some(Value::Date(date)),
                _ => None,
            });
        }
        DataType::Float64 if pg_type == PgType::Float8 => {
            return Ok(Some(Value::Float8(
                column.as_primitive::<Float64Type>().value(row),
            )));
        }
        DataType::Float32 if pg_type == PgType::Float4 => {
            return Ok(Some(Value::Float4(
                column.as_primitive::<Float32Type>().value(row),
            )));
        }
        DataType::Utf8 if pg_type.is_text() || pg_type == PgType::Unknown => {
            return Ok(Some(Value::Text(
                column.as_string::<i32>().value(row).to_owned(),
            )));
        }
        DataType::Boolean if pg_type == PgType::Bool => {
            return Ok(Some(Value::Bool(column.as_boolean().value(row))));
        }
        _ => return Ok(None),
    };
    // Timestamps with a zone are instants; without, wall-clock times read as UTC.
    let Some(instant) = micros.and_then(DateTime::<Utc>::from_timestamp_micros) else {
        return Err(SqlError::new("22008", "timestamp out of range"));
    };
    Ok(match pg_type {
        PgType::Timestamptz => Some(Value::Timestamptz(instant)),
        PgType::Timestamp => Some(Value::Timestamp(instant.naive_utc())),
        PgType::Date => Some(Value::Date(instant.date_naive())),
        _ => Some(Value::Text(crate::value::format_timestamp(
            &instant.naive_utc(),
        ))),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, StringArray};

    use super::*;

    #[test]
    fn timestamps_with_named_zones_bind_as_instants() {
        use arrow_array::TimestampNanosecondArray;
        let zoned =
            TimestampNanosecondArray::from(vec![1_704_164_645_000_000_000]).with_timezone("UTC");
        let batch = RecordBatch::try_from_iter([("at", Arc::new(zoned) as ArrayRef)]).unwrap();
        let rows = parameter_rows(&batch, &[PgType::Timestamptz]).unwrap();
        assert_eq!(
            rows[0][0].to_text().as_deref(),
            Some("2024-01-02 03:04:05+00")
        );
    }

    #[test]
    fn columns_become_rows_of_the_described_types() {
        let batch = RecordBatch::try_from_iter([
            (
                "a",
                Arc::new(Int64Array::from(vec![Some(1), None])) as ArrayRef,
            ),
            (
                "b",
                Arc::new(StringArray::from(vec!["x", "2024-01-02"])) as ArrayRef,
            ),
        ])
        .unwrap();
        let rows = parameter_rows(&batch, &[PgType::Int4, PgType::Text]).unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Value::Int4(1), Value::Text("x".into())],
                vec![Value::Null, Value::Text("2024-01-02".into())],
            ]
        );
        let wrong = parameter_rows(&batch, &[PgType::Int4]).unwrap_err();
        assert_eq!(wrong.code, "08P01");
        let bad = RecordBatch::try_from_iter([(
            "a",
            Arc::new(StringArray::from(vec!["nope"])) as ArrayRef,
        )])
        .unwrap();
        assert_eq!(
            parameter_rows(&bad, &[PgType::Int4]).unwrap_err().code,
            "22P02"
        );
    }
}
