//! The scenario steps that run on the shared connection, in the contract's order.

use futures_util::TryStreamExt;
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::scenario::{
    COLUMNS_QUERY, COPY_CHECK, COPY_ROWS, COPY_TEXT, INDEXES_QUERY, ITEMS_COLUMNS, Item,
    STREAM_QUERY, TABLES, copy_check_query, copy_out_statements, create_statements, error_cases,
    indexes_right, items,
};
use crate::{Failure, Outcome, check, execute, expect_state, select_one, table, types};

/// Runs the step named `step` on the connection.
pub async fn run(step: &str, connection: &mut PgConnection) -> Outcome {
    match step {
        "ddl" => ddl(connection).await,
        "insert_params" => insert_params(connection).await,
        "types_text" => types::text(connection).await,
        "types_binary" => types::binary(connection).await,
        "nulls" => types::nulls(connection).await,
        "stream_100k" => stream_rows(connection).await,
        "transaction_rollback" => transaction_rollback(connection).await,
        "failed_transaction_25P02" => failed_transaction(connection).await,
        "savepoints" => savepoints(connection).await,
        "prepared_reuse" => prepared_reuse(connection).await,
        "error_sqlstate" => error_sqlstate(connection).await,
        "copy_in" => copy_in(connection).await,
        "copy_out" => copy_out(connection).await,
        "cancel" => Err(Failure::NotApplicable(
            "sqlx has no query cancel API (dropping the future closes the connection)".to_string(),
        )),
        "introspection" => introspection(connection).await,
        other => Err(Failure::Failed(format!("unknown step {other}"))),
    }
}

async fn ddl(connection: &mut PgConnection) -> Outcome {
    for name in TABLES {
        execute(connection, format!("DROP TABLE IF EXISTS {}", table(name))).await?;
    }
    for statement in create_statements() {
        execute(connection, statement).await?;
    }
    let count = count(connection, "").await?;
    check(count == 0, || format!("new table has {count} rows"))
}

