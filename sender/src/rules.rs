//! What follows an attempt: the next state of the delivery and the webhook's health.
//!
//! Nothing is decided here: the delivery transition is the core engine's
//! [`Delivery`] state machine (rebuilt from the stored state with [`Delivery::restore`]),
//! the retry math its [`RetrySchedule`], the auto-disable rule its [`HealthPolicy`]. This
//! module only converts between the stored records (milliseconds) and the engine (seconds).

use cstar_webhooks::engine::{Action, AttemptResult, Delivery, DeliveryKind, DeliveryState, FailureRun, HealthPolicy};
use cstar_webhooks::{Outcome, OutcomeClass, RetrySchedule};

use crate::store::{HealthUpdate, Next, Webhook};

/// The auto-disable thresholds (SPEC §8; both configurable): the core's [`HealthPolicy`].
pub type HealthRule = HealthPolicy;

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
#[allow(clippy::too_many_arguments)]
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
    let next = match delivery.complete(now_s, result, schedule) {
        Ok(Action::RetryAt { due_at, .. }) => Next::Retry { due_at: due_at.saturating_mul(1000) },
        Ok(Action::DisableWebhook) => Next::Gone,
        Ok(_) => match delivery.state() {
            DeliveryState::Succeeded { .. } => Next::Succeeded,
            _ => Next::Failed,
        },
        // Unreachable (the machine was built in flight); failing the delivery is the safe side.
        Err(_) => Next::Failed,
    };
    match outcome.class() {
        OutcomeClass::Success => Decision {
            next,
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
            let disable = if class == OutcomeClass::Gone {
                Some("gone: the endpoint answered 410 Gone".to_owned())
            } else if rule.rule_holds(
                &FailureRun { started_at: started.div_euclid(1000), failed_attempts: count, last_failure_at: now_s },
                now_s,
            ) {
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
