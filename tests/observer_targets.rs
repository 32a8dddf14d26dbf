//! The Slack, Twilio and email targets against real protocols: Slack's incoming webhooks and
//! Twilio's Messages API served by wiremock on loopback (checked for method, path, auth,
//! JSON/form fields and the spacing of arrivals), and email through a real SMTP server
//! (Python's aiosmtpd, `tests/smtp/sink.py`, from the repository's `.venv` that
//! `scripts/test.sh` creates) that writes each message it receives to a file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestServer;
use pgbridge::observers::dlq::{DlqCommand, run};
use serde_json::Value as Json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server whose `[observers]` section is `targets` (TOML `[[targets]]` and `[[rules]]`)
/// after a journal in the test's directory and a fast retry schedule.
async fn start(targets: &str) -> (TestServer, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = dir.path().join("journal.db");
    let text = format!(
        r#"
        journal = {{ path = "{}", sync = "normal" }}
        [defaults.retry]
        initial_backoff = "10ms"
        max_backoff = "50ms"
        max_attempts = 3
        {targets}
        "#,
        journal.display()
    );
    let observers: toml::Table = toml::from_str(&text).expect("observers section");
    let config = pgbridge::Config {
        backend: format!("sqlite://{}", dir.path().join("test.db").display()),
        observers: Some(observers),
        ..Default::default()
    };
    (TestServer::start_with(config, dir).await, journal)
}

/// Waits until `done` holds or 20 s pass, then a little longer to catch extra arrivals.
async fn wait_until(mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done().await && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn json(request: &Request) -> Json {
    serde_json::from_slice(&request.body).expect("JSON body")
}

fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

fn form_value(request: &Request, key: &str) -> String {
    form(request)
        .into_iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no {key} in {:?}", form(request)))
}

/// Records when each request arrived and answers 200, or first the status given (with
/// `Retry-After: 1`) when it is not 0.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>, u16);

impl wiremock::Respond for Arrivals {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.0.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 1 && self.1 != 0 {
            ResponseTemplate::new(self.1).insert_header("Retry-After", "1")
        } else {
            ResponseTemplate::new(200)
        }
    }
}

impl Arrivals {
    fn times(&self) -> Vec<Instant> {
        self.0.lock().unwrap().clone()
    }
}

fn slack_target(url: &str, extra: &str) -> String {
    format!(
        r#"
        [[targets]]
        name = "slack"
        kind = "slack"
        webhook_url = "{url}/services/T000/B000/XXXX"
        {extra}
        [[rules]]
        name = "everything"
        targets = ["slack"]
        "#
    )
}

#[tokio::test]
async fn slack_messages_name_the_change_and_are_spaced_by_the_channel_rate() {
    let slack = MockServer::start().await;
    let arrivals = Arrivals::default();
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .and(header("content-type", "application/json"))
        .respond_with(arrivals.clone())
        .mount(&slack)
        .await;
    let (server, _journal) = start(&slack_target(&slack.uri(), r#"rate_limit = "2/s""#)).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE orders (id int PRIMARY KEY, status text, total int)")
        .await
        .unwrap();
    for id in 1..=3_i32 {
        client
            .execute("INSERT INTO orders VALUES ($1, 'new', 10)", &[&id])
            .await
            .unwrap();
    }
    client
        .execute("UPDATE orders SET status = 'paid' WHERE id = 2", &[])
        .await
        .unwrap();
    wait_until(async || arrivals.times().len() >= 4).await;
    let times = arrivals.times();
    assert_eq!(times.len(), 4, "one message per event");
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(450),
            "2/s spaces messages by 500 ms, not {gap:?}"
        );
    }
    let messages: Vec<Json> = requests(&slack).await.iter().map(json).collect();
    let insert = messages
        .iter()
        .find(|m| m["text"] == "INSERT on orders (key 1)")
        .expect("the INSERT of key 1");
    assert_eq!(
        insert["blocks"][0]["text"]["text"],
        "*INSERT* on `orders` (key `1`)"
    );
    assert_eq!(insert["blocks"].as_array().unwrap().len(), 1);
    let update = messages
        .iter()
        .find(|m| m["text"].as_str().unwrap().starts_with("UPDATE"))
        .expect("the UPDATE");
    assert_eq!(
        update["text"],
        "UPDATE on orders (key 2): status new -> paid"
    );
    assert_eq!(
        update["blocks"][1]["fields"],
        serde_json::json!([{"type": "mrkdwn", "text": "*status*\nnew → paid"}]),
        "only the changed column is listed"
    );
}

