//! What follows an attempt: the next state of the delivery and the webhook's health.
//!
//! The retry math (delays, `Retry-After`, jitter, 410) is the core's [`RetrySchedule`] and
//! [`Outcome`] classification. ADAPTER: the auto-disable rule (a failure run that began ≥ 5
//! days ago and holds ≥ 10 failed attempts) belongs to the core engine
//! (`cstar_webhooks::engine::HealthPolicy`), which was still being built when this was
//! written; [`HealthRule::holds`] is the one place that rule lives here and should call the
//! engine once it has landed.

use cstar_webhooks::{Outcome, OutcomeClass, RetrySchedule};

use crate::store::{HealthUpdate, Next, Webhook};

/// The auto-disable thresholds (SPEC §8; both configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthRule {
    /// The failure run must have begun at least this long ago (ms). Default 5 days.
    pub disable_after_ms: i64,
    /// …and hold at least this many failed attempts. Default 10.
    pub disable_after_failures: u32,
}

impl Default for HealthRule {
    fn default() -> Self {
        Self { disable_after_ms: 5 * 86_400 * 1000, disable_after_failures: 10 }
    }
}

impl HealthRule {
    /// Whether a run that began at `started_at` with `failures` failed attempts disables the
    /// webhook at `now`.
    #[must_use]
    pub const fn holds(&self, started_at: i64, failures: u32, now: i64) -> bool {
        failures >= self.disable_after_failures && now.saturating_sub(started_at) >= self.disable_after_ms
    }
}

/// The consequence of one scheduled attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The delivery's next state.
    pub next: Next,
    /// The webhook's health after the attempt.
    pub health: HealthUpdate,
}

/// Decides what follows attempt `attempt` of a delivery to `webhook`, which ended with
/// `outcome` at `now_ms`.
#[must_use]
pub fn decide(
    schedule: &RetrySchedule,
    rule: &HealthRule,
    webhook: &Webhook,
    attempt: u32,
    outcome: &Outcome,
    retry_after: Option<u64>,
    jitter_seed: u64,
    now_ms: i64,
) -> Decision {
    match outcome.class() {
        OutcomeClass::Success => Decision {
            next: Next::Succeeded,
            health: HealthUpdate {
                failure_run_started_at: None,
                failure_run_count: 0,
                last_success_at: Some(now_ms),
                disable: None,
            },
        },
        class => {
            let started = webhook.failure_run_started_at.unwrap_or(now_ms);
            let count = webhook.failure_run_count.saturating_add(1);
            let next = if class == OutcomeClass::Gone {
                Next::Gone
            } else {
                let now_s = now_ms.div_euclid(1000);
                match schedule.next_retry(attempt, now_s, outcome, retry_after, jitter_seed) {
                    Some(due_s) => {
                        Next::Retry { due_at: now_ms.saturating_add(due_s.saturating_sub(now_s).saturating_mul(1000)) }
                    }
                    None => Next::Failed,
                }
            };
            let disable = if class == OutcomeClass::Gone {
                Some("gone: the endpoint answered 410 Gone".to_owned())
            } else if rule.holds(started, count, now_ms) {
                Some(format!("failure_run: {count} failed attempts in a row since {}", crate::api::rfc3339_ms(started)))
            } else {
                None
            };
            Decision {
                next,
                health: HealthUpdate {
                    failure_run_started_at: Some(started),
                    failure_run_count: count,
                    last_success_at: None,
                    disable,
                },
            }
        }
    }
}
