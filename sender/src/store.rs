//! The storage contract of the sender ([`Store`]) and the records it keeps.
//!
//! The dispatcher and the API only talk to `dyn Store`, so another backend (PostgreSQL for
//! several nodes) can follow without touching them. The default is [`crate::sqlite::SqliteStore`].
//! All times are unix **milliseconds**.

use serde::Serialize;

/// A store error: the backend failed (I/O, corruption, a constraint).
#[derive(Debug)]
pub struct StoreError(pub String);

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "store error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self(e.to_string())
    }
}

/// A store result.
pub type StoreResult<T> = Result<T, StoreError>;

/// What created a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookKind {
    /// Created through `/v1/webhooks` or the settings page.
    Webhook,
    /// A Zapier REST Hooks subscription (`/v1/hooks`): a `410 Gone` deletes it.
    RestHook,
}

impl WebhookKind {
    /// The stored text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::RestHook => "rest_hook",
        }
    }

    /// Parses the stored text (anything unknown is a plain webhook).
    #[must_use]
    pub fn parse(s: &str) -> Self {
        if s == "rest_hook" { Self::RestHook } else { Self::Webhook }
    }
}

/// A registered webhook (without its secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// `whk_…`
    pub id: String,
    /// The target URL.
    pub url: String,
    /// A label.
    pub name: String,
    /// Event filters: exact types, `family.*` or `*`.
    pub events: Vec<String>,
    /// Whether bodies carry the flat-payload copies.
    pub flat_payload: bool,
    /// Whether new events are delivered.
    pub enabled: bool,
    /// Who disabled it (`user`, `system`), when disabled.
    pub disabled_by: Option<String>,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When it was disabled.
    pub disabled_at: Option<i64>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// The last successful attempt.
    pub last_success_at: Option<i64>,
    /// Start of the current run of failed attempts.
    pub failure_run_started_at: Option<i64>,
    /// Failed attempts in the current run.
    pub failure_run_count: u32,
    /// What created it.
    pub kind: WebhookKind,
}

impl Webhook {
    /// Whether an event of `event_type` goes to this webhook.
    #[must_use]
    pub fn subscribes_to(&self, event_type: &str) -> bool {
        let ty = cstar_webhooks::EventType::parse(event_type);
        self.events.iter().any(|f| ty.matches(f))
    }
}

/// A webhook to insert, with its first secret.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// `whk_…`
    pub id: String,
    /// The target URL (already checked).
    pub url: String,
    /// A label.
    pub name: String,
    /// Event filters.
    pub events: Vec<String>,
    /// Flat payload.
    pub flat_payload: bool,
    /// The signing secret.
    pub secret: cstar_webhooks::Secret,
    /// What creates it.
    pub kind: WebhookKind,
}

/// A partial update of a webhook.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    /// New URL.
    pub url: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New filters.
    pub events: Option<Vec<String>>,
    /// New flat-payload flag.
    pub flat_payload: Option<bool>,
}

/// A published event, stored before it is acknowledged.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// `evt_…`
    pub id: String,
    /// The type.
    pub event_type: String,
    /// When it was accepted.
    pub created_at: i64,
    /// The canonical JSON body (without flat copies).
    pub body: String,
}

/// The states of a delivery (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for `due_at`.
    Scheduled,
    /// Claimed by a worker until `lease_until`.
    InFlight,
    /// A 2xx was received.
    Succeeded,
    /// Attempts exhausted, or `410 Gone`.
    Failed,
    /// The webhook was disabled or deleted while the delivery waited.
    Cancelled,
}

impl DeliveryStatus {
    /// Every state.
    pub const ALL: [Self; 5] = [Self::Scheduled, Self::InFlight, Self::Succeeded, Self::Failed, Self::Cancelled];

    /// The stored text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InFlight => "in_flight",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stored text.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One event going to one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `dlv_…`
    pub id: String,
    /// The event.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// The webhook.
    pub webhook_id: String,
    /// The state.
    pub status: DeliveryStatus,
    /// Scheduled attempts made so far (manual replays not counted).
    pub attempts: u32,
    /// When the next attempt is due (scheduled only).
    pub due_at: Option<i64>,
    /// Lease end (in flight only).
    pub lease_until: Option<i64>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// A short description of the last outcome (`status:500`, `timeout`, …).
    pub last_outcome: Option<String>,
}

/// One HTTP attempt, kept for the status view and the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The delivery (`None` for a test send).
    pub delivery_id: Option<String>,
    /// The webhook.
    pub webhook_id: String,
    /// The event id sent.
    pub event_id: String,
    /// The attempt number (the `X-Delivery-Attempt` header).
    pub number: u32,
    /// Start time.
    pub started_at: i64,
    /// Duration in milliseconds.
    pub duration_ms: i64,
    /// `status`, `timeout` or `network_error`.
    pub outcome: String,
    /// The status code, for `status`.
    pub status_code: Option<u16>,
    /// The error kind or message, for failures without a status.
    pub error: Option<String>,
    /// Up to 1 KiB of the response body.
    pub excerpt: String,
    /// Whether it was a manual send (test, replay).
    pub manual: bool,
    /// Whether it succeeded (2xx).
    pub success: bool,
}

/// What follows an attempt (computed by the dispatcher from the core's rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The delivery succeeded.
    Succeeded,
    /// Try again at this time.
    Retry {
        /// When.
        due_at: i64,
    },
    /// Attempts exhausted.
    Failed,
    /// `410 Gone`: the delivery fails and the webhook is disabled (a REST hook is deleted).
    Gone,
}

