//! Static type inference with PostgreSQL's rules, before anything runs.
//!
//! Drivers (pgx, pgjdbc, psycopg) send Parse + Describe and act on the parameter and column types
//! before a single row exists, so the types must come from the statement itself: column types
//! from the schema, PostgreSQL's rules for literals, operators, functions, casts and aggregates,
//! and parameter types from their context (`id = $1` gives `$1` the type of `id`).

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    AssignmentTarget, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    InTarget, LimitClause, ObjectName, Query, SelectItem, SetExpr, Statement, TableFactor, TableObject,
    UnaryOperator, Value, Visit, Visitor,
};

use crate::PgType;
use crate::passes::placeholders::parse_index;

/// Where inference reads table definitions from.
pub trait SchemaLookup {
    /// The columns of a table (name and type, in order), or `None` when there is no such table.
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>>;
}

/// A result column as PostgreSQL would name and type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredColumn {
    pub name: String,
    /// `None` when inference cannot tell; the backend's own metadata decides then.
    pub pg_type: Option<PgType>,
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
    let scope = Scope::of_statement(statement, schema);
    let columns = match statement {
        Statement::Query(query) => Some(query_columns(query, schema)),
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
    let mut parameters = Parameters {
        scope: &scope,
        types: HashMap::new(),
        highest: 0,
    };
    let _ = statement.visit(&mut parameters);
    parameters.from_statement(statement);
    let mut types = vec![None; parameters.highest];
    for (index, pg_type) in parameters.types {
        if let Some(slot) = types.get_mut(index - 1) {
            *slot = Some(pg_type);
        }
    }
    StatementTypes {
        parameters: types,
        columns,
    }
}

/// The tables a statement reads or writes, by name and alias.
struct Scope {
    /// (name or alias, columns); the same table may appear under both.
    tables: Vec<(String, Vec<(String, PgType)>)>,
}

impl Scope {
    fn of_statement(statement: &Statement, schema: &dyn SchemaLookup) -> Scope {
        let mut collector = TableCollector {
            schema,
            tables: Vec::new(),
        };
        let _ = statement.visit(&mut collector);
        if let Statement::Insert(insert) = statement
            && let TableObject::TableName(name) = &insert.table
        {
            collector.add(name, None);
        }
        Scope {
            tables: collector.tables,
        }
    }

    fn column(&self, qualifier: Option<&str>, column: &str) -> Option<PgType> {
        self.tables
            .iter()
            .filter(|(name, _)| qualifier.is_none_or(|q| q.eq_ignore_ascii_case(name)))
            .flat_map(|(_, columns)| columns.iter())
            .find(|(name, _)| name.eq_ignore_ascii_case(column))
            .map(|(_, pg_type)| *pg_type)
    }

    fn all_columns(&self, qualifier: Option<&str>) -> Vec<InferredColumn> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (name, columns) in &self.tables {
            if qualifier.is_some_and(|q| !q.eq_ignore_ascii_case(name)) {
                continue;
            }
            // A table listed under its name and its alias is expanded once.
            if seen.contains(&columns) {
                continue;
            }
            seen.push(columns);
            out.extend(columns.iter().map(|(column, pg_type)| InferredColumn {
                name: column.clone(),
                pg_type: Some(*pg_type),
            }));
        }
        out
    }
}

struct TableCollector<'a> {
    schema: &'a dyn SchemaLookup,
    tables: Vec<(String, Vec<(String, PgType)>)>,
}

impl TableCollector<'_> {
    fn add(&mut self, name: &ObjectName, alias: Option<&str>) {
        let Some(last) = name.0.last().and_then(|part| part.as_ident()) else {
            return;
        };
        let Some(columns) = self.schema.table_columns(&last.value) else {
            return;
        };
        if let Some(alias) = alias {
            self.tables.push((alias.to_owned(), columns.clone()));
        }
        self.tables.push((last.value.clone(), columns));
    }
}

