//! Observer metrics in the Prometheus text format, served at `GET /metrics` on
//! `--metrics-listen`: events emitted, delivered, retried and dead, queue depth, and delivery
//! latency, per target.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabel {
    target: String,
}

/// The pipeline's counters.
pub struct Metrics {
    targets: Vec<TargetLabel>,
    emitted: Counter,
    delivered: Family<TargetLabel, Counter>,
    retried: Family<TargetLabel, Counter>,
    dead: Family<TargetLabel, Counter>,
    queue_depth: Family<TargetLabel, Gauge>,
    latency: Family<TargetLabel, Histogram>,
    in_memory: Gauge,
    in_memory_count: Arc<AtomicUsize>,
    registry: Registry,
}

impl Metrics {
    pub fn new(targets: &[String], in_memory_count: Arc<AtomicUsize>) -> Metrics {
        let mut registry = Registry::with_prefix("pgbridge_observer");
        let emitted = Counter::default();
        let delivered = Family::<TargetLabel, Counter>::default();
        let retried = Family::<TargetLabel, Counter>::default();
        let dead = Family::<TargetLabel, Counter>::default();
        let queue_depth = Family::<TargetLabel, Gauge>::default();
        let latency = Family::<TargetLabel, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_5, 2.0, 18))
        });
        registry.register(
            "events_emitted",
            "Committed changes that matched a rule and were journaled",
            emitted.clone(),
        );
        registry.register(
            "events_delivered",
            "Events a target accepted",
            delivered.clone(),
        );
        registry.register(
            "events_retried",
            "Failed delivery attempts that will be tried again",
            retried.clone(),
        );
        registry.register(
            "events_dead",
            "Events moved to the dead-letter queue",
            dead.clone(),
        );
        registry.register(
            "queue_depth",
            "Events waiting for a target's lanes",
            queue_depth.clone(),
        );
        let in_memory = Gauge::default();
        registry.register(
            "events_in_memory",
            "Deliveries held in memory (at most queue_capacity; the rest wait in the journal)",
            in_memory.clone(),
        );
        registry.register(
            "delivery_latency_seconds",
            "From the first attempt to the target's acceptance",
            latency.clone(),
        );
        Metrics {
            targets: targets
                .iter()
                .map(|name| TargetLabel {
                    target: name.clone(),
                })
                .collect(),
            emitted,
            delivered,
            retried,
            dead,
            queue_depth,
            latency,
            in_memory,
            in_memory_count,
            registry,
        }
    }

    pub fn emitted(&self, count: usize) {
        self.emitted.inc_by(count as u64);
    }

    pub fn queued(&self, target: usize, change: i64) {
        self.queue_depth
            .get_or_create(&self.targets[target])
            .inc_by(change);
    }

    pub fn delivered(&self, target: usize, count: usize, took: Duration) {
        let label = &self.targets[target];
        self.delivered.get_or_create(label).inc_by(count as u64);
        self.latency
            .get_or_create(label)
            .observe(took.as_secs_f64());
    }

    pub fn retried(&self, target: usize, count: usize) {
        self.retried
            .get_or_create(&self.targets[target])
            .inc_by(count as u64);
    }

    pub fn dead(&self, target: usize, count: usize) {
        self.dead
            .get_or_create(&self.targets[target])
            .inc_by(count as u64);
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        self.in_memory
            .set(i64::try_from(self.in_memory_count.load(Ordering::Acquire)).unwrap_or(i64::MAX));
        let mut text = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Serves `GET /metrics` on `listen` until the process ends.
pub async fn serve(listen: SocketAddr, metrics: Arc<Metrics>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = Arc::clone(&metrics);
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let metrics = Arc::clone(&metrics);
                    async move {
                        if request.uri().path() == "/metrics" {
                            Response::builder()
                                .header("content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .body(Full::new(Bytes::from(metrics.render())))
                        } else {
                            Response::builder()
                                .status(StatusCode::NOT_FOUND)
                                .body(Full::new(Bytes::from_static(b"not found: try /metrics\n")))
                        }
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(address)
}
