//! SQLite's spelling of array element tables and records: arrays are stored as PostgreSQL's
//! array text, which the backend's `pgbridge_array_zip` turns into a JSON array for
//! `json_each`; records are JSON objects.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, Ident, ObjectName, TableAlias, TableFactor,
    TableFunctionArgs, Value,
};

use super::ArrayElements;
use crate::passes::call;

fn column(alias: &str, name: &str) -> Expr {
    Expr::CompoundIdentifier(vec![Ident::new(alias), Ident::new(name)])
}

/// `json_each(pgbridge_array_zip(a, b, ..)) AS alias`: one row per position up to the
/// longest array, `value` a JSON array of the arrays' elements there (null past an end), `key`
/// the 0-based position; `pgbridge_array_subscript(a, key)` is `a`'s subscript there.
pub(super) fn elements(arrays: &[Expr], alias: &str) -> ArrayElements {
    let zipped = call("pgbridge_array_zip", arrays.to_vec());
    let factor = TableFactor::Table {
        name: ObjectName::from(vec![Ident::new("json_each")]),
        alias: Some(TableAlias {
            explicit: true,
            name: Ident::new(alias),
            columns: vec![],
            at: None,
        }),
        args: Some(TableFunctionArgs {
            args: vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(zipped))],
            settings: None,
        }),
        with_hints: vec![],
        version: None,
        with_ordinality: false,
        partitions: vec![],
        json_path: None,
        sample: None,
        index_directives: vec![],
        inheritance: None,
    };
    let key = column(alias, "key");
    ArrayElements {
        factor,
        values: (0..arrays.len())
            .map(|at| {
                call(
                    "json_extract",
                    vec![
                        column(alias, "value"),
                        Expr::value(Value::SingleQuotedString(format!("$[{at}]"))),
                    ],
                )
            })
            .collect(),
        subscripts: arrays
            .iter()
            .map(|array| call("pgbridge_array_subscript", vec![array.clone(), key.clone()]))
            .collect(),
        position: Expr::Nested(Box::new(Expr::BinaryOp {
            left: Box::new(key),
            op: BinaryOperator::Plus,
            right: Box::new(Expr::value(Value::Number("1".into(), false))),
        })),
    }
}

/// `json_object('field', value, ..)`.
pub(super) fn record(fields: Vec<(&str, Expr)>) -> Expr {
    let args = fields
        .into_iter()
        .flat_map(|(name, value)| {
            [
                Expr::value(Value::SingleQuotedString(name.to_owned())),
                value,
            ]
        })
        .collect();
    call("json_object", args)
}

/// `json_extract(record, '$.field')`.
pub(super) fn record_field(record: Expr, field: &str) -> Expr {
    call(
        "json_extract",
        vec![
            record,
            Expr::value(Value::SingleQuotedString(format!("$.{field}"))),
        ],
    )
}
