//! `SELECT DISTINCT ON (keys) ..`, which no target has, written with `ROW_NUMBER()`:
//!
//! ```text
//! SELECT pgbridge_c1 AS a, pgbridge_c2 AS b FROM (
//!   SELECT a AS pgbridge_c1, b AS pgbridge_c2, c AS pgbridge_k1,
//!          ROW_NUMBER() OVER (PARTITION BY keys ORDER BY <the query's ORDER BY>) AS pgbridge_row
//!   FROM .. WHERE .. GROUP BY ..) AS distinct_on
//! WHERE pgbridge_row = 1 ORDER BY pgbridge_c1, pgbridge_k1
//! ```
//!
//! PostgreSQL keeps the first row of each group of equal `keys` in `ORDER BY` order, which is
//! the row numbered 1 in its partition (NULL keys form one group in both). Without `ORDER BY`
//! the row is arbitrary in both (`ORDER BY (SELECT NULL)`).
//!
//! Every select-list item gets an inner name (`pgbridge_cN`), so duplicate or unnamed output
//! columns survive the derived table; the outer query gives back PostgreSQL's output names. A
//! sort key that is not an output column is carried as a hidden column (`pgbridge_kN`) that the
//! outer query sorts by but does not return. Keys written as an output name or position
//! (`ORDER BY 2`, `ORDER BY alias`) stand for that column's expression inside the window, where
//! output names are not visible. `*` and `t.*` are spelled out from the schema when every table
//! they cover is known; otherwise (a derived table, a CTE, an unknown table) they are refused.
//! LIMIT and OFFSET stay on the outer query, so they count distinct rows.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Distinct, Expr, Ident, ObjectName, OrderByExpr, OrderByKind, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableWithJoins, Value,
    ValueWithSpan, VisitMut, VisitorMut, WindowType,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use super::{finish, flow};
use crate::infer::column_name;
use crate::{SchemaLookup, TargetDialect, TranslateError};

const ROW_COLUMN: &str = "pgbridge_row";
const STAR_REFUSAL: &str =
    "SELECT DISTINCT ON with * over a CTE, a subquery or an unknown table (name the columns)";

struct DistinctOnRows<'a> {
    target: &'a dyn TargetDialect,
    schema: &'a dyn SchemaLookup,
}

/// A select-list item after `*` is spelled out: its expression and PostgreSQL's output name.
struct OutputColumn {
    expr: Expr,
    name: Ident,
    /// Whether a bare name in `ORDER BY` finds it: an alias or a column's own name.
    named: bool,
}

fn parse_query(text: &str) -> Query {
    match Parser::new(&GenericDialect {})
        .try_with_sql(text)
        .and_then(|mut parser| parser.parse_query())
    {
        Ok(query) => *query,
        Err(error) => unreachable!("template {text}: {error}"),
    }
}

/// An identifier as PostgreSQL compares it: unquoted names fold to lower case.
fn folded(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The parts of a column reference, folded; `None` for any other expression.
fn reference(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Identifier(ident) => Some(vec![folded(ident)]),
        Expr::CompoundIdentifier(parts) => Some(parts.iter().map(folded).collect()),
        _ => None,
    }
}

/// The output column a sort or `DISTINCT ON` key stands for: by position, by output name (a
/// bare identifier, as PostgreSQL reads `ORDER BY name`), or by an equal expression.
fn output_index(key: &Expr, columns: &[OutputColumn]) -> Option<usize> {
    if let Expr::Value(ValueWithSpan {
        value: Value::Number(n, _),
        ..
    }) = key
    {
        let index = n.parse::<usize>().ok()?.checked_sub(1)?;
        return (index < columns.len()).then_some(index);
    }
    if let Expr::Identifier(ident) = key {
        let name = folded(ident);
        let named = columns
            .iter()
            .position(|column| column.named && folded(&column.name) == name);
        if named.is_some() {
            return named;
        }
    }
    let key_reference = reference(key);
    columns.iter().position(|column| match &key_reference {
        Some(parts) => reference(&column.expr).as_ref() == Some(parts),
        None => &column.expr == key,
    })
}

