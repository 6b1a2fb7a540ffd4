//! The delivery state machine (SPEC §7).
//!
//! ```text
//! scheduled(1, now) ──start──▶ in_flight(1) ──complete──▶ succeeded            (2xx)
//!        ▲                          │         ├──────────▶ failed(gone)         (410: disable the webhook)
//!        │                          │         ├──────────▶ failed(exhausted)    (last attempt, or a manual send)
//!        └──── scheduled(n+1, due) ◀┘         (anything else)
//! scheduled ──cancel──▶ cancelled   (webhook disabled or deleted while waiting)
//! ```
//!
//! Every transition takes `now` and returns the new state and the [`Action`] the caller must
//! take; a transition that does not exist from the current state is an
//! [`EngineError::IllegalTransition`] value.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::EngineError;
use crate::retry::{NetworkErrorKind, Outcome, OutcomeClass, RetrySchedule, parse_retry_after, response_excerpt};

/// Why a delivery exists: published events are retried, manual sends are not.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryKind {
    /// An event fanned out to a subscribed webhook: up to 7 attempts.
    Event,
    /// The "Test" action: one attempt, never retried.
    Test,
    /// A replay of an earlier delivery, on request: one attempt, never retried.
    Replay,
}

impl DeliveryKind {
    /// `event`, `test` or `replay`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Test => "test",
            Self::Replay => "replay",
        }
    }

    /// Whether this is a manual send (test or replay): one attempt, no retries.
    #[must_use]
    pub const fn is_manual(self) -> bool {
        !matches!(self, Self::Event)
    }
}

/// Why a delivery ended in [`DeliveryState::Failed`].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailReason {
    /// The last attempt failed (attempt 7, or the only attempt of a manual send).
    Exhausted,
    /// The receiver answered `410 Gone`: the delivery ends and the webhook is disabled.
    Gone,
}

impl FailReason {
    /// `exhausted` or `gone`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Exhausted => "exhausted",
            Self::Gone => "gone",
        }
    }
}

/// Why a delivery ended in [`DeliveryState::Cancelled`].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// The webhook was disabled (by a user, auto-disable or a 410) while the delivery waited.
    WebhookDisabled,
    /// The webhook was deleted while the delivery waited.
    WebhookDeleted,
    /// The caller cancelled the delivery itself.
    Requested,
}

impl CancelReason {
    /// `webhook_disabled`, `webhook_deleted` or `requested`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::WebhookDisabled => "webhook_disabled",
            Self::WebhookDeleted => "webhook_deleted",
            Self::Requested => "requested",
        }
    }
}

/// Where a delivery stands.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "state", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for attempt `attempt`, due at `due_at` (unix seconds).
    Scheduled {
        /// The next attempt's number, 1-based.
        attempt: u32,
        /// When it may be sent.
        due_at: i64,
    },
    /// Attempt `attempt` was started at `started_at` and its result is awaited.
    InFlight {
        /// The attempt's number.
        attempt: u32,
        /// Its send time: the signature's `t`.
        started_at: i64,
    },
    /// An attempt got a 2xx at `at`.
    Succeeded {
        /// When the successful attempt completed.
        at: i64,
    },
    /// The delivery gave up at `at`.
    Failed {
        /// When the last attempt completed.
        at: i64,
        /// Why.
        reason: FailReason,
    },
    /// The delivery was cancelled at `at` while it waited.
    Cancelled {
        /// When.
        at: i64,
        /// Why.
        reason: CancelReason,
    },
}

impl DeliveryState {
    /// The state's name: `scheduled`, `in_flight`, `succeeded`, `failed` or `cancelled`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Scheduled { .. } => "scheduled",
            Self::InFlight { .. } => "in_flight",
            Self::Succeeded { .. } => "succeeded",
            Self::Failed { .. } => "failed",
            Self::Cancelled { .. } => "cancelled",
        }
    }

    /// Whether the delivery is over (succeeded, failed or cancelled).
    #[must_use]
    pub const fn is_terminal(&self) -> bool {
        !matches!(self, Self::Scheduled { .. } | Self::InFlight { .. })
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scheduled { attempt, due_at } => write!(f, "scheduled({attempt}, {due_at})"),
            Self::InFlight { attempt, .. } => write!(f, "in_flight({attempt})"),
            Self::Succeeded { .. } => f.write_str("succeeded"),
            Self::Failed { reason, .. } => write!(f, "failed({})", reason.as_str()),
            Self::Cancelled { reason, .. } => write!(f, "cancelled({})", reason.as_str()),
        }
    }
}

