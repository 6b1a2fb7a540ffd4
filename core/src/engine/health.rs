//! Webhook health and auto-disable (SPEC §8).
//!
//! A webhook is auto-disabled when all of its attempts have failed for a continuous run that
//! began at least [`HealthPolicy::disable_after_secs`] ago (5 days) and holds at least
//! [`HealthPolicy::disable_after_failures`] failed attempts (10); any success resets the run;
//! a `410 Gone` disables at once. Every attempt counts, manual sends included: a successful
//! test send shows the endpoint works again.
//!
//! ```
//! use cstar_webhooks::engine::{AttemptRecord, DeliveryId, DisableReason, FailedAttempt, HealthPolicy, WebhookHealth};
//! use cstar_webhooks::Outcome;
//!
//! let policy = HealthPolicy::default();
//! let mut health = WebhookHealth::new(&policy);
//! let day = 86_400;
//! let fail = |at: i64| FailedAttempt {
//!     delivery_id: DeliveryId(0),
//!     event_id: "evt_1".into(),
//!     at,
//!     record: AttemptRecord { number: 1, started_at: at, duration_ms: 0, outcome: Outcome::Status(500), retry_after: None, excerpt: String::new() },
//! };
//! for i in 0..10 {
//!     // 10 failures within 4 days: not yet.
//!     assert_eq!(health.record_failure(fail(i * 30_000), &policy), None);
//! }
//! assert!(health.is_enabled());
//! // The run began 5 days ago and holds ≥ 10 failures: disabled.
//! assert_eq!(health.record_failure(fail(5 * day), &policy), Some(DisableReason::FailureRun));
//! assert!(!health.is_enabled());
//! ```

use alloc::collections::VecDeque;
use alloc::string::String;

use super::DeliveryId;
use super::delivery::AttemptRecord;
use crate::retry::OutcomeClass;

/// The auto-disable rule and the size of the recent-failures buffer.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthPolicy {
    /// The failure run must have begun at least this long ago (default 5 days).
    pub disable_after_secs: u64,
    /// … and hold at least this many failed attempts (default 10).
    pub disable_after_failures: u32,
    /// Whether the rule above disables webhooks at all (default `true`; a 410 always disables).
    pub auto_disable: bool,
    /// How many recent failed attempts the status view keeps (default 20, at least 1).
    pub recent_failures: usize,
}

impl HealthPolicy {
    /// 5 days, in seconds.
    pub const DEFAULT_DISABLE_AFTER_SECS: u64 = 5 * 86_400;
    /// 10 failed attempts.
    pub const DEFAULT_DISABLE_AFTER_FAILURES: u32 = 10;
    /// 20 recent failures kept.
    pub const DEFAULT_RECENT_FAILURES: usize = 20;

    /// Whether the rule holds for `run` at `now`: the run began at least
    /// `disable_after_secs` before `now` and holds at least `disable_after_failures` failures.
    #[must_use]
    pub fn rule_holds(&self, run: &FailureRun, now: i64) -> bool {
        let age = i128::from(now) - i128::from(run.started_at);
        self.auto_disable
            && run.failed_attempts >= self.disable_after_failures
            && age >= i128::from(self.disable_after_secs)
    }
}

impl Default for HealthPolicy {
    fn default() -> Self {
        Self {
            disable_after_secs: Self::DEFAULT_DISABLE_AFTER_SECS,
            disable_after_failures: Self::DEFAULT_DISABLE_AFTER_FAILURES,
            auto_disable: true,
            recent_failures: Self::DEFAULT_RECENT_FAILURES,
        }
    }
}

/// Who disabled a webhook.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The engine (a 410, or the failure-run rule).
    System,
    /// A person or an API call.
    User,
}

impl Actor {
    /// `system` or `user`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
        }
    }
}

/// Why a webhook is disabled.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisableReason {
    /// The receiver answered `410 Gone` (Zapier REST Hooks: unsubscribe).
    Gone,
    /// The failure run reached the auto-disable rule.
    FailureRun,
    /// Disabled on request.
    Manual,
}

impl DisableReason {
    /// Every code.
    pub const CODES: [&'static str; 3] = ["gone", "failure_run", "manual"];

    /// The stable code: `gone`, `failure_run` or `manual`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Gone => "gone",
            Self::FailureRun => "failure_run",
            Self::Manual => "manual",
        }
    }

    /// Who disabled it: the system for `gone` and `failure_run`, a user for `manual`.
    #[must_use]
    pub const fn by(self) -> Actor {
        match self {
            Self::Gone | Self::FailureRun => Actor::System,
            Self::Manual => Actor::User,
        }
    }

    /// A sentence for the status page.
    #[must_use]
    pub const fn explain(self) -> &'static str {
        match self {
            Self::Gone => "the endpoint answered 410 Gone, which means: unsubscribe",
            Self::FailureRun => {
                "every attempt failed for a long run (by default: a run that began at least 5 days ago and holds at least 10 failed attempts)"
            }
            Self::Manual => "disabled by a user",
        }
    }
}

/// Enabled, or disabled with the reason and the time.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "status", rename_all = "snake_case")
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookStatus {
    /// Deliveries are made.
    Enabled,
    /// No new deliveries; waiting ones were cancelled (they can be replayed after re-enabling).
    Disabled {
        /// Why.
        reason: DisableReason,
        /// When, unix seconds.
        at: i64,
        /// A free-text note (for manual disabling).
        note: Option<String>,
    },
}

