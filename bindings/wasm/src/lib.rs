//! WebAssembly binding of the cStar webhooks core (`@cstar/webhooks-wasm`).
//!
//! The binding converts types and errors only. Bytes and strings come in, the core decides,
//! and every function answers with one JSON text that the package's JavaScript face
//! (`packages/npm-wasm/src/api.js`) parses: a result, or `{"error": code, "message": text}`
//! where `code` is the core's stable `code()` string. Answering with JSON rather than
//! building JavaScript objects from Rust keeps the `.wasm` small (the JSON printer is linked
//! anyway) and the boundary one call wide. Numbers that are unix seconds travel as `i64`
//! (JavaScript `BigInt`); the JavaScript face checks that they are safe integers first.

// wasm-bindgen passes optional strings and string lists in as owned values only.
#![allow(clippy::needless_pass_by_value)]

use cstar_webhooks::{
    Cause, DEFAULT_TOLERANCE_SECS, DeliveryInfo, Event, EventType, RetrySchedule, Scheme, Secret, SignatureHeader,
    Verified, Verifier, VerifyError, WebhookHeaders, delivery_headers, diagnose as core_diagnose, flatten_json,
    sample_event, sign as core_sign, sign_legacy as core_sign_legacy,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn json(value: &impl Serialize) -> String {
    // Serializing these plain structs to a String cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[derive(Serialize)]
struct ErrorJs<'a> {
    error: &'static str,
    message: &'a str,
}

fn error_json(e: &VerifyError) -> String {
    json(&ErrorJs { error: e.code(), message: &e.to_string() })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifiedJs {
    scheme: &'static str,
    timestamp: Option<i64>,
    secret_index: usize,
}

impl From<Verified> for VerifiedJs {
    fn from(v: Verified) -> Self {
        Self { scheme: v.scheme.as_str(), timestamp: v.timestamp, secret_index: v.secret_index }
    }
}

fn secrets(list: Vec<String>) -> Vec<Secret> {
    list.into_iter().map(Secret::new).collect()
}

fn verifier(list: Vec<String>, max_age: u64, max_future: u64, allow_legacy: bool) -> Verifier {
    Verifier::new(list).max_age(max_age).max_future(max_future).allow_legacy(allow_legacy)
}

/// `{"codes": [the 7 verification codes], "causes": [the diagnosis cause codes],
/// "defaultTolerance": seconds}`.
#[wasm_bindgen]
#[must_use]
pub fn codes() -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Codes {
        codes: &'static [&'static str],
        causes: &'static [&'static str],
        default_tolerance: u64,
    }
    json(&Codes { codes: &VerifyError::CODES, causes: &Cause::CODES, default_tolerance: DEFAULT_TOLERANCE_SECS })
}

/// On `no_matching_signature` with a v1 header, names what the core's diagnosis finds (a
/// re-serialized body, an added newline, a secret with whitespace, …) in the error message.
/// The same wording as the native package.
fn explained(e: &VerifyError, secrets: &[Secret], header: Option<&str>, body: &[u8], now: i64) -> String {
    // Only for v1 headers: the diagnosis of a legacy header also tries every v1 timestamp
    // within 10 minutes, too costly to run on a failing request.
    let v1 = header.and_then(|h| SignatureHeader::parse(h).ok()).is_some_and(|h| h.scheme() == Scheme::V1);
    if *e != VerifyError::NoMatchingSignature || !v1 {
        return error_json(e);
    }
    let d = core_diagnose(secrets, header, body, now);
    let hints: Vec<String> = d.causes.iter().filter(|c| **c != Cause::WrongSecret).map(Cause::explain).collect();
    if hints.is_empty() {
        return error_json(e);
    }
    json(&ErrorJs { error: e.code(), message: &format!("{}: {}", e.code(), hints.join("; ")) })
}

