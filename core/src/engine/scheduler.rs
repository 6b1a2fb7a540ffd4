//! An in-memory, deterministic scheduler that a dispatcher embeds (SPEC §6–9, sans-IO).
//!
//! It holds webhooks (URL, event filter with family wildcards, secrets, flat-payload flag)
//! and deliveries; [`publish`](Scheduler::publish) fans an event out to the matching enabled
//! webhooks; [`due`](Scheduler::due) hands out the requests to send now, each with its exact
//! headers signed at its own send time; [`complete`](Scheduler::complete) feeds back what
//! happened; [`next_wakeup`](Scheduler::next_wakeup) says when to call `due` again.
//!
//! The queue is a binary heap of small fixed-size entries (lazy deletion); deliveries live in
//! one vector indexed by [`DeliveryId`], and event bodies are shared (`Arc`) by every
//! delivery of the event, so scheduling a delivery costs no allocation of its own beyond the
//! amortized growth of those two vectors.

use alloc::collections::{BTreeMap, BinaryHeap};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Reverse;

use super::delivery::{Action, AttemptResult, CancelReason, Delivery, DeliveryKind, DeliveryState};
use super::health::{DisableReason, FailedAttempt, HealthPolicy, WebhookHealth};
use super::{DeliveryId, EngineError};
use crate::event::EventType;
use crate::headers::{DeliveryInfo, delivery_headers_unchecked};
use crate::retry::{DELIVERY_TIMEOUT_SECS, OutcomeClass, RetrySchedule, splitmix64};
use crate::signature::{Secret, check_secrets};

/// The default lease on an attempt handed out by [`Scheduler::due`]: 60 s, well beyond the
/// 10 s delivery timeout. An attempt whose result is not reported within its lease counts as
/// a timeout, and the delivery moves on (SPEC §9).
pub const DEFAULT_LEASE_SECS: u64 = 60;

/// How a [`Scheduler`] behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// The retry schedule (default: the guide's table, no jitter).
    pub schedule: RetrySchedule,
    /// The auto-disable rule.
    pub health: HealthPolicy,
    /// How long a handed-out attempt may stay unreported before it counts as a timeout
    /// (default [`DEFAULT_LEASE_SECS`]; at least the 10 s delivery timeout + 1 s).
    pub lease_secs: u64,
    /// The seed the per-delivery jitter seeds derive from (only used when jitter is on).
    pub seed: u64,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            schedule: RetrySchedule::default(),
            health: HealthPolicy::default(),
            lease_secs: DEFAULT_LEASE_SECS,
            seed: 0,
        }
    }
}

/// A webhook's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookConfig {
    /// Where to POST (`http://` or `https://`).
    pub url: String,
    /// The event filter: exact types (`ticket.created`), family wildcards (`ticket.*`) or `*`.
    pub events: Vec<String>,
    /// The signing secrets, one `v1` each (several during a rotation).
    pub secrets: Vec<Secret>,
    /// Send the flat payload (SPEC §2) instead of the plain one.
    pub flat_payload: bool,
}

impl WebhookConfig {
    /// A webhook with a URL, an event filter and its secrets (plain payload).
    #[must_use]
    pub fn new<E: Into<String>>(
        url: impl Into<String>,
        events: impl IntoIterator<Item = E>,
        secrets: impl IntoIterator<Item = Secret>,
    ) -> Self {
        Self {
            url: url.into(),
            events: events.into_iter().map(Into::into).collect(),
            secrets: secrets.into_iter().collect(),
            flat_payload: false,
        }
    }

