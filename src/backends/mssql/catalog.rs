//! The schema of the SQL Server database as the emulated catalog needs it
//! ([`SchemaDescription`]): tables and views of every schema but `sys` and
//! `INFORMATION_SCHEMA` (two tables of one name in two schemas show once, the first), their
//! columns with PostgreSQL types (`types::type_of_column`), `NOT NULL` and defaults as PostgreSQL
//! shows them, from `INFORMATION_SCHEMA.COLUMNS`; primary keys, `UNIQUE` constraints and other
//! indexes from `sys.indexes`; foreign keys from `sys.foreign_keys`. Catalog reads run on the
//! session's SQLite mirror of this description (`backends/catalog_database/`), as on MySQL.
//!
//! The rows are read into plain [`Cell`]s first, so that building the description is a pure
//! function of them (tested below without a server).

use std::collections::{HashMap, HashSet};

use pgbridge_dialects::PgType;
use pgbridge_proxy::SqlError;
use tiberius::{ColumnData, Row};

use super::pool::{Client, batch_results};
use super::schema::{number, text};
use super::types::type_of_column;
use crate::backends::catalog_database::{
    ColumnDescription, ForeignKeyDescription, IndexDescription, RelationDescription,
    SchemaDescription,
};

const COLUMNS_SQL: &str = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, \
     c.DATA_TYPE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.CHARACTER_MAXIMUM_LENGTH, \
     c.IS_NULLABLE, c.COLUMN_DEFAULT \
     FROM INFORMATION_SCHEMA.COLUMNS c JOIN INFORMATION_SCHEMA.TABLES t \
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
     WHERE c.TABLE_SCHEMA NOT IN ('sys', 'INFORMATION_SCHEMA') \
     ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";

/// Primary keys, `UNIQUE` constraints and other indexes (not heaps, not hypothetical), each
/// with its key columns in order (included columns left out).
const INDEXES_SQL: &str = "SELECT s.name, t.name, i.name, i.is_primary_key, \
     i.is_unique_constraint, i.is_unique, c.name \
     FROM sys.indexes i \
     JOIN sys.tables t ON t.object_id = i.object_id \
     JOIN sys.schemas s ON s.schema_id = t.schema_id \
     JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id \
     JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id \
     WHERE i.type > 0 AND i.is_hypothetical = 0 AND ic.is_included_column = 0 \
     ORDER BY s.name, t.name, i.name, ic.key_ordinal";

const FOREIGN_KEYS_SQL: &str = "SELECT ps.name, pt.name, fk.name, pc.name, rt.name, rc.name, \
     fk.update_referential_action_desc, fk.delete_referential_action_desc \
     FROM sys.foreign_keys fk \
     JOIN sys.tables pt ON pt.object_id = fk.parent_object_id \
     JOIN sys.schemas ps ON ps.schema_id = pt.schema_id \
     JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id \
     JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id \
     JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id \
       AND pc.column_id = fkc.parent_column_id \
     JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id \
       AND rc.column_id = fkc.referenced_column_id \
     ORDER BY ps.name, pt.name, fk.name, fkc.constraint_column_id";

/// One value of a catalog row: text, a number (any integer width, a `bit`), or NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Text(String),
    Number(i64),
    Null,
}

type Cells = Vec<Cell>;

fn cells(row: &Row) -> Cells {
    (0..row.len())
        .map(|i| match (text(row, i), number(row, i)) {
            (Some(text), _) => Cell::Text(text),
            (None, Some(number)) => Cell::Number(number),
            (None, None) => match row.cells().nth(i) {
                Some((_, ColumnData::Bit(Some(bit)))) => Cell::Number(i64::from(*bit)),
                _ => Cell::Null,
            },
        })
        .collect()
}

fn text_at(row: &[Cell], index: usize) -> Option<&str> {
    match row.get(index) {
        Some(Cell::Text(text)) => Some(text),
        _ => None,
    }
}

