//! The emulated catalog through real clients: psql's `\dt`, `\d t`, `\l`, `\dn` against an
//! in-process server over a temporary SQLite file, and tokio-postgres lookups in `pg_type`.

use std::net::SocketAddr;
use std::process::Command;

use tokio::sync::oneshot;

struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    _directory: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start() -> Server {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("catalog.db");
    let config = pgbridge::Config {
        backend: format!("sqlite://{}", path.display()),
        ..Default::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        pgbridge::run(config, listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server {
        address,
        stop: Some(stop),
        _directory: directory,
    }
}

fn connection_string(server: &Server) -> String {
    format!(
        "host=127.0.0.1 port={} user=postgres dbname=app",
        server.address.port()
    )
}

/// Runs one psql command and returns its output lines, trailing spaces removed.
async fn psql(server: &Server, command: &str) -> Vec<String> {
    let connection = connection_string(server);
    let argument = command.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("/usr/bin/psql")
            .args([connection.as_str(), "-X", "-c", argument.as_str()])
            .env("PGCONNECT_TIMEOUT", "5")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "psql {command}: {}{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect()
}

async fn create_schema(server: &Server) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(&connection_string(server), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE TABLE items (id serial PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'x', \
                 price numeric(10,2), created timestamptz);
             CREATE INDEX items_name ON items (name);
             CREATE TABLE orders (id int PRIMARY KEY, item_id int REFERENCES items (id), code text UNIQUE);",
        )
        .await
        .unwrap();
    client
}

fn assert_contains(lines: &[String], expected: &[&str]) {
    for line in expected {
        assert!(
            lines.iter().any(|l| l == line),
            "missing {line:?} in:\n{}",
            lines.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_lists_tables() {
    let server = start().await;
    let _client = create_schema(&server).await;
    let lines = psql(&server, "\\dt").await;
    assert_contains(
        &lines,
        &[
            " public | items  | table | postgres",
            " public | orders | table | postgres",
            "(2 rows)",
        ],
    );
    // The type registry is not a table of the user's.
    assert!(!lines.iter().any(|l| l.contains("_pgbridge_columns")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_describes_a_table() {
    let server = start().await;
    let _client = create_schema(&server).await;
    let lines = psql(&server, "\\d items").await;
    assert_contains(
        &lines,
        &[
            " id      | integer                  |           | not null |",
            " name    | character varying(40)    |           | not null | 'x'",
            " price   | numeric(10,2)            |           |          |",
            " created | timestamp with time zone |           |          |",
            "Indexes:",
            "    \"items_pkey\" PRIMARY KEY, btree (id)",
            "    \"items_name\" btree (name)",
            "Referenced by:",
            "    TABLE \"orders\" CONSTRAINT \"orders_item_id_fkey\" FOREIGN KEY (item_id) REFERENCES items(id)",
        ],
    );
    let lines = psql(&server, "\\d orders").await;
    assert_contains(
        &lines,
        &[
            "    \"orders_pkey\" PRIMARY KEY, btree (id)",
            "    \"orders_code_key\" UNIQUE CONSTRAINT, btree (code)",
            "Foreign-key constraints:",
            "    \"orders_item_id_fkey\" FOREIGN KEY (item_id) REFERENCES items(id)",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_sees_schema_changes() {
    let server = start().await;
    let client = create_schema(&server).await;
    assert_contains(&psql(&server, "\\dt").await, &["(2 rows)"]);
    client
        .batch_execute("DROP TABLE orders; CREATE TABLE notes (body text)")
        .await
        .unwrap();
    let lines = psql(&server, "\\dt").await;
    assert_contains(
        &lines,
        &[
            " public | items | table | postgres",
            " public | notes | table | postgres",
        ],
    );
    assert!(!lines.iter().any(|l| l.contains("orders")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_lists_databases_and_schemas() {
    let server = start().await;
    let lines = psql(&server, "\\l").await;
    assert_contains(
        &lines,
        &[" app  | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            |"],
    );
    let lines = psql(&server, "\\dn").await;
    assert_contains(&lines, &[" public | pg_database_owner", "(1 row)"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_type_by_name_and_oid() {
    let server = start().await;
    let client = create_schema(&server).await;
    let row = client
        .query_one(
            "SELECT oid, typname FROM pg_type WHERE typname = 'int4'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, u32>(0), 23);
    assert_eq!(row.get::<_, String>(1), "int4");
    let row = client
        .query_one(
            "SELECT typname FROM pg_catalog.pg_type WHERE oid = $1",
            &[&1043_u32],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "varchar");
    let row = client
        .query_one(
            "SELECT 'items'::regclass::oid = oid, relname FROM pg_class WHERE relname ~ '^ite.s$'",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
}

/// RowDescription names the table and column each result column comes from, with the OID and
/// attnum the catalog shows (node-postgres' `field.tableID`, pgjdbc's `getTableName`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_columns_carry_their_table_oid_and_attnum() {
    let server = start().await;
    let client = create_schema(&server).await;
    let statement = client
        .prepare(
            "SELECT i.price, i.id, o.code, 1 AS one FROM items i JOIN orders o ON o.item_id = i.id",
        )
        .await
        .unwrap();
    let catalog = |table: &str, column: &str| {
        let client = &client;
        let (table, column) = (table.to_owned(), column.to_owned());
        async move {
            let row = client
                .query_one(
                    "SELECT c.oid, a.attnum FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid \
                     WHERE c.relname = $1 AND a.attname = $2",
                    &[&table, &column],
                )
                .await
                .unwrap();
            (row.get::<_, u32>(0), row.get::<_, i16>(1))
        }
    };
    let columns = statement.columns();
    let origin = |i: usize| (columns[i].table_oid(), columns[i].column_id());
    let (items, price) = catalog("items", "price").await;
    assert_eq!(origin(0), (Some(items), Some(price)));
    assert_eq!(price, 3);
    let (_, id) = catalog("items", "id").await;
    assert_eq!(origin(1), (Some(items), Some(id)));
    let (orders, code) = catalog("orders", "code").await;
    assert_eq!(origin(2), (Some(orders), Some(code)));
    assert_ne!(items, orders);
    assert_eq!(origin(3), (None, None), "an expression has no table");
}
