//! Statement forms a target spells differently (SQL Server):
//! - `WITH RECURSIVE` loses the keyword: T-SQL reads any CTE that names itself as recursive.
//! - `ALTER TABLE .. ADD COLUMN c ..` loses `COLUMN` (T-SQL: `ADD c ..`).
//! - `DROP .. CASCADE` is refused: T-SQL drops no dependent objects, and dropping them one by
//!   one would need the catalog. `DROP TABLE IF EXISTS` is T-SQL too (2016+).
//! - `DELETE FROM t USING u WHERE ..` becomes `DELETE t FROM t, u WHERE ..` (T-SQL's second
//!   `FROM` joins the tables; the first names the one rows are deleted from). With `RETURNING`
//!   it is refused: sqlparser would print `OUTPUT` after the joined `FROM`, where T-SQL rejects it.
//! - `ALTER TABLE t RENAME [COLUMN] a TO b` becomes `EXEC sp_rename N't.a', N'b', N'COLUMN'`,
//!   `RENAME TO u` becomes `EXEC sp_rename N't', N'u'` (the new table name is unqualified, as
//!   PostgreSQL's is); other operations in the same statement are refused.
//! - A table function in `FROM` (`generate_series(1, 10)`) is refused when the target refuses
//!   the function.
//! - An ordered aggregate moves its `ORDER BY` to `WITHIN GROUP (ORDER BY ..)` where the target
//!   wants it there (`STRING_AGG`); with `DISTINCT` it is refused (T-SQL has no
//!   `STRING_AGG(DISTINCT ..)`).
//! - `x AT TIME ZONE z` is refused where the target's differs.
//! - `CREATE TABLE t AS SELECT ..` becomes `SELECT .. INTO t FROM ..`, which creates the table
//!   with the query's column types; a column list, a temporary table or a set operation
//!   (`UNION`, where `INTO` would go in the first branch only) is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterTableOperation, Expr, FromTable, FunctionArgumentClause, FunctionArguments, ObjectName,
    Query, RenameTableNameKind, SelectInto, SetExpr, Statement, TableFactor, VisitMut, VisitorMut,
};

use super::{finish, replace_with_target_sql};
use crate::{TargetDialect, TranslateError};

struct QueryForms<'a> {
    target: &'a dyn TargetDialect,
}

impl VisitorMut for QueryForms<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        if let Some(with) = &mut query.with
            && !self.target.supports_recursive_keyword()
        {
            with.recursive = false;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<TranslateError> {
        if let TableFactor::Table {
            name,
            args: Some(_),
            ..
        } = factor
        {
            let function = name.to_string().to_ascii_lowercase();
            if let Err(error) = self.target.function_call(&function, &[]) {
                return ControlFlow::Break(error);
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<TranslateError> {
        if matches!(expr, Expr::AtTimeZone { .. }) && !self.target.supports_at_time_zone() {
            return ControlFlow::Break(TranslateError::unsupported(
                "AT TIME ZONE",
                self.target.name(),
            ));
        }
        let Expr::Function(function) = expr else {
            return ControlFlow::Continue(());
        };
        if !self.target.ordered_aggregates_within_group() {
            return ControlFlow::Continue(());
        }
        let FunctionArguments::List(list) = &mut function.args else {
            return ControlFlow::Continue(());
        };
        let Some(position) = list
            .clauses
            .iter()
            .position(|clause| matches!(clause, FunctionArgumentClause::OrderBy(_)))
        else {
            return ControlFlow::Continue(());
        };
        if list.duplicate_treatment.is_some() {
            return ControlFlow::Break(TranslateError::unsupported(
                format!("{}(DISTINCT .. ORDER BY ..)", function.name),
                self.target.name(),
            ));
        }
        if let FunctionArgumentClause::OrderBy(keys) = list.clauses.remove(position) {
            function.within_group = keys;
        }
        ControlFlow::Continue(())
    }
}

/// `DELETE t FROM t, u` for `DELETE FROM t USING u`.
fn delete_from_join(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let Statement::Delete(delete) = statement else {
        return Ok(());
    };
    let Some(using) = delete.using.take() else {
        return Ok(());
    };
    let refuse = |what: &str| Err(TranslateError::unsupported(what, target.name()));
    if delete.returning.is_some() {
        return refuse("DELETE .. USING .. RETURNING");
    }
    let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &mut delete.from;
    let deleted = match from.first().map(|table| &table.relation) {
        Some(TableFactor::Table {
            alias: Some(alias), ..
        }) => ObjectName::from(vec![alias.name.clone()]),
        Some(TableFactor::Table { name, .. }) => name.clone(),
        _ => return refuse("DELETE .. USING from this table"),
    };
    from.extend(using);
    let from = std::mem::take(from);
    delete.tables = vec![deleted];
    delete.from = FromTable::WithFromKeyword(from);
    Ok(())
}

/// `EXEC procedure N'old', N'new'[, N'COLUMN']` for `ALTER TABLE .. RENAME`.
fn rename(
    statement: &mut Statement,
    procedure: &str,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    let Statement::AlterTable(alter) = statement else {
        return Ok(());
    };
    let quote = |text: &str| format!("N'{}'", text.replace('\'', "''"));
    let table = alter.name.to_string();
    let arguments = match alter.operations.as_slice() {
        [
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            },
        ] => format!(
            "{}, {}, N'COLUMN'",
            quote(&format!("{table}.{old_column_name}")),
            quote(&new_column_name.value)
        ),
        [AlterTableOperation::RenameTable { table_name }] => {
            let new_name = match table_name {
                RenameTableNameKind::As(name) | RenameTableNameKind::To(name) => name,
            };
            let new_name = new_name
                .0
                .last()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{}, {}", quote(&table), quote(new_name.trim_matches('"')))
        }
        operations
            if operations.iter().any(|operation| {
                matches!(
                    operation,
                    AlterTableOperation::RenameColumn { .. }
                        | AlterTableOperation::RenameTable { .. }
                )
            }) =>
        {
            return Err(TranslateError::unsupported(
                "ALTER TABLE .. RENAME with other operations",
                target.name(),
            ));
        }
        _ => return Ok(()),
    };
    let text = format!("EXEC {procedure} {arguments}");
    replace_with_target_sql(statement, &text, "ALTER TABLE .. RENAME", target)
}

/// `SELECT .. INTO name` for `CREATE TABLE name AS query`.
fn select_into(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
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
    let name = create
        .name
        .0
        .iter()
        .filter_map(|part| part.as_ident().cloned())
        .collect();
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
    finish(statement.visit(&mut QueryForms { target }))?;
    if !target.supports_delete_using() {
        delete_from_join(statement, target)?;
    }
    if let Some(procedure) = target.rename_procedure() {
        rename(statement, procedure, target)?;
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
    if target.drops_without_cascade()
        && let Statement::Drop { cascade, .. } = statement
    {
        *cascade = false;
    }
    if !target.supports_drop_cascade()
        && let Statement::Drop { cascade: true, .. } = statement
    {
        return Err(TranslateError::unsupported(
            "DROP .. CASCADE",
            target.name(),
        ));
    }
    if !target.supports_create_table_as() {
        select_into(statement, target)?;
    }
    Ok(())
}
