//! GetXdbcTypeInfo: the PostgreSQL types pgbridge serves, described for JDBC / ODBC clients.

use arrow_flight::sql::metadata::{XdbcTypeInfo, XdbcTypeInfoData, XdbcTypeInfoDataBuilder};
use arrow_flight::sql::{Nullable, Searchable, XdbcDataType, XdbcDatetimeSubcode};

/// (PostgreSQL name, XDBC type, column size, datetime subcode, radix, create parameters).
type Entry = (
    &'static str,
    XdbcDataType,
    Option<i32>,
    Option<XdbcDatetimeSubcode>,
    Option<i32>,
    Option<&'static [&'static str]>,
);

const TYPES: [Entry; 17] = [
    ("boolean", XdbcDataType::XdbcBit, Some(1), None, None, None),
    (
        "smallint",
        XdbcDataType::XdbcSmallint,
        Some(16),
        None,
        Some(2),
        None,
    ),
    (
        "integer",
        XdbcDataType::XdbcInteger,
        Some(32),
        None,
        Some(2),
        None,
    ),
    (
        "bigint",
        XdbcDataType::XdbcBigint,
        Some(64),
        None,
        Some(2),
        None,
    ),
    (
        "real",
        XdbcDataType::XdbcReal,
        Some(24),
        None,
        Some(2),
        None,
    ),
    (
        "double precision",
        XdbcDataType::XdbcDouble,
        Some(53),
        None,
        Some(2),
        None,
    ),
    (
        "numeric",
        XdbcDataType::XdbcNumeric,
        Some(38),
        None,
        Some(10),
        Some(&["precision", "scale"]),
    ),
    (
        "text",
        XdbcDataType::XdbcLongvarchar,
        None,
        None,
        None,
        None,
    ),
    (
        "character varying",
        XdbcDataType::XdbcVarchar,
        None,
        None,
        None,
        Some(&["length"]),
    ),
    (
        "character",
        XdbcDataType::XdbcChar,
        None,
        None,
        None,
        Some(&["length"]),
    ),
    (
        "bytea",
        XdbcDataType::XdbcLongvarbinary,
        None,
        None,
        None,
        None,
    ),
    // Subcode 1 is both YEAR and DATE in the protocol; prost keeps the first name only.
    (
        "date",
        XdbcDataType::XdbcDate,
        Some(10),
        Some(XdbcDatetimeSubcode::XdbcSubcodeYear),
        None,
        None,
    ),
    (
        "time",
        XdbcDataType::XdbcTime,
        Some(15),
        Some(XdbcDatetimeSubcode::XdbcSubcodeTime),
        None,
        None,
    ),
    (
        "timestamp",
        XdbcDataType::XdbcTimestamp,
        Some(26),
        Some(XdbcDatetimeSubcode::XdbcSubcodeTimestamp),
        None,
        None,
    ),
    (
        "timestamp with time zone",
        XdbcDataType::XdbcTimestamp,
        Some(32),
        Some(XdbcDatetimeSubcode::XdbcSubcodeTimestampWithTimezone),
        None,
        None,
    ),
    ("uuid", XdbcDataType::XdbcBinary, Some(16), None, None, None),
    (
        "jsonb",
        XdbcDataType::XdbcLongvarchar,
        None,
        None,
        None,
        None,
    ),
];

/// The type table GetXdbcTypeInfo answers from (filtered by the requested data type).
pub fn type_info() -> XdbcTypeInfoData {
    let mut builder = XdbcTypeInfoDataBuilder::new();
    for (name, data_type, column_size, subcode, radix, create_params) in TYPES {
        let textual = matches!(
            data_type,
            XdbcDataType::XdbcChar | XdbcDataType::XdbcVarchar | XdbcDataType::XdbcLongvarchar
        );
        let quoted = textual || subcode.is_some() || name == "uuid" || name == "bytea";
        builder.append(XdbcTypeInfo {
            type_name: name.to_owned(),
            data_type,
            column_size,
            literal_prefix: quoted.then(|| "'".to_owned()),
            literal_suffix: quoted.then(|| "'".to_owned()),
            create_params: create_params.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
            nullable: Nullable::NullabilityNullable,
            case_sensitive: textual,
            searchable: Searchable::Full,
            unsigned_attribute: radix.map(|_| false),
            fixed_prec_scale: false,
            auto_increment: Some(false),
            local_type_name: Some(name.to_owned()),
            minimum_scale: (name == "numeric").then_some(0),
            maximum_scale: (name == "numeric").then_some(38),
            sql_data_type: data_type,
            datetime_subcode: subcode,
            num_prec_radix: radix,
            interval_precision: None,
        });
    }
    builder
        .build()
        .expect("the type table above has the specified shape")
}

#[cfg(test)]
mod tests {
    use arrow_flight::sql::CommandGetXdbcTypeInfo;

    use super::*;

    #[test]
    fn every_type_is_listed_and_filtering_by_data_type_works() {
        let data = type_info();
        let all = CommandGetXdbcTypeInfo { data_type: None }
            .into_builder(&data)
            .build()
            .unwrap();
        assert_eq!(all.num_rows(), TYPES.len());
        let integers = CommandGetXdbcTypeInfo {
            data_type: Some(XdbcDataType::XdbcInteger as i32),
        }
        .into_builder(&data)
        .build()
        .unwrap();
        assert_eq!(integers.num_rows(), 1);
    }
}
