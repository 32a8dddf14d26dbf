//! Inference against a one-table schema:
//! `users(id int4, name text, score numeric, active bool, created timestamptz)`.

use super::*;
use crate::parse;

struct Users;

impl SchemaLookup for Users {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        table.eq_ignore_ascii_case("users").then(|| {
            [
                ("id", PgType::Int4),
                ("name", PgType::Text),
                ("score", PgType::Numeric),
                ("active", PgType::Bool),
                ("created", PgType::Timestamptz),
            ]
            .into_iter()
            .map(|(name, pg_type)| (name.to_owned(), pg_type))
            .collect()
        })
    }
}

fn types(sql: &str) -> StatementTypes {
    let statements = parse(sql).unwrap_or_else(|error| panic!("{sql}: {error}"));
    infer(&statements[0], &Users)
}

/// The result columns of `sql` as (name, type) pairs.
fn columns(sql: &str) -> Vec<(String, Option<PgType>)> {
    types(sql)
        .columns
        .unwrap_or_else(|| panic!("{sql}: no result columns"))
        .into_iter()
        .map(|column| (column.name, column.pg_type))
        .collect()
}

fn column(name: &str, pg_type: PgType) -> (String, Option<PgType>) {
    (name.to_owned(), Some(pg_type))
}

fn parameters(sql: &str) -> Vec<Option<PgType>> {
    types(sql).parameters
}

fn users_columns() -> Vec<(String, Option<PgType>)> {
    vec![
        column("id", PgType::Int4),
        column("name", PgType::Text),
        column("score", PgType::Numeric),
        column("active", PgType::Bool),
        column("created", PgType::Timestamptz),
    ]
}

#[test]
fn select_star_expands_with_types() {
    assert_eq!(columns("SELECT * FROM users"), users_columns());
    assert_eq!(columns("SELECT * FROM public.users"), users_columns());
    assert_eq!(columns("SELECT u.* FROM users u"), users_columns());
}

#[test]
fn select_star_of_a_self_join_expands_both_sides() {
    let both = columns("SELECT * FROM users a JOIN users b ON a.id = b.id");
    assert_eq!(both.len(), 10);
    assert_eq!(
        columns("SELECT b.* FROM users a JOIN users b ON true"),
        users_columns()
    );
}

#[test]
fn aggregates() {
    assert_eq!(
        columns("SELECT count(*) FROM users"),
        vec![column("count", PgType::Int8)]
    );
    assert_eq!(
        columns("SELECT sum(id) FROM users"),
        vec![column("sum", PgType::Int8)]
    );
    assert_eq!(
        columns("SELECT sum(score) FROM users"),
        vec![column("sum", PgType::Numeric)]
    );
    assert_eq!(
        columns("SELECT avg(id) FROM users"),
        vec![column("avg", PgType::Numeric)]
    );
    assert_eq!(
        columns("SELECT max(created) FROM users"),
        vec![column("max", PgType::Timestamptz)]
    );
}

#[test]
fn literals() {
    assert_eq!(columns("SELECT 1"), vec![column("?column?", PgType::Int4)]);
    assert_eq!(
        columns("SELECT 10000000000"),
        vec![column("?column?", PgType::Int8)]
    );
    assert_eq!(
        columns("SELECT 1.5"),
        vec![column("?column?", PgType::Numeric)]
    );
    assert_eq!(
        columns("SELECT 'a'"),
        vec![column("?column?", PgType::Text)]
    );
    assert_eq!(columns("SELECT true"), vec![column("bool", PgType::Bool)]);
    assert_eq!(
        columns("SELECT 'a'::text"),
        vec![column("text", PgType::Text)]
    );
}

#[test]
fn comparison_gives_the_parameter_its_column_type() {
    assert_eq!(
        parameters("SELECT name FROM users WHERE id = $1"),
        vec![Some(PgType::Int4)]
    );
    assert_eq!(
        parameters("SELECT name FROM users WHERE $1 = id"),
        vec![Some(PgType::Int4)]
    );
    assert_eq!(
        parameters("SELECT name FROM users u WHERE u.created > $2 AND u.name = $1"),
        vec![Some(PgType::Text), Some(PgType::Timestamptz)]
    );
}

#[test]
fn insert_values_take_the_column_types() {
    assert_eq!(
        parameters("INSERT INTO users (name, active) VALUES ($1, $2)"),
        vec![Some(PgType::Text), Some(PgType::Bool)]
    );
    assert_eq!(
        parameters("INSERT INTO users VALUES ($1, $2, $3)"),
        vec![
            Some(PgType::Int4),
            Some(PgType::Text),
            Some(PgType::Numeric)
        ]
    );
    assert_eq!(types("INSERT INTO users (name) VALUES ($1)").columns, None);
}

