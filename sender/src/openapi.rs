//! The OpenAPI 3 document of the API, built from one table of operations. A test compares
//! its paths and methods with [`crate::api::API_ROUTES`] / [`crate::api::PUBLIC_ROUTES`] and
//! calls every one of them on a running server.

use serde_json::{Map, Value, json};

use crate::api::ApiError;

/// One operation: method, path, summary, request schema, success status and schema.
struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    status: &'static str,
    response: Option<&'static str>,
    public: bool,
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    status: &'static str,
    response: Option<&'static str>,
) -> Op {
    Op { method, path, summary, request, status, response, public: false }
}

const OPS: &[Op] = &[
    op("get", "/v1/webhooks", "List webhooks", None, "200", Some("WebhookList")),
    op(
        "post",
        "/v1/webhooks",
        "Create a webhook (the secret is returned only here)",
        Some("CreateWebhook"),
        "201",
        Some("WebhookWithSecret"),
    ),
    op("get", "/v1/webhooks/{id}", "Get a webhook", None, "200", Some("Webhook")),
    op("patch", "/v1/webhooks/{id}", "Update a webhook", Some("PatchWebhook"), "200", Some("Webhook")),
    op(
        "delete",
        "/v1/webhooks/{id}",
        "Delete a webhook (its waiting deliveries are cancelled and kept)",
        None,
        "204",
        None,
    ),
    op(
        "post",
        "/v1/webhooks/{id}/rotate-secret",
        "Rotate the signing secret; the old one keeps signing during the overlap",
        None,
        "200",
        Some("RotatedSecret"),
    ),
    op(
        "post",
        "/v1/webhooks/{id}/test",
        "Send a sample event once (id evt_test_…), no retries",
        Some("TestRequest"),
        "200",
        Some("SendResult"),
    ),
    op(
        "get",
        "/v1/webhooks/{id}/status",
        "Status, failure run, recent failed attempts, last 24 h",
        None,
        "200",
        Some("WebhookStatus"),
    ),
    op("post", "/v1/webhooks/{id}/enable", "Enable (new events only)", None, "200", Some("Webhook")),
    op(
        "post",
        "/v1/webhooks/{id}/disable",
        "Disable (cancels waiting deliveries)",
        Some("DisableRequest"),
        "200",
        Some("Webhook"),
    ),
    op(
        "post",
        "/v1/events",
        "Publish an event; 202 once it and its deliveries are durable",
        Some("PublishRequest"),
        "202",
        Some("Published"),
    ),
    op(
        "get",
        "/v1/deliveries",
        "List deliveries (query: webhook_id, status, event_id, limit)",
        None,
        "200",
        Some("DeliveryList"),
    ),
    op("get", "/v1/deliveries/{id}", "Get a delivery with its attempts", None, "200", Some("Delivery")),
    op(
        "post",
        "/v1/deliveries/{id}/replay",
        "Send a finished delivery once more, no retries",
        None,
        "200",
        Some("SendResult"),
    ),
    op(
        "post",
        "/v1/hooks",
        "Zapier REST Hooks: subscribe (flat payload); a 410 from the target unsubscribes",
        Some("Subscribe"),
        "201",
        Some("WebhookWithSecret"),
    ),
    op("delete", "/v1/hooks/{id}", "Zapier REST Hooks: unsubscribe", None, "204", None),
    op(
        "get",
        "/v1/hooks/samples/{event_type}",
        "Sample payloads in the live (flat) shape",
        None,
        "200",
        Some("Samples"),
    ),
    Op {
        method: "get",
        path: "/",
        summary: "The settings page (HTML)",
        request: None,
        status: "200",
        response: None,
        public: true,
    },
    Op {
        method: "get",
        path: "/healthz",
        summary: "Liveness and database check",
        request: None,
        status: "200",
        response: None,
        public: true,
    },
    Op {
        method: "get",
        path: "/metrics",
        summary: "Prometheus metrics",
        request: None,
        status: "200",
        response: None,
        public: true,
    },
    Op {
        method: "get",
        path: "/openapi.json",
        summary: "This document",
        request: None,
        status: "200",
        response: None,
        public: true,
    },
];

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn schemas() -> Value {
    let s = |v: &str| json!({"type": v});
    let ts = json!({"type": "string", "format": "date-time"});
    let webhook = json!({"type": "object", "properties": {
        "id": s("string"), "url": s("string"), "name": s("string"),
        "events": {"type": "array", "items": s("string")}, "flat_payload": s("boolean"), "enabled": s("boolean"),
        "disabled": {"type": "object", "nullable": true, "properties": {"by": s("string"), "reason": s("string"), "at": ts}},
        "kind": {"type": "string", "enum": ["webhook", "rest_hook"]}, "created_at": ts, "updated_at": ts}});
    let attempt = json!({"type": "object", "properties": {
        "delivery_id": {"type": "string", "nullable": true}, "event_id": s("string"), "number": s("integer"),
        "started_at": ts, "duration_ms": s("integer"), "outcome": {"type": "string", "enum": ["status", "timeout", "network_error"]},
        "status_code": {"type": "integer", "nullable": true}, "error": {"type": "string", "nullable": true},
        "response_excerpt": s("string"), "manual": s("boolean"), "success": s("boolean")}});
    let delivery = json!({"type": "object", "properties": {
        "id": s("string"), "event_id": s("string"), "event_type": s("string"), "webhook_id": s("string"),
        "status": {"type": "string", "enum": ["scheduled", "in_flight", "succeeded", "failed", "cancelled"]},
        "attempts": s("integer"), "next_attempt_at": {"type": "string", "format": "date-time", "nullable": true},
        "last_outcome": {"type": "string", "nullable": true}, "created_at": ts, "updated_at": ts,
        "attempts_log": {"type": "array", "items": r("Attempt")}}});
    json!({
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "enum": ApiError::CODES}, "message": s("string")}}}},
        "Webhook": webhook,
        "WebhookWithSecret": {"allOf": [r("Webhook"), {"type": "object", "properties": {"secret": s("string")}}]},
        "WebhookList": {"type": "object", "properties": {"data": {"type": "array", "items": r("Webhook")}}},
        "CreateWebhook": {"type": "object", "required": ["url", "events"], "additionalProperties": false, "properties": {
            "url": s("string"), "events": {"type": "array", "items": s("string"), "minItems": 1},
            "name": s("string"), "flat_payload": s("boolean")}},
        "PatchWebhook": {"type": "object", "additionalProperties": false, "properties": {
            "url": s("string"), "events": {"type": "array", "items": s("string")}, "name": s("string"), "flat_payload": s("boolean")}},
        "RotatedSecret": {"type": "object", "properties": {"id": s("string"), "secret": s("string"), "previous_secrets_expire_at": ts}},
        "TestRequest": {"type": "object", "additionalProperties": false, "properties": {"event_type": s("string")}},
        "DisableRequest": {"type": "object", "additionalProperties": false, "properties": {"reason": s("string")}},
        "SendResult": {"type": "object", "properties": {"event_id": s("string"), "delivery_id": s("string"), "success": s("boolean"),
            "outcome": s("string"), "status_code": {"type": "integer", "nullable": true}, "error": {"type": "string", "nullable": true},
            "duration_ms": s("integer"), "response_excerpt": s("string")}},
        "Attempt": attempt,
        "WebhookStatus": {"type": "object", "properties": {"id": s("string"), "enabled": s("boolean"),
            "disabled": {"type": "object", "nullable": true}, "last_success_at": {"type": "string", "format": "date-time", "nullable": true},
            "failure_run": {"type": "object", "nullable": true, "properties": {"started_at": ts, "failed_attempts": s("integer")}},
            "recent_failures": {"type": "array", "items": r("Attempt")},
            "last_24h": {"type": "array", "items": {"type": "object", "properties": {"at": ts, "success": s("boolean"), "manual": s("boolean")}}}}},
        "PublishRequest": {"type": "object", "required": ["type", "data"], "additionalProperties": false, "properties": {
            "type": s("string"), "data": s("object"), "team_id": s("string")}},
        "Published": {"type": "object", "properties": {"id": s("string"), "deliveries": s("integer")}},
        "Delivery": delivery,
        "DeliveryList": {"type": "object", "properties": {"data": {"type": "array", "items": r("Delivery")}}},
        "Subscribe": {"type": "object", "required": ["target_url", "event"], "additionalProperties": false, "properties": {
            "target_url": s("string"), "event": s("string")}},
        "Samples": {"type": "array", "items": s("object")},
    })
}

