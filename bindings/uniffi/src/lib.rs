//! uniffi binding of the cStar webhooks core: the library behind the Kotlin (JVM), Swift and
//! Ruby packages (`packages/kotlin`, `packages/swift`, `packages/ruby`).
//!
//! This crate converts types and errors only: every rule (header grammar, tolerance, secret
//! order, envelope checks, flat payloads, diagnosis, retry table) lives in `cstar-webhooks`.
//! Foreign code is generated from the built, unstripped cdylib with the pinned
//! `uniffi-bindgen` 0.32.2 (library mode); nothing generated is committed.
//!
//! The one thing this layer adds is a clock: where a function takes `now: Option<i64>`,
//! `None` means "the system clock, in unix seconds" (the core itself never reads a clock).

// uniffi lifts every argument into an owned value: `Vec<u8>`/`String` parameters are the FFI's.
#![allow(clippy::needless_pass_by_value)]

use std::time::{SystemTime, UNIX_EPOCH};

use cstar_webhooks as core_api;
use cstar_webhooks::{PayloadError, RetrySchedule, Secret, SignError, VerifyError};
use serde_json::{Map, Value};

uniffi::setup_scaffolding!("cstar_webhooks");

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The one error type of the package. Each variant is one of the core's stable codes
/// (`VerifyError::code()`), carried in `code`, with a human `reason` that never contains a
/// secret or an expected signature. Kotlin: `WebhookException` subclasses; Swift: a
/// `WebhookError` enum conforming to `Error`; Ruby: `CstarWebhooks::WebhookError::*` classes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum WebhookError {
    /// `missing_signature`: the `X-Signature` header is absent or empty.
    MissingSignature {
        /// Always `"missing_signature"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `malformed_signature`: neither `sha256=<hex>` nor a `t=<unix>,v1=<hex>` list.
    MalformedSignature {
        /// Always `"malformed_signature"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `timestamp_too_old`: the signed timestamp is older than `max_age`.
    TimestampTooOld {
        /// Always `"timestamp_too_old"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `timestamp_in_future`: the signed timestamp is further ahead than `max_future`.
    TimestampInFuture {
        /// Always `"timestamp_in_future"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `no_matching_signature`: well-formed, but no signature matches any secret.
    NoMatchingSignature {
        /// Always `"no_matching_signature"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `legacy_not_allowed`: a legacy `sha256=` header while legacy is refused.
    LegacyNotAllowed {
        /// Always `"legacy_not_allowed"`.
        code: String,
        /// What went wrong and the usual fix.
        reason: String,
    },
    /// `invalid_payload`: the body (or JSON given to `flatten`/`Event` methods) is not a
    /// valid event envelope / JSON.
    InvalidPayload {
        /// Always `"invalid_payload"`.
        code: String,
        /// What went wrong, with the parser's detail.
        reason: String,
    },
    /// `invalid_argument`: an argument that could only produce something unusable, such as
    /// signing with no secret, an empty secret or a negative timestamp.
    InvalidArgument {
        /// Always `"invalid_argument"`.
        code: String,
        /// What went wrong and the fix.
        reason: String,
    },
    /// A code from a newer core that this binding does not name yet (never produced by the
    /// core this package was built with: a test in each language checks that).
    Other {
        /// The core's code.
        code: String,
        /// What went wrong.
        reason: String,
    },
}

impl WebhookError {
    /// The stable code.
    fn code(&self) -> &str {
        match self {
            Self::MissingSignature { code, .. }
            | Self::MalformedSignature { code, .. }
            | Self::TimestampTooOld { code, .. }
            | Self::TimestampInFuture { code, .. }
            | Self::NoMatchingSignature { code, .. }
            | Self::LegacyNotAllowed { code, .. }
            | Self::InvalidPayload { code, .. }
            | Self::InvalidArgument { code, .. }
            | Self::Other { code, .. } => code,
        }
    }

    fn reason(&self) -> &str {
        match self {
            Self::MissingSignature { reason, .. }
            | Self::MalformedSignature { reason, .. }
            | Self::TimestampTooOld { reason, .. }
            | Self::TimestampInFuture { reason, .. }
            | Self::NoMatchingSignature { reason, .. }
            | Self::LegacyNotAllowed { reason, .. }
            | Self::InvalidPayload { reason, .. }
            | Self::InvalidArgument { reason, .. }
            | Self::Other { reason, .. } => reason,
        }
    }
}

impl core::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.code(), self.reason())
    }
}

impl core::error::Error for WebhookError {}

impl From<VerifyError> for WebhookError {
    fn from(e: VerifyError) -> Self {
        let code = String::from(e.code());
        let reason = match &e {
            VerifyError::InvalidPayload(detail) => format!("{} ({detail})", e.description()),
            other => String::from(other.description()),
        };
        match e {
            VerifyError::MissingSignature => Self::MissingSignature { code, reason },
            VerifyError::MalformedSignature => Self::MalformedSignature { code, reason },
            VerifyError::TimestampTooOld => Self::TimestampTooOld { code, reason },
            VerifyError::TimestampInFuture => Self::TimestampInFuture { code, reason },
            VerifyError::NoMatchingSignature => Self::NoMatchingSignature { code, reason },
            VerifyError::LegacyNotAllowed => Self::LegacyNotAllowed { code, reason },
            VerifyError::InvalidPayload(_) => Self::InvalidPayload { code, reason },
            // `VerifyError` is non-exhaustive: a code added to the core later still reaches
            // the caller with its code.
            _ => Self::Other { code, reason },
        }
    }
}

impl From<SignError> for WebhookError {
    fn from(e: SignError) -> Self {
        Self::InvalidArgument { code: String::from(e.code()), reason: String::from(e.description()) }
    }
}

impl From<PayloadError> for WebhookError {
    fn from(e: PayloadError) -> Self {
        VerifyError::from(e).into()
    }
}

/// Every error code of the core (`VerifyError::CODES`), in SPEC order.
#[uniffi::export]
#[must_use]
pub fn error_codes() -> Vec<String> {
    VerifyError::CODES.iter().map(|c| String::from(*c)).collect()
}

/// The error this package raises for a core error code (`None` for a code the core does not
/// have). Lets each language's tests prove that every core code maps to its own variant.
#[uniffi::export]
#[must_use]
pub fn error_for_code(code: String) -> Option<WebhookError> {
    [
        VerifyError::MissingSignature,
        VerifyError::MalformedSignature,
        VerifyError::TimestampTooOld,
        VerifyError::TimestampInFuture,
        VerifyError::NoMatchingSignature,
        VerifyError::LegacyNotAllowed,
        VerifyError::InvalidPayload(PayloadError::new("example")),
    ]
    .into_iter()
    .find(|e| e.code() == code)
    .map(WebhookError::from)
}

// ---------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------

fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    })
}

