//! WebAssembly binding of the cStar webhooks core (`@cstar/webhooks-wasm`).
//!
//! The binding converts types and errors only. Bytes and strings come in, the core decides,
//! and every function answers with one JSON text that the package's JavaScript face
//! (`packages/npm-wasm/src/api.js`) parses: a result, or `{"error": code, "message": text}`
//! where `code` is the core's stable `code()` string. Answering with JSON rather than
//! building JavaScript objects from Rust keeps the `.wasm` small and the boundary one call
//! wide. No serde: the core's dependency-free [`cstar_webhooks::json`] module parses bodies
//! (number literals kept verbatim, no float code) and escapes the strings of every answer. Numbers that are unix seconds travel as `i64`
//! (JavaScript `BigInt`); the JavaScript face checks that they are safe integers first.

// On wasm32 the binding is `no_std` with an abort panic handler: the core never panics on
// any input, and a panic handler that ignores its message keeps panic formatting (and the
// source paths of panic locations) out of the `.wasm`. Elsewhere (host `cargo check`) std.
#![cfg_attr(target_arch = "wasm32", no_std)]
// wasm-bindgen passes optional strings and string lists in as owned values only.
#![allow(clippy::needless_pass_by_value)]

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use cstar_webhooks::json::write_str;
use cstar_webhooks::{
    Cause, DEFAULT_TOLERANCE_SECS, DeliveryInfo, EventEnvelope, EventType, RetrySchedule, Scheme, Secret,
    SignatureHeader, Verified, Verifier, VerifyError, WebhookHeaders, delivery_headers, diagnose as core_diagnose,
    flatten_json, sample_event_json, sign as core_sign, sign_legacy as core_sign_legacy,
};
use wasm_bindgen::prelude::*;

extern crate alloc;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// A value for the module's single thread (wasm32 without the `atomics` feature has no
/// threads: the JS glue calls every export from the one thread that instantiated it).
struct OneThread<T>(T);

// SAFETY: see above: there is no second thread that could share the value.
unsafe impl<T> Sync for OneThread<T> {}

impl<T> OneThread<T> {
    /// Runs `f` on the value (the shape of `LocalKey::with`).
    fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

// SAFETY: the module is single-threaded: wasm-bindgen's JS glue calls it from one thread
// and this crate is built without the `atomics` target feature (no shared memory).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A JSON object written by hand (keys are literals, values escaped by the core's printer).
struct Obj(String);

impl Obj {
    fn new() -> Self {
        Self(String::from("{"))
    }

    fn key(&mut self, key: &str) -> &mut String {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_str(&mut self.0, key);
        self.0.push(':');
        &mut self.0
    }

    fn str(mut self, key: &str, value: &str) -> Self {
        write_str(self.key(key), value);
        self
    }

    fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    fn raw(mut self, key: &str, text: &str) -> Self {
        self.key(key).push_str(text);
        self
    }

    fn num(self, key: &str, value: impl ToString) -> Self {
        self.raw(key, &value.to_string())
    }

    fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// `[item, ...]` from already-written JSON items.
fn array(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

fn strings(items: &[&str]) -> String {
    array(items.iter().map(|s| {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }))
}

fn error_answer(code: &str, message: &str) -> String {
    Obj::new().str("error", code).str("message", message).end()
}

fn error_json(e: &VerifyError) -> String {
    error_answer(e.code(), &e.to_string())
}

/// `{"scheme","timestamp","secretIndex"}`.
fn verified_json(v: &Verified) -> String {
    let timestamp = v.timestamp.map_or_else(|| String::from("null"), |t| t.to_string());
    Obj::new().str("scheme", v.scheme.as_str()).raw("timestamp", &timestamp).num("secretIndex", v.secret_index).end()
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
    Obj::new()
        .raw("codes", &strings(&VerifyError::CODES))
        .raw("causes", &strings(&Cause::CODES))
        .num("defaultTolerance", DEFAULT_TOLERANCE_SECS)
        .end()
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
    let mut message = String::from(e.code());
    for (i, cause) in d.causes.iter().filter(|c| **c != Cause::WrongSecret).enumerate() {
        message.push_str(if i == 0 { ": " } else { "; " });
        message.push_str(&cause.explain());
    }
    if message.len() == e.code().len() {
        return error_json(e);
    }
    error_answer(e.code(), &message)
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

/// The last verifier: a receiver verifies every request with the same secrets, and
/// building a verifier costs two SHA-256 blocks per secret (the HMAC key schedule).
static CACHED: OneThread<core::cell::RefCell<Option<CachedVerifier>>> = OneThread(core::cell::RefCell::new(None));
/// The signed timestamp of the last successful [`verify`] (`NaN` for legacy).
static LAST_TIMESTAMP: OneThread<core::cell::Cell<f64>> = OneThread(core::cell::Cell::new(f64::NAN));
/// The error answer of the last failed [`verify`].
static LAST_ERROR: OneThread<core::cell::RefCell<String>> = OneThread(core::cell::RefCell::new(String::new()));

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
    match EventEnvelope::from_slice(body) {
        Ok(event) => event_json(&event.to_json()),
        Err(e) => error_json(&e.into()),
    }
}

/// `{"type","family","label","known"}`.
fn type_info(t: &EventType) -> String {
    let family = t.family();
    Obj::new()
        .str("type", t.as_str())
        .str("family", family.as_str())
        .str("label", family.label())
        .raw("known", if t.is_known() { "true" } else { "false" })
        .end()
}

/// `{"event": <the event JSON: envelope keys first, unknown keys kept>}` (wrapped, so that an
/// event's own top-level keys can never look like an error answer).
fn event_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 10);
    out.push_str("{\"event\":");
    out.push_str(text);
    out.push('}');
    out
}

/// What the catalog says about a type string: `{"type","family","label","known"}`.
#[wasm_bindgen(js_name = eventTypeInfo)]
#[must_use]
pub fn event_type_info(event_type: &str) -> String {
    type_info(&EventType::parse(event_type))
}

/// The catalog: every known event type in catalog order, as `{"type","family","label","known"}`.
#[wasm_bindgen]
#[must_use]
pub fn catalog() -> String {
    array(EventType::KNOWN.iter().map(type_info))
}

/// Signs `body` at `timestamp` (unix seconds) with every secret: the `X-Signature` value, or
/// `{"error":"invalid_argument","message"}` for input no verifier would accept (a header never
/// starts with `{`).
#[wasm_bindgen]
#[must_use]
pub fn sign(body: &[u8], secrets: Vec<String>, timestamp: i64) -> String {
    core_sign(&self::secrets(secrets), timestamp, body).unwrap_or_else(|e| error_answer(e.code(), e.description()))
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
    let parsed = || EventEnvelope::from_slice(body).ok();
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
    match delivery_headers(&info, &self::secrets(secrets), body) {
        Ok(headers) => array(headers.iter().map(|(name, value)| strings(&[name, value.as_str()]))),
        Err(e) => error_answer(e.code(), e.description()),
    }
}

/// Finds the cStar headers among the `(names[i], values[i])` pairs (any case; the first
/// value wins), with the attempt number and `X-Timestamp` as unix seconds when they parse.
#[wasm_bindgen(js_name = parseHeaders)]
#[must_use]
pub fn parse_headers(names: Vec<String>, values: Vec<String>) -> String {
    let h = WebhookHeaders::from_pairs(names.iter().zip(values.iter()));
    let opt_num = |n: Option<String>| n.unwrap_or_else(|| String::from("null"));
    Obj::new()
        .opt_str("signature", h.signature.as_deref())
        .opt_str("webhookId", h.webhook_id.as_deref())
        .opt_str("eventType", h.event_type.as_deref())
        .opt_str("eventId", h.event_id.as_deref())
        .opt_str("timestamp", h.timestamp.as_deref())
        .opt_str("deliveryAttempt", h.delivery_attempt.as_deref())
        .opt_str("userAgent", h.user_agent.as_deref())
        .opt_str("contentType", h.content_type.as_deref())
        .raw("attempt", &opt_num(h.attempt().map(|n| n.to_string())))
        .raw("timestampUnix", &opt_num(h.timestamp_unix().map(|n| n.to_string())))
        .end()
}

/// Why a failing input fails (a default verifier: 300 s, legacy allowed):
/// `{"ok", "code"?, "message"?, "verified"?, "causes": [{"code","explanation","seconds"?}]}`.
#[wasm_bindgen]
#[must_use]
pub fn diagnose(body: &[u8], header: Option<String>, secrets: Vec<String>, now: i64) -> String {
    let d = core_diagnose(&self::secrets(secrets), header.as_deref(), body, now);
    let causes = array(d.causes.iter().map(|c| {
        let cause = Obj::new().str("code", c.code()).str("explanation", &c.explain());
        match c {
            Cause::ClockSkew { seconds } => cause.num("seconds", *seconds),
            _ => cause,
        }
        .end()
    }));
    match d.result {
        Ok(v) => Obj::new().raw("ok", "true").raw("verified", &verified_json(&v)),
        Err(e) => Obj::new().raw("ok", "false").str("code", e.code()).str("message", &e.to_string()),
    }
    .raw("causes", &causes)
    .end()
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
    sample_event_json(&EventType::parse(event_type)).map_or_else(|| String::from("{}"), |e| event_json(&e))
}

/// `{"delays": [...], "attempts": 7, "totalSpan": seconds}`: the guide's table, from the core.
#[wasm_bindgen(js_name = retrySchedule)]
#[must_use]
pub fn retry_schedule() -> String {
    let s = RetrySchedule::default();
    Obj::new()
        .raw("delays", &array(s.delays().iter().map(u64::to_string)))
        .num("attempts", s.attempts())
        .num("totalSpan", s.total_span())
        .end()
}
