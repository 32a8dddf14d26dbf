//! Static type inference with PostgreSQL's rules, before anything runs.
//!
//! Drivers (pgx, pgjdbc, psycopg) send Parse + Describe and act on the parameter and column types
//! before a single row exists, so the types must come from the statement itself: column types
//! from the schema, PostgreSQL's rules for literals, operators, functions, casts and aggregates,
//! and parameter types from their context (`id = $1` gives `$1` the type of `id`).

mod ctes;
mod expressions;
mod operand_types;
mod parameters;
mod scales;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, ObjectName, Query, SelectItem, SetExpr, Statement, TableFactor, TableObject,
    TableWithJoins, Visit, Visitor,
};

use crate::PgType;
use expressions::expr_type;
pub(crate) use expressions::function_args;
pub(crate) use operand_types::{OperandTypes, WantedTypes, is_comparison, operator_types};
use parameters::Parameters;
pub(crate) use scales::expr_scale;

/// Where inference reads table definitions from.
pub trait SchemaLookup {
    /// The columns of a table (name and type, in order), or `None` when there is no such table.
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>>;

    /// The type modifiers (`atttypmod`, -1 for none) of a table's columns, in the order of
    /// [`SchemaLookup::table_columns`]: a `numeric(10,2)` column gives its values two digits
    /// after the point. `None` (the default) when the lookup keeps no modifiers.
    fn type_modifiers(&self, table: &str) -> Option<Vec<i32>> {
        let _ = table;
        None
    }
}

/// The scale of a `numeric(p, s)` type modifier (`((p << 16) | s) + 4`), `None` for -1.
pub(crate) fn numeric_scale_of(type_modifier: i32) -> Option<u32> {
    u32::try_from(type_modifier.checked_sub(4)?)
        .ok()
        .map(|packed| packed & 0xffff)
}

/// A result column as PostgreSQL would name and type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredColumn {
    pub name: String,
    /// `None` when inference cannot tell; the backend's own metadata decides then.
    pub pg_type: Option<PgType>,
    /// The type modifier an explicit cast gives (`::numeric(10,2)`, `::varchar(5)`), -1 for
    /// none: RowDescription reports it, and values are rounded or cut to it.
    pub type_modifier: i32,
    /// For a numeric column, the scale PostgreSQL gives every one of its values (the digits
    /// after the point: `numeric(10,2)` columns, their `sum`, `a * b` adding the scales, a
    /// literal's own digits); `None` when the values may differ or the rules do not say.
    pub scale: Option<u32>,
}

/// The types of a statement's parameters and result columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementTypes {
    /// Indexed by parameter number - 1; `None` where the context does not decide.
    pub parameters: Vec<Option<PgType>>,
    /// `None` when the statement returns no rows.
    pub columns: Option<Vec<InferredColumn>>,
}

/// Infers the parameter and result types of a PostgreSQL statement.
pub fn infer(statement: &Statement, schema: &dyn SchemaLookup) -> StatementTypes {
    crate::nesting::with_stack_for(statement, || infer_on_stack(statement, schema))
}

/// [`infer`] on the caller's stack: for callers already running on a stack sized for the
/// statement's nesting (the rewrite passes, inside [`crate::nesting::with_stack_for`]).
pub(crate) fn infer_on_stack(statement: &Statement, schema: &dyn SchemaLookup) -> StatementTypes {
    let with_ctes = ctes::with_ctes(statement, schema);
    let schema: &dyn SchemaLookup = &with_ctes;
    let scope = Scope::of_statement(statement, schema);
    let columns = match statement {
        Statement::Query(query) => Some(query_columns(query, &Scope::empty(schema))),
        Statement::Insert(insert) => insert
            .returning
            .as_ref()
            .map(|items| projection(items, &scope)),
        Statement::Update(update) => update
            .returning
            .as_ref()
            .map(|items| projection(items, &scope)),
        Statement::Delete(delete) => delete
            .returning
            .as_ref()
            .map(|items| projection(items, &scope)),
        _ => None,
    };
    StatementTypes {
        parameters: parameter_types(statement, &scope),
        columns,
    }
}

/// The types of `statement`'s parameters (indexed by number - 1), seen from `scope`, the scope
/// of the whole statement.
fn parameter_types(statement: &Statement, scope: &Scope<'_>) -> Vec<Option<PgType>> {
    let mut parameters = Parameters {
        scope,
        types: HashMap::new(),
        highest: 0,
    };
    let _ = statement.visit(&mut parameters);
    parameters.assign_by_statement_shape(statement);
    let mut types = vec![None; parameters.highest];
    for (index, pg_type) in parameters.types {
        if let Some(slot) = types.get_mut(index - 1) {
            *slot = Some(pg_type);
        }
    }
    types
}