    /// Turns the flat payload on or off.
    #[must_use]
    pub fn with_flat_payload(mut self, on: bool) -> Self {
        self.flat_payload = on;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`EngineError::InvalidUrl`], [`EngineError::InvalidEventFilter`] or
    /// [`EngineError::NoSecret`].
    pub fn validate(&self) -> Result<(), EngineError> {
        let url = self.url.as_bytes();
        let has_scheme = |scheme: &[u8]| {
            url.len() > scheme.len() && url.get(..scheme.len()).is_some_and(|p| p.eq_ignore_ascii_case(scheme))
        };
        if !(has_scheme(b"http://") || has_scheme(b"https://")) || url.iter().any(|b| b.is_ascii_whitespace()) {
            return Err(EngineError::InvalidUrl);
        }
        if self.events.is_empty() || !self.events.iter().all(|f| valid_filter(f)) {
            return Err(EngineError::InvalidEventFilter);
        }
        check_secrets(&self.secrets).map_err(|_| EngineError::NoSecret)
    }

    /// Whether the filter selects `event_type`.
    #[must_use]
    pub fn matches(&self, event_type: &EventType) -> bool {
        self.events.iter().any(|f| event_type.matches(f))
    }
}

/// `*`, `family.*`, or a type: non-empty, no whitespace, `*` only as described.
fn valid_filter(filter: &str) -> bool {
    if filter == "*" {
        return true;
    }
    let body = filter.strip_suffix(".*").unwrap_or(filter);
    !body.is_empty() && !body.bytes().any(|b| b == b'*' || b.is_ascii_whitespace() || b.is_ascii_control())
}

/// An event to publish: its id, type and body bytes exactly as they will be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutgoingEvent {
    /// `evt_…` (`X-Event-ID`).
    pub id: String,
    /// The type (`X-Event-Type`, and what filters match).
    pub event_type: EventType,
    /// The plain payload.
    pub body: Vec<u8>,
    /// The flat payload, for webhooks that asked for it. When absent and the `serde` feature
    /// is on, it is derived from `body` when needed.
    pub flat_body: Option<Vec<u8>>,
}

impl OutgoingEvent {
    /// An event with its plain body.
    #[must_use]
    pub fn new(id: impl Into<String>, event_type: EventType, body: Vec<u8>) -> Self {
        Self { id: id.into(), event_type, body, flat_body: None }
    }

    /// Supplies the flat body.
    #[must_use]
    pub fn with_flat_body(mut self, flat_body: Vec<u8>) -> Self {
        self.flat_body = Some(flat_body);
        self
    }

    /// Serializes an [`Event`](crate::Event): its JSON, and its flat JSON.
    #[cfg(feature = "serde")]
    #[must_use]
    pub fn from_event(event: &crate::Event) -> Self {
        Self {
            id: event.id.clone(),
            event_type: event.event_type.clone(),
            body: event.to_json().into_bytes(),
            flat_body: Some(event.to_flat_json().into_bytes()),
        }
    }
}

/// One request to send now, with everything needed to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRequest {
    /// Which delivery (pass it back to [`Scheduler::complete`]).
    pub delivery_id: DeliveryId,
    /// The attempt number (pass it back too).
    pub attempt: u32,
    /// Event, test or replay.
    pub kind: DeliveryKind,
    /// The webhook's id.
    pub webhook_id: String,
    /// Where to POST.
    pub url: String,
    /// The send time: `X-Timestamp` and the signature's `t`.
    pub send_time: i64,
    /// Report the result before this time, or the attempt counts as a timeout.
    pub lease_until: i64,
    /// The exact headers, in SPEC §3 order.
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes, exactly as signed (the flat payload for flat webhooks).
    pub body: Arc<[u8]>,
}

/// What a completion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// The delivery's state afterwards.
    pub state: DeliveryState,
    /// What follows for the delivery ([`Action::RetryAt`], [`Action::Done`] or
    /// [`Action::DisableWebhook`] — the scheduler already disabled the webhook).
    pub action: Action,
    /// Set when this completion disabled the webhook (410, or the failure-run rule).
    pub webhook_disabled: Option<DisableReason>,
}

/// A read-only view of one delivery.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DeliveryRef<'a> {
    /// Its id.
    pub id: DeliveryId,
    /// The webhook it goes to.
    pub webhook_id: &'a str,
    /// The event id.
    pub event_id: &'a str,
    /// The event type.
    pub event_type: &'a EventType,
    /// Whether it carries the flat payload.
    pub flat: bool,
    /// For replays: the delivery replayed.
    pub replay_of: Option<DeliveryId>,
    /// The state machine: state, kind, attempt records.
    pub delivery: &'a Delivery,
}

