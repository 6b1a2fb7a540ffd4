//! Node.js native binding of the cStar webhooks core (`@cstar/webhooks`), built with napi-rs.
//!
//! This crate is the package's private `binding` module: it converts JavaScript values to
//! core types, calls the core, and converts results and errors back. It holds no webhook
//! logic. The public JavaScript face (argument checks, the `WebhookVerificationError` class,
//! the framework adapters) lives in `packages/npm/*.js`.
//!
//! Errors thrown from here are JavaScript `Error`s whose `code` property is the core's
//! `VerifyError::code()` for verification failures, or [`INVALID_ARGUMENT`] for arguments of
//! the wrong type or range.

use std::time::{SystemTime, UNIX_EPOCH};

use cstar_webhooks::{
    Cause, DEFAULT_TOLERANCE_SECS, DeliveryInfo, Event, EventType, RetrySchedule, Scheme, Secret, SignError,
    SignatureHeader, Verified, Verifier, VerifyError, WebhookHeaders, delivery_headers, diagnose as core_diagnose,
    flatten_json, sample_event, sign as core_sign, sign_legacy as core_sign_legacy,
};
use napi::Either;
use napi::bindgen_prelude::{External, Null};
use napi_derive::napi;

/// The code of errors about arguments (wrong type or range), beside the core's codes.
pub const INVALID_ARGUMENT: &str = "invalid_argument";

fn error(code: &str, message: String) -> napi::Error<String> {
    napi::Error::new(String::from(code), message)
}

fn verify_error(e: &VerifyError) -> napi::Error<String> {
    error(e.code(), e.to_string())
}

fn sign_error(e: &SignError) -> napi::Error<String> {
    error(e.code(), e.to_string())
}

fn invalid(what: &str, detail: &str) -> napi::Error<String> {
    error(INVALID_ARGUMENT, format!("{what}: {detail}"))
}

/// A payload: bytes (`Buffer`, `Uint8Array`) or text (sent as its UTF-8 bytes).
type Body<'a> = Either<&'a [u8], String>;

fn bytes<'b>(body: &'b Body<'_>) -> &'b [u8] {
    match body {
        Either::A(b) => b,
        Either::B(s) => s.as_bytes(),
    }
}

/// A value or JavaScript `null` (napi leaves `Option::None` fields out of objects).
type Nullable<T> = Either<T, Null>;

fn nullable<T>(value: Option<T>) -> Nullable<T> {
    value.map_or(Either::B(Null), Either::A)
}

/// One secret or a list of secrets.
type Secrets = Either<String, Vec<String>>;

fn secrets(secrets: Secrets) -> Vec<Secret> {
    match secrets {
        Either::A(one) => vec![Secret::new(one)],
        Either::B(list) => list.into_iter().map(Secret::new).collect(),
    }
}

/// The current time in unix seconds: the binding, not the core, reads the clock.
fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn seconds(value: Option<i64>, what: &str) -> napi::Result<Option<u64>, String> {
    value.map(|v| u64::try_from(v).map_err(|_| invalid(what, "must be a whole number of seconds >= 0"))).transpose()
}

fn verifier(
    secrets: Secrets,
    max_age: Option<i64>,
    max_future: Option<i64>,
    allow_legacy: Option<bool>,
) -> napi::Result<Verifier, String> {
    let mut v = Verifier::new(self::secrets(secrets));
    if let Some(s) = seconds(max_age, "maxAge")? {
        v = v.max_age(s);
    }
    if let Some(s) = seconds(max_future, "maxFuture")? {
        v = v.max_future(s);
    }
    if let Some(allow) = allow_legacy {
        v = v.allow_legacy(allow);
    }
    Ok(v)
}

/// The result of a successful verification.
#[napi(object)]
pub struct VerifiedJs {
    /// `"v1"` or `"legacy"`.
    pub scheme: String,
    /// The signed timestamp (unix seconds); `null` for the legacy scheme.
    #[napi(ts_type = "number | null")]
    pub timestamp: Nullable<i64>,
    /// Index, in the secrets given, of the first secret that matched.
    pub secret_index: u32,
}