fn secrets_of(secrets: Vec<String>) -> Vec<Secret> {
    secrets.into_iter().map(Secret::new).collect()
}

// ---------------------------------------------------------------------------------------------
// Raw bodies
// ---------------------------------------------------------------------------------------------

/// Raw body bytes: on the foreign side exactly uniffi's `bytes` type (`ByteArray`, `Data`, a
/// binary Ruby `String`). uniffi 0.32 lifts a `Vec<u8>` argument one byte at a time (a
/// bounds check and a push per byte, ~0.1 ms for a 64 KiB body); this lifts it with one copy.
pub struct Body(Vec<u8>);

// SAFETY: `Body` uses the FFI type (`RustBuffer`), the serialized form (big-endian `i32`
// length, then the bytes) and the type metadata of `Vec<u8>`, so every generated binding
// handles it exactly as `bytes`; lowering delegates to `Vec<u8>`.
unsafe impl uniffi::FfiConverter<UniFfiTag> for Body {
    type FfiType = uniffi::RustBuffer;

    fn lower(obj: Self) -> uniffi::RustBuffer {
        <Vec<u8> as uniffi::Lower<UniFfiTag>>::lower(obj.0)
    }

    fn try_lift(v: uniffi::RustBuffer) -> uniffi::Result<Self> {
        let vec = v.destroy_into_vec();
        let mut buf = vec.as_slice();
        let body = Self::try_read(&mut buf)?;
        if !buf.is_empty() {
            return Err(uniffi::deps::anyhow::anyhow!("junk data left in buffer after lifting bytes"));
        }
        Ok(body)
    }

    fn write(obj: Self, buf: &mut Vec<u8>) {
        <Vec<u8> as uniffi::Lower<UniFfiTag>>::write(obj.0, buf);
    }

    fn try_read(buf: &mut &[u8]) -> uniffi::Result<Self> {
        let (len, rest) = buf.split_at_checked(4).ok_or_else(|| uniffi::deps::anyhow::anyhow!("short buffer"))?;
        let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
        let (bytes, rest) = rest.split_at_checked(len).ok_or_else(|| uniffi::deps::anyhow::anyhow!("short buffer"))?;
        *buf = rest;
        Ok(Self(bytes.to_vec()))
    }