/// A finished scheduled attempt and what follows it, recorded by
/// [`Store::complete_attempts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The attempt.
    pub attempt: AttemptRecord,
    /// The delivery's next state (decided by the core engine).
    pub next: Next,
    /// When the attempt finished.
    pub finished_at: i64,
}

/// A due delivery claimed by a worker, with everything needed to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery (status `in_flight`).
    pub delivery: Delivery,
    /// Its webhook.
    pub webhook: Webhook,
    /// The event body.
    pub body: String,
    /// The secrets that sign at claim time, newest first.
    pub secrets: Vec<cstar_webhooks::Secret>,
}

/// Filters of the delivery list.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only this webhook.
    pub webhook_id: Option<String>,
    /// Only this state.
    pub status: Option<DeliveryStatus>,
    /// Only this event.
    pub event_id: Option<String>,
    /// At most this many (newest first).
    pub limit: u32,
}

/// The storage contract. Every method is one transaction; implementations are blocking
/// (call them from `spawn_blocking`).
pub trait Store: Send + Sync + 'static {
    /// Reads a metadata value.
    fn meta_get(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a metadata value.
    fn meta_set(&self, key: &str, value: &str) -> StoreResult<()>;

    /// Inserts a webhook and its first secret.
    fn create_webhook(&self, new: &NewWebhook, now: i64) -> StoreResult<Webhook>;
    /// Every webhook, oldest first.
    fn list_webhooks(&self) -> StoreResult<Vec<Webhook>>;
    /// One webhook.
    fn get_webhook(&self, id: &str) -> StoreResult<Option<Webhook>>;
    /// Applies a patch; `None` when the webhook does not exist.
    fn update_webhook(&self, id: &str, patch: &WebhookPatch, now: i64) -> StoreResult<Option<Webhook>>;
    /// Deletes a webhook and its secrets, cancelling its waiting deliveries (they are kept).
    fn delete_webhook(&self, id: &str, now: i64) -> StoreResult<bool>;
    /// Enables (`enabled`) or disables a webhook; disabling cancels its waiting deliveries.
    fn set_enabled(&self, id: &str, enabled: bool, by: &str, reason: &str, now: i64) -> StoreResult<Option<Webhook>>;

    /// Adds a new signing secret; the ones still active expire at `old_expire_at`.
    fn rotate_secret(
        &self,
        id: &str,
        secret: &cstar_webhooks::Secret,
        old_expire_at: i64,
        now: i64,
    ) -> StoreResult<bool>;
    /// The secrets that sign at `now`, newest first.
    fn active_secrets(&self, webhook_id: &str, now: i64) -> StoreResult<Vec<cstar_webhooks::Secret>>;

    /// Stores an event and one scheduled delivery per matching enabled webhook, in one
    /// transaction. Returns the number of deliveries.
    fn publish(&self, event: &StoredEvent, now: i64) -> StoreResult<usize> {
        Ok(self.publish_batch(core::slice::from_ref(event), now)?.first().copied().unwrap_or(0))
    }
    /// Stores several events and their deliveries in one durable transaction (group commit);
    /// all or nothing. Returns the number of deliveries of each.
    fn publish_batch(&self, events: &[StoredEvent], now: i64) -> StoreResult<Vec<usize>>;
    /// The body of an event.
    fn event_body(&self, event_id: &str) -> StoreResult<Option<String>>;

    /// Claims up to `limit` due deliveries (scheduled and due, or in flight with an expired
    /// lease), at most `per_webhook` in flight per webhook, leasing them until `lease_until`.
    fn claim_due(&self, now: i64, lease_until: i64, limit: u32, per_webhook: u32) -> StoreResult<Vec<Claimed>>;
    /// Records finished attempts and their consequences, all in one transaction (group
    /// commit): the attempt rows, the deliveries' new states, the webhooks' failure runs
    /// (a success resets the run, a failure extends it) and, on `410 Gone`, the webhook
    /// disabled (a REST hook deleted).
    fn complete_attempts(&self, batch: &[Completion]) -> StoreResult<()>;
    /// Disables a webhook by `system` if it is enabled; waiting deliveries are cancelled.
    fn auto_disable(&self, id: &str, reason: &str, now: i64) -> StoreResult<bool>;
    /// Gives a claimed delivery back (graceful shutdown): scheduled again, due now.
    fn release(&self, delivery_id: &str, now: i64) -> StoreResult<()>;
    /// The earliest `due_at` of a scheduled delivery (or lease end of an in-flight one).
    fn next_wakeup(&self) -> StoreResult<Option<i64>>;
    /// Scheduled deliveries due at `now`.
    fn queue_depth(&self, now: i64) -> StoreResult<u64>;

    /// Records a manual attempt (test or replay). A successful replay marks the delivery
    /// succeeded.
    fn record_manual_attempt(&self, attempt: &AttemptRecord, now: i64) -> StoreResult<()>;
    /// Lists deliveries, newest first.
    fn list_deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>>;
    /// One delivery.
    fn get_delivery(&self, id: &str) -> StoreResult<Option<Delivery>>;
    /// The attempts of a delivery, in order.
    fn delivery_attempts(&self, delivery_id: &str) -> StoreResult<Vec<AttemptRecord>>;
    /// The most recent failed attempts of a webhook, newest first.
    fn recent_failures(&self, webhook_id: &str, limit: u32) -> StoreResult<Vec<AttemptRecord>>;
    /// Attempts of a webhook since `since` (for the 24-hour timeline), oldest first.
    fn attempts_since(&self, webhook_id: &str, since: i64) -> StoreResult<Vec<AttemptRecord>>;
}