impl From<Verified> for VerifiedJs {
    fn from(v: Verified) -> Self {
        Self {
            scheme: String::from(v.scheme.as_str()),
            timestamp: nullable(v.timestamp),
            secret_index: u32::try_from(v.secret_index).unwrap_or(u32::MAX),
        }
    }
}

/// On `no_matching_signature` with a v1 header, names what the core's diagnosis finds (a re-serialized body,
/// an added newline, a secret with whitespace, …) in the error message.
/// The largest text body whose failure is diagnosed for the error message.
const EXPLAIN_MAX_BODY: usize = 64 * 1024;

fn explained(e: &VerifyError, secrets: &[Secret], header: Option<&str>, body: &[u8], now: i64) -> napi::Error<String> {
    // Only for v1 headers and bodies up to 64 KiB: the diagnosis hashes a few dozen variants
    // (and, for a legacy header, every v1 timestamp within 10 minutes), too costly to run on
    // every failing request otherwise.
    let v1 = header.and_then(|h| SignatureHeader::parse(h).ok()).is_some_and(|h| h.scheme() == Scheme::V1);
    if *e != VerifyError::NoMatchingSignature || !v1 || body.len() > EXPLAIN_MAX_BODY {
        return verify_error(e);
    }
    let d = core_diagnose(secrets, header, body, now);
    let hints: Vec<String> = d.causes.iter().filter(|c| **c != Cause::WrongSecret).map(Cause::explain).collect();
    if hints.is_empty() {
        return verify_error(e);
    }
    error(e.code(), format!("{}: {}", e.code(), hints.join("; ")))
}

/// A verifier built once for a set of secrets and options (the JS face caches them): it
/// keeps the secrets' HMAC key schedules, so a request only converts its body and header.
/// Held by JavaScript as an opaque external value (cheaper to pass than a class instance).
pub struct VerifierHandle {
    inner: Verifier,
    /// Kept for the diagnosis of text payloads (`explain`); never shown.
    secrets: Vec<Secret>,
}

/// Builds a verifier for [`verify_bytes`] and [`verify_text`].
///
/// @throws Error with `code` = `invalid_argument` for a negative tolerance.
#[napi(ts_return_type = "ExternalObject<'VerifierHandle'>")]
#[allow(clippy::needless_pass_by_value)]
pub fn create_verifier(
    #[napi(ts_arg_type = "string | string[]")] secrets: Secrets,
    max_age: Option<i64>,
    max_future: Option<i64>,
    allow_legacy: Option<bool>,
) -> napi::Result<External<VerifierHandle>, String> {
    let secrets = self::secrets(secrets);
    let keys = secrets.iter().map(|s| String::from(s.expose())).collect();
    let inner = verifier(Either::B(keys), max_age, max_future, allow_legacy)?;
    Ok(External::new(VerifierHandle { inner, secrets }))
}

/// Verifies `header` over the raw `body` bytes at `now` (the clock when absent) and writes
/// the result into `out` (a `Float64Array` of length 3): `[scheme (0 = v1, 1 = legacy),
/// timestamp (NaN for legacy), secret index]`. Creating a JS object or array from native
/// code costs as much as the HMAC of a 1 KiB body, so the face builds the result object.
///
/// @throws Error with `code` = a core verification code, or `invalid_argument`.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn verify_bytes(
    #[napi(ts_arg_type = "ExternalObject<'VerifierHandle'>")] verifier: &External<VerifierHandle>,
    body: &[u8],
    header: Option<String>,
    now: Option<i64>,
    #[napi(ts_arg_type = "Float64Array")] out: OutSlice<'_>,
) -> napi::Result<(), String> {
    let now = now.unwrap_or_else(now_unix);
    match verifier.inner.verify(header.as_deref(), body, now) {
        Ok(v) => write_packed(v, out),
        Err(e) => Err(verify_error(&e)),
    }
}