/// Verifies, and on failure answers with the error (explained when `explain` is set).
#[allow(clippy::too_many_arguments)]
fn check(
    body: &[u8],
    header: Option<&str>,
    secrets: Vec<String>,
    max_age: u64,
    max_future: u64,
    allow_legacy: bool,
    now: i64,
    explain: bool,
) -> Result<Verified, String> {
    let keys = explain.then(|| self::secrets(secrets.clone()));
    let result = CACHED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = (secrets, max_age, max_future, allow_legacy);
        match cache.as_ref() {
            Some((cached, v)) if *cached == key => v.verify(header, body, now),
            _ => {
                let v = verifier(key.0.clone(), max_age, max_future, allow_legacy);
                let result = v.verify(header, body, now);
                *cache = Some((key, v));
                result
            }
        }
    });
    result.map_err(|e| match keys {
        Some(keys) => explained(&e, &keys, header, body, now),
        None => error_json(&e),
    })
}

/// The secrets and options of a verifier, and the verifier built from them.
type CachedVerifier = ((Vec<String>, u64, u64, bool), Verifier);

thread_local! {
    /// The last verifier: a receiver verifies every request with the same secrets, and
    /// building a verifier costs two SHA-256 blocks per secret (the HMAC key schedule).
    static CACHED: core::cell::RefCell<Option<CachedVerifier>> = const { core::cell::RefCell::new(None) };
}

thread_local! {
    /// The signed timestamp of the last successful [`verify`] (`NaN` for legacy).
    static LAST_TIMESTAMP: core::cell::Cell<f64> = const { core::cell::Cell::new(f64::NAN) };
    /// The error answer of the last failed [`verify`].
    static LAST_ERROR: core::cell::RefCell<String> = const { core::cell::RefCell::new(String::new()) };
}

/// Verifies `header` over the raw `body` with `secrets` at `now` (unix seconds).
///
/// The hot path answers with one number instead of JSON text (decoding a string costs more
/// than hashing a small body): `2 × secretIndex + (1 for legacy, 0 for v1)`, with the signed
/// timestamp then read by [`last_timestamp`]; or `-1` on failure, with the error answer
/// (`{"error": code, "message": text}`) read by [`last_error`]. `explain` runs the core's
/// diagnosis on `no_matching_signature` to name the likely cause in the message (the
/// JavaScript face sets it for text payloads, where a re-serialized body is likely).
#[wasm_bindgen]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub fn verify(
    body: &[u8],
    header: Option<String>,
    secrets: Vec<String>,
    max_age: u64,
    max_future: u64,
    allow_legacy: bool,
    now: i64,
    explain: bool,
) -> f64 {
    match check(body, header.as_deref(), secrets, max_age, max_future, allow_legacy, now, explain) {
        Ok(v) => {
            // Signed timestamps are unix seconds; beyond 2^53 they are approximate in JS anyway.
            LAST_TIMESTAMP.with(|t| t.set(v.timestamp.map_or(f64::NAN, |t| t as f64)));
            let index = f64::from(u32::try_from(v.secret_index).unwrap_or(u32::MAX));
            index * 2.0 + if v.scheme == Scheme::Legacy { 1.0 } else { 0.0 }
        }
        Err(e) => {
            LAST_ERROR.with(|last| *last.borrow_mut() = e);
            -1.0
        }
    }
}

/// The signed timestamp of the last successful [`verify`]; `NaN` for the legacy scheme.
#[wasm_bindgen(js_name = lastTimestamp)]
#[must_use]
pub fn last_timestamp() -> f64 {
    LAST_TIMESTAMP.with(core::cell::Cell::get)
}

/// The error answer of the last failed [`verify`].
#[wasm_bindgen(js_name = lastError)]
#[must_use]
pub fn last_error() -> String {
    LAST_ERROR.with(|last| core::mem::take(&mut *last.borrow_mut()))
}

