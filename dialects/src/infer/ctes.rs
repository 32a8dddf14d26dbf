//! Common table expressions as tables in scope: `WITH c(x) AS (SELECT 1 ...)` gives the outer
//! query a table `c` whose column `x` is typed from the CTE's own query (for a recursive CTE,
//! from its non-recursive first branch, as PostgreSQL does).

use sqlparser::ast::{Query, Statement};

use super::{SchemaLookup, Scope, query_columns};
use crate::PgType;

/// A schema that knows a statement's CTEs in front of the real schema.
pub(super) struct WithCtes<'a> {
    ctes: Vec<(String, Vec<(String, PgType)>)>,
    inner: &'a dyn SchemaLookup,
}

impl SchemaLookup for WithCtes<'_> {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        self.ctes
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(table))
            .map(|(_, columns)| columns.clone())
            .or_else(|| self.inner.table_columns(table))
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
        let typed = columns
            .into_iter()
            .enumerate()
            .map(|(i, column)| {
                let name = names.get(i).cloned().unwrap_or(column.name);
                (name, column.pg_type.unwrap_or(PgType::Text))
            })
            .collect();
        schema.ctes.push((cte.alias.name.value.clone(), typed));
    }
    schema
}
