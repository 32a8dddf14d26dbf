//! Observer benchmark (not a test): sustained single-row autocommit INSERTs through a release
//! pgbridge (the binary, on SQLite) with one webhook observer to a local HTTP receiver in this
//! process, against the same load with observers off, in one run.
//!
//!     cargo bench --features observers --bench observers
//!
//! Prints, and writes to bench/results/observers.md (then docs/performance.md through
//! bench/report.py): insert throughput with observers off and on and their ratio; events/s
//! delivered without and with batching; commit-to-delivery latency p50/p99 at a paced 1,000
//! events/s; resident memory per queued event with the receiver paused.
//! Knobs: PGBRIDGE_BENCH_SECONDS (default 10), PGBRIDGE_BENCH_CLIENTS (default 8).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio_postgres::NoTls;

/// The local webhook receiver: counts events and records commit-to-delivery latency.
#[derive(Default)]
struct Receiver {
    events: AtomicU64,
    /// While set, requests are held unanswered until it is cleared: the receiver is "paused".
    paused: AtomicBool,
    latencies_us: Mutex<Vec<u64>>,
}

impl Receiver {
    fn take_latencies(&self) -> Vec<u64> {
        std::mem::take(&mut *self.latencies_us.lock().unwrap())
    }
}

async fn serve_receiver(receiver: Arc<Receiver>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let receiver = Arc::clone(&receiver);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let receiver = Arc::clone(&receiver);
                    async move {
                        let body = request.into_body().collect().await.map(|b| b.to_bytes());
                        let now = chrono::Utc::now();
                        while receiver.paused.load(Ordering::Relaxed) {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        if let Ok(body) = body {
                            let events = match serde_json::from_slice::<serde_json::Value>(&body) {
                                Ok(serde_json::Value::Array(events)) => events,
                                Ok(event) => vec![event],
                                Err(_) => Vec::new(),
                            };
                            let mut latencies = receiver.latencies_us.lock().unwrap();
                            for event in &events {
                                if let Some(time) = event["time"]
                                    .as_str()
                                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                                {
                                    let micros = (now - time.with_timezone(&chrono::Utc))
                                        .num_microseconds()
                                        .unwrap_or(0);
                                    latencies.push(u64::try_from(micros).unwrap_or(0));
                                }
                            }
                            receiver
                                .events
                                .fetch_add(events.len() as u64, Ordering::Relaxed);
                        }
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
}

struct Pgbridge {
    child: Child,
    port: u16,
}

impl Drop for Pgbridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the release binary on a fresh SQLite file, with `observers` as its `[observers]`.
async fn start_pgbridge(dir: &Path, name: &str, observers: Option<String>) -> Pgbridge {
    let port = free_port();
    let mut config = format!(
        "listen = \"127.0.0.1:{port}\"\nbackend = \"sqlite://{}\"\nlog_level = \"warn\"\n",
        dir.join(format!("{name}.db")).display()
    );
    if let Some(observers) = observers {
        config.push_str(&observers);
    }
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, config).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_pgbridge"))
        .arg("--config")
        .arg(&path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "pgbridge did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Pgbridge { child, port }
}

fn observers_section(dir: &Path, name: &str, url: &str, batch: bool, sync: &str) -> String {
    let batch = if batch {
        "batch = { max_events = 500, max_wait = \"5ms\" }\n"
    } else {
        ""
    };
    format!(
        "[observers]\nqueue_capacity = 200000\njournal = {{ path = \"{}\", sync = \"{sync}\" }}\n\
         [[observers.targets]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{url}\"\n\
         timeout = \"10m\"\nmax_in_flight = 16\n{batch}\
         [[observers.rules]]\nname = \"all\"\ntargets = [\"hook\"]\n",
        dir.join(format!("{name}-journal.db")).display()
    )
}

/// Queues `count` events with the receiver paused (multi-row INSERTs), measures the resident
/// memory they add, then resumes the receiver and times the drain: (bytes per event, events/s).
async fn backlog(
    dir: &Path,
    name: &str,
    receiver: &Arc<Receiver>,
    url: &str,
    batch: bool,
    count: u64,
) -> (f64, f64) {
    receiver.paused.store(true, Ordering::Relaxed);
    receiver.events.store(0, Ordering::Relaxed);
    let server = start_pgbridge(
        dir,
        name,
        Some(observers_section(dir, name, url, batch, "normal")),
    )
    .await;
    let client = connect(server.port).await;
    client
        .batch_execute("CREATE TABLE queued (id int PRIMARY KEY, payload text)")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = resident_kb(server.child.id());
    for chunk in 0..(count / 1000) {
        client
            .execute(
                "INSERT INTO queued SELECT g, 'order placed by customer 42' \
                 FROM generate_series($1::int, $1::int + 999) AS g(g)",
                &[&i32::try_from(chunk * 1000).unwrap()],
            )
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = resident_kb(server.child.id());
    let per_event = (after.saturating_sub(before) * 1024) as f64 / count as f64;
    let started = Instant::now();
    receiver.paused.store(false, Ordering::Relaxed);
    let finished = drained(receiver, count).await;
    receiver.take_latencies();
    (per_event, count as f64 / (finished - started).as_secs_f64())
}

async fn connect(port: u16) -> tokio_postgres::Client {
    let dsn = format!("host=127.0.0.1 port={port} user=postgres dbname=test");
    let (client, connection) = tokio_postgres::connect(&dsn, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// Runs single-row autocommit INSERTs from `clients` connections for `seconds` (paced to
/// `rate` per second in all when given); returns the inserts done.
async fn insert_load(port: u16, clients: usize, seconds: u64, rate: Option<u64>) -> u64 {
    let setup = connect(port).await;
    setup
        .batch_execute("CREATE TABLE IF NOT EXISTS events_bench (id bigserial PRIMARY KEY, payload text, n int)")
        .await
        .unwrap();
    let done = Arc::new(AtomicU64::new(0));
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = connect(port).await;
        let done = Arc::clone(&done);
        let interval = rate.map(|rate| Duration::from_secs_f64(clients as f64 / rate as f64));
        tasks.push(tokio::spawn(async move {
            let statement = client
                .prepare("INSERT INTO events_bench (payload, n) VALUES ($1, $2)")
                .await
                .unwrap();
            let mut next = Instant::now();
            while Instant::now() < end {
                client
                    .execute(&statement, &[&"order placed by customer 42", &7i32])
                    .await
                    .unwrap();
                done.fetch_add(1, Ordering::Relaxed);
                if let Some(interval) = interval {
                    next += interval;
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    done.load(Ordering::Relaxed)
}

/// Waits until the receiver has `expected` events; returns when the last one came.
async fn drained(receiver: &Receiver, expected: u64) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(120);
    while receiver.events.load(Ordering::Relaxed) < expected {
        assert!(Instant::now() < deadline, "events were not all delivered");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Instant::now()
}

/// The value at `per_mille` thousandths of the sorted values (nearest rank), in milliseconds.
fn percentile(sorted: &[u64], per_mille: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = sorted.len() * per_mille / 1000;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The insert load: connections and duration.
#[derive(Clone, Copy)]
struct Load {
    clients: usize,
    seconds: u64,
}

struct Throughput {
    inserts_per_second: f64,
    delivered_per_second: f64,
}

/// Insert load with an observer; delivered/s counts from the first insert to the last delivery.
async fn observed_run(
    dir: &Path,
    name: &str,
    receiver: &Arc<Receiver>,
    url: &str,
    batch: bool,
    sync: &str,
    load: Load,
) -> Throughput {
    receiver.events.store(0, Ordering::Relaxed);
    let server = start_pgbridge(
        dir,
        name,
        Some(observers_section(dir, name, url, batch, sync)),
    )
    .await;
    let started = Instant::now();
    let inserted = insert_load(server.port, load.clients, load.seconds, None).await;
    let insert_time = started.elapsed();
    let finished = drained(receiver, inserted).await;
    receiver.take_latencies();
    Throughput {
        inserts_per_second: inserted as f64 / insert_time.as_secs_f64(),
        delivered_per_second: inserted as f64 / (finished - started).as_secs_f64(),
    }
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo's test harness protocol: no benchmarks to list
    }
    let seconds: u64 = std::env::var("PGBRIDGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let clients: usize = std::env::var("PGBRIDGE_BENCH_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let dir = tempfile::tempdir().unwrap();
    let receiver = Arc::new(Receiver::default());
    let address = serve_receiver(Arc::clone(&receiver)).await;
    let url = format!("http://{address}/hook");

    // 1. Observers off.
    let off = {
        let server = start_pgbridge(dir.path(), "off", None).await;
        let started = Instant::now();
        let inserted = insert_load(server.port, clients, seconds, None).await;
        inserted as f64 / started.elapsed().as_secs_f64()
    };
    println!("observers off: {off:.0} inserts/s");
    // Observers on, but no rule matches: the cost of capturing rows and building nothing.
    let capture_only = {
        let section = observers_section(dir.path(), "capture", &url, false, "normal").replace(
            "name = \"all\"\n",
            "name = \"all\"\ntables = [\"no_such_table\"]\n",
        );
        let server = start_pgbridge(dir.path(), "capture", Some(section)).await;
        let started = Instant::now();
        let inserted = insert_load(server.port, clients, seconds, None).await;
        inserted as f64 / started.elapsed().as_secs_f64()
    };
    println!("observers on, no rule matching: {capture_only:.0} inserts/s");
    // 2. One webhook, no batching; 3. with batching.
    let single = observed_run(
        dir.path(),
        "single",
        &receiver,
        &url,
        false,
        "normal",
        Load { clients, seconds },
    )
    .await;
    println!(
        "observers on (webhook, no batching): {:.0} inserts/s, {:.0} events/s delivered",
        single.inserts_per_second, single.delivered_per_second
    );
    let batched = observed_run(
        dir.path(),
        "batched",
        &receiver,
        &url,
        true,
        "normal",
        Load { clients, seconds },
    )
    .await;
    println!(
        "observers on (webhook, batches of up to 500): {:.0} inserts/s, {:.0} events/s delivered",
        batched.inserts_per_second, batched.delivered_per_second
    );
    let full_sync = observed_run(
        dir.path(),
        "fullsync",
        &receiver,
        &url,
        false,
        "full",
        Load { clients, seconds },
    )
    .await;
    println!(
        "observers on (webhook, journal sync = full): {:.0} inserts/s",
        full_sync.inserts_per_second
    );
    // 4. Latency at a paced 1,000 events/s.
    let (p50, p99) = {
        receiver.events.store(0, Ordering::Relaxed);
        receiver.take_latencies();
        let server = start_pgbridge(
            dir.path(),
            "paced",
            Some(observers_section(
                dir.path(),
                "paced",
                &url,
                false,
                "normal",
            )),
        )
        .await;
        let inserted = insert_load(server.port, clients, seconds, Some(1000)).await;
        drained(&receiver, inserted).await;
        let mut latencies = receiver.take_latencies();
        latencies.sort_unstable();
        (percentile(&latencies, 500), percentile(&latencies, 990))
    };
    println!("commit-to-delivery latency at 1,000 events/s: p50 {p50:.2} ms, p99 {p99:.2} ms");
    // 5. Memory per queued event, receiver paused; 6. how fast the backlog drains when it
    // resumes (the pipeline's delivery rate, not bounded by the insert rate).
    let queued_events: u64 = 100_000;
    let (per_event_bytes, drain_single) =
        backlog(dir.path(), "paused", &receiver, &url, false, queued_events).await;
    let (_, drain_batched) = backlog(
        dir.path(),
        "paused-batched",
        &receiver,
        &url,
        true,
        queued_events,
    )
    .await;
    println!(
        "backlog of {queued_events} drained at {drain_single:.0} events/s (no batching), {drain_batched:.0} events/s (batches)"
    );
    println!("resident memory per queued event (receiver paused): {per_event_bytes:.0} bytes");
    let ratio = single.inserts_per_second / off;
    println!("insert throughput, observers on / off: {ratio:.2}");

    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let report = format!(
        "## Observers: webhook delivery\n\n\
         `cargo bench --features observers --bench observers` (PGBRIDGE_BENCH_SECONDS={seconds}, \
         PGBRIDGE_BENCH_CLIENTS={clients}): single-row autocommit INSERTs (prepared, one row each) \
         from {clients} tokio-postgres connections through the release binary on SQLite, with one \
         webhook target (16 lanes, journal sync = normal unless said, queue_capacity 200000 so that the \
         paused run measures events held in memory) posting to an HTTP receiver in the \
         benchmark process, and the same load with observers off, one after the other.\n\n\
         | measure | figure | target |\n|---|---:|---:|\n\
         | inserts/s, observers off | {off:.0} | |\n\
         | inserts/s, observers on | {:.0} | |\n\
         | on / off | **{ratio:.2}** | >= 0.85 |\n\
         | inserts/s, observers on but no rule matching (capture only) | {capture_only:.0} | |\n\
         | inserts/s, observers on, journal sync = full | {:.0} | |\n\
         | events/s delivered during the insert load, no batching | {:.0} | |\n\
         | events/s delivered during the insert load, batches of up to 500 | {:.0} | |\n\
         | events/s delivered draining a {queued_events}-event backlog, no batching | {drain_single:.0} | >= 5,000 |\n\
         | events/s delivered draining a {queued_events}-event backlog, batches of up to 500 | {drain_batched:.0} | >= 20,000 |\n\
         | commit-to-delivery p50 at 1,000 events/s (ms) | {p50:.2} | |\n\
         | commit-to-delivery p99 at 1,000 events/s (ms) | {p99:.2} | < 50 |\n\
         | resident memory per queued event, receiver paused (bytes, {queued_events} events) | {per_event_bytes:.0} | < 2,048 |\n\n\
         Delivered/s during the insert load runs from the first insert to the last delivery, so \
         it cannot exceed the insert rate; the backlog rows measure the pipeline itself: events \
         queued with the receiver paused (multi-row INSERTs), then delivered as fast as it \
         goes once it answers again. Latency is the receiver's clock minus the event's commit \
         time. The receiver runs on the same 2 cores, so its CPU counts against pgbridge.\n\n\
         Run {} UTC, commit {commit}, {} cores.\n",
        single.inserts_per_second,
        full_sync.inserts_per_second,
        single.delivered_per_second,
        batched.delivered_per_second,
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let results = root.join("bench/results/observers.md");
    std::fs::write(&results, report).unwrap();
    let _ = Command::new("python3")
        .arg(root.join("bench/report.py"))
        .status();
    println!("wrote {}", results.display());
}
