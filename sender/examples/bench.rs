//! Sender benchmark: deliveries per second to a fast loopback receiver with a durable SQLite
//! file, then the publish-to-arrival lag at half that rate.
//!
//! ```sh
//! cargo run --release -p cstar-webhooks-sender --example bench [-- EVENTS WEBHOOKS]
//! ```
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::indexing_slicing,
    clippy::doc_markdown,
    missing_docs
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use cstar_webhooks::{EventType, Secret};
use cstar_webhooks_sender::clock::{Clock, SystemClock};
use cstar_webhooks_sender::server::{Settings, start};
use cstar_webhooks_sender::sqlite::SqliteStore;
use cstar_webhooks_sender::store::{NewWebhook, Store, StoredEvent, WebhookKind};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let events: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let hooks: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let dir = std::env::temp_dir().join(format!("cstar-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");

    // The receiver: 200 at once; records when each event id arrived.
    let count = Arc::new(AtomicU64::new(0));
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let (c, a) = (Arc::clone(&count), Arc::clone(&arrivals));
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let (c, a) = (Arc::clone(&c), Arc::clone(&a));
        async move {
            c.fetch_add(1, Ordering::Relaxed);
            if let Some(id) = headers.get("x-event-id").and_then(|v| v.to_str().ok()) {
                a.lock().unwrap().entry(id.to_owned()).or_insert_with(Instant::now);
            }
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let rx: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Phase 1: load the backlog durably (one transaction per event, as the API does).
    let store = SqliteStore::open(&db).unwrap();
    let now = SystemClock.now_ms();
    for i in 0..hooks {
        let new = NewWebhook {
            id: format!("whk_bench{i:04}"),
            url: format!("http://{rx}/hook{i}"),
            name: format!("bench {i}"),
            events: vec!["*".into()],
            flat_payload: false,
            secret: Secret::new(format!("whsec_bench{i:027}")),
            kind: WebhookKind::Webhook,
        };
        store.create_webhook(&new, now).unwrap();
    }
    let ty = EventType::TicketCreated;
    let sample = cstar_webhooks::sample_event(&ty).unwrap();
    let t0 = Instant::now();
    for _ in 0..events {
        let mut e = sample.clone();
        e.id = cstar_webhooks_sender::ids::event_id(&ty);
        let se = StoredEvent { id: e.id.clone(), event_type: ty.as_str().into(), created_at: now, body: e.to_json() };
        store.publish(&se, now).unwrap();
    }
    let publish_secs = t0.elapsed().as_secs_f64();
    drop(store);
    let total = (events * hooks) as u64;
    println!(
        "publish (durable, 1 tx/event, {hooks} webhooks): {events} events in {publish_secs:.2} s = {:.0} events/s",
        events as f64 / publish_secs
    );

    // Phase 2: start the sender on that file and time the drain.
    let settings = Settings {
        db: Some(db.clone()),
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_key: Some("bench".into()),
        dev: true,
        max_in_flight: std::env::var("BENCH_IN_FLIGHT").ok().and_then(|v| v.parse().ok()).unwrap_or(1024),
        per_webhook: std::env::var("BENCH_PER_WEBHOOK").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        poll_interval: Duration::from_millis(20),
        ..Settings::default()
    };
    let t0 = Instant::now();
    let running = start(settings, Arc::new(SystemClock), None).await.unwrap();
    while count.load(Ordering::Relaxed) < total {
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(t0.elapsed() < Duration::from_secs(600), "drain timed out");
    }
    let drain = t0.elapsed().as_secs_f64();
    let rate = total as f64 / drain;
    println!(
        "dispatch (durable SQLite, loopback receiver): {total} deliveries in {drain:.2} s = {rate:.0} deliveries/s"
    );

    // Phase 3: lag at half that rate, through the API (publish ack → receiver arrival).
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let target = (rate / 2.0 / hooks as f64).max(1.0); // events/s
    let seconds = 5.0;
    let n = (target * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / target);
    arrivals.lock().unwrap().clear();
    let acks: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let body = serde_json::json!({"type": "ticket.created", "data": sample.data}).to_string();
    let start_at = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..n {
        let due = start_at + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let (http, base, body, acks) = (http.clone(), base.clone(), body.clone(), Arc::clone(&acks));
        tasks.push(tokio::spawn(async move {
            let r = http.post(format!("{base}/v1/events")).bearer_auth("bench").body(body).send().await.unwrap();
            let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
            acks.lock().unwrap().insert(v["id"].as_str().unwrap().to_owned(), Instant::now());
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done = acks.lock().unwrap().keys().all(|id| arrivals.lock().unwrap().contains_key(id));
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let acks = acks.lock().unwrap().clone();
    let arrivals = arrivals.lock().unwrap().clone();
    let mut lags: Vec<f64> = acks
        .iter()
        .filter_map(|(id, ack)| arrivals.get(id).map(|at| at.saturating_duration_since(*ack).as_secs_f64() * 1000.0))
        .collect();
    lags.sort_by(f64::total_cmp);
    println!(
        "lag at {:.0} deliveries/s ({target:.0} events/s × {hooks} webhooks, {n} events via the API): p50 {:.1} ms, p99 {:.1} ms (publish ack → first arrival)",
        target * hooks as f64,
        percentile(&lags, 0.50),
        percentile(&lags, 0.99)
    );
    running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
