//! A small async dispatcher that embeds the cStar webhooks engine: the program to copy when
//! you drive deliveries from your own service.
//!
//! The engine ([`Scheduler`]) decides what is sent, when, with which headers and signature,
//! and what follows each result (retry per schedule, `Retry-After`, 410 disables, auto-disable).
//! This program only moves bytes and reads the clock: it POSTs with a real HTTP client
//! (reqwest: 10 s timeout, redirects never followed, at most 64 KiB of a response read),
//! several attempts at once on tokio, and sleeps until the engine's next wakeup.
//!
//! ```sh
//! cargo run -p cstar-webhooks-dispatcher-example
//! ```
//!
//! It starts two loopback receivers that verify every signature: a CRM that answers 503 with
//! `Retry-After: 2`, then 500, then 200, and an endpoint that answers `410 Gone`. Retries use a
//! demo schedule in seconds (`[0, 1, 2, 3, 4, 5, 6]`) so the run takes ~5 s; production uses
//! `RetrySchedule::default()`, the guide's 30 s … 24 h table. It exits non-zero if anything
//! does not go as the schedule says.
//!
//! Production also needs what the reference sender (`sender/`) adds around the same engine: a
//! durable store, `https://` only with the SSRF guard, and graceful shutdown.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use cstar_webhooks::engine::{AttemptResult, OutgoingEvent, Scheduler, SchedulerConfig, SendRequest, WebhookConfig};
use cstar_webhooks::retry::{DELIVERY_TIMEOUT_SECS, MAX_RESPONSE_READ_BYTES};
use cstar_webhooks::{
    Action, EventType, NetworkErrorKind, Outcome, RetrySchedule, Secret, Verifier, WebhookHeaders, sample_event,
};
use tokio::sync::mpsc;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Unix seconds: the engine's clock. The engine never reads a clock itself.
fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// Sending: one attempt over HTTP, reported back to the engine as an `AttemptResult`.
// ---------------------------------------------------------------------------------------------

/// The delivery client: a 10 s deadline for the whole attempt and no redirects (a 3xx is a
/// failed attempt, SPEC §5).
fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(DELIVERY_TIMEOUT_SECS))
        .build()
}

/// POSTs one attempt exactly as the engine built it (URL, headers, body bytes).
async fn send(client: &reqwest::Client, request: &SendRequest) -> AttemptResult {
    let started = Instant::now();
    let mut post = client.post(&request.url);
    for (name, value) in &request.headers {
        post = post.header(*name, value);
    }
    let result = match post.body(request.body.to_vec()).send().await {
        Ok(mut response) => {
            let mut result = AttemptResult::status(response.status().as_u16());
            if let Some(value) = response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()) {
                result = result.with_retry_after_header(value, request.send_time);
            }
            // Read at most 64 KiB; the engine keeps a 1 KiB excerpt.
            let mut body = Vec::new();
            while body.len() < MAX_RESPONSE_READ_BYTES {
                match response.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    Ok(None) | Err(_) => break,
                }
            }
            body.truncate(MAX_RESPONSE_READ_BYTES);
            result.with_body(&body)
        }
        Err(e) if e.is_timeout() => AttemptResult::new(Outcome::Timeout),
        Err(e) if e.is_connect() => AttemptResult::network_error(NetworkErrorKind::Connect),
        Err(_) => AttemptResult::network_error(NetworkErrorKind::Io),
    };
    result.with_duration_ms(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX))
}

// ---------------------------------------------------------------------------------------------
// The dispatcher loop.
// ---------------------------------------------------------------------------------------------

/// What one finished attempt reports to the loop.
struct Finished {
    request: SendRequest,
    result: AttemptResult,
}

