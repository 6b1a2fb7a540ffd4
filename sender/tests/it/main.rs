//! Integration tests of the sender over loopback: real receivers, a manual clock, the API.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::print_stderr,
    missing_docs,
    unreachable_pub,
    clippy::doc_markdown
)]

mod api;
mod cli;
mod crash;
mod delivery;
mod manage;
mod ssrf;

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use cstar_webhooks_sender::clock::ManualClock;
use cstar_webhooks_sender::server::{Running, Settings, start};
use cstar_webhooks_sender::ssrf::{Cidr, Lookup};
use serde_json::Value;

pub const KEY: &str = "test-api-key";
/// 2026-03-30T10:30:00Z
pub const T0_MS: i64 = 1_774_866_600_000;

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What the receiver answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    Redirect(&'static str),
    Sleep(Duration),
    RetryAfter(u16, &'static str),
}

/// A tiny loopback receiver that records every request.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub plan: Arc<Mutex<VecDeque<Reply>>>,
    pub default: Arc<Mutex<Reply>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let plan: Arc<Mutex<VecDeque<Reply>>> = Arc::default();
        let default = Arc::new(Mutex::new(Reply::Status(200)));
        let (g, p, d) = (Arc::clone(&got), Arc::clone(&plan), Arc::clone(&default));
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let (g, p, d) = (Arc::clone(&g), Arc::clone(&p), Arc::clone(&d));
            async move {
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
                    .collect();
                g.lock().unwrap().push(Received { path: uri.path().to_owned(), headers, body: body.to_vec() });
                let reply = p.lock().unwrap().pop_front().unwrap_or_else(|| d.lock().unwrap().clone());
                match reply {
                    Reply::Status(code) => (StatusCode::from_u16(code).unwrap(), "receiver says hi").into_response(),
                    Reply::Redirect(to) => {
                        (StatusCode::FOUND, [(axum::http::header::LOCATION, to)], "moved").into_response()
                    }
                    Reply::RetryAfter(code, after) => {
                        (StatusCode::from_u16(code).unwrap(), [(axum::http::header::RETRY_AFTER, after)], "slow down")
                            .into_response()
                    }
                    Reply::Sleep(d) => {
                        tokio::time::sleep(d).await;
                        (StatusCode::OK, "late").into_response()
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, got, plan, default }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    pub fn all(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    pub fn set_default(&self, r: Reply) {
        *self.default.lock().unwrap() = r;
    }

    pub fn push(&self, r: Reply) {
        self.plan.lock().unwrap().push_back(r);
    }
}

/// A sender under test, with its manual clock and an API client.
pub struct Sender {
    pub running: Option<Running>,
    pub clock: ManualClock,
    pub base: String,
    pub http: reqwest::Client,
}

pub fn dev_settings() -> Settings {
    Settings {
        db: None,
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_key: Some(KEY.into()),
        dev: true,
        poll_interval: Duration::from_millis(50),
        attempt_timeout: Duration::from_millis(800),
        lease: Duration::from_secs(30),
        ..Settings::default()
    }
}

impl Sender {
    pub async fn start(settings: Settings) -> Self {
        Self::start_with(settings, None).await
    }

    pub async fn start_with(settings: Settings, lookup: Option<Lookup>) -> Self {
        let clock = ManualClock::new(T0_MS);
        let running = start(settings, Arc::new(clock.clone()), lookup).await.unwrap();
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), clock, base, http: reqwest::Client::new() }
    }

    pub async fn dev() -> Self {
        Self::start(dev_settings()).await
    }

    /// Moves the clock and wakes the dispatcher.
    pub fn advance_s(&self, s: i64) {
        self.clock.advance_ms(s * 1000);
        if let Some(r) = &self.running {
            r.wake.notify_one();
        }
    }

    pub async fn req(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        self.req_key(method, path, body, Some(KEY)).await
    }

    pub async fn req_key(&self, method: &str, path: &str, body: Option<&str>, key: Option<&str>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        if let Some(b) = body {
            r = r.header("content-type", "application/json").body(b.to_owned());
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Creates a webhook; returns (id, secret).
    pub async fn create(&self, url: &str, events: &[&str], flat: bool) -> (String, String) {
        let body = serde_json::json!({"url": url, "events": events, "name": "test", "flat_payload": flat});
        let (status, v) = self.req("POST", "/v1/webhooks", Some(&body.to_string())).await;
        assert_eq!(status, 201, "{v}");
        (v["id"].as_str().unwrap().to_owned(), v["secret"].as_str().unwrap().to_owned())
    }

    pub async fn publish(&self, ty: &str) -> String {
        let data = cstar_webhooks::sample_event(&cstar_webhooks::EventType::parse(ty)).unwrap().data;
        let body = serde_json::json!({"type": ty, "data": data});
        let (status, v) = self.req("POST", "/v1/events", Some(&body.to_string())).await;
        assert_eq!(status, 202, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn deliveries(&self, query: &str) -> Vec<Value> {
        let (status, v) = self.req("GET", &format!("/v1/deliveries{query}"), None).await;
        assert_eq!(status, 200, "{v}");
        v["data"].as_array().unwrap().clone()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

/// Polls `cond` every 10 ms for up to 5 s.
pub async fn wait_for<F: FnMut() -> bool>(what: &str, mut cond: F) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls an async condition.
pub async fn wait_until<F, Fut>(what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !cond().await {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A stub resolver: fixed answers per name.
pub fn stub_lookup(table: &'static [(&'static str, &'static str)]) -> Lookup {
    Arc::new(move |host: String| {
        let ips: Vec<IpAddr> = table.iter().filter(|(h, _)| *h == host).map(|(_, ip)| ip.parse().unwrap()).collect();
        Box::pin(async move { if ips.is_empty() { Err(std::io::Error::other("no such host")) } else { Ok(ips) } })
    })
}

pub fn cidr(s: &str) -> Cidr {
    Cidr::parse(s).unwrap()
}
