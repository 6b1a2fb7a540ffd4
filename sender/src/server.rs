//! Wiring: open the store, build the dispatcher and the API, serve until shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cstar_webhooks::RetrySchedule;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::api::{AppState, key_digest, router};
use crate::clock::Clock;
use crate::dispatcher::{DispatchConfig, Dispatcher};
use crate::metrics::Metrics;
use crate::rules::HealthRule;
use crate::sqlite::SqliteStore;
use crate::ssrf::{Cidr, Lookup, Policy};
use crate::store::Store;

/// Everything `serve` can be told.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The SQLite file (`None`: in memory, tests only).
    pub db: Option<PathBuf>,
    /// Where the API and the settings page listen.
    pub listen: SocketAddr,
    /// The API key (else the stored one, else a generated one).
    pub api_key: Option<String>,
    /// Allow `http://` and loopback targets.
    pub dev: bool,
    /// Extra allowed ranges.
    pub allow_cidrs: Vec<Cidr>,
    /// Old secrets keep signing this long after a rotation.
    pub rotation_overlap: Duration,
    /// The delays before attempts 1..n, seconds (default: the guide's table).
    pub retry_delays: Option<Vec<u64>>,
    /// Global concurrency.
    pub max_in_flight: u32,
    /// Per-webhook concurrency.
    pub per_webhook: u32,
    /// The team id of published events without one (else stored/generated).
    pub team_id: Option<String>,
    /// Auto-disable: the failure run must be this old.
    pub disable_after: Duration,
    /// Auto-disable: …and hold this many failures.
    pub disable_after_failures: u32,
    /// Poll interval of the dispatcher.
    pub poll_interval: Duration,
    /// The attempt deadline (10 s; shorter only in tests).
    pub attempt_timeout: Duration,
    /// How long a claim lasts; must exceed `attempt_timeout` (30 s: 10 s + 5 s body read + margin).
    pub lease: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            db: Some(PathBuf::from("cstar-webhooks.db")),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            api_key: None,
            dev: false,
            allow_cidrs: Vec::new(),
            rotation_overlap: Duration::from_secs(86_400),
            retry_delays: None,
            max_in_flight: 64,
            per_webhook: 8,
            team_id: None,
            disable_after: Duration::from_secs(5 * 86_400),
            disable_after_failures: 10,
            poll_interval: Duration::from_millis(500),
            attempt_timeout: Duration::from_secs(cstar_webhooks::retry::DELIVERY_TIMEOUT_SECS),
            lease: Duration::from_secs(30),
        }
    }
}

/// A running sender.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// The API key generated at this start (printed once), if one was.
    pub generated_api_key: Option<String>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// Wakes the dispatcher (tests moving a manual clock).
    pub wake: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    dispatcher: JoinHandle<()>,
}

impl core::fmt::Debug for dyn Store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Store")
    }
}

impl Running {
    /// Stops accepting requests, lets in-flight attempts finish (or releases them) and waits.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.dispatcher.await;
        let _ = self.server.await;
    }

    /// Resolves when a shutdown was requested and everything stopped.
    pub async fn wait(self) {
        let _ = self.dispatcher.await;
        let _ = self.server.await;
    }

    /// A handle that requests shutdown.
    #[must_use]
    pub fn shutdown_handle(&self) -> watch::Sender<bool> {
        self.shutdown.clone()
    }
}

fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    cstar_webhooks::RandomSource::fill_bytes(&mut crate::ids::os_rng(), &mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Opens the store, starts the dispatcher and the HTTP server.
///
/// # Errors
/// A message when the store cannot be opened, the settings are invalid or the address
/// cannot be bound.
pub async fn start(settings: Settings, clock: Arc<dyn Clock>, lookup: Option<Lookup>) -> Result<Running, String> {
    if settings.lease <= settings.attempt_timeout + Duration::from_secs(1) {
        return Err("the lease must outlast the attempt timeout by more than a second".into());
    }
    let schedule = match &settings.retry_delays {
        None => RetrySchedule::default(),
        Some(d) => RetrySchedule::custom(d).map_err(|e| format!("retry delays: {}", e.code()))?,
    };
    let store: Arc<dyn Store> = Arc::new(
        match &settings.db {
            Some(path) => SqliteStore::open(path),
            None => SqliteStore::in_memory(),
        }
        .map_err(|e| e.to_string())?,
    );
    let mut generated_api_key = None;
    let api_key_digest = match &settings.api_key {
        Some(key) if !key.trim().is_empty() => key_digest(key.trim()),
        _ => match store.meta_get("api_key_sha256").map_err(|e| e.to_string())? {
            Some(hexed) => {
                let mut d = [0u8; 32];
                hex::decode_to_slice(hexed, &mut d).map_err(|e| format!("stored API key digest: {e}"))?;
                d
            }
            None => {
                let key = crate::ids::api_key();
                let d = key_digest(&key);
                store.meta_set("api_key_sha256", &hex::encode(d)).map_err(|e| e.to_string())?;
                generated_api_key = Some(key);
                d
            }
        },
    };
    let team_id = match &settings.team_id {
        Some(t) => t.clone(),
        None => match store.meta_get("team_id").map_err(|e| e.to_string())? {
            Some(t) => t,
            None => {
                let t = uuid_v4();
                store.meta_set("team_id", &t).map_err(|e| e.to_string())?;
                t
            }
        },
    };
    let mut policy = Policy::new(settings.dev, settings.allow_cidrs.clone());
    if let Some(lookup) = lookup {
        policy.lookup = lookup;
    }
    let policy = Arc::new(policy);
    let client = crate::http::build_client(Arc::clone(&policy)).map_err(|e| format!("HTTP client: {e}"))?;
    let config = DispatchConfig {
        schedule,
        health: HealthRule {
            disable_after_secs: settings.disable_after.as_secs(),
            disable_after_failures: settings.disable_after_failures,
            ..HealthRule::default()
        },
        max_in_flight: settings.max_in_flight,
        per_webhook: settings.per_webhook,
        poll_interval: settings.poll_interval,
        attempt_timeout: settings.attempt_timeout,
        lease_ms: i64::try_from(settings.lease.as_millis()).unwrap_or(i64::MAX),
        ..DispatchConfig::default()
    };
    let wake = Arc::new(Notify::new());
    let dispatcher = Arc::new(Dispatcher {
        store: Arc::clone(&store),
        clock: Arc::clone(&clock),
        client,
        policy,
        config,
        wake: Arc::clone(&wake),
        metrics: Arc::new(Metrics::default()),
    });
    let (publish_tx, publish_rx) = tokio::sync::mpsc::channel(4096);
    tokio::spawn(crate::api::publisher(Arc::clone(&store), Arc::clone(&clock), publish_rx));
    let state = Arc::new(AppState {
        store: Arc::clone(&store),
        clock,
        dispatcher: Arc::clone(&dispatcher),
        api_key_digest,
        rotation_overlap_ms: i64::try_from(settings.rotation_overlap.as_millis()).unwrap_or(i64::MAX),
        team_id,
        publisher: publish_tx,
    });
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = watch::channel(false);
    let app = router(state);
    let mut srv_rx = rx.clone();
    let server = tokio::spawn(async move {
        let stop = async move {
            while !*srv_rx.borrow() {
                if srv_rx.changed().await.is_err() {
                    break;
                }
            }
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
            tracing::error!(error = %e, "HTTP server failed");
        }
    });
    let dispatcher = tokio::spawn(dispatcher.run(rx));
    Ok(Running { addr, generated_api_key, store, wake, shutdown: tx, server, dispatcher })
}