/// What the caller must do after a transition.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Send attempt `attempt` now: build its headers and signature at `send_time` (see
    /// [`delivery_headers`](crate::headers::delivery_headers)), POST, then call `complete`.
    Send {
        /// The attempt number (the `X-Delivery-Attempt` header).
        attempt: u32,
        /// The send time: `X-Timestamp` and the signature's `t`.
        send_time: i64,
    },
    /// Nothing now: attempt `attempt` is due at `due_at`.
    RetryAt {
        /// The next attempt's number.
        attempt: u32,
        /// When to start it.
        due_at: i64,
    },
    /// The delivery is over; nothing more to do.
    Done,
    /// The delivery is over and the webhook must be disabled (the receiver answered 410).
    DisableWebhook,
}

/// One attempt, as recorded once it completed.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The attempt number, 1-based.
    pub number: u32,
    /// When it was sent (unix seconds): the signature's `t`.
    pub started_at: i64,
    /// How long it took, in milliseconds (measured by the caller, or `completed − started` × 1000).
    pub duration_ms: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// The `Retry-After` the receiver sent, in seconds, uncapped (kept for 429/503 only).
    pub retry_after: Option<u64>,
    /// At most 1 KiB of the response body, cut at a UTF-8 character boundary.
    pub excerpt: String,
}

/// What the caller observed for one attempt: the input of a `complete` transition.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptResult {
    /// How the attempt ended.
    pub outcome: Outcome,
    /// The `Retry-After` value in seconds (honoured on 429 and 503 only).
    pub retry_after: Option<u64>,
    /// The measured duration in milliseconds, when the caller has a finer clock than seconds.
    pub duration_ms: Option<u64>,
    /// The response excerpt (≤ 1 KiB).
    pub excerpt: String,
}

impl AttemptResult {
    /// A result with this outcome, no body, no `Retry-After`.
    #[must_use]
    pub const fn new(outcome: Outcome) -> Self {
        Self { outcome, retry_after: None, duration_ms: None, excerpt: String::new() }
    }

    /// A response with this status code.
    #[must_use]
    pub const fn status(code: u16) -> Self {
        Self::new(Outcome::Status(code))
    }

    /// No response within the timeout.
    #[must_use]
    pub const fn timeout() -> Self {
        Self::new(Outcome::Timeout)
    }

    /// A network or TLS error.
    #[must_use]
    pub const fn network_error(kind: NetworkErrorKind) -> Self {
        Self::new(Outcome::NetworkError(kind))
    }

    /// Keeps an excerpt of the response body: at most 1 KiB, cut at a UTF-8 boundary.
    #[must_use]
    pub fn with_body(mut self, body: &[u8]) -> Self {
        self.excerpt = response_excerpt(body);
        self
    }

    /// Sets the `Retry-After` value in seconds.
    #[must_use]
    pub const fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Parses a `Retry-After` header (seconds or an HTTP-date relative to `now`); an
    /// unparseable value is ignored.
    #[must_use]
    pub fn with_retry_after_header(mut self, value: &str, now: i64) -> Self {
        self.retry_after = parse_retry_after(value, now);
        self
    }

    /// Sets the measured duration in milliseconds.
    #[must_use]
    pub const fn with_duration_ms(mut self, ms: u64) -> Self {
        self.duration_ms = Some(ms);
        self
    }
}

/// One delivery of one event to one webhook: the state machine of SPEC §7.
///
/// It does not know the event, the URL or the secrets; it decides *when* and *whether* to
/// send, and keeps the attempt records. Headers are built by the caller at each
/// [`Action::Send`]'s `send_time`, so every attempt is signed at its own send time.
///
/// ```
/// use cstar_webhooks::engine::{Action, AttemptResult, Delivery, DeliveryKind, DeliveryState};
/// use cstar_webhooks::RetrySchedule;
///
/// let schedule = RetrySchedule::default();
/// let mut d = Delivery::new(DeliveryKind::Event, 1_000, 0);
/// assert_eq!(d.start(1_000).unwrap(), Action::Send { attempt: 1, send_time: 1_000 });
/// let action = d.complete(1_001, AttemptResult::status(500), &schedule).unwrap();
/// assert_eq!(action, Action::RetryAt { attempt: 2, due_at: 1_031 });
/// assert_eq!(d.start(1_030).unwrap_err().code(), "not_due");
/// d.start(1_031).unwrap();
/// assert_eq!(d.complete(1_032, AttemptResult::status(200), &schedule).unwrap(), Action::Done);
/// assert_eq!(d.state(), DeliveryState::Succeeded { at: 1_032 });
/// assert_eq!(d.start(2_000).unwrap_err().code(), "illegal_transition");
/// assert_eq!(d.attempts().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    state: DeliveryState,
    kind: DeliveryKind,
    jitter_seed: u64,
    attempts: Vec<AttemptRecord>,
}