fn required(row: &[Cell], index: usize) -> String {
    text_at(row, index).unwrap_or_default().to_owned()
}

fn number_at(row: &[Cell], index: usize) -> Option<i64> {
    match row.get(index) {
        Some(Cell::Number(number)) => Some(*number),
        _ => None,
    }
}

fn flag(row: &[Cell], index: usize) -> bool {
    number_at(row, index).is_some_and(|n| n != 0)
}

async fn fetch(client: &mut Client, sql: &str) -> Result<Vec<Cells>, SqlError> {
    let results = batch_results(client, sql).await?;
    Ok(results
        .into_iter()
        .next()
        .unwrap_or_default()
        .iter()
        .map(cells)
        .collect())
}

/// Reads the schema of the connection's database.
pub async fn describe(client: &mut Client) -> Result<SchemaDescription, SqlError> {
    let columns = fetch(client, COLUMNS_SQL).await?;
    let indexes = fetch(client, INDEXES_SQL).await?;
    let foreign_keys = fetch(client, FOREIGN_KEYS_SQL).await?;
    Ok(description(&columns, &indexes, &foreign_keys))
}

/// The description from the rows of [`COLUMNS_SQL`], [`INDEXES_SQL`] and [`FOREIGN_KEYS_SQL`].
fn description(columns: &[Cells], indexes: &[Cells], foreign_keys: &[Cells]) -> SchemaDescription {
    let mut schema = Schema::default();
    for row in columns {
        schema.add_column(row);
    }
    let mut index_rows = indexes.iter().peekable();
    while let Some(first) = index_rows.next() {
        let key = |row: &Cells| (required(row, 0), required(row, 1), required(row, 2));
        let mut names = vec![required(first, 6)];
        while let Some(row) = index_rows.next_if(|row| key(row) == key(first)) {
            names.push(required(row, 6));
        }
        schema.add_index(first, names);
    }
    let mut key_rows = foreign_keys.iter().peekable();
    while let Some(first) = key_rows.next() {
        let key = |row: &Cells| (required(row, 0), required(row, 1), required(row, 2));
        let mut pairs = vec![(required(first, 3), required(first, 5))];
        while let Some(row) = key_rows.next_if(|row| key(row) == key(first)) {
            pairs.push((required(row, 3), required(row, 5)));
        }
        schema.add_foreign_key(first, pairs);
    }
    SchemaDescription {
        relations: schema.relations,
    }
}

/// The description being read; relations found by (schema, name).
#[derive(Default)]
struct Schema {
    relations: Vec<RelationDescription>,
    position: HashMap<(String, String), usize>,
    /// Names shown already: a table of the same name in a later schema is left out.
    names: HashSet<String>,
}

impl Schema {
    fn relation(&mut self, schema: &str, table: &str) -> Option<&mut RelationDescription> {
        let index = *self.position.get(&(schema.to_owned(), table.to_owned()))?;
        self.relations.get_mut(index)
    }

    /// A row of [`COLUMNS_SQL`].
    fn add_column(&mut self, row: &[Cell]) {
        let (schema, table) = (required(row, 0), required(row, 1));
        let key = (schema, table.clone());
        if !self.position.contains_key(&key) {
            if !self.names.insert(table.clone()) {
                return;
            }
            self.position.insert(key.clone(), self.relations.len());
            self.relations.push(RelationDescription {
                name: table,
                view: text_at(row, 2) == Some("VIEW"),
                columns: Vec::new(),
                primary_key: Vec::new(),
                unique_keys: Vec::new(),
                indexes: Vec::new(),
                foreign_keys: Vec::new(),
            });
        }
        let data_type = required(row, 4).to_ascii_lowercase();
        let (pg_type, type_modifier) = type_of_column(
            &data_type,
            number_at(row, 5),
            number_at(row, 6),
            number_at(row, 7),
        );
        let column = ColumnDescription {
            name: required(row, 3),
            pg_type,
            type_modifier,
            not_null: text_at(row, 8) == Some("NO"),
            default: text_at(row, 9).and_then(|default| postgres_default(default, pg_type)),
        };
        if let Some(relation) = self.relation(&key.0, &key.1) {
            relation.columns.push(column);
        }
    }

