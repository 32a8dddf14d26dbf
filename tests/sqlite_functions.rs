//! PostgreSQL's functions and special call syntax that pgbridge computes on SQLite, against
//! the real PostgreSQL of the machine (the oracle, see tests/common/oracle.rs):
//! `SUBSTRING(.. FROM .. FOR ..)` and its regular-expression form, `POSITION(.. IN ..)`,
//! `upper`/`lower` beyond ASCII, `md5`, `quote_*`, `encode`/`decode`, dollar quotes,
//! `FETCH FIRST`, the jsonb operators `#> #>> ? ?| ?& @> <@`, the JSON builders (`json_agg`,
//! `json_build_object`, ...) in PostgreSQL's text layout, the math functions SQLite lacks, `#`,
//! rounding (floats half to even, numerics half away from zero, `round(x, -n)`), `bit_and`/
//! `bit_or`/`bit_xor`, `json(b)_array_length`, jsonb `|| - #-` and `jsonb_set`,
//! `string_agg(DISTINCT ..)`, `op ANY | ALL
//! (subquery)`, `UPDATE .. FROM` and `DELETE .. USING` through an alias,
//! scalar subqueries of several rows (21000) and the errors SQLite reports in its own words.
//! Compared as text, errors by SQLSTATE.

mod common;

use common::oracle::{both_with_schema, differences, error_differences};

const SCHEMA: &str = "
    CREATE TABLE docs (id int PRIMARY KEY, body jsonb);
    INSERT INTO docs VALUES
        (1, '{\"name\": \"Ann\", \"tags\": [\"admin\", \"dev\"], \"address\": {\"city\": \"Oslo\", \"zip\": \"0150\"}, \"n\": 1.0}'),
        (2, '{\"name\": \"Bob\", \"tags\": [], \"address\": {\"city\": \"Rome\"}, \"score\": 9.5, \"nickname\": null}'),
        (3, '[1, 2, [3, 4], \"x\"]'),
        (4, NULL);
    CREATE TABLE flags (id int PRIMARY KEY, label text, on_sale boolean, price numeric(6,2),
                        meta json);
    INSERT INTO flags VALUES (1, 'a\"b', true, 2.50, '{\"x\":  [1, 2]}'), (2, 'tab\there', false, NULL, NULL),
                             (3, NULL, NULL, 10, '[true]');
    CREATE TABLE people (id int PRIMARY KEY, name text, email text, sku text, raw bytea);
    INSERT INTO people VALUES
        (1, 'Zoë Ångström', 'zoe@example.com', 'AB-001-x', '\\x00ff10'),
        (2, 'école straße', 'alan@example.org', 'CD-7', 'hello'),
        (3, '', 'no-at-sign', 'none', ''),
        (4, NULL, NULL, NULL, NULL)";

const QUERIES: &[&str] = &[
    "SELECT id, substring(email FROM 1 FOR 4), substring(email FROM 6), substr(email, 6),
            substring(email, 0, 3), substring(email FROM -1 FOR 4), substr(name, 3, 2)
     FROM people ORDER BY id",
    "SELECT id, position('@' IN email), strpos(email, 'example'), position('' IN email)
     FROM people ORDER BY id",
    "SELECT id, substring(sku FROM '[0-9]+'), substring(sku FROM '-([a-z])$'),
            substring(email FROM '^(.*)@')
     FROM people ORDER BY id",
    "SELECT id, upper(name), lower(name), upper(email) = upper(lower(email)), name ILIKE 'ÉCOLE%'
     FROM people ORDER BY id",
    "SELECT id, md5(email), md5(name), quote_literal(name), quote_nullable(name),
            quote_ident(name), quote_ident('plain_name'), quote_literal('a\\b')
     FROM people ORDER BY id",
    "SELECT id, encode(raw, 'hex'), encode(raw, 'base64'), encode(raw, 'escape'),
            decode(encode(raw, 'base64'), 'base64') = raw, substring(raw FROM 2 FOR 1)
     FROM people ORDER BY id",
    "SELECT decode('68656c6c6f', 'hex'), decode('aGk=', 'base64'), length(decode('a\\001b', 'escape'))",
    "SELECT $$dollar 'quoted'$$, $tag$a $$ b$tag$",
    "SELECT id FROM people ORDER BY id FETCH FIRST 2 ROWS ONLY",
    "SELECT id FROM people ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY",
    "SELECT id FROM people ORDER BY id DESC FETCH FIRST ROW ONLY",
];

