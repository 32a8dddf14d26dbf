//! COPY FROM STDIN and COPY TO STDOUT in text and CSV, as psql \copy and pgbench -i use them.

mod common;

use bytes::Bytes;
use common::{TestServer, sqlstate};
use futures::{SinkExt, StreamExt, pin_mut};

async fn copy_in(
    client: &tokio_postgres::Client,
    sql: &str,
    data: &str,
) -> Result<u64, tokio_postgres::Error> {
    let sink = client.copy_in(sql).await?;
    pin_mut!(sink);
    // Split the data across messages to exercise records spanning CopyData boundaries.
    for chunk in data.as_bytes().chunks(7) {
        sink.send(Bytes::copy_from_slice(chunk)).await?;
    }
    sink.finish().await
}

async fn copy_out(client: &tokio_postgres::Client, sql: &str) -> String {
    let stream = client.copy_out(sql).await.unwrap();
    pin_mut!(stream);
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn text_and_csv_round_trip() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE c (id INT PRIMARY KEY, name TEXT, price NUMERIC(8,2), seen DATE)",
        )
        .await
        .unwrap();
    let rows = copy_in(
        &client,
        "COPY c FROM STDIN",
        "1\tone\t1.50\t2024-01-02\n2\t\\N\t\\N\t\\N\n3\ttab\\there\t0\t2024-12-31\n",
    )
    .await
    .unwrap();
    assert_eq!(rows, 3);
    let rows = copy_in(
        &client,
        "COPY c (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)",
        "id,name\n10,\"a,b\nc\"\n11,\n12,\"\"\n",
    )
    .await
    .unwrap();
    assert_eq!(rows, 3);
    let text = copy_out(
        &client,
        "COPY (SELECT id, name FROM c ORDER BY id) TO STDOUT",
    )
    .await;
    assert_eq!(
        text,
        "1\tone\n2\t\\N\n3\ttab\\there\n10\ta,b\\nc\n11\t\\N\n12\t\n"
    );
    let csv = copy_out(
        &client,
        "COPY c (id, name) TO STDOUT WITH (FORMAT csv, HEADER)",
    )
    .await;
    assert!(csv.starts_with("id,name\n"), "{csv}");
    assert!(
        csv.contains("10,\"a,b\nc\"\n") && csv.contains("11,\n") && csv.contains("12,\"\"\n"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_failing_copy_keeps_nothing() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE c (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let error = copy_in(&client, "COPY c FROM STDIN", "1\n2\n2\n3\n")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "23505");
    let error = copy_in(&client, "COPY c FROM STDIN", "4\nfour\n")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "22P02");
    let count: i64 = client
        .query_one("SELECT count(*) FROM c", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0, "a failed COPY must leave no rows");
    let error = copy_in(&client, "COPY missing FROM STDIN", "1\n")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error), "42P01");
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
}

#[tokio::test]
async fn copy_inside_a_block_follows_the_block() {
    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE c (id INT)")
        .await
        .unwrap();
    client.batch_execute("BEGIN").await.unwrap();
    assert_eq!(
        copy_in(&client, "COPY c FROM STDIN", "1\n2\n")
            .await
            .unwrap(),
        2
    );
    client.batch_execute("ROLLBACK").await.unwrap();
    let count: i64 = client
        .query_one("SELECT count(*) FROM c", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
}

#[tokio::test]
async fn copy_from_stdin_in_binary_format() {
    use tokio_postgres::binary_copy::BinaryCopyInWriter;
    use tokio_postgres::types::Type;

    let server = TestServer::start().await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE b (id int PRIMARY KEY, name text, score double precision, born date)",
        )
        .await
        .unwrap();
    // What pgx's CopyFrom and asyncpg's copy_records_to_table send.
    let sink = client
        .copy_in("COPY b (id, name, score, born) FROM STDIN (FORMAT binary)")
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &[Type::INT4, Type::TEXT, Type::FLOAT8, Type::DATE]);
    pin_mut!(writer);
    let day = chrono::NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
    for id in 1..=2500i32 {
        let name = format!("tab\there {id}");
        let born = (id % 2 == 0).then_some(day);
        writer
            .as_mut()
            .write(&[&id, &name, &(f64::from(id) / 4.0), &born])
            .await
            .unwrap();
    }
    assert_eq!(writer.finish().await.unwrap(), 2500);
    let row = client
        .query_one(
            "SELECT count(*), sum(score), count(born), max(name) FROM b WHERE id <= 2500",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2500);
    assert!((row.get::<_, f64>(1) - 781_562.5).abs() < 1e-6);
    assert_eq!(row.get::<_, i64>(2), 1250);
    assert_eq!(row.get::<_, String>(3), "tab\there 999");

    // A tuple with the wrong field count fails the whole COPY with 22P04.
    let sink = client
        .copy_in("COPY b (id, name) FROM STDIN (FORMAT binary)")
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &[Type::INT4]);
    pin_mut!(writer);
    writer.as_mut().write(&[&9999i32]).await.unwrap();
    let error = writer.finish().await.unwrap_err();
    assert_eq!(sqlstate(&error), "22P04");
    assert_eq!(common::count(&client, "b").await, 2500);
}