impl Visitor for TableCollector<'_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, alias, .. } = factor {
            self.add(name, alias.as_ref().map(|a| a.name.value.as_str()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        // UPDATE and DELETE targets, which are relations but not table factors of a FROM.
        if !self
            .tables
            .iter()
            .any(|(name, _)| relation.0.last().and_then(|p| p.as_ident()).is_some_and(|i| i.value == *name))
        {
            self.add(relation, None);
        }
        ControlFlow::Continue(())
    }
}

fn query_columns(query: &Query, schema: &dyn SchemaLookup) -> Vec<InferredColumn> {
    set_expr_columns(&query.body, schema)
}

fn set_expr_columns(body: &SetExpr, schema: &dyn SchemaLookup) -> Vec<InferredColumn> {
    match body {
        SetExpr::Select(select) => {
            let mut collector = TableCollector {
                schema,
                tables: Vec::new(),
            };
            for table in &select.from {
                let _ = table.visit(&mut collector);
            }
            let scope = Scope {
                tables: collector.tables,
            };
            projection(&select.projection, &scope)
        }
        SetExpr::Query(query) => query_columns(query, schema),
        SetExpr::SetOperation { left, right, .. } => {
            let mut columns = set_expr_columns(left, schema);
            let right = set_expr_columns(right, schema);
            for (column, other) in columns.iter_mut().zip(right) {
                if column.pg_type.is_none() || column.pg_type == Some(PgType::Unknown) {
                    column.pg_type = other.pg_type;
                }
            }
            columns
        }
        SetExpr::Values(values) => {
            let scope = Scope { tables: vec![] };
            values
                .rows
                .first()
                .map(|row| {
                    row.content
                        .iter()
                        .enumerate()
                        .map(|(i, expr)| InferredColumn {
                            name: format!("column{}", i + 1),
                            pg_type: expr_type(expr, &scope).map(resolve_unknown),
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn projection(items: &[SelectItem], scope: &Scope) -> Vec<InferredColumn> {
    let mut out = Vec::new();
    for item in items {
        match item {
            SelectItem::UnnamedExpr(expr) => out.push(InferredColumn {
                name: column_name(expr),
                pg_type: expr_type(expr, scope).map(resolve_unknown),
            }),
            SelectItem::ExprWithAlias { expr, alias } => out.push(InferredColumn {
                name: alias.value.clone(),
                pg_type: expr_type(expr, scope).map(resolve_unknown),
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
            }),
        }
    }
    out
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
        Expr::CompoundIdentifier(parts) => parts.last().map(|p| p.value.clone()).unwrap_or_default(),
        Expr::Function(function) => function
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.to_ascii_lowercase())
            .unwrap_or_else(|| "?column?".to_owned()),
        Expr::Cast { expr, data_type, .. } => match column_name(expr).as_str() {
            "?column?" => PgType::from_data_type(data_type)
                .map(|t| t.name().to_owned())
                .unwrap_or_else(|| "?column?".to_owned()),
            name => name.to_owned(),
        },
        Expr::Nested(inner) => column_name(inner),
        Expr::Case { .. } => "case".to_owned(),
        Expr::Exists { .. } => "exists".to_owned(),
        Expr::Extract { .. } => "extract".to_owned(),
        Expr::TypedString(typed) => PgType::from_data_type(&typed.data_type)
            .map(|t| t.name().to_owned())
            .unwrap_or_else(|| "?column?".to_owned()),
        _ => "?column?".to_owned(),
    }
}

/// The rank of a numeric type in PostgreSQL's implicit promotion order.
fn numeric_rank(pg_type: PgType) -> u8 {
    match pg_type {
        PgType::Int2 => 1,
        PgType::Int4 => 2,
        PgType::Int8 => 3,
        PgType::Numeric => 4,
        PgType::Float4 => 5,
        PgType::Float8 => 6,
        _ => 0,
    }
}

fn arithmetic(left: Option<PgType>, right: Option<PgType>) -> Option<PgType> {
    match (left, right) {
        (Some(l), Some(r)) if l.is_numeric() && r.is_numeric() => {
            Some(if numeric_rank(l) >= numeric_rank(r) { l } else { r })
        }
        (Some(l), Some(PgType::Unknown) | None) => Some(l),
        (Some(PgType::Unknown) | None, Some(r)) => Some(r),
        (Some(l), Some(_)) => Some(l),
        (None, None) => None,
    }
}

fn function_args(function: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn function_type(function: &sqlparser::ast::Function, scope: &Scope) -> Option<PgType> {
    let name = crate::passes::function_name(function);
    let args = function_args(function);
    let first = || args.first().and_then(|e| expr_type(e, scope));
    Some(match name.as_str() {
        "count" | "row_number" | "rank" | "dense_rank" | "ntile" => PgType::Int8,
        "sum" => match first()? {
            PgType::Int2 | PgType::Int4 => PgType::Int8,
            PgType::Int8 | PgType::Numeric => PgType::Numeric,
            PgType::Float4 => PgType::Float4,
            _ => PgType::Float8,
        },
        "avg" => match first()? {
            PgType::Float4 | PgType::Float8 => PgType::Float8,
            _ => PgType::Numeric,
        },
        "min" | "max" | "abs" | "lag" | "lead" | "first_value" | "last_value" | "nth_value" => {
            first()?
        }
        "round" | "trunc" | "ceil" | "ceiling" | "floor" | "sign" => match first()? {
            t if t.is_integer() && name != "round" => t,
            PgType::Float4 | PgType::Float8 => PgType::Float8,
            _ if name == "ceil" || name == "ceiling" || name == "floor" => PgType::Numeric,
            _ => PgType::Numeric,
        },
        "coalesce" | "nullif" | "greatest" | "least" => args
            .iter()
            .filter_map(|e| expr_type(e, scope))
            .find(|t| *t != PgType::Unknown)
            .unwrap_or(PgType::Text),
        "length" | "char_length" | "character_length" | "octet_length" | "strpos"
        | "position" | "bit_length" | "ascii" => PgType::Int4,
        "random" | "sqrt" | "power" | "pow" | "exp" | "ln" | "log" | "pi" | "date_part"
        | "cbrt" | "degrees" | "radians" | "sin" | "cos" | "tan" => PgType::Float8,
        "now" | "current_timestamp" | "transaction_timestamp" | "statement_timestamp"
        | "clock_timestamp" | "to_timestamp" => PgType::Timestamptz,
        "localtimestamp" => PgType::Timestamp,
        "current_date" => PgType::Date,
        "date_trunc" => match args.get(1).and_then(|e| expr_type(e, scope)) {
            Some(PgType::Timestamp) => PgType::Timestamp,
            _ => PgType::Timestamptz,
        },
        "gen_random_uuid" | "uuid_generate_v4" => PgType::Uuid,
        "bool_and" | "bool_or" | "every" | "pg_table_is_visible" | "has_table_privilege"
        | "has_schema_privilege" | "has_database_privilege" => PgType::Bool,
        "json_build_object" | "json_agg" | "to_json" | "row_to_json" | "json_object_agg" => {
            PgType::Json
        }
        "jsonb_build_object" | "jsonb_agg" | "to_jsonb" => PgType::Jsonb,
        "pg_backend_pid" | "txid_current" => {
            if name == "pg_backend_pid" {
                PgType::Int4
            } else {
                PgType::Int8
            }
        }
        "decode" => PgType::Bytea,
        _ => PgType::Text,
    })
}

/// The PostgreSQL type of an expression, where the rules decide it.
fn expr_type(expr: &Expr, scope: &Scope) -> Option<PgType> {
    match expr {
        Expr::Identifier(ident) => scope.column(None, &ident.value),
        Expr::CompoundIdentifier(parts) => {
            let column = parts.last()?;
            let qualifier = parts.len().checked_sub(2).map(|i| parts[i].value.as_str());
            scope.column(qualifier, &column.value)
        }
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => Some(number_type(text)),
            Value::SingleQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::DollarQuotedString(_) => Some(PgType::Unknown),
            Value::Boolean(_) => Some(PgType::Bool),
            _ => None,
        },
        Expr::Cast { data_type, .. } => PgType::from_data_type(data_type),
        Expr::TypedString(typed) => PgType::from_data_type(&typed.data_type),
        Expr::Nested(inner) => expr_type(inner, scope),
        Expr::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => Some(PgType::Bool),
            _ => expr_type(expr, scope),
        },
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => {
                let l = expr_type(left, scope);
                let r = expr_type(right, scope);
                match (l, r, op) {
                    (Some(PgType::Date), Some(t), BinaryOperator::Plus | BinaryOperator::Minus)
                        if t.is_integer() =>
                    {
                        Some(PgType::Date)
                    }
                    (Some(PgType::Date), Some(PgType::Date), BinaryOperator::Minus) => {
                        Some(PgType::Int4)
                    }
                    _ => arithmetic(l, r),
                }
            }
            BinaryOperator::StringConcat => Some(PgType::Text),
            BinaryOperator::Arrow | BinaryOperator::HashArrow => expr_type(left, scope),
            BinaryOperator::LongArrow | BinaryOperator::HashLongArrow => Some(PgType::Text),
            BinaryOperator::BitwiseAnd
            | BinaryOperator::BitwiseOr
            | BinaryOperator::BitwiseXor
            | BinaryOperator::PGBitwiseShiftLeft
            | BinaryOperator::PGBitwiseShiftRight => arithmetic(expr_type(left, scope), expr_type(right, scope)),
            _ => Some(PgType::Bool),
        },
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNotFalse(_)
        | Expr::IsDistinctFrom(_, _)
        | Expr::IsNotDistinctFrom(_, _)
        | Expr::Between { .. }
        | Expr::In { .. }
        | Expr::Exists { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. } => Some(PgType::Bool),
        Expr::Function(function) => function_type(function, scope),
        Expr::Case {
            conditions,
            else_result,
            ..
        } => conditions
            .iter()
            .filter_map(|when| expr_type(&when.result, scope))
            .chain(else_result.iter().filter_map(|e| expr_type(e, scope)))
            .find(|t| *t != PgType::Unknown)
            .or(Some(PgType::Text)),
        Expr::Subquery(query) => {
            let mut columns = Vec::new();
            if let SetExpr::Select(select) = query.body.as_ref() {
                let mut collector = TableCollector {
                    schema: &NoSchema,
                    tables: scope.tables.clone(),
                };
                for table in &select.from {
                    let _ = table.visit(&mut collector);
                }
                let inner = Scope {
                    tables: collector.tables,
                };
                columns = projection(&select.projection, &inner);
            }
            columns.first().and_then(|c| c.pg_type)
        }
        Expr::Extract { .. } => Some(PgType::Numeric),
        Expr::Substring { .. } | Expr::Trim { .. } | Expr::Overlay { .. } => Some(PgType::Text),
        Expr::Position { .. } => Some(PgType::Int4),
        Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => match expr_type(expr, scope) {
            Some(PgType::Float4 | PgType::Float8) => Some(PgType::Float8),
            _ => Some(PgType::Numeric),
        },
        Expr::Collate { expr, .. } => expr_type(expr, scope),
        Expr::AtTimeZone { timestamp, .. } => match expr_type(timestamp, scope) {
            Some(PgType::Timestamp) => Some(PgType::Timestamptz),
            _ => Some(PgType::Timestamp),
        },
        Expr::Interval(_) => Some(PgType::Interval),
        _ => None,
    }
}

struct NoSchema;

impl SchemaLookup for NoSchema {
    fn table_columns(&self, _table: &str) -> Option<Vec<(String, PgType)>> {
        None
    }
}

/// The type of a numeric literal: int4 if it fits, then int8, else numeric.
fn number_type(text: &str) -> PgType {
    if text.contains(['.', 'e', 'E']) {
        PgType::Numeric
    } else if text.parse::<i32>().is_ok() {
        PgType::Int4
    } else if text.parse::<i64>().is_ok() {
        PgType::Int8
    } else {
        PgType::Numeric
    }
}

/// Collects parameter types from their context.
struct Parameters<'a> {
    scope: &'a Scope,
    types: HashMap<usize, PgType>,
    highest: usize,
}

fn placeholder_index(expr: &Expr) -> Option<usize> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::Placeholder(text) => parse_index(text),
            _ => None,
        },
        Expr::Nested(inner) => placeholder_index(inner),
        _ => None,
    }
}

