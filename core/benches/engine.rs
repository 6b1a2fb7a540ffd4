//! Engine benchmarks: state-machine transitions per second, scheduler throughput, and heap
//! bytes per scheduled delivery (measured with a counting allocator).
//!
//! Run: `cargo bench -p cstar-webhooks --bench engine`
//! Targets (issue 3): ≥ 5 M transitions/s on one core; ≤ 256 B per scheduled delivery.
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::cast_precision_loss,
    missing_docs,
    unsafe_code
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Instant;

use cstar_webhooks::engine::{
    AttemptResult, Delivery, DeliveryKind, OutgoingEvent, Scheduler, SchedulerConfig, WebhookConfig,
};
use cstar_webhooks::{EventType, RetrySchedule, Secret};

/// Counts live heap bytes and allocation calls.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const SECRET: &str = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8";

fn body(i: usize) -> Vec<u8> {
    format!(
        r#"{{"id":"evt_{i}","type":"ticket.created","created_at":"2026-03-30T10:30:00Z","team_id":"t","data":{{}}}}"#
    )
    .into_bytes()
}

/// Best of `runs` timings of `f`, in seconds.
fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // Ignore the harness's arguments (`--bench`).
    let schedule = RetrySchedule::default();

    // 1. Pure state-machine transitions: each delivery fails 6 times, then succeeds:
    //    7 starts + 7 completes = 14 transitions, no allocation beyond the attempt records.
    const N: usize = 100_000;
    let fail = AttemptResult::status(500);
    let ok = AttemptResult::status(200);
    let secs = best(5, || {
        for i in 0..N {
            let mut d = Delivery::new(DeliveryKind::Event, 0, i as u64);
            let mut now = 0;
            for attempt in 1..=7 {
                d.start(now).unwrap();
                let r = if attempt == 7 { ok.clone() } else { fail.clone() };
                if let cstar_webhooks::Action::RetryAt { due_at, .. } = d.complete(now, r, &schedule).unwrap() {
                    now = due_at;
                }
            }
            black_box(&d);
        }
    });
    let transitions = (N * 14) as f64;
    println!(
        "engine: state machine        {:>8.2} M transitions/s  ({N} deliveries x 14 transitions, best of 5)",
        transitions / secs / 1e6
    );

    // Transitions without the attempt-record vector growth: start/complete(200) only.
    let secs = best(5, || {
        for i in 0..N * 7 {
            let mut d = Delivery::new(DeliveryKind::Event, 0, i as u64);
            d.start(0).unwrap();
            black_box(d.complete(0, ok.clone(), &schedule).unwrap());
        }
    });
    println!("engine: start+complete(2xx)  {:>8.2} M transitions/s", (N * 7 * 2) as f64 / secs / 1e6);

    // 2. Scheduler end to end: publish, due (builds headers: HMAC-SHA256 signing), complete.
    let webhooks = 10;
    let events = 20_000;
    let secs = best(3, || {
        let mut engine = Scheduler::new(SchedulerConfig::default());
        for w in 0..webhooks {
            engine
                .register(format!("whk_{w}"), WebhookConfig::new("https://x.example/", ["*"], [Secret::new(SECRET)]))
                .unwrap();
        }
        for i in 0..events {
            engine.publish(OutgoingEvent::new(format!("evt_{i}"), EventType::TicketCreated, body(i)), 0).unwrap();
        }
        for r in engine.due(0) {
            engine.complete(r.delivery_id, r.attempt, AttemptResult::status(200), 0).unwrap();
        }
        black_box(engine.next_wakeup());
    });
    let deliveries = (webhooks * events) as f64;
    println!(
        "engine: scheduler            {:>8.0} k deliveries/s end to end (publish + due with signed headers + complete; {} deliveries)",
        deliveries / secs / 1e3,
        webhooks * events
    );

    // 3. Heap bytes per scheduled delivery: 10 webhooks x 10,000 events = 100,000 waiting
    //    deliveries. Reported with and without the share of the event bodies (one copy per
    //    event, shared by its deliveries through an Arc).
    let mut engine = Scheduler::new(SchedulerConfig::default());
    for w in 0..webhooks {
        engine
            .register(format!("whk_{w}"), WebhookConfig::new("https://x.example/", ["*"], [Secret::new(SECRET)]))
            .unwrap();
    }
    let n_events = 10_000;
    let bodies: Vec<OutgoingEvent> =
        (0..n_events).map(|i| OutgoingEvent::new(format!("evt_{i:05}"), EventType::TicketCreated, body(i))).collect();
    let event_bytes: usize = bodies.iter().map(|e| e.body.len() + e.id.len()).sum();
    let before = LIVE.load(Ordering::Relaxed);
    let calls_before = CALLS.load(Ordering::Relaxed);
    for e in bodies {
        // Each `publish` returns the ids as a Vec; dropped at once.
        engine.publish(e, 0).unwrap();
    }
    let live = (LIVE.load(Ordering::Relaxed) - before) as f64;
    let calls = CALLS.load(Ordering::Relaxed) - calls_before;
    let n = (webhooks * n_events) as f64;
    println!(
        "engine: memory               {:>8.1} B per scheduled delivery in all ({:.1} B engine bookkeeping incl. per-event record + {:.1} B share of the event id and body bytes)",
        live / n,
        (live - event_bytes as f64) / n,
        event_bytes as f64 / n
    );
    println!(
        "engine: allocations          {:>8.2} allocator calls per scheduled delivery (amortized vector growth, per-event body and id)",
        calls as f64 / n
    );
    black_box(&engine);
}
