//! The retry schedule, the delivery state machine, webhook health and the scheduler:
//! every case of `tests/vectors/retry.json`, property tests, and a 6-day simulation.

use std::collections::{BTreeMap, HashMap};

use cstar_webhooks::engine::{
    Action, AttemptRecord, AttemptResult, Delivery, DeliveryId, DeliveryKind, DeliveryState, DisableReason,
    EngineError, FailReason, FailedAttempt, HealthPolicy, OutgoingEvent, Scheduler, SchedulerConfig, WebhookConfig,
    WebhookHealth, WebhookStatus,
};
use cstar_webhooks::retry::{self, jitter_extra, splitmix64};
use cstar_webhooks::time::format_rfc3339;
use cstar_webhooks::{
    EventType, MAX_RETRY_AFTER_SECS, NetworkErrorKind, Outcome, RetrySchedule, STANDARD_DELAYS, Secret, Verifier,
    WebhookHeaders, parse_retry_after,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::vectors;

fn opt_i64(v: &Value) -> Option<i64> {
    if v.is_null() { None } else { Some(v.as_i64().unwrap()) }
}

fn opt_u64(v: &Value) -> Option<u64> {
    if v.is_null() { None } else { Some(v.as_u64().unwrap()) }
}

fn outcome(v: &Value) -> Outcome {
    match v["kind"].as_str().unwrap() {
        "status" => Outcome::Status(u16::try_from(v["code"].as_u64().unwrap()).unwrap()),
        "timeout" => Outcome::Timeout,
        "network_error" => {
            let kind = NetworkErrorKind::parse(v["error"].as_str().unwrap());
            assert_eq!(kind.as_str(), v["error"].as_str().unwrap(), "unknown network error kind");
            Outcome::NetworkError(kind)
        }
        other => panic!("unknown outcome kind {other}"),
    }
}

fn hex_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

// ----- vectors ----------------------------------------------------------------------------

#[test]
fn vectors_schedule() {
    let v = vectors("retry.json");
    assert_eq!(v["version"], 1);
    let s = &v["schedule"];
    let schedule = RetrySchedule::default();
    assert_eq!(u64::from(schedule.attempts()), s["attempts"].as_u64().unwrap());
    let delays: Vec<u64> = s["delays"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap()).collect();
    assert_eq!(schedule.delays(), delays.as_slice());
    assert_eq!(STANDARD_DELAYS.as_slice(), delays.as_slice());
    let offsets: Vec<u64> = s["offsets"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap()).collect();
    assert_eq!(retry::standard_offsets(), offsets);
    assert_eq!(schedule.total_span(), s["total_span"].as_u64().unwrap());
    assert_eq!(MAX_RETRY_AFTER_SECS, s["max_retry_after"].as_u64().unwrap());
    for c in s["delay_before"].as_array().unwrap() {
        let a = u32::try_from(c["attempt"].as_u64().unwrap()).unwrap();
        assert_eq!(schedule.delay_before(a), opt_u64(&c["expected"]), "delay_before({a})");
    }
    for c in s["next_due"].as_array().unwrap() {
        let a = u32::try_from(c["attempt"].as_u64().unwrap()).unwrap();
        let at = c["failed_at"].as_i64().unwrap();
        assert_eq!(schedule.next_due(a, at), opt_i64(&c["expected"]), "next_due({a})");
    }
}

#[test]
fn vectors_classify() {
    let v = vectors("retry.json");
    let cases = v["classify"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for c in cases {
        let o = outcome(&c["outcome"]);
        assert_eq!(o.class().as_str(), c["class"].as_str().unwrap(), "{}", c["name"]);
        assert_eq!(o.honors_retry_after(), c["honors_retry_after"].as_bool().unwrap(), "{}", c["name"]);
        assert_eq!(o.to_string(), c["display"].as_str().unwrap());
    }
}

#[test]
fn vectors_next_retry() {
    let v = vectors("retry.json");
    let cases = v["next_retry"].as_array().unwrap();
    assert!(cases.len() >= 60);
    for c in cases {
        let pct = u8::try_from(c["jitter_percent"].as_u64().unwrap()).unwrap();
        let schedule = RetrySchedule::default().with_jitter_percent(pct);
        let got = schedule.next_retry(
            u32::try_from(c["failed_attempt"].as_u64().unwrap()).unwrap(),
            c["failed_at"].as_i64().unwrap(),
            &outcome(&c["outcome"]),
            opt_u64(&c["retry_after"]),
            c["jitter_seed"].as_u64().unwrap(),
        );
        assert_eq!(got, opt_i64(&c["expected"]), "{}", c["name"]);
    }
}

#[test]
fn vectors_jitter() {
    let v = vectors("retry.json");
    for c in v["jitter"]["splitmix64"].as_array().unwrap() {
        assert_eq!(splitmix64(hex_u64(&c["input"])), hex_u64(&c["output"]));
    }
    let cases = v["jitter"]["extra"].as_array().unwrap();
    assert!(cases.len() >= 100);
    for c in cases {
        let got = jitter_extra(
            c["delay"].as_u64().unwrap(),
            u8::try_from(c["percent"].as_u64().unwrap()).unwrap(),
            u32::try_from(c["attempt"].as_u64().unwrap()).unwrap(),
            c["seed"].as_u64().unwrap(),
        );
        assert_eq!(got, c["expected"].as_u64().unwrap(), "{c}");
    }
}

#[test]
fn vectors_retry_after_header() {
    let v = vectors("retry.json");
    for c in v["retry_after_header"].as_array().unwrap() {
        let got = parse_retry_after(c["value"].as_str().unwrap(), c["now"].as_i64().unwrap());
        assert_eq!(got, opt_u64(&c["expected"]), "{}", c["name"]);
    }
}

fn kind_of(c: &Value) -> DeliveryKind {
    match c["kind"].as_str().unwrap() {
        "event" => DeliveryKind::Event,
        "test" => DeliveryKind::Test,
        "replay" => DeliveryKind::Replay,
        other => panic!("{other}"),
    }
}

fn result_of(r: &Value) -> (AttemptResult, i64) {
    let duration = r.get("duration").map_or(0, |d| d.as_i64().unwrap());
    let mut result =
        AttemptResult::new(outcome(&r["outcome"])).with_duration_ms(u64::try_from(duration).unwrap() * 1000);
    if let Some(ra) = r.get("retry_after") {
        result = result.with_retry_after(ra.as_u64().unwrap());
    }
    (result, duration)
}

fn check_final(name: &str, state: DeliveryState, last_action: Action, expected: &Value) {
    let f = &expected["final"];
    assert_eq!(state.as_str(), f["state"].as_str().unwrap(), "{name}");
    let at = f["at"].as_i64().unwrap();
    match state {
        DeliveryState::Succeeded { at: got } => assert_eq!(got, at, "{name}"),
        DeliveryState::Failed { at: got, reason } => {
            assert_eq!(got, at, "{name}");
            assert_eq!(reason.as_str(), f["reason"].as_str().unwrap(), "{name}");
        }
        other => panic!("{name}: not terminal: {other:?}"),
    }
    let disables = f["disables_webhook"].as_bool().unwrap();
    assert_eq!(last_action == Action::DisableWebhook, disables, "{name}");
}

/// Each timeline through the bare state machine.
#[test]
fn vectors_timelines_state_machine() {
    let v = vectors("retry.json");
    let cases = v["timelines"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let pct = u8::try_from(c["jitter_percent"].as_u64().unwrap()).unwrap();
        let schedule = RetrySchedule::default().with_jitter_percent(pct);
        let start = c["start"].as_i64().unwrap();
        let mut d = Delivery::new(kind_of(c), start, c["jitter_seed"].as_u64().unwrap());
        let expected = c["expected"]["attempts"].as_array().unwrap();
        let mut now = start;
        let mut last = Action::Done;
        for (i, r) in c["responses"].as_array().unwrap().iter().enumerate() {
            let want = &expected[i];
            let sent_at = want["sent_at"].as_i64().unwrap();
            assert_eq!(d.due_at(), Some(sent_at), "{name}: attempt {} due", i + 1);
            if sent_at > now {
                assert_eq!(d.start(sent_at - 1).unwrap_err(), EngineError::NotDue { due_at: sent_at }, "{name}");
            }
            now = sent_at;
            let n = u32::try_from(i + 1).unwrap();
            assert_eq!(d.start(now).unwrap(), Action::Send { attempt: n, send_time: now }, "{name}");
            let (result, duration) = result_of(r);
            now += duration;
            assert_eq!(now, want["completed_at"].as_i64().unwrap());
            last = d.complete(now, result, &schedule).unwrap();
            let record = d.attempts().last().unwrap();
            assert_eq!(record.number, n);
            assert_eq!(record.started_at, sent_at);
            assert_eq!(record.outcome.to_string(), want["outcome"].as_str().unwrap());
        }
        assert_eq!(d.attempts().len(), expected.len(), "{name}");
        check_final(name, d.state(), last, &c["expected"]);
        // Terminal states absorb every further transition, as errors.
        assert_eq!(d.start(now + 1_000_000).unwrap_err().code(), "illegal_transition");
        assert_eq!(d.complete(now, AttemptResult::status(200), &schedule).unwrap_err().code(), "illegal_transition");
        assert_eq!(
            d.cancel(now, cstar_webhooks::engine::CancelReason::Requested).unwrap_err().code(),
            "illegal_transition"
        );
    }
}

const SECRET: &str = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8";

fn body_for(id: &str) -> Vec<u8> {
    format!(r#"{{"id":"{id}","type":"ticket.created","created_at":"2026-03-30T10:30:00Z","team_id":"t","data":{{}}}}"#)
        .into_bytes()
}

/// Each timeline without jitter again, through the scheduler: the same send times, plus the
/// exact headers of every attempt (attempt number, timestamp, signature made at send time).
#[test]
fn vectors_timelines_scheduler() {
    let v = vectors("retry.json");
    let verifier = Verifier::new([SECRET]);
    let mut ran = 0;
    for c in v["timelines"].as_array().unwrap() {
        if c["jitter_percent"].as_u64().unwrap() != 0 {
            continue; // the scheduler derives its own jitter seeds
        }
        ran += 1;
        let name = c["name"].as_str().unwrap();
        let start = c["start"].as_i64().unwrap();
        let mut engine = Scheduler::new(SchedulerConfig::default());
        engine
            .register("whk_vec", WebhookConfig::new("https://example.com/h", ["ticket.*"], [Secret::new(SECRET)]))
            .unwrap();
        let event = OutgoingEvent::new("evt_vec", EventType::TicketCreated, body_for("evt_vec"));
        let id = match kind_of(c) {
            DeliveryKind::Event => engine.publish(event, start).unwrap()[0],
            DeliveryKind::Test => engine.send_test("whk_vec", event, start).unwrap(),
            DeliveryKind::Replay => {
                // An earlier delivery that succeeded, replayed at `start`.
                let first = engine.publish(event, start - 100).unwrap()[0];
                let r = engine.due(start - 100).pop().unwrap();
                engine.complete(first, r.attempt, AttemptResult::status(200), start - 100).unwrap();
                engine.replay(first, start).unwrap()
            }
        };
        let expected = c["expected"]["attempts"].as_array().unwrap();
        let mut last = Action::Done;
        let mut now = start;
        for (i, r) in c["responses"].as_array().unwrap().iter().enumerate() {
            let sent_at = expected[i]["sent_at"].as_i64().unwrap();
            assert_eq!(engine.next_wakeup(), Some(sent_at), "{name}: attempt {}", i + 1);
            if sent_at > now {
                assert!(engine.due(sent_at - 1).is_empty(), "{name}");
            }
            now = sent_at;
            let mut requests = engine.due(now);
            assert_eq!(requests.len(), 1, "{name}");
            let req = requests.pop().unwrap();
            assert_eq!((req.delivery_id, req.send_time), (id, now));
            let h = WebhookHeaders::from_pairs(req.headers.iter().map(|(k, v)| (*k, v.as_str())));
            assert_eq!(h.attempt(), Some(u32::try_from(i + 1).unwrap()), "{name}");
            assert_eq!(h.timestamp.as_deref(), Some(format_rfc3339(now).as_str()));
            assert_eq!(h.event_id.as_deref(), Some("evt_vec"));
            let verified = verifier.verify(h.signature.as_deref(), &req.body, now).unwrap();
            assert_eq!(verified.timestamp, Some(now), "{name}: signed at its own send time");
            let (result, duration) = result_of(r);
            now += duration;
            let done = engine.complete(id, req.attempt, result, now).unwrap();
            last = done.action;
            assert_eq!(done.webhook_disabled.is_some(), last == Action::DisableWebhook, "{name}");
        }
        let d = engine.delivery(id).unwrap().delivery;
        check_final(name, d.state(), last, &c["expected"]);
        let hook = engine.webhook("whk_vec").unwrap();
        if c["expected"]["final"]["disables_webhook"].as_bool().unwrap() {
            assert!(matches!(hook.health.status(), WebhookStatus::Disabled { reason: DisableReason::Gone, .. }));
        } else {
            assert!(hook.health.is_enabled(), "{name}");
        }
        assert_eq!(engine.next_wakeup(), None, "{name}");
    }
    assert!(ran >= 25);
}

fn failed(at: i64, o: Outcome) -> FailedAttempt {
    FailedAttempt {
        delivery_id: DeliveryId(0),
        event_id: "evt_1".into(),
        at,
        record: AttemptRecord {
            number: 1,
            started_at: at,
            duration_ms: 0,
            outcome: o,
            retry_after: None,
            excerpt: String::new(),
        },
    }
}

#[test]
fn vectors_health() {
    let v = vectors("retry.json");
    let cases = v["health"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let policy = HealthPolicy {
            disable_after_secs: c["policy"]["disable_after_secs"].as_u64().unwrap(),
            disable_after_failures: u32::try_from(c["policy"]["disable_after_failures"].as_u64().unwrap()).unwrap(),
            ..HealthPolicy::default()
        };
        let mut h = WebhookHealth::new(&policy);
        for (i, step) in c["steps"].as_array().unwrap().iter().enumerate() {
            let at = step.get("at").map(|a| a.as_i64().unwrap());
            let want = &step["expected"];
            match step["op"].as_str().unwrap() {
                "failure" => {
                    let got = h.record_failure(failed(at.unwrap(), outcome(&step["outcome"])), &policy);
                    assert_eq!(got.map(DisableReason::code), want.as_str(), "{name} step {i}");
                }
                "success" => h.record_success(at.unwrap()),
                "check" => {
                    assert_eq!(h.should_auto_disable(at.unwrap(), &policy), want.as_bool().unwrap(), "{name} {i}");
                }
                "enable" => assert_eq!(h.enable(), want.as_bool().unwrap(), "{name} step {i}"),
                other => panic!("{other}"),
            }
        }
        let e = &c["expected"];
        assert_eq!(h.is_enabled(), e["enabled"].as_bool().unwrap(), "{name}");
        match h.status() {
            WebhookStatus::Enabled => assert!(e["reason"].is_null()),
            WebhookStatus::Disabled { reason, at, .. } => {
                assert_eq!(Some(reason.code()), e["reason"].as_str(), "{name}");
                assert_eq!(Some(*at), opt_i64(&e["disabled_at"]), "{name}");
                assert_eq!(reason.by().as_str(), "system");
            }
        }
        assert_eq!(h.last_success(), opt_i64(&e["last_success"]), "{name}");
        match (h.failure_run(), &e["run"]) {
            (None, Value::Null) => {}
            (Some(run), want) => {
                assert_eq!(run.started_at, want["started_at"].as_i64().unwrap(), "{name}");
                assert_eq!(u64::from(run.failed_attempts), want["failed_attempts"].as_u64().unwrap(), "{name}");
                assert_eq!(run.last_failure_at, want["last_failure_at"].as_i64().unwrap(), "{name}");
            }
            (None, want) => panic!("{name}: expected run {want}"),
        }
        assert!(h.recent_failures().len() <= 20);
    }
}

// ----- scheduler behaviour --------------------------------------------------------------

fn engine_with(hooks: &[(&str, &[&str], bool)]) -> Scheduler {
    let mut engine = Scheduler::new(SchedulerConfig::default());
    for (id, filters, flat) in hooks {
        let cfg =
            WebhookConfig::new(format!("https://example.com/{id}"), filters.iter().copied(), [Secret::new(SECRET)])
                .with_flat_payload(*flat);
        engine.register(*id, cfg).unwrap();
    }
    engine
}

#[test]
fn fan_out_filters_flat_payload_and_errors() {
    let mut engine = engine_with(&[
        ("whk_all", &["*"], false),
        ("whk_tickets", &["ticket.*"], true),
        ("whk_cust", &["customer.created"], false),
    ]);
    let event = cstar_webhooks::sample_event(&EventType::TicketCreated).unwrap();
    let ids = engine.publish(OutgoingEvent::from_event(&event), 100).unwrap();
    assert_eq!(ids, [DeliveryId(0), DeliveryId(1)]);
    let requests = engine.due(100);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].webhook_id, "whk_all");
    let plain: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let flat: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert!(plain.get("ticket_id").is_none());
    assert_eq!(flat["ticket_id"], plain["data"]["ticket"]["id"]);
    assert_eq!(requests[0].body.as_ref(), event.to_json().as_bytes());
    // No flat body given: derived from the JSON body.
    let ids = engine.publish(OutgoingEvent::new("evt_x", EventType::TicketUpdated, body_for("evt_x")), 100).unwrap();
    assert_eq!(ids.len(), 2);
    // Not JSON and a flat webhook matches: refused, nothing scheduled.
    let err = engine.publish(OutgoingEvent::new("evt_y", EventType::TicketUpdated, b"nope".to_vec()), 100).unwrap_err();
    assert_eq!(err.code(), "flat_payload_unavailable");
    assert_eq!(engine.deliveries().count(), 4);
    // Nothing matches.
    assert!(
        engine.publish(OutgoingEvent::new("evt_z", EventType::CustomerDeleted, b"{}".to_vec()), 1).unwrap().len() == 1
    );
    assert!(
        engine.publish(OutgoingEvent::new("evt_w", EventType::ArticlePublished, b"{}".to_vec()), 1).unwrap().len() == 1
    );

    let bad = |url: &str, events: &[&str], secrets: Vec<Secret>| {
        WebhookConfig::new(url, events.iter().copied(), secrets).validate().unwrap_err().code()
    };
    assert_eq!(bad("ftp://x", &["*"], vec![Secret::new(SECRET)]), "invalid_url");
    assert_eq!(bad("https://", &["*"], vec![Secret::new(SECRET)]), "invalid_url");
    assert_eq!(bad("https://a b", &["*"], vec![Secret::new(SECRET)]), "invalid_url");
    assert_eq!(bad("https://x", &[], vec![Secret::new(SECRET)]), "invalid_event_filter");
    assert_eq!(bad("https://x", &["ti*"], vec![Secret::new(SECRET)]), "invalid_event_filter");
    assert_eq!(bad("https://x", &[""], vec![Secret::new(SECRET)]), "invalid_event_filter");
    assert_eq!(bad("https://x", &["*"], vec![]), "no_secret");
    let ok = WebhookConfig::new("HTTPS://x", ["*"], [Secret::new(SECRET)]);
    assert_eq!(engine.register("whk_all", ok.clone()).unwrap_err().code(), "webhook_exists");
    assert_eq!(engine.update("whk_nope", ok).unwrap_err().code(), "unknown_webhook");
    assert_eq!(engine.replay(DeliveryId(999), 1).unwrap_err().code(), "unknown_delivery");
    assert_eq!(engine.replay(DeliveryId(3), 1).unwrap_err().code(), "delivery_active");
    assert_eq!(
        engine.complete(DeliveryId(2), 1, AttemptResult::status(200), 1).unwrap_err().code(),
        "illegal_transition"
    );
    assert_eq!(
        engine.complete(DeliveryId(0), 2, AttemptResult::status(200), 1).unwrap_err(),
        EngineError::AttemptMismatch { in_flight: 1, reported: 2 }
    );
    for code in EngineError::CODES {
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}

#[test]
fn disable_cancels_waiting_keeps_them_replayable_and_enable_resumes_new_events_only() {
    let mut engine = engine_with(&[("whk_a", &["*"], false)]);
    let ids = engine.publish(OutgoingEvent::new("evt_1", EventType::TicketCreated, body_for("evt_1")), 0).unwrap();
    let r = engine.due(0).pop().unwrap();
    engine.complete(ids[0], r.attempt, AttemptResult::status(500).with_body(b"boom"), 1).unwrap();
    let ids2 = engine.publish(OutgoingEvent::new("evt_2", EventType::TicketCreated, body_for("evt_2")), 2).unwrap();
    assert_eq!(engine.disable("whk_a", 5, Some("maintenance".into())).unwrap(), 2);
    for id in [ids[0], ids2[0]] {
        assert_eq!(
            engine.delivery(id).unwrap().delivery.state(),
            DeliveryState::Cancelled { at: 5, reason: cstar_webhooks::engine::CancelReason::WebhookDisabled }
        );
    }
    assert!(engine.due(1_000_000).is_empty());
    assert_eq!(engine.next_wakeup(), None);
    // Disabled: no fan-out, no replay; but a test send works.
    assert!(
        engine.publish(OutgoingEvent::new("evt_3", EventType::TicketCreated, body_for("evt_3")), 6).unwrap().is_empty()
    );
    assert_eq!(engine.replay(ids[0], 7).unwrap_err().code(), "webhook_disabled");
    let t = engine
        .send_test("whk_a", OutgoingEvent::new("evt_test_1", EventType::TicketCreated, body_for("evt_test_1")), 8)
        .unwrap();
    let r = engine.due(8).pop().unwrap();
    assert_eq!(r.kind, DeliveryKind::Test);
    engine.complete(t, 1, AttemptResult::status(200), 8).unwrap();
    let status = engine.webhook("whk_a").unwrap().health;
    assert!(
        matches!(status.status(), WebhookStatus::Disabled { reason: DisableReason::Manual, at: 5, note: Some(n) } if n == "maintenance")
    );
    assert_eq!(status.last_success(), Some(8));
    assert_eq!(status.recent_failures().next().unwrap().record.excerpt, "boom");
    // Enabled again: new events flow, and the cancelled ones can be replayed on request.
    assert!(engine.enable("whk_a").unwrap());
    let replay = engine.replay(ids[0], 10).unwrap();
    assert_eq!(engine.delivery(replay).unwrap().replay_of, Some(ids[0]));
    let r = engine.due(10).pop().unwrap();
    assert_eq!((r.kind, r.attempt, r.delivery_id), (DeliveryKind::Replay, 1, replay));
    assert!(String::from_utf8_lossy(&r.body).contains("evt_1"));
    let done = engine.complete(replay, 1, AttemptResult::status(503), 11).unwrap();
    assert_eq!(done.state, DeliveryState::Failed { at: 11, reason: FailReason::Exhausted });
    assert_eq!(
        engine.publish(OutgoingEvent::new("evt_4", EventType::TicketCreated, body_for("evt_4")), 12).unwrap().len(),
        1
    );
    // Delete: waiting deliveries cancelled, webhook gone, deliveries still listed.
    assert_eq!(engine.delete("whk_a", 13).unwrap(), 1);
    assert!(engine.webhook("whk_a").is_none());
    assert_eq!(engine.deliveries_of("whk_a").count(), 5);
    assert_eq!(engine.replay(ids[0], 14).unwrap_err().code(), "unknown_webhook");
    assert_eq!(engine.prune_finished(12), 4);
    assert_eq!(engine.deliveries().count(), 1);
}

#[test]
fn lease_expiry_counts_as_timeout_and_late_results_are_refused() {
    let mut engine = engine_with(&[("whk_a", &["*"], false)]);
    let id = engine.publish(OutgoingEvent::new("evt_1", EventType::TicketCreated, body_for("evt_1")), 0).unwrap()[0];
    let r = engine.due(0).pop().unwrap();
    assert_eq!(r.lease_until, 60);
    assert_eq!(engine.next_wakeup(), Some(60));
    assert!(engine.due(59).is_empty());
    assert!(engine.due(60).is_empty());
    let d = engine.delivery(id).unwrap().delivery;
    assert_eq!(d.state(), DeliveryState::Scheduled { attempt: 2, due_at: 90 });
    assert_eq!(d.attempts()[0].outcome, Outcome::Timeout);
    assert_eq!(engine.complete(id, 1, AttemptResult::status(200), 61).unwrap_err().code(), "illegal_transition");
    let r = engine.due(90).pop().unwrap();
    assert_eq!(r.attempt, 2);
    assert_eq!(engine.complete(id, 1, AttemptResult::status(200), 91).unwrap_err().code(), "attempt_mismatch");
    assert_eq!(
        engine.complete(id, 2, AttemptResult::status(200), 91).unwrap().state,
        DeliveryState::Succeeded { at: 91 }
    );
}

#[test]
fn rotation_signs_with_both_secrets_until_the_old_one_expires() {
    let mut engine = engine_with(&[("whk_a", &["*"], false)]);
    let new = "whsec_qT71MF6fKQ38HL66nqdBbJjHIl7fGQ7I";
    engine.rotate_secret("whk_a", Secret::new(new), 0, 86_400).unwrap();
    let send = |engine: &mut Scheduler, at: i64| {
        let id =
            engine.publish(OutgoingEvent::new("evt_r", EventType::TicketCreated, body_for("evt_r")), at).unwrap()[0];
        let r = engine.due(at).pop().unwrap();
        engine.complete(id, 1, AttemptResult::status(200), at).unwrap();
        WebhookHeaders::from_pairs(r.headers.iter().map(|(k, v)| (*k, v.as_str()))).signature.unwrap()
    };
    let during = send(&mut engine, 86_399);
    assert_eq!(during.matches("v1=").count(), 2);
    let body = body_for("evt_r");
    assert_eq!(Verifier::new([SECRET]).verify(Some(&during), &body, 86_399).unwrap().secret_index, 0);
    assert_eq!(Verifier::new([new]).verify(Some(&during), &body, 86_399).unwrap().secret_index, 0);
    let after = send(&mut engine, 86_400);
    assert_eq!(after.matches("v1=").count(), 1);
    assert!(Verifier::new([SECRET]).verify(Some(&after), &body, 86_400).is_err());
}

#[test]
fn auto_disable_through_the_scheduler() {
    // One event a day to an endpoint that is down: the run begins at 0; by day 5 it holds far
    // more than 10 failures, and the send due at exactly 5 days is not made: the webhook is
    // disabled then, and every waiting delivery cancelled.
    let mut engine = engine_with(&[("whk_down", &["*"], false)]);
    let day = 86_400;
    let mut sends = Vec::new();
    for d in 0..7 {
        engine
            .publish(OutgoingEvent::new(format!("evt_{d}"), EventType::TicketCreated, body_for("e")), d * day)
            .unwrap();
        while let Some(now) = engine.next_wakeup().filter(|at| *at < (d + 1) * day) {
            for r in engine.due(now) {
                sends.push(now);
                let c = engine
                    .complete(r.delivery_id, r.attempt, AttemptResult::network_error(NetworkErrorKind::Connect), now)
                    .unwrap();
                assert_eq!(c.webhook_disabled, None);
            }
        }
    }
    let health = engine.webhook("whk_down").unwrap().health;
    assert!(
        matches!(health.status(), WebhookStatus::Disabled { reason: DisableReason::FailureRun, at, .. } if *at == 5 * day)
    );
    assert!(sends.iter().all(|&t| t < 5 * day));
    assert_eq!(health.failure_run().unwrap().started_at, 0);
    assert_eq!(health.recent_failures().len(), 20);
    assert_eq!(engine.active(), (0, 0));
    assert_eq!(engine.next_wakeup(), None);
    // A failure that completes while the webhook is disabled schedules no retry.
    engine.enable("whk_down").unwrap();
    let id = engine.publish(OutgoingEvent::new("evt_x", EventType::TicketCreated, body_for("x")), 10 * day).unwrap()[0];
    let r = engine.due(10 * day).pop().unwrap();
    engine.disable("whk_down", 10 * day, None).unwrap();
    let c = engine.complete(id, r.attempt, AttemptResult::status(500), 10 * day + 1).unwrap();
    assert_eq!(c.action, Action::Done);
    assert!(matches!(c.state, DeliveryState::Cancelled { .. }));
    assert_eq!(engine.next_wakeup(), None);
}

// ----- properties ---------------------------------------------------------------------------

fn any_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        (100u16..600).prop_map(Outcome::Status),
        Just(Outcome::Status(200)),
        Just(Outcome::Status(410)),
        Just(Outcome::Status(429)),
        Just(Outcome::Status(503)),
        Just(Outcome::Timeout),
        (0usize..6).prop_map(|i| Outcome::NetworkError(NetworkErrorKind::ALL[i])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn next_due_is_monotonic_and_matches_offsets(a in 0u32..10, t in -1_000_000_000i64..4_000_000_000, dt in 0i64..1_000_000) {
        let s = RetrySchedule::default();
        if let (Some(x), Some(y)) = (s.next_due(a, t), s.next_due(a, t + dt)) {
            prop_assert!(x <= y);
            prop_assert!(x >= t);
        }
        if (1..7).contains(&a) {
            prop_assert_eq!(s.next_due(a, t).unwrap() - t, i64::try_from(s.delay_before(a + 1).unwrap()).unwrap());
            prop_assert!(s.delay_before(a + 1) > s.delay_before(a));
        } else if a >= 7 {
            prop_assert_eq!(s.next_due(a, t), None);
        }
        prop_assert_eq!(s.total_span(), s.offset_of(7).unwrap());
        prop_assert_eq!(s.total_span(), s.delays().iter().sum::<u64>());
    }

    #[test]
    fn jitter_never_subtracts_and_stays_within_its_fraction(
        pct in 0u8..=100, seed in any::<u64>(), a in 1u32..7, t in 0i64..4_000_000_000, o in any_outcome(),
        ra in proptest::option::of(0u64..10_000_000),
    ) {
        let plain = RetrySchedule::default();
        let s = RetrySchedule::default().with_jitter_percent(pct);
        let base = plain.next_retry(a, t, &o, ra, seed);
        let got = s.next_retry(a, t, &o, ra, seed);
        prop_assert_eq!(base.is_some(), got.is_some());
        if let (Some(base), Some(got)) = (base, got) {
            let delay = i64::try_from(plain.delay_before(a + 1).unwrap()).unwrap();
            let max_jitter = delay * i64::from(pct) / 100;
            prop_assert!(got >= base, "jitter subtracted");
            prop_assert!(got >= t + delay);
            prop_assert!(got <= (t + delay + max_jitter).max(t + 86_400));
            // Retry-After only pushes later, and never past 24 h (unless the delay itself is longer).
            let no_ra = s.next_retry(a, t, &o, None, seed).unwrap();
            prop_assert!(got >= no_ra);
            prop_assert!(got == no_ra || got <= t + 86_400);
            if !o.honors_retry_after() { prop_assert_eq!(got, no_ra); }
        }
        prop_assert_eq!(got.is_some(), o.class() == cstar_webhooks::OutcomeClass::Retryable);
    }

    #[test]
    fn retry_after_parsing_never_panics(text in "\\PC{0,40}", now in any::<i64>()) {
        let _ = parse_retry_after(&text, now);
    }

    #[test]
    fn excerpts_are_bounded_utf8(body in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let e = retry::response_excerpt(&body);
        prop_assert!(e.len() <= 1024);
        if let Ok(text) = std::str::from_utf8(&body) {
            prop_assert!(text.starts_with(&e));
            prop_assert!(e.len() + 3 >= text.len().min(1024));
        }
    }

    /// Any sequence of transitions: never a panic, illegal ones are error values, at most 7
    /// consecutive attempts (1 for manual sends), sends never early, terminal states absorb.
    #[test]
    fn state_machine_under_arbitrary_transitions(
        manual in any::<bool>(),
        ops in proptest::collection::vec((0u8..4, 0i64..200_000, any_outcome(), proptest::option::of(0u64..200_000)), 1..60),
    ) {
        let s = RetrySchedule::default();
        let kind = if manual { DeliveryKind::Test } else { DeliveryKind::Event };
        let mut d = Delivery::new(kind, 1_000, 7);
        let mut now = 1_000i64;
        let mut sends = Vec::new();
        for (op, dt, o, ra) in ops {
            now += dt % 50_000;
            let before = d.state();
            let r = match op {
                0 | 1 => d.start(now).inspect(|a| { if let Action::Send { attempt, send_time } = *a { sends.push((attempt, send_time)); } }),
                2 => {
                    let mut res = AttemptResult::new(o);
                    if let Some(ra) = ra { res = res.with_retry_after(ra); }
                    let r = d.complete(now, res, &s);
                    if let Ok(Action::RetryAt { due_at, .. }) = r {
                        prop_assert!(due_at >= now + 30);
                    }
                    r
                }
                _ => d.cancel(now, cstar_webhooks::engine::CancelReason::Requested),
            };
            match r {
                Ok(_) => prop_assert!(!before.is_terminal()),
                Err(e) => {
                    prop_assert_eq!(d.state(), before, "a refused transition changed the state");
                    prop_assert!(EngineError::CODES.contains(&e.code()));
                }
            }
        }
        let max = if manual { 1 } else { 7 };
        prop_assert!(d.attempts().len() <= max);
        for (i, rec) in d.attempts().iter().enumerate() {
            prop_assert_eq!(rec.number as usize, i + 1);
        }
        for w in sends.windows(2) {
            prop_assert!(w[0].0 + 1 == w[1].0 && w[0].1 <= w[1].1);
        }
    }
}

// ----- simulation -----------------------------------------------------------------------

/// A result on its way: (delivery, attempt, webhook index, outcome, duration).
type Pending = (DeliveryId, u32, usize, Outcome, i64);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        splitmix64(self.0.wrapping_mul(0x2545_F491_4F6C_DD1D))
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Copy, Debug)]
enum Profile {
    Healthy,
    Flaky,
    Down,
    DownThenUp(i64),
    GoneAfter(i64),
    Slow,
}

