//! The schema of the session's MySQL database as the emulated catalog needs it
//! ([`SchemaDescription`]), read from `information_schema` and the type registry: tables and
//! views, columns with PostgreSQL types (the registry's where pgbridge created them, else mapped
//! from the MySQL type), `NOT NULL`, defaults as PostgreSQL shows them, the primary key, unique
//! keys, other indexes and foreign keys.
//!
//! MySQL keeps no PostgreSQL constraint names, so which unique index stands for a `UNIQUE`
//! constraint is judged from its name: MySQL names an unnamed one after its first column
//! (`code`, `code_2`); any other name was given by `CREATE UNIQUE INDEX name`. The index InnoDB
//! adds for a foreign key without one (named after the key) is not shown: PostgreSQL has none.

use std::collections::{HashMap, HashSet};

use pgbridge_dialects::PgType;
use pgbridge_proxy::SqlError;
use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{AssertSqlSafe, Row};

use super::errors::classify;
use super::registry;
use super::schema::{column_type, columns_select, read_error};
use crate::backends::catalog_database::{
    ColumnDescription, ForeignKeyDescription, IndexDescription, RelationDescription,
    SchemaDescription,
};

const TABLES_SQL: &str = "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";

/// MariaDB's `JSON` columns are `LONGTEXT` with a `json_valid` check.
const JSON_CHECKS_SQL: &str = "SELECT TABLE_NAME, CHECK_CLAUSE \
     FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

const INDEXES_SQL: &str = "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS \
     WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS_SQL: &str = "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, \
     k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME \
      AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

async fn fetch(connection: &mut MySqlConnection, sql: String) -> Result<Vec<MySqlRow>, SqlError> {
    sqlx::query(AssertSqlSafe(sql))
        .fetch_all(&mut *connection)
        .await
        .map_err(|e| classify(&e))
}

