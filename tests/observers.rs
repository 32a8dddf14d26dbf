//! Observers end to end: a real pgbridge (in process, or the binary for kill -9), real
//! tokio-postgres clients, and a real HTTP receiver on loopback (wiremock) that answers 200,
//! 4xx, 5xx, 429 with Retry-After, or slowly, as each test needs.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use common::TestServer;
use serde_json::Value as Json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server whose `[observers]` section is `section` (TOML, `JOURNAL` replaced by a path in
/// the test's directory).
async fn start(section: &str) -> (TestServer, std::path::PathBuf) {
    start_with_metrics(section, None).await
}

async fn start_with_metrics(
    section: &str,
    metrics_listen: Option<std::net::SocketAddr>,
) -> (TestServer, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = dir.path().join("journal.db");
    let text = section.replace("JOURNAL", &journal.display().to_string());
    let observers: toml::Table = toml::from_str(&text).expect("observers section");
    let config = pgbridge::Config {
        backend: format!("sqlite://{}", dir.path().join("test.db").display()),
        observers: Some(observers),
        metrics_listen,
        ..Default::default()
    };
    (TestServer::start_with(config, dir).await, journal)
}

fn webhook_section(url: &str, extra: &str) -> String {
    format!(
        r#"
        journal = {{ path = "JOURNAL", sync = "normal" }}
        [defaults.retry]
        initial_backoff = "10ms"
        max_backoff = "50ms"
        max_attempts = 3
        [[targets]]
        name = "hook"
        kind = "webhook"
        url = "{url}"
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        {extra}
        [[rules]]
        name = "everything"
        targets = ["hook"]
        "#
    )
}

fn body_events(request: &Request) -> Vec<Json> {
    match serde_json::from_slice::<Json>(&request.body).expect("JSON body") {
        Json::Array(events) => events,
        event => vec![event],
    }
}

/// The events of every request, in arrival order (for receivers that always answer 200).
async fn all_events(server: &MockServer) -> Vec<Json> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .flat_map(body_events)
        .collect()
}