#[test]
fn update_assignments_and_filters() {
    assert_eq!(
        parameters("UPDATE users SET score = $1 WHERE id = $2"),
        vec![Some(PgType::Numeric), Some(PgType::Int4)]
    );
}

#[test]
fn limit_and_offset_are_int8() {
    assert_eq!(
        parameters("SELECT * FROM users LIMIT $1"),
        vec![Some(PgType::Int8)]
    );
    assert_eq!(
        parameters("SELECT * FROM users LIMIT $1 OFFSET $2"),
        vec![Some(PgType::Int8), Some(PgType::Int8)]
    );
}

#[test]
fn cast_parameters() {
    let types = types("SELECT $1::int8");
    assert_eq!(types.parameters, vec![Some(PgType::Int8)]);
    assert_eq!(
        types.columns,
        Some(vec![InferredColumn {
            name: "int8".to_owned(),
            pg_type: Some(PgType::Int8),
            type_modifier: -1,
            scale: Some(0),
        }])
    );
}

#[test]
fn undecided_parameters_stay_unknown() {
    assert_eq!(parameters("SELECT $2"), vec![None, None]);
}

#[test]
fn returning() {
    assert_eq!(
        columns("INSERT INTO users (name) VALUES ($1) RETURNING id"),
        vec![column("id", PgType::Int4)]
    );
    assert_eq!(
        columns("UPDATE users SET name = $1 RETURNING *"),
        users_columns()
    );
    assert_eq!(
        columns("DELETE FROM users WHERE id = $1 RETURNING name AS n"),
        vec![column("n", PgType::Text)]
    );
}

#[test]
fn aliases_and_qualified_columns() {
    assert_eq!(
        columns("SELECT u.id, u.name AS who, users.score FROM users u"),
        vec![
            column("id", PgType::Int4),
            column("who", PgType::Text),
            column("score", PgType::Numeric),
        ]
    );
}

#[test]
fn unions() {
    assert_eq!(
        columns("SELECT id, name FROM users UNION SELECT 1, 'x'"),
        vec![column("id", PgType::Int4), column("name", PgType::Text)]
    );
    assert_eq!(
        columns("SELECT id FROM users UNION ALL SELECT 10000000000"),
        vec![column("id", PgType::Int8)]
    );
    assert_eq!(
        columns("SELECT NULL UNION SELECT score FROM users"),
        vec![column("?column?", PgType::Numeric)]
    );
}

#[test]
fn scalar_subqueries() {
    assert_eq!(
        columns("SELECT (SELECT max(score) FROM users)"),
        vec![column("max", PgType::Numeric)]
    );
    assert_eq!(
        columns(
            "SELECT name, (SELECT count(*) FROM users v WHERE v.id < u.id) AS rank FROM users u"
        ),
        vec![column("name", PgType::Text), column("rank", PgType::Int8)]
    );
    assert_eq!(
        parameters(
            "SELECT name FROM users WHERE id = (SELECT max(id) FROM users WHERE score > $1)"
        ),
        vec![Some(PgType::Numeric)]
    );
}

#[test]
fn expressions() {
    assert_eq!(
        columns("SELECT id + 1 AS a, score * 2 AS b, name || '!' AS c, id = 1 AS d FROM users"),
        vec![
            column("a", PgType::Int4),
            column("b", PgType::Numeric),
            column("c", PgType::Text),
            column("d", PgType::Bool),
        ]
    );
    assert_eq!(
        parameters("SELECT * FROM users WHERE name LIKE $1 AND id IN ($2, $3)"),
        vec![Some(PgType::Text), Some(PgType::Int4), Some(PgType::Int4)]
    );
}

#[test]
fn unknown_tables_leave_types_open() {
    assert_eq!(
        columns("SELECT x FROM missing"),
        vec![("x".to_owned(), None)]
    );
    assert_eq!(types("CREATE TABLE t (id int)").columns, None);
}

#[test]
fn recursive_cte_columns_take_the_anchor_types() {
    assert_eq!(
        columns(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) \
             SELECT x, 'n' || x FROM c"
        ),
        [
            ("x".to_owned(), Some(PgType::Int4)),
            ("?column?".to_owned(), Some(PgType::Text))
        ]
    );
}

#[test]
fn generate_series_is_a_typed_table() {
    assert_eq!(
        columns("SELECT g.i, 'row ' || g.i FROM generate_series(1, 100000) AS g(i)"),
        vec![column("i", PgType::Int4), column("?column?", PgType::Text)]
    );
    assert_eq!(
        columns("SELECT g FROM generate_series(1, 10::bigint) AS g"),
        vec![column("g", PgType::Int8)]
    );
    assert_eq!(
        columns("SELECT * FROM generate_series(1, 3)"),
        vec![column("generate_series", PgType::Int4)]
    );
    assert_eq!(
        columns("SELECT d FROM generate_series(DATE '2024-01-01', DATE '2024-02-01', '1 day') d"),
        vec![column("d", PgType::Timestamptz)]
    );
}

