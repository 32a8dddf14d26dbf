//! `INSERT .. ON CONFLICT (key) DO NOTHING | DO UPDATE` on a target without it (SQL Server)
//! becomes `MERGE`, run after the other passes so its parts are already target SQL:
//!
//! ```text
//! MERGE INTO t WITH (HOLDLOCK) USING (<the insert's VALUES or SELECT>) AS excluded (cols)
//!   ON t.key = excluded.key
//!   [WHEN MATCHED [AND <DO UPDATE's WHERE>] THEN UPDATE SET <DO UPDATE's SET>]
//!   WHEN NOT MATCHED THEN INSERT (cols) VALUES (excluded.cols)
//!   [OUTPUT ..];
//! ```
//!
//! What it relies on: naming the source `excluded` keeps PostgreSQL's `EXCLUDED.c` references
//! as they are; bare columns in `DO UPDATE` mean the existing row in PostgreSQL and are
//! qualified with the table (else they would be ambiguous with the source's); a NULL key never
//! matches, as a NULL never conflicts in a unique index; `HOLDLOCK` keeps the key range locked
//! between the match and the insert, as PostgreSQL's arbiter index does (without it two
//! sessions can both insert). `MERGE` must end with `;`.
//!
//! Refused: no conflict columns or `ON CONSTRAINT` (the arbiter cannot be named), no insert
//! column list (the source needs column names). One PostgreSQL behaviour differs and is left
//! to the backend's error: two source rows with the same key make `MERGE` fail (8672) where
//! `DO NOTHING` would skip the second.

use std::ops::ControlFlow;

use sqlparser::ast::{
    ConflictTarget, Expr, Ident, OnConflictAction, OnInsert, Statement, TableObject, VisitMut,
    VisitorMut,
};

use super::replace_with_target_sql;
use crate::{TargetDialect, TranslateError};

/// Qualifies bare column names with the target table, and names it by its table name where
/// the insert gave it an alias (T-SQL reads `MERGE INTO t WITH (HOLDLOCK) AS a`, which
/// sqlparser does not; without the alias the table's name serves).
struct Qualify<'a> {
    table: &'a Ident,
    alias: Option<&'a Ident>,
}

impl VisitorMut for Qualify<'_> {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(column) => {
                *expr = Expr::CompoundIdentifier(vec![self.table.clone(), column.clone()]);
            }
            Expr::CompoundIdentifier(parts)
                if parts.len() == 2 && Some(&parts[0]) == self.alias =>
            {
                parts[0] = self.table.clone();
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

fn comma_separated(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
) -> Result<(), TranslateError> {
    if !target.upsert_as_merge() {
        return Ok(());
    }
    let Statement::Insert(insert) = statement else {
        return Ok(());
    };
    let Some(OnInsert::OnConflict(on_conflict)) = &mut insert.on else {
        return Ok(());
    };
    let refuse = |what: &str| Err(TranslateError::unsupported(what, target.name()));
    let Some(ConflictTarget::Columns {
        columns: keys,
        predicate: None,
    }) = &on_conflict.conflict_target
    else {
        return refuse("ON CONFLICT without a column list");
    };
    let (TableObject::TableName(table), Some(source)) = (&insert.table, &insert.source) else {
        return refuse("INSERT .. ON CONFLICT without a table and rows");
    };
    if insert.columns.is_empty() {
        return refuse("INSERT .. ON CONFLICT without a column list");
    }
    let Some(reference) = table.0.last().and_then(|part| part.as_ident()).cloned() else {
        return refuse("INSERT .. ON CONFLICT into this table");
    };
    let alias = insert.table_alias.as_ref().map(|alias| &alias.alias);
    let columns = comma_separated(insert.columns.iter().map(ToString::to_string));
    let excluded = comma_separated(insert.columns.iter().map(|c| format!("excluded.{c}")));
    let on = keys
        .iter()
        .map(|key| format!("{reference}.{key} = excluded.{key}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let matched = match &mut on_conflict.action {
        OnConflictAction::DoNothing => String::new(),
        OnConflictAction::DoUpdate(update) => {
            let mut qualify = Qualify {
                table: &reference,
                alias,
            };
            for assignment in &mut update.assignments {
                let _ = assignment.value.visit(&mut qualify);
            }
            let _ = update.selection.visit(&mut qualify);
            let condition = match &update.selection {
                Some(selection) => format!(" AND {selection}"),
                None => String::new(),
            };
            let set = comma_separated(update.assignments.iter().map(ToString::to_string));
            format!("WHEN MATCHED{condition} THEN UPDATE SET {set} ")
        }
    };
    let output = match &insert.output {
        Some(output) => format!(" {output}"),
        None => String::new(),
    };
    let text = format!(
        "MERGE INTO {table} WITH (HOLDLOCK) USING ({source}) AS excluded ({columns}) \
         ON {on} {matched}WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({excluded}){output}"
    );
    replace_with_target_sql(
        statement,
        &text,
        "INSERT .. ON CONFLICT of this form",
        target,
    )
}