/// Waits until `count` events have arrived, then a little longer to catch extra ones.
async fn wait_for_events(server: &MockServer, count: usize) -> Vec<Json> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events = all_events(server).await;
        if events.len() >= count || Instant::now() > deadline {
            tokio::time::sleep(Duration::from_millis(300)).await;
            return all_events(server).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The body of `GET path` on a loopback port (HTTP/1.0, so the server closes the connection).
async fn http_get(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(
        response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200"),
        "{response}"
    );
    response.split_once("\r\n\r\n").unwrap().1.to_owned()
}

fn data(event: &Json) -> &Json {
    &event["data"]
}

/// A receiver that answers `status` to the first `times` requests, then 200.
async fn failing_then_accepting(status: u16, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status))
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn ok_receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn only_committed_work_is_delivered_with_old_and_new_rows() {
    let receiver = ok_receiver().await;
    let (server, _journal) = start(&webhook_section(&receiver.uri(), "")).await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE orders (id serial PRIMARY KEY, status text NOT NULL, total numeric(10,2))",
        )
        .await
        .unwrap();
    // autocommit
    client
        .execute(
            "INSERT INTO orders (status, total) VALUES ('new', 10.50)",
            &[],
        )
        .await
        .unwrap();
    // committed block
    client
        .batch_execute(
            "BEGIN; UPDATE orders SET status = 'paid' WHERE id = 1; INSERT INTO orders (status) VALUES ('second'); COMMIT",
        )
        .await
        .unwrap();
    // rolled back block
    client
        .batch_execute("BEGIN; INSERT INTO orders (status) VALUES ('rolled back'); ROLLBACK")
        .await
        .unwrap();
    // savepoints: kept, rolled back to, kept after
    client
        .batch_execute(
            "BEGIN;
             INSERT INTO orders (status) VALUES ('before savepoint');
             SAVEPOINT S;
             INSERT INTO orders (status) VALUES ('undone by savepoint');
             ROLLBACK TO SAVEPOINT s;
             INSERT INTO orders (status) VALUES ('after savepoint');
             COMMIT",
        )
        .await
        .unwrap();
    // a failed block: its COMMIT rolls back
    client.batch_execute("BEGIN").await.unwrap();
    client
        .execute(
            "INSERT INTO orders (status) VALUES ('in failed block')",
            &[],
        )
        .await
        .unwrap();
    assert!(
        client
            .execute("INSERT INTO orders (status) VALUES (NULL)", &[])
            .await
            .is_err()
    );
    client.batch_execute("COMMIT").await.unwrap();
    // a failed autocommit statement changes nothing
    assert!(
        client
            .execute("INSERT INTO orders (id, status) VALUES (1, 'dup')", &[])
            .await
            .is_err()
    );
    client
        .execute("DELETE FROM orders WHERE status = 'second'", &[])
        .await
        .unwrap();

    let events = wait_for_events(&receiver, 6).await;
    let summary: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            let row = if data(e)["new"].is_null() {
                &data(e)["old"]
            } else {
                &data(e)["new"]
            };
            (
                data(e)["operation"].as_str().unwrap().to_owned(),
                row["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("INSERT", "new"),
        ("UPDATE", "paid"),
        ("INSERT", "second"),
        ("INSERT", "before savepoint"),
        ("INSERT", "after savepoint"),
        ("DELETE", "second"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    let mut sorted_summary = summary.clone();
    sorted_summary.sort();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    assert_eq!(sorted_summary, sorted_expected, "events: {events:#?}");

    let update = events
        .iter()
        .find(|e| data(e)["operation"] == "UPDATE")
        .unwrap();
    assert_eq!(update["specversion"], "1.0");
    assert_eq!(update["type"], "pgbridge.orders.update");
    assert_eq!(update["subject"], "1");
    assert_eq!(data(update)["old"]["status"], "new");
    assert_eq!(data(update)["new"]["status"], "paid");
    assert_eq!(data(update)["key"]["id"], 1);
    assert_eq!(data(update)["new"]["total"].to_string(), "10.50");
    assert_eq!(data(update)["user"], "postgres");
    let delete = events
        .iter()
        .find(|e| data(e)["operation"] == "DELETE")
        .unwrap();
    assert!(data(delete)["new"].is_null());
    assert_eq!(data(delete)["old"]["status"], "second");
    // The two changes of one transaction share its id, in statement order.
    let paid = events
        .iter()
        .find(|e| data(e)["new"]["status"] == "paid")
        .unwrap();
    let second = events
        .iter()
        .find(|e| data(e)["operation"] == "INSERT" && data(e)["new"]["status"] == "second")
        .unwrap();
    assert_eq!(data(paid)["transaction_id"], data(second)["transaction_id"]);
    assert!(data(paid)["position"].as_u64() < data(second)["position"].as_u64());
    let ids: HashSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
}

#[tokio::test]
async fn requests_carry_a_standard_webhooks_signature_the_receiver_can_verify() {
    use base64::Engine as _;
    use hmac::Mac as _;
    let receiver = ok_receiver().await;
    let (server, _journal) = start(&webhook_section(&receiver.uri(), "")).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    wait_for_events(&receiver, 1).await;
    let requests = receiver.received_requests().await.unwrap();
    let request = &requests[0];
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let id = header("webhook-id");
    let timestamp = header("webhook-timestamp");
    let key = base64::engine::general_purpose::STANDARD
        .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    assert_eq!(header("webhook-signature"), expected);
    assert_eq!(header("content-type"), "application/cloudevents+json");
    let event: Json = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(event["id"].as_str().unwrap(), id);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_accepts_with_the_same_event_id() {
    let receiver = failing_then_accepting(503, 2).await;
    let metrics_port = free_port();
    let metrics_listen = std::net::SocketAddr::from(([127, 0, 0, 1], metrics_port));
    let (server, journal) =
        start_with_metrics(&webhook_section(&receiver.uri(), ""), Some(metrics_listen)).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (7)")
        .await
        .unwrap();
    let events = wait_for_events(&receiver, 3).await;
    let metrics = http_get(metrics_port, "/metrics").await;
    for line in [
        "pgbridge_observer_events_emitted_total 1",
        "pgbridge_observer_events_retried_total{target=\"hook\"} 2",
        "pgbridge_observer_events_delivered_total{target=\"hook\"} 1",
        "pgbridge_observer_delivery_latency_seconds_count{target=\"hook\"} 1",
        "pgbridge_observer_queue_depth{target=\"hook\"} 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no `{line}` in:\n{metrics}"
        );
    }
    assert_eq!(events.len(), 3, "two 503s, then the accepted attempt");
    let ids: HashSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "every attempt carries the same event id");
    let listing =
        pgbridge::observers::dlq::run(&journal, &pgbridge::observers::dlq::DlqCommand::List)
            .unwrap();
    assert!(listing.contains("(0 dead deliveries)"), "{listing}");
}

#[tokio::test]
async fn exhausted_retries_go_to_the_dead_letter_queue_and_a_replay_delivers_once() {
    use pgbridge::observers::dlq::{DlqCommand, run};
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&receiver)
        .await;
    let (server, journal) = start(&webhook_section(&receiver.uri(), "")).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x')")
        .await
        .unwrap();
    wait_for_events(&receiver, 3).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let listing = loop {
        let listing = run(&journal, &DlqCommand::List).unwrap();
        if listing.contains("(1 dead deliveries)") || Instant::now() > deadline {
            break listing;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(listing.contains("(1 dead deliveries)"), "{listing}");
    assert!(listing.contains("answered 500"), "{listing}");
    assert_eq!(
        receiver.received_requests().await.unwrap().len(),
        3,
        "max_attempts = 3"
    );
    // The same queue through SQL, for people who live in psql.
    let rows = client
        .query(
            "SELECT target, table_name, operation, subject, attempts, last_error FROM pgbridge.dlq",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>("target"), "hook");
    assert_eq!(rows[0].get::<_, String>("subject"), "1");
    assert_eq!(rows[0].get::<_, i64>("attempts"), 3);
    assert!(
        rows[0]
            .get::<_, String>("last_error")
            .contains("answered 500")
    );

    receiver.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    assert_eq!(
        run(&journal, &DlqCommand::Replay(None)).unwrap(),
        "1 dead deliveries queued for replay\n"
    );
    let events = wait_for_events(&receiver, 1).await;
    assert_eq!(events.len(), 1, "the replayed event is delivered once");
    assert_eq!(data(&events[0])["new"]["v"], "x");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !run(&journal, &DlqCommand::List)
        .unwrap()
        .contains("(0 dead deliveries)")
    {
        assert!(
            Instant::now() < deadline,
            "the replayed delivery left the queue"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Answers 429 with `Retry-After: 1` the first time, then 200, noting when each request came.
struct RetryAfterOnce(std::sync::Mutex<Vec<Instant>>);

impl wiremock::Respond for RetryAfterOnce {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.0.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 1 {
            ResponseTemplate::new(429).insert_header("Retry-After", "1")
        } else {
            ResponseTemplate::new(200)
        }
    }
}

#[tokio::test]
async fn a_client_error_is_final_and_retry_after_is_honoured() {
    use pgbridge::observers::dlq::{DlqCommand, run};
    let receiver = MockServer::start().await;
    let arrivals = std::sync::Arc::new(RetryAfterOnce(std::sync::Mutex::new(Vec::new())));
    Mock::given(wiremock::matchers::body_string_contains(
        "\"subject\":\"1\"",
    ))
    .respond_with(ResponseTemplate::new(400))
    .mount(&receiver)
    .await;
    Mock::given(wiremock::matchers::body_string_contains(
        "\"subject\":\"2\"",
    ))
    .respond_with(SharedResponder(std::sync::Arc::clone(&arrivals)))
    .mount(&receiver)
    .await;
    let (server, journal) = start(&webhook_section(&receiver.uri(), "")).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY)")
        .await
        .unwrap();
    client
        .execute("INSERT INTO t VALUES (1)", &[])
        .await
        .unwrap();
    client
        .execute("INSERT INTO t VALUES (2)", &[])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while arrivals.0.lock().unwrap().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let times = arrivals.0.lock().unwrap().clone();
    assert_eq!(times.len(), 2, "a 429 is retried once, then accepted");
    let waited = times[1] - times[0];
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was honoured over the 10-50 ms backoff (waited {waited:?})"
    );
    let requests = receiver.received_requests().await.unwrap();
    let for_key_1 = requests
        .iter()
        .filter(|r| body_events(r)[0]["subject"] == "1")
        .count();
    assert_eq!(for_key_1, 1, "a 400 is not retried");
    let listing = run(&journal, &DlqCommand::List).unwrap();
    assert!(
        listing.contains("(1 dead deliveries)") && listing.contains("answered 400"),
        "{listing}"
    );
}

/// A responder shared with the test, which reads what it recorded.
struct SharedResponder(std::sync::Arc<RetryAfterOnce>);

impl wiremock::Respond for SharedResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}

#[tokio::test]
async fn rules_filter_by_table_operation_changed_columns_and_predicate() {
    let receiver = ok_receiver().await;
    let section = format!(
        r#"
        journal = {{ path = "JOURNAL", sync = "normal" }}
        [[targets]]
        name = "hook"
        kind = "webhook"
        url = "{}"
        [[rules]]
        name = "paid-orders"
        tables = ["public.ord*"]
        operations = ["UPDATE"]
        columns = ["status"]
        when = "new.status == 'paid' && old.status != 'paid' && new.total > 100"
        payload_columns = ["status"]
        targets = ["hook"]
        [[rules]]
        name = "audit-deletes"
        tables = ["audit_*"]
        operations = ["delete", "ddl"]
        targets = ["hook"]
        "#,
        receiver.uri()
    );
    let (server, _journal) = start(&section).await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE orders (id int PRIMARY KEY, status text, total numeric, note text);
             CREATE TABLE audit_log (id int PRIMARY KEY);
             INSERT INTO orders VALUES (1, 'new', 500, ''), (2, 'new', 50, ''), (3, 'paid', 900, '');
             INSERT INTO audit_log VALUES (1), (2);
             UPDATE orders SET note = 'touched';
             UPDATE orders SET status = 'paid';
             UPDATE audit_log SET id = id + 10;
             DELETE FROM audit_log WHERE id = 11;",
        )
        .await
        .unwrap();
    let events = wait_for_events(&receiver, 3).await;
    let mut seen: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["type"].as_str().unwrap(),
                e["subject"].as_str().unwrap_or("-")
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            "pgbridge.audit_log.ddl -".to_owned(),
            "pgbridge.audit_log.delete 11".to_owned(),
            "pgbridge.orders.update 1".to_owned(),
        ],
        "{events:#?}"
    );
    let paid = events
        .iter()
        .find(|e| e["type"] == "pgbridge.orders.update")
        .unwrap();
    let columns: Vec<&String> = data(paid)["new"].as_object().unwrap().keys().collect();
    assert_eq!(
        columns,
        vec!["id", "status"],
        "payload_columns keep the key and the named columns"
    );
}