/// The document.
#[must_use]
pub fn document() -> Value {
    let mut paths = Map::new();
    for o in OPS {
        let mut operation = Map::new();
        operation.insert("summary".into(), o.summary.into());
        let params: Vec<Value> = ["id", "event_type"]
            .iter()
            .filter(|p| o.path.contains(&format!("{{{p}}}")))
            .map(|p| json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            operation.insert("parameters".into(), Value::Array(params));
        }
        if let Some(req) = o.request {
            operation.insert(
                "requestBody".into(),
                json!({"required": o.method != "post" || !matches!(req, "TestRequest" | "DisableRequest"),
                       "content": {"application/json": {"schema": r(req)}}}),
            );
        }
        let mut responses = Map::new();
        let ok = match o.response {
            Some(schema) => json!({"description": "success", "content": {"application/json": {"schema": r(schema)}}}),
            None => json!({"description": "success"}),
        };
        responses.insert(o.status.into(), ok);
        if !o.public {
            responses.insert(
                "4XX".into(),
                json!({"description": "error", "content": {"application/json": {"schema": r("Error")}}}),
            );
            operation.insert("security".into(), json!([{"bearer": []}]));
        }
        operation.insert("responses".into(), Value::Object(responses));
        let item = paths.entry(o.path).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = item {
            m.insert(o.method.into(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "cStar webhooks sender", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Management API of the cStar webhooks reference sender. Errors: {\"error\":{\"code\",\"message\"}}."},
        "paths": paths,
        "components": {"schemas": schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    })
}
