//! The scenario steps that run on the shared connection, in the contract's order, then this
//! client's extra step (`pipeline`).

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, TryStreamExt, pin_mut};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Row};

use crate::scenario::{
    COLUMNS_QUERY, COPY_CHECK, COPY_ROWS, COPY_TEXT, INDEXES_QUERY, ITEMS_COLUMNS, Item,
    LONG_QUERY, STREAM_QUERY, TABLES, copy_check_query, copy_out_statements, create_statements,
    error_cases, indexes_right, items,
};
use crate::{Failure, Outcome, check, expect_state, select_one, table, types};

/// The steps after [`CORE_STEPS`]: this client's own.
pub const EXTRA_STEPS: [&str; 1] = ["pipeline"];

/// Runs the step named `step` on the connection.
pub async fn run(step: &str, client: &mut Client) -> Outcome {
    match step {
        "ddl" => ddl(client).await,
        "insert_params" => insert_params(client).await,
        "types_text" => types::text(client).await,
        "types_binary" => types::binary(client).await,
        "nulls" => types::nulls(client).await,
        "stream_100k" => stream_rows(client).await,
        "transaction_rollback" => transaction_rollback(client).await,
        "failed_transaction_25P02" => failed_transaction(client).await,
        "savepoints" => savepoints(client).await,
        "prepared_reuse" => prepared_reuse(client).await,
        "error_sqlstate" => error_sqlstate(client).await,
        "copy_in" => copy_in(client).await,
        "copy_out" => copy_out(client).await,
        "cancel" => cancel(client).await,
        "introspection" => introspection(client).await,
        "pipeline" => pipeline(client).await,
        other => Err(Failure::Failed(format!("unknown step {other}"))),
    }
}

async fn ddl(client: &Client) -> Outcome {
    for name in TABLES {
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {}", table(name)))
            .await?;
    }
    for statement in create_statements() {
        client.batch_execute(&statement).await.map_err(|error| {
            Failure::Failed(format!("{statement}: {}", crate::describe(&error)))
        })?;
    }
    let count = count_items(client).await?;
    check(count == 0, || format!("new table has {count} rows"))
}

async fn insert_params(client: &Client) -> Outcome {
    let insert = format!(
        "INSERT INTO {} (id, name, score, created) VALUES ($1, $2, $3, $4)",
        table("items")
    );
    for item in items() {
        let inserted = client
            .execute(&insert, &[&item.id, &item.name, &item.score, &item.created])
            .await?;
        check(inserted == 1, || {
            format!("insert {} reported {inserted} rows", item.id)
        })?;
    }
    let select = format!(
        "SELECT id, name, score, created FROM {} WHERE id = $1",
        table("items")
    );
    for want in items() {
        let row = client.query_one(&select, &[&want.id]).await?;
        let got = Item {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            score: row.try_get(2)?,
            created: row.try_get(3)?,
        };
        check(got == want, || format!("got {got:?}, want {want:?}"))?;
    }
    Ok(())
}

/// Reads 100,000 rows through tokio-postgres's row stream, one at a time.
async fn stream_rows(client: &Client) -> Outcome {
    let stream = client
        .query_raw(STREAM_QUERY, std::iter::empty::<i32>())
        .await?;
    pin_mut!(stream);
    let (mut rows, mut sum) = (0_i64, 0_i64);
    while let Some(row) = stream.try_next().await? {
        let (i, label): (i32, String) = (row.try_get(0)?, row.try_get(1)?);
        check(label == format!("row {i}"), || {
            format!("row {i} labelled {label:?}")
        })?;
        rows += 1;
        sum += i64::from(i);
    }
    check(rows == 100_000 && sum == 5_000_050_000, || {
        format!("{rows} rows summing to {sum}")
    })
}

async fn count_items(client: &Client) -> Result<i64, Failure> {
    Ok(client
        .query_one(&format!("SELECT count(*) FROM {}", table("items")), &[])
        .await?
        .try_get(0)?)
}

