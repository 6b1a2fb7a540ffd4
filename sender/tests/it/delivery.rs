//! Delivery over loopback: headers, signatures, the retry timeline, 410, timeout, redirects.

use std::time::Duration;

use cstar_webhooks::{Event, RetrySchedule, Verifier, WebhookHeaders};

use super::*;

#[tokio::test]
async fn delivers_with_exact_headers_and_a_signature_the_core_verifies() {
    let rx = Receiver::start().await;
    let s = Sender::dev().await;
    let (wid, secret) = s.create(&rx.url("/hook"), &["ticket.*"], false).await;
    let eid = s.publish("ticket.created").await;
    // Not subscribed: never delivered.
    s.publish("customer.created").await;
    wait_for("delivery", || rx.count() == 1).await;
    let r = &rx.all()[0];
    let names: Vec<String> = r.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
    for h in [
        "content-type",
        "x-webhook-id",
        "x-event-type",
        "x-event-id",
        "x-timestamp",
        "x-signature",
        "x-delivery-attempt",
        "user-agent",
    ] {
        assert!(names.contains(&h.to_owned()), "missing {h}: {names:?}");
    }
    assert_eq!(r.path, "/hook");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-webhook-id"), Some(wid.as_str()));
    assert_eq!(r.header("x-event-type"), Some("ticket.created"));
    assert_eq!(r.header("x-event-id"), Some(eid.as_str()));
    assert_eq!(r.header("x-delivery-attempt"), Some("1"));
    assert_eq!(r.header("user-agent"), Some("cStar-Webhooks/1.0"));
    assert_eq!(r.header("x-timestamp"), Some("2026-03-30T10:30:00Z"));
    let h = WebhookHeaders::from_pairs(r.headers.iter().map(|(k, v)| (k, v)));
    assert_eq!(h.timestamp_unix(), Some(T0_MS / 1000));
    let verified = Verifier::new([secret.as_str()]).verify(h.signature.as_deref(), &r.body, T0_MS / 1000).unwrap();
    assert_eq!(verified.timestamp, Some(T0_MS / 1000));
    let event = Event::from_slice(&r.body).unwrap();
    assert_eq!(event.id, eid);
    assert!(event.typed_data().is_ok());
    // The delivery is recorded as succeeded, with its attempt.
    wait_until("succeeded", || async { s.deliveries("?status=succeeded").await.len() == 1 }).await;
    let d = &s.deliveries("").await[0];
    let (_, full) = s.req("GET", &format!("/v1/deliveries/{}", d["id"].as_str().unwrap()), None).await;
    assert_eq!(full["attempts_log"][0]["status_code"], 200);
    assert_eq!(full["attempts_log"][0]["response_excerpt"], "receiver says hi");
    let (_, metrics) = s.req_key("GET", "/metrics", None, None).await;
    let metrics = metrics.as_str().unwrap();
    for line in [
        "cstar_deliveries_total{outcome=\"succeeded\"} 1",
        "cstar_attempts_total{result=\"success\"} 1",
        "cstar_events_published_total 2",
        "cstar_queue_depth 0",
        "cstar_attempt_duration_seconds_count 1",
        "cstar_due_to_sent_lag_seconds_count 1",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    let (status, health) = s.req_key("GET", "/healthz", None, None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    s.stop().await;
}

#[tokio::test]
async fn follows_the_whole_retry_timeline_with_fresh_signatures() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(500));
    let s = Sender::dev().await;
    let (_, secret) = s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    wait_for("attempt 1", || rx.count() == 1).await;
    let delays = RetrySchedule::default().delays().to_vec();
    for (i, delay) in delays.iter().enumerate().skip(1) {
        let n = i + 1;
        // One second early: nothing is sent.
        wait_until("scheduled", || async { s.deliveries("?status=scheduled").await.len() == 1 }).await;
        s.advance_s(i64::try_from(*delay).unwrap() - 1);
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(rx.count(), n - 1, "attempt {n} was sent early");
        s.advance_s(1);
        wait_for("next attempt", || rx.count() == n).await;
    }
    let all = rx.all();
    let offsets: Vec<i64> = all
        .iter()
        .map(|r| {
            WebhookHeaders::from_pairs(r.headers.iter().map(|(k, v)| (k, v))).timestamp_unix().unwrap() - T0_MS / 1000
        })
        .collect();
    let expected: Vec<i64> =
        cstar_webhooks::retry::standard_offsets().into_iter().map(|o| i64::try_from(o).unwrap()).collect();
    assert_eq!(offsets, expected);
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r.header("x-delivery-attempt"), Some((i + 1).to_string().as_str()));
        let h = WebhookHeaders::from_pairs(r.headers.iter().map(|(k, v)| (k, v)));
        // Signed at its own send time.
        Verifier::new([secret.as_str()]).verify(h.signature.as_deref(), &r.body, h.timestamp_unix().unwrap()).unwrap();
        assert_eq!(r.body, all[0].body, "every attempt carries the same body");
    }
    wait_until("failed", || async { s.deliveries("?status=failed").await.len() == 1 }).await;
    s.advance_s(200_000);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.count(), 7, "no eighth attempt");
    s.stop().await;
}