/// A text column of an `information_schema` row (MariaDB may send them as binary strings).
fn text(row: &MySqlRow, index: usize) -> Result<Option<String>, SqlError> {
    let bytes: Option<Vec<u8>> = row.try_get_unchecked(index).map_err(read_error)?;
    Ok(bytes.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

fn required(row: &MySqlRow, index: usize) -> Result<String, SqlError> {
    Ok(text(row, index)?.unwrap_or_default())
}

/// A MySQL column default as PostgreSQL shows the default it was declared with; `None` for no
/// default (MariaDB says `NULL`) and for `AUTO_INCREMENT` (a serial column's sequence is not
/// emulated).
fn postgres_default(default: Option<&str>, pg_type: PgType, extra: &str) -> Option<String> {
    let default = default?.trim();
    if default.eq_ignore_ascii_case("null") || extra.to_ascii_lowercase().contains("auto_increment")
    {
        return None;
    }
    let lower = default.to_ascii_lowercase();
    Some(match (pg_type, lower.as_str()) {
        (PgType::Bool, "1" | "'1'") => "true".to_owned(),
        (PgType::Bool, "0" | "'0'") => "false".to_owned(),
        (_, current) if current.starts_with("current_timestamp") || current.starts_with("now(") => {
            "now()".to_owned()
        }
        // MySQL pads a DECIMAL default to the column's scale (`0.00` for `DEFAULT 0`).
        (PgType::Numeric, number) if number.contains('.') && number.parse::<f64>().is_ok() => {
            number
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned()
        }
        _ => default.to_owned(),
    })
}

/// The column a `json_valid(`col`)` (or `json_valid("col")`) check clause checks.
fn json_checked_column(clause: &str) -> Option<String> {
    let inner = clause
        .trim()
        .strip_prefix("json_valid(")?
        .strip_suffix(')')?;
    inner
        .strip_prefix('`')
        .and_then(|rest| rest.strip_suffix('`'))
        .map(|name| name.replace("``", "`"))
        .or_else(|| {
            inner
                .strip_prefix('"')
                .and_then(|rest| rest.strip_suffix('"'))
                .map(|name| name.replace("\"\"", "\""))
        })
}

/// True when a unique index's name is the one MySQL gives an unnamed `UNIQUE` constraint.
fn names_a_constraint(index: &str, first_column: &str) -> bool {
    index == first_column
        || index
            .strip_prefix(first_column)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Reads the schema of the connection's database.
pub async fn describe(connection: &mut MySqlConnection) -> Result<SchemaDescription, SqlError> {
    let mut schema = Schema::default();
    for row in fetch(connection, TABLES_SQL.to_owned()).await? {
        schema.add_relation(required(&row, 0)?, required(&row, 1)? == "VIEW");
    }
    let registered: HashMap<(String, String), (PgType, i32)> = registry::all_registered(connection)
        .await?
        .into_iter()
        .map(|(table, column, pg_type, modifier)| ((table, column), (pg_type, modifier)))
        .collect();
    let mut json_columns = HashSet::new();
    for row in fetch(connection, JSON_CHECKS_SQL.to_owned()).await? {
        if let Some(column) = json_checked_column(&required(&row, 1)?) {
            json_columns.insert((required(&row, 0)?, column));
        }
    }
    let columns_sql = format!(
        "{} ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
        columns_select("0")
    );
    for row in fetch(connection, columns_sql).await? {
        schema.add_column(&row, &registered, &json_columns)?;
    }
    for row in fetch(connection, FOREIGN_KEYS_SQL.to_owned()).await? {
        schema.add_foreign_key_column(&row)?;
    }
    let mut indexes: Vec<(String, String, bool, Vec<String>)> = Vec::new();
    for row in fetch(connection, INDEXES_SQL.to_owned()).await? {
        let (table, name) = (required(&row, 0)?, required(&row, 1)?);
        let non_unique: i64 = row.try_get_unchecked(2).map_err(read_error)?;
        let Some(column) = text(&row, 3)? else {
            continue;
        };
        match indexes.last_mut() {
            Some(last) if last.0 == table && last.1 == name => last.3.push(column),
            _ => indexes.push((table, name, non_unique == 0, vec![column])),
        }
    }
    for (table, name, unique, columns) in indexes {
        schema.add_index(&table, name, unique, columns);
    }
    Ok(SchemaDescription {
        relations: schema.relations,
    })
}

/// The description being read, relations found by name.
#[derive(Default)]
struct Schema {
    relations: Vec<RelationDescription>,
    position: HashMap<String, usize>,
    /// (table, constraint) of every foreign key, in the order read.
    foreign_keys: Vec<(String, String)>,
}

impl Schema {
    fn add_relation(&mut self, name: String, view: bool) {
        if name == registry::TABLE {
            return;
        }
        self.position.insert(name.clone(), self.relations.len());
        self.relations.push(RelationDescription {
            name,
            view,
            columns: Vec::new(),
            primary_key: Vec::new(),
            unique_keys: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        });
    }

    fn relation(&mut self, table: &str) -> Option<&mut RelationDescription> {
        let index = *self.position.get(table)?;
        self.relations.get_mut(index)
    }

    /// A row of [`columns_select`]: the registry's type where pgbridge created the column.
    fn add_column(
        &mut self,
        row: &MySqlRow,
        registered: &HashMap<(String, String), (PgType, i32)>,
        json_columns: &HashSet<(String, String)>,
    ) -> Result<(), SqlError> {
        let table = required(row, 7)?;
        let (name, mut mapped, modifier) = column_type(row)?;
        let key = (table, name);
        if required(row, 1)?.eq_ignore_ascii_case("longtext") && json_columns.contains(&key) {
            mapped = PgType::Json;
        }
        let (pg_type, type_modifier) = registered.get(&key).copied().unwrap_or((mapped, modifier));
        let extra = text(row, 10)?.unwrap_or_default();
        let column = ColumnDescription {
            default: postgres_default(text(row, 9)?.as_deref(), pg_type, &extra),
            not_null: required(row, 8)? == "NO",
            name: key.1,
            pg_type,
            type_modifier,
        };
        if let Some(relation) = self.relation(&key.0) {
            relation.columns.push(column);
        }
        Ok(())
    }

    /// A row of `FOREIGN_KEYS_SQL`: one column of a key (rows of one key come together).
    fn add_foreign_key_column(&mut self, row: &MySqlRow) -> Result<(), SqlError> {
        let key = (required(row, 0)?, required(row, 1)?);
        let same_key = self.foreign_keys.last() == Some(&key);
        let (column, referenced_table) = (required(row, 2)?, required(row, 3)?);
        let referenced_column = required(row, 4)?;
        let (on_update, on_delete) = (
            ForeignKeyDescription::action(&required(row, 5)?),
            ForeignKeyDescription::action(&required(row, 6)?),
        );
        let Some(relation) = self.relation(&key.0) else {
            return Ok(());
        };
        match relation.foreign_keys.last_mut() {
            Some(last) if same_key => {
                last.columns.push(column);
                last.referenced_columns.push(referenced_column);
            }
            _ => {
                relation.foreign_keys.push(ForeignKeyDescription {
                    columns: vec![column],
                    referenced_table,
                    referenced_columns: vec![referenced_column],
                    on_update,
                    on_delete,
                });
                self.foreign_keys.push(key);
            }
        }
        Ok(())
    }

    /// An index: the primary key, an unnamed `UNIQUE` constraint, InnoDB's index for a foreign
    /// key (left out), or an index of its own.
    fn add_index(&mut self, table: &str, name: String, unique: bool, columns: Vec<String>) {
        let for_foreign_key = !unique
            && self
                .foreign_keys
                .iter()
                .any(|(key_table, constraint)| key_table == table && *constraint == name);
        let Some(relation) = self.relation(table) else {
            return;
        };
        if name == "PRIMARY" {
            relation.primary_key = columns;
        } else if unique
            && columns
                .first()
                .is_some_and(|first| names_a_constraint(&name, first))
        {
            relation.unique_keys.push(columns);
        } else if !for_foreign_key {
            relation.indexes.push(IndexDescription {
                name,
                unique,
                columns,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_as_postgres_shows_them() {
        assert_eq!(postgres_default(Some("NULL"), PgType::Int4, ""), None);
        assert_eq!(postgres_default(None, PgType::Int4, ""), None);
        assert_eq!(
            postgres_default(Some("0"), PgType::Int4, ""),
            Some("0".to_owned())
        );
        assert_eq!(
            postgres_default(Some("1"), PgType::Bool, ""),
            Some("true".to_owned())
        );
        assert_eq!(
            postgres_default(Some("current_timestamp(6)"), PgType::Timestamptz, ""),
            Some("now()".to_owned())
        );
        assert_eq!(
            postgres_default(Some("'a''b'"), PgType::Text, ""),
            Some("'a''b'".to_owned())
        );
        assert_eq!(postgres_default(None, PgType::Int4, "auto_increment"), None);
        assert_eq!(
            postgres_default(Some("0.00"), PgType::Numeric, ""),
            Some("0".to_owned())
        );
        assert_eq!(
            postgres_default(Some("1.50"), PgType::Numeric, ""),
            Some("1.5".to_owned())
        );
        assert_eq!(
            postgres_default(Some("10"), PgType::Numeric, ""),
            Some("10".to_owned())
        );
    }

    #[test]
    fn json_checks_name_their_column() {
        assert_eq!(
            json_checked_column("json_valid(`doc`)"),
            Some("doc".to_owned())
        );
        assert_eq!(
            json_checked_column("json_valid(\"doc\")"),
            Some("doc".to_owned())
        );
        assert_eq!(json_checked_column("json_valid(concat(`a`, `b`))"), None);
    }

    #[test]
    fn unnamed_unique_constraints_are_told_from_named_indexes() {
        assert!(names_a_constraint("code", "code"));
        assert!(names_a_constraint("code_2", "code"));
        assert!(!names_a_constraint("code_idx", "code"));
        assert!(!names_a_constraint("by_code", "code"));
    }
}