impl Delivery {
    /// A delivery whose first attempt is due at `due_at`. `jitter_seed` feeds the schedule's
    /// jitter (ignored when jitter is off, the default).
    #[must_use]
    pub const fn new(kind: DeliveryKind, due_at: i64, jitter_seed: u64) -> Self {
        Self { state: DeliveryState::Scheduled { attempt: 1, due_at }, kind, jitter_seed, attempts: Vec::new() }
    }

    /// Rebuilds a delivery from stored parts (a sender that persists deliveries keeps the
    /// state, the kind, the jitter seed and the attempt records, and restores them here).
    #[must_use]
    pub const fn restore(
        kind: DeliveryKind,
        state: DeliveryState,
        jitter_seed: u64,
        attempts: Vec<AttemptRecord>,
    ) -> Self {
        Self { state, kind, jitter_seed, attempts }
    }

    /// The jitter seed given at creation.
    #[must_use]
    pub const fn jitter_seed(&self) -> u64 {
        self.jitter_seed
    }

    /// The current state.
    #[must_use]
    pub const fn state(&self) -> DeliveryState {
        self.state
    }

    /// The kind (event, test, replay).
    #[must_use]
    pub const fn kind(&self) -> DeliveryKind {
        self.kind
    }

    /// The completed attempts, oldest first.
    #[must_use]
    pub fn attempts(&self) -> &[AttemptRecord] {
        &self.attempts
    }

    /// The number of attempts this delivery may make under `schedule` (1 for manual sends).
    #[must_use]
    pub fn max_attempts(&self, schedule: &RetrySchedule) -> u32 {
        if self.kind.is_manual() { 1 } else { schedule.attempts() }
    }

    /// When the delivery is due, if it is scheduled.
    #[must_use]
    pub const fn due_at(&self) -> Option<i64> {
        match self.state {
            DeliveryState::Scheduled { due_at, .. } => Some(due_at),
            _ => None,
        }
    }

    /// `scheduled(n, due_at)` → `in_flight(n)` at `now`: returns [`Action::Send`].
    ///
    /// # Errors
    /// [`EngineError::NotDue`] before `due_at`; [`EngineError::IllegalTransition`] when the
    /// delivery is not scheduled.
    pub fn start(&mut self, now: i64) -> Result<Action, EngineError> {
        match self.state {
            DeliveryState::Scheduled { due_at, .. } if now < due_at => Err(EngineError::NotDue { due_at }),
            DeliveryState::Scheduled { attempt, .. } => {
                self.state = DeliveryState::InFlight { attempt, started_at: now };
                Ok(Action::Send { attempt, send_time: now })
            }
            other => Err(illegal(other, "start")),
        }
    }

    /// `in_flight(n)` → `succeeded`, `scheduled(n+1, due)` or `failed`, given what the attempt
    /// returned, at `now`. Records the attempt.
    ///
    /// - 2xx → `succeeded`, [`Action::Done`];
    /// - 410 → `failed(gone)`, [`Action::DisableWebhook`];
    /// - anything else → `scheduled(n+1, next)` with [`Action::RetryAt`], where `next` follows
    ///   [`RetrySchedule::next_retry`] (delay + jitter, pushed by `Retry-After` on 429/503);
    ///   or `failed(exhausted)` with [`Action::Done`] after the last attempt (the only one,
    ///   for manual sends).
    ///
    /// # Errors
    /// [`EngineError::IllegalTransition`] when no attempt is in flight.
    pub fn complete(
        &mut self,
        now: i64,
        result: AttemptResult,
        schedule: &RetrySchedule,
    ) -> Result<Action, EngineError> {
        let DeliveryState::InFlight { attempt, started_at } = self.state else {
            return Err(illegal(self.state, "complete"));
        };
        let AttemptResult { outcome, retry_after, duration_ms, excerpt } = result;
        let duration_ms = duration_ms
            .unwrap_or_else(|| u64::try_from(now.saturating_sub(started_at)).unwrap_or(0).saturating_mul(1000));
        let retry_after = retry_after.filter(|_| outcome.honors_retry_after());
        self.attempts.push(AttemptRecord { number: attempt, started_at, duration_ms, outcome, retry_after, excerpt });
        let (state, action) = match outcome.class() {
            OutcomeClass::Success => (DeliveryState::Succeeded { at: now }, Action::Done),
            OutcomeClass::Gone => (DeliveryState::Failed { at: now, reason: FailReason::Gone }, Action::DisableWebhook),
            OutcomeClass::Retryable => {
                let next = if attempt >= self.max_attempts(schedule) {
                    None
                } else {
                    schedule.next_retry(attempt, now, &outcome, retry_after, self.jitter_seed)
                };
                match next {
                    Some(due_at) => {
                        let attempt = attempt.saturating_add(1);
                        (DeliveryState::Scheduled { attempt, due_at }, Action::RetryAt { attempt, due_at })
                    }
                    None => (DeliveryState::Failed { at: now, reason: FailReason::Exhausted }, Action::Done),
                }
            }
        };
        self.state = state;
        Ok(action)
    }

