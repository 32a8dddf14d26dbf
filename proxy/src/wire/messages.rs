//! Building the backend messages pgbridge sends: row descriptions, data rows, errors.

use bytes::BytesMut;
use pgwire::error::{ErrorInfo, PgWireError};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::{DataRow, FieldDescription, RowDescription};

use super::encode::put_field;
use crate::{Field, Row, SqlError};

/// Format code 1: binary.
pub const BINARY: i16 = 1;

/// The format of result column `index` given Bind's result format codes (0, 1 or n codes).
pub fn format_for(codes: &[i16], index: usize) -> i16 {
    match codes {
        [] => 0,
        [single] => *single,
        many => many.get(index).copied().unwrap_or(0),
    }
}

/// A RowDescription for `fields` with the given result format codes.
pub fn row_description(fields: &[Field], formats: &[i16]) -> PgWireBackendMessage {
    let descriptions = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            FieldDescription::new(
                field.name.clone(),
                i32::try_from(field.table_oid).unwrap_or(0),
                field.column_number,
                field.pg_type.oid(),
                field.pg_type.size(),
                field.type_modifier,
                format_for(formats, i),
            )
        })
        .collect();
    PgWireBackendMessage::RowDescription(RowDescription::new(descriptions))
}

/// A DataRow for `row` encoded by `fields` and the result format codes.
pub fn data_row(row: &Row, fields: &[Field], formats: &[i16]) -> Result<DataRow, SqlError> {
    let mut buffer = BytesMut::with_capacity(16 * row.len());
    for (i, (value, field)) in row.iter().zip(fields).enumerate() {
        put_field(
            &mut buffer,
            value,
            field.pg_type,
            format_for(formats, i) == BINARY,
        )?;
    }
    let count = i16::try_from(row.len())
        .map_err(|_| SqlError::new("54011", "a row has more than 32767 columns"))?;
    Ok(DataRow::new(buffer, count))
}

/// pgwire's error form of a SqlError.
pub fn error_info(error: &SqlError) -> ErrorInfo {
    let mut info = ErrorInfo::new(
        "ERROR".to_owned(),
        error.code.clone(),
        error.message.clone(),
    );
    info.detail = error.detail.clone();
    info.hint = error.hint.clone();
    info.position = error.position.map(|p| p.to_string());
    info
}

/// A SqlError as a PgWireError that pgwire sends and then skips to Sync.
pub fn user_error(error: &SqlError) -> PgWireError {
    PgWireError::UserError(Box::new(error_info(error)))
}

/// An ErrorResponse message.
pub fn error_response(error: &SqlError) -> PgWireBackendMessage {
    PgWireBackendMessage::ErrorResponse(error_info(error).into())
}