    const TYPE_ID_META: uniffi::MetadataBuffer = <Vec<u8> as uniffi::TypeId<UniFfiTag>>::TYPE_ID_META;
}

uniffi::derive_ffi_traits!(local Body);

// ---------------------------------------------------------------------------------------------
// Verifying
// ---------------------------------------------------------------------------------------------

/// Which signature scheme a request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Scheme {
    /// `t=<unix>,v1=<hex>` (HMAC-SHA256 over `"{t}." + body`).
    V1,
    /// `sha256=<hex>` (HMAC-SHA256 over the body alone, no timestamp).
    Legacy,
}

impl From<core_api::Scheme> for Scheme {
    fn from(s: core_api::Scheme) -> Self {
        match s {
            core_api::Scheme::V1 => Self::V1,
            core_api::Scheme::Legacy => Self::Legacy,
        }
    }
}

#[uniffi::export]
impl Scheme {
    /// `"v1"` or `"legacy"` (the vectors' and logs' spelling).
    #[must_use]
    pub fn as_str(&self) -> String {
        scheme_name(*self)
    }
}

/// `"v1"` or `"legacy"` (for languages whose enums cannot carry methods, such as Ruby).
#[uniffi::export]
#[must_use]
pub fn scheme_name(scheme: Scheme) -> String {
    String::from(
        match scheme {
            Scheme::V1 => core_api::Scheme::V1,
            Scheme::Legacy => core_api::Scheme::Legacy,
        }
        .as_str(),
    )
}

/// A successful verification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verified {
    /// The scheme that matched.
    pub scheme: Scheme,
    /// The signed timestamp (unix seconds); absent for the legacy scheme.
    pub timestamp: Option<i64>,
    /// Index into the verifier's secrets of the first secret that matched (rotation).
    pub secret_index: u32,
}

impl From<core_api::Verified> for Verified {
    fn from(v: core_api::Verified) -> Self {
        Self {
            scheme: v.scheme.into(),
            timestamp: v.timestamp,
            secret_index: u32::try_from(v.secret_index).unwrap_or(u32::MAX),
        }
    }
}

/// Verifies webhook requests against one or more secrets. Build it once and reuse it.
///
/// Defaults (the core's): tolerance 300 s in both directions, legacy `sha256=` accepted.
/// `tolerance` sets both directions; `max_age` / `max_future` override one direction.
/// (`allow_legacy` is a plain `bool` defaulting to `true`, the core's default, rather than an
/// optional: uniffi 0.32's Ruby generator turns an optional `false` into "absent".)
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Verifier {
    inner: core_api::Verifier,
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The core's Debug is redacted: it shows the number of secrets, never their value.
        core::fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier for `secrets` (newest first during a rotation).
    #[uniffi::constructor(default(tolerance = None, max_age = None, max_future = None, allow_legacy = true))]
    #[must_use]
    pub fn new(
        secrets: Vec<String>,
        tolerance: Option<u64>,
        max_age: Option<u64>,
        max_future: Option<u64>,
        allow_legacy: bool,
    ) -> Self {
        let mut inner = core_api::Verifier::new(secrets_of(secrets));
        if let Some(seconds) = tolerance {
            inner = inner.tolerance(seconds);
        }
        if let Some(seconds) = max_age {
            inner = inner.max_age(seconds);
        }
        if let Some(seconds) = max_future {
            inner = inner.max_future(seconds);
        }
        Self { inner: inner.allow_legacy(allow_legacy) }
    }

    /// Verifies `signature` (the `X-Signature` value, absent when the header is missing) over
    /// the raw `body` bytes at `now` (unix seconds; the system clock when absent).
    ///
    /// # Errors
    /// A [`WebhookError`] with the core's code.
    #[uniffi::method(default(now = None))]
    pub fn verify(&self, body: Body, signature: Option<String>, now: Option<i64>) -> Result<Verified, WebhookError> {
        Ok(self.inner.verify(signature.as_deref(), &body.0, now_or_clock(now))?.into())
    }

    /// Verifies, then parses the body as an [`Event`].
    ///
    /// # Errors
    /// Any verification error, or `invalid_payload` when the body is not an event envelope.
    #[uniffi::method(default(now = None))]
    pub fn construct_event(
        &self,
        body: Body,
        signature: Option<String>,
        now: Option<i64>,
    ) -> Result<Event, WebhookError> {
        Ok(self.inner.construct_event(signature.as_deref(), &body.0, now_or_clock(now))?.into())
    }

    /// The number of secrets.
    #[must_use]
    pub fn secret_count(&self) -> u32 {
        u32::try_from(self.inner.secret_count()).unwrap_or(u32::MAX)
    }
}

