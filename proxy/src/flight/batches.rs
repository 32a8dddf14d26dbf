//! Rows from the seam to Arrow record batches of bounded size.
//!
//! A [`BatchBuilder`] holds one Arrow array builder per column, typed by the schema announced
//! for the result ([`super::schema`]). Values are appended as the backend produces them; a
//! value whose variant differs from the column's type (an integer from a SQLite column declared
//! `numeric(10,2)`) goes through PostgreSQL's text form of the column type, as the wire front
//! end's encoder coerces it.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder,
    FixedSizeBinaryBuilder, Float32Builder, Float64Builder, Int16Builder, Int32Builder,
    Int64Builder, IntervalMonthDayNanoBuilder, StringBuilder, Time64MicrosecondBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::types::IntervalMonthDayNano;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use chrono::{NaiveDate, Timelike};

use crate::value::round_numeric;
use crate::{Field, PgType, SqlError, Value};

/// Rows reserved in a new batch's builders.
const INITIAL_ROWS: usize = 1024;

/// Days from 0001-01-01 (chrono's day 1) to the Unix epoch.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// One column's Arrow builder.
enum Column {
    Bool(BooleanBuilder),
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    Decimal(Decimal128Builder, usize),
    Text(StringBuilder),
    Binary(BinaryBuilder),
    Date(Date32Builder),
    Time(Time64MicrosecondBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    Interval(IntervalMonthDayNanoBuilder),
    Uuid(FixedSizeBinaryBuilder),
}

impl Column {
    fn new(data_type: &DataType, capacity: usize) -> Column {
        match data_type {
            DataType::Boolean => Column::Bool(BooleanBuilder::with_capacity(capacity)),
            DataType::Int16 => Column::Int16(Int16Builder::with_capacity(capacity)),
            DataType::Int32 => Column::Int32(Int32Builder::with_capacity(capacity)),
            DataType::Int64 => Column::Int64(Int64Builder::with_capacity(capacity)),
            DataType::Float32 => Column::Float32(Float32Builder::with_capacity(capacity)),
            DataType::Float64 => Column::Float64(Float64Builder::with_capacity(capacity)),
            DataType::Decimal128(precision, scale) => Column::Decimal(
                Decimal128Builder::with_capacity(capacity)
                    .with_precision_and_scale(*precision, *scale)
                    .unwrap_or_default(),
                usize::try_from(*scale).unwrap_or(0),
            ),
            DataType::Binary => Column::Binary(BinaryBuilder::with_capacity(capacity, 0)),
            DataType::Date32 => Column::Date(Date32Builder::with_capacity(capacity)),
            DataType::Time64(_) => Column::Time(Time64MicrosecondBuilder::with_capacity(capacity)),
            DataType::Timestamp(_, zone) => Column::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(capacity)
                    .with_timezone_opt(zone.clone()),
            ),
            DataType::Interval(_) => {
                Column::Interval(IntervalMonthDayNanoBuilder::with_capacity(capacity))
            }
            DataType::FixedSizeBinary(width) => {
                Column::Uuid(FixedSizeBinaryBuilder::with_capacity(capacity, *width))
            }
            _ => Column::Text(StringBuilder::with_capacity(capacity, 0)),
        }
    }

    fn append_null(&mut self) {
        match self {
            Column::Bool(b) => b.append_null(),
            Column::Int16(b) => b.append_null(),
            Column::Int32(b) => b.append_null(),
            Column::Int64(b) => b.append_null(),
            Column::Float32(b) => b.append_null(),
            Column::Float64(b) => b.append_null(),
            Column::Decimal(b, _) => b.append_null(),
            Column::Text(b) => b.append_null(),
            Column::Binary(b) => b.append_null(),
            Column::Date(b) => b.append_null(),
            Column::Time(b) => b.append_null(),
            Column::Timestamp(b) => b.append_null(),
            Column::Interval(b) => b.append_null(),
            Column::Uuid(b) => b.append_null(),
        }
    }