async fn transaction_rollback(client: &mut Client) -> Outcome {
    let before = count_items(client).await?;
    let insert = format!("INSERT INTO {} (id, name) VALUES ($1, $2)", table("items"));
    let transaction = client.transaction().await?;
    transaction
        .execute(&insert, &[&50_i32, &"rolled back"])
        .await?;
    let inside: i64 = transaction
        .query_one(&format!("SELECT count(*) FROM {}", table("items")), &[])
        .await?
        .try_get(0)?;
    transaction.rollback().await?;
    let after = count_items(client).await?;
    check(inside == before + 1 && after == before, || {
        format!("counts before/inside/after rollback {before}/{inside}/{after}")
    })?;
    let transaction = client.transaction().await?;
    transaction
        .execute(&insert, &[&51_i32, &"committed"])
        .await?;
    transaction.commit().await?;
    let committed = count_items(client).await?;
    check(committed == before + 1, || {
        format!("after commit {committed} rows, want {}", before + 1)
    })
}

async fn failed_transaction(client: &mut Client) -> Outcome {
    let insert = format!("INSERT INTO {} (id, name) VALUES ($1, $2)", table("items"));
    let transaction = client.transaction().await?;
    transaction.execute(&insert, &[&60_i32, &"first"]).await?;
    let duplicate = transaction.execute(&insert, &[&60_i32, &"duplicate"]).await;
    expect_state("duplicate insert", duplicate, &SqlState::UNIQUE_VIOLATION)?;
    let after = transaction.query_one("SELECT 1", &[]).await;
    expect_state(
        "statement after the error",
        after,
        &SqlState::IN_FAILED_SQL_TRANSACTION,
    )?;
    transaction.rollback().await?;
    let kept: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM {} WHERE id = 60", table("items")),
            &[],
        )
        .await?
        .try_get(0)?;
    check(kept == 0, || {
        format!("the failed transaction's first insert survived ROLLBACK ({kept} rows)")
    })
}

async fn savepoints(client: &mut Client) -> Outcome {
    let insert = format!("INSERT INTO {} (id, name) VALUES ($1, $2)", table("items"));
    let mut transaction = client.transaction().await?;
    transaction.execute(&insert, &[&100_i32, &"kept"]).await?;
    let first = transaction.savepoint("s1").await?;
    first.execute(&insert, &[&101_i32, &"undone"]).await?;
    first.rollback().await?;
    let second = transaction.savepoint("s2").await?;
    let duplicate = second.execute(&insert, &[&100_i32, &"duplicate"]).await;
    expect_state("duplicate insert", duplicate, &SqlState::UNIQUE_VIOLATION)?;
    second.rollback().await?;
    let third = transaction.savepoint("s3").await?;
    third.execute(&insert, &[&102_i32, &"after error"]).await?;
    third.commit().await?;
    transaction.commit().await?;
    let rows = client
        .query(
            &format!(
                "SELECT id, name FROM {} WHERE id >= 100 ORDER BY id",
                table("items")
            ),
            &[],
        )
        .await?;
    let got: Vec<String> = rows
        .iter()
        .map(|row: &Row| format!("{}:{}", row.get::<_, i32>(0), row.get::<_, String>(1)))
        .collect();
    check(got == ["100:kept", "102:after error"], || {
        format!("rows {got:?}")
    })
}

/// One prepared statement executed many times, and a second one prepared with explicit types.
async fn prepared_reuse(client: &Client) -> Outcome {
    let sql = format!("SELECT name, score FROM {} WHERE id = $1", table("items"));
    let statement = client.prepare(&sql).await?;
    let typed = client
        .prepare_typed(
            &format!("{sql} AND $2"),
            &[
                tokio_postgres::types::Type::INT4,
                tokio_postgres::types::Type::BOOL,
            ],
        )
        .await?;
    let items = items();
    for round in 0..12 {
        let want = &items[round % items.len()];
        for row in [
            client.query_one(&statement, &[&want.id]).await?,
            client.query_one(&typed, &[&want.id, &true]).await?,
        ] {
            let (name, score): (String, f64) = (row.try_get(0)?, row.try_get(1)?);
            check(name == want.name && score == want.score, || {
                format!("round {round}: got {name:?} {score}")
            })?;
        }
    }
    Ok(())
}

async fn error_sqlstate(client: &Client) -> Outcome {
    client
        .batch_execute(&format!(
            "INSERT INTO {} (id, name) VALUES (70, 'seventy')",
            table("items")
        ))
        .await?;
    let mut failures = Vec::new();
    for (sql, code) in error_cases() {
        let result = client.execute(sql.as_str(), &[]).await;
        if let Err(Failure::Failed(problem)) =
            expect_state(&sql, result, &SqlState::from_code(code))
        {
            failures.push(problem);
        }
    }
    select_one(client).await?;
    check(failures.is_empty(), || failures.join("; "))
}

