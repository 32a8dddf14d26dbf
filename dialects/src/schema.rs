//! What a DDL statement declares, read from the PostgreSQL text before translation, so that
//! pgbridge can remember the declared PostgreSQL types of the columns it creates.

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, DataType, ExactNumberInfo, ObjectName, Statement,
};

use crate::PgType;
use crate::passes::ddl::is_auto_increment;

/// A column as declared in PostgreSQL DDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredColumn {
    pub name: String,
    pub pg_type: PgType,
    /// `atttypmod`: varchar length + 4, or numeric `(precision << 16 | scale) + 4`; -1 if none.
    pub type_modifier: i32,
}

/// A schema change that the type registry must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    /// A table was created with these columns.
    CreateTable {
        table: String,
        columns: Vec<DeclaredColumn>,
    },
    /// Columns were added to a table.
    AddColumns {
        table: String,
        columns: Vec<DeclaredColumn>,
    },
    /// A column was dropped.
    DropColumn { table: String, column: String },
    /// A column was renamed.
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// A table was renamed.
    RenameTable { from: String, to: String },
    /// Tables were dropped.
    DropTables { tables: Vec<String> },
}

fn table_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.clone())
        .unwrap_or_default()
}

fn declared(column: &ColumnDef) -> Option<DeclaredColumn> {
    let pg_type = if is_auto_increment(column) {
        match &column.data_type {
            DataType::Custom(name, _) => match name.to_string().to_ascii_lowercase().as_str() {
                "bigserial" | "serial8" => PgType::Int8,
                "smallserial" | "serial2" => PgType::Int2,
                "serial" | "serial4" => PgType::Int4,
                _ => PgType::from_data_type(&column.data_type)?,
            },
            other => PgType::from_data_type(other)?,
        }
    } else {
        PgType::from_data_type(&column.data_type)?
    };
    Some(DeclaredColumn {
        name: column.name.value.clone(),
        pg_type,
        type_modifier: type_modifier(&column.data_type),
    })
}

/// The precision and scale of a `numeric(p, s)` type modifier; `None` for other types and for
/// an unconstrained `numeric`.
pub(crate) fn numeric_precision_scale(pg_type: PgType, modifier: i32) -> Option<(u32, u32)> {
    let packed = u32::try_from(modifier.checked_sub(4)?).ok()?;
    (pg_type == PgType::Numeric).then_some((packed >> 16, packed & 0xffff))
}

pub(crate) fn type_modifier(data_type: &DataType) -> i32 {
    let length = |n: u64| i32::try_from(n).map(|n| n.saturating_add(4)).unwrap_or(-1);
    match data_type {
        DataType::Varchar(Some(sqlparser::ast::CharacterLength::IntegerLength {
            length: n,
            ..
        }))
        | DataType::CharacterVarying(Some(sqlparser::ast::CharacterLength::IntegerLength {
            length: n,
            ..
        }))
        | DataType::Char(Some(sqlparser::ast::CharacterLength::IntegerLength {
            length: n, ..
        }))
        | DataType::Character(Some(sqlparser::ast::CharacterLength::IntegerLength {
            length: n,
            ..
        })) => length(*n),
        DataType::Numeric(info) | DataType::Decimal(info) => match info {
            ExactNumberInfo::Precision(p) => packed_numeric(*p, 0),
            ExactNumberInfo::PrecisionAndScale(p, s) => {
                packed_numeric(*p, u64::try_from(*s).unwrap_or(0))
            }
            ExactNumberInfo::None => -1,
        },
        _ => -1,
    }
}

fn packed_numeric(precision: u64, scale: u64) -> i32 {
    match (i32::try_from(precision), i32::try_from(scale)) {
        (Ok(p), Ok(s)) if p <= 1000 && s <= 1000 => ((p << 16) | s) + 4,
        _ => -1,
    }
}

/// The schema change a PostgreSQL statement makes, if it is DDL that pgbridge tracks.
pub fn schema_change(statement: &Statement) -> Option<SchemaChange> {
    match statement {
        Statement::CreateTable(create) => Some(SchemaChange::CreateTable {
            table: table_name(&create.name),
            columns: create.columns.iter().filter_map(declared).collect(),
        }),
        Statement::AlterTable(alter) => {
            let table = table_name(&alter.name);
            alter
                .operations
                .iter()
                .find_map(|operation| match operation {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        Some(SchemaChange::AddColumns {
                            table: table.clone(),
                            columns: declared(column_def).into_iter().collect(),
                        })
                    }
                    AlterTableOperation::DropColumn { column_names, .. } => {
                        column_names.first().map(|column| SchemaChange::DropColumn {
                            table: table.clone(),
                            column: column.value.clone(),
                        })
                    }
                    AlterTableOperation::RenameColumn {
                        old_column_name,
                        new_column_name,
                    } => Some(SchemaChange::RenameColumn {
                        table: table.clone(),
                        from: old_column_name.value.clone(),
                        to: new_column_name.value.clone(),
                    }),
                    AlterTableOperation::RenameTable {
                        table_name: new_name,
                    } => Some(SchemaChange::RenameTable {
                        from: table.clone(),
                        to: new_name.to_string().trim_matches('"').to_owned(),
                    }),
                    _ => None,
                })
        }
        Statement::Drop {
            object_type: sqlparser::ast::ObjectType::Table | sqlparser::ast::ObjectType::View,
            names,
            ..
        } => Some(SchemaChange::DropTables {
            tables: names.iter().map(table_name).collect(),
        }),
        _ => None,
    }
}
