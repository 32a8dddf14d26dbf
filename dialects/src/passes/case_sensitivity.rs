//! Case-sensitive text where the target's default collation ignores case (SQL Server's
//! default `SQL_Latin1_General_CP1_CI_AS`): character columns are declared with the target's
//! case-sensitive collation, so `=`, `LIKE`, `GROUP BY` and unique keys on them compare as
//! PostgreSQL does, and the subject of `LIKE` gets it explicitly (`x COLLATE .. LIKE p`), which
//! also covers a `LIKE` over expressions or literals. `ILIKE` has become `lower(a) LIKE
//! lower(b)` before this pass, still exact under a case-sensitive collation.
//!
//! Left as is: `=` between two literals or parameters (`'a' = 'A'` is true on SQL Server), and
//! trailing spaces, which T-SQL's `=` ignores (`'a' = 'a '`) as PostgreSQL's `char(n)` does
//! but its `text` does not.

use std::ops::ControlFlow;

use sqlparser::ast::{
    ColumnOption, ColumnOptionDef, Expr, Ident, ObjectName, Statement, Value, VisitMut, VisitorMut,
};

use super::declared_columns;
use crate::{PgType, TargetDialect};

struct LikeSubjects {
    collation: &'static str,
}

impl VisitorMut for LikeSubjects {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Like { expr: subject, .. } = expr
            && !matches!(subject.as_ref(), Expr::Collate { .. })
        {
            let inner = std::mem::replace(subject.as_mut(), Expr::value(Value::Null));
            **subject = Expr::Collate {
                expr: Box::new(inner),
                collation: ObjectName::from(vec![Ident::new(self.collation)]),
            };
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    let Some(collation) = target.case_sensitive_collation() else {
        return;
    };
    for column in declared_columns(statement) {
        let text = PgType::from_data_type(&column.data_type)
            .is_some_and(|pg| pg.is_text() || matches!(pg, PgType::Json | PgType::Jsonb));
        let collated = column
            .options
            .iter()
            .any(|option| matches!(option.option, ColumnOption::Collation(_)));
        if text && !collated {
            column.options.insert(
                0,
                ColumnOptionDef {
                    name: None,
                    option: ColumnOption::Collation(ObjectName::from(vec![Ident::new(collation)])),
                },
            );
        }
    }
    let _ = statement.visit(&mut LikeSubjects { collation });
}
