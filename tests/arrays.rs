//! Arrays through a real client on SQLite: `array_agg` results typed as PostgreSQL arrays in
//! text and binary, and the catalog's array columns read with subscripts, `unnest`,
//! `generate_subscripts` and `_pg_expandarray`, as SQLAlchemy's and pgjdbc's reflection do.

mod common;

use common::{TestServer, text_row};
use tokio_postgres::types::Type;

const SCHEMA: &str = "
    CREATE TABLE tags (id int PRIMARY KEY, name text, weight int, flag boolean);
    INSERT INTO tags VALUES (1, 'a', 10, true), (2, 'c d', 20, false), (3, NULL, NULL, NULL),
        (4, 'q\"b\\', 40, true), (5, '', 50, false);
    CREATE TABLE pairs (a int, b text, c int, PRIMARY KEY (b, a));
    CREATE INDEX pairs_c_a ON pairs (c, a);";

#[tokio::test]
async fn array_agg_answers_postgres_array_text() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(SCHEMA).await.unwrap();
    let row = text_row(
        &client,
        "SELECT array_agg(name ORDER BY id DESC), array_agg(weight ORDER BY id), \
         array_agg(flag ORDER BY id) FROM tags",
    )
    .await;
    assert_eq!(
        row,
        vec![
            Some(r#"{"","q\"b\\",NULL,"c d",a}"#.to_owned()),
            Some("{10,20,NULL,40,50}".to_owned()),
            Some("{t,f,NULL,t,f}".to_owned()),
        ]
    );
    // Over no rows, array_agg is NULL, not an empty array.
    let row = text_row(&client, "SELECT array_agg(name) FROM tags WHERE id > 99").await;
    assert_eq!(row, vec![None]);
}

#[tokio::test]
async fn array_agg_answers_binary_arrays_with_their_types() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(SCHEMA).await.unwrap();
    let row = client
        .query_one(
            "SELECT array_agg(name ORDER BY id), array_agg(weight ORDER BY id), \
             array_agg(flag ORDER BY id), array_agg(id::int8 ORDER BY id) FILTER (WHERE id > 3) \
             FROM tags",
            &[],
        )
        .await
        .unwrap();
    let types: Vec<&Type> = row.columns().iter().map(|c| c.type_()).collect();
    assert_eq!(
        types,
        [
            &Type::TEXT_ARRAY,
            &Type::INT4_ARRAY,
            &Type::BOOL_ARRAY,
            &Type::INT8_ARRAY
        ]
    );
    let names: Vec<Option<String>> = row.get(0);
    assert_eq!(
        names,
        [
            Some("a".to_owned()),
            Some("c d".to_owned()),
            None,
            Some("q\"b\\".to_owned()),
            Some(String::new())
        ]
    );
    let weights: Vec<Option<i32>> = row.get(1);
    assert_eq!(weights, [Some(10), Some(20), None, Some(40), Some(50)]);
    let flags: Vec<Option<bool>> = row.get(2);
    assert_eq!(
        flags,
        [Some(true), Some(false), None, Some(true), Some(false)]
    );
    let ids: Vec<i64> = row.get(3);
    assert_eq!(ids, [4, 5]);
    // Grouped, as SQLAlchemy's reflection aggregates names per constraint.
    let rows = client
        .query(
            "SELECT flag, array_agg(id ORDER BY id) FROM tags WHERE flag IS NOT NULL \
             GROUP BY flag ORDER BY flag",
            &[],
        )
        .await
        .unwrap();
    let groups: Vec<(bool, Vec<i32>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(groups, [(false, vec![2, 5]), (true, vec![1, 4])]);
}