// ---------------------------------------------------------------------------------------------
// Signing and headers
// ---------------------------------------------------------------------------------------------

/// Signs `body` at `timestamp` (unix seconds) with each secret:
/// `t=<timestamp>,v1=<hex>[,v1=<hex>…]`, one `v1` per secret, in order.
///
/// Throws `InvalidArgument` for no secret, an empty secret or a negative timestamp (a header
/// no verifier would accept).
#[uniffi::export]
pub fn sign(body: Body, secrets: Vec<String>, timestamp: i64) -> Result<String, WebhookError> {
    Ok(core_api::sign(&secrets_of(secrets), timestamp, &body.0)?)
}

/// Signs `body` with the legacy scheme: `sha256=<hex>`.
#[uniffi::export]
#[must_use]
pub fn sign_legacy(body: Body, secret: String) -> String {
    core_api::sign_legacy(&Secret::new(secret), &body.0)
}

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Header {
    /// The name, as cStar sends it (`X-Signature`, …).
    pub name: String,
    /// The value.
    pub value: String,
}

/// The full delivery header set of one attempt (SPEC §3 order), for receivers' tests: what
/// cStar would send with `body`. The event id and type default to the body's own (when it is
/// an event), the webhook id to `whk_test`, the attempt to 1 and the time to now. Throws
/// `InvalidArgument` for no secret, an empty secret or a negative timestamp.
#[uniffi::export(default(webhook_id = None, event_id = None, event_type = None, attempt = None, timestamp = None))]
pub fn generate_test_headers(
    body: Body,
    secrets: Vec<String>,
    webhook_id: Option<String>,
    event_id: Option<String>,
    event_type: Option<String>,
    attempt: Option<u32>,
    timestamp: Option<i64>,
) -> Result<Vec<Header>, WebhookError> {
    let parsed = core_api::Event::from_slice(&body.0).ok();
    let event_id = event_id.or_else(|| parsed.as_ref().map(|e| e.id.clone())).unwrap_or_default();
    let event_type =
        event_type.or_else(|| parsed.as_ref().map(|e| String::from(e.event_type.as_str()))).unwrap_or_default();
    let webhook_id = webhook_id.unwrap_or_else(|| String::from("whk_test"));
    let info = core_api::DeliveryInfo {
        webhook_id: &webhook_id,
        event_id: &event_id,
        event_type: &event_type,
        attempt: attempt.unwrap_or(1),
        send_time: now_or_clock(timestamp),
    };
    Ok(core_api::delivery_headers(&info, &secrets_of(secrets), &body.0)?
        .into_iter()
        .map(|(name, value)| Header { name: String::from(name), value })
        .collect())
}

/// The cStar headers of a received request (names matched in any case; first value wins).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WebhookHeaders {
    /// `X-Signature`.
    pub signature: Option<String>,
    /// `X-Webhook-ID`.
    pub webhook_id: Option<String>,
    /// `X-Event-Type`.
    pub event_type: Option<String>,
    /// `X-Event-ID`.
    pub event_id: Option<String>,
    /// `X-Timestamp`, as received.
    pub timestamp: Option<String>,
    /// `X-Delivery-Attempt`, as received.
    pub delivery_attempt: Option<String>,
    /// `User-Agent`.
    pub user_agent: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `X-Delivery-Attempt` as a number, when it is one.
    pub attempt: Option<u32>,
    /// `X-Timestamp` as unix seconds, when it is RFC 3339.
    pub timestamp_unix: Option<i64>,
}