const JSON: &[&str] = &[
    "SELECT id, body #> '{address,city}', body #>> '{address,zip}', body #>> '{tags,0}',
            body #>> '{tags,-1}', body #> '{2}', body #>> '{2,1}', body #>> '{nickname}'
     FROM docs ORDER BY id",
    "SELECT id, body ? 'nickname', body ? 'x', body ?| array['score', 'zip'],
            body ?& array['name', 'tags'], body @> '{\"tags\": [\"dev\"]}',
            body @> '{\"address\": {\"city\": \"Rome\"}}', body @> '[[3]]', body @> '1',
            body @> '{\"n\": 1}', '{\"name\": \"Ann\"}' <@ body
     FROM docs ORDER BY id",
    "SELECT id FROM docs WHERE body @> '{\"tags\": [\"admin\"]}' OR body ? 'score' ORDER BY id",
    "SELECT id, jsonb_typeof(body), jsonb_typeof(body -> 'name'), jsonb_typeof(body -> 'score'),
            json_typeof(body::json -> 'tags'), jsonb_typeof(body -> 'nickname')
     FROM docs ORDER BY id",
    // Editing: || merges or appends, - and #- remove, jsonb_set replaces or adds.
    "SELECT id, body || '{\"extra\": true, \"name\": \"Zed\"}', body || '[9]'::jsonb,
            (body || '{\"n\": 2}') -> 'n', body #- '{address,city}', body #- '{2,0}',
            jsonb_set(body, '{address,city}', '\"Bergen\"'), jsonb_set(body, '{new}', '[1]', false)
     FROM docs WHERE id <> 3 ORDER BY id",
    "SELECT id, body - 'name', body - 0, body - -1, body - 'x', jsonb_set(body, '{2,1}', 'null'),
            jsonb_set(body, '{9}', '0'), jsonb_set(body, '{-9}', '0')
     FROM docs WHERE id >= 3 ORDER BY id",
    "SELECT id, 'text ' || body, label || 'x' FROM docs, flags WHERE docs.id = flags.id ORDER BY id",
    "UPDATE docs SET body = (body || '{\"seen\": 1}') - 'tags' WHERE id = 1 RETURNING body",
];

const BUILDERS: &[&str] = &[
    "SELECT json_agg(body ->> 'name' ORDER BY id) FROM docs",
    "SELECT jsonb_agg(id ORDER BY id DESC), json_agg(id) FILTER (WHERE id > 5) FROM docs",
    "SELECT json_agg(json_build_object('id', id, 'city', body #>> '{address,city}') ORDER BY id)
     FROM docs WHERE id < 3",
    "SELECT json_build_array(1, 'two', NULL, FALSE), json_build_array(), json_build_object()",
    "SELECT id, json_build_object('id', id, 'label', label, 'sale', on_sale, 'meta', meta),
            jsonb_build_object('id', id, 'sale', on_sale, 'price', price, 'meta', meta),
            to_json(label), to_jsonb(on_sale), to_json(meta), json_build_array(on_sale, meta)
     FROM flags ORDER BY id",
    "SELECT json_object_agg(label, id ORDER BY id) FILTER (WHERE label IS NOT NULL),
            jsonb_object_agg(id, on_sale) FROM flags",
    "SELECT json_agg(body ORDER BY id), jsonb_agg(body -> 'tags' ORDER BY id) FROM docs
     WHERE id < 3",
    "SELECT json_agg(f ORDER BY f) FROM (SELECT on_sale AS f FROM flags) AS s",
];

