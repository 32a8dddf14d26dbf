//! Table names: the `public` schema is the target database's own, so `public.t` becomes `t`.

use std::ops::ControlFlow;

use sqlparser::ast::{ObjectName, Statement, VisitMut, VisitorMut};

struct Relations;

impl VisitorMut for Relations {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &mut ObjectName) -> ControlFlow<()> {
        let is_public = relation.0.len() == 2
            && relation.0[0]
                .as_ident()
                .is_some_and(|schema| schema.value.eq_ignore_ascii_case("public"));
        if is_public {
            relation.0.remove(0);
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement) {
    let _ = statement.visit(&mut Relations);
}
