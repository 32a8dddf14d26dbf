//! PostgreSQL result columns as Arrow fields.
//!
//! The Arrow type of a column follows from the PostgreSQL type and type modifier that Describe
//! reports, so a result's schema is known before any row is read and the schema announced in
//! FlightInfo is the schema of the stream. Every field is nullable: PostgreSQL does not say
//! whether an expression can be NULL, and ADBC rejects a stream whose nullability differs from
//! the announced schema.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef, TimeUnit};

use crate::{Field, PgType};

/// Arrow's widest decimal: `numeric(p, s)` with `p` above it is sent as text.
pub const MAX_DECIMAL128_PRECISION: u8 = 38;

/// The canonical extension name of uuid columns (FixedSizeBinary(16)).
pub const UUID_EXTENSION: &str = "arrow.uuid";
/// The canonical extension name of json and jsonb columns (Utf8).
pub const JSON_EXTENSION: &str = "arrow.json";
/// The metadata key Arrow extension types are named by.
const EXTENSION_NAME_KEY: &str = "ARROW:extension:name";
const EXTENSION_METADATA_KEY: &str = "ARROW:extension:metadata";

/// `numeric(p, s)` from its type modifier `((p << 16) | s) + 4`, when it has one.
pub fn numeric_precision_scale(type_modifier: i32) -> Option<(u8, i8)> {
    let packed = type_modifier.checked_sub(4).filter(|v| *v >= 0)?;
    let precision = u8::try_from((packed >> 16) & 0xffff).ok()?;
    let scale = i8::try_from(packed & 0xffff).ok()?;
    (precision > 0 && precision <= MAX_DECIMAL128_PRECISION).then_some((precision, scale))
}

/// The Arrow type of a column of `pg_type` with `type_modifier`.
pub fn data_type(pg_type: PgType, type_modifier: i32) -> DataType {
    match pg_type {
        PgType::Bool => DataType::Boolean,
        PgType::Int2 => DataType::Int16,
        PgType::Int4 => DataType::Int32,
        PgType::Int8 | PgType::Oid => DataType::Int64,
        PgType::Float4 => DataType::Float32,
        PgType::Float8 => DataType::Float64,
        PgType::Numeric => match numeric_precision_scale(type_modifier) {
            Some((precision, scale)) => DataType::Decimal128(precision, scale),
            // Unconstrained numeric has no fixed scale: its exact text is kept.
            None => DataType::Utf8,
        },
        PgType::Bytea => DataType::Binary,
        PgType::Date => DataType::Date32,
        PgType::Time => DataType::Time64(TimeUnit::Microsecond),
        PgType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        PgType::Timestamptz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        PgType::Interval => DataType::Interval(arrow_schema::IntervalUnit::MonthDayNano),
        PgType::Uuid => DataType::FixedSizeBinary(16),
        _ => DataType::Utf8,
    }
}

/// The Arrow field of a result column: nullable, with the extension metadata of uuid and json.
pub fn arrow_field(field: &Field) -> ArrowField {
    let arrow = ArrowField::new(
        &field.name,
        data_type(field.pg_type, field.type_modifier),
        true,
    );
    let extension = match field.pg_type {
        PgType::Uuid => UUID_EXTENSION,
        PgType::Json | PgType::Jsonb => JSON_EXTENSION,
        _ => return arrow,
    };
    arrow.with_metadata(HashMap::from([
        (EXTENSION_NAME_KEY.to_owned(), extension.to_owned()),
        (EXTENSION_METADATA_KEY.to_owned(), String::new()),
    ]))
}

/// The Arrow schema of a result.
pub fn arrow_schema(fields: &[Field]) -> SchemaRef {
    Arc::new(Schema::new(
        fields.iter().map(arrow_field).collect::<Vec<_>>(),
    ))
}

/// The PostgreSQL type a parameter of an Arrow type is described with, for parameter schemas
/// and for ingest's CREATE TABLE.
pub fn pg_type_of(data_type: &DataType) -> Option<(PgType, String)> {
    Some(match data_type {
        DataType::Boolean => (PgType::Bool, "boolean".to_owned()),
        DataType::Int8 | DataType::Int16 | DataType::UInt8 => (PgType::Int2, "smallint".to_owned()),
        DataType::Int32 | DataType::UInt16 => (PgType::Int4, "integer".to_owned()),
        DataType::Int64 | DataType::UInt32 => (PgType::Int8, "bigint".to_owned()),
        DataType::UInt64 => (PgType::Numeric, "numeric(20, 0)".to_owned()),
        DataType::Float16 | DataType::Float32 => (PgType::Float4, "real".to_owned()),
        DataType::Float64 => (PgType::Float8, "double precision".to_owned()),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => {
            (PgType::Numeric, format!("numeric({p}, {s})"))
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            (PgType::Text, "text".to_owned())
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            (PgType::Bytea, "bytea".to_owned())
        }
        DataType::FixedSizeBinary(16) => (PgType::Uuid, "uuid".to_owned()),
        DataType::FixedSizeBinary(_) => (PgType::Bytea, "bytea".to_owned()),
        DataType::Date32 | DataType::Date64 => (PgType::Date, "date".to_owned()),
        DataType::Time32(_) | DataType::Time64(_) => (PgType::Time, "time".to_owned()),
        DataType::Timestamp(_, None) => (PgType::Timestamp, "timestamp".to_owned()),
        DataType::Timestamp(_, Some(_)) => (PgType::Timestamptz, "timestamptz".to_owned()),
        DataType::Interval(_) | DataType::Duration(_) => (PgType::Interval, "interval".to_owned()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(pg_type: PgType, type_modifier: i32) -> Field {
        Field {
            type_modifier,
            ..Field::new("c", pg_type)
        }
    }

    #[test]
    fn numeric_with_precision_is_decimal128_and_without_is_text() {
        // numeric(10, 2): ((10 << 16) | 2) + 4
        let typmod = ((10 << 16) | 2) + 4;
        assert_eq!(
            data_type(PgType::Numeric, typmod),
            DataType::Decimal128(10, 2)
        );
        assert_eq!(data_type(PgType::Numeric, -1), DataType::Utf8);
        let too_wide = ((60 << 16) | 2) + 4;
        assert_eq!(data_type(PgType::Numeric, too_wide), DataType::Utf8);
    }

    #[test]
    fn timestamps_are_microseconds_and_timestamptz_is_utc() {
        assert_eq!(
            data_type(PgType::Timestamptz, -1),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(
            data_type(PgType::Timestamp, -1),
            DataType::Timestamp(TimeUnit::Microsecond, None)
        );
    }

    #[test]
    fn uuid_and_json_carry_their_extension_names() {
        let uuid = arrow_field(&column(PgType::Uuid, -1));
        assert_eq!(uuid.data_type(), &DataType::FixedSizeBinary(16));
        assert_eq!(uuid.metadata()[EXTENSION_NAME_KEY], UUID_EXTENSION);
        let json = arrow_field(&column(PgType::Jsonb, -1));
        assert_eq!(json.data_type(), &DataType::Utf8);
        assert_eq!(json.metadata()[EXTENSION_NAME_KEY], JSON_EXTENSION);
        assert!(json.is_nullable());
    }
}