/// Runs `visit` with the scope of every table `statement` names (its CTEs included): the
/// context in which the rewrite passes ask for the types of an expression.
fn with_statement_scope<R>(
    statement: &Statement,
    schema: &dyn SchemaLookup,
    visit: impl FnOnce(&Scope<'_>) -> R,
) -> R {
    let with_ctes = ctes::with_ctes(statement, schema);
    let scope = Scope::of_statement(statement, &with_ctes);
    visit(&scope)
}

/// A column in scope: its name, type, and the scale all its values have (see
/// [`InferredColumn::scale`]).
#[derive(Debug, Clone)]
struct ScopeColumn {
    name: String,
    pg_type: PgType,
    scale: Option<u32>,
}

impl ScopeColumn {
    fn new(name: String, pg_type: PgType, scale: Option<u32>) -> ScopeColumn {
        ScopeColumn {
            name,
            pg_type,
            scale,
        }
    }
}

/// A table in scope: its name, the alias it goes by, and its columns.
#[derive(Debug, Clone)]
struct ScopeTable {
    name: String,
    alias: Option<String>,
    columns: Vec<ScopeColumn>,
}

impl ScopeTable {
    /// True when `qualifier` (`u` in `u.id`) refers to this table.
    fn answers_to(&self, qualifier: &str) -> bool {
        self.alias
            .as_deref()
            .is_some_and(|alias| alias.eq_ignore_ascii_case(qualifier))
            || self.name.eq_ignore_ascii_case(qualifier)
    }
}

/// The tables an expression can see, and where to look up the tables of a subquery.
pub(crate) struct Scope<'a> {
    schema: &'a dyn SchemaLookup,
    tables: Vec<ScopeTable>,
}

impl<'a> Scope<'a> {
    fn empty(schema: &'a dyn SchemaLookup) -> Scope<'a> {
        Scope {
            schema,
            tables: Vec::new(),
        }
    }

    /// Every table a statement reads or writes, subqueries included: the context that gives
    /// parameters their types.
    fn of_statement(statement: &Statement, schema: &'a dyn SchemaLookup) -> Scope<'a> {
        let mut scope = Scope::empty(schema);
        let _ = statement.visit(&mut scope);
        if let Statement::Insert(insert) = statement
            && let TableObject::TableName(name) = &insert.table
        {
            scope.add(name, None);
        }
        scope
    }

    /// The tables of one `FROM` list, seen from `outer` (so correlated columns resolve).
    fn of_from<'f>(
        from: impl IntoIterator<Item = &'f TableWithJoins>,
        outer: &Scope<'a>,
    ) -> Scope<'a> {
        let mut scope = Scope::empty(outer.schema);
        for table in from {
            let _ = table.visit(&mut scope);
        }
        // Inner tables come first, so they shadow the outer ones.
        scope.tables.extend(outer.tables.iter().cloned());
        scope
    }

    fn add(&mut self, name: &ObjectName, alias: Option<&str>) {
        let Some(last) = name.0.last().and_then(|part| part.as_ident()) else {
            return;
        };
        let already_in_scope = alias.is_none()
            && self
                .tables
                .iter()
                .any(|table| table.name.eq_ignore_ascii_case(&last.value));
        if already_in_scope {
            return;
        }
        if let Some(columns) = self.schema.table_columns(&last.value) {
            let modifiers = self.schema.type_modifiers(&last.value).unwrap_or_default();
            let columns = columns
                .into_iter()
                .enumerate()
                .map(|(i, (name, pg_type))| {
                    let modifier = modifiers.get(i).copied().unwrap_or(-1);
                    let scale = match pg_type {
                        PgType::Numeric => numeric_scale_of(modifier),
                        integer if integer.is_integer() => Some(0),
                        _ => None,
                    };
                    ScopeColumn::new(name, pg_type, scale)
                })
                .collect();
            self.tables.push(ScopeTable {
                name: last.value.clone(),
                alias: alias.map(str::to_owned),
                columns,
            });
        }
    }

    fn table(&self, name: &str) -> Option<&ScopeTable> {
        self.tables.iter().find(|table| table.answers_to(name))
    }

    fn find_column(&self, qualifier: Option<&str>, column: &str) -> Option<&ScopeColumn> {
        self.tables
            .iter()
            .filter(|table| qualifier.is_none_or(|q| table.answers_to(q)))
            .flat_map(|table| table.columns.iter())
            .find(|found| found.name.eq_ignore_ascii_case(column))
    }

    fn column(&self, qualifier: Option<&str>, column: &str) -> Option<PgType> {
        self.find_column(qualifier, column)
            .map(|found| found.pg_type)
    }