#[tokio::test]
async fn slack_digests_a_batch_with_the_template_and_honours_retry_after() {
    let slack = MockServer::start().await;
    let arrivals = Arrivals(Arc::default(), 429);
    Mock::given(method("POST"))
        .respond_with(arrivals.clone())
        .mount(&slack)
        .await;
    let extra = r#"
        template = "{{op}} #{{key}}: {{new.status}} <{{old.status}}>"
        max_in_flight = 1
        batch = { max_events = 10, max_wait = "300ms" }
    "#;
    let (server, _journal) = start(&slack_target(&slack.uri(), extra)).await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE orders (id int PRIMARY KEY, status text);
             BEGIN;
             INSERT INTO orders VALUES (1, 'new'), (2, 'new'), (3, 'new');
             COMMIT",
        )
        .await
        .unwrap();
    wait_until(async || arrivals.times().len() >= 2).await;
    let times = arrivals.times();
    assert_eq!(times.len(), 2, "a 429, then the same digest accepted");
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "Retry-After: 1 was honoured (waited {:?})",
        times[1] - times[0]
    );
    let messages: Vec<Json> = requests(&slack).await.iter().map(json).collect();
    assert_eq!(messages[0], messages[1], "the retry sends the same message");
    assert_eq!(
        messages[0]["text"],
        "3 changes:\nINSERT #1: new <>\nINSERT #2: new <>\nINSERT #3: new <>"
    );
    let blocks = messages[0]["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 4, "a title and one section per event");
    assert_eq!(blocks[0]["text"]["text"], "*3 changes*");
    assert_eq!(
        blocks[3]["text"]["text"], "INSERT #3: new &lt;&gt;",
        "template text is escaped for mrkdwn"
    );
}

fn twilio_target(url: &str, to: &str, template: &str) -> String {
    format!(
        r#"
        [[targets]]
        name = "sms"
        kind = "twilio"
        base_url = "{url}"
        account_sid = "AC0123"
        auth_token = "s3cret"
        from = "+15550000"
        to = {to}
        {template}
        [[rules]]
        name = "everything"
        targets = ["sms"]
        "#
    )
}

const MESSAGES_PATH: &str = "/2010-04-01/Accounts/AC0123/Messages.json";

#[tokio::test]
async fn twilio_texts_each_recipient_with_basic_auth_and_a_cut_body() {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES_PATH))
        // base64("AC0123:s3cret")
        .and(header("authorization", "Basic QUMwMTIzOnMzY3JldA=="))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"sid": "SM1"}"#))
        .mount(&twilio)
        .await;
    let target = twilio_target(
        &twilio.uri(),
        r#"["+15551111", "+15552222"]"#,
        r#"template = "{{table}} {{key}} is {{new.status}}: {{new.note}}""#,
    );
    let (server, _journal) = start(&target).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE orders (id int PRIMARY KEY, status text, note text)")
        .await
        .unwrap();
    let note = "é".repeat(2000);
    client
        .execute("INSERT INTO orders VALUES (7, 'new', $1)", &[&note])
        .await
        .unwrap();
    wait_until(async || requests(&twilio).await.len() >= 2).await;
    let sent = requests(&twilio).await;
    assert_eq!(sent.len(), 2, "one request per recipient");
    let mut recipients: Vec<String> = sent.iter().map(|r| form_value(r, "To")).collect();
    recipients.sort();
    assert_eq!(recipients, ["+15551111", "+15552222"]);
    for request in &sent {
        assert_eq!(form_value(request, "From"), "+15550000");
        let body = form_value(request, "Body");
        assert!(body.starts_with("orders 7 is new: ééé"), "{body}");
        assert_eq!(body.chars().count(), 1600, "cut to Twilio's limit");
    }
}

