//! The engine's side of the emulated catalog: a statement that reads a catalog relation gets a
//! fresh catalog first (the backend rebuilds it only when the schema changed).

use std::ops::ControlFlow;

use pgbridge_dialects::catalog::is_catalog_relation;
use pgbridge_proxy::SqlError;
use sqlparser::ast::{ObjectName, Statement, Visit, Visitor};

use crate::backends::sqlite::Worker;

struct ReadsCatalog;

impl Visitor for ReadsCatalog {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        let name = relation.0.last().and_then(|part| part.as_ident());
        if name.is_some_and(|ident| is_catalog_relation(&ident.value)) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// True when `statement` reads a relation of the emulated catalog.
pub(super) fn reads_catalog(statement: &Statement) -> bool {
    statement.visit(&mut ReadsCatalog).is_break()
}

/// Refreshes the session's catalog before a statement that reads it.
pub(super) async fn refresh_if_read(
    worker: &Worker,
    statement: &Statement,
) -> Result<(), SqlError> {
    if reads_catalog(statement) {
        worker.refresh_catalog().await?;
    }
    Ok(())
}
