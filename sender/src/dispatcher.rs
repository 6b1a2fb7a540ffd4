//! The dispatcher: claims due deliveries under a lease, sends them with bounded
//! concurrency (global and per webhook), records each attempt and what follows it, and
//! shuts down gracefully (in-flight attempts finish or are released).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cstar_webhooks::RetrySchedule;
use tokio::sync::{Notify, Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::http::{AttemptRequest, SendResult, send};
use crate::metrics::Metrics;
use crate::rules::{HealthRule, auto_disable_reason, next_state};
use crate::ssrf::Policy;
use crate::store::{AttemptRecord, Claimed, Completion, Next, Store, StoreError, Webhook};

/// Dispatcher settings.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// The retry schedule (the guide's table by default).
    pub schedule: RetrySchedule,
    /// The auto-disable rule.
    pub health: HealthRule,
    /// Attempts in flight at once, in all.
    pub max_in_flight: u32,
    /// Attempts in flight at once per webhook.
    pub per_webhook: u32,
    /// How long a claim lasts: longer than the 10 s timeout plus the body read, with margin.
    pub lease_ms: i64,
    /// How often the store is polled when nothing wakes the dispatcher.
    pub poll_interval: Duration,
    /// The attempt deadline: connect + send + response head (SPEC §5: 10 s).
    pub attempt_timeout: Duration,
    /// How long shutdown waits for in-flight attempts before releasing them.
    pub shutdown_grace: Duration,
    /// How often (on the dispatcher's clock) every webhook's failure run is checked against
    /// the auto-disable rule, besides the check after each failure: a run can come of age
    /// with no new failure to trigger it.
    pub health_sweep_ms: i64,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self {
            schedule: RetrySchedule::default(),
            health: HealthRule::default(),
            max_in_flight: 64,
            per_webhook: 8,
            lease_ms: 30_000,
            attempt_timeout: Duration::from_secs(cstar_webhooks::retry::DELIVERY_TIMEOUT_SECS),
            poll_interval: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(12),
            health_sweep_ms: 60_000,
        }
    }
}

/// Everything the workers share.
pub struct Dispatcher {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The delivery HTTP client (SSRF-guarded resolver).
    pub client: reqwest::Client,
    /// The SSRF policy.
    pub policy: Arc<Policy>,
    /// Settings.
    pub config: DispatchConfig,
    /// Wakes the claim loop (new events, tests moving the clock).
    pub wake: Arc<Notify>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl core::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dispatcher").field("config", &self.config).finish_non_exhaustive()
    }
}

async fn blocking<T: Send + 'static>(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> T + Send + 'static,
) -> Option<T> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(store.as_ref())).await.ok()
}

