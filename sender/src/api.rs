//! The management API (axum, JSON, `Authorization: Bearer <key>`), REST Hooks, health,
//! metrics, the OpenAPI document and the settings page.
//!
//! Errors are `{"error": {"code": "...", "message": "..."}}` with the stable codes of
//! [`ApiError::CODES`]. Every handler validates all of its input before it changes anything.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next as MwNext};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cstar_webhooks::{Event, EventType};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::dispatcher::{Dispatcher, attempt_record, body_for, outcome_label};
use crate::http::{AttemptRequest, SendResult, send};
use crate::ids;
use crate::store::{
    AttemptRecord, Delivery, DeliveryFilter, DeliveryStatus, NewWebhook, Store, StoredEvent, Webhook, WebhookKind,
    WebhookPatch,
};

/// The largest request body accepted (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Formats unix milliseconds as RFC 3339 UTC seconds.
#[must_use]
pub fn rfc3339_ms(ms: i64) -> String {
    cstar_webhooks::time::format_rfc3339(ms.div_euclid(1000))
}

/// The SHA-256 of an API key (only the digest is stored).
#[must_use]
pub fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Shared state of the handlers.
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The dispatcher (client, SSRF policy, metrics, wake-up).
    pub dispatcher: Arc<Dispatcher>,
    /// SHA-256 of the API key.
    pub api_key_digest: [u8; 32],
    /// How long an old secret keeps signing after a rotation (ms).
    pub rotation_overlap_ms: i64,
    /// The team id put on published events without one.
    pub team_id: String,
    /// The group-commit publisher (see [`publisher`]).
    pub publisher: mpsc::Sender<PublishJob>,
}

/// One event waiting for the group commit, and where to report the outcome.
pub type PublishJob = (StoredEvent, oneshot::Sender<Result<usize, String>>);

/// The group-commit publisher: every event waiting is stored in one durable transaction,
/// then each caller is answered. A failed batch is retried event by event, so one bad
/// event cannot fail the others.
pub async fn publisher(store: Arc<dyn Store>, clock: Arc<dyn Clock>, mut rx: mpsc::Receiver<PublishJob>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < 512 {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (events, replies): (Vec<StoredEvent>, Vec<_>) = jobs.into_iter().unzip();
        let now = clock.now_ms();
        let store2 = Arc::clone(&store);
        let results = tokio::task::spawn_blocking(move || match store2.publish_batch(&events, now) {
            Ok(counts) => counts.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(_) => events.iter().map(|e| store2.publish(e, now).map_err(|e| e.to_string())).collect(),
        })
        .await;
        match results {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}

impl core::fmt::Debug for AppState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AppState").field("team_id", &self.team_id).finish_non_exhaustive()
    }
}

type St = State<Arc<AppState>>;

/// An API error: an HTTP status, a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: &'static str,
    /// A human message (never a secret).
    pub message: String,
}

impl ApiError {
    /// Every code the API can answer with.
    pub const CODES: [&'static str; 14] = [
        "unauthorized",
        "invalid_json",
        "invalid_request",
        "invalid_url",
        "url_not_allowed",
        "url_unresolvable",
        "unknown_event_type",
        "invalid_data",
        "not_found",
        "method_not_allowed",
        "payload_too_large",
        "delivery_pending",
        "internal",
        "invalid_query",
    ];

    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    fn internal(e: &impl core::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; see the server log")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": {"code": self.code, "message": self.message}}))).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

async fn db<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&dyn Store) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = Arc::clone(&st.store);
    match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ApiError::internal(&e)),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// Parses a JSON body: `invalid_json` when it is not JSON, `invalid_request` when the shape
/// is wrong (unknown fields are refused), `payload_too_large` past [`MAX_BODY_BYTES`].
fn parse_body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>, empty_ok: bool) -> Result<T, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            )
        } else {
            ApiError::bad("invalid_request", e.body_text())
        }
    })?;
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) && empty_ok {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad("invalid_json", format!("the body is not valid JSON: {e}")))?
    };
    if !value.is_object() {
        return Err(ApiError::bad("invalid_request", "the body must be a JSON object"));
    }
    serde_json::from_value(value).map_err(|e| ApiError::bad("invalid_request", e.to_string()))
}

