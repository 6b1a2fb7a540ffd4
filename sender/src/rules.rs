//! What follows an attempt: the next state of the delivery and the webhook's health.
//!
//! Nothing is decided here: the delivery transition is the core engine's
//! [`Delivery`] state machine (rebuilt from the stored state with [`Delivery::restore`]),
//! the retry math its [`RetrySchedule`], the auto-disable rule its [`HealthPolicy`]. This
//! module only converts between the stored records (milliseconds) and the engine (seconds).

use cstar_webhooks::engine::{Action, AttemptResult, Delivery, DeliveryKind, DeliveryState, FailureRun, HealthPolicy};
use cstar_webhooks::{Outcome, RetrySchedule};

use crate::store::{Next, Webhook};

/// The auto-disable thresholds (SPEC §8; both configurable): the core's [`HealthPolicy`].
pub type HealthRule = HealthPolicy;

/// What follows attempt `attempt` of a delivery, which ended with `outcome` at `now_ms`:
/// the core engine's state machine decides (retry with the schedule's delay, pushed by
/// `Retry-After` on 429/503; failed after the last attempt; gone on 410; succeeded on 2xx).
#[must_use]
pub fn next_state(
    schedule: &RetrySchedule,
    attempt: u32,
    outcome: &Outcome,
    retry_after: Option<u64>,
    jitter_seed: u64,
    now_ms: i64,
) -> Next {
    let now_s = now_ms.div_euclid(1000);
    let mut delivery = Delivery::restore(
        DeliveryKind::Event,
        DeliveryState::InFlight { attempt, started_at: now_s },
        jitter_seed,
        Vec::new(),
    );
    let mut result = AttemptResult::new(*outcome);
    if let Some(secs) = retry_after {
        result = result.with_retry_after(secs);
    }
    match delivery.complete(now_s, result, schedule) {
        Ok(Action::RetryAt { due_at, .. }) => Next::Retry { due_at: due_at.saturating_mul(1000) },
        Ok(Action::DisableWebhook) => Next::Gone,
        Ok(_) => match delivery.state() {
            DeliveryState::Succeeded { .. } => Next::Succeeded,
            _ => Next::Failed,
        },
        // Unreachable (the machine was built in flight); failing the delivery is the safe side.
        Err(_) => Next::Failed,
    }
}

/// Whether the core's auto-disable rule holds for `webhook`'s stored failure run at
/// `now_ms`; the reason to record when it does.
#[must_use]
pub fn auto_disable_reason(rule: &HealthRule, webhook: &Webhook, now_ms: i64) -> Option<String> {
    let started = webhook.failure_run_started_at?;
    let run = FailureRun {
        started_at: started.div_euclid(1000),
        failed_attempts: webhook.failure_run_count,
        last_failure_at: now_ms.div_euclid(1000),
    };
    (webhook.enabled && rule.rule_holds(&run, now_ms.div_euclid(1000))).then(|| {
        format!(
            "failure_run: {} failed attempts in a row since {}",
            webhook.failure_run_count,
            crate::api::rfc3339_ms(started)
        )
    })
}
