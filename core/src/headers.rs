//! The delivery header set (SPEC §3): names, a builder for senders and a case-insensitive
//! parser for receivers.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::SignError;
use crate::signature::{Secret, check_sign_input, sign_unchecked};
use crate::time::{format_rfc3339, parse_rfc3339};

/// `Content-Type` (always `application/json`).
pub const CONTENT_TYPE: &str = "Content-Type";
/// `X-Webhook-ID`: the webhook (`whk_…`).
pub const X_WEBHOOK_ID: &str = "X-Webhook-ID";
/// `X-Event-Type`: the event type.
pub const X_EVENT_TYPE: &str = "X-Event-Type";
/// `X-Event-ID`: the event id (`evt_…`), the idempotency key.
pub const X_EVENT_ID: &str = "X-Event-ID";
/// `X-Timestamp`: the attempt's send time, RFC 3339 UTC seconds (the same instant as `t`).
pub const X_TIMESTAMP: &str = "X-Timestamp";
/// `X-Signature`: `t=…,v1=…` (or legacy `sha256=…`).
pub const X_SIGNATURE: &str = "X-Signature";
/// `X-Delivery-Attempt`: 1..7.
pub const X_DELIVERY_ATTEMPT: &str = "X-Delivery-Attempt";
/// `User-Agent`.
pub const USER_AGENT: &str = "User-Agent";
/// The `User-Agent` value senders use.
pub const USER_AGENT_VALUE: &str = "cStar-Webhooks/1.0";
/// The `Content-Type` value.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// What one attempt's headers describe.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryInfo<'a> {
    /// The webhook id (`whk_…`).
    pub webhook_id: &'a str,
    /// The event id (`evt_…`).
    pub event_id: &'a str,
    /// The event type (`ticket.created`).
    pub event_type: &'a str,
    /// The attempt number, 1..7.
    pub attempt: u32,
    /// The attempt's send time, unix seconds: the signature's `t`.
    pub send_time: i64,
}

/// Builds the exact header set of one attempt, in SPEC §3 order, signing `body` at
/// `info.send_time` with every secret (one `v1` each).
///
/// # Errors
///
/// [`SignError`] as for [`sign`](crate::sign()): no secret, an empty secret, or a negative
/// send time.
pub fn delivery_headers(
    info: &DeliveryInfo<'_>,
    secrets: &[Secret],
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, SignError> {
    check_sign_input(secrets, info.send_time)?;
    Ok(delivery_headers_unchecked(info, secrets, body))
}

/// [`delivery_headers`] for the engine, whose webhooks always hold valid secrets.
pub(crate) fn delivery_headers_unchecked(
    info: &DeliveryInfo<'_>,
    secrets: &[Secret],
    body: &[u8],
) -> Vec<(&'static str, String)> {
    alloc::vec![
        (CONTENT_TYPE, String::from(CONTENT_TYPE_JSON)),
        (X_WEBHOOK_ID, String::from(info.webhook_id)),
        (X_EVENT_TYPE, String::from(info.event_type)),
        (X_EVENT_ID, String::from(info.event_id)),
        (X_TIMESTAMP, format_rfc3339(info.send_time)),
        (X_SIGNATURE, sign_unchecked(secrets, info.send_time, body)),
        (X_DELIVERY_ATTEMPT, alloc::format!("{}", info.attempt)),
        (USER_AGENT, String::from(USER_AGENT_VALUE)),
    ]
}

/// The cStar headers of a received request, found case-insensitively.
///
/// ```
/// let h = cstar_webhooks::WebhookHeaders::from_pairs([("x-signature", "t=1,v1=ab"), ("X-DELIVERY-ATTEMPT", "3")]);
/// assert_eq!(h.signature.as_deref(), Some("t=1,v1=ab"));
/// assert_eq!(h.attempt(), Some(3));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
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
}

impl WebhookHeaders {
    /// Collects the cStar headers from `(name, value)` pairs, matching names in any case.
    /// When a header repeats, the first value wins.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut h = Self::default();
        for (name, value) in pairs {
            let name = name.as_ref();
            let slot = [
                (X_SIGNATURE, &mut h.signature),
                (X_WEBHOOK_ID, &mut h.webhook_id),
                (X_EVENT_TYPE, &mut h.event_type),
                (X_EVENT_ID, &mut h.event_id),
                (X_TIMESTAMP, &mut h.timestamp),
                (X_DELIVERY_ATTEMPT, &mut h.delivery_attempt),
                (USER_AGENT, &mut h.user_agent),
                (CONTENT_TYPE, &mut h.content_type),
            ]
            .into_iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name));
            if let Some((_, slot @ None)) = slot {
                *slot = Some(String::from(value.as_ref()));
            }
        }
        h
    }

    /// `X-Delivery-Attempt` as a number, when it is one.
    #[must_use]
    pub fn attempt(&self) -> Option<u32> {
        self.delivery_attempt.as_deref()?.trim().parse().ok()
    }

    /// `X-Timestamp` as unix seconds, when it is RFC 3339.
    #[must_use]
    pub fn timestamp_unix(&self) -> Option<i64> {
        parse_rfc3339(self.timestamp.as_deref()?.trim())
    }
}
