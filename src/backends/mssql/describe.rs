//! What a translated T-SQL statement returns, read from its syntax tree (sqlparser's
//! `MsSqlDialect`), for `prepare`: tiberius has no describe call, and SQL Server's
//! `sp_describe_first_result_set` is not on every server pgbridge is tested against.
//!
//! * a query returns rows: its columns are read from the metadata of a run with NULL
//!   parameters (a query changes nothing), or, where that run fails, named from its select list;
//! * an INSERT / UPDATE / DELETE / MERGE with `OUTPUT` returns the items of the clause
//!   (`INSERTED.*` is the target table's columns), typed by the engine's inference;
//! * anything else returns no rows.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, ObjectName, OutputClause, SelectItem, SetExpr, Statement, visit_expressions,
    visit_relations,
};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

/// One item of an `OUTPUT` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputItem {
    Named(String),
    /// `INSERTED.*` / `DELETED.*`: every column of the written table.
    Wildcard,
}

/// What a statement returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Nothing,
    /// A query; the names of its select list, when it has no wildcard.
    Query {
        names: Option<Vec<String>>,
    },
    /// A write with `OUTPUT`, and the table it writes.
    Output {
        items: Vec<OutputItem>,
        table: Option<String>,
    },
}

/// A statement's parameter count (the highest `@Pn`) and what it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub parameter_count: usize,
    pub shape: Shape,
}

/// Reads a translated statement; what does not parse as T-SQL returns nothing.
pub fn describe(sql: &str) -> Described {
    let Ok(statements) = Parser::parse_sql(&MsSqlDialect {}, sql) else {
        return Described {
            parameter_count: 0,
            shape: Shape::Nothing,
        };
    };
    let parameter_count = statements.iter().map(highest_parameter).max().unwrap_or(0);
    let shape = statements.last().map_or(Shape::Nothing, shape_of);
    Described {
        parameter_count,
        shape,
    }
}

/// The highest `n` of the `@Pn` placeholders in a statement.
fn highest_parameter(statement: &Statement) -> usize {
    let mut highest = 0;
    let _ = visit_expressions(statement, |expr| {
        if let Expr::Identifier(ident) = expr
            && let Some(n) = ident
                .value
                .strip_prefix("@P")
                .and_then(|n| n.parse::<usize>().ok())
        {
            highest = highest.max(n);
        }
        ControlFlow::<()>::Continue(())
    });
    highest
}

fn name_of(item: &SelectItem) -> Option<String> {
    match item {
        SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
        SelectItem::UnnamedExpr(Expr::Identifier(ident)) => Some(ident.value.clone()),
        SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => {
            parts.last().map(|p| p.value.clone())
        }
        // SQL Server names an expression column with nothing; PostgreSQL's inference renames it.
        SelectItem::UnnamedExpr(_) => Some(String::new()),
        _ => None,
    }
}

fn first_table(statement: &Statement) -> Option<String> {
    let mut first = None;
    let _ = visit_relations(statement, |name: &ObjectName| {
        first = name
            .0
            .last()
            .and_then(|part| part.as_ident())
            .map(|ident| ident.value.clone());
        ControlFlow::Break(())
    });
    first
}

fn output_shape(output: &OutputClause, statement: &Statement) -> Shape {
    let OutputClause::Output {
        select_items,
        into_table: None,
        ..
    } = output
    else {
        return Shape::Nothing;
    };
    let items = select_items
        .iter()
        .map(|item| match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => OutputItem::Wildcard,
            other => OutputItem::Named(name_of(other).unwrap_or_default()),
        })
        .collect();
    Shape::Output {
        items,
        table: first_table(statement),
    }
}

fn shape_of(statement: &Statement) -> Shape {
    let output = match statement {
        Statement::Query(query) => {
            let names = match query.body.as_ref() {
                SetExpr::Select(select) if select.into.is_none() => {
                    select.projection.iter().map(name_of).collect()
                }
                SetExpr::Select(_) => return Shape::Nothing,
                _ => None,
            };
            return Shape::Query { names };
        }
        Statement::Insert(insert) => insert.output.as_ref(),
        Statement::Update(update) => update.output.as_ref(),
        Statement::Delete(delete) => delete.output.as_ref(),
        Statement::Merge(merge) => merge.output.as_ref(),
        _ => None,
    };
    output.map_or(Shape::Nothing, |output| output_shape(output, statement))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_count_parameters_and_name_columns() {
        let described = describe("SELECT id, name AS n, @P2 + 1 FROM users WHERE id = @P1");
        assert_eq!(described.parameter_count, 2);
        assert_eq!(
            described.shape,
            Shape::Query {
                names: Some(vec!["id".into(), "n".into(), String::new()])
            }
        );
        assert_eq!(
            describe("SELECT * FROM users").shape,
            Shape::Query { names: None }
        );
        assert_eq!(
            describe("SELECT TOP (@P3) * FROM users ORDER BY id").parameter_count,
            3
        );
    }

    #[test]
    fn writes_return_their_output_clause() {
        assert_eq!(
            describe(
                "INSERT INTO users (name) OUTPUT INSERTED.id, INSERTED.name AS n VALUES (@P1)"
            )
            .shape,
            Shape::Output {
                items: vec![
                    OutputItem::Named("id".into()),
                    OutputItem::Named("n".into())
                ],
                table: Some("users".into()),
            }
        );
        assert_eq!(
            describe("DELETE FROM users OUTPUT DELETED.* WHERE id = 1").shape,
            Shape::Output {
                items: vec![OutputItem::Wildcard],
                table: Some("users".into()),
            }
        );
        assert_eq!(
            describe("UPDATE users SET name = @P1 WHERE id = @P2").shape,
            Shape::Nothing
        );
        assert_eq!(describe("CREATE TABLE t (a INT)").shape, Shape::Nothing);
        assert_eq!(
            describe("SELECT id INTO archive FROM users").shape,
            Shape::Nothing
        );
    }
}
