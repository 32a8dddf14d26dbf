//! Statement forms a target spells differently (SQL Server):
//! - `WITH RECURSIVE` loses the keyword: T-SQL reads any CTE that names itself as recursive.
//! - `ALTER TABLE .. ADD COLUMN c ..` loses `COLUMN` (T-SQL: `ADD c ..`).
//! - `DROP .. CASCADE` is refused: T-SQL drops no dependent objects, and dropping them one by
//!   one would need the catalog. `DROP TABLE IF EXISTS` is T-SQL too (2016+).
//! - `CREATE TABLE t AS SELECT ..` becomes `SELECT .. INTO t FROM ..`, which creates the table
//!   with the query's column types; a column list, a temporary table or a set operation
//!   (`UNION`, where `INTO` would go in the first branch only) is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterTableOperation, Expr, Query, SelectInto, SetExpr, Statement, VisitMut, VisitorMut,
};

use crate::{TargetDialect, TranslateError};

struct NoRecursiveKeyword;

impl VisitorMut for NoRecursiveKeyword {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &mut query.with {
            with.recursive = false;
        }
        ControlFlow::Continue(())
    }
}

/// `SELECT .. INTO name` for `CREATE TABLE name AS query`.
fn select_into(statement: &mut Statement, target: &dyn TargetDialect) -> Result<(), TranslateError> {
    let Statement::CreateTable(create) = statement else {
        return Ok(());
    };
    let Some(query) = create.query.take() else {
        return Ok(());
    };
    let refuse = |what: &str| Err(TranslateError::unsupported(what, target.name()));
    if !create.columns.is_empty() {
        return refuse("CREATE TABLE .. AS with a column list");
    }
    if create.temporary {
        return refuse("CREATE TEMPORARY TABLE .. AS");
    }
    let mut query = *query;
    let SetExpr::Select(select) = query.body.as_mut() else {
        return refuse("CREATE TABLE .. AS with a set operation");
    };
    let name = create.name.0.iter().filter_map(|part| part.as_ident().cloned()).collect();
    select.into = Some(SelectInto {
        temporary: false,
        unlogged: false,
        table: false,
        targets: vec![Expr::CompoundIdentifier(name)],
    });
    *statement = Statement::Query(Box::new(query));
    Ok(())
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.supports_recursive_keyword() {
        let _ = statement.visit(&mut NoRecursiveKeyword);
    }
    if !target.supports_add_column_keyword()
        && let Statement::AlterTable(alter) = statement
    {
        for operation in &mut alter.operations {
            if let AlterTableOperation::AddColumn { column_keyword, .. } = operation {
                *column_keyword = false;
            }
        }
    }
    if !target.supports_drop_cascade()
        && let Statement::Drop { cascade: true, .. } = statement
    {
        return Err(TranslateError::unsupported("DROP .. CASCADE", target.name()));
    }
    if !target.supports_create_table_as() {
        select_into(statement, target)?;
    }
    Ok(())
}