#[tokio::test]
async fn twilio_retries_5xx_and_dead_letters_a_refused_recipient_once() {
    let twilio = MockServer::start().await;
    Mock::given(body_string_contains("To=%2B15551111"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(r#"{"code": 21211, "message": "bad To"}"#),
        )
        .mount(&twilio)
        .await;
    Mock::given(body_string_contains("To=%2B15552222"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&twilio)
        .await;
    Mock::given(body_string_contains("To=%2B15552222"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&twilio)
        .await;
    let target = twilio_target(&twilio.uri(), r#"["+15551111", "+15552222"]"#, "");
    let (server, journal) = start(&target).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let count = async |to: &str| {
        requests(&twilio)
            .await
            .iter()
            .filter(|r| form_value(r, "To") == to)
            .count()
    };
    wait_until(async || count("+15552222").await >= 2).await;
    assert_eq!(count("+15551111").await, 1, "a 400 is not retried");
    assert_eq!(count("+15552222").await, 2, "a 503 is retried once");
    let body = form_value(&requests(&twilio).await[0], "Body");
    assert_eq!(body, "INSERT on t (key 1)", "the default body is a summary");
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut listing = String::new();
    while Instant::now() < deadline {
        listing = run(&journal, &DlqCommand::List).unwrap();
        if listing.contains("(1 dead deliveries)") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        listing.contains("(1 dead deliveries)") && listing.contains("answered 400"),
        "{listing}"
    );
}

/// A real SMTP server (aiosmtpd) on a free port, stopped on drop.
struct SmtpSink {
    port: u16,
    out: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Accepts everything, or refuses the first `count` messages with `reply`.
    fn start(refuse: Option<(&str, usize)>) -> SmtpSink {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/test.sh once (it creates .venv with aiosmtpd), or \
             python3 -m venv .venv && .venv/bin/pip install -r tests/smtp/requirements.txt",
            python.display()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("mail.jsonl");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(&python);
        command
            .arg(root.join("tests/smtp/sink.py"))
            .arg(port.to_string())
            .arg(&out)
            .stdout(Stdio::null());
        if let Some((reply, count)) = refuse {
            command.arg(reply).arg(count.to_string());
        }
        let child = command.spawn().expect("start the SMTP sink");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the SMTP sink did not listen on {port} (is aiosmtpd installed in .venv?)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpSink {
            port,
            out,
            child,
            _dir: dir,
        }
    }

    /// Every DATA the sink answered, in order.
    fn received(&self) -> Vec<Json> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    async fn wait_for(&self, count: usize) -> Vec<Json> {
        wait_until(async || self.received().len() >= count).await;
        self.received()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn email_target(name: &str, port: u16, extra: &str, operations: &str) -> String {
    format!(
        r#"
        [[targets]]
        name = "{name}"
        kind = "email"
        smtp_url = "smtp://127.0.0.1:{port}"
        from = "pgbridge <pgbridge@example.com>"
        to = ["ops@example.com", "Audit <audit@example.com>"]
        timeout = "5s"
        {extra}
        [[rules]]
        name = "{name}"
        operations = {operations}
        targets = ["{name}"]
        "#
    )
}

#[tokio::test]
async fn email_carries_subject_body_and_the_event_to_every_recipient() {
    let sink = SmtpSink::start(None);
    let plain = email_target("plain", sink.port, "", r#"["INSERT"]"#);
    let templated = email_target(
        "templated",
        sink.port,
        r#"template = "Subject: Order {{key}} is {{new.status}}\nWas {{old.status}} ({{op}} on {{table}})""#,
        r#"["UPDATE"]"#,
    );
    let (server, _journal) = start(&format!("{plain}\n{templated}")).await;
    let client = server.client().await;
    client
        .batch_execute(
            "CREATE TABLE orders (id int PRIMARY KEY, status text);
             INSERT INTO orders VALUES (7, 'new')",
        )
        .await
        .unwrap();
    let first = sink.wait_for(1).await;
    client
        .batch_execute("UPDATE orders SET status = 'paid' WHERE id = 7")
        .await
        .unwrap();
    let mail = sink.wait_for(2).await;
    assert_eq!(first.len(), 1);
    assert_eq!(mail.len(), 2);
    let insert = &mail[0];
    assert_eq!(insert["mail_from"], "pgbridge@example.com");
    assert_eq!(
        insert["rcpt_tos"],
        serde_json::json!(["ops@example.com", "audit@example.com"])
    );
    assert_eq!(insert["from"], "pgbridge <pgbridge@example.com>");
    assert_eq!(insert["to"], "ops@example.com, Audit <audit@example.com>");
    assert_eq!(insert["subject"], "[pgbridge] INSERT on orders");
    assert_eq!(
        insert["body"].as_str().unwrap().trim_end(),
        "INSERT on orders (key 7)"
    );
    let event: Json =
        serde_json::from_str(insert["attachments"]["event.json"].as_str().unwrap()).unwrap();
    assert_eq!(
        event["data"]["new"],
        serde_json::json!({"id": 7, "status": "new"})
    );
    let update = &mail[1];
    assert_eq!(update["subject"], "Order 7 is paid");
    assert_eq!(
        update["body"].as_str().unwrap().trim_end(),
        "Was new (UPDATE on orders)"
    );
}

#[tokio::test]
async fn a_permanent_smtp_refusal_is_dead_after_one_attempt_and_a_transient_one_retried() {
    let refusing = SmtpSink::start(Some(("554 5.7.1 Message rejected", 100)));
    let busy = SmtpSink::start(Some(("451 4.3.0 Try again later", 1)));
    let targets = format!(
        "{}\n{}",
        email_target("refusing", refusing.port, "", "[]"),
        email_target("busy", busy.port, "", "[]")
    );
    let (server, journal) = start(&targets).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let tried = busy.wait_for(2).await;
    let replies: Vec<&str> = tried.iter().map(|m| m["reply"].as_str().unwrap()).collect();
    assert_eq!(replies, ["451 4.3.0 Try again later", "250 OK"]);
    let mut listing = String::new();
    wait_until(async || {
        listing = run(&journal, &DlqCommand::List).unwrap();
        listing.contains("dead deliveries)")
    })
    .await;
    // The retry schedule is 10-50 ms: had the 554 been retried, more attempts would be in.
    assert_eq!(refusing.received().len(), 1, "a 5xx reply is not retried");
    assert!(
        listing.contains("(1 dead deliveries)") && listing.contains("554"),
        "{listing}"
    );
}

#[tokio::test]
async fn a_slow_smtp_server_is_cut_off_by_the_target_timeout_and_retried() {
    // The first DATA is answered only after 4 s; lettre's own timeout covers connecting only,
    // so without the target's timeout around the whole send the first attempt would wait.
    let slow = SmtpSink::start(Some(("sleep 4", 1)));
    let target = email_target("slow", slow.port, "", "[]").replace(r#""5s""#, r#""1s""#);
    let (server, _journal) = start(&target).await;
    let client = server.client().await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY)")
        .await
        .unwrap();
    let committed = Instant::now();
    client
        .execute("INSERT INTO t VALUES (1)", &[])
        .await
        .unwrap();
    wait_until(async || slow.received().len() >= 2).await;
    let received = slow.received();
    let replies: Vec<&str> = received
        .iter()
        .map(|m| m["reply"].as_str().unwrap())
        .collect();
    assert_eq!(replies, ["sleep 4", "250 OK"], "timed out, then retried");
    assert!(
        committed.elapsed() < Duration::from_millis(3500),
        "the retry did not wait for the slow answer ({:?})",
        committed.elapsed()
    );
}

#[test]
fn each_kind_checks_its_settings_when_built() {
    let build = |target: &str| {
        let table: toml::Table =
            toml::from_str(&format!("[[targets]]\nname = \"t\"\n{target}")).expect("TOML");
        let config = pgbridge::observers::ObserversConfig::from_table(&table).unwrap();
        let retry = config.defaults.retry.policy("t").unwrap();
        match pgbridge::observers::targets::build(&config.targets[0], &retry) {
            Ok(_) => String::new(),
            Err(error) => error.to_string(),
        }
    };
    assert_eq!(
        build(r#"kind = "slack""#),
        r#"[observers] target "t": a slack target needs webhook_url"#
    );
    assert!(
        build(
            r#"kind = "slack"
        webhook_url = "https://hooks.slack.com/services/X"
        rate_limit = "fast""#
        )
        .contains(r#"rate_limit = "fast" is not N/s"#)
    );
    assert_eq!(
        build(
            r#"kind = "twilio"
        account_sid = "AC1"
        auth_token = "x"
        from = "+1""#
        ),
        r#"[observers] target "t": a twilio target needs to (a list of phone numbers)"#
    );
    assert_eq!(
        build(
            r#"kind = "email"
        smtp_url = "imap://mail.example.com"
        from = "a@example.com"
        to = ["b@example.com"]"#
        ),
        r#"[observers] target "t": smtp_url scheme "imap" is not smtp or smtps"#
    );
    assert!(
        build(
            r#"kind = "email"
        smtp_url = "smtp://mail.example.com"
        from = "not an address"
        to = ["b@example.com"]"#
        )
        .starts_with(r#"[observers] target "t": from "not an address" is not an address"#)
    );
    assert_eq!(
        build(r#"kind = "pager""#),
        r#"[observers] target "t": kind "pager" is not one of webhook, slack, twilio, email"#
    );
    assert_eq!(
        build(
            r#"kind = "email"
        smtp_url = "smtps://u:p@mail.example.com:465"
        from = "a@example.com"
        to = ["b@example.com"]"#
        ),
        ""
    );
}
