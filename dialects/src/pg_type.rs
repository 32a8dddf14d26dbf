//! The PostgreSQL types pgbridge speaks on the wire, with their OIDs and names.
//!
//! Every column and parameter that crosses a front end carries one of these. The backends map
//! their native types into this set; the wire front end encodes values by it.

use sqlparser::ast::{DataType, ExactNumberInfo, TimezoneInfo};

/// A PostgreSQL type known to pgbridge.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PgType {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    Varchar,
    Bpchar,
    Name,
    Char,
    Bytea,
    Date,
    Time,
    Timestamp,
    Timestamptz,
    Interval,
    Uuid,
    Json,
    Jsonb,
    Oid,
    /// `int2vector`: int2 elements, printed space-separated, subscripts from 0 (`pg_index.indkey`).
    Int2Vector,
    /// `oidvector`: oid elements, printed space-separated, subscripts from 0.
    OidVector,
    BoolArray,
    NameArray,
    Int2Array,
    Int4Array,
    TextArray,
    Int8Array,
    OidArray,
    Float8Array,
    VarcharArray,
    CharArray,
    ByteaArray,
    BpcharArray,
    Float4Array,
    TimestampArray,
    DateArray,
    TimeArray,
    TimestamptzArray,
    IntervalArray,
    NumericArray,
    UuidArray,
    JsonArray,
    JsonbArray,
    /// A literal whose type is not known yet (`'abc'` before context decides).
    Unknown,
}

impl PgType {
    /// Every type, in OID order; used for `pg_type` and for lookups by OID.
    pub const ALL: [PgType; 47] = [
        PgType::Bool,
        PgType::Bytea,
        PgType::Char,
        PgType::Name,
        PgType::Int8,
        PgType::Int2,
        PgType::Int2Vector,
        PgType::Int4,
        PgType::Text,
        PgType::Oid,
        PgType::OidVector,
        PgType::Json,
        PgType::Float4,
        PgType::Float8,
        PgType::Unknown,
        PgType::BoolArray,
        PgType::NameArray,
        PgType::Int2Array,
        PgType::Int4Array,
        PgType::TextArray,
        PgType::VarcharArray,
        PgType::Int8Array,
        PgType::Float8Array,
        PgType::OidArray,
        PgType::CharArray,
        PgType::ByteaArray,
        PgType::BpcharArray,
        PgType::Float4Array,
        PgType::TimestampArray,
        PgType::DateArray,
        PgType::TimeArray,
        PgType::TimestamptzArray,
        PgType::IntervalArray,
        PgType::NumericArray,
        PgType::UuidArray,
        PgType::JsonArray,
        PgType::JsonbArray,
        PgType::Bpchar,
        PgType::Varchar,
        PgType::Date,
        PgType::Time,
        PgType::Timestamp,
        PgType::Timestamptz,
        PgType::Interval,
        PgType::Numeric,
        PgType::Uuid,
        PgType::Jsonb,
    ];

    /// The type's OID in `pg_type`.
    pub fn oid(self) -> u32 {
        match self {
            PgType::Bool => 16,
            PgType::Bytea => 17,
            PgType::Char => 18,
            PgType::Name => 19,
            PgType::Int8 => 20,
            PgType::Int2 => 21,
            PgType::Int4 => 23,
            PgType::Text => 25,
            PgType::Oid => 26,
            PgType::Int2Vector => 22,
            PgType::OidVector => 30,
            PgType::BoolArray => 1000,
            PgType::NameArray => 1003,
            PgType::Int2Array => 1005,
            PgType::Int4Array => 1007,
            PgType::TextArray => 1009,
            PgType::VarcharArray => 1015,
            PgType::Int8Array => 1016,
            PgType::Float8Array => 1022,
            PgType::OidArray => 1028,
            PgType::CharArray => 1002,
            PgType::ByteaArray => 1001,
            PgType::BpcharArray => 1014,
            PgType::Float4Array => 1021,
            PgType::TimestampArray => 1115,
            PgType::DateArray => 1182,
            PgType::TimeArray => 1183,
            PgType::TimestamptzArray => 1185,
            PgType::IntervalArray => 1187,
            PgType::NumericArray => 1231,
            PgType::UuidArray => 2951,
            PgType::JsonArray => 199,
            PgType::JsonbArray => 3807,
            PgType::Json => 114,
            PgType::Float4 => 700,
            PgType::Float8 => 701,
            PgType::Unknown => 705,
            PgType::Bpchar => 1042,
            PgType::Varchar => 1043,
            PgType::Date => 1082,
            PgType::Time => 1083,
            PgType::Timestamp => 1114,
            PgType::Timestamptz => 1184,
            PgType::Interval => 1186,
            PgType::Numeric => 1700,
            PgType::Uuid => 2950,
            PgType::Jsonb => 3802,
        }
    }