impl Dispatcher {
    /// Runs the claim loop until `shutdown` turns true, then drains.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let permits = Arc::new(Semaphore::new(usize::try_from(self.config.max_in_flight.max(1)).unwrap_or(64)));
        let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
        let mut tasks = JoinSet::new();
        let (writer_tx, writer_rx) = mpsc::channel(4096);
        let writer = tokio::spawn(Arc::clone(&self).writer(writer_rx));
        let mut last_sweep = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = self.clock.now_ms();
            if last_sweep.is_none_or(|at: i64| now.saturating_sub(at) >= self.config.health_sweep_ms) {
                last_sweep = Some(now);
                self.sweep_health(now).await;
            }
            while tasks.try_join_next().is_some() {}
            let mut free = u32::try_from(permits.available_permits()).unwrap_or(u32::MAX);
            // Under load, claim in batches: wait (briefly) until a quarter of the slots are
            // free instead of running one claim transaction per finished attempt.
            let batch = (self.config.max_in_flight / 4).max(1);
            if free < batch && !tasks.is_empty() {
                tokio::select! {
                    _ = tasks.join_next() => {}
                    () = tokio::time::sleep(Duration::from_millis(2)) => {}
                    _ = shutdown.changed() => {}
                }
                while tasks.try_join_next().is_some() {}
                free = u32::try_from(permits.available_permits()).unwrap_or(u32::MAX);
                if free < batch && !tasks.is_empty() && !*shutdown.borrow() {
                    continue;
                }
            }
            let claimed = if free == 0 {
                Vec::new()
            } else {
                let now = self.clock.now_ms();
                let lease_until = now.saturating_add(self.config.lease_ms);
                let per = self.config.per_webhook.max(1);
                match blocking(&self.store, move |s| s.claim_due(now, lease_until, free, per)).await {
                    Some(Ok(c)) => c,
                    Some(Err(e)) => {
                        tracing::error!(error = %e, "claiming due deliveries failed");
                        Vec::new()
                    }
                    None => Vec::new(),
                }
            };
            let got = claimed.len();
            for c in claimed {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { break };
                let me = Arc::clone(&self);
                let ids = Arc::clone(&in_flight);
                let writer_tx = writer_tx.clone();
                if let Ok(mut set) = ids.lock() {
                    set.insert(c.delivery.id.clone());
                }
                tasks.spawn(async move {
                    let id = c.delivery.id.clone();
                    me.attempt(c, &writer_tx).await;
                    if let Ok(mut set) = ids.lock() {
                        set.remove(&id);
                    }
                    drop(permit);
                });
            }
            if got == 0 || free == 0 {
                let wait = self.idle_wait().await;
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                    _ = shutdown.changed() => {}
                    Some(_) = tasks.join_next(), if free == 0 => {}
                }
            }
        }
        // Graceful shutdown: let in-flight attempts finish, release what does not.
        let drain = async { while tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(self.config.shutdown_grace, drain).await.is_err() {
            tasks.abort_all();
            let ids: Vec<String> = in_flight.lock().map(|s| s.iter().cloned().collect()).unwrap_or_default();
            let now = self.clock.now_ms();
            let n = ids.len();
            let _ = blocking(&self.store, move |s| {
                for id in ids {
                    let _ = s.release(&id, now);
                }
            })
            .await;
            tracing::warn!(released = n, "shutdown: released in-flight deliveries");
        }
        drop(writer_tx);
        let _ = writer.await;
        tracing::info!("dispatcher stopped");
    }

    /// Applies the auto-disable rule (SPEC §8) to every enabled webhook in a failure run: the
    /// writer checks it after each failure, this catches a run that reaches its age with no
    /// new failure (retries exhausted, no new events).
    async fn sweep_health(&self, now: i64) {
        let rule = self.config.health;
        let outcome = blocking(&self.store, move |s| disable_where_due(s, &rule, s.list_webhooks()?, now)).await;
        log_disabled(outcome);
    }

    async fn idle_wait(&self) -> Duration {
        let now = self.clock.now_ms();
        match blocking(&self.store, |s| s.next_wakeup()).await {
            Some(Ok(Some(at))) if at > now => {
                let ms = u64::try_from(at - now).unwrap_or(0);
                Duration::from_millis(ms).min(self.config.poll_interval)
            }
            Some(Ok(Some(_))) => Duration::from_millis(5),
            _ => self.config.poll_interval,
        }
    }

    /// Sends one claimed delivery and hands what follows to the group-commit writer;
    /// returns once it is committed.
    pub async fn attempt(&self, c: Claimed, writer: &mpsc::Sender<(Completion, oneshot::Sender<()>)>) {
        let Claimed { delivery, webhook, body, secrets } = c;
        let number = delivery.attempts.saturating_add(1);
        let now = self.clock.now_ms();
        if secrets.is_empty() {
            tracing::error!(delivery = %delivery.id, "no signing secret; releasing");
            let id = delivery.id.clone();
            let _ = blocking(&self.store, move |s| s.release(&id, now)).await;
            return;
        }
        self.metrics.observe_lag(now.saturating_sub(delivery.due_at.unwrap_or(now)));
        let payload = body_for(&body, webhook.flat_payload);
        let req = AttemptRequest {
            url: &webhook.url,
            webhook_id: &webhook.id,
            event_id: &delivery.event_id,
            event_type: &delivery.event_type,
            attempt: number,
            send_time: self.clock.now_s(),
            secrets: &secrets,
            body: payload.as_bytes(),
        };
        let result = send(&self.client, &self.policy, &req, self.config.attempt_timeout).await;
        let finished = self.clock.now_ms();
        self.metrics.observe_attempt(&result);
        let next = next_state(
            &self.config.schedule,
            number,
            &result.outcome,
            result.retry_after,
            seed_of(&delivery.id),
            finished,
        );
        tracing::info!(
            delivery = %delivery.id, webhook = %webhook.id, event = %delivery.event_id, attempt = number,
            outcome = %outcome_label(&result), duration_ms = result.duration_ms, next = ?next,
            "attempt"
        );
        self.metrics.observe_next(&next);
        if next == Next::Gone {
            tracing::warn!(webhook = %webhook.id, "410 Gone: webhook disabled (REST hook: deleted)");
        }
        let attempt =
            attempt_record(Some(delivery.id.clone()), &webhook.id, &delivery.event_id, number, now, &result, false);
        let retry = matches!(next, Next::Retry { .. });
        let (ack, done) = oneshot::channel();
        if writer.send((Completion { attempt, next, finished_at: finished }, ack)).await.is_err() || done.await.is_err()
        {
            tracing::error!(delivery = %delivery.id, "recording the attempt failed; the lease will expire and it is sent again");
        }
        if retry {
            self.wake.notify_one();
        }
    }

    /// The group-commit writer: records every completion that is waiting in one
    /// transaction, then checks the auto-disable rule for the webhooks that failed.
    async fn writer(self: Arc<Self>, mut rx: mpsc::Receiver<(Completion, oneshot::Sender<()>)>) {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < 1024 {
                match rx.try_recv() {
                    Ok(item) => batch.push(item),
                    Err(_) => break,
                }
            }
            let (completions, acks): (Vec<Completion>, Vec<oneshot::Sender<()>>) = batch.into_iter().unzip();
            let mut failing: Vec<String> = completions
                .iter()
                .filter(|c| !c.attempt.success && c.next != Next::Gone)
                .map(|c| c.attempt.webhook_id.clone())
                .collect();
            failing.sort();
            failing.dedup();
            let rule = self.config.health;
            let now = self.clock.now_ms();
            let outcome = blocking(&self.store, move |s| {
                s.complete_attempts(&completions)?;
                let mut hooks = Vec::with_capacity(failing.len());
                for id in failing {
                    hooks.extend(s.get_webhook(&id)?);
                }
                disable_where_due(s, &rule, hooks, now)
            })
            .await;
            log_disabled(outcome);
            for ack in acks {
                let _ = ack.send(());
            }
        }
    }
}

