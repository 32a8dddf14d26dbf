//! Query pgbridge over Arrow Flight SQL from Rust: pgbridge runs in-process on its own SQLite
//! file with a Flight listener on a port it picks; arrow-flight's Flight SQL client creates a
//! table, inserts with a prepared statement and reads the rows back as Arrow record batches.
//!
//! ```text
//! cargo run --example flight --features arrow
//! ```

use std::sync::Arc;

use futures::TryStreamExt;
use pgbridge_proxy::flight::arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use pgbridge_proxy::flight::arrow_flight::sql::client::FlightSqlServiceClient;
use pgbridge_proxy::flight::tonic::transport::Channel;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let directory = tempfile::tempdir()?;
    let config = pgbridge::Config {
        backend: format!("sqlite://{}", directory.path().join("flight.db").display()),
        ..Default::default()
    };
    let wire = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let flight = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = flight.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pgbridge::run_with_flight(
        config,
        wire,
        Some(flight),
        async {
            let _ = stopped.await;
        },
    ));

    let channel = Channel::from_shared(format!("http://{address}"))?
        .connect()
        .await?;
    let mut client = FlightSqlServiceClient::new(channel);
    // With `auth` set to a password method: client.handshake("user", "password").await?;
    client
        .execute_update("CREATE TABLE notes (id int8, body text)".to_owned(), None)
        .await?;
    let mut insert = client
        .prepare("INSERT INTO notes VALUES (?, ?)".to_owned(), None)
        .await?;
    insert.set_parameters(RecordBatch::try_from_iter([
        ("id", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
        (
            "body",
            Arc::new(StringArray::from(vec!["first", "second"])) as ArrayRef,
        ),
    ])?)?;
    println!("inserted {}", insert.execute_update().await?);
    insert.close().await?;

    let info = client
        .execute("SELECT id, body FROM notes ORDER BY id".to_owned(), None)
        .await?;
    for endpoint in info.endpoint {
        let Some(ticket) = endpoint.ticket else {
            continue;
        };
        let batches: Vec<RecordBatch> = client.do_get(ticket).await?.try_collect().await?;
        for batch in batches {
            println!("{batch:?}");
        }
    }

    let _ = stop.send(());
    server.await??;
    Ok(())
}
