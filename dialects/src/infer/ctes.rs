//! Common table expressions as tables in scope: `WITH c(x) AS (SELECT 1 ...)` gives the outer
//! query a table `c` whose column `x` is typed from the CTE's own query (for a recursive CTE,
//! from its non-recursive first branch, as PostgreSQL does).

use sqlparser::ast::{Query, Statement};

use super::{InferredColumn, SchemaLookup, Scope, query_columns};
use crate::PgType;

/// A CTE as a table: its name, its columns, and their type modifiers.
struct Cte {
    name: String,
    columns: Vec<(String, PgType)>,
    modifiers: Vec<i32>,
}

/// A schema that knows a statement's CTEs in front of the real schema.
pub(super) struct WithCtes<'a> {
    ctes: Vec<Cte>,
    inner: &'a dyn SchemaLookup,
}

impl WithCtes<'_> {
    fn cte(&self, table: &str) -> Option<&Cte> {
        self.ctes
            .iter()
            .find(|cte| cte.name.eq_ignore_ascii_case(table))
    }
}

impl SchemaLookup for WithCtes<'_> {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        match self.cte(table) {
            Some(cte) => Some(cte.columns.clone()),
            None => self.inner.table_columns(table),
        }
    }

    fn type_modifiers(&self, table: &str) -> Option<Vec<i32>> {
        match self.cte(table) {
            Some(cte) => Some(cte.modifiers.clone()),
            None => self.inner.type_modifiers(table),
        }
    }
}

/// The modifier a CTE column is seen with: its own (a column or a cast), else, where its values
/// share a scale (`sum(price)`), a `numeric` modifier of that scale, so that the outer query
/// shows them with it. The precision is PostgreSQL's largest; no value is checked against it.
fn cte_modifier(column: &InferredColumn) -> i32 {
    match column.scale {
        Some(scale) if column.type_modifier == -1 && column.pg_type == Some(PgType::Numeric) => {
            i32::try_from(scale)
                .map(|scale| ((1000 << 16) | scale) + 4)
                .unwrap_or(-1)
        }
        _ => column.type_modifier,
    }
}

fn top_query(statement: &Statement) -> Option<&Query> {
    match statement {
        Statement::Query(query) => Some(query),
        Statement::Insert(insert) => insert.source.as_deref(),
        _ => None,
    }
}

/// The statement's CTEs (if any) layered over `inner`.
pub(super) fn with_ctes<'a>(statement: &Statement, inner: &'a dyn SchemaLookup) -> WithCtes<'a> {
    let mut schema = WithCtes {
        ctes: Vec::new(),
        inner,
    };
    let Some(with) = top_query(statement).and_then(|query| query.with.as_ref()) else {
        return schema;
    };
    for cte in &with.cte_tables {
        let columns = query_columns(&cte.query, &Scope::empty(&schema));
        let names: Vec<String> = cte
            .alias
            .columns
            .iter()
            .map(|c| c.name.value.clone())
            .collect();
        let modifiers = columns.iter().map(cte_modifier).collect();
        let typed = columns
            .into_iter()
            .enumerate()
            .map(|(i, column)| {
                let name = names.get(i).cloned().unwrap_or(column.name);
                (name, column.pg_type.unwrap_or(PgType::Text))
            })
            .collect();
        schema.ctes.push(Cte {
            name: cte.alias.name.value.clone(),
            columns: typed,
            modifiers,
        });
    }
    schema
}