/// A read-only view of one webhook.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct WebhookRef<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its settings.
    pub config: &'a WebhookConfig,
    /// Its health: status, last success, failure run, recent failures.
    pub health: &'a WebhookHealth,
}

#[derive(Debug)]
struct EventRecord {
    id: String,
    event_type: EventType,
    body: Arc<[u8]>,
    flat: Option<Arc<[u8]>>,
}

#[derive(Debug)]
struct WebhookEntry {
    id: String,
    config: WebhookConfig,
    /// Secrets of a rotation that keep signing until the given time.
    expiring: Vec<(Secret, i64)>,
    health: WebhookHealth,
    deleted: bool,
}

#[derive(Debug)]
struct Entry {
    delivery: Delivery,
    event: Arc<EventRecord>,
    webhook: u32,
    flat: bool,
    replay_of: Option<DeliveryId>,
    lease_until: i64,
}

const DUE: u8 = 0;
const LEASE: u8 = 1;

/// A queue entry: `(time, delivery, attempt, kind)`; stale ones are skipped when popped.
type QueueItem = Reverse<(i64, u64, u32, u8)>;

/// The embeddable engine: webhooks, deliveries and the queue, all in memory.
///
/// Deterministic: the same sequence of calls with the same arguments gives the same results
/// (fan-out follows registration order; ties in time go by delivery id).
#[derive(Debug)]
pub struct Scheduler {
    config: SchedulerConfig,
    webhooks: Vec<WebhookEntry>,
    by_id: BTreeMap<String, u32>,
    deliveries: Vec<Option<Entry>>,
    queue: BinaryHeap<QueueItem>,
}

impl Scheduler {
    /// An empty scheduler.
    #[must_use]
    pub fn new(config: SchedulerConfig) -> Self {
        Self { config, webhooks: Vec::new(), by_id: BTreeMap::new(), deliveries: Vec::new(), queue: BinaryHeap::new() }
    }

    /// The configuration.
    #[must_use]
    pub const fn config(&self) -> &SchedulerConfig {
        &self.config
    }

    // ----- webhooks -------------------------------------------------------------------

    /// Registers a webhook under `id` (e.g. from [`new_webhook_id`](crate::new_webhook_id)).
    ///
    /// # Errors
    /// [`EngineError::WebhookExists`], or a validation error of [`WebhookConfig::validate`].
    pub fn register(&mut self, id: impl Into<String>, config: WebhookConfig) -> Result<(), EngineError> {
        let id = id.into();
        if self.by_id.contains_key(&id) {
            return Err(EngineError::WebhookExists);
        }
        config.validate()?;
        let slot = u32::try_from(self.webhooks.len()).map_err(|_| EngineError::WebhookExists)?;
        self.webhooks.push(WebhookEntry {
            id: id.clone(),
            config,
            expiring: Vec::new(),
            health: WebhookHealth::new(&self.config.health),
            deleted: false,
        });
        self.by_id.insert(id, slot);
        Ok(())
    }