    /// Appends a value of the column's own variant; `false` when the variant differs.
    fn append_exact(&mut self, value: &Value) -> Result<bool, SqlError> {
        match (self, value) {
            (Column::Bool(b), Value::Bool(v)) => b.append_value(*v),
            (Column::Int16(b), Value::Int2(v)) => b.append_value(*v),
            (Column::Int32(b), Value::Int4(v)) => b.append_value(*v),
            (Column::Int32(b), Value::Int2(v)) => b.append_value(i32::from(*v)),
            (Column::Int64(b), Value::Int8(v)) => b.append_value(*v),
            (Column::Int64(b), Value::Int4(v)) => b.append_value(i64::from(*v)),
            (Column::Int64(b), Value::Int2(v)) => b.append_value(i64::from(*v)),
            (Column::Float32(b), Value::Float4(v)) => b.append_value(*v),
            (Column::Float64(b), Value::Float8(v)) => b.append_value(*v),
            (Column::Float64(b), Value::Float4(v)) => b.append_value(f64::from(*v)),
            (Column::Decimal(b, scale), Value::Numeric(text)) => {
                b.append_value(decimal_units(text, *scale)?);
            }
            (Column::Text(b), Value::Text(v) | Value::Json(v) | Value::Numeric(v)) => {
                b.append_value(v);
            }
            (Column::Binary(b), Value::Bytea(v)) => b.append_value(v),
            (Column::Date(b), Value::Date(v)) => b.append_value(days_since_epoch(v)),
            (Column::Time(b), Value::Time(v)) => b.append_value(
                i64::from(v.num_seconds_from_midnight()) * 1_000_000
                    + i64::from(v.nanosecond() / 1000),
            ),
            (Column::Timestamp(b), Value::Timestamp(v)) => {
                b.append_value(v.and_utc().timestamp_micros());
            }
            (Column::Timestamp(b), Value::Timestamptz(v)) => b.append_value(v.timestamp_micros()),
            (Column::Interval(b), Value::Interval(v)) => b.append_value(IntervalMonthDayNano::new(
                v.months,
                v.days,
                v.microseconds.saturating_mul(1000),
            )),
            (Column::Uuid(b), Value::Uuid(v)) => b
                .append_value(v)
                .map_err(|e| SqlError::new("XX000", e.to_string()))?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Int16(b) => Arc::new(b.finish()),
            Column::Int32(b) => Arc::new(b.finish()),
            Column::Int64(b) => Arc::new(b.finish()),
            Column::Float32(b) => Arc::new(b.finish()),
            Column::Float64(b) => Arc::new(b.finish()),
            Column::Decimal(b, _) => Arc::new(b.finish()),
            Column::Text(b) => Arc::new(b.finish()),
            Column::Binary(b) => Arc::new(b.finish()),
            Column::Date(b) => Arc::new(b.finish()),
            Column::Time(b) => Arc::new(b.finish()),
            Column::Timestamp(b) => Arc::new(b.finish()),
            Column::Interval(b) => Arc::new(b.finish()),
            Column::Uuid(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Bool(b) => b.len(),
            Column::Int16(b) => b.len(),
            Column::Int32(b) => b.len(),
            Column::Int64(b) => b.len(),
            Column::Float32(b) => b.len(),
            Column::Float64(b) => b.len(),
            Column::Decimal(b, _) => b.len(),
            Column::Text(b) => b.len(),
            Column::Binary(b) => b.len(),
            Column::Date(b) => b.len(),
            Column::Time(b) => b.len(),
            Column::Timestamp(b) => b.len(),
            Column::Interval(b) => b.len(),
            Column::Uuid(b) => b.len(),
        }
    }
}

fn days_since_epoch(date: &NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - UNIX_EPOCH_FROM_CE
}

/// A decimal's text as an integer count of `10^-scale` units (`12.5` at scale 2 is 1250).
fn decimal_units(text: &str, scale: usize) -> Result<i128, SqlError> {
    let rounded = round_numeric(text, scale);
    rounded.replace('.', "").parse().map_err(|_| {
        SqlError::new(
            "22003",
            format!("numeric value {text} cannot be represented as an Arrow Decimal128"),
        )
    })
}

/// Builds record batches of one result, a bounded number of rows at a time.
pub struct BatchBuilder {
    schema: SchemaRef,
    fields: Arc<Vec<Field>>,
    columns: Vec<Column>,
    capacity: usize,
}

impl BatchBuilder {
    /// A builder for rows of `fields`, whose Arrow schema is `schema`; `capacity` rows a batch.
    pub fn new(schema: SchemaRef, fields: Arc<Vec<Field>>, capacity: usize) -> BatchBuilder {
        // Builders grow as rows come: reserving the whole batch up front would make small
        // results as large in memory as full batches (and Flight splits batches by that size).
        let initial = capacity.min(INITIAL_ROWS);
        let columns = schema
            .fields()
            .iter()
            .map(|f| Column::new(f.data_type(), initial))
            .collect();
        BatchBuilder {
            schema,
            fields,
            columns,
            capacity,
        }
    }

