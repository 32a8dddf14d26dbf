//! Declared text columns without a `COLLATE` get the target's case-sensitive collation, so that
//! `=`, `LIKE`, `ORDER BY` and unique keys compare text as PostgreSQL does (MySQL's default
//! collations fold case).

use sqlparser::ast::{ColumnOption, ColumnOptionDef, Ident, ObjectName, Statement};

use super::declared_columns;
use crate::{PgType, TargetDialect};

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    for column in declared_columns(statement) {
        let Some(collation) = PgType::from_data_type(&column.data_type)
            .filter(|pg_type| pg_type.is_text())
            .and_then(|pg_type| target.text_column_collation(pg_type))
        else {
            continue;
        };
        let collated = column
            .options
            .iter()
            .any(|option| matches!(option.option, ColumnOption::Collation(_)));
        if !collated {
            column.options.insert(
                0,
                ColumnOptionDef {
                    name: None,
                    option: ColumnOption::Collation(ObjectName::from(vec![Ident::new(collation)])),
                },
            );
        }
    }
}
