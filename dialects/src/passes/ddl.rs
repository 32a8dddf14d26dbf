//! Column types in `CREATE TABLE` and `ALTER TABLE .. ADD COLUMN`: PostgreSQL types become the
//! target's storage types; `SERIAL` and identity primary keys become the target's
//! auto-assigned key, or an `IDENTITY(1, 1)` column where the target has identity columns.

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, ColumnOptionDef, CreateTableOptions, DataType,
    Statement, TableConstraint,
};

use crate::{TargetDialect, TranslateError};

/// True when a column is `serial`/`bigserial`/`smallserial` or `GENERATED .. AS IDENTITY`.
pub(crate) fn is_auto_increment(column: &ColumnDef) -> bool {
    let serial = matches!(&column.data_type, DataType::Custom(name, _)
        if matches!(name.to_string().to_ascii_lowercase().as_str(),
            "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"));
    serial
        || column
            .options
            .iter()
            .any(|option| is_identity(&option.option))
}

fn is_identity(option: &ColumnOption) -> bool {
    matches!(
        option,
        ColumnOption::Generated {
            generation_expr: None,
            ..
        } | ColumnOption::Identity(_)
    )
}

fn rewrite_column(
    column: &mut ColumnDef,
    primary_key: bool,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if is_auto_increment(column) && target.supports_identity_columns() {
        column.options.retain(|option| !is_identity(&option.option));
        column.data_type = target.column_type(&serial_integer(&column.data_type))?;
        column.options.insert(0, identity_option());
        return Ok(());
    }
    if is_auto_increment(column) {
        if !primary_key {
            return Err(TranslateError::unsupported(
                format!(
                    "auto-increment column \"{}\" that is not the primary key",
                    column.name.value
                ),
                target.name(),
            ));
        }
        column.options.retain(|option| !is_identity(&option.option));
        target.auto_increment(column);
        return Ok(());
    }
    if !target.enforces_character_length()
        && let Some(check) = length_check(column)
    {
        column.options.push(check);
    }
    if let Some(collation) = target.blank_padded_collation()
        && matches!(column.data_type, DataType::Char(_) | DataType::Character(_))
    {
        compare_without_trailing_blanks(column, collation);
    }
    column.data_type = if primary_key {
        target.key_column_type(&column.data_type)?
    } else {
        target.column_type(&column.data_type)?
    };
    Ok(())
}

/// Prefix of the CHECK constraints that stand for a declared length (`pgbridge_varchar_5`).
pub const LENGTH_CHECK_PREFIX: &str = "pgbridge_";

/// The PostgreSQL type a length CHECK's name stands for (`character varying(5)` for
/// `pgbridge_varchar_5`), for the error a backend reports when it fails.
pub fn length_check_type(constraint: &str) -> Option<String> {
    let rest = constraint.strip_prefix(LENGTH_CHECK_PREFIX)?;
    let (kind, length) = rest.split_once('_')?;
    let length: u64 = length.parse().ok()?;
    match kind {
        "varchar" => Some(format!("character varying({length})")),
        "bpchar" => Some(format!("character({length})")),
        _ => None,
    }
}

/// `CONSTRAINT pgbridge_varchar_5 CHECK (length(col) <= 5)` for a `varchar(5)` column.
fn length_check(column: &ColumnDef) -> Option<ColumnOptionDef> {
    use sqlparser::ast::{BinaryOperator, CharacterLength, CheckConstraint, Expr, Ident, Value};
    let (kind, length) = match &column.data_type {
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. })) => {
            ("varchar", *length)
        }
        DataType::Char(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::Character(Some(CharacterLength::IntegerLength { length, .. })) => {
            ("bpchar", *length)
        }
        _ => return None,
    };
    let mut name = Ident::new(column.name.value.clone());
    name.quote_style = Some('"');
    let expr = Expr::BinaryOp {
        left: Box::new(super::call("length", vec![Expr::Identifier(name)])),
        op: BinaryOperator::LtEq,
        right: Box::new(Expr::value(Value::Number(length.to_string(), false))),
    };
    Some(ColumnOptionDef {
        name: Some(Ident::new(format!("{LENGTH_CHECK_PREFIX}{kind}_{length}"))),
        option: ColumnOption::Check(CheckConstraint {
            name: None,
            expr: Box::new(expr),
            no_inherit: false,
            enforced: None,
        }),
    })
}