/// Finds the cStar headers among `headers` (any case; the first value wins).
#[uniffi::export]
#[must_use]
pub fn parse_headers(headers: Vec<Header>) -> WebhookHeaders {
    let h = core_api::WebhookHeaders::from_pairs(headers.iter().map(|h| (&h.name, &h.value)));
    let attempt = h.attempt();
    let timestamp_unix = h.timestamp_unix();
    WebhookHeaders {
        signature: h.signature,
        webhook_id: h.webhook_id,
        event_type: h.event_type,
        event_id: h.event_id,
        timestamp: h.timestamp,
        delivery_attempt: h.delivery_attempt,
        user_agent: h.user_agent,
        content_type: h.content_type,
        attempt,
        timestamp_unix,
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------------------------

/// A likely cause of a failing signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Cause {
    /// The stable cause code (`body_reserialized`, `clock_skew`, … see [`cause_codes`]).
    pub code: String,
    /// A plain-language explanation with the fix.
    pub explanation: String,
    /// For `clock_skew`: signed `t` minus now, in seconds.
    pub clock_skew_seconds: Option<i64>,
}

/// What [`diagnose`] found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Diagnosis {
    /// The result of a default verifier (300 s, legacy allowed) when it succeeds.
    pub verified: Option<Verified>,
    /// Its error code when it fails.
    pub error_code: Option<String>,
    /// Likely causes, most specific first (empty on success and for a missing or malformed header).
    pub causes: Vec<Cause>,
}

/// Names the likely causes of a failing signature (debugging tools only: slow on purpose).
#[uniffi::export(default(now = None))]
#[must_use]
pub fn diagnose(body: Body, signature: Option<String>, secrets: Vec<String>, now: Option<i64>) -> Diagnosis {
    let d = core_api::diagnose(&secrets_of(secrets), signature.as_deref(), &body.0, now_or_clock(now));
    let (verified, error_code) = match d.result {
        Ok(v) => (Some(v.into()), None),
        Err(e) => (None, Some(String::from(e.code()))),
    };
    let causes = d
        .causes
        .iter()
        .map(|c| Cause {
            code: String::from(c.code()),
            explanation: c.explain(),
            clock_skew_seconds: match c {
                core_api::Cause::ClockSkew { seconds } => Some(*seconds),
                _ => None,
            },
        })
        .collect();
    Diagnosis { verified, error_code, causes }
}

/// Every diagnosis cause code (`Cause::CODES`).
#[uniffi::export]
#[must_use]
pub fn cause_codes() -> Vec<String> {
    core_api::Cause::CODES.iter().map(|c| String::from(*c)).collect()
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// The event catalog, with `Unknown` for types this version does not know (kept verbatim).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum EventType {
    /// `ticket.created`
    TicketCreated,
    /// `ticket.updated`
    TicketUpdated,
    /// `ticket.assigned`
    TicketAssigned,
    /// `ticket.resolved`
    TicketResolved,
    /// `ticket.deleted`
    TicketDeleted,
    /// `customer.created`
    CustomerCreated,
    /// `customer.updated`
    CustomerUpdated,
    /// `customer.deleted`
    CustomerDeleted,
    /// `article.published`
    ArticlePublished,
    /// `article.updated`
    ArticleUpdated,
    /// `article.archived`
    ArticleArchived,
    /// `gamification.boss_defeated`
    BossDefeated,
    /// `gamification.badge_earned`
    BadgeEarned,
    /// `gamification.level_up`
    LevelUp,
    /// A type outside this version's catalog (forward compatibility), as sent.
    Unknown {
        /// The type string exactly as sent.
        value: String,
    },
}

impl From<&core_api::EventType> for EventType {
    fn from(t: &core_api::EventType) -> Self {
        use core_api::EventType as C;
        match t {
            C::TicketCreated => Self::TicketCreated,
            C::TicketUpdated => Self::TicketUpdated,
            C::TicketAssigned => Self::TicketAssigned,
            C::TicketResolved => Self::TicketResolved,
            C::TicketDeleted => Self::TicketDeleted,
            C::CustomerCreated => Self::CustomerCreated,
            C::CustomerUpdated => Self::CustomerUpdated,
            C::CustomerDeleted => Self::CustomerDeleted,
            C::ArticlePublished => Self::ArticlePublished,
            C::ArticleUpdated => Self::ArticleUpdated,
            C::ArticleArchived => Self::ArticleArchived,
            C::BossDefeated => Self::BossDefeated,
            C::BadgeEarned => Self::BadgeEarned,
            C::LevelUp => Self::LevelUp,
            // `Unknown(_)`, and any type a newer core adds: kept as its string.
            other => Self::Unknown { value: String::from(other.as_str()) },
        }
    }
}

