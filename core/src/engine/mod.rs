//! The sender-side engine, sans-IO (SPEC §6–8): the [`Delivery`] state machine, the
//! [`WebhookHealth`] tracker (auto-disable) and an embeddable in-memory [`Scheduler`].
//!
//! Nothing here does I/O, sleeps or reads a clock: every method that depends on time takes
//! `now` (unix seconds), and the only "randomness" (jitter, off by default) comes from a seed
//! in the configuration. The same input sequence always gives the same output.
//!
//! A dispatcher embeds the [`Scheduler`] like this:
//!
//! ```
//! use cstar_webhooks::engine::{AttemptResult, OutgoingEvent, Scheduler, SchedulerConfig, WebhookConfig};
//! use cstar_webhooks::{EventType, Secret};
//!
//! let mut engine = Scheduler::new(SchedulerConfig::default());
//! let hook = WebhookConfig::new("https://example.com/hooks", ["ticket.*"], [Secret::new("whsec_test")]);
//! engine.register("whk_1", hook).unwrap();
//!
//! let body = br#"{"id":"evt_1","type":"ticket.created","created_at":"2026-03-30T10:30:00Z","team_id":"t","data":{}}"#;
//! let event = OutgoingEvent::new("evt_1", EventType::TicketCreated, body.to_vec());
//! engine.publish(event, 1_000).unwrap();
//!
//! let mut now = 1_000;
//! loop {
//!     for request in engine.due(now) {
//!         // POST request.body to request.url with request.headers, then report what happened:
//!         let result = if request.attempt < 3 { AttemptResult::status(503) } else { AttemptResult::status(200) };
//!         engine.complete(request.delivery_id, request.attempt, result, now).unwrap();
//!     }
//!     match engine.next_wakeup() {
//!         Some(at) => now = at, // sleep until then (or until a new event is published)
//!         None => break,
//!     }
//! }
//! assert_eq!(now, 1_000 + 30 + 120); // attempt 3 succeeded 2 min 30 s after the first
//! ```

use core::fmt;

mod delivery;
mod health;
mod scheduler;

pub use delivery::{
    Action, AttemptRecord, AttemptResult, CancelReason, Delivery, DeliveryKind, DeliveryState, FailReason,
};
pub use health::{Actor, DisableReason, FailedAttempt, FailureRun, HealthPolicy, WebhookHealth, WebhookStatus};
pub use scheduler::{
    Completion, DEFAULT_LEASE_SECS, DeliveryRef, OutgoingEvent, Scheduler, SchedulerConfig, SendRequest, WebhookConfig,
    WebhookRef,
};

/// Identifies a delivery inside one [`Scheduler`]: assigned in sequence from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct DeliveryId(pub u64);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why an engine operation was refused. Every variant has a stable [`code`](Self::code);
/// an illegal transition is one of these values, never a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineError {
    /// The transition does not exist from the delivery's current state (starting a finished
    /// delivery, completing one that is not in flight, cancelling one in flight, …).
    IllegalTransition {
        /// The state the delivery was in (`scheduled`, `in_flight`, …).
        from: &'static str,
        /// The transition that was attempted (`start`, `complete`, `cancel`).
        transition: &'static str,
    },
    /// The delivery is scheduled for later than `now`.
    NotDue {
        /// When it is due, unix seconds.
        due_at: i64,
    },
    /// A completion names another attempt than the one in flight (a late answer for an
    /// attempt whose lease already expired).
    AttemptMismatch {
        /// The attempt in flight.
        in_flight: u32,
        /// The attempt the completion named.
        reported: u32,
    },
    /// No delivery has this id (or it was pruned).
    UnknownDelivery,
    /// No webhook has this id (or it was deleted).
    UnknownWebhook,
    /// A webhook with this id is already registered.
    WebhookExists,
    /// The webhook is disabled: re-enable it before replaying deliveries.
    WebhookDisabled,
    /// The webhook URL is empty or not `http://` / `https://`.
    InvalidUrl,
    /// The event filter is empty or holds an empty or malformed entry.
    InvalidEventFilter,
    /// The webhook has no signing secret.
    NoSecret,
    /// The delivery is still scheduled or in flight: only finished deliveries can be replayed.
    DeliveryActive,
    /// A flat-payload webhook matched but no flat body could be made (no flat body was given
    /// and the body is not a JSON event, or the `serde` feature is off).
    FlatPayloadUnavailable,
}

impl EngineError {
    /// Every error code, in declaration order.
    pub const CODES: [&'static str; 12] = [
        "illegal_transition",
        "not_due",
        "attempt_mismatch",
        "unknown_delivery",
        "unknown_webhook",
        "webhook_exists",
        "webhook_disabled",
        "invalid_url",
        "invalid_event_filter",
        "no_secret",
        "delivery_active",
        "flat_payload_unavailable",
    ];

    /// The stable, machine-readable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::NotDue { .. } => "not_due",
            Self::AttemptMismatch { .. } => "attempt_mismatch",
            Self::UnknownDelivery => "unknown_delivery",
            Self::UnknownWebhook => "unknown_webhook",
            Self::WebhookExists => "webhook_exists",
            Self::WebhookDisabled => "webhook_disabled",
            Self::InvalidUrl => "invalid_url",
            Self::InvalidEventFilter => "invalid_event_filter",
            Self::NoSecret => "no_secret",
            Self::DeliveryActive => "delivery_active",
            Self::FlatPayloadUnavailable => "flat_payload_unavailable",
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.code())?;
        match self {
            Self::IllegalTransition { from, transition } => {
                write!(f, "a delivery that is {from} cannot take the `{transition}` transition")
            }
            Self::NotDue { due_at } => write!(f, "the delivery is not due before {due_at}"),
            Self::AttemptMismatch { in_flight, reported } => {
                write!(f, "attempt {reported} was reported but attempt {in_flight} is in flight")
            }
            Self::UnknownDelivery => f.write_str("no delivery has this id"),
            Self::UnknownWebhook => f.write_str("no webhook has this id"),
            Self::WebhookExists => f.write_str("a webhook with this id is already registered"),
            Self::WebhookDisabled => f.write_str("the webhook is disabled; enable it first"),
            Self::InvalidUrl => f.write_str("the webhook URL must start with http:// or https://"),
            Self::InvalidEventFilter => f.write_str(
                "the event filter needs at least one entry: a type, a family wildcard such as `ticket.*`, or `*`",
            ),
            Self::NoSecret => f.write_str("the webhook needs at least one signing secret"),
            Self::DeliveryActive => f.write_str("the delivery is still scheduled or in flight"),
            Self::FlatPayloadUnavailable => f.write_str("no flat payload could be made for a flat-payload webhook"),
        }
    }
}

impl core::error::Error for EngineError {}