/// Verifies, then parses the body: `{"event": {...}}` or an error.
#[wasm_bindgen(js_name = constructEvent)]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub fn construct_event(
    body: &[u8],
    header: Option<String>,
    secrets: Vec<String>,
    max_age: u64,
    max_future: u64,
    allow_legacy: bool,
    now: i64,
    explain: bool,
) -> String {
    if let Err(e) = check(body, header.as_deref(), secrets, max_age, max_future, allow_legacy, now, explain) {
        return e;
    }
    parse_event(body)
}

/// Parses a body as an event envelope without verifying it: `{"event": {...}}` or an error.
#[wasm_bindgen(js_name = parseEvent)]
#[must_use]
pub fn parse_event(body: &[u8]) -> String {
    match Event::from_slice(body) {
        Ok(event) => event_json(&event),
        Err(e) => error_json(&e.into()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TypeInfo<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    family: &'static str,
    label: &'static str,
    known: bool,
}

fn type_info(t: &EventType) -> TypeInfo<'_> {
    let family = t.family();
    TypeInfo { event_type: t.as_str(), family: family.as_str(), label: family.label(), known: t.is_known() }
}

/// `{"event": <the event JSON: envelope keys first, unknown keys kept>}` (wrapped, so that an
/// event's own top-level keys can never look like an error answer).
fn event_json(event: &Event) -> String {
    let text = event.to_json();
    let mut out = String::with_capacity(text.len() + 10);
    out.push_str("{\"event\":");
    out.push_str(&text);
    out.push('}');
    out
}

/// What the catalog says about a type string: `{"type","family","label","known"}`.
#[wasm_bindgen(js_name = eventTypeInfo)]
#[must_use]
pub fn event_type_info(event_type: &str) -> String {
    json(&type_info(&EventType::parse(event_type)))
}

/// The catalog: every known event type in catalog order, as `{"type","family","label","known"}`.
#[wasm_bindgen]
#[must_use]
pub fn catalog() -> String {
    json(&EventType::KNOWN.iter().map(type_info).collect::<Vec<_>>())
}

/// Signs `body` at `timestamp` (unix seconds) with every secret: the `X-Signature` value.
#[wasm_bindgen]
#[must_use]
pub fn sign(body: &[u8], secrets: Vec<String>, timestamp: i64) -> String {
    core_sign(&self::secrets(secrets), timestamp, body)
}

/// Signs `body` with the legacy scheme: `sha256=<hex>`.
#[wasm_bindgen(js_name = signLegacy)]
#[must_use]
pub fn sign_legacy(body: &[u8], secret: String) -> String {
    core_sign_legacy(&Secret::new(secret), body)
}

/// The full delivery header set of one attempt, as `[[name, value], ...]` in SPEC order.
/// The event id and type default to the body's own (when it is an event), the webhook id to
/// `whk_test`.
#[wasm_bindgen(js_name = deliveryHeaders)]
#[must_use]
pub fn delivery_headers_js(
    body: &[u8],
    secrets: Vec<String>,
    webhook_id: Option<String>,
    event_id: Option<String>,
    event_type: Option<String>,
    attempt: u32,
    timestamp: i64,
) -> String {
    let parsed = || Event::from_slice(body).ok();
    let event_id = event_id.or_else(|| parsed().map(|e| e.id)).unwrap_or_default();
    let event_type = event_type.or_else(|| parsed().map(|e| String::from(e.event_type.as_str()))).unwrap_or_default();
    let webhook_id = webhook_id.unwrap_or_else(|| String::from("whk_test"));
    let info = DeliveryInfo {
        webhook_id: &webhook_id,
        event_id: &event_id,
        event_type: &event_type,
        attempt,
        send_time: timestamp,
    };
    json(&delivery_headers(&info, &self::secrets(secrets), body))
}

/// Finds the cStar headers among the `(names[i], values[i])` pairs (any case; the first
/// value wins), with the attempt number and `X-Timestamp` as unix seconds when they parse.
#[wasm_bindgen(js_name = parseHeaders)]
#[must_use]
pub fn parse_headers(names: Vec<String>, values: Vec<String>) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct HeadersJs<'a> {
        signature: Option<&'a str>,
        webhook_id: Option<&'a str>,
        event_type: Option<&'a str>,
        event_id: Option<&'a str>,
        timestamp: Option<&'a str>,
        delivery_attempt: Option<&'a str>,
        user_agent: Option<&'a str>,
        content_type: Option<&'a str>,
        attempt: Option<u32>,
        timestamp_unix: Option<i64>,
    }
    let h = WebhookHeaders::from_pairs(names.iter().zip(values.iter()));
    json(&HeadersJs {
        signature: h.signature.as_deref(),
        webhook_id: h.webhook_id.as_deref(),
        event_type: h.event_type.as_deref(),
        event_id: h.event_id.as_deref(),
        timestamp: h.timestamp.as_deref(),
        delivery_attempt: h.delivery_attempt.as_deref(),
        user_agent: h.user_agent.as_deref(),
        content_type: h.content_type.as_deref(),
        attempt: h.attempt(),
        timestamp_unix: h.timestamp_unix(),
    })
}