#[test]
fn explicit_casts_carry_their_type_modifier() {
    let columns =
        types("SELECT CAST(2.675 AS NUMERIC(5,2)), 1.5::numeric(10,1) AS x, 'ab'::varchar(5), 1")
            .columns
            .unwrap();
    let modifiers: Vec<i32> = columns.iter().map(|c| c.type_modifier).collect();
    // PostgreSQL's atttypmod: ((precision << 16) | scale) + 4, length + 4.
    assert_eq!(
        modifiers,
        vec![(5 << 16 | 2) + 4, (10 << 16 | 1) + 4, 9, -1]
    );
}

/// `orders(amount numeric(10,2), rate numeric(8,3), qty int4, price float8, free numeric)`.
struct Orders;

impl SchemaLookup for Orders {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        (table == "orders").then(|| {
            [
                ("amount", PgType::Numeric),
                ("rate", PgType::Numeric),
                ("qty", PgType::Int4),
                ("price", PgType::Float8),
                ("free", PgType::Numeric),
            ]
            .into_iter()
            .map(|(name, pg_type)| (name.to_owned(), pg_type))
            .collect()
        })
    }

    fn type_modifiers(&self, table: &str) -> Option<Vec<i32>> {
        (table == "orders").then(|| vec![(10 << 16 | 2) + 4, (8 << 16 | 3) + 4, -1, -1, -1])
    }
}

/// The scale inference gives each result column of `sql` over `orders`.
fn scales(sql: &str) -> Vec<Option<u32>> {
    let statements = parse(sql).unwrap_or_else(|error| panic!("{sql}: {error}"));
    infer(&statements[0], &Orders)
        .columns
        .unwrap_or_else(|| panic!("{sql}: no result columns"))
        .into_iter()
        .map(|column| column.scale)
        .collect()
}

#[test]
fn numeric_scales_follow_postgresql_rules() {
    assert_eq!(
        scales(
            "SELECT amount, rate, amount + rate, amount - qty, amount * rate, -amount FROM orders"
        ),
        vec![Some(2), Some(3), Some(3), Some(2), Some(5), Some(2)]
    );
    assert_eq!(
        scales(
            "SELECT sum(amount), min(rate), max(amount), abs(amount), amount % rate FROM orders"
        ),
        vec![Some(2), Some(3), Some(2), Some(2), Some(3)]
    );
    assert_eq!(
        scales(
            "SELECT round(amount, 1), round(amount), trunc(rate, -1), ceil(amount), floor(rate) FROM orders"
        ),
        vec![Some(1), Some(0), Some(0), Some(0), Some(0)]
    );
    assert_eq!(
        scales(
            "SELECT 1.50, 1.5e-2, 1e3, '1.50'::numeric, 2.675::numeric(5,2), 7::numeric, numeric '0.10'"
        ),
        vec![
            Some(2),
            Some(3),
            Some(0),
            Some(2),
            Some(2),
            Some(0),
            Some(2)
        ]
    );
    // Scales that depend on the values, or that floats decide, are left open.
    assert_eq!(
        scales(
            "SELECT avg(amount), amount / 3, free, price::numeric, amount + price, amount + $1 FROM orders"
        ),
        vec![None, None, None, None, None, None]
    );
    assert_eq!(
        scales(
            "SELECT coalesce(amount, 0.00), coalesce(amount, 0), CASE WHEN qty > 1 THEN amount END FROM orders"
        ),
        vec![Some(2), None, Some(2)]
    );
}

#[test]
fn numeric_scales_pass_through_subqueries_ctes_and_unions() {
    assert_eq!(
        scales(
            "WITH t AS (SELECT sum(amount) AS total FROM orders) SELECT total, total * 2 FROM t"
        ),
        vec![Some(2), Some(2)]
    );
    assert_eq!(
        scales("SELECT s.a, s.r FROM (SELECT amount AS a, rate AS r FROM orders) AS s"),
        vec![Some(2), Some(3)]
    );
    assert_eq!(
        scales("SELECT amount FROM orders UNION ALL SELECT rate FROM orders"),
        vec![None]
    );
    assert_eq!(
        scales("SELECT amount FROM orders UNION SELECT 1.25"),
        vec![Some(2)]
    );
    assert_eq!(
        scales("SELECT * FROM orders"),
        vec![Some(2), Some(3), Some(0), None, None]
    );
    assert_eq!(scales("VALUES (1.50, 1), (NULL, 2.5)"), vec![Some(2), None]);
}
