//! A small dispatcher that embeds the engine: what you copy to drive cStar-style webhook
//! deliveries from your own service.
//!
//! The engine ([`Scheduler`]) decides what to send and when; this program only moves bytes
//! and keeps the clock. Time is simulated (the loop jumps to `next_wakeup()` instead of
//! sleeping), so 31 hours of retries run in a blink; in a real dispatcher you would sleep
//! until `next_wakeup()` or until a new event is published.
//!
//! Run:
//!   cargo run -p cstar-webhooks --example dispatcher            # fake in-memory endpoints
//!   cargo run -p cstar-webhooks --example dispatcher -- --http  # real HTTP to a loopback receiver
//!
//! With `--http`, a receiver thread listens on 127.0.0.1, verifies every request's signature
//! against the (simulated) clock, and answers 503 (with `Retry-After`), then 500, then 200;
//! the dispatcher POSTs with a minimal HTTP/1.1 client over `std::net`. The program exits
//! non-zero if anything does not go as the schedule says.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use cstar_webhooks::engine::{AttemptResult, OutgoingEvent, Scheduler, SchedulerConfig, SendRequest, WebhookConfig};
use cstar_webhooks::retry::MAX_RESPONSE_READ_BYTES;
use cstar_webhooks::time::format_rfc3339;
use cstar_webhooks::{EventType, NetworkErrorKind, Outcome, Secret, Verifier, WebhookHeaders, sample_event};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const START: i64 = 1_774_866_600; // 2026-03-30T10:30:00Z

/// Something that performs one HTTP attempt and reports what happened.
trait Transport {
    fn send(&mut self, request: &SendRequest) -> AttemptResult;
}