impl From<&EventType> for core_api::EventType {
    fn from(t: &EventType) -> Self {
        match t {
            EventType::TicketCreated => Self::TicketCreated,
            EventType::TicketUpdated => Self::TicketUpdated,
            EventType::TicketAssigned => Self::TicketAssigned,
            EventType::TicketResolved => Self::TicketResolved,
            EventType::TicketDeleted => Self::TicketDeleted,
            EventType::CustomerCreated => Self::CustomerCreated,
            EventType::CustomerUpdated => Self::CustomerUpdated,
            EventType::CustomerDeleted => Self::CustomerDeleted,
            EventType::ArticlePublished => Self::ArticlePublished,
            EventType::ArticleUpdated => Self::ArticleUpdated,
            EventType::ArticleArchived => Self::ArticleArchived,
            EventType::BossDefeated => Self::BossDefeated,
            EventType::BadgeEarned => Self::BadgeEarned,
            EventType::LevelUp => Self::LevelUp,
            // The core decides: `Unknown { "ticket.created" }` is the known type.
            EventType::Unknown { value } => Self::parse(value),
        }
    }
}

#[uniffi::export]
impl EventType {
    /// The wire text (`"ticket.created"`, or the unknown type as sent).
    #[must_use]
    pub fn as_str(&self) -> String {
        String::from(core_api::EventType::from(self).as_str())
    }

    /// The catalog family (`Unknown` for types outside the catalog, whatever their prefix).
    #[must_use]
    pub fn family(&self) -> Family {
        core_api::EventType::from(self).family().into()
    }

    /// Whether this version's catalog has the type.
    #[must_use]
    pub fn is_known(&self) -> bool {
        core_api::EventType::from(self).is_known()
    }
}

/// Parses a type string (never fails: unknown text is `EventType.Unknown`).
#[uniffi::export]
#[must_use]
pub fn event_type_from_str(value: String) -> EventType {
    (&core_api::EventType::parse(&value)).into()
}

/// The 14 catalog types, in catalog order.
#[uniffi::export]
#[must_use]
pub fn known_event_types() -> Vec<EventType> {
    core_api::EventType::KNOWN.iter().map(EventType::from).collect()
}

/// The catalog's families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Family {
    /// `ticket.*`
    Tickets,
    /// `customer.*`
    Customers,
    /// `article.*`
    Articles,
    /// `gamification.*`
    Gamification,
    /// A type outside the catalog.
    Unknown,
}

impl From<core_api::Family> for Family {
    fn from(f: core_api::Family) -> Self {
        match f {
            core_api::Family::Tickets => Self::Tickets,
            core_api::Family::Customers => Self::Customers,
            core_api::Family::Articles => Self::Articles,
            core_api::Family::Gamification => Self::Gamification,
            _ => Self::Unknown,
        }
    }
}

impl From<Family> for core_api::Family {
    fn from(f: Family) -> Self {
        match f {
            Family::Tickets => Self::Tickets,
            Family::Customers => Self::Customers,
            Family::Articles => Self::Articles,
            Family::Gamification => Self::Gamification,
            Family::Unknown => Self::Unknown,
        }
    }
}

#[uniffi::export]
impl Family {
    /// `"tickets"`, `"customers"`, `"articles"`, `"gamification"` or `"unknown"`.
    #[must_use]
    pub fn as_str(&self) -> String {
        family_name(*self)
    }
}

/// `"tickets"`, `"customers"`, `"articles"`, `"gamification"` or `"unknown"` (for languages
/// whose enums cannot carry methods, such as Ruby).
#[uniffi::export]
#[must_use]
pub fn family_name(family: Family) -> String {
    String::from(core_api::Family::from(family).as_str())
}

/// A parsed event envelope. `data` stays raw JSON (`data_json`, key order kept) so unknown
/// fields survive; [`Event::typed_data`] gives the typed objects.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Event {
    /// `evt_…`: the idempotency key (a redelivery repeats it).
    pub id: String,
    /// The event type.
    pub event_type: EventType,
    /// RFC 3339 UTC, as sent.
    pub created_at: String,
    /// The cStar team's UUID.
    pub team_id: String,
    /// The keys of `data`, in body order.
    pub data_keys: Vec<String>,
    /// The `data` object as compact JSON, key order kept.
    pub data_json: String,
    /// Top-level keys outside the envelope (newer fields, flat-payload copies) as a compact
    /// JSON object, in order (`{}` when none).
    pub extra_json: String,
}

impl From<core_api::Event> for Event {
    fn from(e: core_api::Event) -> Self {
        Self {
            event_type: (&e.event_type).into(),
            data_keys: e.data.keys().cloned().collect(),
            data_json: serde_json::to_string(&e.data).unwrap_or_default(),
            extra_json: serde_json::to_string(&e.extra).unwrap_or_default(),
            id: e.id,
            created_at: e.created_at,
            team_id: e.team_id,
        }
    }
}

