//! SQL-level prepared statements: `PREPARE name [(types)] AS statement`, `EXECUTE name
//! [(arguments)]`, `DEALLOCATE [PREPARE] name | ALL` (psycopg2 and psql users, who have no
//! protocol-level Parse). A prepared statement is planned once, like a protocol-level one, and
//! `EXECUTE` runs it with its constant arguments as parameters.

use std::sync::Arc;

use pgbridge_dialects::PgType;
use pgbridge_proxy::{Description, Outcome, SqlError, Value};
use sqlparser::ast::{DataType, Expr, Statement, UnaryOperator};

use super::EngineSession;
use crate::backends::adapter::BackendConnection;
use crate::engine::statement::{EngineStatement, Kind, Plan};

/// A statement prepared with `PREPARE`, with the parameter types it declared.
pub(super) struct SqlPrepared {
    statement: Arc<EngineStatement>,
    types: Vec<Option<PgType>>,
}

fn missing(name: &str) -> SqlError {
    SqlError::new(
        "26000",
        format!("prepared statement \"{name}\" does not exist"),
    )
}

/// The text of a constant `EXECUTE` argument (`42`, `-1.5`, `'text'`, `'x'::date`), `None` for
/// NULL.
fn constant_text(argument: &Expr) -> Result<Option<String>, SqlError> {
    use sqlparser::ast::Value as Literal;
    match argument {
        Expr::Value(value) => match &value.value {
            Literal::Null => Ok(None),
            Literal::Number(text, _) => Ok(Some(text.clone())),
            Literal::SingleQuotedString(text) | Literal::EscapedStringLiteral(text) => {
                Ok(Some(text.clone()))
            }
            Literal::Boolean(value) => Ok(Some(value.to_string())),
            _ => Err(not_constant(argument)),
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => Ok(constant_text(expr)?.map(|text| format!("-{text}"))),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => constant_text(expr),
        _ => Err(not_constant(argument)),
    }
}

fn not_constant(argument: &Expr) -> SqlError {
    SqlError::unsupported(format!(
        "EXECUTE argument {argument} (pgbridge takes constants only)"
    ))
}

impl<C: BackendConnection> EngineSession<C> {
    /// `PREPARE name [(types)] AS statement`: planned now, so errors show at PREPARE.
    pub(super) async fn prepare_sql(
        &mut self,
        name: &str,
        types: &[DataType],
        statement: &Statement,
    ) -> Result<Outcome, SqlError> {
        if self.sql_prepared.contains_key(name) {
            return Err(SqlError::new(
                "42P05",
                format!("prepared statement \"{name}\" already exists"),
            ));
        }
        let types: Vec<Option<PgType>> = types.iter().map(PgType::from_data_type).collect();
        let (inner, _plan) = self.plan_inner(statement, &types).await?;
        if !matches!(inner.kind, Kind::Rows { .. } | Kind::Modify { .. }) {
            return Err(SqlError::new(
                "42601",
                format!(
                    "syntax error: PREPARE takes SELECT, INSERT, UPDATE, DELETE or VALUES, not {statement}"
                ),
            ));
        }
        self.sql_prepared.insert(
            name.to_owned(),
            SqlPrepared {
                statement: Arc::new(inner),
                types,
            },
        );
        Ok(Outcome::Command {
            tag: "PREPARE".to_owned(),
        })
    }

    /// The statement prepared as `name` and its plan for the current schema.
    async fn prepared_plan(
        &mut self,
        name: &str,
    ) -> Result<(Arc<EngineStatement>, Arc<Plan>), SqlError> {
        let prepared = self.sql_prepared.get(name).ok_or_else(|| missing(name))?;
        let (statement, types) = (Arc::clone(&prepared.statement), prepared.types.clone());
        let plan = self.plan(&statement, &types).await?;
        Ok((statement, plan))
    }

    /// The statement `EXECUTE name` runs, with its arguments as parameter values.
    pub(super) async fn prepared_call(
        &mut self,
        name: &str,
        arguments: &[Expr],
    ) -> Result<(Arc<EngineStatement>, Vec<Value>), SqlError> {
        let (statement, plan) = self.prepared_plan(name).await?;
        let expected = plan.description.parameters.len();
        if arguments.len() != expected {
            return Err(SqlError::new(
                "42601",
                format!("wrong number of parameters for prepared statement \"{name}\""),
            )
            .with_detail(format!(
                "Expected {expected} parameters but got {}.",
                arguments.len()
            )));
        }
        let values = arguments
            .iter()
            .zip(&plan.description.parameters)
            .map(|(argument, pg_type)| match constant_text(argument)? {
                Some(text) => Value::from_text(*pg_type, &text),
                None => Ok(Value::Null),
            })
            .collect::<Result<_, _>>()?;
        Ok((statement, values))
    }

    /// What `EXECUTE name` returns, for Describe.
    pub(super) async fn describe_prepared(&mut self, name: &str) -> Result<Description, SqlError> {
        let (_, plan) = self.prepared_plan(name).await?;
        Ok(Description {
            parameters: Vec::new(),
            fields: plan.description.fields.clone(),
        })
    }

    /// `DEALLOCATE name` or `DEALLOCATE ALL` (`None`). A name pgbridge does not know may be a
    /// protocol-level statement, which the front end keeps: not an error.
    pub(super) fn deallocate(&mut self, name: Option<&str>) {
        match name {
            Some(name) => {
                self.sql_prepared.remove(name);
            }
            None => self.sql_prepared.clear(),
        }
    }
}
