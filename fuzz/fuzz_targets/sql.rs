//! SQL text: `parse`, then `translate` for SQLite and `infer` against a one-table schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgbridge_dialects::{PgType, SchemaLookup, Target, infer, parse, translate};

struct Schema;

impl SchemaLookup for Schema {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        (table == "t").then(|| {
            vec![
                ("id".to_owned(), PgType::Int4),
                ("name".to_owned(), PgType::Text),
                ("created".to_owned(), PgType::Timestamptz),
            ]
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(statements) = parse(sql) else {
        return;
    };
    for statement in &statements {
        if let Err(error) = translate(statement, Target::Sqlite) {
            assert_eq!(error.sqlstate().len(), 5);
        }
        let _ = infer(statement, &Schema);
    }
});