/// The test's own model of SPEC §8, fed in the order the simulation observes things.
#[derive(Debug, Default)]
struct Model {
    disabled: Option<(DisableReason, i64)>,
    run: Option<(i64, u32)>,
}

impl Model {
    fn rule(&self, now: i64) -> bool {
        self.disabled.is_none() && self.run.is_some_and(|(start, n)| n >= 10 && now - start >= 5 * 86_400)
    }
    fn record(&mut self, at: i64, o: Outcome) {
        if o.is_success() {
            self.run = None;
            return;
        }
        let run = self.run.get_or_insert((at, 0));
        run.1 += 1;
        if self.disabled.is_none() {
            if o == Outcome::Status(410) {
                self.disabled = Some((DisableReason::Gone, at));
            } else if self.rule(at) {
                self.disabled = Some((DisableReason::FailureRun, at));
            }
        }
    }
}

fn status_of(engine: &Scheduler, id: &str) -> Option<(DisableReason, i64)> {
    match engine.webhook(id).unwrap().health.status() {
        WebhookStatus::Enabled => None,
        WebhookStatus::Disabled { reason, at, .. } => Some((*reason, *at)),
    }
}

/// 10,000+ deliveries over 6 simulated days, with seeded random outcomes, durations, lost
/// results (lease expiry), test sends, replays and a manual disable/enable. Checks: never two
/// attempts of one delivery at once, never more than 7 attempts (1 for manual sends), attempt
/// numbers consecutive, every delivery ends, and auto-disable fires exactly when the rule
/// says and never otherwise.
#[test]
fn simulation_six_days_ten_thousand_deliveries() {
    simulate(0x5eed, SchedulerConfig::default());
}