#[tokio::test]
async fn gone_fails_at_once_and_disables_the_webhook() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(410));
    let s = Sender::dev().await;
    let (wid, _) = s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    wait_until("failed", || async { s.deliveries("?status=failed").await.len() == 1 }).await;
    let (_, st) = s.req("GET", &format!("/v1/webhooks/{wid}/status"), None).await;
    assert_eq!(st["enabled"], false);
    assert_eq!(st["disabled"]["by"], "system");
    assert!(st["disabled"]["reason"].as_str().unwrap().starts_with("gone"));
    assert_eq!(st["recent_failures"][0]["status_code"], 410);
    // A disabled webhook gets no new deliveries.
    let (_, v) = s
        .req(
            "POST",
            "/v1/events",
            Some(r#"{"type":"customer.created","data":{"customer":{"id":"cus_1","name":"n","email":"e@x"}}}"#),
        )
        .await;
    assert_eq!(v["deliveries"], 0);
    s.advance_s(100);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.count(), 1);
    s.stop().await;
}

#[tokio::test]
async fn a_timeout_and_a_redirect_are_failures_and_redirects_are_not_followed() {
    let rx = Receiver::start().await;
    rx.push(Reply::Sleep(Duration::from_secs(3)));
    rx.push(Reply::Redirect("/elsewhere"));
    rx.push(Reply::Status(204));
    let s = Sender::dev().await;
    s.create(&rx.url("/hook"), &["*"], false).await;
    s.publish("ticket.created").await;
    wait_until("timeout recorded", || async {
        s.deliveries("").await.first().is_some_and(|d| d["last_outcome"] == "timeout")
    })
    .await;
    s.advance_s(30);
    wait_until("redirect recorded", || async {
        s.deliveries("").await.first().is_some_and(|d| d["last_outcome"] == "status:302")
    })
    .await;
    s.advance_s(120);
    wait_until("succeeded", || async { s.deliveries("?status=succeeded").await.len() == 1 }).await;
    let paths: Vec<String> = rx.all().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/hook", "/hook", "/hook"], "the redirect target was never requested");
    s.stop().await;
}

#[tokio::test]
async fn retry_after_pushes_the_next_attempt_later_never_earlier() {
    let rx = Receiver::start().await;
    rx.push(Reply::Status(503));
    rx.push(Reply::RetryAfter(503, "300"));
    rx.push(Reply::RetryAfter(429, "5"));
    rx.push(Reply::RetryAfter(500, "9999"));
    let s = Sender::dev().await;
    s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    let next = |n: u32| {
        let s = &s;
        async move {
            wait_until("scheduled", || async {
                s.deliveries("?status=scheduled").await.first().is_some_and(|d| d["attempts"] == n)
            })
            .await;
            s.deliveries("").await[0]["next_attempt_at"].as_str().unwrap().to_owned()
        }
    };
    // No Retry-After: the table's 30 s.
    assert_eq!(next(1).await, "2026-03-30T10:30:30Z");
    s.advance_s(30);
    // 503 with Retry-After 300 > 120: pushed to 300 s.
    assert_eq!(next(2).await, "2026-03-30T10:35:30Z");
    s.advance_s(300);
    // 429 with Retry-After 5 < 600: never earlier than the table.
    assert_eq!(next(3).await, "2026-03-30T10:45:30Z");
    s.advance_s(600);
    // 500 ignores Retry-After.
    assert_eq!(next(4).await, "2026-03-30T11:45:30Z");
    s.stop().await;
}