/// Auto-disables each of `hooks` whose failure run the rule condemns at `now`; returns the
/// ids disabled, with the recorded reason.
fn disable_where_due(
    s: &dyn Store,
    rule: &HealthRule,
    hooks: Vec<Webhook>,
    now: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut disabled = Vec::new();
    for hook in hooks {
        if let Some(reason) = auto_disable_reason(rule, &hook, now) {
            if s.auto_disable(&hook.id, &reason, now)? {
                disabled.push((hook.id, reason));
            }
        }
    }
    Ok(disabled)
}

/// Logs the webhooks a store transaction auto-disabled, or why it failed.
fn log_disabled(outcome: Option<Result<Vec<(String, String)>, StoreError>>) {
    match outcome {
        Some(Ok(disabled)) => {
            for (id, reason) in disabled {
                tracing::warn!(webhook = %id, %reason, "webhook auto-disabled");
            }
        }
        Some(Err(e)) => tracing::error!(error = %e, "recording attempts or checking health failed"),
        None => tracing::error!("the store task panicked"),
    }
}

/// The bytes sent for a stored event body: as is, or with flat-payload copies.
#[must_use]
pub fn body_for(body: &str, flat: bool) -> String {
    if flat {
        cstar_webhooks::flatten_json(body.as_bytes()).unwrap_or_else(|_| body.to_owned())
    } else {
        body.to_owned()
    }
}

/// A stable jitter seed per delivery (jitter is off unless configured).
fn seed_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A short label of an outcome.
#[must_use]
pub fn outcome_label(r: &SendResult) -> String {
    match (r.outcome.status(), &r.error) {
        (Some(code), _) => format!("status:{code}"),
        (None, Some(e)) => format!("{}:{e}", r.kind()),
        (None, None) => r.kind().to_owned(),
    }
}

/// Builds the stored record of an attempt.
#[must_use]
pub fn attempt_record(
    delivery_id: Option<String>,
    webhook_id: &str,
    event_id: &str,
    number: u32,
    started_at: i64,
    r: &SendResult,
    manual: bool,
) -> AttemptRecord {
    AttemptRecord {
        delivery_id,
        webhook_id: webhook_id.to_owned(),
        event_id: event_id.to_owned(),
        number,
        started_at,
        duration_ms: r.duration_ms,
        outcome: r.kind().to_owned(),
        status_code: r.outcome.status(),
        error: r.error.clone(),
        excerpt: r.excerpt.clone(),
        manual,
        success: r.outcome.is_success(),
    }
}