    /// Replaces a webhook's settings. Waiting deliveries use the new URL and secrets at their
    /// next attempt (headers are built at send time); their body stays as published. A
    /// rotation in progress ends: only `config.secrets` sign from now on.
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`], or a validation error.
    pub fn update(&mut self, id: &str, config: WebhookConfig) -> Result<(), EngineError> {
        config.validate()?;
        let w = self.webhook_mut(id)?;
        w.config = config;
        w.expiring.clear();
        Ok(())
    }

    /// Rotates the secret: `new_secret` signs from now on, and the current secrets keep
    /// signing beside it (a second `v1`) until `now + keep_old_secs` (SPEC §9: 24 h).
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`]; [`EngineError::NoSecret`] for an empty secret.
    pub fn rotate_secret(
        &mut self,
        id: &str,
        new_secret: Secret,
        now: i64,
        keep_old_secs: u64,
    ) -> Result<(), EngineError> {
        check_secrets(core::slice::from_ref(&new_secret)).map_err(|_| EngineError::NoSecret)?;
        let w = self.webhook_mut(id)?;
        let until = now.saturating_add_unsigned(keep_old_secs);
        w.expiring.retain(|(_, exp)| *exp > now);
        let old = core::mem::replace(&mut w.config.secrets, alloc::vec![new_secret]);
        w.expiring.extend(old.into_iter().map(|s| (s, until)));
        Ok(())
    }

    /// Disables a webhook by request at `now`, with an optional note; cancels its waiting
    /// deliveries (they stay listed and can be replayed after re-enabling). Returns how many
    /// were cancelled (0 when it was disabled already).
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`].
    pub fn disable(&mut self, id: &str, now: i64, note: Option<String>) -> Result<usize, EngineError> {
        let slot = self.slot(id)?;
        Ok(self.disable_slot(slot, DisableReason::Manual, now, note))
    }

    /// Re-enables a webhook: new events are delivered again and the failure run starts afresh.
    /// Returns `false` when it was enabled already.
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`].
    pub fn enable(&mut self, id: &str) -> Result<bool, EngineError> {
        Ok(self.webhook_mut(id)?.health.enable())
    }

    /// Deletes a webhook: cancels its waiting deliveries (kept, listed, not replayable).
    /// Returns how many were cancelled.
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`].
    pub fn delete(&mut self, id: &str, now: i64) -> Result<usize, EngineError> {
        let slot = self.slot(id)?;
        let cancelled = self.cancel_waiting(slot, CancelReason::WebhookDeleted, now);
        if let Some(w) = self.webhooks.get_mut(slot as usize) {
            w.deleted = true;
        }
        self.by_id.remove(id);
        Ok(cancelled)
    }

    /// A webhook's settings and health.
    #[must_use]
    pub fn webhook(&self, id: &str) -> Option<WebhookRef<'_>> {
        let w = self.webhooks.get(*self.by_id.get(id)? as usize)?;
        Some(WebhookRef { id: &w.id, config: &w.config, health: &w.health })
    }

    /// Every registered webhook, in registration order.
    pub fn webhooks(&self) -> impl Iterator<Item = WebhookRef<'_>> {
        self.webhooks.iter().filter(|w| !w.deleted).map(|w| WebhookRef {
            id: &w.id,
            config: &w.config,
            health: &w.health,
        })
    }

    // ----- deliveries -----------------------------------------------------------------

    /// Fans `event` out to every enabled webhook whose filter matches, in registration
    /// order: one delivery each, first attempt due at `now`. Returns the new deliveries' ids
    /// (empty when nothing matches).
    ///
    /// # Errors
    /// [`EngineError::FlatPayloadUnavailable`] when a flat-payload webhook matches and no
    /// flat body can be had; nothing is scheduled then.
    pub fn publish(&mut self, event: OutgoingEvent, now: i64) -> Result<Vec<DeliveryId>, EngineError> {
        let slots: Vec<u32> = (0u32..)
            .zip(&self.webhooks)
            .filter(|(_, w)| !w.deleted && w.health.is_enabled() && w.config.matches(&event.event_type))
            .map(|(slot, _)| slot)
            .collect();
        if slots.is_empty() {
            return Ok(Vec::new());
        }
        let need_flat = slots.iter().any(|&s| self.webhooks.get(s as usize).is_some_and(|w| w.config.flat_payload));
        let record = Arc::new(into_record(event, need_flat)?);
        let mut ids = Vec::with_capacity(slots.len());
        for slot in slots {
            let flat = self.webhooks.get(slot as usize).is_some_and(|w| w.config.flat_payload);
            ids.push(self.schedule(DeliveryKind::Event, Arc::clone(&record), slot, flat, None, now));
        }
        Ok(ids)
    }

    /// The "Test" action: one attempt of `event` (e.g. a sample with an `evt_test_` id) to
    /// the webhook, due at `now`, never retried. Allowed on a disabled webhook (to check an
    /// endpoint before re-enabling it).
    ///
    /// # Errors
    /// [`EngineError::UnknownWebhook`], [`EngineError::FlatPayloadUnavailable`].
    pub fn send_test(&mut self, webhook_id: &str, event: OutgoingEvent, now: i64) -> Result<DeliveryId, EngineError> {
        let slot = self.slot(webhook_id)?;
        let flat = self.webhooks.get(slot as usize).is_some_and(|w| w.config.flat_payload);
        let record = Arc::new(into_record(event, flat)?);
        Ok(self.schedule(DeliveryKind::Test, record, slot, flat, None, now))
    }

    /// Replays a finished delivery (succeeded, failed or cancelled): a new delivery of the
    /// same event and body to the same webhook, one attempt, due at `now`.
    ///
    /// # Errors
    /// [`EngineError::UnknownDelivery`], [`EngineError::DeliveryActive`],
    /// [`EngineError::UnknownWebhook`] (deleted), [`EngineError::WebhookDisabled`].
    pub fn replay(&mut self, id: DeliveryId, now: i64) -> Result<DeliveryId, EngineError> {
        let entry = self.entry(id)?;
        if !entry.delivery.state().is_terminal() {
            return Err(EngineError::DeliveryActive);
        }
        let (event, slot, flat) = (Arc::clone(&entry.event), entry.webhook, entry.flat);
        let w = self.webhooks.get(slot as usize).ok_or(EngineError::UnknownWebhook)?;
        if w.deleted {
            return Err(EngineError::UnknownWebhook);
        }
        if !w.health.is_enabled() {
            return Err(EngineError::WebhookDisabled);
        }
        Ok(self.schedule(DeliveryKind::Replay, event, slot, flat, Some(id), now))
    }

    /// Cancels a waiting delivery.
    ///
    /// # Errors
    /// [`EngineError::UnknownDelivery`]; [`EngineError::IllegalTransition`] unless scheduled.
    pub fn cancel(&mut self, id: DeliveryId, now: i64) -> Result<(), EngineError> {
        self.entry_mut(id)?.delivery.cancel(now, CancelReason::Requested).map(|_| ())
    }

    /// Starts every delivery due at `now` and returns its send request (earliest first).
    ///
    /// Before starting an attempt it checks the webhook's auto-disable rule at `now` (the rule
    /// can come to hold with time alone); an attempt whose lease expired unreported is
    /// recorded as a timeout first.
    pub fn due(&mut self, now: i64) -> Vec<SendRequest> {
        self.due_limited(now, usize::MAX)
    }

    /// Like [`due`](Self::due), but starts at most `max` attempts (the rest stay due).
    pub fn due_limited(&mut self, now: i64, max: usize) -> Vec<SendRequest> {
        let mut out = Vec::new();
        while out.len() < max {
            let Some(&Reverse((time, raw, attempt, kind))) = self.queue.peek() else { break };
            if time > now {
                break;
            }
            self.queue.pop();
            let id = DeliveryId(raw);
            if kind == LEASE {
                if self.lease_is_live(id, attempt, time) {
                    // The worker never reported: the attempt timed out.
                    let _ = self.complete(id, attempt, AttemptResult::timeout(), now);
                }
                continue;
            }
            if let Some(request) = self.start_due(id, attempt, time, now) {
                out.push(request);
            }
        }
        out
    }

    /// Reports how attempt `attempt` of delivery `id` ended, at `now`: records it, schedules
    /// the next attempt or ends the delivery, and updates the webhook's health (a 410 or the
    /// failure-run rule disables the webhook and cancels its waiting deliveries).
    ///
    /// # Errors
    /// [`EngineError::UnknownDelivery`]; [`EngineError::AttemptMismatch`] when another attempt
    /// is in flight; [`EngineError::IllegalTransition`] when none is (e.g. a result reported
    /// twice, or after the lease expired).
    pub fn complete(
        &mut self,
        id: DeliveryId,
        attempt: u32,
        result: AttemptResult,
        now: i64,
    ) -> Result<Completion, EngineError> {
        let schedule = &self.config.schedule;
        let entry = self.deliveries.get_mut(index(id)).and_then(Option::as_mut).ok_or(EngineError::UnknownDelivery)?;
        if let DeliveryState::InFlight { attempt: in_flight, .. } = entry.delivery.state() {
            if in_flight != attempt {
                return Err(EngineError::AttemptMismatch { in_flight, reported: attempt });
            }
        }
        let action = entry.delivery.complete(now, result, schedule)?;
        let record = entry.delivery.attempts().last().cloned();
        let event_id = entry.event.id.clone();
        let slot = entry.webhook;
        let mut webhook_disabled = None;
        if let (Some(record), Some(w)) = (record, self.webhooks.get_mut(slot as usize)) {
            if !w.deleted {
                if record.outcome.class() == OutcomeClass::Success {
                    w.health.record_success(now);
                } else {
                    let failed = FailedAttempt { delivery_id: id, event_id, at: now, record };
                    webhook_disabled = w.health.record_failure(failed, &self.config.health);
                }
            }
        }
        if webhook_disabled.is_some() {
            self.cancel_waiting(slot, CancelReason::WebhookDisabled, now);
        }
        if let Action::RetryAt { attempt, due_at } = action {
            // The webhook may have been disabled or deleted while this attempt was in flight:
            // then the retry is cancelled at once instead of queued.
            let gone = self.webhooks.get(slot as usize).map_or(Some(CancelReason::WebhookDeleted), |w| {
                if w.deleted {
                    Some(CancelReason::WebhookDeleted)
                } else if !w.health.is_enabled() {
                    Some(CancelReason::WebhookDisabled)
                } else {
                    None
                }
            });
            match gone {
                Some(reason) => {
                    self.entry_mut(id)?.delivery.cancel(now, reason)?;
                }
                None => self.queue.push(Reverse((due_at, id.0, attempt, DUE))),
            }
        }
        let state = self.entry(id)?.delivery.state();
        let action = if matches!(state, DeliveryState::Cancelled { .. }) { Action::Done } else { action };
        Ok(Completion { state, action, webhook_disabled })
    }

    /// When [`due`](Self::due) next has something to do (a due attempt or an expiring
    /// lease), or `None` when nothing is waiting. Takes `&mut self` to drop stale queue
    /// entries.
    pub fn next_wakeup(&mut self) -> Option<i64> {
        while let Some(&Reverse((time, raw, attempt, kind))) = self.queue.peek() {
            let id = DeliveryId(raw);
            let live =
                if kind == LEASE { self.lease_is_live(id, attempt, time) } else { self.due_is_live(id, attempt, time) };
            if live {
                return Some(time);
            }
            self.queue.pop();
        }
        None
    }

    /// One delivery.
    #[must_use]
    pub fn delivery(&self, id: DeliveryId) -> Option<DeliveryRef<'_>> {
        self.view(id.0, self.deliveries.get(index(id))?.as_ref()?)
    }

    /// Every delivery still held, oldest first.
    pub fn deliveries(&self) -> impl Iterator<Item = DeliveryRef<'_>> {
        (0u64..).zip(&self.deliveries).filter_map(|(raw, e)| self.view(raw, e.as_ref()?))
    }

    /// The deliveries of one webhook, oldest first.
    pub fn deliveries_of<'a>(&'a self, webhook_id: &'a str) -> impl Iterator<Item = DeliveryRef<'a>> + 'a {
        self.deliveries().filter(move |d| d.webhook_id == webhook_id)
    }

    /// How many deliveries are scheduled and in flight.
    #[must_use]
    pub fn active(&self) -> (usize, usize) {
        self.deliveries.iter().flatten().fold((0, 0), |(s, f), e| match e.delivery.state() {
            DeliveryState::Scheduled { .. } => (s + 1, f),
            DeliveryState::InFlight { .. } => (s, f + 1),
            _ => (s, f),
        })
    }

    /// Forgets finished deliveries that ended before `before` (they can no longer be listed or
    /// replayed). Returns how many were dropped.
    pub fn prune_finished(&mut self, before: i64) -> usize {
        let mut dropped = 0;
        for slot in &mut self.deliveries {
            let ended = slot.as_ref().and_then(|e| match e.delivery.state() {
                DeliveryState::Succeeded { at }
                | DeliveryState::Failed { at, .. }
                | DeliveryState::Cancelled { at, .. } => Some(at),
                _ => None,
            });
            if ended.is_some_and(|at| at < before) {
                *slot = None;
                dropped += 1;
            }
        }
        dropped
    }

    // ----- internals --------------------------------------------------------------------

    fn schedule(
        &mut self,
        kind: DeliveryKind,
        event: Arc<EventRecord>,
        webhook: u32,
        flat: bool,
        replay_of: Option<DeliveryId>,
        now: i64,
    ) -> DeliveryId {
        let raw = self.deliveries.len() as u64;
        let seed = splitmix64(self.config.seed ^ raw);
        self.deliveries.push(Some(Entry {
            delivery: Delivery::new(kind, now, seed),
            event,
            webhook,
            flat,
            replay_of,
            lease_until: 0,
        }));
        self.queue.push(Reverse((now, raw, 1, DUE)));
        DeliveryId(raw)
    }

    fn start_due(&mut self, id: DeliveryId, attempt: u32, due_at: i64, now: i64) -> Option<SendRequest> {
        if !self.due_is_live(id, attempt, due_at) {
            return None;
        }
        let slot = self.entry(id).ok()?.webhook;
        let w = self.webhooks.get(slot as usize)?;
        let kind = self.entry(id).ok()?.delivery.kind();
        if w.deleted || (!w.health.is_enabled() && kind != DeliveryKind::Test) {
            // Only a test send goes to a disabled webhook (disabling cancels the rest).
            let reason = if w.deleted { CancelReason::WebhookDeleted } else { CancelReason::WebhookDisabled };
            let _ = self.entry_mut(id).ok()?.delivery.cancel(now, reason);
            return None;
        }
        if w.health.should_auto_disable(now, &self.config.health) {
            self.disable_slot(slot, DisableReason::FailureRun, now, None);
            // This delivery's queue entry was popped already: cancel it here.
            let _ = self.entry_mut(id).ok()?.delivery.cancel(now, CancelReason::WebhookDisabled);
            return None;
        }
        let lease_until = now.saturating_add_unsigned(self.config.lease_secs.max(DELIVERY_TIMEOUT_SECS + 1));
        let entry = self.deliveries.get_mut(index(id))?.as_mut()?;
        let Ok(Action::Send { attempt, send_time }) = entry.delivery.start(now) else { return None };
        entry.lease_until = lease_until;
        self.queue.push(Reverse((lease_until, id.0, attempt, LEASE)));
        let body = match (&entry.event.flat, entry.flat) {
            (Some(flat), true) => Arc::clone(flat),
            _ => Arc::clone(&entry.event.body),
        };
        let info = DeliveryInfo {
            webhook_id: &w.id,
            event_id: &entry.event.id,
            event_type: entry.event.event_type.as_str(),
            attempt,
            send_time,
        };
        let headers = if w.expiring.iter().any(|(_, exp)| *exp > now) {
            let mut secrets = w.config.secrets.clone();
            secrets.extend(w.expiring.iter().filter(|(_, exp)| *exp > now).map(|(s, _)| s.clone()));
            delivery_headers_unchecked(&info, &secrets, &body)
        } else {
            delivery_headers_unchecked(&info, &w.config.secrets, &body)
        };
        Some(SendRequest {
            delivery_id: id,
            attempt,
            kind: entry.delivery.kind(),
            webhook_id: w.id.clone(),
            url: w.config.url.clone(),
            send_time,
            lease_until,
            headers,
            body,
        })
    }

    fn due_is_live(&self, id: DeliveryId, attempt: u32, due_at: i64) -> bool {
        self.entry(id).is_ok_and(|e| e.delivery.state() == DeliveryState::Scheduled { attempt, due_at })
    }

    fn lease_is_live(&self, id: DeliveryId, attempt: u32, lease_until: i64) -> bool {
        self.entry(id).is_ok_and(|e| {
            e.lease_until == lease_until
                && matches!(e.delivery.state(), DeliveryState::InFlight { attempt: a, .. } if a == attempt)
        })
    }

    fn disable_slot(&mut self, slot: u32, reason: DisableReason, now: i64, note: Option<String>) -> usize {
        let changed = self.webhooks.get_mut(slot as usize).is_some_and(|w| w.health.disable(reason, now, note));
        if changed { self.cancel_waiting(slot, CancelReason::WebhookDisabled, now) } else { 0 }
    }

    /// Cancels every scheduled delivery of a webhook (found through the queue: only
    /// scheduled deliveries have a live due entry).
    fn cancel_waiting(&mut self, slot: u32, reason: CancelReason, now: i64) -> usize {
        let mut cancelled = 0;
        let waiting: Vec<u64> =
            self.queue.iter().filter(|Reverse(item)| item.3 == DUE).map(|Reverse(item)| item.1).collect();
        for raw in waiting {
            if let Some(Some(e)) = self.deliveries.get_mut(index(DeliveryId(raw))) {
                if e.webhook == slot && e.delivery.cancel(now, reason).is_ok() {
                    cancelled += 1;
                }
            }
        }
        cancelled
    }

    fn slot(&self, id: &str) -> Result<u32, EngineError> {
        self.by_id.get(id).copied().ok_or(EngineError::UnknownWebhook)
    }

    fn webhook_mut(&mut self, id: &str) -> Result<&mut WebhookEntry, EngineError> {
        let slot = self.slot(id)?;
        self.webhooks.get_mut(slot as usize).ok_or(EngineError::UnknownWebhook)
    }

    fn entry(&self, id: DeliveryId) -> Result<&Entry, EngineError> {
        self.deliveries.get(index(id)).and_then(Option::as_ref).ok_or(EngineError::UnknownDelivery)
    }

    fn entry_mut(&mut self, id: DeliveryId) -> Result<&mut Entry, EngineError> {
        self.deliveries.get_mut(index(id)).and_then(Option::as_mut).ok_or(EngineError::UnknownDelivery)
    }

    fn view<'a>(&'a self, raw: u64, e: &'a Entry) -> Option<DeliveryRef<'a>> {
        let w = self.webhooks.get(e.webhook as usize)?;
        Some(DeliveryRef {
            id: DeliveryId(raw),
            webhook_id: &w.id,
            event_id: &e.event.id,
            event_type: &e.event.event_type,
            flat: e.flat,
            replay_of: e.replay_of,
            delivery: &e.delivery,
        })
    }
}

fn index(id: DeliveryId) -> usize {
    usize::try_from(id.0).unwrap_or(usize::MAX)
}

fn into_record(event: OutgoingEvent, need_flat: bool) -> Result<EventRecord, EngineError> {
    let OutgoingEvent { id, event_type, body, flat_body } = event;
    let flat = match flat_body {
        Some(flat) => Some(flat),
        None if need_flat => Some(derive_flat(&body)?),
        None => None,
    };
    Ok(EventRecord { id, event_type, body: Arc::from(body), flat: flat.map(Arc::from) })
}

#[cfg(feature = "serde")]
fn derive_flat(body: &[u8]) -> Result<Vec<u8>, EngineError> {
    crate::event::flatten_json(body).map(String::into_bytes).map_err(|_| EngineError::FlatPayloadUnavailable)
}

#[cfg(not(feature = "serde"))]
fn derive_flat(_body: &[u8]) -> Result<Vec<u8>, EngineError> {
    Err(EngineError::FlatPayloadUnavailable)
}
