use cstar_webhooks::headers::{DeliveryInfo, X_SIGNATURE};
use cstar_webhooks::{Cause, Secret, WebhookHeaders, delivery_headers, diagnose, sign, sign_legacy};

const T: i64 = 1_774_866_600;
const BODY: &str = "{\"id\":\"evt_1\",\"type\":\"ticket.created\",\"data\":{\"title\":\"Caf\u{e9}\"}}";

fn secret() -> Secret {
    Secret::new("whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8")
}

fn codes(secrets: &[Secret], header: &str, body: &[u8], now: i64) -> Vec<&'static str> {
    let d = diagnose(secrets, Some(header), body, now);
    assert!(d.result.is_err(), "diagnose is only interesting for failures");
    d.causes.iter().map(Cause::code).collect()
}

#[test]
fn a_valid_signature_has_no_causes() {
    let h = sign(&[secret()], T, BODY.as_bytes()).unwrap();
    let d = diagnose(&[secret()], Some(&h), BODY.as_bytes(), T);
    assert!(d.result.is_ok());
    assert!(d.causes.is_empty());
}

#[test]
fn each_cause_is_named() {
    let s = [secret()];
    let value: serde_json::Value = serde_json::from_str(BODY).unwrap();
    let signed = |body: &[u8]| sign(&s, T, body).unwrap();

    // The receiver re-serialized the JSON (pretty, sorted, ASCII-escaped).
    let h = signed(BODY.as_bytes());
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(codes(&s, &h, pretty.as_bytes(), T), ["body_reserialized"]);
    let escaped = BODY.replace('\u{e9}', "\\u00e9");
    assert_eq!(codes(&s, &h, escaped.as_bytes(), T), ["body_reserialized"]);

    // A trailing newline added by a proxy or a test fixture.
    assert_eq!(codes(&s, &h, format!("{BODY}\n").as_bytes(), T), ["trailing_newline"]);

    // CRLF conversion.
    let multi = "{\n\"a\": 1\n}";
    let h2 = signed(multi.as_bytes());
    assert_eq!(codes(&s, &h2, multi.replace('\n', "\r\n").as_bytes(), T), ["crlf"]);

    // The sender's secret had a stray space pasted in.
    let spaced = [Secret::new(" whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8\n")];
    assert_eq!(codes(&spaced, &h, BODY.as_bytes(), T), ["secret_whitespace"]);

    // Milliseconds.
    let ms = sign(&s, T * 1000, BODY.as_bytes()).unwrap();
    assert_eq!(codes(&s, &ms, BODY.as_bytes(), T), ["timestamp_milliseconds"]);

    // Clock skew, with the number of seconds.
    let d = diagnose(&s, Some(&h), BODY.as_bytes(), T + 900);
    assert_eq!(d.result.unwrap_err().code(), "timestamp_too_old");
    assert_eq!(d.causes, [Cause::ClockSkew { seconds: -900 }]);

    // Wrong secret.
    assert_eq!(codes(&[Secret::new("whsec_other")], &h, BODY.as_bytes(), T), ["wrong_secret"]);

    // Scheme mismatch, both ways.
    let legacy_hex = sign_legacy(&s[0], BODY.as_bytes()).replace("sha256=", "");
    assert_eq!(codes(&s, &format!("t={T},v1={legacy_hex}"), BODY.as_bytes(), T), ["scheme_mismatch"]);
    let v1_hex = h.split("v1=").nth(1).unwrap();
    assert_eq!(codes(&s, &format!("sha256={v1_hex}"), BODY.as_bytes(), T + 30), ["scheme_mismatch"]);
}

#[test]
fn every_cause_code_is_listed() {
    let listed: Vec<&str> = Cause::CODES.to_vec();
    for code in [
        "body_reserialized",
        "trailing_newline",
        "crlf",
        "secret_whitespace",
        "timestamp_milliseconds",
        "clock_skew",
        "scheme_mismatch",
        "wrong_secret",
    ] {
        assert!(listed.contains(&code), "{code}");
    }
}

#[test]
fn delivery_headers_are_the_spec_set_and_parse_back_in_any_case() {
    let info = DeliveryInfo {
        webhook_id: "whk_abc",
        event_id: "evt_ticket_created_0123456789abcdef",
        event_type: "ticket.created",
        attempt: 3,
        send_time: T,
    };
    let headers = delivery_headers(&info, &[secret(), Secret::new("whsec_old")], BODY.as_bytes()).unwrap();
    let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "X-Webhook-ID",
            "X-Event-Type",
            "X-Event-ID",
            "X-Timestamp",
            "X-Signature",
            "X-Delivery-Attempt",
            "User-Agent"
        ]
    );
    let sig = &headers.iter().find(|(n, _)| *n == X_SIGNATURE).unwrap().1;
    assert_eq!(sig.matches(",v1=").count(), 2, "one v1 per secret");
    assert!(sig.starts_with(&format!("t={T},")));

    let lower = headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone()));
    let parsed = WebhookHeaders::from_pairs(lower);
    assert_eq!(parsed.signature.as_deref(), Some(sig.as_str()));
    assert_eq!(parsed.timestamp.as_deref(), Some("2026-03-30T10:30:00Z"));
    assert_eq!(parsed.timestamp_unix(), Some(T));
    assert_eq!(parsed.attempt(), Some(3));
    assert_eq!(parsed.user_agent.as_deref(), Some("cStar-Webhooks/1.0"));
}