async fn insert_params(connection: &mut PgConnection) -> Outcome {
    let insert = format!(
        "INSERT INTO {} (id, name, score, created) VALUES ($1, $2, $3, $4)",
        table("items")
    );
    for item in items() {
        let inserted = sqlx::query(AssertSqlSafe(insert.clone()))
            .bind(item.id)
            .bind(&item.name)
            .bind(item.score)
            .bind(item.created)
            .execute(&mut *connection)
            .await?
            .rows_affected();
        check(inserted == 1, || {
            format!("insert {} reported {inserted} rows", item.id)
        })?;
    }
    let select = format!(
        "SELECT id, name, score, created FROM {} WHERE id = $1",
        table("items")
    );
    for want in items() {
        let row = sqlx::query(AssertSqlSafe(select.clone()))
            .bind(want.id)
            .fetch_one(&mut *connection)
            .await?;
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

/// Reads 100,000 rows through sqlx's row stream, one at a time.
async fn stream_rows(connection: &mut PgConnection) -> Outcome {
    let mut rows = sqlx::query(STREAM_QUERY).fetch(connection);
    let (mut count, mut sum) = (0_i64, 0_i64);
    while let Some(row) = rows.try_next().await? {
        let (i, label): (i32, String) = (row.try_get(0)?, row.try_get(1)?);
        check(label == format!("row {i}"), || {
            format!("row {i} labelled {label:?}")
        })?;
        count += 1;
        sum += i64::from(i);
    }
    check(count == 100_000 && sum == 5_000_050_000, || {
        format!("{count} rows summing to {sum}")
    })
}

/// Rows of the items table, all or matching a WHERE clause.
async fn count(connection: &mut PgConnection, condition: &str) -> Result<i64, Failure> {
    let sql = format!("SELECT count(*) FROM {} {condition}", table("items"));
    Ok(sqlx::query(AssertSqlSafe(sql))
        .fetch_one(connection)
        .await?
        .try_get(0)?)
}

fn insert_item() -> AssertSqlSafe<String> {
    AssertSqlSafe(format!(
        "INSERT INTO {} (id, name) VALUES ($1, $2)",
        table("items")
    ))
}

async fn transaction_rollback(connection: &mut PgConnection) -> Outcome {
    let before = count(connection, "").await?;
    let mut transaction = connection.begin().await?;
    sqlx::query(insert_item())
        .bind(50_i32)
        .bind("rolled back")
        .execute(&mut *transaction)
        .await?;
    let inside = count(&mut transaction, "").await?;
    transaction.rollback().await?;
    let after = count(connection, "").await?;
    check(inside == before + 1 && after == before, || {
        format!("counts before/inside/after rollback {before}/{inside}/{after}")
    })?;
    let mut transaction = connection.begin().await?;
    sqlx::query(insert_item())
        .bind(51_i32)
        .bind("committed")
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    let committed = count(connection, "").await?;
    check(committed == before + 1, || {
        format!("after commit {committed} rows, want {}", before + 1)
    })
}

async fn failed_transaction(connection: &mut PgConnection) -> Outcome {
    let mut transaction = connection.begin().await?;
    sqlx::query(insert_item())
        .bind(60_i32)
        .bind("first")
        .execute(&mut *transaction)
        .await?;
    let duplicate = sqlx::query(insert_item())
        .bind(60_i32)
        .bind("duplicate")
        .execute(&mut *transaction)
        .await;
    expect_state("duplicate insert", duplicate, "23505")?;
    let after = sqlx::query("SELECT 1").fetch_one(&mut *transaction).await;
    expect_state("statement after the error", after, "25P02")?;
    transaction.rollback().await?;
    let kept = count(connection, "WHERE id = 60").await?;
    check(kept == 0, || {
        format!("the failed transaction's first insert survived ROLLBACK ({kept} rows)")
    })
}

/// sqlx makes a nested `begin` a SAVEPOINT, its rollback ROLLBACK TO SAVEPOINT and its commit
/// RELEASE SAVEPOINT.
async fn savepoints(connection: &mut PgConnection) -> Outcome {
    let mut transaction = connection.begin().await?;
    sqlx::query(insert_item())
        .bind(100_i32)
        .bind("kept")
        .execute(&mut *transaction)
        .await?;
    let mut first = transaction.begin().await?;
    sqlx::query(insert_item())
        .bind(101_i32)
        .bind("undone")
        .execute(&mut *first)
        .await?;
    first.rollback().await?;
    let mut second = transaction.begin().await?;
    let duplicate = sqlx::query(insert_item())
        .bind(100_i32)
        .bind("duplicate")
        .execute(&mut *second)
        .await;
    expect_state("duplicate insert", duplicate, "23505")?;
    second.rollback().await?;
    let mut third = transaction.begin().await?;
    sqlx::query(insert_item())
        .bind(102_i32)
        .bind("after error")
        .execute(&mut *third)
        .await?;
    third.commit().await?;
    transaction.commit().await?;
    let sql = format!(
        "SELECT id, name FROM {} WHERE id >= 100 ORDER BY id",
        table("items")
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(&mut *connection)
        .await?;
    let mut got = Vec::new();
    for row in &rows {
        got.push(format!(
            "{}:{}",
            row.try_get::<i32, _>(0)?,
            row.try_get::<String, _>(1)?
        ));
    }
    check(got == ["100:kept", "102:after error"], || {
        format!("rows {got:?}")
    })
}

/// sqlx prepares each query once per connection and keeps it in its statement cache: the same
/// query twelve times reuses one named server statement.
async fn prepared_reuse(connection: &mut PgConnection) -> Outcome {
    connection.clear_cached_statements().await?;
    let sql = format!("SELECT name, score FROM {} WHERE id = $1", table("items"));
    let items = items();
    for round in 0..12 {
        let want = &items[round % items.len()];
        let row = sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(want.id)
            .fetch_one(&mut *connection)
            .await?;
        let (name, score): (String, f64) = (row.try_get(0)?, row.try_get(1)?);
        check(name == want.name && score == want.score, || {
            format!("round {round}: got {name:?} {score}")
        })?;
    }
    let cached = connection.cached_statements_size();
    check(cached == 1, || {
        format!("{cached} statements cached after 12 runs of one query, want 1")
    })
}

async fn error_sqlstate(connection: &mut PgConnection) -> Outcome {
    execute(
        connection,
        format!(
            "INSERT INTO {} (id, name) VALUES (70, 'seventy')",
            table("items")
        ),
    )
    .await?;
    let cases = error_cases();
    let mut failures = Vec::new();
    for (sql, code) in cases {
        let result = sqlx::query(AssertSqlSafe(sql.clone()))
            .execute(&mut *connection)
            .await;
        if let Err(Failure::Failed(problem)) = expect_state(&sql, result, code) {
            failures.push(problem);
        }
    }
    select_one(connection).await?;
    check(failures.is_empty(), || failures.join("; "))
}

async fn copy_rows(connection: &mut PgConnection) -> Result<Vec<String>, Failure> {
    let rows = sqlx::query(AssertSqlSafe(copy_check_query()))
        .fetch_all(connection)
        .await?;
    let mut got = Vec::new();
    for row in &rows {
        let (id, label, amount): (i32, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        got.push(format!("{id}|{label}|{amount}"));
    }
    Ok(got)
}

async fn copy_in(connection: &mut PgConnection) -> Outcome {
    let mut copy = connection
        .copy_in_raw(&format!(
            "COPY {} (id, label, amount) FROM STDIN",
            table("copy")
        ))
        .await?;
    // Two chunks that split a row, as a streaming writer would send them.
    let (head, tail) = COPY_TEXT.split_at(10);
    copy.send(head.as_bytes()).await?;
    copy.send(tail.as_bytes()).await?;
    let loaded = copy.finish().await?;
    check(loaded == 3, || format!("COPY reported {loaded} rows"))?;
    let got = copy_rows(connection).await?;
    check(got == COPY_CHECK, || format!("table after COPY: {got:?}"))
}

async fn copy_out(connection: &mut PgConnection) -> Outcome {
    // The rows with plain INSERTs first, so that copy_out does not depend on copy_in.
    execute(connection, format!("DELETE FROM {}", table("copy"))).await?;
    let insert = format!(
        "INSERT INTO {} (id, label, amount) VALUES ($1, $2, $3)",
        table("copy")
    );
    for (id, label, amount) in COPY_ROWS {
        let amount: rust_decimal::Decimal = amount
            .parse()
            .map_err(|error| Failure::Failed(format!("{error}")))?;
        sqlx::query(AssertSqlSafe(insert.clone()))
            .bind(id)
            .bind(label)
            .bind(amount)
            .execute(&mut *connection)
            .await?;
    }
    for sql in copy_out_statements() {
        let chunks: Vec<_> = connection.copy_out_raw(&sql).await?.try_collect().await?;
        let text = String::from_utf8(chunks.concat())
            .map_err(|error| Failure::Failed(error.to_string()))?;
        check(text == COPY_TEXT, || format!("{sql}: got {text:?}"))?;
    }
    Ok(())
}

/// sqlx has no metadata API: read the catalog as psql does.
async fn introspection(connection: &mut PgConnection) -> Outcome {
    let rows = sqlx::query(COLUMNS_QUERY)
        .bind(table("items"))
        .fetch_all(&mut *connection)
        .await?;
    let mut got = Vec::new();
    for row in &rows {
        let (name, type_name, not_null): (String, String, bool) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        got.push(format!("{name} {type_name} {not_null}"));
    }
    check(got == ITEMS_COLUMNS, || {
        format!("columns {got:?}, want {ITEMS_COLUMNS:?}")
    })?;
    let rows = sqlx::query(INDEXES_QUERY)
        .bind(table("items"))
        .fetch_all(&mut *connection)
        .await?;
    let mut indexes = Vec::new();
    for row in &rows {
        indexes.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
    }
    check(indexes_right(&indexes), || {
        format!(
            "indexes {indexes:?}, want the primary key and {}",
            table("items_name_idx")
        )
    })
}