/// Why a failing input fails (a default verifier: 300 s, legacy allowed):
/// `{"ok", "code"?, "message"?, "verified"?, "causes": [{"code","explanation","seconds"?}]}`.
#[wasm_bindgen]
#[must_use]
pub fn diagnose(body: &[u8], header: Option<String>, secrets: Vec<String>, now: i64) -> String {
    #[derive(Serialize)]
    struct CauseJs {
        code: &'static str,
        explanation: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        seconds: Option<i64>,
    }
    #[derive(Serialize)]
    struct DiagnosisJs {
        ok: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        verified: Option<VerifiedJs>,
        causes: Vec<CauseJs>,
    }
    let d = core_diagnose(&self::secrets(secrets), header.as_deref(), body, now);
    let causes = d
        .causes
        .iter()
        .map(|c| CauseJs {
            code: c.code(),
            explanation: c.explain(),
            seconds: match c {
                Cause::ClockSkew { seconds } => Some(*seconds),
                _ => None,
            },
        })
        .collect();
    json(&match d.result {
        Ok(v) => DiagnosisJs { ok: true, code: None, message: None, verified: Some(v.into()), causes },
        Err(e) => DiagnosisJs { ok: false, code: Some(e.code()), message: Some(e.to_string()), verified: None, causes },
    })
}

/// The flat payload (SPEC §2) of a JSON body: `{"flat": {...}}` or an `invalid_payload` error.
#[wasm_bindgen]
#[must_use]
pub fn flatten(body: &[u8]) -> String {
    match flatten_json(body) {
        Ok(flat) => {
            let mut out = String::with_capacity(flat.len() + 9);
            out.push_str("{\"flat\":");
            out.push_str(&flat);
            out.push('}');
            out
        }
        Err(e) => error_json(&e.into()),
    }
}

/// The sample event of a catalog type, `{"event": {...}}`; `{}` for a type outside the catalog.
#[wasm_bindgen(js_name = samplePayload)]
#[must_use]
pub fn sample_payload(event_type: &str) -> String {
    sample_event(&EventType::parse(event_type)).map_or_else(|| String::from("{}"), |e| event_json(&e))
}

/// `{"delays": [...], "attempts": 7, "totalSpan": seconds}`: the guide's table, from the core.
#[wasm_bindgen(js_name = retrySchedule)]
#[must_use]
pub fn retry_schedule() -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ScheduleJs<'a> {
        delays: &'a [u64],
        attempts: u32,
        total_span: u64,
    }
    let s = RetrySchedule::default();
    json(&ScheduleJs { delays: s.delays(), attempts: s.attempts(), total_span: s.total_span() })
}