/// Gives a `char(n)` column the target's collation that ignores trailing blanks, in place of
/// none or of the byte order (`COLLATE "C"`, already `BINARY` here), which it extends.
fn compare_without_trailing_blanks(column: &mut ColumnDef, collation: &str) {
    use sqlparser::ast::{Ident, ObjectName};
    let byte_order = |name: &ObjectName| name.to_string().eq_ignore_ascii_case("binary");
    let has_other = column
        .options
        .iter()
        .any(|option| matches!(&option.option, ColumnOption::Collation(name) if !byte_order(name)));
    if has_other {
        return;
    }
    column
        .options
        .retain(|option| !matches!(option.option, ColumnOption::Collation(_)));
    column.options.push(ColumnOptionDef {
        name: None,
        option: ColumnOption::Collation(ObjectName::from(vec![Ident::new(collation)])),
    });
}

/// The integer type a `serial` stands for (`bigserial` is `bigint`); other types are kept.
fn serial_integer(data_type: &DataType) -> DataType {
    let DataType::Custom(name, _) = data_type else {
        return data_type.clone();
    };
    match name.to_string().to_ascii_lowercase().as_str() {
        "bigserial" | "serial8" => DataType::BigInt(None),
        "smallserial" | "serial2" => DataType::SmallInt(None),
        "serial" | "serial4" => DataType::Int(None),
        _ => data_type.clone(),
    }
}

/// `IDENTITY(1, 1)`: numbered from 1 by 1, as PostgreSQL's sequences.
fn identity_option() -> ColumnOptionDef {
    use sqlparser::ast::{
        Expr, IdentityParameters, IdentityProperty, IdentityPropertyFormatKind,
        IdentityPropertyKind, Value,
    };
    let one = || Expr::value(Value::Number("1".to_owned(), false));
    ColumnOptionDef {
        name: None,
        option: ColumnOption::Identity(IdentityPropertyKind::Identity(IdentityProperty {
            parameters: Some(IdentityPropertyFormatKind::FunctionCall(
                IdentityParameters {
                    seed: one(),
                    increment: one(),
                },
            )),
            order: None,
        })),
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    match statement {
        Statement::CreateTable(create) => {
            if !target.supports_storage_parameters() {
                // `WITH (fillfactor = ..)` and UNLOGGED tune storage; they do not change results.
                if matches!(create.table_options, CreateTableOptions::With(_)) {
                    create.table_options = CreateTableOptions::None;
                }
                create.unlogged = false;
            }
            let table_key: Vec<String> = create
                .constraints
                .iter()
                .filter_map(|constraint| match constraint {
                    TableConstraint::PrimaryKey(key) if key.columns.len() == 1 => {
                        Some(key.columns[0].column.expr.to_string())
                    }
                    _ => None,
                })
                .collect();
            for column in &mut create.columns {
                let primary_key = column
                    .options
                    .iter()
                    .any(|option| matches!(option.option, ColumnOption::PrimaryKey(_)))
                    || table_key
                        .iter()
                        .any(|key| key.eq_ignore_ascii_case(&column.name.value));
                rewrite_column(column, primary_key, target)?;
            }
        }
        Statement::AlterTable(alter) => {
            for operation in &mut alter.operations {
                match operation {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        rewrite_column(column_def, false, target)?;
                    }
                    AlterTableOperation::DropColumn { .. }
                    | AlterTableOperation::RenameColumn { .. }
                    | AlterTableOperation::RenameTable { .. } => {}
                    // Constraints added or dropped by name, where the target takes them.
                    AlterTableOperation::AddConstraint { .. }
                    | AlterTableOperation::DropConstraint { .. }
                        if target.supports_add_constraint() => {}
                    other => {
                        return Err(TranslateError::unsupported(
                            format!("ALTER TABLE {}", first_words(&other.to_string())),
                            target.name(),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The first two words of an operation, to name it in an error.
fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}
