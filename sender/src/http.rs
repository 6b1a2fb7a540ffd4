//! One HTTP attempt: sign at send time, POST with a 10 s deadline, never follow redirects,
//! read at most 64 KiB of the answer, keep a 1 KiB excerpt.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cstar_webhooks::headers::{DeliveryInfo, delivery_headers};
use cstar_webhooks::retry::{DELIVERY_TIMEOUT_SECS, MAX_RESPONSE_READ_BYTES, response_excerpt};
use cstar_webhooks::{NetworkErrorKind, Outcome, Secret, parse_retry_after};

use crate::ssrf::{GuardedResolver, Policy, UrlError};

/// How long reading the (capped) response body may take after the head arrived.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Builds the delivery client: rustls, no proxy, no redirects, names resolved through the
/// SSRF guard.
///
/// # Errors
/// When the TLS backend cannot be set up.
pub fn build_client(policy: Arc<Policy>) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver(policy)))
        .connect_timeout(Duration::from_secs(DELIVERY_TIMEOUT_SECS))
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(cstar_webhooks::headers::USER_AGENT_VALUE)
        .build()
}

/// What one attempt produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// The core's outcome.
    pub outcome: Outcome,
    /// Seconds from `Retry-After` (429/503), uncapped (the core caps it).
    pub retry_after: Option<u64>,
    /// Up to 1 KiB of the body.
    pub excerpt: String,
    /// From the start of the request to the response head (or the failure).
    pub duration_ms: i64,
    /// A short error description for failures without a status.
    pub error: Option<String>,
}

impl SendResult {
    /// The outcome kind stored with the attempt: `status`, `timeout` or `network_error`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self.outcome {
            Outcome::Status(_) => "status",
            Outcome::Timeout => "timeout",
            Outcome::NetworkError(_) => "network_error",
        }
    }
}

/// One attempt to deliver `body`.
#[derive(Debug)]
pub struct AttemptRequest<'a> {
    /// The target.
    pub url: &'a str,
    /// The webhook id header.
    pub webhook_id: &'a str,
    /// The event id header.
    pub event_id: &'a str,
    /// The event type header.
    pub event_type: &'a str,
    /// `X-Delivery-Attempt`.
    pub attempt: u32,
    /// The send time, unix seconds (the signature's `t`).
    pub send_time: i64,
    /// Every active secret.
    pub secrets: &'a [Secret],
    /// The exact body.
    pub body: &'a [u8],
}

fn classify_error(e: &reqwest::Error) -> (Outcome, String) {
    // Walk the source chain: an SSRF refusal from the resolver names its reason.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(u) = s.downcast_ref::<UrlError>() {
            return (Outcome::NetworkError(NetworkErrorKind::Dns), u.to_string());
        }
        source = s.source();
    }
    let kind = if e.is_timeout() {
        return (Outcome::Timeout, String::new());
    } else if e.is_connect() {
        let text = format!("{e:?}").to_ascii_lowercase();
        if text.contains("dns") || text.contains("resolve") {
            NetworkErrorKind::Dns
        } else if text.contains("tls") || text.contains("certificate") {
            NetworkErrorKind::Tls
        } else {
            NetworkErrorKind::Connect
        }
    } else if e.is_request() || e.is_body() {
        NetworkErrorKind::Io
    } else {
        NetworkErrorKind::Protocol
    };
    (Outcome::NetworkError(kind), kind.as_str().to_owned())
}

/// Sends one attempt; `timeout` bounds connect + send + response head (10 s in production:
/// [`DELIVERY_TIMEOUT_SECS`]). Never panics; every failure is an [`Outcome`].
pub async fn send(
    client: &reqwest::Client,
    policy: &Policy,
    req: &AttemptRequest<'_>,
    timeout: Duration,
) -> SendResult {
    let started = Instant::now();
    let elapsed = |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let fail = |outcome, error: String| SendResult {
        outcome,
        retry_after: None,
        excerpt: String::new(),
        duration_ms: elapsed(started),
        error: (!error.is_empty()).then_some(error),
    };
    // IP-literal hosts never reach the resolver: check them here (names are checked by it).
    let url = match policy.parse_url(req.url) {
        Ok(url) => url,
        Err(e) => return fail(Outcome::NetworkError(NetworkErrorKind::Other), e.to_string()),
    };
    if let Some(host) = url.host_str() {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
            if let Err(e) = policy.check_ip(ip) {
                return fail(Outcome::NetworkError(NetworkErrorKind::Dns), e.to_string());
            }
        }
    }
    let info = DeliveryInfo {
        webhook_id: req.webhook_id,
        event_id: req.event_id,
        event_type: req.event_type,
        attempt: req.attempt,
        send_time: req.send_time,
    };
    // The store refuses webhooks without a secret, so this fails only on a corrupt row.
    let headers = match delivery_headers(&info, req.secrets, req.body) {
        Ok(headers) => headers,
        Err(e) => return fail(Outcome::NetworkError(NetworkErrorKind::Other), e.to_string()),
    };
    let mut builder = client.post(url);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = builder.body(req.body.to_vec());
    let response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => return fail(Outcome::Timeout, String::new()),
        Ok(Err(e)) => {
            let (outcome, error) = classify_error(&e);
            return fail(outcome, error);
        }
        Ok(Ok(r)) => r,
    };
    let duration_ms = elapsed(started);
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, req.send_time));
    let excerpt = read_capped(response).await;
    SendResult {
        outcome: Outcome::Status(status),
        retry_after,
        excerpt: response_excerpt(&excerpt),
        duration_ms,
        error: None,
    }
}

async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut buf = Vec::new();
    let read = async {
        while buf.len() < MAX_RESPONSE_READ_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = MAX_RESPONSE_READ_BYTES - buf.len();
                    buf.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
                }
                Ok(None) | Err(_) => break,
            }
        }
    };
    let _ = tokio::time::timeout(BODY_READ_TIMEOUT, read).await;
    buf
}