#[tokio::test]
async fn auto_disables_after_a_long_failure_run() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(500));
    let mut settings = dev_settings();
    settings.retry_delays = Some(vec![0, 60, 60, 60, 60]);
    settings.disable_after = Duration::from_secs(180);
    settings.disable_after_failures = 4;
    let s = Sender::start(settings).await;
    let (wid, _) = s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    for n in 1..=4 {
        wait_for("attempt", || rx.count() == n).await;
        wait_until("recorded", || async { s.deliveries("").await.first().is_some_and(|d| d["attempts"] == n) }).await;
        if n < 4 {
            s.advance_s(60);
        }
    }
    let (_, st) = s.req("GET", &format!("/v1/webhooks/{wid}/status"), None).await;
    assert_eq!(st["enabled"], false, "{st}");
    assert!(st["disabled"]["reason"].as_str().unwrap().starts_with("failure_run"));
    assert_eq!(st["failure_run"]["failed_attempts"], 4);
    assert_eq!(s.deliveries("?status=cancelled").await.len(), 1, "the waiting delivery is cancelled");
    // Re-enabling resumes new events only.
    let (code, _) = s.req("POST", &format!("/v1/webhooks/{wid}/enable"), None).await;
    assert_eq!(code, 200);
    rx.set_default(Reply::Status(200));
    s.publish("ticket.updated").await;
    wait_for("new event delivered", || rx.count() == 5).await;
    s.stop().await;
}

#[tokio::test]
async fn a_failure_run_that_comes_of_age_disables_without_a_new_failure() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(500));
    let mut settings = dev_settings();
    settings.retry_delays = Some(vec![0, 60]);
    settings.disable_after = Duration::from_secs(600);
    settings.disable_after_failures = 4;
    let s = Sender::start(settings).await;
    let (wid, _) = s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    s.publish("ticket.updated").await;
    wait_for("first attempts", || rx.count() == 2).await;
    // Move the clock only once both results are recorded (their retries are due at +60 s).
    wait_until("first results recorded", || async {
        let waiting = s.deliveries("?status=scheduled").await;
        waiting.len() == 2 && waiting.iter().all(|d| d["attempts"] == 1)
    })
    .await;
    s.advance_s(60);
    wait_for("retries", || rx.count() == 4).await;
    wait_until("both failed", || async { s.deliveries("?status=failed").await.len() == 2 }).await;
    // Four failures, but the run is 60 s old: still enabled, nothing left to send.
    let status = || async { s.req("GET", &format!("/v1/webhooks/{wid}/status"), None).await.1 };
    let st = status().await;
    assert_eq!(st["enabled"], true, "{st}");
    assert_eq!(st["failure_run"]["failed_attempts"], 4, "{st}");
    // 10 minutes after the run began, with no new attempt, the sweep disables it.
    s.advance_s(540);
    wait_until("auto-disabled by the sweep", || async { status().await["enabled"] == false }).await;
    let st = status().await;
    assert!(st["disabled"]["reason"].as_str().unwrap().starts_with("failure_run"), "{st}");
    assert_eq!(rx.count(), 4, "no attempt was needed to notice");
    s.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_lets_an_attempt_in_flight_finish() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Sleep(Duration::from_millis(300)));
    let s = Sender::dev().await;
    s.create(&rx.url("/"), &["*"], false).await;
    s.publish("ticket.created").await;
    wait_for("attempt in flight", || rx.count() == 1).await;
    let store = Arc::clone(&s.running.as_ref().unwrap().store);
    s.stop().await;
    let all = store
        .list_deliveries(&cstar_webhooks_sender::store::DeliveryFilter { limit: 10, ..Default::default() })
        .unwrap();
    assert_eq!(all[0].status, cstar_webhooks_sender::store::DeliveryStatus::Succeeded, "{all:?}");
}

#[tokio::test]
async fn a_slow_endpoint_cannot_starve_the_others() {
    let slow = Receiver::start().await;
    slow.set_default(Reply::Sleep(Duration::from_millis(600)));
    let fast = Receiver::start().await;
    let mut settings = dev_settings();
    settings.max_in_flight = 4;
    settings.per_webhook = 2;
    let s = Sender::start(settings).await;
    s.create(&slow.url("/slow"), &["*"], false).await;
    s.create(&fast.url("/fast"), &["*"], false).await;
    for _ in 0..6 {
        s.publish("customer.updated").await;
    }
    wait_for("the fast endpoint got everything", || fast.count() == 6).await;
    assert!(slow.count() <= 2, "at most 2 in flight to the slow endpoint, got {}", slow.count());
    wait_for("the slow endpoint got everything", || slow.count() == 6).await;
    s.stop().await;
}