/// The same with jitter on (25 %), another seed and a custom lease.
#[test]
fn simulation_with_jitter() {
    let config = SchedulerConfig {
        schedule: RetrySchedule::default().with_jitter_percent(25),
        lease_secs: 45,
        seed: 0xC0FFEE,
        ..SchedulerConfig::default()
    };
    simulate(0xBADC0DE, config);
}

fn simulate(seed: u64, config: SchedulerConfig) {
    const DAY: i64 = 86_400;
    let mut rng = Rng(seed);
    let families = ["*", "ticket.*", "customer.*", "article.*", "gamification.*", "ticket.created"];
    let profiles = [
        Profile::Healthy,
        Profile::Flaky,
        Profile::Down,
        Profile::DownThenUp(3 * DAY),
        Profile::GoneAfter(2 * DAY),
        Profile::Slow,
    ];
    let mut engine = Scheduler::new(config);
    let mut hooks = Vec::new();
    for i in 0..36 {
        let id = format!("whk_{i:02}");
        let filter = families[i % families.len()];
        let profile = profiles[(i / families.len()) % profiles.len()];
        engine
            .register(id.clone(), WebhookConfig::new(format!("https://h{i}.example/"), [filter], [Secret::new(SECRET)]))
            .unwrap();
        hooks.push((id, profile));
    }
    let index_of: HashMap<String, usize> = hooks.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
    let mut models: Vec<Model> = hooks.iter().map(|_| Model::default()).collect();
    let types = EventType::KNOWN;

    // Pending results: (complete_at, seq) -> (delivery, attempt, webhook index, outcome, duration).
    let mut pending: BTreeMap<(i64, u64), Pending> = BTreeMap::new();
    // Lost results: delivery -> (lease_until, webhook index).
    let mut lost: HashMap<DeliveryId, (i64, usize)> = HashMap::new();
    let mut in_flight: HashMap<DeliveryId, i64> = HashMap::new();
    let mut sends: HashMap<DeliveryId, (u32, DeliveryKind)> = HashMap::new();
    let mut seq = 0u64;
    let mut next_publish = 0i64;
    let mut published = 0usize;
    let mut now = 0i64;
    let mut tests_sent = 0;
    let mut replays = 0;
    let mut manual_done = false;

    loop {
        let wake = engine.next_wakeup();
        let next_pending = pending.keys().next().map(|k| k.0);
        let publish_at = (next_publish < 6 * DAY).then_some(next_publish);
        let Some(t) = [wake, next_pending, publish_at].into_iter().flatten().min() else { break };
        assert!(t >= now, "time went backwards");
        now = t;

        // 1. Results that arrive now, in order.
        while let Some(entry) = pending.first_entry() {
            if entry.key().0 != now {
                break;
            }
            let (id, attempt, w, o, duration) = entry.remove();
            in_flight.remove(&id);
            let result = AttemptResult::new(o).with_duration_ms(u64::try_from(duration).unwrap() * 1000);
            let c = engine.complete(id, attempt, result, now).unwrap();
            models[w].record(now, o);
            assert_eq!(status_of(&engine, &hooks[w].0), models[w].disabled, "after complete of {id} on {}", hooks[w].0);
            if let Some(reason) = c.webhook_disabled {
                assert_eq!(models[w].disabled, Some((reason, now)));
            }
        }

        // 2. Publish.
        if publish_at == Some(now) {
            let ty = types[usize::try_from(rng.below(types.len() as u64)).unwrap()].clone();
            let id = format!("evt_sim_{published}");
            let ids = engine.publish(OutgoingEvent::new(id.clone(), ty.clone(), body_for(&id)), now).unwrap();
            for (i, (hid, _)) in hooks.iter().enumerate() {
                let wants = engine.webhook(hid).unwrap().config.matches(&ty) && models[i].disabled.is_none();
                let got = ids.iter().any(|d| engine.delivery(*d).unwrap().webhook_id == hid);
                assert_eq!(wants, got, "fan-out to {hid}");
            }
            published += ids.len();
            next_publish = now + i64::try_from(rng.below(800)).unwrap() + 1;
            // Now and then: a test send, a replay of a finished delivery, a manual disable/enable.
            if rng.chance(2) {
                let w = usize::try_from(rng.below(hooks.len() as u64)).unwrap();
                let tid = format!("evt_test_{tests_sent}");
                engine
                    .send_test(
                        &hooks[w].0,
                        OutgoingEvent::new(tid.clone(), EventType::TicketCreated, body_for(&tid)),
                        now,
                    )
                    .unwrap();
                tests_sent += 1;
            }
            if rng.chance(2) {
                let candidate = engine
                    .deliveries()
                    .filter(|d| {
                        d.delivery.state().is_terminal()
                            && engine.webhook(d.webhook_id).is_some_and(|w| w.health.is_enabled())
                    })
                    .map(|d| d.id)
                    .nth(usize::try_from(rng.below(50)).unwrap());
                if let Some(orig) = candidate {
                    engine.replay(orig, now).unwrap();
                    replays += 1;
                }
            }
            if !manual_done && now > 4 * DAY {
                // A user pauses a healthy webhook for a moment, then resumes it.
                let w = 0;
                engine.disable(&hooks[w].0, now, Some("pause".into())).unwrap();
                assert_eq!(status_of(&engine, &hooks[w].0), Some((DisableReason::Manual, now)));
                assert!(engine.enable(&hooks[w].0).unwrap());
                models[w].run = None;
                manual_done = true;
            }
        }

        // 3. Due attempts (and expired leases) now.
        let mut expiring: Vec<(DeliveryId, usize)> =
            lost.iter().filter(|(_, (until, _))| *until == now).map(|(id, (_, w))| (*id, *w)).collect();
        expiring.sort();
        for (id, w) in &expiring {
            lost.remove(id);
            in_flight.remove(id);
            models[*w].record(now, Outcome::Timeout);
        }
        let before: Vec<Option<(DisableReason, i64)>> = models.iter().map(|m| m.disabled).collect();
        let requests = engine.due(now);
        for r in &requests {
            let w = index_of[&r.webhook_id];
            assert!(!in_flight.contains_key(&r.delivery_id), "two attempts of {} at once", r.delivery_id);
            let max = if r.kind == DeliveryKind::Event { 7 } else { 1 };
            assert!(r.attempt >= 1 && r.attempt <= max, "attempt {} of a {:?}", r.attempt, r.kind);
            let (prev, _) = sends.insert(r.delivery_id, (r.attempt, r.kind)).unwrap_or((0, r.kind));
            assert_eq!(r.attempt, prev + 1, "attempts are consecutive");
            // Never sent while the rule says the webhook should be disabled; nothing but test
            // sends to a disabled webhook.
            assert!(!models[w].rule(now), "{} sent to {} while the rule holds", r.delivery_id, r.webhook_id);
            assert!(models[w].disabled.is_none() || r.kind == DeliveryKind::Test);
            in_flight.insert(r.delivery_id, r.lease_until);
            // The endpoint's answer.
            let day_now = now;
            let o = match hooks[w].1 {
                Profile::Healthy => {
                    if rng.chance(98) {
                        Outcome::Status(200)
                    } else {
                        Outcome::Status(500)
                    }
                }
                Profile::Flaky => match rng.below(4) {
                    0 => Outcome::Status(200),
                    1 => Outcome::Status(503),
                    2 => Outcome::Timeout,
                    _ => Outcome::NetworkError(NetworkErrorKind::Connect),
                },
                Profile::Down => {
                    if rng.chance(50) {
                        Outcome::NetworkError(NetworkErrorKind::Tls)
                    } else {
                        Outcome::Status(502)
                    }
                }
                Profile::DownThenUp(at) => {
                    if day_now >= at {
                        Outcome::Status(204)
                    } else {
                        Outcome::Status(500)
                    }
                }
                Profile::GoneAfter(at) => {
                    if day_now >= at {
                        Outcome::Status(410)
                    } else {
                        Outcome::Status(200)
                    }
                }
                Profile::Slow => {
                    if rng.chance(70) {
                        Outcome::Timeout
                    } else {
                        Outcome::Status(200)
                    }
                }
            };
            let duration = if o == Outcome::Timeout { 10 } else { i64::try_from(rng.below(4)).unwrap() };
            if rng.chance(1) {
                lost.insert(r.delivery_id, (r.lease_until, w));
            } else {
                seq += 1;
                pending.insert((now + duration, seq), (r.delivery_id, r.attempt, w, o, duration));
            }
        }
        // Webhooks the scheduler disabled inside `due`: only by the rule, at exactly now.
        for (w, (id, _)) in hooks.iter().enumerate() {
            let got = status_of(&engine, id);
            if got != before[w] {
                assert_eq!(before[w], None);
                if models[w].rule(now) {
                    assert_eq!(got, Some((DisableReason::FailureRun, now)), "{id}");
                    models[w].disabled = got;
                } else {
                    // A lease expiry processed inside `due`: the model already applied it.
                    panic!("{id} disabled at {now} although the rule does not hold: {got:?}");
                }
            } else if models[w].disabled != got {
                // The lease-expiry failures applied above disabled it in the model: the
                // scheduler must agree.
                panic!("{id}: model {:?} vs scheduler {got:?}", models[w].disabled);
            }
        }
        if now > 40 * DAY {
            panic!("the simulation does not end");
        }
    }

    // Every delivery ended, within its attempt budget.
    let mut by_state: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for d in engine.deliveries() {
        total += 1;
        let state = d.delivery.state();
        assert!(state.is_terminal(), "{} did not end: {state:?}", d.id);
        *by_state.entry(state.as_str()).or_default() += 1;
        let max = if d.delivery.kind() == DeliveryKind::Event { 7 } else { 1 };
        assert!(d.delivery.attempts().len() <= max);
    }
    assert!(pending.is_empty() && lost.is_empty());
    assert_eq!(engine.active(), (0, 0));
    assert!(published >= 10_000, "only {published} deliveries");
    assert!(total >= 10_000 && tests_sent > 10 && replays > 10);
    // The scenario is not vacuous: every kind of ending happened, and both disable paths fired.
    for s in ["succeeded", "failed", "cancelled"] {
        assert!(by_state.get(s).copied().unwrap_or(0) > 0, "no {s} deliveries: {by_state:?}");
    }
    let reasons: Vec<_> = hooks.iter().filter_map(|(id, _)| status_of(&engine, id)).map(|(r, _)| r).collect();
    assert!(reasons.contains(&DisableReason::FailureRun) && reasons.contains(&DisableReason::Gone), "{reasons:?}");
    for (w, (id, profile)) in hooks.iter().enumerate() {
        if matches!(profile, Profile::Healthy | Profile::DownThenUp(_)) {
            assert!(status_of(&engine, id).is_none(), "{id} ({profile:?}) was disabled");
        }
        assert_eq!(status_of(&engine, id), models[w].disabled);
    }
}