/// Scalar subqueries, correlated or not, that return one row or none.
const SUBQUERIES: &[&str] = &[
    "SELECT id, (SELECT p.id FROM people p WHERE p.id = d.id + 1) AS next,
            (SELECT max(id) FROM docs) AS top, (SELECT name FROM people WHERE id = 99)
     FROM docs d ORDER BY id",
    "SELECT id FROM people WHERE id = (SELECT min(id) + 1 FROM people)",
    "SELECT (SELECT name AS n FROM people WHERE id = 1 ORDER BY n),
            (SELECT id FROM people WHERE id > 3 ORDER BY 1)",
    "UPDATE flags SET label = (SELECT name FROM people WHERE people.id = flags.id) WHERE id = 2
     RETURNING id, label",
    // Comparisons with every row or any row: NULL where a NULL comparison decides.
    "SELECT id, id > ALL (SELECT id FROM docs WHERE id < 3), id < ANY (SELECT id FROM docs),
            id >= ALL (SELECT id FROM docs), id <= ANY (SELECT id FROM docs WHERE id > 9),
            id >= ALL (SELECT id FROM docs WHERE id > 9), id = ALL (SELECT 2),
            id > ANY (SELECT price FROM flags), id < ALL (SELECT price FROM flags WHERE id > 1)
     FROM people ORDER BY id",
    "SELECT id FROM people p WHERE p.id > ALL (SELECT d.id FROM docs d WHERE d.id < p.id - 1)
     ORDER BY id",
    // The subquery keeps its own alias, ORDER BY and LIMIT.
    "SELECT id FROM people WHERE id > ANY (SELECT id + 1 AS s FROM docs ORDER BY s LIMIT 1)
     ORDER BY id",
    "SELECT id, id <= ALL (SELECT id FROM docs UNION SELECT 2) FROM people ORDER BY id",
];

/// Aggregates and JSON functions SQLite lacks or answers otherwise.
const MORE_FUNCTIONS: &[&str] = &[
    "SELECT id, jsonb_array_length(body -> 'tags'), json_array_length(body::json -> 'tags')
     FROM docs WHERE id < 3 ORDER BY id",
    "SELECT bit_and(id), bit_or(id), bit_xor(id), bit_or(id) FILTER (WHERE id > 9),
            bit_and(NULL::int)
     FROM people",
    "SELECT string_agg(DISTINCT email, '|' ORDER BY email), string_agg(DISTINCT sku, ', '),
            string_agg(DISTINCT NULL::text, ','), count(DISTINCT label)
     FROM people, flags WHERE people.id < 4",
    "SELECT id % 2, string_agg(DISTINCT name, ' / ' ORDER BY name DESC) FROM people
     GROUP BY id % 2 ORDER BY 1",
    // Without ORDER BY, PostgreSQL's DISTINCT sorts by the value, then the separator.
    "SELECT string_agg(DISTINCT x, y) FROM (VALUES ('a', ';'), ('a', ','), ('b', ',')) v(x, y)",
];

/// UPDATE and DELETE through an alias, with FROM / USING; run last, as they change the rows.
const WRITES: &[&str] = &[
    "UPDATE flags f SET label = p.name FROM people p WHERE p.id = f.id AND p.id = 1
     RETURNING f.id, f.label",
    "DELETE FROM flags f USING people p WHERE f.id = p.id AND p.email LIKE '%.org' RETURNING f.*",
    "DELETE FROM docs USING people WHERE docs.id = people.id AND people.name IS NULL",
    "SELECT id FROM docs ORDER BY id",
    "DELETE FROM people p WHERE p.id = 3 RETURNING p.id, p.email",
    // The alias stays bound to the written row inside a subquery over the same table.
    "UPDATE people p SET name = 'has next' WHERE EXISTS (SELECT 1 FROM people WHERE people.id = p.id + 1)
     RETURNING p.id, p.name",
    "DELETE FROM people p WHERE NOT EXISTS (SELECT 1 FROM people WHERE people.id > p.id)
     RETURNING p.id",
    "SELECT id, label FROM flags ORDER BY id",
];