/// Sends whatever is due, feeds each result back, and sleeps until the next wakeup; returns
/// once no delivery is waiting or in flight. Returns the number of attempts sent.
async fn dispatch(engine: &mut Scheduler, client: &reqwest::Client, start: i64) -> usize {
    let (tx, mut rx) = mpsc::channel::<Finished>(64);
    let mut in_flight = 0usize;
    let mut sent = 0usize;
    loop {
        for request in engine.due(unix_now()) {
            in_flight += 1;
            sent += 1;
            let (client, tx) = (client.clone(), tx.clone());
            tokio::spawn(async move {
                let result = send(&client, &request).await;
                let _ = tx.send(Finished { request, result }).await;
            });
        }
        let wakeup = engine.next_wakeup();
        if in_flight == 0 && wakeup.is_none() {
            return sent;
        }
        let sleep = wakeup.map_or(Duration::from_secs(60), |at| {
            Duration::from_millis(u64::try_from(at.saturating_sub(unix_now())).unwrap_or(0).saturating_mul(1000))
        });
        tokio::select! {
            Some(Finished { request, result }) = rx.recv() => {
                in_flight -= 1;
                let outcome = result.outcome;
                match engine.complete(request.delivery_id, request.attempt, result, unix_now()) {
                    Ok(done) => println!(
                        "+{}s  {:<10} attempt {}  {:<10} -> {}",
                        request.send_time - start,
                        request.webhook_id,
                        request.attempt,
                        outcome.to_string(),
                        match done.action {
                            Action::RetryAt { attempt, due_at } => format!("retry {attempt} at +{}s", due_at - start),
                            Action::DisableWebhook => String::from("410: webhook disabled"),
                            _ => done.state.to_string(),
                        }
                    ),
                    // A result after the lease expired: the engine already counted a timeout.
                    Err(e) => eprintln!("{}: {e}", request.webhook_id),
                }
            }
            () = tokio::time::sleep(sleep) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Two loopback receivers that verify signatures (what a customer runs), for the demo.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Receiver {
    /// Verified requests per path.
    verified: Mutex<HashMap<String, usize>>,
    /// Requests whose signature failed.
    rejected: Mutex<usize>,
}

async fn receive(
    State(rx): State<Arc<Receiver>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let pairs = headers.iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
    let signature = WebhookHeaders::from_pairs(pairs).signature;
    if let Err(e) = Verifier::new([SECRET]).verify(signature.as_deref(), &body, unix_now()) {
        *rx.rejected.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        return (StatusCode::BAD_REQUEST, HeaderMap::new(), e.code());
    }
    let path = uri.path().to_owned();
    let n = {
        let mut verified = rx.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = verified.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    let mut extra = HeaderMap::new();
    let status = match (path.as_str(), n) {
        ("/gone", _) => StatusCode::GONE,
        (_, 1) => {
            extra.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            StatusCode::SERVICE_UNAVAILABLE
        }
        (_, 2) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::OK,
    };
    (status, extra, "ok")
}

#[tokio::main]
async fn main() -> ExitCode {
    let receiver = Arc::new(Receiver::default());
    let app = Router::new().route("/{*path}", post(receive)).with_state(Arc::clone(&receiver));
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
        eprintln!("cannot listen on 127.0.0.1");
        return ExitCode::FAILURE;
    };
    let Ok(addr) = listener.local_addr() else { return ExitCode::FAILURE };
    tokio::spawn(async move { axum::serve(listener, app).await });

    // 1. The engine: a demo schedule in seconds (production: RetrySchedule::default()).
    let Ok(schedule) = RetrySchedule::custom(&[0, 1, 2, 3, 4, 5, 6]) else { return ExitCode::FAILURE };
    let mut engine = Scheduler::new(SchedulerConfig { schedule, ..SchedulerConfig::default() });
    let crm = WebhookConfig::new(format!("http://{addr}/crm"), ["ticket.*"], [Secret::new(SECRET)]);
    let gone = WebhookConfig::new(format!("http://{addr}/gone"), ["*"], [Secret::new(SECRET)]).with_flat_payload(true);
    if engine.register("whk_crm", crm).is_err() || engine.register("whk_gone", gone).is_err() {
        return ExitCode::FAILURE;
    }

    // 2. Something happens: publish it (fan-out to every matching enabled webhook).
    let Some(event) = sample_event(&EventType::TicketCreated) else { return ExitCode::FAILURE };
    let start = unix_now();
    match engine.publish(OutgoingEvent::from_event(&event), start) {
        Ok(ids) => println!("published {} ({}) to {} webhooks", event.id, event.event_type, ids.len()),
        Err(e) => {
            eprintln!("publish: {e}");
            return ExitCode::FAILURE;
        }
    }

    // 3. Deliver until nothing is left.
    let Ok(client) = client() else { return ExitCode::FAILURE };
    let sent = dispatch(&mut engine, &client, start).await;

    // 4. Check it went as the schedule says: the CRM delivery succeeded at its third attempt,
    // the 410 disabled its webhook after one attempt, and every request verified.
    let crm_done =
        engine.deliveries_of("whk_crm").map(|d| (d.delivery.state().as_str(), d.delivery.attempts().len())).next();
    let gone_disabled = engine.webhook("whk_gone").is_some_and(|w| !w.health.is_enabled());
    let verified: usize = receiver.verified.lock().map(|v| v.values().sum()).unwrap_or(0);
    let rejected = receiver.rejected.lock().map(|r| *r).unwrap_or(1);
    println!("sent {sent} attempts; receivers verified {verified}, rejected {rejected}");
    if crm_done == Some(("succeeded", 3)) && gone_disabled && sent == 4 && verified == 4 && rejected == 0 {
        println!("as scheduled");
        ExitCode::SUCCESS
    } else {
        eprintln!("NOT as scheduled: crm {crm_done:?}, gone disabled {gone_disabled}");
        ExitCode::FAILURE
    }
}
