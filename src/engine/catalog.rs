//! The engine's side of the emulated catalog: which statements read it (decided once at parse;
//! the session refreshes the catalog before running them, and the backend rebuilds it only when
//! the schema changed), and which user tables such a statement also reads (where the catalog is
//! a database apart, as on MySQL, it cannot read them).

use std::ops::ControlFlow;

use pgbridge_dialects::catalog::{is_catalog_function, is_catalog_relation, is_catalog_schema};
use sqlparser::ast::{DataType, Expr, ObjectName, Query, Statement, TableFactor, Visit, Visitor};

struct ReadsCatalog;

impl Visitor for ReadsCatalog {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        let mut parts = relation.0.iter().rev().filter_map(|part| part.as_ident());
        let name = parts.next();
        let schema = parts.next();
        // `FROM pg_get_keywords()` names a set-returning catalog function as a relation.
        if name.is_some_and(|ident| {
            is_catalog_relation(&ident.value) || is_catalog_function(&ident.value)
        }) || schema.is_some_and(|ident| is_catalog_schema(&ident.value))
        {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Catalog functions, and `'users'::regclass` and friends, look names up in the catalog too.
    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(function) = expr
            && let Some(name) = function.name.0.last().and_then(|part| part.as_ident())
            && is_catalog_function(&name.value)
        {
            return ControlFlow::Break(());
        }
        if let Expr::Cast { data_type, .. } = expr {
            let lookup = match data_type {
                DataType::Regclass => true,
                DataType::Custom(name, _) => {
                    let name = name.to_string().to_ascii_lowercase();
                    name.ends_with("regclass")
                        || name.ends_with("regtype")
                        || name.ends_with("regnamespace")
                }
                _ => false,
            };
            if lookup {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// True when `statement` reads a relation of the emulated catalog.
pub(super) fn reads_catalog(statement: &Statement) -> bool {
    statement.visit(&mut ReadsCatalog).is_break()
}

/// Collects the relations a statement reads that are not the catalog's: tables and views, not
/// CTEs and not set-returning functions (`FROM pg_get_keywords()`).
#[derive(Default)]
struct UserRelations {
    ctes: Vec<String>,
    found: Vec<String>,
}

impl Visitor for UserRelations {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(
                with.cte_tables
                    .iter()
                    .map(|cte| cte.alias.name.value.to_ascii_lowercase()),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            name, args: None, ..
        } = factor
        {
            let mut parts = name.0.iter().rev().filter_map(|part| part.as_ident());
            let relation = parts.next();
            let schema = parts.next();
            let catalog = relation.is_some_and(|ident| {
                is_catalog_relation(&ident.value) || is_catalog_function(&ident.value)
            }) || schema.is_some_and(|ident| is_catalog_schema(&ident.value));
            if let Some(relation) = relation.filter(|_| !catalog)
                && (schema.is_some() || !self.ctes.contains(&relation.value.to_ascii_lowercase()))
            {
                self.found.push(relation.value.clone());
            }
        }
        ControlFlow::Continue(())
    }
}

/// The first relation `statement` reads that is not the catalog's, if any: a statement that
/// reads the catalog and user tables together cannot run where the catalog is a database apart
/// from the backend's.
pub(super) fn first_user_relation(statement: &Statement) -> Option<String> {
    let mut relations = UserRelations::default();
    let _ = statement.visit(&mut relations);
    relations.found.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(sql: &str) -> Option<String> {
        let statement = pgbridge_dialects::parse(sql).unwrap().remove(0);
        first_user_relation(&statement)
    }

    #[test]
    fn user_relations_are_found_beside_the_catalog() {
        assert_eq!(
            first("SELECT * FROM pg_catalog.pg_class c JOIN pg_namespace n ON true"),
            None
        );
        assert_eq!(first("SELECT * FROM information_schema.tables"), None);
        assert_eq!(first("SELECT word FROM pg_get_keywords()"), None);
        assert_eq!(
            first("WITH t AS (SELECT relname FROM pg_class) SELECT * FROM t"),
            None
        );
        assert_eq!(
            first("SELECT * FROM pg_class WHERE relname IN (SELECT name FROM users)"),
            Some("users".to_owned())
        );
    }
}