/// The current run of consecutive failed attempts.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureRun {
    /// When the first failure of the run completed.
    pub started_at: i64,
    /// How many attempts failed in the run.
    pub failed_attempts: u32,
    /// When the latest failure completed.
    pub last_failure_at: i64,
}

/// One failed attempt, as the status view lists it.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedAttempt {
    /// The delivery it belongs to.
    pub delivery_id: DeliveryId,
    /// The event it carried.
    pub event_id: String,
    /// When it completed (unix seconds).
    pub at: i64,
    /// The attempt record.
    pub record: AttemptRecord,
}

/// The health of one webhook: status, last success, failure run, recent failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookHealth {
    status: WebhookStatus,
    last_success: Option<i64>,
    run: Option<FailureRun>,
    recent: VecDeque<FailedAttempt>,
    capacity: usize,
}

impl WebhookHealth {
    /// A healthy, enabled webhook.
    #[must_use]
    pub fn new(policy: &HealthPolicy) -> Self {
        Self {
            status: WebhookStatus::Enabled,
            last_success: None,
            run: None,
            recent: VecDeque::new(),
            capacity: policy.recent_failures.max(1),
        }
    }

    /// Rebuilds a health record from stored parts (keeps the newest `recent_failures` of
    /// `recent`, given oldest first).
    #[must_use]
    pub fn restore(
        policy: &HealthPolicy,
        status: WebhookStatus,
        last_success: Option<i64>,
        run: Option<FailureRun>,
        recent: impl IntoIterator<Item = FailedAttempt>,
    ) -> Self {
        let mut health = Self { status, last_success, run, ..Self::new(policy) };
        for failed in recent {
            if health.recent.len() >= health.capacity {
                health.recent.pop_front();
            }
            health.recent.push_back(failed);
        }
        health
    }

    /// Enabled or disabled (with reason, time and note).
    #[must_use]
    pub const fn status(&self) -> &WebhookStatus {
        &self.status
    }

    /// Whether the webhook is enabled.
    #[must_use]
    pub const fn is_enabled(&self) -> bool {
        matches!(self.status, WebhookStatus::Enabled)
    }

    /// When the latest successful attempt completed.
    #[must_use]
    pub const fn last_success(&self) -> Option<i64> {
        self.last_success
    }

    /// The current run of failures (`None` after a success or re-enabling).
    #[must_use]
    pub const fn failure_run(&self) -> Option<FailureRun> {
        self.run
    }

    /// The most recent failed attempts, oldest first (at most `recent_failures` of them).
    /// Kept across successes and re-enabling: it is history.
    pub fn recent_failures(&self) -> impl DoubleEndedIterator<Item = &FailedAttempt> + ExactSizeIterator {
        self.recent.iter()
    }

    /// Records a successful attempt at `at`: resets the failure run.
    pub fn record_success(&mut self, at: i64) {
        self.last_success = Some(self.last_success.map_or(at, |prev| prev.max(at)));
        self.run = None;
    }

    /// Records a failed attempt. Returns the reason when this failure disables the webhook:
    /// [`DisableReason::Gone`] for a 410, [`DisableReason::FailureRun`] when the rule now
    /// holds (checked at `failed.at`). A disabled webhook is not disabled again.
    pub fn record_failure(&mut self, failed: FailedAttempt, policy: &HealthPolicy) -> Option<DisableReason> {
        let at = failed.at;
        let gone = failed.record.outcome.class() == OutcomeClass::Gone;
        let run = self.run.get_or_insert(FailureRun { started_at: at, failed_attempts: 0, last_failure_at: at });
        run.failed_attempts = run.failed_attempts.saturating_add(1);
        run.last_failure_at = run.last_failure_at.max(at);
        if self.recent.len() >= self.capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(failed);
        let reason = if gone {
            Some(DisableReason::Gone)
        } else {
            self.should_auto_disable(at, policy).then_some(DisableReason::FailureRun)
        };
        match reason {
            Some(reason) if self.disable(reason, at, None) => Some(reason),
            _ => None,
        }
    }

    /// Whether the auto-disable rule holds at `now` for an enabled webhook. The rule can come
    /// to hold with time alone (a run with ≥ 10 failures that is not 5 days old yet), so a
    /// scheduler checks it before each send too.
    #[must_use]
    pub fn should_auto_disable(&self, now: i64, policy: &HealthPolicy) -> bool {
        self.is_enabled() && self.run.is_some_and(|run| policy.rule_holds(&run, now))
    }

    /// Disables the webhook at `at`. Returns `false` (and changes nothing) when it already
    /// is disabled.
    pub fn disable(&mut self, reason: DisableReason, at: i64, note: Option<String>) -> bool {
        if !self.is_enabled() {
            return false;
        }
        self.status = WebhookStatus::Disabled { reason, at, note };
        true
    }

    /// Re-enables the webhook and starts a fresh failure run. Returns `false` when it was
    /// enabled already.
    pub fn enable(&mut self) -> bool {
        if self.is_enabled() {
            return false;
        }
        self.status = WebhookStatus::Enabled;
        self.run = None;
        true
    }
}
