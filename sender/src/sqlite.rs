//! The default [`Store`]: one SQLite file (bundled SQLite, WAL, `synchronous = FULL`,
//! versioned migrations in `PRAGMA user_version`).
//!
//! Every method runs in one transaction, so `publish` returns only after the event and all
//! its deliveries are on disk: an acknowledged event survives `kill -9` and power loss.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use cstar_webhooks::Secret;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::store::{
    AttemptRecord, Claimed, Completion, Delivery, DeliveryFilter, DeliveryStatus, NewWebhook, Next, Store, StoreError,
    StoreResult, StoredEvent, Webhook, WebhookKind, WebhookPatch,
};

/// The schema, one entry per version. Never edit a shipped entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        name TEXT NOT NULL,
        events TEXT NOT NULL,
        flat_payload INTEGER NOT NULL,
        enabled INTEGER NOT NULL,
        disabled_by TEXT, disabled_reason TEXT, disabled_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_success_at INTEGER,
        failure_run_started_at INTEGER,
        failure_run_count INTEGER NOT NULL DEFAULT 0,
        kind TEXT NOT NULL DEFAULT 'webhook'
    );
    CREATE TABLE secrets (
        id INTEGER PRIMARY KEY,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
    );
    CREATE INDEX secrets_webhook ON secrets(webhook_id);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL REFERENCES events(id),
        event_type TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_outcome TEXT
    );
    CREATE INDEX deliveries_due ON deliveries(status, due_at);
    CREATE INDEX deliveries_webhook ON deliveries(webhook_id, created_at);
    CREATE INDEX deliveries_event ON deliveries(event_id);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        delivery_id TEXT,
        webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        status_code INTEGER,
        error TEXT,
        excerpt TEXT NOT NULL,
        manual INTEGER NOT NULL,
        success INTEGER NOT NULL
    );
    CREATE INDEX attempts_delivery ON attempts(delivery_id, id);
    CREATE INDEX attempts_webhook ON attempts(webhook_id, started_at);
    ",
    // 2: per-webhook claim lookups.
    "CREATE INDEX deliveries_webhook_due ON deliveries(webhook_id, status, due_at);",
];

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const WEBHOOK_COLS: &str = "id, url, name, events, flat_payload, enabled, disabled_by, disabled_reason, disabled_at, \
     created_at, updated_at, last_success_at, failure_run_started_at, failure_run_count, kind";
const DELIVERY_COLS: &str =
    "id, event_id, event_type, webhook_id, status, attempts, due_at, lease_until, created_at, updated_at, last_outcome";
const ATTEMPT_COLS: &str = "delivery_id, webhook_id, event_id, number, started_at, duration_ms, outcome, status_code, \
     error, excerpt, manual, success";

fn webhook_from_row(r: &Row<'_>) -> rusqlite::Result<Webhook> {
    let events: String = r.get(3)?;
    Ok(Webhook {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        flat_payload: r.get(4)?,
        enabled: r.get(5)?,
        disabled_by: r.get(6)?,
        disabled_reason: r.get(7)?,
        disabled_at: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        last_success_at: r.get(11)?,
        failure_run_started_at: r.get(12)?,
        failure_run_count: r.get(13)?,
        kind: WebhookKind::parse(&r.get::<_, String>(14)?),
    })
}

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    let status: String = r.get(4)?;
    Ok(Delivery {
        id: r.get(0)?,
        event_id: r.get(1)?,
        event_type: r.get(2)?,
        webhook_id: r.get(3)?,
        status: DeliveryStatus::parse(&status).unwrap_or(DeliveryStatus::Failed),
        attempts: r.get(5)?,
        due_at: r.get(6)?,
        lease_until: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        last_outcome: r.get(10)?,
    })
}

fn attempt_from_row(r: &Row<'_>) -> rusqlite::Result<AttemptRecord> {
    Ok(AttemptRecord {
        delivery_id: r.get(0)?,
        webhook_id: r.get(1)?,
        event_id: r.get(2)?,
        number: r.get(3)?,
        started_at: r.get(4)?,
        duration_ms: r.get(5)?,
        outcome: r.get(6)?,
        status_code: r.get(7)?,
        error: r.get(8)?,
        excerpt: r.get(9)?,
        manual: r.get(10)?,
        success: r.get(11)?,
    })
}