/// The relations `*` covers, in FROM order: each one's qualifier and table name, or `None`
/// when one of them is not a plain table.
fn relations(from: &[TableWithJoins]) -> Option<Vec<(Ident, ObjectName)>> {
    let mut relations = Vec::new();
    for table in from {
        for factor in
            std::iter::once(&table.relation).chain(table.joins.iter().map(|j| &j.relation))
        {
            let TableFactor::Table { name, alias, .. } = factor else {
                return None;
            };
            let qualifier = match alias {
                Some(alias) if alias.columns.is_empty() => alias.name.clone(),
                Some(_) => return None,
                None => name.0.last()?.as_ident()?.clone(),
            };
            relations.push((qualifier, name.clone()));
        }
    }
    Some(relations)
}

impl DistinctOnRows<'_> {
    fn refuse(&self, what: &str) -> TranslateError {
        TranslateError::unsupported(what, self.target.name())
    }

    /// The columns of `name`, when it names a table of the schema and not a CTE of `query`.
    fn table_columns(&self, query: &Query, name: &ObjectName) -> Option<Vec<String>> {
        let table = name.0.last()?.as_ident()?;
        let shadowed = query.with.as_ref().is_some_and(|with| {
            with.cte_tables
                .iter()
                .any(|cte| cte.alias.name.value == table.value)
        });
        if shadowed || name.0.len() > 2 {
            return None;
        }
        let columns = self.schema.table_columns(&table.value)?;
        Some(columns.into_iter().map(|(column, _)| column).collect())
    }

    /// The select list with `*` and `t.*` spelled out.
    fn output_columns(
        &self,
        query: &Query,
        select: &Select,
    ) -> Result<Vec<OutputColumn>, TranslateError> {
        let mut columns = Vec::new();
        for item in &select.projection {
            let qualifier = match item {
                SelectItem::UnnamedExpr(expr) => {
                    let (name, named) = match expr {
                        Expr::Identifier(ident) => (ident.clone(), true),
                        Expr::CompoundIdentifier(parts) if !parts.is_empty() => {
                            (parts[parts.len() - 1].clone(), true)
                        }
                        _ => (Ident::with_quote('"', column_name(expr)), false),
                    };
                    columns.push(OutputColumn {
                        expr: expr.clone(),
                        name,
                        named,
                    });
                    continue;
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    columns.push(OutputColumn {
                        expr: expr.clone(),
                        name: alias.clone(),
                        named: true,
                    });
                    continue;
                }
                SelectItem::ExprWithAliases { .. } => {
                    return Err(self.refuse("SELECT DISTINCT ON with a multi-name alias"));
                }
                SelectItem::Wildcard(_) => None,
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => Some(name.0.last().and_then(|part| part.as_ident()).map(folded)),
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::Expr(_), _) => {
                    Some(None)
                }
            };
            let spelled = relations(&select.from)
                .and_then(|relations| {
                    let mut spelled = Vec::new();
                    for (alias, table) in relations {
                        if qualifier
                            .as_ref()
                            .is_some_and(|q| q.as_deref() != Some(folded(&alias).as_str()))
                        {
                            continue;
                        }
                        for column in self.table_columns(query, &table)? {
                            let name = Ident::with_quote('"', column);
                            spelled.push(OutputColumn {
                                expr: Expr::CompoundIdentifier(vec![alias.clone(), name.clone()]),
                                name,
                                named: true,
                            });
                        }
                    }
                    (!spelled.is_empty()).then_some(spelled)
                })
                .ok_or_else(|| self.refuse(STAR_REFUSAL))?;
            columns.extend(spelled);
        }
        Ok(columns)
    }

    fn rewrite(&self, query: &mut Query) -> Result<(), TranslateError> {
        let SetExpr::Select(select) = query.body.as_ref() else {
            return Ok(());
        };
        if !matches!(select.distinct, Some(Distinct::On(_))) {
            return Ok(());
        }
        let columns = self.output_columns(query, select)?;
        let order: Vec<OrderByExpr> = match &query.order_by {
            Some(order_by) => match &order_by.kind {
                OrderByKind::Expressions(keys) => keys.clone(),
                OrderByKind::All(_) => {
                    return Err(self.refuse("SELECT DISTINCT ON .. ORDER BY ALL"));
                }
            },
            None => Vec::new(),
        };
        let SetExpr::Select(select) = query.body.as_mut() else {
            return Ok(());
        };
        let Some(Distinct::On(keys)) = select.distinct.take() else {
            return Ok(());
        };
        // Keys inside the window are expressions of the inner query.
        let inner_key = |key: &Expr| match output_index(key, &columns) {
            Some(index) => columns[index].expr.clone(),
            None => key.clone(),
        };
        let partition: Vec<Expr> = keys.iter().map(inner_key).collect();
        let window_order: Vec<OrderByExpr> = order
            .iter()
            .map(|key| OrderByExpr {
                expr: inner_key(&key.expr),
                ..key.clone()
            })
            .collect();
        let mut outer_order = Vec::with_capacity(order.len());
        let mut hidden = Vec::new();
        for key in order {
            let name = match output_index(&key.expr, &columns) {
                Some(index) => format!("pgbridge_c{}", index + 1),
                None => {
                    hidden.push(SelectItem::ExprWithAlias {
                        expr: key.expr.clone(),
                        alias: Ident::new(format!("pgbridge_k{}", hidden.len() + 1)),
                    });
                    format!("pgbridge_k{}", hidden.len())
                }
            };
            outer_order.push(OrderByExpr {
                expr: Expr::Identifier(Ident::new(name)),
                ..key
            });
        }
        let mut numbered = parse_query(&format!(
            "SELECT ROW_NUMBER() OVER (PARTITION BY 1 ORDER BY (SELECT NULL)) AS {ROW_COLUMN}"
        ));
        let SetExpr::Select(template) = numbered.body.as_mut() else {
            unreachable!("the template is a SELECT");
        };
        if let Some(SelectItem::ExprWithAlias {
            expr: Expr::Function(function),
            ..
        }) = template.projection.first_mut()
            && let Some(WindowType::WindowSpec(spec)) = &mut function.over
        {
            spec.partition_by = partition;
            if !window_order.is_empty() {
                spec.order_by = window_order;
            }
        }
        select.projection = columns
            .iter()
            .enumerate()
            .map(|(index, column)| SelectItem::ExprWithAlias {
                expr: column.expr.clone(),
                alias: Ident::new(format!("pgbridge_c{}", index + 1)),
            })
            .chain(hidden)
            .chain(template.projection.drain(..))
            .collect();
        let outer_columns: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(index, column)| format!("pgbridge_c{} AS {}", index + 1, column.name))
            .collect();
        let mut outer = parse_query(&format!(
            "SELECT {} FROM (SELECT 1) AS distinct_on WHERE {ROW_COLUMN} = 1",
            outer_columns.join(", ")
        ));
        if let SetExpr::Select(outer_select) = outer.body.as_mut()
            && let Some(TableFactor::Derived { subquery, .. }) = outer_select
                .from
                .first_mut()
                .map(|table| &mut table.relation)
        {
            std::mem::swap(&mut subquery.body, &mut query.body);
        }
        query.body = outer.body;
        if let Some(order_by) = &mut query.order_by {
            order_by.kind = OrderByKind::Expressions(outer_order);
        }
        Ok(())
    }
}

impl VisitorMut for DistinctOnRows<'_> {
    type Break = TranslateError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<TranslateError> {
        flow(self.rewrite(query))
    }
}

pub(super) fn run(
    statement: &mut Statement,
    target: &dyn TargetDialect,
    schema: &dyn SchemaLookup,
) -> Result<(), TranslateError> {
    if !target.distinct_on_as_row_number() {
        return Ok(());
    }
    finish(statement.visit(&mut DistinctOnRows { target, schema }))
}
