//! API input handling: auth, every error code, and that failed requests change nothing.

use super::*;

async fn snapshot(s: &Sender) -> (Value, Vec<Value>) {
    let (_, hooks) = s.req("GET", "/v1/webhooks", None).await;
    (hooks, s.deliveries("").await)
}

#[tokio::test]
async fn auth_is_required_and_compared_exactly() {
    let s = Sender::dev().await;
    for key in [None, Some("wrong"), Some(""), Some("test-api-key-and-more")] {
        let (status, v) = s.req_key("GET", "/v1/webhooks", None, key).await;
        assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")), "{key:?}");
    }
    let (status, v) = s.req_key("POST", "/v1/events", Some("{}"), None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")));
    // Public routes.
    for path in ["/healthz", "/metrics", "/openapi.json", "/"] {
        let (status, _) = s.req_key("GET", path, None, None).await;
        assert_eq!(status, 200, "{path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_stable_code_and_changes_nothing() {
    let rx = Receiver::start().await;
    let s = Sender::dev().await;
    let (wid, _) = s.create(&rx.url("/"), &["ticket.*"], false).await;
    let before = snapshot(&s).await;
    let huge = format!(r#"{{"type":"ticket.created","data":{{"x":"{}"}}}}"#, "a".repeat(300 * 1024));
    let wpath = format!("/v1/webhooks/{wid}");
    let cases: Vec<(&str, String, Option<String>, u16, &str)> = vec![
        ("POST", "/v1/webhooks".into(), Some("{not json".into()), 400, "invalid_json"),
        ("POST", "/v1/webhooks".into(), Some("[1,2]".into()), 400, "invalid_request"),
        ("POST", "/v1/webhooks".into(), Some(r#"{"url":"http://127.0.0.1:1/"}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/webhooks".into(), Some(r#"{"url":5,"events":["*"]}"#.into()), 400, "invalid_request"),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url":"http://127.0.0.1:1/","events":["*"],"colour":"red"}"#.into()),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url":"http://127.0.0.1:1/","events":[]}"#.into()),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url":"http://127.0.0.1:1/","events":["ticket.exploded"]}"#.into()),
            400,
            "unknown_event_type",
        ),
        ("POST", "/v1/webhooks".into(), Some(r#"{"url":"mailto:x@y","events":["*"]}"#.into()), 400, "invalid_url"),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(format!(r#"{{"url":"http://127.0.0.1:1/","events":["*"],"name":"{}"}}"#, "n".repeat(201))),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/v1/events".into(),
            Some(r#"{"type":"ticket.exploded","data":{}}"#.into()),
            400,
            "unknown_event_type",
        ),
        ("POST", "/v1/events".into(), Some(r#"{"type":"ticket.created","data":[1]}"#.into()), 400, "invalid_data"),
        ("POST", "/v1/events".into(), Some(r#"{"type":"ticket.created","data":{}}"#.into()), 400, "invalid_data"),
        (
            "POST",
            "/v1/events".into(),
            Some(r#"{"type":"ticket.created","data":{"ticket":{"id":5}}}"#.into()),
            400,
            "invalid_data",
        ),
        ("POST", "/v1/events".into(), Some(r#"{"type":7,"data":{}}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/events".into(), Some("\u{0}\u{1}".into()), 400, "invalid_json"),
        ("POST", "/v1/events".into(), Some(huge), 413, "payload_too_large"),
        ("GET", "/v1/webhooks/whk_nope".into(), None, 404, "not_found"),
        ("PATCH", "/v1/webhooks/whk_nope".into(), Some(r#"{"name":"x"}"#.into()), 404, "not_found"),
        ("PATCH", wpath.clone(), Some(r#"{"events":["nope"]}"#.into()), 400, "unknown_event_type"),
        ("PATCH", wpath.clone(), Some(r#"{"url":"ftp://x/"}"#.into()), 400, "invalid_url"),
        ("PATCH", wpath.clone(), Some(r#"{"enabled":false}"#.into()), 400, "invalid_request"),
        ("DELETE", "/v1/webhooks/whk_nope".into(), None, 404, "not_found"),
        ("POST", "/v1/webhooks/whk_nope/rotate-secret".into(), None, 404, "not_found"),
        ("POST", "/v1/webhooks/whk_nope/test".into(), None, 404, "not_found"),
        ("POST", format!("{wpath}/test"), Some(r#"{"event_type":"nope.nope"}"#.into()), 400, "unknown_event_type"),
        ("GET", "/v1/webhooks/whk_nope/status".into(), None, 404, "not_found"),
        ("GET", format!("{wpath}/status?limit=0"), None, 400, "invalid_query"),
        ("POST", "/v1/webhooks/whk_nope/enable".into(), None, 404, "not_found"),
        ("POST", "/v1/webhooks/whk_nope/disable".into(), None, 404, "not_found"),
        ("GET", "/v1/deliveries?status=lost".into(), None, 400, "invalid_query"),
        ("GET", "/v1/deliveries?limit=100000".into(), None, 400, "invalid_query"),
        ("GET", "/v1/deliveries?colour=red".into(), None, 400, "invalid_query"),
        ("GET", "/v1/deliveries/dlv_nope".into(), None, 404, "not_found"),
        ("POST", "/v1/deliveries/dlv_nope/replay".into(), None, 404, "not_found"),
        ("POST", "/v1/hooks".into(), Some(r#"{"target_url":"http://127.0.0.1:1/"}"#.into()), 400, "invalid_request"),
        (
            "POST",
            "/v1/hooks".into(),
            Some(r#"{"target_url":"http://127.0.0.1:1/","event":"x.y"}"#.into()),
            400,
            "unknown_event_type",
        ),
        ("DELETE", "/v1/hooks/whk_nope".into(), None, 404, "not_found"),
        ("GET", "/v1/hooks/samples/nope.nope".into(), None, 400, "unknown_event_type"),
        ("GET", "/v1/nothing".into(), None, 404, "not_found"),
        ("PUT", "/v1/webhooks".into(), None, 405, "method_not_allowed"),
    ];
    for (method, path, body, status, code) in &cases {
        let (got, v) = s.req(method, path, body.as_deref()).await;
        assert_eq!((got, v["error"]["code"].as_str()), (*status, Some(*code)), "{method} {path}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(cstar_webhooks_sender::api::ApiError::CODES.contains(code), "{code} listed");
    }
    assert_eq!(snapshot(&s).await, before, "failed requests changed nothing");
    assert_eq!(rx.count(), 0);
    s.stop().await;
}

#[tokio::test]
async fn webhook_crud() {
    let s = Sender::dev().await;
    let (id, secret) = s.create("http://127.0.0.1:9/a", &["ticket.created", "customer.*"], true).await;
    assert!(id.starts_with("whk_"));
    assert!(secret.starts_with("whsec_") && secret.len() == 38);
    let (_, got) = s.req("GET", &format!("/v1/webhooks/{id}"), None).await;
    assert_eq!(got["events"], serde_json::json!(["ticket.created", "customer.*"]));
    assert_eq!(got["flat_payload"], true);
    assert!(got.get("secret").is_none(), "the secret is shown only at creation");
    let (status, v) =
        s.req("PATCH", &format!("/v1/webhooks/{id}"), Some(r#"{"name":"renamed","flat_payload":false}"#)).await;
    assert_eq!(status, 200);
    assert_eq!((v["name"].as_str(), v["flat_payload"].as_bool()), (Some("renamed"), Some(false)));
    let (_, list) = s.req("GET", "/v1/webhooks", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&secret));
    let (status, _) = s.req("DELETE", &format!("/v1/webhooks/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = s.req("GET", &format!("/v1/webhooks/{id}"), None).await;
    assert_eq!(status, 404);
    s.stop().await;
}