// ---------------------------------------------------------------------------------------
// Representations

fn opt_time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| Value::String(rfc3339_ms(ms)))
}

fn webhook_json(h: &Webhook) -> Value {
    json!({
        "id": h.id,
        "url": h.url,
        "name": h.name,
        "events": h.events,
        "flat_payload": h.flat_payload,
        "enabled": h.enabled,
        "disabled": if h.enabled { Value::Null } else { json!({
            "by": h.disabled_by, "reason": h.disabled_reason, "at": opt_time(h.disabled_at),
        })},
        "kind": h.kind,
        "created_at": rfc3339_ms(h.created_at),
        "updated_at": rfc3339_ms(h.updated_at),
    })
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "id": d.id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "webhook_id": d.webhook_id,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": if d.status == DeliveryStatus::Scheduled { opt_time(d.due_at) } else { Value::Null },
        "last_outcome": d.last_outcome,
        "created_at": rfc3339_ms(d.created_at),
        "updated_at": rfc3339_ms(d.updated_at),
    })
}

fn attempt_json(a: &AttemptRecord) -> Value {
    json!({
        "delivery_id": a.delivery_id,
        "event_id": a.event_id,
        "number": a.number,
        "started_at": rfc3339_ms(a.started_at),
        "duration_ms": a.duration_ms,
        "outcome": a.outcome,
        "status_code": a.status_code,
        "error": a.error,
        "response_excerpt": a.excerpt,
        "manual": a.manual,
        "success": a.success,
    })
}

fn send_result_json(event_id: &str, r: &SendResult) -> Value {
    json!({
        "event_id": event_id,
        "success": r.outcome.is_success(),
        "outcome": outcome_label(r),
        "status_code": r.outcome.status(),
        "error": r.error,
        "duration_ms": r.duration_ms,
        "response_excerpt": r.excerpt,
    })
}

// ---------------------------------------------------------------------------------------
// Validation

const FAMILY_PREFIXES: [&str; 4] = ["ticket", "customer", "article", "gamification"];