/// [`verify_bytes`] for a text body (its UTF-8 bytes). A text body is often one that was
/// parsed and printed again: on `no_matching_signature` the core's diagnosis names the
/// likely cause in the message.
///
/// @throws Error with `code` = a core verification code, or `invalid_argument`.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn verify_text(
    #[napi(ts_arg_type = "ExternalObject<'VerifierHandle'>")] verifier: &External<VerifierHandle>,
    body: String,
    header: Option<String>,
    now: Option<i64>,
    #[napi(ts_arg_type = "Float64Array")] out: OutSlice<'_>,
) -> napi::Result<(), String> {
    let now = now.unwrap_or_else(now_unix);
    match verifier.inner.verify(header.as_deref(), body.as_bytes(), now) {
        Ok(v) => write_packed(v, out),
        Err(e) => Err(explained(&e, &verifier.secrets, header.as_deref(), body.as_bytes(), now)),
    }
}

/// A `Float64Array` the result is written into (a type alias: napi-rs reads a bare
/// `&mut` parameter as a class instance).
type OutSlice<'a> = &'a mut [f64];

#[allow(clippy::cast_precision_loss)]
fn write_packed(v: Verified, out: OutSlice<'_>) -> napi::Result<(), String> {
    let [scheme, timestamp, index] = out else {
        return Err(invalid("out", "must be a Float64Array of length 3"));
    };
    *scheme = match v.scheme {
        Scheme::V1 => 0.0,
        Scheme::Legacy => 1.0,
    };
    // Unix seconds beyond 2^53 are shown approximately, as any JS number would.
    *timestamp = v.timestamp.map_or(f64::NAN, |t| t as f64);
    *index = v.secret_index as f64;
    Ok(())
}

/// Checks that a body is an event envelope (the core's `Event::from_slice`; no
/// verification). The face then hands the same JSON text to `JSON.parse` for the JS object:
/// re-serializing in Rust and copying the text back costs more than the parse itself.
///
/// @throws Error with `code` = `invalid_payload` and the reason.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn check_event(#[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>) -> napi::Result<(), String> {
    Event::from_slice(bytes(&body)).map(drop).map_err(|e| verify_error(&VerifyError::from(e)))
}

/// Signs `body` at `timestamp` (unix seconds; now when absent) with every secret:
/// `t=<timestamp>,v1=<hex>[,v1=<hex>…]`.
///
/// @throws Error with `code` = `invalid_argument` for no secret, an empty secret or a negative
/// timestamp (a header no verifier would accept).
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn sign(
    #[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>,
    #[napi(ts_arg_type = "string | string[]")] secrets: Secrets,
    timestamp: Option<i64>,
) -> napi::Result<String, String> {
    core_sign(&self::secrets(secrets), timestamp.unwrap_or_else(now_unix), bytes(&body)).map_err(|e| sign_error(&e))
}

/// Signs `body` with the legacy scheme: `sha256=<hex>`.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn sign_legacy(#[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>, secret: String) -> String {
    core_sign_legacy(&Secret::new(secret), bytes(&body))
}