#[tokio::test]
async fn events_of_one_row_arrive_in_commit_order_under_concurrency() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(2)))
        .mount(&receiver)
        .await;
    let (server, _journal) = start(&webhook_section(&receiver.uri(), "max_in_flight = 8")).await;
    let setup = server.client().await;
    setup
        .batch_execute(
            "CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
             INSERT INTO counters SELECT g, 0 FROM generate_series(1, 6) AS g(g)",
        )
        .await
        .unwrap();
    const UPDATES: i32 = 25;
    let mut tasks = Vec::new();
    for id in 1..=6 {
        let client = server.client().await;
        tasks.push(tokio::spawn(async move {
            for _ in 0..UPDATES {
                client
                    .execute("UPDATE counters SET n = n + 1 WHERE id = $1", &[&id])
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let events = wait_for_events(&receiver, 6 + 6 * UPDATES as usize).await;
    let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for event in events.iter().filter(|e| data(e)["operation"] == "UPDATE") {
        by_key
            .entry(event["subject"].as_str().unwrap().to_owned())
            .or_default()
            .push(data(event)["new"]["n"].as_i64().unwrap());
    }
    assert_eq!(by_key.len(), 6);
    for (key, values) in by_key {
        let expected: Vec<i64> = (1..=i64::from(UPDATES)).collect();
        assert_eq!(values, expected, "row {key} arrived out of order");
    }
}

/// A pgbridge binary with a config file, killed with SIGKILL by the test.
struct Binary {
    child: std::process::Child,
    port: u16,
}

impl Binary {
    async fn start(config: &std::path::Path, port: u16) -> Binary {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_pgbridge"))
            .arg("--config")
            .arg(config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start pgbridge");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "pgbridge did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Binary { child, port }
    }

    async fn client(&self) -> tokio_postgres::Client {
        let dsn = format!(
            "host=127.0.0.1 port={} user=postgres dbname=test",
            self.port
        );
        let (client, connection) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        client
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn kill_9_between_commit_and_delivery_loses_nothing_and_restart_delivers_once() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&receiver)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = dir.path().join("pgbridge.toml");
    std::fs::write(
        &config,
        format!(
            r#"
            listen = "127.0.0.1:{port}"
            backend = "sqlite://{db}"
            [observers]
            journal = {{ path = "{journal}" }}
            defaults.retry = {{ initial_backoff = "20ms", max_backoff = "100ms", max_attempts = 1000 }}
            [[observers.targets]]
            name = "hook"
            kind = "webhook"
            url = "{url}"
            [[observers.rules]]
            name = "items"
            tables = ["items"]
            targets = ["hook"]
            "#,
            db = dir.path().join("data.db").display(),
            journal = dir.path().join("journal.db").display(),
            url = receiver.uri(),
        ),
    )
    .unwrap();

    let mut first = Binary::start(&config, port).await;
    let client = first.client().await;
    client
        .batch_execute("CREATE TABLE items (id int PRIMARY KEY, label text)")
        .await
        .unwrap();
    for id in 1..=40 {
        client
            .execute("INSERT INTO items VALUES ($1, 'autocommit')", &[&id])
            .await
            .unwrap();
    }
    client
        .batch_execute(
            "BEGIN; INSERT INTO items SELECT g, 'rolled back' FROM generate_series(100, 104) AS g(g); ROLLBACK",
        )
        .await
        .unwrap();
    client
        .batch_execute(
            "BEGIN; INSERT INTO items SELECT g, 'block' FROM generate_series(41, 50) AS g(g); COMMIT",
        )
        .await
        .unwrap();
    // Let the receiver refuse a few attempts, then kill pgbridge mid-retry.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!receiver.received_requests().await.unwrap().is_empty());
    first.child.kill().unwrap(); // SIGKILL
    first.child.wait().unwrap();
    drop(client);

    receiver.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let _second = Binary::start(&config, port).await;
    let events = wait_for_events(&receiver, 50).await;
    let mut ids: Vec<i64> = events
        .iter()
        .map(|e| data(e)["new"]["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=50).collect::<Vec<i64>>(),
        "each committed row once, no rolled-back row"
    );
}

#[tokio::test]
async fn a_batching_target_receives_arrays_of_up_to_max_events() {
    let receiver = ok_receiver().await;
    let (server, _journal) = start(&webhook_section(
        &receiver.uri(),
        r#"max_in_flight = 1
        batch = { max_events = 10, max_wait = "200ms" }"#,
    ))
    .await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE t (id int PRIMARY KEY);
             INSERT INTO t SELECT g FROM generate_series(1, 25) AS g(g)",
        )
        .await
        .unwrap();
    let events = wait_for_events(&receiver, 25).await;
    let mut ids: Vec<i64> = events
        .iter()
        .map(|e| data(e)["new"]["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    let requests = receiver.received_requests().await.unwrap();
    let sizes: Vec<usize> = requests.iter().map(|r| body_events(r).len()).collect();
    assert_eq!(
        sizes,
        vec![10, 10, 5],
        "one lane: full batches, then what max_wait left"
    );
    let content_type = requests[0].headers.get("content-type").unwrap();
    assert_eq!(content_type, "application/cloudevents-batch+json");
}

#[tokio::test]
async fn a_replay_of_an_event_delivered_within_the_dedup_window_is_not_sent_again() {
    let receiver = ok_receiver().await;
    let (server, journal) = start(&webhook_section(&receiver.uri(), "")).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let events = wait_for_events(&receiver, 1).await;
    assert_eq!(events.len(), 1);
    // As if the journal had lost the record of that delivery (a crash between the receiver's
    // 200 and the journal write): the same event is queued for the same target again.
    let connection = rusqlite::Connection::open(&journal).unwrap();
    connection
        .execute(
            "INSERT INTO events (seq, id, table_name, operation, subject, ordering_key, body)
             VALUES (1000, ?1, 't', 'INSERT', '1', 't', ?2)",
            rusqlite::params![events[0]["id"].as_str().unwrap(), events[0].to_string()],
        )
        .unwrap();
    connection
        .execute(
            "INSERT INTO deliveries (seq, target, state) VALUES (1000, 'hook', 'replay')",
            [],
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left: i64 = connection
            .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replayed delivery was not settled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        receiver.received_requests().await.unwrap().len(),
        1,
        "the duplicate was skipped, not sent"
    );
}

#[tokio::test]
async fn past_queue_capacity_events_wait_in_the_journal_and_arrive_in_order() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(20)))
        .mount(&receiver)
        .await;
    let metrics_port = free_port();
    let section = webhook_section(&receiver.uri(), "max_in_flight = 1")
        .replace("journal = {", "queue_capacity = 4\n        journal = {");
    let (server, _journal) = start_with_metrics(
        &section,
        Some(std::net::SocketAddr::from(([127, 0, 0, 1], metrics_port))),
    )
    .await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY)")
        .await
        .unwrap();
    let mut most_in_memory = 0;
    for id in 1..=40 {
        client
            .execute("INSERT INTO t VALUES ($1)", &[&id])
            .await
            .unwrap();
        let metrics = http_get(metrics_port, "/metrics").await;
        let in_memory: usize = metrics
            .lines()
            .find_map(|l| l.strip_prefix("pgbridge_observer_events_in_memory "))
            .expect("events_in_memory gauge")
            .parse()
            .unwrap();
        most_in_memory = most_in_memory.max(in_memory);
    }
    assert!(
        most_in_memory <= 4,
        "held {most_in_memory} events in memory"
    );
    let events = wait_for_events(&receiver, 40).await;
    let ids: Vec<i64> = events
        .iter()
        .map(|e| data(e)["new"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        (1..=40).collect::<Vec<_>>(),
        "commit order through the spill"
    );
}

#[tokio::test]
async fn statuses_listed_in_the_default_retry_policy_are_retried() {
    let receiver = failing_then_accepting(418, 1).await;
    // `[defaults.retry]` names 418, which is not among the built-in retry statuses.
    let section = webhook_section(&receiver.uri(), "").replace(
        "max_attempts = 3",
        "max_attempts = 3\n        retry_on_status = [418]",
    );
    let (server, _journal) = start(&section).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let events = wait_for_events(&receiver, 2).await;
    assert_eq!(events.len(), 2, "the 418 was retried, then accepted");
}
