//! Index statements on a target with its own index forms (SQL Server): `USING btree` is
//! dropped (a rowstore index is a B-tree), other methods (`gin`, `gist`, `hash`, `brin`) are
//! refused, and a `CREATE INDEX` without a name or a `DROP INDEX` without its table (T-SQL's
//! `DROP INDEX i ON t` needs it) is refused. Where a unique index admits one NULL only, a
//! `CREATE UNIQUE INDEX` leaves out rows with a NULL key column (`WHERE a IS NOT NULL AND ..`):
//! PostgreSQL never finds such rows in conflict, and they are exactly the rows filtered out
//! (`NULLS NOT DISTINCT` keeps the index whole). `CREATE TEMPORARY TABLE` is refused where the
//! target has no such spelling. (`TRUNCATE` has its own pass, `truncate.rs`.)

use sqlparser::ast::{BinaryOperator, Expr, ObjectType, Statement};

use crate::{TargetDialect, TranslateError};

fn indexes(statement: &mut Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    let refuse = |what: String| Err(TranslateError::unsupported(what, target.name()));
    match statement {
        Statement::CreateIndex(index) => {
            if index.name.is_none() {
                return refuse("CREATE INDEX without a name".to_owned());
            }
            match &index.using {
                Some(method) if method.to_string().eq_ignore_ascii_case("btree") => {
                    index.using = None;
                }
                Some(method) => return refuse(format!("CREATE INDEX .. USING {method}")),
                None => {}
            }
        }
        Statement::Drop {
            object_type: ObjectType::Index,
            table: None,
            ..
        } => return refuse("DROP INDEX without ON table".to_owned()),
        _ => {}
    }
    Ok(())
}

/// `WHERE a IS NOT NULL AND b IS NOT NULL [AND <predicate>]` on a unique index.
fn unique_without_nulls(statement: &mut Statement) {
    let Statement::CreateIndex(index) = statement else {
        return;
    };
    // `NULLS [NOT] DISTINCT` is said by the filter, or by its absence.
    let nulls_not_distinct = index.nulls_distinct.take() == Some(false);
    if !index.unique || nulls_not_distinct {
        return;
    }
    let conditions = index
        .columns
        .iter()
        .map(|column| Expr::IsNotNull(Box::new(column.column.expr.clone())))
        .chain(index.predicate.take());
    index.predicate = conditions.reduce(|all, next| Expr::BinaryOp {
        left: Box::new(all),
        op: BinaryOperator::And,
        right: Box::new(next),
    });
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.supports_temporary_tables()
        && let Statement::CreateTable(create) = statement
        && create.temporary
    {
        return Err(TranslateError::unsupported(
            "CREATE TEMPORARY TABLE",
            target.name(),
        ));
    }
    if !target.supports_postgresql_index_forms() {
        indexes(statement, target)?;
    }
    if target.unique_index_admits_one_null() {
        unique_without_nulls(statement);
    }
    Ok(())
}