fn check_events(events: &[String]) -> Result<Vec<String>, ApiError> {
    if events.is_empty() {
        return Err(ApiError::bad("invalid_request", "`events` must list at least one event type"));
    }
    if events.len() > 64 {
        return Err(ApiError::bad("invalid_request", "`events` lists more than 64 filters"));
    }
    let mut out: Vec<String> = Vec::with_capacity(events.len());
    for e in events {
        let ok = e == "*"
            || EventType::parse(e).is_known()
            || e.strip_suffix(".*").is_some_and(|p| FAMILY_PREFIXES.contains(&p));
        if !ok {
            return Err(ApiError::bad(
                "unknown_event_type",
                format!("`{}` is not a known event type, family wildcard (`ticket.*`) or `*`", truncate(e, 80)),
            ));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.chars().count() > 200 {
        return Err(ApiError::bad("invalid_request", "`name` is longer than 200 characters"));
    }
    Ok(())
}

async fn check_url(st: &AppState, url: &str) -> Result<String, ApiError> {
    st.dispatcher
        .policy
        .check_url(url)
        .await
        .map(|u| u.to_string())
        .map_err(|e| ApiError::bad(e.code(), e.message().to_owned()))
}

fn known_type(text: &str) -> Result<EventType, ApiError> {
    let ty = EventType::parse(text);
    if ty.is_known() {
        Ok(ty)
    } else {
        Err(ApiError::bad("unknown_event_type", format!("`{}` is not a known event type", truncate(text, 80))))
    }
}

// ---------------------------------------------------------------------------------------
// Webhooks

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateWebhook {
    url: String,
    events: Vec<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    flat_payload: bool,
}

async fn create_webhook(State(st): St, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: CreateWebhook = parse_body(body, false)?;
    let events = check_events(&req.events)?;
    check_name(&req.name)?;
    let url = check_url(&st, &req.url).await?;
    insert_webhook(&st, url, req.name, events, req.flat_payload, WebhookKind::Webhook).await
}

async fn insert_webhook(
    st: &AppState,
    url: String,
    name: String,
    events: Vec<String>,
    flat_payload: bool,
    kind: WebhookKind,
) -> ApiResult {
    let secret = ids::secret();
    let new = NewWebhook { id: ids::webhook_id(), url, name, events, flat_payload, secret: secret.clone(), kind };
    let now = st.clock.now_ms();
    let hook = db(st, move |s| s.create_webhook(&new, now)).await?;
    tracing::info!(webhook = %hook.id, "webhook created");
    let mut body = webhook_json(&hook);
    if let Value::Object(m) = &mut body {
        m.insert("secret".into(), Value::String(secret.expose().to_owned()));
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn list_webhooks(State(st): St) -> ApiResult {
    let hooks = db(&st, |s| s.list_webhooks()).await?;
    Ok(Json(json!({"data": hooks.iter().map(webhook_json).collect::<Vec<_>>()})).into_response())
}

async fn load_webhook(st: &AppState, id: String) -> Result<Webhook, ApiError> {
    db(st, move |s| s.get_webhook(&id)).await?.ok_or_else(|| ApiError::not_found("webhook"))
}

async fn get_webhook(State(st): St, Path(id): Path<String>) -> ApiResult {
    Ok(Json(webhook_json(&load_webhook(&st, id).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchWebhook {
    url: Option<String>,
    events: Option<Vec<String>>,
    name: Option<String>,
    flat_payload: Option<bool>,
}

async fn patch_webhook(State(st): St, Path(id): Path<String>, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: PatchWebhook = parse_body(body, false)?;
    load_webhook(&st, id.clone()).await?;
    let events = req.events.as_deref().map(check_events).transpose()?;
    if let Some(name) = &req.name {
        check_name(name)?;
    }
    let url = match &req.url {
        Some(u) => Some(check_url(&st, u).await?),
        None => None,
    };
    let patch = WebhookPatch { url, name: req.name, events, flat_payload: req.flat_payload };
    let now = st.clock.now_ms();
    let hook =
        db(&st, move |s| s.update_webhook(&id, &patch, now)).await?.ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(Json(webhook_json(&hook)).into_response())
}

async fn delete_webhook(State(st): St, Path(id): Path<String>) -> ApiResult {
    let now = st.clock.now_ms();
    if db(&st, move |s| s.delete_webhook(&id, now)).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found("webhook"))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DisableBody {
    reason: Option<String>,
}

async fn enable_webhook(State(st): St, Path(id): Path<String>) -> ApiResult {
    let now = st.clock.now_ms();
    let hook = db(&st, move |s| s.set_enabled(&id, true, "user", "", now))
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(Json(webhook_json(&hook)).into_response())
}

async fn disable_webhook(State(st): St, Path(id): Path<String>, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: DisableBody = parse_body(body, true)?;
    let reason = req.reason.unwrap_or_else(|| "manual: disabled by a user".to_owned());
    if reason.chars().count() > 500 {
        return Err(ApiError::bad("invalid_request", "`reason` is longer than 500 characters"));
    }
    let reason = if reason.starts_with("manual") { reason } else { format!("manual: {reason}") };
    let now = st.clock.now_ms();
    let hook = db(&st, move |s| s.set_enabled(&id, false, "user", &reason, now))
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(Json(webhook_json(&hook)).into_response())
}

async fn rotate_secret(State(st): St, Path(id): Path<String>) -> ApiResult {
    let secret = ids::secret();
    let now = st.clock.now_ms();
    let expires = now.saturating_add(st.rotation_overlap_ms);
    let s2 = secret.clone();
    let id2 = id.clone();
    if !db(&st, move |s| s.rotate_secret(&id2, &s2, expires, now)).await? {
        return Err(ApiError::not_found("webhook"));
    }
    tracing::info!(webhook = %id, "secret rotated");
    Ok(Json(json!({
        "id": id,
        "secret": secret.expose(),
        "previous_secrets_expire_at": rfc3339_ms(expires),
    }))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TestBody {
    event_type: Option<String>,
}

async fn test_webhook(State(st): St, Path(id): Path<String>, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: TestBody = parse_body(body, true)?;
    let ty = known_type(req.event_type.as_deref().unwrap_or("ticket.created"))?;
    let hook = load_webhook(&st, id).await?;
    let mut event =
        cstar_webhooks::sample_event(&ty).ok_or_else(|| ApiError::bad("unknown_event_type", "no sample"))?;
    event.id = ids::test_event_id(&ty);
    let body = body_for(&event.to_json(), hook.flat_payload);
    let record = manual_send(&st, &hook, &event.id, ty.as_str(), 1, body.as_bytes(), None).await?;
    Ok(Json(send_result_json(&event.id, &record)).into_response())
}

/// One manual attempt (test, replay): no retries; recorded in the attempt log.
async fn manual_send(
    st: &AppState,
    hook: &Webhook,
    event_id: &str,
    event_type: &str,
    number: u32,
    body: &[u8],
    delivery_id: Option<String>,
) -> Result<SendResult, ApiError> {
    let now = st.clock.now_ms();
    let wid = hook.id.clone();
    let secrets = db(st, move |s| s.active_secrets(&wid, now)).await?;
    let req = AttemptRequest {
        url: &hook.url,
        webhook_id: &hook.id,
        event_id,
        event_type,
        attempt: number,
        send_time: st.clock.now_s(),
        secrets: &secrets,
        body,
    };
    let result = send(&st.dispatcher.client, &st.dispatcher.policy, &req, st.dispatcher.config.attempt_timeout).await;
    st.dispatcher.metrics.observe_attempt(&result);
    let record = attempt_record(delivery_id, &hook.id, event_id, number, now, &result, true);
    let finished = st.clock.now_ms();
    db(st, move |s| s.record_manual_attempt(&record, finished)).await?;
    Ok(result)
}

async fn webhook_status(State(st): St, Path(id): Path<String>, Query(q): Query<HashMap<String, String>>) -> ApiResult {
    let limit = parse_limit(&q, "limit", 20, 100)?;
    let hook = load_webhook(&st, id.clone()).await?;
    let since = st.clock.now_ms().saturating_sub(86_400_000);
    let id2 = id.clone();
    let failures = db(&st, move |s| s.recent_failures(&id2, limit)).await?;
    let recent = db(&st, move |s| s.attempts_since(&id, since)).await?;
    let timeline: Vec<Value> = recent
        .iter()
        .map(|a| json!({"at": rfc3339_ms(a.started_at), "success": a.success, "manual": a.manual}))
        .collect();
    Ok(Json(json!({
        "id": hook.id,
        "enabled": hook.enabled,
        "disabled": if hook.enabled { Value::Null } else { json!({
            "by": hook.disabled_by, "reason": hook.disabled_reason, "at": opt_time(hook.disabled_at),
        })},
        "last_success_at": opt_time(hook.last_success_at),
        "failure_run": hook.failure_run_started_at.map(|started| json!({
            "started_at": rfc3339_ms(started), "failed_attempts": hook.failure_run_count,
        })),
        "recent_failures": failures.iter().map(attempt_json).collect::<Vec<_>>(),
        "last_24h": timeline,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Events and deliveries

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishBody {
    #[serde(rename = "type")]
    event_type: String,
    data: Value,
    team_id: Option<String>,
}

async fn publish(State(st): St, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: PublishBody = parse_body(body, false)?;
    let ty = known_type(&req.event_type)?;
    let Value::Object(data) = req.data else {
        return Err(ApiError::bad("invalid_data", "`data` must be a JSON object"));
    };
    let team_id = req.team_id.unwrap_or_else(|| st.team_id.clone());
    if team_id.is_empty() || team_id.len() > 100 {
        return Err(ApiError::bad("invalid_request", "`team_id` must be 1 to 100 characters"));
    }
    let now = st.clock.now_ms();
    let event = Event::new(ids::event_id(&ty), ty, rfc3339_ms(now), team_id, data);
    event.typed_data().map_err(|e| ApiError::bad("invalid_data", format!("{e}")))?;
    let stored = StoredEvent {
        id: event.id.clone(),
        event_type: event.event_type.as_str().to_owned(),
        created_at: now,
        body: event.to_json(),
    };
    let (reply, answer) = oneshot::channel();
    st.publisher.send((stored, reply)).await.map_err(|e| ApiError::internal(&e))?;
    let n = answer.await.map_err(|e| ApiError::internal(&e))?.map_err(|e| ApiError::internal(&e))?;
    st.dispatcher.metrics.observe_publish();
    if n > 0 {
        st.dispatcher.wake.notify_one();
    }
    Ok((StatusCode::ACCEPTED, Json(json!({"id": event.id, "deliveries": n}))).into_response())
}

fn parse_limit(q: &HashMap<String, String>, key: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad("invalid_query", format!("`{key}` must be an integer from 1 to {max}"))),
    }
}

async fn list_deliveries(State(st): St, Query(q): Query<HashMap<String, String>>) -> ApiResult {
    for k in q.keys() {
        if !["webhook_id", "status", "event_id", "limit"].contains(&k.as_str()) {
            return Err(ApiError::bad("invalid_query", format!("unknown query parameter `{}`", truncate(k, 40))));
        }
    }
    let status = match q.get("status") {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            ApiError::bad("invalid_query", "`status` must be scheduled, in_flight, succeeded, failed or cancelled")
        })?),
    };
    let filter = DeliveryFilter {
        webhook_id: q.get("webhook_id").cloned(),
        status,
        event_id: q.get("event_id").cloned(),
        limit: parse_limit(&q, "limit", 50, 500)?,
    };
    let rows = db(&st, move |s| s.list_deliveries(&filter)).await?;
    Ok(Json(json!({"data": rows.iter().map(delivery_json).collect::<Vec<_>>()})).into_response())
}

async fn get_delivery(State(st): St, Path(id): Path<String>) -> ApiResult {
    let id2 = id.clone();
    let d = db(&st, move |s| s.get_delivery(&id2)).await?.ok_or_else(|| ApiError::not_found("delivery"))?;
    let attempts = db(&st, move |s| s.delivery_attempts(&id)).await?;
    let mut body = delivery_json(&d);
    if let Value::Object(m) = &mut body {
        m.insert("attempts_log".into(), Value::Array(attempts.iter().map(attempt_json).collect()));
    }
    Ok(Json(body).into_response())
}

async fn replay_delivery(State(st): St, Path(id): Path<String>) -> ApiResult {
    let id2 = id.clone();
    let d = db(&st, move |s| s.get_delivery(&id2)).await?.ok_or_else(|| ApiError::not_found("delivery"))?;
    if matches!(d.status, DeliveryStatus::Scheduled | DeliveryStatus::InFlight) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "delivery_pending",
            "the delivery is still scheduled or in flight; replay is for finished deliveries",
        ));
    }
    let hook = load_webhook(&st, d.webhook_id.clone()).await?;
    let ev = d.event_id.clone();
    let body = db(&st, move |s| s.event_body(&ev)).await?.ok_or_else(|| ApiError::not_found("event"))?;
    let body = body_for(&body, hook.flat_payload);
    let max = st.dispatcher.config.schedule.attempts();
    let number = d.attempts.saturating_add(1).clamp(1, max.max(1));
    let result = manual_send(&st, &hook, &d.event_id, &d.event_type, number, body.as_bytes(), Some(id)).await?;
    let mut out = send_result_json(&d.event_id, &result);
    if let Value::Object(m) = &mut out {
        m.insert("delivery_id".into(), Value::String(d.id));
    }
    Ok(Json(out).into_response())
}

// ---------------------------------------------------------------------------------------
// Zapier REST Hooks

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Subscribe {
    target_url: String,
    event: String,
}

async fn subscribe(State(st): St, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let req: Subscribe = parse_body(body, false)?;
    let events = check_events(std::slice::from_ref(&req.event))?;
    let url = check_url(&st, &req.target_url).await?;
    insert_webhook(&st, url, format!("REST Hook: {}", req.event), events, true, WebhookKind::RestHook).await
}

async fn unsubscribe(State(st): St, Path(id): Path<String>) -> ApiResult {
    delete_webhook(State(st), Path(id)).await
}

async fn samples(Path(event_type): Path<String>) -> ApiResult {
    let ty = EventType::parse(&event_type);
    let families: Vec<EventType> = if ty.is_known() {
        vec![ty]
    } else if let Some(prefix) = event_type.strip_suffix(".*").filter(|p| FAMILY_PREFIXES.contains(p)) {
        EventType::KNOWN.iter().filter(|t| t.as_str().starts_with(&format!("{prefix}."))).cloned().collect()
    } else if event_type == "*" {
        EventType::KNOWN.to_vec()
    } else {
        return Err(ApiError::bad(
            "unknown_event_type",
            format!("`{}` is not a known event type", truncate(&event_type, 80)),
        ));
    };
    let out: Vec<Value> = families
        .iter()
        .filter_map(cstar_webhooks::sample_event)
        .map(|e| cstar_webhooks::flatten(&e.to_value()))
        .collect();
    Ok(Json(Value::Array(out)).into_response())
}

// ---------------------------------------------------------------------------------------
// Health, metrics, auth, fallbacks

async fn healthz(State(st): St) -> ApiResult {
    db(&st, |s| s.meta_get("schema")).await?;
    Ok(Json(json!({"status": "ok"})).into_response())
}

async fn metrics(State(st): St) -> ApiResult {
    let now = st.clock.now_ms();
    let depth = db(&st, move |s| s.queue_depth(now)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], st.dispatcher.metrics.render(depth)).into_response())
}

async fn auth(State(st): St, headers: HeaderMap, req: Request, next: MwNext) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    match presented {
        Some(key) if bool::from(key_digest(key).ct_eq(&st.api_key_digest)) => next.run(req).await,
        _ => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer <api key>` is required",
        )
        .into_response(),
    }
}

async fn not_found() -> Response {
    ApiError::not_found("route").into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this route")
        .into_response()
}

async fn page() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(crate::page::render())).into_response()
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

/// The authenticated routes, as `(method, path)` (the OpenAPI test compares against this).
pub const API_ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/webhooks"),
    ("post", "/v1/webhooks"),
    ("get", "/v1/webhooks/{id}"),
    ("patch", "/v1/webhooks/{id}"),
    ("delete", "/v1/webhooks/{id}"),
    ("post", "/v1/webhooks/{id}/rotate-secret"),
    ("post", "/v1/webhooks/{id}/test"),
    ("get", "/v1/webhooks/{id}/status"),
    ("post", "/v1/webhooks/{id}/enable"),
    ("post", "/v1/webhooks/{id}/disable"),
    ("post", "/v1/events"),
    ("get", "/v1/deliveries"),
    ("get", "/v1/deliveries/{id}"),
    ("post", "/v1/deliveries/{id}/replay"),
    ("post", "/v1/hooks"),
    ("delete", "/v1/hooks/{id}"),
    ("get", "/v1/hooks/samples/{event_type}"),
];

/// The public routes (no API key).
pub const PUBLIC_ROUTES: &[(&str, &str)] =
    &[("get", "/"), ("get", "/healthz"), ("get", "/metrics"), ("get", "/openapi.json")];

/// The whole HTTP surface.
pub fn router(st: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route("/v1/webhooks/{id}", get(get_webhook).patch(patch_webhook).delete(delete_webhook))
        .route("/v1/webhooks/{id}/rotate-secret", post(rotate_secret))
        .route("/v1/webhooks/{id}/test", post(test_webhook))
        .route("/v1/webhooks/{id}/status", get(webhook_status))
        .route("/v1/webhooks/{id}/enable", post(enable_webhook))
        .route("/v1/webhooks/{id}/disable", post(disable_webhook))
        .route("/v1/events", post(publish))
        .route("/v1/deliveries", get(list_deliveries))
        .route("/v1/deliveries/{id}", get(get_delivery))
        .route("/v1/deliveries/{id}/replay", post(replay_delivery))
        .route("/v1/hooks", post(subscribe))
        .route("/v1/hooks/{id}", axum::routing::delete(unsubscribe))
        .route("/v1/hooks/samples/{event_type}", get(samples))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&st), auth));
    Router::new()
        .route("/", get(page))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .merge(v1)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(st)
}