    /// `scheduled` → `cancelled` at `now`. An attempt in flight is not cancelled: let it
    /// complete.
    ///
    /// # Errors
    /// [`EngineError::IllegalTransition`] unless the delivery is scheduled.
    pub fn cancel(&mut self, now: i64, reason: CancelReason) -> Result<Action, EngineError> {
        match self.state {
            DeliveryState::Scheduled { .. } => {
                self.state = DeliveryState::Cancelled { at: now, reason };
                Ok(Action::Done)
            }
            other => Err(illegal(other, "cancel")),
        }
    }
}

const fn illegal(from: DeliveryState, transition: &'static str) -> EngineError {
    EngineError::IllegalTransition { from: from.as_str(), transition }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn all_attempts_fail_at_the_guide_offsets() {
        let s = RetrySchedule::default();
        let mut d = Delivery::new(DeliveryKind::Event, 0, 0);
        let mut starts = Vec::new();
        let mut now = 0;
        loop {
            let Action::Send { send_time, .. } = d.start(now).unwrap() else { unreachable!() };
            starts.push(send_time);
            match d.complete(now, AttemptResult::status(500), &s).unwrap() {
                Action::RetryAt { due_at, .. } => now = due_at,
                Action::Done => break,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(starts, [0, 30, 150, 750, 4350, 25950, 112_350]);
        assert_eq!(d.state(), DeliveryState::Failed { at: 112_350, reason: FailReason::Exhausted });
        assert_eq!(d.attempts().len(), 7);
    }

    #[test]
    fn gone_manual_and_illegal() {
        let s = RetrySchedule::default();
        let mut d = Delivery::new(DeliveryKind::Event, 0, 0);
        assert_eq!(d.complete(0, AttemptResult::timeout(), &s).unwrap_err().code(), "illegal_transition");
        d.start(0).unwrap();
        assert_eq!(d.cancel(1, CancelReason::Requested).unwrap_err().code(), "illegal_transition");
        assert_eq!(d.start(0).unwrap_err().code(), "illegal_transition");
        assert_eq!(d.complete(2, AttemptResult::status(410), &s).unwrap(), Action::DisableWebhook);
        assert_eq!(d.state(), DeliveryState::Failed { at: 2, reason: FailReason::Gone });

        let mut m = Delivery::new(DeliveryKind::Test, 5, 0);
        m.start(5).unwrap();
        assert_eq!(m.complete(6, AttemptResult::status(503).with_retry_after(10), &s).unwrap(), Action::Done);
        assert_eq!(m.state(), DeliveryState::Failed { at: 6, reason: FailReason::Exhausted });
        assert_eq!(m.attempts()[0].retry_after, Some(10));
        assert_eq!(m.attempts()[0].duration_ms, 1000);

        let mut c = Delivery::new(DeliveryKind::Event, 5, 0);
        assert_eq!(c.cancel(1, CancelReason::WebhookDisabled).unwrap(), Action::Done);
        assert_eq!(c.cancel(1, CancelReason::WebhookDisabled).unwrap_err().code(), "illegal_transition");
        assert!(c.state().is_terminal());
    }

    #[test]
    fn retry_after_kept_only_when_honoured() {
        let s = RetrySchedule::default();
        let mut d = Delivery::new(DeliveryKind::Event, 0, 0);
        d.start(0).unwrap();
        let a = d.complete(0, AttemptResult::status(500).with_retry_after(999), &s).unwrap();
        assert_eq!(a, Action::RetryAt { attempt: 2, due_at: 30 });
        assert_eq!(d.attempts()[0].retry_after, None);
        d.start(30).unwrap();
        let a = d.complete(30, AttemptResult::status(429).with_retry_after_header("999", 30), &s).unwrap();
        assert_eq!(a, Action::RetryAt { attempt: 3, due_at: 1029 });
    }
}
