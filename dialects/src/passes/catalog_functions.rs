//! Set-returning catalog functions that the emulated catalog keeps as tables:
//! `FROM pg_get_keywords()` reads `pg_catalog.pgbridge_keywords`, under the function's name so
//! that `pg_get_keywords.word` still resolves.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Ident, ObjectName, ObjectNamePart, Statement, TableAlias, TableFactor, VisitMut, VisitorMut,
};

/// Set-returning functions and the catalog tables that hold their rows.
const FUNCTION_TABLES: &[(&str, &str)] = &[("pg_get_keywords", "pgbridge_keywords")];

struct CatalogFunctions;

impl VisitorMut for CatalogFunctions {
    type Break = ();

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table {
            name, alias, args, ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        let called = args.as_ref().is_some_and(|args| args.args.is_empty());
        let function = name.0.last().and_then(|part| part.as_ident());
        let table = function.and_then(|ident| {
            FUNCTION_TABLES
                .iter()
                .find(|(function, _)| ident.value.eq_ignore_ascii_case(function))
        });
        if let (true, Some((function, table))) = (called, table) {
            *name = ObjectName(vec![
                ObjectNamePart::Identifier(Ident::new("pg_catalog")),
                ObjectNamePart::Identifier(Ident::new(*table)),
            ]);
            *args = None;
            if alias.is_none() {
                *alias = Some(TableAlias {
                    explicit: true,
                    name: Ident::new(*function),
                    columns: Vec::new(),
                    at: None,
                });
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement) {
    let _ = statement.visit(&mut CatalogFunctions);
}