    /// An index of [`INDEXES_SQL`] (its first row) with its key columns.
    fn add_index(&mut self, row: &[Cell], columns: Vec<String>) {
        let Some(relation) = self.relation(&required(row, 0), &required(row, 1)) else {
            return;
        };
        if flag(row, 3) {
            relation.primary_key = columns;
        } else if flag(row, 4) {
            relation.unique_keys.push(columns);
        } else {
            relation.indexes.push(IndexDescription {
                name: required(row, 2),
                unique: flag(row, 5),
                columns,
            });
        }
    }

    /// A foreign key of [`FOREIGN_KEYS_SQL`] (its first row) with its (column, referenced
    /// column) pairs.
    fn add_foreign_key(&mut self, row: &[Cell], pairs: Vec<(String, String)>) {
        let Some(relation) = self.relation(&required(row, 0), &required(row, 1)) else {
            return;
        };
        let (columns, referenced_columns) = pairs.into_iter().unzip();
        relation.foreign_keys.push(ForeignKeyDescription {
            columns,
            referenced_table: required(row, 4),
            referenced_columns,
            on_update: ForeignKeyDescription::action(&required(row, 6)),
            on_delete: ForeignKeyDescription::action(&required(row, 7)),
        });
    }
}

/// A SQL Server column default (`((0))`, `(N'a''b')`, `(sysdatetimeoffset())`) as PostgreSQL
/// shows the default pgbridge translated it from (`0`, `'a''b'`, `now()`); `None` for a NULL
/// default. What has no PostgreSQL spelling is shown as SQL Server keeps it.
fn postgres_default(default: &str, pg_type: PgType) -> Option<String> {
    let mut expression = default.trim();
    while let Some(inner) = expression
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|inner| balanced(inner))
    {
        expression = inner.trim();
    }
    let lower = expression.to_ascii_lowercase();
    Some(match (pg_type, lower.as_str()) {
        (_, "null") => return None,
        (PgType::Bool, "1") => "true".to_owned(),
        (PgType::Bool, "0") => "false".to_owned(),
        (
            _,
            "sysdatetimeoffset()"
            | "sysdatetime()"
            | "getdate()"
            | "getutcdate()"
            | "sysutcdatetime()"
            | "current_timestamp",
        ) => "now()".to_owned(),
        (_, "newid()" | "newsequentialid()") => "gen_random_uuid()".to_owned(),
        _ => match expression.strip_prefix(['N', 'n']) {
            Some(quoted) if quoted.starts_with('\'') => quoted.to_owned(),
            _ => expression.to_owned(),
        },
    })
}