fn outcome_text(a: &AttemptRecord) -> String {
    match (a.status_code, &a.error) {
        (Some(code), _) => format!("status:{code}"),
        (None, Some(e)) => format!("{}:{e}", a.outcome),
        (None, None) => a.outcome.clone(),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory database (tests).
    ///
    /// # Errors
    /// When SQLite fails.
    pub fn in_memory() -> StoreResult<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> StoreResult<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Keep the hot pages in memory: 32 MiB page cache, reads through a 256 MiB map.
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.pragma_update(None, "mmap_size", 268_435_456)?;
        // Checkpoint every ~40 MiB of WAL instead of the default 4 MiB: hot index pages are
        // rewritten many times between checkpoints, so fewer checkpoints copy far fewer pages.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let current = usize::try_from(version).map_err(|_| StoreError("bad schema version".into()))?;
        if current > MIGRATIONS.len() {
            return Err(StoreError(format!(
                "the database has schema version {current}, newer than this binary ({})",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX))?;
            tx.commit()?;
        }
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// The schema version of the open database.
    #[must_use]
    pub const fn schema_version() -> usize {
        MIGRATIONS.len()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get_webhook_on(conn: &Connection, id: &str) -> rusqlite::Result<Option<Webhook>> {
        conn.prepare_cached(&format!("SELECT {WEBHOOK_COLS} FROM webhooks WHERE id = ?1"))?
            .query_row([id], webhook_from_row)
            .optional()
    }

    fn claim_due_on(
        conn: &mut Connection,
        now: i64,
        lease_until: i64,
        limit: u32,
        per_webhook: u32,
    ) -> StoreResult<Vec<Claimed>> {
        let tx = conn.transaction()?;
        let ids = pick_due(&tx, now, limit, per_webhook)?;
        let mut out = Vec::with_capacity(ids.len());
        let mut secrets_cache: Vec<(String, Vec<Secret>)> = Vec::new();
        let mut hooks_cache: Vec<(String, Option<Webhook>)> = Vec::new();
        let mut body_cache: Option<(String, Option<String>)> = None;
        for id in ids {
            tx.prepare_cached(
                "UPDATE deliveries SET status = 'in_flight', lease_until = ?2, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![id, lease_until, now])?;
            let delivery = tx
                .prepare_cached(&format!("SELECT {DELIVERY_COLS} FROM deliveries WHERE id = ?1"))?
                .query_row([&id], delivery_from_row)?;
            let webhook = match hooks_cache.iter().find(|(h, _)| *h == delivery.webhook_id) {
                Some((_, w)) => w.clone(),
                None => {
                    let w = Self::get_webhook_on(&tx, &delivery.webhook_id)?;
                    hooks_cache.push((delivery.webhook_id.clone(), w.clone()));
                    w
                }
            };
            let body = match &body_cache {
                Some((event, body)) if *event == delivery.event_id => body.clone(),
                _ => {
                    let body: Option<String> = tx
                        .prepare_cached("SELECT body FROM events WHERE id = ?1")?
                        .query_row([&delivery.event_id], |r| r.get(0))
                        .optional()?;
                    body_cache = Some((delivery.event_id.clone(), body.clone()));
                    body
                }
            };
            match (webhook, body) {
                (Some(webhook), Some(body)) if webhook.enabled => {
                    let secrets = match secrets_cache.iter().find(|(id, _)| *id == webhook.id) {
                        Some((_, s)) => s.clone(),
                        None => {
                            let s = active_secrets_on(&tx, &webhook.id, now)?;
                            secrets_cache.push((webhook.id.clone(), s.clone()));
                            s
                        }
                    };
                    out.push(Claimed { delivery, webhook, body, secrets });
                }
                _ => {
                    // The webhook went away or was disabled after the delivery was scheduled.
                    tx.execute(
                        "UPDATE deliveries SET status = 'cancelled', lease_until = NULL, updated_at = ?2 WHERE id = ?1",
                        params![id, now],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn complete_attempts_on(conn: &mut Connection, batch: &[Completion]) -> StoreResult<()> {
        let tx = conn.transaction()?;
        for c in batch {
            let a = &c.attempt;
            let now = c.finished_at;
            insert_attempt(&tx, a)?;
            let delivery_id = a.delivery_id.as_deref().unwrap_or_default();
            let outcome = outcome_text(a);
            let (status, due) = match c.next {
                Next::Succeeded => (DeliveryStatus::Succeeded, None),
                Next::Retry { due_at } => (DeliveryStatus::Scheduled, Some(due_at)),
                Next::Failed | Next::Gone => (DeliveryStatus::Failed, None),
            };
            tx.prepare_cached(
                "UPDATE deliveries SET status = ?2, attempts = ?3, due_at = ?4, lease_until = NULL, updated_at = ?5, \
                 last_outcome = ?6 WHERE id = ?1",
            )?
            .execute(params![delivery_id, status.as_str(), a.number, due, now, outcome])?;
            if a.success {
                tx.prepare_cached(
                    "UPDATE webhooks SET failure_run_started_at = NULL, failure_run_count = 0, \
                     last_success_at = MAX(COALESCE(last_success_at, 0), ?2) WHERE id = ?1",
                )?
                .execute(params![a.webhook_id, now])?;
            } else {
                tx.prepare_cached(
                    "UPDATE webhooks SET failure_run_started_at = COALESCE(failure_run_started_at, ?2), \
                     failure_run_count = failure_run_count + 1 WHERE id = ?1",
                )?
                .execute(params![a.webhook_id, now])?;
            }
            if c.next == Next::Gone {
                let kind: Option<String> = tx
                    .query_row("SELECT kind FROM webhooks WHERE id = ?1", [&a.webhook_id], |r| r.get(0))
                    .optional()?;
                Self::cancel_waiting(&tx, &a.webhook_id, "webhook_disabled", now)?;
                if kind.as_deref() == Some(WebhookKind::RestHook.as_str()) {
                    // Zapier REST Hooks: 410 means "unsubscribe".
                    tx.execute("DELETE FROM webhooks WHERE id = ?1", [&a.webhook_id])?;
                } else {
                    tx.execute(
                        "UPDATE webhooks SET enabled = 0, disabled_by = 'system', disabled_reason = ?2, \
                         disabled_at = ?3, updated_at = ?3 WHERE id = ?1 AND enabled = 1",
                        params![a.webhook_id, "gone: the endpoint answered 410 Gone", now],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn cancel_waiting(conn: &Connection, webhook_id: &str, reason: &str, now: i64) -> rusqlite::Result<usize> {
        conn.execute(
            "UPDATE deliveries SET status = 'cancelled', due_at = NULL, lease_until = NULL, updated_at = ?2, \
             last_outcome = COALESCE(last_outcome, ?3) WHERE webhook_id = ?1 AND status = 'scheduled'",
            params![webhook_id, now, reason],
        )
    }
}

impl Store for SqliteStore {
    fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn meta_set(&self, key: &str, value: &str) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    fn create_webhook(&self, new: &NewWebhook, now: i64) -> StoreResult<Webhook> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let events = serde_json::to_string(&new.events).map_err(|e| StoreError(e.to_string()))?;
        tx.execute(
            "INSERT INTO webhooks(id, url, name, events, flat_payload, enabled, created_at, updated_at, kind) \
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, ?7)",
            params![new.id, new.url, new.name, events, new.flat_payload, now, new.kind.as_str()],
        )?;
        tx.execute(
            "INSERT INTO secrets(webhook_id, secret, created_at) VALUES (?1, ?2, ?3)",
            params![new.id, new.secret.expose(), now],
        )?;
        let hook = Self::get_webhook_on(&tx, &new.id)?.ok_or_else(|| StoreError("inserted webhook missing".into()))?;
        tx.commit()?;
        Ok(hook)
    }

    fn list_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {WEBHOOK_COLS} FROM webhooks ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], webhook_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn get_webhook(&self, id: &str) -> StoreResult<Option<Webhook>> {
        Ok(Self::get_webhook_on(&self.conn(), id)?)
    }

    fn update_webhook(&self, id: &str, patch: &WebhookPatch, now: i64) -> StoreResult<Option<Webhook>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let Some(mut hook) = Self::get_webhook_on(&tx, id)? else {
            return Ok(None);
        };
        if let Some(url) = &patch.url {
            hook.url.clone_from(url);
        }
        if let Some(name) = &patch.name {
            hook.name.clone_from(name);
        }
        if let Some(events) = &patch.events {
            hook.events.clone_from(events);
        }
        if let Some(flat) = patch.flat_payload {
            hook.flat_payload = flat;
        }
        let events = serde_json::to_string(&hook.events).map_err(|e| StoreError(e.to_string()))?;
        tx.execute(
            "UPDATE webhooks SET url = ?2, name = ?3, events = ?4, flat_payload = ?5, updated_at = ?6 WHERE id = ?1",
            params![id, hook.url, hook.name, events, hook.flat_payload, now],
        )?;
        let hook = Self::get_webhook_on(&tx, id)?;
        tx.commit()?;
        Ok(hook)
    }

    fn delete_webhook(&self, id: &str, now: i64) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        Self::cancel_waiting(&tx, id, "webhook_deleted", now)?;
        let n = tx.execute("DELETE FROM webhooks WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    fn set_enabled(&self, id: &str, enabled: bool, by: &str, reason: &str, now: i64) -> StoreResult<Option<Webhook>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = if enabled {
            tx.execute(
                "UPDATE webhooks SET enabled = 1, disabled_by = NULL, disabled_reason = NULL, disabled_at = NULL, \
                 failure_run_started_at = NULL, failure_run_count = 0, updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?
        } else {
            let n = tx.execute(
                "UPDATE webhooks SET enabled = 0, disabled_by = ?2, disabled_reason = ?3, disabled_at = ?4, \
                 updated_at = ?4 WHERE id = ?1 AND enabled = 1",
                params![id, by, reason, now],
            )?;
            Self::cancel_waiting(&tx, id, "webhook_disabled", now)?;
            n
        };
        let _ = n;
        let hook = Self::get_webhook_on(&tx, id)?;
        tx.commit()?;
        Ok(hook)
    }

    fn rotate_secret(&self, id: &str, secret: &Secret, old_expire_at: i64, now: i64) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if Self::get_webhook_on(&tx, id)?.is_none() {
            return Ok(false);
        }
        // Secrets that already expire earlier keep their earlier end.
        tx.execute(
            "UPDATE secrets SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > ?2 THEN ?2 ELSE expires_at END \
             WHERE webhook_id = ?1",
            params![id, old_expire_at],
        )?;
        tx.execute("DELETE FROM secrets WHERE webhook_id = ?1 AND expires_at <= ?2", params![id, now])?;
        tx.execute(
            "INSERT INTO secrets(webhook_id, secret, created_at) VALUES (?1, ?2, ?3)",
            params![id, secret.expose(), now],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn active_secrets(&self, webhook_id: &str, now: i64) -> StoreResult<Vec<Secret>> {
        Ok(active_secrets_on(&self.conn(), webhook_id, now)?)
    }

    fn publish_batch(&self, events: &[StoredEvent], now: i64) -> StoreResult<Vec<usize>> {
        let mut conn = self.conn();
        conn.pragma_update(None, "synchronous", "FULL")?;
        let tx = conn.transaction()?;
        let hooks = {
            let mut stmt = tx.prepare_cached(&format!("SELECT {WEBHOOK_COLS} FROM webhooks WHERE enabled = 1"))?;
            stmt.query_map([], webhook_from_row)?.collect::<Result<Vec<_>, _>>()?
        };
        let mut counts = Vec::with_capacity(events.len());
        {
            let mut insert_event =
                tx.prepare_cached("INSERT INTO events(id, type, created_at, body) VALUES (?1, ?2, ?3, ?4)")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO deliveries(id, event_id, event_type, webhook_id, status, attempts, due_at, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, 'scheduled', 0, ?5, ?5, ?5)",
            )?;
            for event in events {
                insert_event.execute(params![event.id, event.event_type, event.created_at, event.body])?;
                let mut n = 0;
                for hook in hooks.iter().filter(|h| h.subscribes_to(&event.event_type)) {
                    insert.execute(params![crate::ids::delivery_id(), event.id, event.event_type, hook.id, now])?;
                    n += 1;
                }
                counts.push(n);
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    fn event_body(&self, event_id: &str) -> StoreResult<Option<String>> {
        Ok(self.conn().query_row("SELECT body FROM events WHERE id = ?1", [event_id], |r| r.get(0)).optional()?)
    }

    fn claim_due(&self, now: i64, lease_until: i64, limit: u32, per_webhook: u32) -> StoreResult<Vec<Claimed>> {
        let mut conn = self.conn();
        relaxed(&mut conn, |conn| Self::claim_due_on(conn, now, lease_until, limit, per_webhook))
    }

    fn complete_attempts(&self, batch: &[Completion]) -> StoreResult<()> {
        let mut conn = self.conn();
        relaxed(&mut conn, |conn| Self::complete_attempts_on(conn, batch))
    }
    fn auto_disable(&self, id: &str, reason: &str, now: i64) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE webhooks SET enabled = 0, disabled_by = 'system', disabled_reason = ?2, disabled_at = ?3, \
             updated_at = ?3 WHERE id = ?1 AND enabled = 1",
            params![id, reason, now],
        )?;
        if n > 0 {
            Self::cancel_waiting(&tx, id, "webhook_disabled", now)?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    fn release(&self, delivery_id: &str, now: i64) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE deliveries SET status = 'scheduled', due_at = ?2, lease_until = NULL, updated_at = ?2 \
             WHERE id = ?1 AND status = 'in_flight'",
            params![delivery_id, now],
        )?;
        Ok(())
    }

    fn next_wakeup(&self) -> StoreResult<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM deliveries WHERE status = 'scheduled' \
             UNION ALL SELECT MIN(lease_until) FROM deliveries WHERE status = 'in_flight')",
            [],
            |r| r.get(0),
        )?)
    }

    fn queue_depth(&self, now: i64) -> StoreResult<u64> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'scheduled' AND due_at <= ?1",
            [now],
            |r| r.get(0),
        )?)
    }

    fn record_manual_attempt(&self, a: &AttemptRecord, now: i64) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_attempt(&tx, a)?;
        if let Some(id) = &a.delivery_id {
            let outcome = outcome_text(a);
            if a.success {
                tx.execute(
                    "UPDATE deliveries SET status = 'succeeded', due_at = NULL, lease_until = NULL, updated_at = ?2, \
                     last_outcome = ?3 WHERE id = ?1 AND status IN ('failed', 'cancelled', 'succeeded')",
                    params![id, now, outcome],
                )?;
            } else {
                tx.execute(
                    "UPDATE deliveries SET updated_at = ?2, last_outcome = ?3 WHERE id = ?1",
                    params![id, now, outcome],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn list_deliveries(&self, f: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {DELIVERY_COLS} FROM deliveries WHERE (?1 IS NULL OR webhook_id = ?1) AND (?2 IS NULL OR status = ?2) \
             AND (?3 IS NULL OR event_id = ?3) ORDER BY created_at DESC, rowid DESC LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(
                params![f.webhook_id, f.status.map(DeliveryStatus::as_str), f.event_id, f.limit],
                delivery_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn get_delivery(&self, id: &str) -> StoreResult<Option<Delivery>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {DELIVERY_COLS} FROM deliveries WHERE id = ?1"), [id], delivery_from_row)
            .optional()?)
    }

    fn delivery_attempts(&self, delivery_id: &str) -> StoreResult<Vec<AttemptRecord>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached(&format!("SELECT {ATTEMPT_COLS} FROM attempts WHERE delivery_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([delivery_id], attempt_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn recent_failures(&self, webhook_id: &str, limit: u32) -> StoreResult<Vec<AttemptRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ATTEMPT_COLS} FROM attempts WHERE webhook_id = ?1 AND success = 0 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![webhook_id, limit], attempt_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn attempts_since(&self, webhook_id: &str, since: i64) -> StoreResult<Vec<AttemptRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ATTEMPT_COLS} FROM attempts WHERE webhook_id = ?1 AND started_at >= ?2 ORDER BY id LIMIT 10000"
        ))?;
        let rows = stmt.query_map(params![webhook_id, since], attempt_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// Runs `f` with `synchronous = NORMAL`, then restores `FULL`. Claims and attempt results
/// use it: in WAL mode they still survive a process crash (`kill -9`) and could be lost only
/// on power loss, which at worst sends a delivery again (at-least-once holds). Everything a
/// client is told is durable (publish, webhooks, secrets) commits with `FULL`.
fn relaxed<T>(conn: &mut Connection, f: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let result = f(conn);
    conn.pragma_update(None, "synchronous", "FULL")?;
    result
}

/// Chooses up to `limit` due deliveries, at most `per_webhook` in flight per webhook:
/// per enabled webhook, its oldest due deliveries up to its free slots (an index lookup per
/// webhook, so a webhook with a huge backlog cannot crowd the others out), then the oldest
/// of those overall; plus deliveries whose lease expired.
fn pick_due(tx: &Connection, now: i64, limit: u32, per_webhook: u32) -> rusqlite::Result<Vec<String>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut busy: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT webhook_id, COUNT(*) FROM deliveries WHERE status = 'in_flight' AND lease_until > ?1 GROUP BY webhook_id",
        )?;
        for row in stmt.query_map([now], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
            let (id, n) = row?;
            busy.insert(id, n);
        }
    }
    let hooks: Vec<String> = {
        let mut stmt = tx.prepare_cached("SELECT id FROM webhooks WHERE enabled = 1")?;
        stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mut picked: Vec<(i64, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, due_at FROM deliveries WHERE webhook_id = ?1 AND status = 'scheduled' AND due_at <= ?2 \
             ORDER BY due_at, id LIMIT ?3",
        )?;
        for hook in hooks {
            let free = per_webhook.saturating_sub(busy.get(&hook).copied().unwrap_or(0));
            if free == 0 {
                continue;
            }
            for row in
                stmt.query_map(params![hook, now, free], |r| Ok((r.get::<_, i64>(1)?, r.get::<_, String>(0)?)))?
            {
                picked.push(row?);
            }
        }
    }
    {
        // Leases left by a crashed or stuck worker.
        let mut stmt = tx.prepare_cached(
            "SELECT id, lease_until FROM deliveries WHERE status = 'in_flight' AND lease_until <= ?1 LIMIT ?2",
        )?;
        for row in stmt.query_map(params![now, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, String>(0)?))
        })? {
            picked.push(row?);
        }
    }
    picked.sort();
    picked.truncate(limit);
    Ok(picked.into_iter().map(|(_, id)| id).collect())
}

fn active_secrets_on(conn: &Connection, webhook_id: &str, now: i64) -> rusqlite::Result<Vec<Secret>> {
    let mut stmt = conn.prepare_cached(
        "SELECT secret FROM secrets WHERE webhook_id = ?1 AND (expires_at IS NULL OR expires_at > ?2) ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![webhook_id, now], |r| r.get::<_, String>(0))?;
    rows.map(|r| r.map(Secret::new)).collect()
}

fn insert_attempt(conn: &Connection, a: &AttemptRecord) -> rusqlite::Result<usize> {
    conn.prepare_cached(&format!(
        "INSERT INTO attempts({ATTEMPT_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    ))?
    .execute(params![
        a.delivery_id,
        a.webhook_id,
        a.event_id,
        a.number,
        a.started_at,
        a.duration_ms,
        a.outcome,
        a.status_code,
        a.error,
        a.excerpt,
        a.manual,
        a.success
    ])
}
