//! Prometheus metrics, kept in atomics and rendered as text at `/metrics`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::http::SendResult;
use crate::store::Next;

/// Histogram bucket bounds, milliseconds.
const BUCKETS_MS: [u64; 12] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; 12],
    count: AtomicU64,
    sum_ms: AtomicU64,
}

impl Histogram {
    fn observe(&self, ms: i64) {
        let ms = u64::try_from(ms).unwrap_or(0);
        for (bound, bucket) in BUCKETS_MS.iter().zip(&self.buckets) {
            if ms <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_ms.fetch_add(ms, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, bucket) in BUCKETS_MS.iter().zip(&self.buckets) {
            let secs = Secs(*bound);
            let _ = writeln!(out, "{name}_bucket{{le=\"{secs}\"}} {}", bucket.load(Ordering::Relaxed));
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", Secs(self.sum_ms.load(Ordering::Relaxed)));
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Milliseconds printed as seconds.
struct Secs(u64);

impl core::fmt::Display for Secs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

/// The sender's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    succeeded: AtomicU64,
    retried: AtomicU64,
    failed: AtomicU64,
    gone: AtomicU64,
    attempts_ok: AtomicU64,
    attempts_failed: AtomicU64,
    events_published: AtomicU64,
    latency: Histogram,
    lag: Histogram,
}

impl Metrics {
    /// Counts a published event.
    pub fn observe_publish(&self) {
        self.events_published.fetch_add(1, Ordering::Relaxed);
    }

    /// Records an attempt's latency and result.
    pub fn observe_attempt(&self, r: &SendResult) {
        self.latency.observe(r.duration_ms);
        if r.outcome.is_success() {
            self.attempts_ok.fetch_add(1, Ordering::Relaxed);
        } else {
            self.attempts_failed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records the lag between a delivery's due time and its send.
    pub fn observe_lag(&self, ms: i64) {
        self.lag.observe(ms);
    }

    /// Counts what followed an attempt.
    pub fn observe_next(&self, next: &Next) {
        let c = match next {
            Next::Succeeded => &self.succeeded,
            Next::Retry { .. } => &self.retried,
            Next::Failed => &self.failed,
            Next::Gone => &self.gone,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub fn render(&self, queue_depth: u64) -> String {
        let mut out = String::with_capacity(2048);
        let _ = writeln!(
            out,
            "# HELP cstar_deliveries_total Delivery attempts by what followed them.\n# TYPE cstar_deliveries_total counter"
        );
        for (outcome, c) in [
            ("succeeded", &self.succeeded),
            ("retry_scheduled", &self.retried),
            ("failed", &self.failed),
            ("gone", &self.gone),
        ] {
            let _ = writeln!(out, "cstar_deliveries_total{{outcome=\"{outcome}\"}} {}", c.load(Ordering::Relaxed));
        }
        let _ =
            writeln!(out, "# HELP cstar_attempts_total HTTP attempts by result.\n# TYPE cstar_attempts_total counter");
        let _ =
            writeln!(out, "cstar_attempts_total{{result=\"success\"}} {}", self.attempts_ok.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "cstar_attempts_total{{result=\"failure\"}} {}",
            self.attempts_failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP cstar_events_published_total Events accepted.\n# TYPE cstar_events_published_total counter\ncstar_events_published_total {}",
            self.events_published.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP cstar_queue_depth Deliveries due now and not yet sent.\n# TYPE cstar_queue_depth gauge\ncstar_queue_depth {queue_depth}"
        );
        self.latency.render(&mut out, "cstar_attempt_duration_seconds", "Attempt latency up to the response head.");
        self.lag.render(&mut out, "cstar_due_to_sent_lag_seconds", "Time from a delivery's due time to its send.");
        out
    }
}