/// The delivery header set of one attempt as `[name, value]` pairs, in SPEC §3 order.
/// The event id and type default to the body's own (when it is an event), the webhook id to
/// `whk_test`, the attempt to 1 and the time to now.
///
/// @throws Error with `code` = `invalid_argument` for an attempt out of range.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn delivery_headers_pairs(
    #[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>,
    #[napi(ts_arg_type = "string | string[]")] secrets: Secrets,
    webhook_id: Option<String>,
    event_id: Option<String>,
    event_type: Option<String>,
    attempt: Option<i64>,
    timestamp: Option<i64>,
) -> napi::Result<Vec<Vec<String>>, String> {
    let body = bytes(&body);
    let attempt = u32::try_from(attempt.unwrap_or(1)).map_err(|_| invalid("attempt", "must be a whole number >= 0"))?;
    let parsed = Event::from_slice(body).ok();
    let event_id = event_id.or_else(|| parsed.as_ref().map(|e| e.id.clone())).unwrap_or_default();
    let event_type =
        event_type.or_else(|| parsed.as_ref().map(|e| String::from(e.event_type.as_str()))).unwrap_or_default();
    let webhook_id = webhook_id.unwrap_or_else(|| String::from("whk_test"));
    let info = DeliveryInfo {
        webhook_id: &webhook_id,
        event_id: &event_id,
        event_type: &event_type,
        attempt,
        send_time: timestamp.unwrap_or_else(now_unix),
    };
    Ok(delivery_headers(&info, &self::secrets(secrets), body)
        .map_err(|e| sign_error(&e))?
        .into_iter()
        .map(|(name, value)| vec![String::from(name), value])
        .collect())
}

/// The cStar headers of a request (names matched in any case; the first value wins).
#[napi(object)]
pub struct ParsedHeaders {
    /// `X-Signature`.
    #[napi(ts_type = "string | null")]
    pub signature: Nullable<String>,
    /// `X-Webhook-ID`.
    #[napi(ts_type = "string | null")]
    pub webhook_id: Nullable<String>,
    /// `X-Event-Type`.
    #[napi(ts_type = "string | null")]
    pub event_type: Nullable<String>,
    /// `X-Event-ID`.
    #[napi(ts_type = "string | null")]
    pub event_id: Nullable<String>,
    /// `X-Timestamp`, as received.
    #[napi(ts_type = "string | null")]
    pub timestamp: Nullable<String>,
    /// `X-Delivery-Attempt`, as received.
    #[napi(ts_type = "string | null")]
    pub delivery_attempt: Nullable<String>,
    /// `User-Agent`.
    #[napi(ts_type = "string | null")]
    pub user_agent: Nullable<String>,
    /// `Content-Type`.
    #[napi(ts_type = "string | null")]
    pub content_type: Nullable<String>,
    /// `X-Delivery-Attempt` as a number, when it is one.
    #[napi(ts_type = "number | null")]
    pub attempt: Nullable<u32>,
    /// `X-Timestamp` as unix seconds, when it is RFC 3339.
    #[napi(ts_type = "number | null")]
    pub timestamp_unix: Nullable<i64>,
}

/// Finds the cStar headers among the `names[i]`/`values[i]` pairs.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn parse_header_pairs(names: Vec<String>, values: Vec<String>) -> ParsedHeaders {
    let h = WebhookHeaders::from_pairs(names.iter().zip(values.iter()));
    let attempt = h.attempt();
    let timestamp_unix = h.timestamp_unix();
    ParsedHeaders {
        signature: nullable(h.signature),
        webhook_id: nullable(h.webhook_id),
        event_type: nullable(h.event_type),
        event_id: nullable(h.event_id),
        timestamp: nullable(h.timestamp),
        delivery_attempt: nullable(h.delivery_attempt),
        user_agent: nullable(h.user_agent),
        content_type: nullable(h.content_type),
        attempt: nullable(attempt),
        timestamp_unix: nullable(timestamp_unix),
    }
}

/// A likely cause of a failing signature.
#[napi(object)]
pub struct CauseJs {
    /// The stable cause code (`"body_reserialized"`, …).
    pub code: String,
    /// A plain-language explanation with the fix.
    pub explanation: String,
    /// For `clock_skew`: the signed `t` minus now, in seconds.
    pub seconds: Option<i64>,
}

/// The result of a diagnosis.
#[napi(object)]
pub struct DiagnosisJs {
    /// Whether a default verifier accepts the request.
    pub ok: bool,
    /// The verification error code when it fails.
    pub code: Option<String>,
    /// The verification error message when it fails.
    pub message: Option<String>,
    /// The verification result when it succeeds.
    pub verified: Option<VerifiedJs>,
    /// Likely causes, most specific first.
    pub causes: Vec<CauseJs>,
}

