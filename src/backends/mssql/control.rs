//! The transaction control the engine writes itself (`COMMIT`, `ROLLBACK`, `SAVEPOINT x`,
//! `RELEASE SAVEPOINT x`, `ROLLBACK TO SAVEPOINT x`, joined by `;`) in T-SQL, read from its
//! syntax tree:
//!
//! | engine | T-SQL |
//! |---|---|
//! | `BEGIN TRANSACTION` | `BEGIN TRANSACTION` (the block starts: the session keeps its connection) |
//! | `COMMIT` | `COMMIT TRANSACTION` (the block ends) |
//! | `ROLLBACK` | `IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION` (SQL Server may have rolled back already, after a deadlock) |
//! | `SAVEPOINT x` | `SAVE TRANSACTION x` |
//! | `ROLLBACK TO SAVEPOINT x` | `ROLLBACK TRANSACTION x` |
//! | `RELEASE SAVEPOINT x` | nothing: T-SQL savepoints last until the transaction ends |
//!
//! A batch that is anything else is sent as it is.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// What a batch does to the session's transaction block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Opens a block: the connection stays with the session until it ends.
    Begins,
    /// Ends the block (commit or rollback).
    Ends,
    /// Leaves the block as it is.
    Keeps,
}

/// The rollback that is safe whether or not SQL Server still has a transaction open.
pub const ROLLBACK: &str = "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION";

/// A batch of the engine in T-SQL, and what it does to the transaction block.
pub fn to_tsql(batch: &str) -> (String, Effect) {
    let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, batch) else {
        return (batch.to_owned(), Effect::Keeps);
    };
    let mut parts = Vec::new();
    let mut effect = Effect::Keeps;
    for statement in &statements {
        match statement {
            Statement::StartTransaction { .. } => {
                parts.push("BEGIN TRANSACTION".to_owned());
                effect = Effect::Begins;
            }
            Statement::Commit { .. } => {
                parts.push("COMMIT TRANSACTION".to_owned());
                effect = Effect::Ends;
            }
            Statement::Rollback {
                savepoint: None, ..
            } => {
                parts.push(ROLLBACK.to_owned());
                effect = Effect::Ends;
            }
            Statement::Rollback {
                savepoint: Some(name),
                ..
            } => parts.push(format!("ROLLBACK TRANSACTION {name}")),
            Statement::Savepoint { name } => parts.push(format!("SAVE TRANSACTION {name}")),
            Statement::ReleaseSavepoint { .. } => {}
            _ => return (batch.to_owned(), Effect::Keeps),
        }
    }
    (parts.join("; "), effect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_control_becomes_tsql() {
        assert_eq!(
            to_tsql("BEGIN TRANSACTION"),
            ("BEGIN TRANSACTION".to_owned(), Effect::Begins)
        );
        assert_eq!(
            to_tsql("COMMIT"),
            ("COMMIT TRANSACTION".to_owned(), Effect::Ends)
        );
        assert_eq!(to_tsql("ROLLBACK"), (ROLLBACK.to_owned(), Effect::Ends));
        assert_eq!(
            to_tsql("SAVEPOINT a"),
            ("SAVE TRANSACTION a".to_owned(), Effect::Keeps)
        );
        assert_eq!(
            to_tsql("ROLLBACK TO SAVEPOINT pgbridge_copy; RELEASE SAVEPOINT pgbridge_copy"),
            (
                "ROLLBACK TRANSACTION pgbridge_copy".to_owned(),
                Effect::Keeps
            )
        );
        assert_eq!(
            to_tsql("RELEASE SAVEPOINT a"),
            (String::new(), Effect::Keeps)
        );
    }

    #[test]
    fn other_batches_pass_unchanged() {
        let script = "IF OBJECT_ID(N't') IS NULL CREATE TABLE t (a INT)";
        assert_eq!(to_tsql(script), (script.to_owned(), Effect::Keeps));
        assert_eq!(
            to_tsql("DELETE FROM \"t\""),
            ("DELETE FROM \"t\"".to_owned(), Effect::Keeps)
        );
    }
}
