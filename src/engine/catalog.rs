//! The engine's side of the emulated catalog: which statements read it (decided once at parse;
//! the session refreshes the catalog before running them, and the backend rebuilds it only when
//! the schema changed).

use std::ops::ControlFlow;

use pgbridge_dialects::catalog::{is_catalog_function, is_catalog_relation, is_catalog_schema};
use sqlparser::ast::{DataType, Expr, ObjectName, Statement, Visit, Visitor};

struct ReadsCatalog;

impl Visitor for ReadsCatalog {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        let mut parts = relation.0.iter().rev().filter_map(|part| part.as_ident());
        let name = parts.next();
        let schema = parts.next();
        if name.is_some_and(|ident| is_catalog_relation(&ident.value))
            || schema.is_some_and(|ident| is_catalog_schema(&ident.value))
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