impl Parameters<'_> {
    fn assign(&mut self, expr: &Expr, pg_type: Option<PgType>) {
        if let (Some(index), Some(pg_type)) = (placeholder_index(expr), pg_type)
            && pg_type != PgType::Unknown
        {
            self.types.entry(index).or_insert(pg_type);
        }
    }

    /// Parameters placed by statement shape: INSERT values, UPDATE assignments, LIMIT/OFFSET.
    fn from_statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Insert(insert) => {
                let TableObject::TableName(name) = &insert.table else {
                    return;
                };
                let table = name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.value.clone())
                    .unwrap_or_default();
                let columns: Vec<String> = if insert.columns.is_empty() {
                    self.scope
                        .tables
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(&table))
                        .map(|(_, cols)| cols.iter().map(|(c, _)| c.clone()).collect())
                        .unwrap_or_default()
                } else {
                    insert.columns.iter().map(|c| c.to_string().trim_matches('"').to_owned()).collect()
                };
                if let Some(source) = &insert.source
                    && let SetExpr::Values(values) = source.body.as_ref()
                {
                    for row in &values.rows {
                        for (expr, column) in row.content.iter().zip(&columns) {
                            let pg_type = self.scope.column(Some(&table), column);
                            self.assign(expr, pg_type);
                        }
                    }
                }
            }
            Statement::Update(update) => {
                for assignment in &update.assignments {
                    if let AssignmentTarget::ColumnName(name) = &assignment.target {
                        let column = name.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone());
                        let pg_type = column.and_then(|c| self.scope.column(None, &c));
                        self.assign(&assignment.value, pg_type);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Visitor for Parameters<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(LimitClause::LimitOffset { limit, offset, .. }) = &query.limit_clause {
            if let Some(limit) = limit {
                self.assign(limit, Some(PgType::Int8));
            }
            if let Some(offset) = offset {
                self.assign(&offset.value, Some(PgType::Int8));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Some(index) = placeholder_index(expr) {
            self.highest = self.highest.max(index);
        }
        match expr {
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (expr_type(left, self.scope), expr_type(right, self.scope));
                match op {
                    BinaryOperator::StringConcat => {
                        self.assign(left, Some(PgType::Text));
                        self.assign(right, Some(PgType::Text));
                    }
                    BinaryOperator::And | BinaryOperator::Or => {
                        self.assign(left, Some(PgType::Bool));
                        self.assign(right, Some(PgType::Bool));
                    }
                    _ => {
                        self.assign(left, r);
                        self.assign(right, l);
                    }
                }
            }
            Expr::Cast {
                expr: inner,
                data_type,
                ..
            } => self.assign(inner, PgType::from_data_type(data_type)),
            Expr::In {
                expr,
                target: InTarget::List(list),
                ..
            } => {
                let t = expr_type(expr, self.scope);
                for item in list {
                    self.assign(item, t);
                }
                let item_type = list.iter().find_map(|e| expr_type(e, self.scope));
                self.assign(expr, item_type);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let t = expr_type(expr, self.scope);
                self.assign(low, t);
                self.assign(high, t);
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                self.assign(expr, Some(PgType::Text));
                self.assign(pattern, Some(PgType::Text));
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => self.assign(expr, Some(PgType::Bool)),
            Expr::IsTrue(inner) | Expr::IsFalse(inner) => self.assign(inner, Some(PgType::Bool)),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}