/// Names the likely causes of a failing signature (debugging tools only: it is slow).
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn diagnose(
    #[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>,
    header: Option<String>,
    #[napi(ts_arg_type = "string | string[]")] secrets: Secrets,
    now: Option<i64>,
) -> DiagnosisJs {
    let d = core_diagnose(&self::secrets(secrets), header.as_deref(), bytes(&body), now.unwrap_or_else(now_unix));
    let causes = d
        .causes
        .iter()
        .map(|c| CauseJs {
            code: String::from(c.code()),
            explanation: c.explain(),
            seconds: match c {
                Cause::ClockSkew { seconds } => Some(*seconds),
                _ => None,
            },
        })
        .collect();
    match d.result {
        Ok(v) => DiagnosisJs { ok: true, code: None, message: None, verified: Some(v.into()), causes },
        Err(e) => DiagnosisJs {
            ok: false,
            code: Some(String::from(e.code())),
            message: Some(e.to_string()),
            verified: None,
            causes,
        },
    }
}

/// The flat payload (SPEC §2) of a JSON body, as JSON text.
///
/// @throws Error with `code` = `invalid_payload` when the body is not JSON.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn flatten(#[napi(ts_arg_type = "Uint8Array | string")] body: Body<'_>) -> napi::Result<String, String> {
    flatten_json(bytes(&body)).map_err(|e| verify_error(&VerifyError::from(e)))
}

/// The sample event of a catalog type as JSON text; `null` for a type outside the catalog.
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn sample_payload(event_type: String) -> Option<String> {
    sample_event(&EventType::parse(&event_type)).map(|e| e.to_json())
}

/// The delays (seconds) before attempts 1..7 (attempt 1 is the initial delivery, delay 0).
#[napi]
#[must_use]
pub fn retry_schedule() -> Vec<i64> {
    RetrySchedule::default().delays().iter().map(|d| i64::try_from(*d).unwrap_or(i64::MAX)).collect()
}

/// What the catalog says about an event type.
#[napi(object)]
pub struct EventTypeInfo {
    /// The type string.
    #[napi(js_name = "type")]
    pub event_type: String,
    /// `tickets`, `customers`, `articles`, `gamification`, or `unknown` (outside the catalog).
    pub family: String,
    /// The family's label (`Tickets`, …, `Unknown`).
    pub label: String,
    /// Whether the type is in the catalog.
    pub known: bool,
}

fn type_info(t: &EventType) -> EventTypeInfo {
    let family = t.family();
    EventTypeInfo {
        event_type: String::from(t.as_str()),
        family: String::from(family.as_str()),
        label: String::from(family.label()),
        known: t.is_known(),
    }
}

/// What the catalog says about an event type string (case-sensitive).
#[napi]
#[allow(clippy::needless_pass_by_value)]
pub fn event_type_info(event_type: String) -> EventTypeInfo {
    type_info(&EventType::parse(&event_type))
}

/// Every catalog type, in catalog order.
#[napi]
#[must_use]
pub fn catalog() -> Vec<EventTypeInfo> {
    EventType::KNOWN.iter().map(type_info).collect()
}

/// The stable verification error codes (`VerifyError::CODES`).
#[napi]
#[must_use]
pub fn error_codes() -> Vec<&'static str> {
    VerifyError::CODES.to_vec()
}

/// The diagnosis cause codes (`Cause::CODES`).
#[napi]
#[must_use]
pub fn cause_codes() -> Vec<&'static str> {
    Cause::CODES.to_vec()
}

/// The default tolerance in each direction, in seconds.
#[napi]
#[must_use]
pub fn default_tolerance() -> i64 {
    i64::try_from(DEFAULT_TOLERANCE_SECS).unwrap_or(i64::MAX)
}
