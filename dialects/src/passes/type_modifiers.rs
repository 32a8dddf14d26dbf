//! Type modifiers PostgreSQL refuses (SQLSTATE 22023) wherever a type is written, in a cast, a
//! typed literal or a column: `numeric(1001)`, `numeric(5, 2000)`, `varchar(0)`,
//! `varchar(20000000)`. Targets would read them as an unbounded type or a type of their own.
//! A negative numeric scale, which PostgreSQL takes, is refused (0A000): no target keeps one.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterTableOperation, CharacterLength, ColumnDef, DataType, ExactNumberInfo, Expr, Statement,
    Visit, Visitor,
};

use crate::TranslateError;

/// PostgreSQL's largest `varchar(n)` and `char(n)`.
const MAX_CHARACTER_LENGTH: u64 = 10_485_760;

/// PostgreSQL's largest numeric precision, and the bound of its scale either way.
const MAX_NUMERIC_DIGITS: i64 = 1000;

/// The refusal for a modifier of `data_type` PostgreSQL does not take.
fn check(data_type: &DataType, target: &'static str) -> Result<(), TranslateError> {
    let refuse = |message: String| Err(TranslateError::invalid("22023", message));
    match data_type {
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => {
            let (precision, scale) = match info {
                ExactNumberInfo::None => return Ok(()),
                ExactNumberInfo::Precision(p) => (*p, 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => (*p, *s),
            };
            let precision = i64::try_from(precision).unwrap_or(i64::MAX);
            if !(1..=MAX_NUMERIC_DIGITS).contains(&precision) {
                return refuse(format!(
                    "NUMERIC precision {precision} must be between 1 and {MAX_NUMERIC_DIGITS}"
                ));
            }
            if !(-MAX_NUMERIC_DIGITS..=MAX_NUMERIC_DIGITS).contains(&scale) {
                return refuse(format!(
                    "NUMERIC scale {scale} must be between -{MAX_NUMERIC_DIGITS} and \
                     {MAX_NUMERIC_DIGITS}"
                ));
            }
            if scale < 0 {
                // Rounding to tens and beyond on every store; no target keeps such a type.
                return Err(TranslateError::unsupported(
                    format!("NUMERIC with a negative scale ({scale})"),
                    target,
                ));
            }
            Ok(())
        }
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::Char(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::Character(Some(CharacterLength::IntegerLength { length, .. })) => {
            let name = match data_type {
                DataType::Varchar(_) | DataType::CharacterVarying(_) => "varchar",
                _ => "char",
            };
            if *length < 1 {
                return refuse(format!("length for type {name} must be at least 1"));
            }
            if *length > MAX_CHARACTER_LENGTH {
                return refuse(format!(
                    "length for type {name} cannot exceed {MAX_CHARACTER_LENGTH}"
                ));
            }
            Ok(())
        }
        DataType::Float(sqlparser::ast::ExactNumberInfo::Precision(bits)) if *bits < 1 => {
            refuse("precision for type float must be at least 1 bit".to_owned())
        }
        DataType::Float(sqlparser::ast::ExactNumberInfo::Precision(bits)) if *bits > 53 => {
            refuse("precision for type float must be less than 54 bits".to_owned())
        }
        DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(element, _)) => {
            check(element, target)
        }
        _ => Ok(()),
    }
}

struct TypeModifiers {
    target: &'static str,
}

impl Visitor for TypeModifiers {
    type Break = TranslateError;

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<TranslateError> {
        let data_type = match expr {
            Expr::Cast { data_type, .. } => data_type,
            Expr::TypedString(typed) => &typed.data_type,
            _ => return ControlFlow::Continue(()),
        };
        match check(data_type, self.target) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => ControlFlow::Break(error),
        }
    }

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<TranslateError> {
        let columns: Vec<&ColumnDef> = match statement {
            Statement::CreateTable(create) => create.columns.iter().collect(),
            Statement::AlterTable(alter) => alter
                .operations
                .iter()
                .filter_map(|operation| match operation {
                    AlterTableOperation::AddColumn { column_def, .. } => Some(column_def),
                    _ => None,
                })
                .collect(),
            _ => return ControlFlow::Continue(()),
        };
        match columns
            .iter()
            .try_for_each(|column| check(&column.data_type, self.target))
        {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => ControlFlow::Break(error),
        }
    }
}

pub(super) fn run(
    statement: &Statement,
    target: &dyn crate::TargetDialect,
) -> Result<(), TranslateError> {
    let mut modifiers = TypeModifiers {
        target: target.name(),
    };
    match statement.visit(&mut modifiers) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(error) => Err(error),
    }
}