const MATH: &[&str] = &[
    "SELECT degrees(pi()), radians(180), div(17, 5), div(-17, 5), 12 # 10, 5 # 1",
    "SELECT round(log(2, 64)::numeric, 6), round(log(10, 1000)::numeric, 6), log10(100)",
    // Floats round half to even (rint), numerics half away from zero, to any digit.
    "SELECT round(2.5::float8), round(3.5::float8), round(-2.5::float8), round(0.5::float4),
            2.5::float8::int, 3.5::float8::int, (-2.5)::float8::int, 2.5::float8::bigint,
            2.5::float4::smallint, 2.5::numeric::int, (-2.5)::numeric::int",
    "SELECT round(2.5), round(-2.5), round(2.345, 2), round(2.675, 2), round(1234.5, -2),
            round(1250, -2), round(-1250, -2), round(49, -2), round(999.9, -3), round(5, -3),
            round(1.5, 100000) = 1.5, round(155, -100000)",
    "SELECT id, price::int, round(price), round(price, 1), round(price, -1),
            (price / 4)::float8::int, round((price * 1.0)::float8 / 5)
     FROM flags ORDER BY id",
];

const ERRORS: &[(&str, &str)] = &[
    ("SELECT div(1, 0)", "22012"),
    ("SELECT (SELECT id FROM people)", "21000"),
    (
        "SELECT id, (SELECT p.id FROM people p WHERE p.id > d.id) FROM docs d",
        "21000",
    ),
    ("SELECT json_build_object('a')", "22023"),
    ("SELECT log(0, 10)", "2201E"),
    (
        "SELECT id FROM people WHERE row_number() OVER (ORDER BY id) = 1",
        "42P20",
    ),
    (
        "INSERT INTO people (id) VALUES (1) ON CONFLICT (name) DO NOTHING",
        "42P10",
    ),
    ("SELECT substring('abc' FROM 1 FOR -1)", "22011"),
    ("SELECT decode('abc', 'hex')", "22023"),
    ("SELECT encode('x'::bytea, 'rot13')", "22023"),
    ("SELECT 3000000000.5::float8::int", "22003"),
    (
        "SELECT jsonb_array_length(body) FROM docs WHERE id = 1",
        "22023",
    ),
    ("SELECT json_array_length('3')", "22023"),
    ("SELECT body - 1 FROM docs WHERE id = 1", "22023"),
    ("SELECT '5'::jsonb - 'a'", "22023"),
    ("SELECT jsonb_set('5', '{a}', '1')", "22023"),
    ("SELECT '5'::jsonb #- '{a}'", "22023"),
    (
        "SELECT string_agg(DISTINCT name, ',' ORDER BY id) FROM people",
        "42P10",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_functions_answer_as_postgresql() {
    let (_server, pgbridge, oracle) = both_with_schema(SCHEMA).await;
    let mut found = differences(&oracle.client, &pgbridge, QUERIES).await;
    found.extend(differences(&oracle.client, &pgbridge, MATH).await);
    found.extend(differences(&oracle.client, &pgbridge, JSON).await);
    found.extend(differences(&oracle.client, &pgbridge, BUILDERS).await);
    found.extend(differences(&oracle.client, &pgbridge, SUBQUERIES).await);
    found.extend(differences(&oracle.client, &pgbridge, MORE_FUNCTIONS).await);
    found.extend(error_differences(&oracle.client, &pgbridge, ERRORS.iter().copied()).await);
    found.extend(differences(&oracle.client, &pgbridge, WRITES).await);
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}
