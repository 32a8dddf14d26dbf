//! The column types of the tables a case file created, followed from its DDL the way pgbridge's
//! type registry follows it, so that the MySQL translation can type columns.

use std::collections::HashMap;

use pgbridge_dialects::{PgType, SchemaChange, SchemaLookup};

/// Tables by lower-case name, with their columns in order.
#[derive(Debug, Default)]
pub struct SchemaRegistry {
    tables: HashMap<String, Vec<(String, PgType)>>,
}

impl SchemaRegistry {
    /// Follows one schema change of a statement that succeeded.
    pub fn apply(&mut self, change: SchemaChange) {
        match change {
            SchemaChange::CreateTable { table, columns } => {
                let columns = columns.into_iter().map(|c| (c.name, c.pg_type)).collect();
                self.tables.insert(table.to_lowercase(), columns);
            }
            SchemaChange::AddColumns { table, columns } => {
                if let Some(existing) = self.tables.get_mut(&table.to_lowercase()) {
                    existing.extend(columns.into_iter().map(|c| (c.name, c.pg_type)));
                }
            }
            SchemaChange::DropColumn { table, column } => {
                if let Some(existing) = self.tables.get_mut(&table.to_lowercase()) {
                    existing.retain(|(name, _)| !name.eq_ignore_ascii_case(&column));
                }
            }
            SchemaChange::RenameColumn { table, from, to } => {
                if let Some(existing) = self.tables.get_mut(&table.to_lowercase()) {
                    for (name, _) in existing.iter_mut() {
                        if name.eq_ignore_ascii_case(&from) {
                            name.clone_from(&to);
                        }
                    }
                }
            }
            SchemaChange::RenameTable { from, to } => {
                if let Some(columns) = self.tables.remove(&from.to_lowercase()) {
                    self.tables.insert(to.to_lowercase(), columns);
                }
            }
            SchemaChange::DropTables { tables } => {
                for table in tables {
                    self.tables.remove(&table.to_lowercase());
                }
            }
        }
    }
}

impl SchemaLookup for SchemaRegistry {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        self.tables.get(&table.to_lowercase()).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow(registry: &mut SchemaRegistry, sql: &str) {
        for statement in pgbridge_dialects::parse(sql).expect("parses") {
            if let Some(change) = pgbridge_dialects::schema_change(&statement) {
                registry.apply(change);
            }
        }
    }

    #[test]
    fn follows_create_alter_and_drop() {
        let mut registry = SchemaRegistry::default();
        follow(&mut registry, "CREATE TABLE T (a int, b text)");
        follow(&mut registry, "ALTER TABLE t ADD COLUMN c numeric");
        follow(&mut registry, "ALTER TABLE t RENAME COLUMN a TO id");
        assert_eq!(
            registry.table_columns("t"),
            Some(vec![
                ("id".to_owned(), PgType::Int4),
                ("b".to_owned(), PgType::Text),
                ("c".to_owned(), PgType::Numeric),
            ])
        );
        follow(&mut registry, "DROP TABLE t");
        assert_eq!(registry.table_columns("t"), None);
    }
}
