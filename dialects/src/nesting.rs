//! A bound on expression nesting, so that hostile SQL cannot overflow the stack.
//!
//! sqlparser parses `1+1+1+..` in a loop, building a left-deep tree whose depth is the number of
//! operators. Walking it is safe (sqlparser's visitor grows its stack on demand), but the passes,
//! the type inference and the tree's own `Drop` recurse on the thread's stack: a statement of a
//! few thousand operators would abort the whole server. PostgreSQL stops such statements with
//! `54001 stack depth limit exceeded`; pgbridge refuses them the same way, past
//! [`MAX_EXPRESSION_DEPTH`], and frees the refused tree on a stack grown for it.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Visit, Visitor};

use crate::TranslateError;

/// The deepest expression nesting pgbridge translates. ORMs stay far below (an `IN` list is flat;
/// an `OR` chain of n terms nests n deep); SQLite itself stops at 1000, and an unoptimised build
/// on a 2 MiB thread stack copies and frees a tree of this depth safely.
pub const MAX_EXPRESSION_DEPTH: usize = 500;

/// Stack bytes per level of nesting when freeing a refused tree (drop glue needs well under).
const DROP_STACK_PER_LEVEL: usize = 1_024;

/// Nesting up to which the passes and the type inference run on the caller's stack.
const SHALLOW_DEPTH: usize = 64;

/// Stack bytes per level of nesting for the passes and inference of a deep statement (an
/// unoptimised build needs about 4 KiB; the stack is reserved, and touched only as used).
const WALK_STACK_PER_LEVEL: usize = 16 * 1_024;

/// Runs `walk` over `statement` on a stack deep enough for its nesting: the caller's own when the
/// statement is shallow (nearly always), else a stack grown for it.
pub(crate) fn with_stack_for<T>(statement: &Statement, walk: impl FnOnce() -> T) -> T {
    let mut depth = Depth::default();
    let _ = statement.visit(&mut depth);
    if depth.deepest <= SHALLOW_DEPTH {
        walk()
    } else {
        stacker::grow(depth.deepest.saturating_mul(WALK_STACK_PER_LEVEL), walk)
    }
}

/// Refuses `statements` when an expression nests deeper than [`MAX_EXPRESSION_DEPTH`].
pub(crate) fn check(statements: Vec<Statement>) -> Result<Vec<Statement>, TranslateError> {
    let mut deepest = 0;
    for statement in &statements {
        let mut depth = Depth::default();
        // The visitor stops at the limit, so it never walks further than what it refuses.
        if statement.visit(&mut depth).is_break() {
            deepest = depth.deepest;
            break;
        }
    }
    if deepest == 0 {
        return Ok(statements);
    }
    let stack = MAX_EXPRESSION_DEPTH
        .saturating_mul(DROP_STACK_PER_LEVEL)
        .max(statement_size(&statements).saturating_mul(DROP_STACK_PER_LEVEL));
    stacker::grow(stack, move || drop(statements));
    Err(TranslateError::TooDeep {
        limit: MAX_EXPRESSION_DEPTH,
    })
}

/// An upper bound of the depth of the statements' trees: their printed length.
fn statement_size(statements: &[Statement]) -> usize {
    let mut size = Size::default();
    for statement in statements {
        let _ = statement.visit(&mut size);
    }
    size.expressions
}

#[derive(Default)]
struct Depth {
    current: usize,
    deepest: usize,
}

impl Visitor for Depth {
    type Break = ();

    fn pre_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<()> {
        self.current += 1;
        self.deepest = self.deepest.max(self.current);
        if self.current > MAX_EXPRESSION_DEPTH {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn post_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<()> {
        self.current -= 1;
        ControlFlow::Continue(())
    }
}

/// Counts expressions: no tree is deeper than it has nodes.
#[derive(Default)]
struct Size {
    expressions: usize,
}

impl Visitor for Size {
    type Break = ();

    fn pre_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<()> {
        self.expressions += 1;
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::MAX_EXPRESSION_DEPTH;
    use crate::{Target, parse, translate};

    struct NoTables;

    impl crate::SchemaLookup for NoTables {
        fn table_columns(&self, _table: &str) -> Option<Vec<(String, crate::PgType)>> {
            None
        }
    }

    fn chain(terms: usize) -> String {
        format!("SELECT {}1", "1 + ".repeat(terms))
    }

    #[test]
    fn a_chain_at_the_limit_translates_and_is_typed_on_a_small_stack() {
        let translated = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let statements = parse(&chain(MAX_EXPRESSION_DEPTH - 1)).unwrap();
                let types = crate::infer(&statements[0], &NoTables);
                assert!(types.columns.is_some());
                translate(&statements[0], Target::Sqlite).map(|t| t.sql.len())
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(translated.unwrap() > 4 * (MAX_EXPRESSION_DEPTH - 1));
    }

    #[test]
    fn a_chain_past_the_limit_is_refused_with_54001_without_overflowing() {
        for terms in [1_001, 200_000] {
            // A thread with tokio's default 2 MiB stack, like a server task.
            let refused = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || parse(&chain(terms)).unwrap_err())
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(refused.sqlstate(), "54001");
            assert!(refused.to_string().contains("500"), "{refused}");
        }
    }
}