    /// The type's name in `pg_type.typname`.
    pub fn name(self) -> &'static str {
        match self {
            PgType::Bool => "bool",
            PgType::Int2 => "int2",
            PgType::Int4 => "int4",
            PgType::Int8 => "int8",
            PgType::Float4 => "float4",
            PgType::Float8 => "float8",
            PgType::Numeric => "numeric",
            PgType::Text => "text",
            PgType::Varchar => "varchar",
            PgType::Bpchar => "bpchar",
            PgType::Name => "name",
            PgType::Char => "char",
            PgType::Bytea => "bytea",
            PgType::Date => "date",
            PgType::Time => "time",
            PgType::Timestamp => "timestamp",
            PgType::Timestamptz => "timestamptz",
            PgType::Interval => "interval",
            PgType::Uuid => "uuid",
            PgType::Json => "json",
            PgType::Jsonb => "jsonb",
            PgType::Oid => "oid",
            PgType::Int2Vector => "int2vector",
            PgType::OidVector => "oidvector",
            PgType::BoolArray => "_bool",
            PgType::NameArray => "_name",
            PgType::Int2Array => "_int2",
            PgType::Int4Array => "_int4",
            PgType::TextArray => "_text",
            PgType::VarcharArray => "_varchar",
            PgType::Int8Array => "_int8",
            PgType::Float8Array => "_float8",
            PgType::OidArray => "_oid",
            PgType::CharArray => "_char",
            PgType::ByteaArray => "_bytea",
            PgType::BpcharArray => "_bpchar",
            PgType::Float4Array => "_float4",
            PgType::TimestampArray => "_timestamp",
            PgType::DateArray => "_date",
            PgType::TimeArray => "_time",
            PgType::TimestamptzArray => "_timestamptz",
            PgType::IntervalArray => "_interval",
            PgType::NumericArray => "_numeric",
            PgType::UuidArray => "_uuid",
            PgType::JsonArray => "_json",
            PgType::JsonbArray => "_jsonb",
            PgType::Unknown => "unknown",
        }
    }

    /// The name `format_type()` prints (`integer`, `character varying`, ...).
    pub fn sql_name(self) -> &'static str {
        match self {
            PgType::Bool => "boolean",
            PgType::Int2 => "smallint",
            PgType::Int4 => "integer",
            PgType::Int8 => "bigint",
            PgType::Float4 => "real",
            PgType::Float8 => "double precision",
            PgType::Varchar => "character varying",
            PgType::Bpchar => "character",
            PgType::Char => "\"char\"",
            PgType::Time => "time without time zone",
            PgType::Timestamp => "timestamp without time zone",
            PgType::Timestamptz => "timestamp with time zone",
            PgType::BoolArray => "boolean[]",
            PgType::NameArray => "name[]",
            PgType::Int2Array => "smallint[]",
            PgType::Int4Array => "integer[]",
            PgType::TextArray => "text[]",
            PgType::VarcharArray => "character varying[]",
            PgType::Int8Array => "bigint[]",
            PgType::Float8Array => "double precision[]",
            PgType::OidArray => "oid[]",
            PgType::CharArray => "\"char\"[]",
            PgType::ByteaArray => "bytea[]",
            PgType::BpcharArray => "character[]",
            PgType::Float4Array => "real[]",
            PgType::TimestampArray => "timestamp without time zone[]",
            PgType::DateArray => "date[]",
            PgType::TimeArray => "time without time zone[]",
            PgType::TimestamptzArray => "timestamp with time zone[]",
            PgType::IntervalArray => "interval[]",
            PgType::NumericArray => "numeric[]",
            PgType::UuidArray => "uuid[]",
            PgType::JsonArray => "json[]",
            PgType::JsonbArray => "jsonb[]",
            other => other.name(),
        }
    }

    /// `pg_type.typlen`: the fixed width in bytes, or -1 for variable-width types.
    pub fn size(self) -> i16 {
        match self {
            PgType::Bool | PgType::Char => 1,
            PgType::Int2 => 2,
            PgType::Int4 | PgType::Float4 | PgType::Date | PgType::Oid => 4,
            PgType::Int8 | PgType::Float8 | PgType::Time => 8,
            PgType::Timestamp | PgType::Timestamptz => 8,
            PgType::Interval | PgType::Uuid => 16,
            PgType::Name => 64,
            PgType::Unknown => -2,
            _ => -1,
        }
    }

    /// The element type of an array type (and of `int2vector` / `oidvector`).
    pub fn element(self) -> Option<PgType> {
        Some(match self {
            PgType::BoolArray => PgType::Bool,
            PgType::NameArray => PgType::Name,
            PgType::Int2Array | PgType::Int2Vector => PgType::Int2,
            PgType::Int4Array => PgType::Int4,
            PgType::TextArray => PgType::Text,
            PgType::VarcharArray => PgType::Varchar,
            PgType::Int8Array => PgType::Int8,
            PgType::Float8Array => PgType::Float8,
            PgType::OidArray | PgType::OidVector => PgType::Oid,
            PgType::CharArray => PgType::Char,
            PgType::ByteaArray => PgType::Bytea,
            PgType::BpcharArray => PgType::Bpchar,
            PgType::Float4Array => PgType::Float4,
            PgType::TimestampArray => PgType::Timestamp,
            PgType::DateArray => PgType::Date,
            PgType::TimeArray => PgType::Time,
            PgType::TimestamptzArray => PgType::Timestamptz,
            PgType::IntervalArray => PgType::Interval,
            PgType::NumericArray => PgType::Numeric,
            PgType::UuidArray => PgType::Uuid,
            PgType::JsonArray => PgType::Json,
            PgType::JsonbArray => PgType::Jsonb,
            _ => return None,
        })
    }

    /// True for the array types and the vector types.
    pub fn is_array(self) -> bool {
        self.element().is_some()
    }

    /// The array type whose elements are `element` (`pg_type.typarray`), if pgbridge has it.
    pub fn array_of(element: PgType) -> Option<PgType> {
        // The vector types hold the same elements but are not their typarray.
        PgType::ALL
            .into_iter()
            .find(|array| array.element() == Some(element) && array.lower_bound() == 1)
    }

    /// The first subscript of a value of this type: 0 for `int2vector` / `oidvector`, else 1.
    pub fn lower_bound(self) -> i32 {
        i32::from(!matches!(self, PgType::Int2Vector | PgType::OidVector))
    }

    /// Looks a type up by OID.
    pub fn from_oid(oid: u32) -> Option<PgType> {
        PgType::ALL.into_iter().find(|t| t.oid() == oid)
    }

    /// Looks a type up by any name PostgreSQL accepts for it (`int`, `integer`, `int4`, ...).
    pub fn from_name(name: &str) -> Option<PgType> {
        let name = name.trim().to_ascii_lowercase();
        let name = name.strip_prefix("pg_catalog.").unwrap_or(&name);
        if let Some(element) = name.strip_suffix("[]") {
            return PgType::array_of(PgType::from_name(element)?);
        }
        Some(match name {
            "bool" | "boolean" => PgType::Bool,
            "int2" | "smallint" | "smallserial" | "serial2" => PgType::Int2,
            "int" | "int4" | "integer" | "serial" | "serial4" => PgType::Int4,
            "int8" | "bigint" | "bigserial" | "serial8" => PgType::Int8,
            "float4" | "real" => PgType::Float4,
            "float8" | "float" | "double precision" => PgType::Float8,
            "numeric" | "decimal" => PgType::Numeric,
            "text" => PgType::Text,
            "varchar" | "character varying" => PgType::Varchar,
            "bpchar" | "character" | "char" => PgType::Bpchar,
            "name" => PgType::Name,
            "\"char\"" => PgType::Char,
            "bytea" => PgType::Bytea,
            "date" => PgType::Date,
            "time" | "time without time zone" => PgType::Time,
            "timestamp" | "timestamp without time zone" => PgType::Timestamp,
            "timestamptz" | "timestamp with time zone" => PgType::Timestamptz,
            "interval" => PgType::Interval,
            "uuid" => PgType::Uuid,
            "json" => PgType::Json,
            "jsonb" => PgType::Jsonb,
            "oid" | "regclass" | "regtype" | "regproc" => PgType::Oid,
            "unknown" => PgType::Unknown,
            "int2vector" => PgType::Int2Vector,
            "oidvector" => PgType::OidVector,
            internal if internal.starts_with('_') => {
                return PgType::from_internal_name(internal);
            }
            _ => return None,
        })
    }

    /// An array type by its internal `pg_type` name (`_int4`).
    fn from_internal_name(internal: &str) -> Option<PgType> {
        PgType::ALL
            .into_iter()
            .find(|t| t.element().is_some() && t.name() == internal)
    }

    /// The PostgreSQL type a parsed data type denotes, if pgbridge supports it.
    pub fn from_data_type(data_type: &DataType) -> Option<PgType> {
        Some(match data_type {
            DataType::Bool | DataType::Boolean => PgType::Bool,
            DataType::Int2(_) | DataType::SmallInt(_) => PgType::Int2,
            DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => PgType::Int4,
            DataType::Int8(_) | DataType::BigInt(_) => PgType::Int8,
            DataType::Float4 | DataType::Real => PgType::Float4,
            DataType::Float8 | DataType::DoublePrecision | DataType::Double(_) => PgType::Float8,
            DataType::Float(info) => match info {
                ExactNumberInfo::Precision(p) if *p <= 24 => PgType::Float4,
                _ => PgType::Float8,
            },
            DataType::Numeric(_) | DataType::Decimal(_) | DataType::Dec(_) => PgType::Numeric,
            DataType::Text | DataType::String(_) => PgType::Text,
            DataType::Varchar(_) | DataType::CharacterVarying(_) | DataType::CharVarying(_) => {
                PgType::Varchar
            }
            DataType::Char(_) | DataType::Character(_) => PgType::Bpchar,
            DataType::Bytea => PgType::Bytea,
            DataType::Date => PgType::Date,
            DataType::Time(_, _) => PgType::Time,
            DataType::Timestamp(_, tz) => match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => PgType::Timestamptz,
                _ => PgType::Timestamp,
            },
            DataType::Interval { .. } => PgType::Interval,
            DataType::Uuid => PgType::Uuid,
            DataType::JSON => PgType::Json,
            DataType::JSONB => PgType::Jsonb,
            DataType::Regclass => PgType::Oid,
            DataType::Array(
                sqlparser::ast::ArrayElemTypeDef::SquareBracket(element, _)
                | sqlparser::ast::ArrayElemTypeDef::AngleBracket(element),
            ) => return PgType::array_of(PgType::from_data_type(element)?),
            DataType::Custom(name, _) => return PgType::from_name(&name.to_string()),
            _ => return None,
        })
    }

    /// True for the integer types.
    pub fn is_integer(self) -> bool {
        matches!(self, PgType::Int2 | PgType::Int4 | PgType::Int8)
    }

    /// True for every numeric type (integers, floats, numeric).
    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, PgType::Float4 | PgType::Float8 | PgType::Numeric)
    }

    /// True for the character types.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name | PgType::Unknown
        )
    }
}

impl std::fmt::Display for PgType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_array_type_is_the_typarray_of_its_element() {
        for array in PgType::ALL.into_iter().filter(|t| t.lower_bound() == 1) {
            if let Some(element) = array.element() {
                assert_eq!(PgType::array_of(element), Some(array), "{array:?}");
            }
        }
        assert_eq!(PgType::array_of(PgType::Int2), Some(PgType::Int2Array));
        assert_eq!(PgType::array_of(PgType::Oid), Some(PgType::OidArray));
    }

    #[test]
    fn oids_round_trip() {
        for t in PgType::ALL {
            assert_eq!(PgType::from_oid(t.oid()), Some(t));
            // `char` in SQL means bpchar; the one-byte "char" type is only reached quoted.
            if t != PgType::Char {
                assert_eq!(PgType::from_name(t.name()), Some(t));
            }
        }
    }
}