fn json_object(text: &str, what: &str) -> Result<Map<String, Value>, WebhookError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(PayloadError::new(format!("`{what}` is not a JSON object")).into()),
        Err(e) => Err(PayloadError::new(format!("`{what}`: {e}")).into()),
    }
}

impl Event {
    fn to_core(&self) -> Result<core_api::Event, WebhookError> {
        let mut event = core_api::Event::new(
            self.id.clone(),
            (&self.event_type).into(),
            self.created_at.clone(),
            self.team_id.clone(),
            json_object(&self.data_json, "data_json")?,
        );
        event.extra = json_object(&self.extra_json, "extra_json")?;
        Ok(event)
    }
}

#[uniffi::export]
impl Event {
    /// The family of the event's type.
    #[must_use]
    pub fn family(&self) -> Family {
        self.event_type.family()
    }

    /// The typed objects of `data` for this event's family (`EventData.Unknown` for types
    /// outside the catalog).
    ///
    /// # Errors
    /// `invalid_payload` when a required object or field is missing or has the wrong type.
    pub fn typed_data(&self) -> Result<EventData, WebhookError> {
        Ok(self.to_core()?.typed_data()?.into())
    }

    /// The compact JSON body (envelope keys first, then the extra keys).
    ///
    /// # Errors
    /// `invalid_payload` when `data_json` or `extra_json` is not a JSON object.
    pub fn to_json(&self) -> Result<String, WebhookError> {
        Ok(self.to_core()?.to_json())
    }

    /// The compact JSON body with the flat-payload copies (SPEC §2).
    ///
    /// # Errors
    /// As [`Event::to_json`].
    pub fn to_flat_json(&self) -> Result<String, WebhookError> {
        Ok(self.to_core()?.to_flat_json())
    }
}

/// Parses a body as an event envelope, without verifying it (use `Verifier.construct_event`
/// for requests).
///
/// # Errors
/// `invalid_payload` when the body is not a JSON object with the envelope's keys and types.
#[uniffi::export]
pub fn parse_event(body: Body) -> Result<Event, WebhookError> {
    Ok(core_api::Event::from_slice(&body.0)?.into())
}

/// The flat-payload transform (SPEC §2) of a JSON payload: the payload plus root-level
/// copies of the scalar fields of the objects under `data`. Returns compact JSON, key order kept.
///
/// # Errors
/// `invalid_payload` when `payload` is not JSON.
#[uniffi::export]
pub fn flatten(payload: String) -> Result<String, WebhookError> {
    Ok(core_api::flatten_json(payload.as_bytes())?)
}

/// A realistic sample event of a catalog type (the Test button and REST Hooks samples);
/// absent for a type outside the catalog.
#[uniffi::export]
#[must_use]
pub fn sample_event(event_type: EventType) -> Option<Event> {
    core_api::sample_event(&(&event_type).into()).map(Event::from)
}

/// Every catalog type's sample, in catalog order.
#[uniffi::export]
#[must_use]
pub fn sample_events() -> Vec<Event> {
    core_api::sample_events().into_iter().map(Event::from).collect()
}

/// A support ticket (`data.ticket`). Enum-valued fields are strings as sent (forward compatible).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Ticket {
    /// `tkt_…`
    pub id: String,
    /// The human id, e.g. `CST-1024`.
    pub prefixed_id: String,
    /// The subject line.
    pub title: String,
    /// `new`, `open`, `pending`, `resolved`, `closed` (or a newer value).
    pub status: String,
    /// `low`, `normal`, `high`, `urgent` (or a newer value).
    pub priority: String,
    /// `widget`, `email`, `chat`, `phone`, `api` (or a newer value).
    pub channel: String,
    /// The customer's id.
    pub customer_id: String,
    /// The assigned agent, if any.
    pub assignee_id: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, if updated.
    pub updated_at: Option<String>,
}

/// A customer (`data.customer`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Customer {
    /// `cus_…`
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// RFC 3339.
    pub created_at: Option<String>,
}

/// A knowledge-base article (`data.article`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Article {
    /// `art_…`
    pub id: String,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// `draft`, `published`, `archived` (or a newer value).
    pub status: String,
    /// The author (`agt_…`).
    pub author_id: String,
    /// Public URL, when published.
    pub url: Option<String>,
    /// RFC 3339, when published.
    pub published_at: Option<String>,
}

