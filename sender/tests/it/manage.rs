//! Rotation, test sends, status, enable/disable, replay, REST Hooks, OpenAPI.

use std::time::Duration;

use cstar_webhooks::{Verifier, WebhookHeaders};

use super::*;

fn verify_with(secret: &str, r: &Received) -> Result<usize, &'static str> {
    let h = WebhookHeaders::from_pairs(r.headers.iter().map(|(k, v)| (k, v)));
    Verifier::new([secret])
        .verify(h.signature.as_deref(), &r.body, h.timestamp_unix().unwrap())
        .map(|v| v.secret_index)
        .map_err(|e| e.code())
}

#[tokio::test]
async fn rotation_signs_with_both_secrets_for_the_overlap_then_only_the_new_one() {
    let rx = Receiver::start().await;
    let s = Sender::dev().await;
    let (wid, old) = s.create(&rx.url("/"), &["*"], false).await;
    let (status, v) = s.req("POST", &format!("/v1/webhooks/{wid}/rotate-secret"), None).await;
    assert_eq!(status, 200, "{v}");
    let new = v["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(v["previous_secrets_expire_at"], "2026-03-31T10:30:00Z");
    s.publish("ticket.created").await;
    wait_for("delivery", || rx.count() == 1).await;
    let first = &rx.all()[0];
    assert_eq!(first.header("x-signature").unwrap().matches("v1=").count(), 2);
    assert!(verify_with(&old, first).is_ok(), "a receiver holding only the old secret still verifies");
    assert!(verify_with(&new, first).is_ok());
    s.advance_s(86_400);
    s.publish("ticket.created").await;
    wait_for("delivery", || rx.count() == 2).await;
    let second = &rx.all()[1];
    assert_eq!(second.header("x-signature").unwrap().matches("v1=").count(), 1);
    assert_eq!(verify_with(&old, second), Err("no_matching_signature"));
    assert!(verify_with(&new, second).is_ok());
    s.stop().await;
}

#[tokio::test]
async fn test_send_is_one_attempt_with_a_test_id_and_returns_the_outcome() {
    let rx = Receiver::start().await;
    rx.push(Reply::Status(500));
    let s = Sender::dev().await;
    let (wid, secret) = s.create(&rx.url("/t"), &["ticket.*"], false).await;
    let (status, v) = s.req("POST", &format!("/v1/webhooks/{wid}/test"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["success"], false);
    assert_eq!(v["status_code"], 500);
    assert_eq!(v["response_excerpt"], "receiver says hi");
    let (_, v) = s
        .req("POST", &format!("/v1/webhooks/{wid}/test"), Some(r#"{"event_type":"gamification.boss_defeated"}"#))
        .await;
    assert_eq!(v["success"], true, "{v}");
    assert!(v["event_id"].as_str().unwrap().starts_with("evt_test_gamification_boss_defeated_"));
    assert!(v["duration_ms"].as_i64().is_some());
    let got = rx.all();
    assert_eq!(got.len(), 2);
    assert!(verify_with(&secret, &got[1]).is_ok());
    assert_eq!(got[1].json()["type"], "gamification.boss_defeated");
    // The failed test shows in the status view.
    let (_, st) = s.req("GET", &format!("/v1/webhooks/{wid}/status"), None).await;
    assert_eq!(st["recent_failures"].as_array().unwrap().len(), 1);
    assert_eq!(st["last_24h"].as_array().unwrap().len(), 2);
    // Never retried, and no delivery was created.
    s.advance_s(100_000);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.count(), 2);
    assert!(s.deliveries("").await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn disable_cancels_waiting_deliveries_which_replay_sends_once() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(500));
    let s = Sender::dev().await;
    let (wid, _) = s.create(&rx.url("/"), &["*"], false).await;
    s.publish("article.published").await;
    // The first attempt failed and its retry is waiting (not merely published and not yet sent).
    wait_for("first attempt", || rx.count() == 1).await;
    wait_until("retry scheduled", || async {
        s.deliveries("?status=scheduled").await.first().is_some_and(|d| d["attempts"] == 1)
    })
    .await;
    let (status, v) = s.req("POST", &format!("/v1/webhooks/{wid}/disable"), Some(r#"{"reason":"maintenance"}"#)).await;
    assert_eq!(status, 200);
    assert_eq!(v["disabled"]["by"], "user");
    assert_eq!(v["disabled"]["reason"], "manual: maintenance");
    let cancelled = s.deliveries("?status=cancelled").await;
    assert_eq!(cancelled.len(), 1);
    let did = cancelled[0]["id"].as_str().unwrap().to_owned();
    s.advance_s(1000);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.count(), 1, "nothing sent while disabled");
    rx.set_default(Reply::Status(200));
    let (status, v) = s.req("POST", &format!("/v1/deliveries/{did}/replay"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["success"], true);
    assert_eq!(rx.count(), 2);
    let (_, d) = s.req("GET", &format!("/v1/deliveries/{did}"), None).await;
    assert_eq!(d["status"], "succeeded");
    assert_eq!(d["attempts_log"].as_array().unwrap().len(), 2);
    assert_eq!(d["attempts_log"][1]["manual"], true);
    assert_eq!(rx.all()[1].header("x-event-id"), rx.all()[0].header("x-event-id"), "same event id: receivers dedupe");
    // Enable again: new events flow.
    let (status, v) = s.req("POST", &format!("/v1/webhooks/{wid}/enable"), None).await;
    assert_eq!((status, v["enabled"].as_bool()), (200, Some(true)));
    s.publish("article.updated").await;
    wait_for("new delivery", || rx.count() == 3).await;
    // Replaying a scheduled delivery is refused.
    rx.set_default(Reply::Status(500));
    s.publish("article.archived").await;
    wait_until("scheduled", || async { s.deliveries("?status=scheduled").await.len() == 1 }).await;
    let pending = s.deliveries("?status=scheduled").await[0]["id"].as_str().unwrap().to_owned();
    let (status, v) = s.req("POST", &format!("/v1/deliveries/{pending}/replay"), None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("delivery_pending")));
    s.stop().await;
}

#[tokio::test]
async fn rest_hooks_subscribe_deliver_flat_and_unsubscribe_on_410() {
    let rx = Receiver::start().await;
    let s = Sender::dev().await;
    let (status, v) = s
        .req(
            "POST",
            "/v1/hooks",
            Some(&serde_json::json!({"target_url": rx.url("/zap"), "event": "ticket.created"}).to_string()),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let (status, samples) = s.req("GET", "/v1/hooks/samples/ticket.created", None).await;
    assert_eq!(status, 200);
    let sample = &samples[0];
    assert_eq!(sample["type"], "ticket.created");
    assert!(sample["ticket_id"].is_string(), "flat: {sample}");
    s.publish("ticket.created").await;
    wait_for("delivery", || rx.count() == 1).await;
    let live = rx.all()[0].json();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&live), keys(sample), "samples have exactly the live shape");
    rx.set_default(Reply::Status(410));
    s.publish("ticket.created").await;
    wait_for("second delivery", || rx.count() == 2).await;
    wait_until("unsubscribed", || async { s.req("GET", &format!("/v1/webhooks/{id}"), None).await.0 == 404 }).await;
    s.publish("ticket.created").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.count(), 2);
    // Explicit unsubscribe.
    let (_, v) = s
        .req(
            "POST",
            "/v1/hooks",
            Some(&serde_json::json!({"target_url": rx.url("/zap2"), "event": "customer.*"}).to_string()),
        )
        .await;
    let (status, _) = s.req("DELETE", &format!("/v1/hooks/{}", v["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 204);
    s.stop().await;
}

#[tokio::test]
async fn openapi_document_matches_the_real_routes() {
    let s = Sender::dev().await;
    let (status, doc) = s.req_key("GET", "/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    let mut real: Vec<(String, String)> = cstar_webhooks_sender::api::API_ROUTES
        .iter()
        .chain(cstar_webhooks_sender::api::PUBLIC_ROUTES)
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    documented.sort();
    real.sort();
    assert_eq!(documented, real);
    // Every documented route exists on the server (not 404 route / 405).
    for (method, path) in &real {
        let concrete = path.replace("{id}", "x_missing").replace("{event_type}", "ticket.created");
        let (status, v) = s.req(&method.to_uppercase(), &concrete, None).await;
        assert_ne!(status, 405, "{method} {path}");
        if status == 404 {
            assert_ne!(v["error"]["message"], "route not found", "{method} {path} is not routed");
        }
    }
    s.stop().await;
}

/// The documented properties of a schema (following `allOf`).
fn documented_keys(doc: &Value, name: &str) -> Vec<String> {
    let schema = &doc["components"]["schemas"][name];
    let mut keys: Vec<String> = Vec::new();
    let mut add = |s: &Value| {
        if let Some(props) = s["properties"].as_object() {
            keys.extend(props.keys().cloned());
        }
    };
    add(schema);
    if let Some(parts) = schema["allOf"].as_array() {
        for p in parts {
            match p["$ref"].as_str() {
                Some(r) => add(&doc["components"]["schemas"][r.rsplit('/').next().unwrap()]),
                None => add(p),
            }
        }
    }
    keys.sort();
    keys
}

fn keys_of(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn openapi_schemas_match_the_real_responses() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Status(500));
    let s = Sender::dev().await;
    let (_, doc) = s.req_key("GET", "/openapi.json", None, None).await;
    let body = serde_json::json!({"url": rx.url("/"), "events": ["*"]}).to_string();
    let (_, created) = s.req("POST", "/v1/webhooks", Some(&body)).await;
    assert_eq!(keys_of(&created), documented_keys(&doc, "WebhookWithSecret"));
    let id = created["id"].as_str().unwrap();
    let (_, hook) = s.req("GET", &format!("/v1/webhooks/{id}"), None).await;
    assert_eq!(keys_of(&hook), documented_keys(&doc, "Webhook"));
    let (_, rotated) = s.req("POST", &format!("/v1/webhooks/{id}/rotate-secret"), None).await;
    assert_eq!(keys_of(&rotated), documented_keys(&doc, "RotatedSecret"));
    let (_, published) = s
        .req(
            "POST",
            "/v1/events",
            Some(r#"{"type":"customer.created","data":{"customer":{"id":"c","name":"n","email":"e"}}}"#),
        )
        .await;
    assert_eq!(keys_of(&published), documented_keys(&doc, "Published"));
    wait_until("scheduled", || async { s.deliveries("?status=scheduled").await.len() == 1 }).await;
    let (_, tested) = s.req("POST", &format!("/v1/webhooks/{id}/test"), None).await;
    let mut send_keys = documented_keys(&doc, "SendResult");
    send_keys.retain(|k| k != "delivery_id");
    assert_eq!(keys_of(&tested), send_keys);
    let (_, status) = s.req("GET", &format!("/v1/webhooks/{id}/status"), None).await;
    assert_eq!(keys_of(&status), documented_keys(&doc, "WebhookStatus"));
    assert_eq!(keys_of(&status["recent_failures"][0]), documented_keys(&doc, "Attempt"));
    let did = s.deliveries("").await[0]["id"].as_str().unwrap().to_owned();
    let (_, delivery) = s.req("GET", &format!("/v1/deliveries/{did}"), None).await;
    assert_eq!(keys_of(&delivery), documented_keys(&doc, "Delivery"));
    s.req("POST", &format!("/v1/webhooks/{id}/disable"), None).await;
    let (_, replayed) = s.req("POST", &format!("/v1/deliveries/{did}/replay"), None).await;
    assert_eq!(keys_of(&replayed), documented_keys(&doc, "SendResult"));
    let (_, err) = s.req("GET", "/v1/webhooks/whk_missing", None).await;
    assert_eq!(keys_of(&err), documented_keys(&doc, "Error"));
    let code = err["error"]["code"].as_str().unwrap();
    let codes =
        doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"].as_array().unwrap();
    assert!(codes.iter().any(|c| c == code));
    s.stop().await;
}