    /// The column an identifier (`amount`, `o.amount`, `public.o.amount`) refers to.
    fn referenced(&self, expr: &Expr) -> Option<&ScopeColumn> {
        match expr {
            Expr::Identifier(ident) => self.find_column(None, &ident.value),
            Expr::CompoundIdentifier(parts) => {
                let column = parts.last()?;
                let qualifier = parts.len().checked_sub(2).map(|i| parts[i].value.as_str());
                self.find_column(qualifier, &column.value)
            }
            _ => None,
        }
    }

    fn all_columns(&self, qualifier: Option<&str>) -> Vec<InferredColumn> {
        self.tables
            .iter()
            .filter(|table| qualifier.is_none_or(|q| table.answers_to(q)))
            .flat_map(|table| table.columns.iter())
            .map(|column| InferredColumn {
                name: column.name.clone(),
                pg_type: Some(column.pg_type),
                type_modifier: -1,
                scale: column.scale,
            })
            .collect()
    }
}

impl Visitor for Scope<'_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        match factor {
            // `generate_series(a, b [, step]) [AS g [(i)]]`: one column, typed by its bounds.
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                ..
            } if name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .is_some_and(|ident| ident.value.eq_ignore_ascii_case("generate_series")) =>
            {
                let bound_types = args.args.iter().take(2).filter_map(|arg| match arg {
                    sqlparser::ast::FunctionArg::Unnamed(
                        sqlparser::ast::FunctionArgExpr::Expr(expr),
                    ) => expr_type(expr, &Scope::empty(self.schema)),
                    _ => None,
                });
                let pg_type = match bound_types
                    .map(resolve_unknown)
                    .reduce(|a, b| union_type(Some(a), Some(b)).unwrap_or(a))
                    .unwrap_or(PgType::Int4)
                {
                    // A series of dates is one of timestamptz (date + interval, resolved).
                    PgType::Date => PgType::Timestamptz,
                    other => other,
                };
                let table = alias
                    .as_ref()
                    .map_or("generate_series", |a| a.name.value.as_str());
                let column = alias
                    .as_ref()
                    .and_then(|a| a.columns.first())
                    .map_or(table, |c| c.name.value.as_str());
                self.tables.push(ScopeTable {
                    name: table.to_owned(),
                    alias: None,
                    columns: vec![ScopeColumn::new(column.to_owned(), pg_type, None)],
                });
            }
            TableFactor::Table { name, alias, .. } => {
                self.add(name, alias.as_ref().map(|a| a.name.value.as_str()));
            }
            // `(SELECT ..) AS s` and `(VALUES ..) AS v(x)`: a table typed by its own query.
            TableFactor::Derived {
                subquery,
                alias: Some(alias),
                ..
            } => {
                let columns = query_columns(subquery, &Scope::empty(self.schema))
                    .into_iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let name = alias
                            .columns
                            .get(i)
                            .map_or(column.name, |c| c.name.value.clone());
                        let pg_type = column.pg_type.unwrap_or(PgType::Text);
                        ScopeColumn::new(name, pg_type, column.scale)
                    })
                    .collect();
                self.tables.push(ScopeTable {
                    name: alias.name.value.clone(),
                    alias: None,
                    columns,
                });
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        // UPDATE and DELETE targets, which are relations but not table factors of a FROM; a
        // table factor's own name arrives here too and is already in scope.
        self.add(relation, None);
        ControlFlow::Continue(())
    }
}

/// The result columns of a query, with `outer` the scope it is nested in.
fn query_columns(query: &Query, outer: &Scope<'_>) -> Vec<InferredColumn> {
    set_expr_columns(&query.body, outer)
}

