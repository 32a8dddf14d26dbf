//! Identifiers that are keywords of the target are quoted (`SELECT x AS isnull` is valid
//! PostgreSQL but a syntax error in SQLite), and quoted names the target reads bare are
//! unquoted (`"#t"`, a T-SQL temporary table). Only names of columns, tables and aliases are
//! touched; function names keep their spelling.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AssignmentTarget, Expr, Ident, ObjectName, ObjectNamePart, Select, SelectItem, Statement,
    TableFactor, VisitMut, VisitorMut,
};

use crate::TargetDialect;

struct Identifiers<'a> {
    target: &'a dyn TargetDialect,
}

impl Identifiers<'_> {
    fn quote(&self, ident: &mut Ident) {
        if ident.quote_style.is_none() && self.target.is_keyword(&ident.value) {
            ident.quote_style = Some('"');
        } else if ident.quote_style == Some('"') && self.target.unquotes_identifier(&ident.value) {
            ident.quote_style = None;
        }
    }

    fn quote_name(&self, name: &mut ObjectName) {
        for part in &mut name.0 {
            if let ObjectNamePart::Identifier(ident) = part {
                self.quote(ident);
            }
        }
    }
}

impl VisitorMut for Identifiers<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(ident) => self.quote(ident),
            Expr::CompoundIdentifier(parts) => parts.iter_mut().for_each(|p| self.quote(p)),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        for item in &mut select.projection {
            if let SelectItem::ExprWithAlias { alias, .. } = item {
                self.quote(alias);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            alias: Some(alias), ..
        }
        | TableFactor::Derived {
            alias: Some(alias), ..
        } = factor
        {
            self.quote(&mut alias.name);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &mut ObjectName) -> ControlFlow<()> {
        self.quote_name(relation);
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &mut Statement) -> ControlFlow<()> {
        match statement {
            Statement::CreateTable(create) => {
                for column in &mut create.columns {
                    self.quote(&mut column.name);
                }
            }
            Statement::Insert(insert) => insert.columns.iter_mut().for_each(|c| self.quote_name(c)),
            Statement::Update(update) => {
                for assignment in &mut update.assignments {
                    if let AssignmentTarget::ColumnName(name) = &mut assignment.target {
                        self.quote_name(name);
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn run(statement: &mut Statement, target: &dyn TargetDialect) {
    let _ = statement.visit(&mut Identifiers { target });
}