/// An agent (`data.agent`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Agent {
    /// `agt_…`
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A defeated boss (`data.boss`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Boss {
    /// `bos_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// The boss's level.
    pub level: i64,
    /// Hit points.
    pub hp: i64,
    /// RFC 3339.
    pub defeated_at: String,
}

/// An earned badge (`data.badge`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Badge {
    /// `bdg_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// RFC 3339.
    pub earned_at: String,
}

/// A level change (`data.level`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Level {
    /// The level before.
    pub previous: i64,
    /// The level now.
    pub current: i64,
    /// Experience points.
    pub xp: i64,
}

/// Typed `data` per family.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum EventData {
    /// `ticket.*`
    Ticket {
        /// The ticket.
        ticket: Ticket,
        /// The customer, when included.
        customer: Option<Customer>,
    },
    /// `customer.*`
    Customer {
        /// The customer.
        customer: Customer,
    },
    /// `article.*`
    Article {
        /// The article.
        article: Article,
    },
    /// `gamification.boss_defeated`
    BossDefeated {
        /// The boss.
        boss: Boss,
        /// The agent who defeated it.
        agent: Agent,
    },
    /// `gamification.badge_earned`
    BadgeEarned {
        /// The badge.
        badge: Badge,
        /// The agent who earned it.
        agent: Agent,
    },
    /// `gamification.level_up`
    LevelUp {
        /// The level change.
        level: Level,
        /// The agent.
        agent: Agent,
    },
    /// A type outside the catalog: read `Event.data_json`.
    Unknown,
}

impl From<core_api::event::Ticket> for Ticket {
    fn from(t: core_api::event::Ticket) -> Self {
        Self {
            id: t.id,
            prefixed_id: t.prefixed_id,
            title: t.title,
            status: String::from(t.status.as_str()),
            priority: String::from(t.priority.as_str()),
            channel: String::from(t.channel.as_str()),
            customer_id: t.customer_id,
            assignee_id: t.assignee_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

impl From<core_api::event::Customer> for Customer {
    fn from(c: core_api::event::Customer) -> Self {
        Self { id: c.id, name: c.name, email: c.email, created_at: c.created_at }
    }
}

impl From<core_api::event::Article> for Article {
    fn from(a: core_api::event::Article) -> Self {
        Self {
            id: a.id,
            title: a.title,
            slug: a.slug,
            status: String::from(a.status.as_str()),
            author_id: a.author_id,
            url: a.url,
            published_at: a.published_at,
        }
    }
}

impl From<core_api::event::Agent> for Agent {
    fn from(a: core_api::event::Agent) -> Self {
        Self { id: a.id, name: a.name }
    }
}

impl From<core_api::EventData> for EventData {
    fn from(d: core_api::EventData) -> Self {
        use core_api::EventData as D;
        match d {
            D::Ticket { ticket, customer } => {
                Self::Ticket { ticket: ticket.into(), customer: customer.map(Into::into) }
            }
            D::Customer { customer } => Self::Customer { customer: customer.into() },
            D::Article { article } => Self::Article { article: article.into() },
            D::BossDefeated { boss, agent } => Self::BossDefeated {
                boss: Boss {
                    id: boss.id,
                    name: boss.name,
                    level: boss.level,
                    hp: boss.hp,
                    defeated_at: boss.defeated_at,
                },
                agent: agent.into(),
            },
            D::BadgeEarned { badge, agent } => Self::BadgeEarned {
                badge: Badge { id: badge.id, name: badge.name, earned_at: badge.earned_at },
                agent: agent.into(),
            },
            D::LevelUp { level, agent } => Self::LevelUp {
                level: Level { previous: level.previous, current: level.current, xp: level.xp },
                agent: agent.into(),
            },
            _ => Self::Unknown,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

/// The delays, in seconds, before attempts 1..7 (attempt 1, the initial delivery, has 0):
/// the guide's table, from the core's `RetrySchedule::default()`.
#[uniffi::export]
#[must_use]
pub fn retry_schedule() -> Vec<u64> {
    RetrySchedule::default().delays().to_vec()
}

/// When attempt `attempt + 1` is due after attempt `attempt` failed at `failed_at` (unix
/// seconds), on the standard schedule; absent when `attempt` was the last.
#[uniffi::export]
#[must_use]
pub fn retry_next_due(attempt: u32, failed_at: i64) -> Option<i64> {
    RetrySchedule::default().next_due(attempt, failed_at)
}