/// Answers an endpoint gives in turn: status code and `Retry-After` header.
type Script = Vec<(u16, Option<&'static str>)>;

/// Fake endpoints: each URL has a script of answers, then answers 200.
struct FakeEndpoints {
    scripts: Vec<(String, Script)>,
}

impl Transport for FakeEndpoints {
    fn send(&mut self, request: &SendRequest) -> AttemptResult {
        let script = self.scripts.iter_mut().find(|(url, _)| *url == request.url).map(|(_, s)| s);
        let (code, retry_after) = match script {
            Some(s) if !s.is_empty() => s.remove(0),
            _ => (200, None),
        };
        let mut result = AttemptResult::status(code).with_body(format!("fake answer {code}").as_bytes());
        if let Some(value) = retry_after {
            result = result.with_retry_after_header(value, request.send_time);
        }
        result
    }
}

/// Real HTTP/1.1 over `std::net` (plain `http://` only: enough for a loopback demo; use your
/// HTTP client of choice — reqwest, hyper, ureq — in production, with TLS).
struct StdHttp;

impl Transport for StdHttp {
    fn send(&mut self, request: &SendRequest) -> AttemptResult {
        let started = Instant::now();
        let result = http_post(request).unwrap_or_else(|e| {
            let outcome = match e.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Outcome::Timeout,
                std::io::ErrorKind::ConnectionRefused => Outcome::NetworkError(NetworkErrorKind::Connect),
                std::io::ErrorKind::InvalidData => Outcome::NetworkError(NetworkErrorKind::Protocol),
                _ => Outcome::NetworkError(NetworkErrorKind::Io),
            };
            AttemptResult::new(outcome)
        });
        result.with_duration_ms(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

fn http_post(request: &SendRequest) -> std::io::Result<AttemptResult> {
    let rest = request.url.strip_prefix("http://").ok_or(std::io::ErrorKind::InvalidInput)?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let timeout = Duration::from_secs(cstar_webhooks::retry::DELIVERY_TIMEOUT_SECS);
    let addr = std::net::ToSocketAddrs::to_socket_addrs(host)?.next().ok_or(std::io::ErrorKind::NotFound)?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", request.body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&request.body)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let code: u16 =
        status_line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    let mut retry_after = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("retry-after") {
                retry_after = Some(value.trim().to_string());
            }
        }
    }
    let mut body = Vec::new();
    reader.take(MAX_RESPONSE_READ_BYTES as u64).read_to_end(&mut body)?;
    let mut result = AttemptResult::status(code).with_body(&body);
    if let Some(value) = retry_after {
        result = result.with_retry_after_header(&value, request.send_time);
    }
    Ok(result)
}

/// A loopback receiver: verifies each request at the simulated `clock`, answers from `script`.
fn spawn_receiver(clock: Arc<AtomicI64>, script: Script) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhooks/cstar", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let verifier = Verifier::new([SECRET]);
        let mut answers = script.into_iter();
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut pairs = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap() == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    pairs.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len = pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let headers = WebhookHeaders::from_pairs(pairs);
            let now = clock.load(Ordering::SeqCst);
            let (code, retry_after, text) = match verifier.verify(headers.signature.as_deref(), &body, now) {
                Err(e) => (400, None, e.code().to_string()),
                Ok(v) => {
                    let (code, ra) = answers.next().unwrap_or((200, None));
                    (
                        code,
                        ra,
                        format!(
                            "receiver: attempt {} verified (t={})",
                            headers.attempt().unwrap(),
                            v.timestamp.unwrap()
                        ),
                    )
                }
            };
            let extra = retry_after.map(|v| format!("Retry-After: {v}\r\n")).unwrap_or_default();
            let response = format!(
                "HTTP/1.1 {code} X\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

fn main() {
    let http = std::env::args().any(|a| a == "--http");
    let clock = Arc::new(AtomicI64::new(START));

    // 1. The engine, configured with the guide's schedule (the default) and three webhooks.
    let mut engine = Scheduler::new(SchedulerConfig::default());
    let crm_url;
    let mut transport: Box<dyn Transport> = if http {
        crm_url = spawn_receiver(Arc::clone(&clock), vec![(503, Some("60")), (500, None), (200, None)]);
        Box::new(StdHttp)
    } else {
        crm_url = "https://crm.example/hooks".to_string();
        Box::new(FakeEndpoints {
            scripts: vec![
                (crm_url.clone(), vec![(503, Some("60")), (500, None), (200, None)]),
                ("https://hooks.zapier.example/abc".to_string(), vec![(410, None)]),
            ],
        })
    };
    engine
        .register("whk_crm", WebhookConfig::new(&crm_url, ["ticket.*", "customer.*"], [Secret::new(SECRET)]))
        .unwrap();
    if !http {
        let zap = WebhookConfig::new("https://hooks.zapier.example/abc", ["*"], [Secret::new(SECRET)])
            .with_flat_payload(true);
        engine.register("whk_zapier", zap).unwrap();
        engine
            .register(
                "whk_slack",
                WebhookConfig::new("https://slack.example/in", ["ticket.created"], [Secret::new(SECRET)]),
            )
            .unwrap();
    }

    // 2. Something happens in cStar: publish it (fan-out to every matching enabled webhook).
    let event = sample_event(&EventType::TicketCreated).unwrap();
    let ids = engine.publish(OutgoingEvent::from_event(&event), START).unwrap();
    println!("{}  published {} ({}) to {} webhook(s)", format_rfc3339(START), event.id, event.event_type, ids.len());

    // 3. The dispatcher loop: send what is due, report results, sleep until the next wakeup.
    let mut now = START;
    let mut sent = 0;
    loop {
        clock.store(now, Ordering::SeqCst);
        for request in engine.due(now) {
            sent += 1;
            let result = transport.send(&request);
            let outcome = result.outcome;
            let excerpt = result.excerpt.clone();
            let done = engine.complete(request.delivery_id, request.attempt, result, now).unwrap();
            println!(
                "+{:>6}s  {:<10} attempt {}  {:<14} -> {:<12} {}{}",
                now - START,
                request.webhook_id,
                request.attempt,
                format!(
                    "{} B{}",
                    request.body.len(),
                    if request.body.len() > event.to_json().len() { " flat" } else { "" }
                ),
                outcome.to_string(),
                match done.action {
                    cstar_webhooks::Action::RetryAt { attempt, due_at } =>
                        format!("retry {attempt} at +{}s", due_at - START),
                    cstar_webhooks::Action::DisableWebhook => "410: webhook disabled".to_string(),
                    _ => format!("{}", done.state),
                },
                if excerpt.is_empty() { String::new() } else { format!("  [{excerpt}]") },
            );
        }
        match engine.next_wakeup() {
            Some(at) => now = at, // a real dispatcher sleeps until `at` (or until a publish)
            None => break,
        }
    }

    // 4. The status view of each webhook, as a settings page would show it.
    println!();
    for hook in engine.webhooks() {
        let h = hook.health;
        let status = match h.status() {
            cstar_webhooks::engine::WebhookStatus::Enabled => "enabled".to_string(),
            cstar_webhooks::engine::WebhookStatus::Disabled { reason, at, .. } => {
                format!("disabled by {} ({}) at {}", reason.by().as_str(), reason.code(), format_rfc3339(*at))
            }
        };
        println!(
            "{:<10} {status}; last success {}; recent failures {}",
            hook.id,
            h.last_success().map_or("never".to_string(), format_rfc3339),
            h.recent_failures().map(|f| f.record.outcome.to_string()).collect::<Vec<_>>().join(", ")
        );
    }

    // The schedule promised by the guide, checked: attempt 2 waited for Retry-After (60 s
    // instead of 30 s), attempt 3 came 2 min after it, and it succeeded.
    let crm = engine.deliveries_of("whk_crm").next().unwrap();
    let starts: Vec<i64> = crm.delivery.attempts().iter().map(|a| a.started_at - START).collect();
    let ok = starts == [0, 60, 180] && crm.delivery.state().as_str() == "succeeded";
    println!("\nwhk_crm attempts at +{starts:?} s: {}", if ok { "as scheduled" } else { "NOT as scheduled" });
    let expected_sends = if http { 3 } else { 5 };
    if !ok || sent != expected_sends {
        eprintln!("unexpected: {sent} sends");
        std::process::exit(1);
    }
}