#[tokio::test]
async fn catalog_array_columns_read_as_arrays() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(SCHEMA).await.unwrap();
    // pairs: a is attnum 1, b 2, c 3; the primary key is (b, a), the index (c, a).
    let row = client
        .query_one(
            "SELECT i.indkey, i.indkey[0], i.indkey[1], i.indkey[2], c.conkey, c.conkey[1], \
             array_upper(c.conkey, 1) \
             FROM pg_catalog.pg_index i JOIN pg_catalog.pg_constraint c ON c.conindid = i.indexrelid \
             WHERE c.conrelid = 'pairs'::regclass AND c.contype = 'p'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.columns()[0].type_(), &Type::INT2_VECTOR);
    assert_eq!(row.columns()[4].type_(), &Type::INT2_ARRAY);
    assert_eq!(row.get::<_, Vec<i16>>(0), [2, 1]);
    assert_eq!(row.get::<_, Option<i16>>(1), Some(2));
    assert_eq!(row.get::<_, Option<i16>>(2), Some(1));
    assert_eq!(row.get::<_, Option<i16>>(3), None);
    assert_eq!(row.get::<_, Vec<i16>>(4), [2, 1]);
    assert_eq!(row.get::<_, Option<i16>>(5), Some(2));
    assert_eq!(row.get::<_, Option<i32>>(6), Some(2));
    let text = text_row(
        &client,
        "SELECT indkey, (SELECT conkey FROM pg_constraint WHERE conindid = indexrelid) \
         FROM pg_index WHERE indrelid = 'pairs'::regclass AND indisprimary",
    )
    .await;
    assert_eq!(text, vec![Some("2 1".to_owned()), Some("{2,1}".to_owned())]);
    let schemas: Vec<String> = client
        .query_one("SELECT current_schemas(false)", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(schemas, ["public"]);
}

#[tokio::test]
async fn reflection_queries_expand_key_columns() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client.batch_execute(SCHEMA).await.unwrap();
    // SQLAlchemy's constraint reflection: unnest + generate_subscripts, then array_agg by ord.
    let rows = client
        .query(
            "SELECT attr.conname, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols \
             FROM (SELECT con.conname, con.ord, a.attname FROM pg_catalog.pg_attribute a \
               JOIN (SELECT c.conrelid, c.conname, unnest(i.indkey) AS attnum, \
                       generate_subscripts(i.indkey, $1::INTEGER) AS ord \
                     FROM pg_catalog.pg_constraint c \
                     JOIN pg_catalog.pg_index i ON c.conindid = i.indexrelid \
                     WHERE c.contype = 'p' AND c.conrelid = 'pairs'::regclass) AS con \
               ON a.attnum = con.attnum AND a.attrelid = con.conrelid) AS attr \
             GROUP BY attr.conname",
            &[&1i32],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, Vec<String>>(1), ["b", "a"]);
    // Two arrays in one select list advance together (SQLAlchemy's index reflection).
    let rows = client
        .query(
            "SELECT unnest(indkey) AS attnum, unnest(indclass) AS opclass, \
             generate_subscripts(indkey, 1) AS ord FROM pg_catalog.pg_index \
             WHERE indexrelid = 'pairs_c_a'::regclass ORDER BY ord",
            &[],
        )
        .await
        .unwrap();
    let keys: Vec<(i16, i32)> = rows.iter().map(|r| (r.get(0), r.get(2))).collect();
    assert_eq!(keys, [(3, 0), (1, 1)]);
    let default_classes: Vec<bool> = client
        .query(
            "SELECT o.opcdefault FROM (SELECT unnest(indclass) AS opclass FROM pg_index \
             WHERE indexrelid = 'pairs_c_a'::regclass) k JOIN pg_opclass o ON o.oid = k.opclass",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(default_classes, [true, true]);
    // pgjdbc's getPrimaryKeys: _pg_expandarray's record and its fields.
    let rows = client
        .query(
            "SELECT result.COLUMN_NAME, result.KEY_SEQ FROM (SELECT a.attname AS COLUMN_NAME, \
               (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, \
               information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM \
             FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid) \
             JOIN pg_catalog.pg_index i ON (a.attrelid = i.indrelid) \
             WHERE ct.relname = 'pairs' AND i.indisprimary) result \
             WHERE result.A_ATTNUM = (result.KEYS).x ORDER BY result.KEY_SEQ",
            &[],
        )
        .await
        .unwrap();
    let keys: Vec<(String, i32)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(keys, [("b".to_owned(), 1), ("a".to_owned(), 2)]);
    // pgjdbc's getIndexInfo: a column by its position in the index, and indoption.
    let row = client
        .query_one(
            "SELECT trim(both '\"' from pg_catalog.pg_get_indexdef(i.indexrelid, 2, false)), \
             i.indoption[1] & 1::smallint FROM pg_index i \
             WHERE i.indexrelid = 'pairs_c_a'::regclass",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "a");
    assert_eq!(row.get::<_, i16>(1), 0);
}
