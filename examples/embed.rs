//! Run pgbridge inside your own program: its own SQLite file, a port it picks, and a
//! PostgreSQL client talking to it.
//!
//! ```text
//! cargo run --example embed
//! ```

use tokio_postgres::NoTls;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let directory = tempfile::tempdir()?;
    let database = directory.path().join("embedded.db");
    let config = pgbridge::Config {
        backend: format!("sqlite://{}", database.display()),
        ..Default::default()
    };
    // Port 0: the operating system picks a free port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pgbridge::run(config, listener, async {
        let _ = stopped.await;
    }));

    let dsn = format!("host=127.0.0.1 port={port} user=app dbname=embedded");
    let (client, connection) = tokio_postgres::connect(&dsn, NoTls).await?;
    tokio::spawn(connection);

    client
        .batch_execute(
            "CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL, created TIMESTAMPTZ DEFAULT now())",
        )
        .await?;
    for body in ["first", "second"] {
        client
            .execute("INSERT INTO notes (body) VALUES ($1)", &[&body])
            .await?;
    }
    for row in client
        .query("SELECT id, body FROM notes ORDER BY id", &[])
        .await?
    {
        let id: i32 = row.get(0);
        let body: &str = row.get(1);
        println!("{id}: {body}");
    }
    let version: String = client.query_one("SELECT version()", &[]).await?.get(0);
    println!("{version}");

    drop(client);
    let _ = stop.send(());
    server.await??;
    println!("data is in {}", database.display());
    Ok(())
}