/// True when the parentheses of `text` (outside quotes) pair up: `0` and `(1) + (2)` are, `1) + (2`
/// is not (so `(1) + (2)` keeps its outer pair).
fn balanced(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }

    fn n(number: i64) -> Cell {
        Cell::Number(number)
    }

    /// A row of COLUMNS_SQL.
    fn column(table: &str, name: &str, data_type: &str, nullable: &str, default: Cell) -> Cells {
        vec![
            t("dbo"),
            t(table),
            t("BASE TABLE"),
            t(name),
            t(data_type),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            t(nullable),
            default,
        ]
    }

    #[test]
    fn defaults_read_as_postgres_shows_them() {
        let cases = [
            ("((0))", PgType::Int4, Some("0")),
            ("((-1))", PgType::Int4, Some("-1")),
            ("((1))", PgType::Bool, Some("true")),
            ("((0))", PgType::Bool, Some("false")),
            ("(N'a''b')", PgType::Text, Some("'a''b'")),
            ("('x')", PgType::Text, Some("'x'")),
            ("(sysdatetimeoffset())", PgType::Timestamptz, Some("now()")),
            ("(getdate())", PgType::Timestamp, Some("now()")),
            ("(newid())", PgType::Uuid, Some("gen_random_uuid()")),
            ("((1.50))", PgType::Numeric, Some("1.50")),
            ("((1)+(2))", PgType::Int4, Some("(1)+(2)")),
            ("(N'(')", PgType::Text, Some("'('")),
            ("(NULL)", PgType::Int4, None),
        ];
        for (tsql, pg_type, shown) in cases {
            assert_eq!(postgres_default(tsql, pg_type).as_deref(), shown, "{tsql}");
        }
    }

    #[test]
    fn columns_keys_indexes_and_foreign_keys_are_described() {
        let columns = vec![
            column("orders", "id", "int", "NO", Cell::Null),
            column("orders", "user_id", "int", "YES", Cell::Null),
            column("orders", "code", "nvarchar", "YES", t("(N'new')")),
            column("orders", "paid", "bit", "NO", t("((0))")),
            column("users", "id", "int", "NO", Cell::Null),
            column("users", "region", "int", "NO", Cell::Null),
            // The same name in a later schema is left out.
            vec![
                t("sales"),
                t("users"),
                t("BASE TABLE"),
                t("other"),
                t("int"),
                Cell::Null,
                Cell::Null,
                Cell::Null,
                t("YES"),
                Cell::Null,
            ],
        ];
        let index = |table: &str, name: &str, kinds: [i64; 3], column: &str| {
            vec![
                t("dbo"),
                t(table),
                t(name),
                n(kinds[0]),
                n(kinds[1]),
                n(kinds[2]),
                t(column),
            ]
        };
        let indexes = vec![
            index("orders", "PK__orders", [1, 0, 1], "id"),
            index("orders", "UQ__orders", [0, 1, 1], "code"),
            index("orders", "by_user", [0, 0, 0], "user_id"),
            index("orders", "by_user", [0, 0, 0], "paid"),
            index("users", "PK__users", [1, 0, 1], "region"),
            index("users", "PK__users", [1, 0, 1], "id"),
        ];
        let key = |column: &str, referenced: &str| {
            vec![
                t("dbo"),
                t("orders"),
                t("orders_user_fk"),
                t(column),
                t("users"),
                t(referenced),
                t("CASCADE"),
                t("SET_NULL"),
            ]
        };
        let foreign_keys = vec![key("user_id", "id"), key("code", "region")];
        let described = description(&columns, &indexes, &foreign_keys);
        let names: Vec<&str> = described
            .relations
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["orders", "users"]);
        let orders = &described.relations[0];
        let defaults: Vec<Option<&str>> = orders
            .columns
            .iter()
            .map(|c| c.default.as_deref())
            .collect();
        assert_eq!(defaults, [None, None, Some("'new'"), Some("false")]);
        assert!(orders.columns[0].not_null && !orders.columns[1].not_null);
        assert_eq!(orders.primary_key, ["id"]);
        assert_eq!(orders.unique_keys, [vec!["code".to_owned()]]);
        assert_eq!(
            orders.indexes,
            [IndexDescription {
                name: "by_user".to_owned(),
                unique: false,
                columns: vec!["user_id".to_owned(), "paid".to_owned()],
            }]
        );
        assert_eq!(
            orders.foreign_keys,
            [ForeignKeyDescription {
                columns: vec!["user_id".to_owned(), "code".to_owned()],
                referenced_table: "users".to_owned(),
                referenced_columns: vec!["id".to_owned(), "region".to_owned()],
                on_update: "CASCADE".to_owned(),
                on_delete: "SET NULL".to_owned(),
            }]
        );
        let users = &described.relations[1];
        assert_eq!(users.primary_key, ["region", "id"]);
        assert_eq!(users.columns.len(), 2);
    }
}
