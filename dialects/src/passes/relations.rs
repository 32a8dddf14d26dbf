//! Table names: the `public` schema is the target database's own, so `public.t` becomes `t`,
//! in `FROM` and in column references (`public.t.id` becomes `t.id`).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, ObjectName, Statement, VisitMut, VisitorMut};

struct Relations;

impl VisitorMut for Relations {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &mut ObjectName) -> ControlFlow<()> {
        if relation.0.len() == 2 && relation.0[0].as_ident().is_some_and(is_public) {
            relation.0.remove(0);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() == 3
            && is_public(&parts[0])
        {
            parts.remove(0);
        }
        ControlFlow::Continue(())
    }
}

fn is_public(schema: &Ident) -> bool {
    schema.value.eq_ignore_ascii_case("public")
}

pub(super) fn run(statement: &mut Statement) {
    let _ = statement.visit(&mut Relations);
}