async fn copy_in(client: &Client) -> Outcome {
    let sink = client
        .copy_in(&format!(
            "COPY {} (id, label, amount) FROM STDIN",
            table("copy")
        ))
        .await?;
    pin_mut!(sink);
    // Two chunks that split a row, as a streaming writer would send them.
    let (head, tail) = COPY_TEXT.split_at(10);
    sink.send(Bytes::from_static(head.as_bytes())).await?;
    sink.send(Bytes::from_static(tail.as_bytes())).await?;
    let loaded = sink.finish().await?;
    check(loaded == 3, || format!("COPY reported {loaded} rows"))?;
    let rows = client.query(&copy_check_query(), &[]).await?;
    let got: Vec<String> = rows
        .iter()
        .map(|row| {
            format!(
                "{}|{}|{}",
                row.get::<_, i32>(0),
                row.get::<_, String>(1),
                row.get::<_, String>(2)
            )
        })
        .collect();
    check(got == COPY_CHECK, || format!("table after COPY: {got:?}"))
}

async fn copy_out(client: &Client) -> Outcome {
    // The rows with plain INSERTs first, so that copy_out does not depend on copy_in.
    client
        .batch_execute(&format!("DELETE FROM {}", table("copy")))
        .await?;
    let insert = format!(
        "INSERT INTO {} (id, label, amount) VALUES ($1, $2, $3)",
        table("copy")
    );
    for (id, label, amount) in COPY_ROWS {
        client
            .execute(&insert, &[&id, &label, &types::Numeric(amount.to_string())])
            .await?;
    }
    for sql in copy_out_statements() {
        let chunks: Vec<Bytes> = client.copy_out(&sql).await?.try_collect().await?;
        let text = String::from_utf8(chunks.concat())
            .map_err(|error| Failure::Failed(error.to_string()))?;
        check(text == COPY_TEXT, || format!("{sql}: got {text:?}"))?;
    }
    Ok(())
}

async fn cancel(client: &Client) -> Outcome {
    let token = client.cancel_token();
    let started = Instant::now();
    let canceller = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        token.cancel_query(NoTls).await
    };
    let query = tokio::time::timeout(Duration::from_secs(30), client.query_one(LONG_QUERY, &[]));
    let (result, cancelled) = tokio::join!(query, canceller);
    cancelled.map_err(|error| Failure::Failed(format!("cancel request: {error}")))?;
    let result = result.map_err(|_| {
        Failure::Failed("query still running 30 s after the cancel request".to_string())
    })?;
    expect_state("cancelled query", result, &SqlState::QUERY_CANCELED)?;
    let elapsed = started.elapsed();
    check(elapsed < Duration::from_secs(20), || {
        format!("cancel took {elapsed:?}")
    })?;
    select_one(client).await
}

/// tokio-postgres has no metadata API: read the catalog as psql and pgx do.
async fn introspection(client: &Client) -> Outcome {
    let columns = client.query(COLUMNS_QUERY, &[&table("items")]).await?;
    let got: Vec<String> = columns
        .iter()
        .map(|row| {
            format!(
                "{} {} {}",
                row.get::<_, String>(0),
                row.get::<_, String>(1),
                row.get::<_, bool>(2)
            )
        })
        .collect();
    check(got == ITEMS_COLUMNS, || {
        format!("columns {got:?}, want {ITEMS_COLUMNS:?}")
    })?;
    let indexes = client.query(INDEXES_QUERY, &[&table("items")]).await?;
    let got: Vec<(String, bool, bool)> = indexes
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    check(indexes_right(&got), || {
        format!(
            "indexes {got:?}, want the primary key and {}",
            table("items_name_idx")
        )
    })
}

/// Several queries in flight on one connection at once (tokio-postgres pipelines them).
async fn pipeline(client: &Client) -> Outcome {
    let statement = client
        .prepare(&format!(
            "SELECT name FROM {} WHERE id = $1",
            table("items")
        ))
        .await?;
    let (first, second, third) = tokio::join!(
        client.query_one(&statement, &[&1_i32]),
        client.query_one(&statement, &[&2_i32]),
        client.query_one(&statement, &[&3_i32]),
    );
    let names: Vec<String> = vec![first?.try_get(0)?, second?.try_get(0)?, third?.try_get(0)?];
    let want: Vec<String> = items().into_iter().map(|item| item.name).collect();
    check(names == want, || {
        format!("pipelined names {names:?}, want {want:?}")
    })
}