#[test]
fn engine_types_are_send_and_sync_and_persist_as_json() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Scheduler>();
    send_sync::<Delivery>();
    send_sync::<WebhookHealth>();
    send_sync::<cstar_webhooks::engine::SendRequest>();

    // A sender persists a delivery (state, kind, seed, attempts) and restores it later.
    let schedule = RetrySchedule::default();
    let mut d = Delivery::new(DeliveryKind::Event, 100, 9);
    d.start(100).unwrap();
    d.complete(101, AttemptResult::status(429).with_retry_after(600).with_body("slow down".as_bytes()), &schedule)
        .unwrap();
    let state = serde_json::to_value(d.state()).unwrap();
    assert_eq!(state, serde_json::json!({"state": "scheduled", "attempt": 2, "due_at": 701}));
    let attempts = serde_json::to_value(d.attempts()).unwrap();
    assert_eq!(attempts[0]["outcome"], "status(429)");
    assert_eq!(attempts[0]["excerpt"], "slow down");
    let mut back = Delivery::restore(
        DeliveryKind::Event,
        serde_json::from_value(state).unwrap(),
        d.jitter_seed(),
        serde_json::from_value(attempts).unwrap(),
    );
    assert_eq!(back, d);
    back.start(701).unwrap();
    assert_eq!(back.complete(702, AttemptResult::status(200), &schedule).unwrap(), Action::Done);
    assert_eq!(serde_json::to_value(back.state()).unwrap(), serde_json::json!({"state": "succeeded", "at": 702}));
    assert_eq!(serde_json::to_value(Outcome::NetworkError(NetworkErrorKind::Tls)).unwrap(), "network_error(tls)");
    assert!(serde_json::from_value::<Outcome>(serde_json::json!("status(abc)")).is_err());

    // Health too.
    let policy = HealthPolicy::default();
    let mut h = WebhookHealth::new(&policy);
    for i in 0..25 {
        h.record_failure(failed(i, Outcome::Timeout), &policy);
    }
    h.disable(DisableReason::Manual, 30, Some("paused".into()));
    let status = serde_json::to_value(h.status()).unwrap();
    assert_eq!(status, serde_json::json!({"status": "disabled", "reason": "manual", "at": 30, "note": "paused"}));
    let recent: Vec<FailedAttempt> = h.recent_failures().cloned().collect();
    let restored = WebhookHealth::restore(
        &policy,
        serde_json::from_value(status).unwrap(),
        h.last_success(),
        serde_json::from_value(serde_json::to_value(h.failure_run()).unwrap()).unwrap(),
        serde_json::from_value::<Vec<FailedAttempt>>(serde_json::to_value(&recent).unwrap()).unwrap(),
    );
    assert_eq!(restored, h);
    assert_eq!(restored.recent_failures().len(), 20);
    assert_eq!(restored.recent_failures().next().unwrap().at, 5);
}