fn set_expr_columns(body: &SetExpr, outer: &Scope<'_>) -> Vec<InferredColumn> {
    match body {
        SetExpr::Select(select) => {
            let scope = Scope::of_from(&select.from, outer);
            projection(&select.projection, &scope)
        }
        SetExpr::Query(query) => query_columns(query, outer),
        SetExpr::SetOperation { left, right, .. } => {
            let mut columns = set_expr_columns(left, outer);
            let right = set_expr_columns(right, outer);
            for (column, other) in columns.iter_mut().zip(right) {
                column.pg_type = union_type(column.pg_type, other.pg_type);
                column.scale = column.scale.filter(|scale| other.scale == Some(*scale));
            }
            columns
        }
        SetExpr::Values(values) => values
            .rows
            .first()
            .map(|row| {
                row.content
                    .iter()
                    .enumerate()
                    .map(|(i, expr)| InferredColumn {
                        name: format!("column{}", i + 1),
                        pg_type: expr_type(expr, outer).map(resolve_unknown),
                        type_modifier: -1,
                        scale: scales::same_scale(
                            values.rows.iter().filter_map(|row| row.content.get(i)),
                            outer,
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The type of a `UNION` column: numeric types widen (`int4` and `int8` give `int8`), an
/// unknown side takes the other's type.
fn union_type(left: Option<PgType>, right: Option<PgType>) -> Option<PgType> {
    match (left, right) {
        (None | Some(PgType::Unknown), other) => other.or(left),
        (Some(l), Some(r)) if l.is_numeric() && r.is_numeric() => {
            Some(expressions::wider_numeric(l, r))
        }
        (l, _) => l,
    }
}

fn projection(items: &[SelectItem], scope: &Scope) -> Vec<InferredColumn> {
    let mut out = Vec::new();
    for item in items {
        match item {
            SelectItem::UnnamedExpr(expr) => out.push(InferredColumn {
                name: column_name(expr),
                pg_type: expr_type(expr, scope).map(resolve_unknown),
                type_modifier: cast_modifier(expr),
                scale: expr_scale(expr, scope),
            }),
            SelectItem::ExprWithAlias { expr, alias } => out.push(InferredColumn {
                name: alias.value.clone(),
                pg_type: expr_type(expr, scope).map(resolve_unknown),
                type_modifier: cast_modifier(expr),
                scale: expr_scale(expr, scope),
            }),
            SelectItem::Wildcard(_) => out.extend(scope.all_columns(None)),
            SelectItem::QualifiedWildcard(kind, _) => {
                let qualifier = kind.to_string();
                let qualifier = qualifier.trim_end_matches(".*");
                let qualifier = qualifier.rsplit('.').next().unwrap_or(qualifier);
                out.extend(scope.all_columns(Some(qualifier.trim_matches('"'))));
            }
            SelectItem::ExprWithAliases { expr, aliases } => out.push(InferredColumn {
                name: aliases.first().map(|a| a.value.clone()).unwrap_or_default(),
                pg_type: expr_type(expr, scope).map(resolve_unknown),
                type_modifier: cast_modifier(expr),
                scale: expr_scale(expr, scope),
            }),
        }
    }
    out
}

/// The type modifier of an outermost explicit cast (`x::numeric(10,2)`), else -1.
fn cast_modifier(expr: &Expr) -> i32 {
    match expr {
        Expr::Cast { data_type, .. } => crate::schema::type_modifier(data_type),
        Expr::Nested(inner) => cast_modifier(inner),
        _ => -1,
    }
}

/// A literal of unknown type is reported as text, as PostgreSQL does in a select list.
fn resolve_unknown(pg_type: PgType) -> PgType {
    if pg_type == PgType::Unknown {
        PgType::Text
    } else {
        pg_type
    }
}

/// The name PostgreSQL gives an unaliased result column.
pub fn column_name(expr: &Expr) -> String {
    match expr {
        Expr::Identifier(ident) => ident.value.clone(),
        Expr::CompoundIdentifier(parts) => {
            parts.last().map(|p| p.value.clone()).unwrap_or_default()
        }
        Expr::Function(function) => function
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.to_ascii_lowercase())
            .unwrap_or_else(|| "?column?".to_owned()),
        Expr::Cast {
            expr, data_type, ..
        } => match column_name(expr).as_str() {
            "?column?" => crate::passes::object_references::reference_type(data_type)
                .map(str::to_owned)
                .or_else(|| PgType::from_data_type(data_type).map(|t| t.name().to_owned()))
                .unwrap_or_else(|| "?column?".to_owned()),
            name => name.to_owned(),
        },
        Expr::Nested(inner) => column_name(inner),
        // `indkey[0]` is `indkey`; `(record).field` is `field`.
        Expr::CompoundFieldAccess { root, access_chain } => match access_chain.last() {
            Some(sqlparser::ast::AccessExpr::Dot(Expr::Identifier(field))) => field.value.clone(),
            _ => crate::passes::arrays::subscripted(root, access_chain)
                .map_or_else(|| column_name(root), |(array, _)| column_name(&array)),
        },
        // PostgreSQL reads `true` and `false` as `'t'::bool`.
        Expr::Value(value) if matches!(value.value, sqlparser::ast::Value::Boolean(_)) => {
            "bool".to_owned()
        }
        // A scalar subquery is named after its one column (`(SELECT max(x) ..)` is `max`).
        Expr::Subquery(query) => match query.body.as_ref() {
            SetExpr::Select(select) => match select.projection.first() {
                Some(SelectItem::UnnamedExpr(expr)) => column_name(expr),
                Some(SelectItem::ExprWithAlias { alias, .. }) => alias.value.clone(),
                _ => "?column?".to_owned(),
            },
            _ => "?column?".to_owned(),
        },
        Expr::Case { .. } => "case".to_owned(),
        Expr::Exists { .. } => "exists".to_owned(),
        Expr::Extract { .. } => "extract".to_owned(),
        Expr::TypedString(typed) => PgType::from_data_type(&typed.data_type)
            .map(|t| t.name().to_owned())
            .unwrap_or_else(|| "?column?".to_owned()),
        _ => "?column?".to_owned(),
    }
}
