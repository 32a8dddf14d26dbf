//! Parameter values bound through DoPut: an Arrow record batch, one row per execution, one
//! column per parameter, read as the types Describe gave the parameters.
//!
//! Each value goes through PostgreSQL's text input of the parameter's type (the same rules as
//! a text-format Bind), except bytes, which are taken as they are.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;

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
        let formatter = ArrayFormatter::try_new(column.as_ref(), &options)
            .map_err(|e| SqlError::new("22023", format!("cannot read a parameter: {e}")))?;
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
            let value = match bytes {
                Some(bytes) => match (pg_type, <[u8; 16]>::try_from(bytes.as_slice())) {
                    (PgType::Uuid, Ok(uuid)) => Value::Uuid(uuid),
                    (PgType::Bytea | PgType::Unknown, _) => Value::Bytea(bytes),
                    _ => Value::from_text(*pg_type, &String::from_utf8_lossy(&bytes))?,
                },
                None => {
                    let text = formatter.value(row_index).to_string();
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, StringArray};

    use super::*;

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