    /// Rows appended since the last batch.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether no row waits for a batch.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the next batch is full.
    pub fn is_full(&self) -> bool {
        self.len() >= self.capacity
    }

    /// Appends one row; its values are in field order.
    pub fn append(&mut self, row: &[Value]) -> Result<(), SqlError> {
        if row.len() != self.columns.len() {
            return Err(SqlError::new(
                "XX000",
                format!(
                    "a row has {} values for {} columns",
                    row.len(),
                    self.columns.len()
                ),
            ));
        }
        for ((column, value), field) in self.columns.iter_mut().zip(row).zip(self.fields.iter()) {
            if matches!(value, Value::Null) {
                column.append_null();
                continue;
            }
            if column.append_exact(value)? {
                continue;
            }
            let coerced = coerce(value, field.pg_type)?;
            if matches!(coerced, Value::Null) {
                column.append_null();
            } else if !column.append_exact(&coerced)? {
                // The column is text (unconstrained numeric, interval text, ...).
                let text = coerced.to_text().unwrap_or_default();
                if !column.append_exact(&Value::Text(text))? {
                    return Err(SqlError::new(
                        "XX000",
                        format!(
                            "column \"{}\": cannot send {value:?} as {}",
                            field.name,
                            field.pg_type.sql_name()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rows appended so far as one batch; the builder starts the next.
    pub fn finish(&mut self) -> Result<RecordBatch, SqlError> {
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        if arrays.is_empty() {
            return Ok(RecordBatch::new_empty(Arc::clone(&self.schema)));
        }
        RecordBatch::try_new(Arc::clone(&self.schema), arrays)
            .map_err(|e| SqlError::new("XX000", format!("cannot build a record batch: {e}")))
    }
}

/// A value of another variant converted to `pg_type` through PostgreSQL's text form.
fn coerce(value: &Value, pg_type: PgType) -> Result<Value, SqlError> {
    match (value, pg_type) {
        (Value::Int2(_) | Value::Int4(_) | Value::Int8(_), PgType::Bool) => {
            let text = value.to_text().unwrap_or_default();
            Ok(Value::Bool(text != "0"))
        }
        (Value::Bool(b), PgType::Int2 | PgType::Int4 | PgType::Int8) => {
            Value::from_text(pg_type, if *b { "1" } else { "0" })
        }
        _ => match value.to_text() {
            Some(text) => Value::from_text(pg_type, &text),
            None => Ok(Value::Null),
        },
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, Int32Type, TimestampMicrosecondType};

    use super::*;
    use crate::flight::schema::arrow_schema;

    #[test]
    fn values_fill_typed_columns_and_coerce_other_variants() {
        let numeric = Field {
            type_modifier: ((10 << 16) | 2) + 4,
            ..Field::new("price", PgType::Numeric)
        };
        let fields = Arc::new(vec![
            Field::new("id", PgType::Int4),
            numeric,
            Field::new("at", PgType::Timestamptz),
        ]);
        let mut builder = BatchBuilder::new(arrow_schema(&fields), Arc::clone(&fields), 4);
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 5_000).unwrap();
        builder
            .append(&[
                Value::Int8(7),
                Value::Numeric("12.5".into()),
                Value::Timestamptz(at),
            ])
            .unwrap();
        builder
            .append(&[Value::Int4(8), Value::Int8(3), Value::Null])
            .unwrap();
        let batch = builder.finish().unwrap();
        assert_eq!(batch.num_rows(), 2);
        let ids = batch.column(0).as_primitive::<Int32Type>();
        assert_eq!(ids.values(), &[7, 8]);
        let prices = batch.column(1).as_primitive::<Decimal128Type>();
        assert_eq!(prices.value(0), 1250);
        assert_eq!(prices.value(1), 300);
        let times = batch.column(2).as_primitive::<TimestampMicrosecondType>();
        assert_eq!(times.value(0), 1_700_000_000_000_005);
        assert!(times.is_null(1));
        assert!(builder.is_empty());
    }

    #[test]
    fn a_value_that_cannot_be_the_column_type_is_an_error() {
        let fields = Arc::new(vec![Field::new("n", PgType::Int4)]);
        let mut builder = BatchBuilder::new(arrow_schema(&fields), Arc::clone(&fields), 4);
        let error = builder.append(&[Value::Text("abc".into())]).unwrap_err();
        assert_eq!(error.code, "22P02");
    }
}
