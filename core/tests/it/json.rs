//! The dependency-free JSON module against `serde_json`: no panics on any bytes, the same
//! structure for valid JSON, the same accept/refuse decision, and the serde-free event paths
//! (envelope, flat payload, samples) against the serde ones.

use cstar_webhooks::json::{Json, MAX_DEPTH, reserializations};
use cstar_webhooks::{EventEnvelope, flatten_json};
use proptest::prelude::*;
use serde_json::Value;

/// The `serde_json` value of a parsed [`Json`] (numbers through `serde_json`'s own parser).
pub(crate) fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => serde_json::from_str(n).unwrap(),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Json::Object(members) => Value::Object(members.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("[a-c_]{0,3}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// `serde_json` refuses numbers beyond `f64`'s range; the JSON module keeps every literal.
fn out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().contains("number out of range")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let parsed = Json::parse(&body);
        let _ = EventEnvelope::from_slice(&body);
        let _ = flatten_json(&body);
        let _ = reserializations(&body);
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => prop_assert_eq!(to_value(&parsed.unwrap()), v),
            Err(e) => prop_assert!(parsed.is_err() || out_of_range(&e)),
        }
    }

    #[test]
    fn json_like_text_agrees_with_serde_json(text in r#"[\[\]{}",:0-9a-z\\/ .eE+\-]{0,64}"#) {
        let parsed = Json::parse(text.as_bytes());
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => prop_assert_eq!(to_value(&parsed.unwrap()), v),
            Err(e) => prop_assert!(parsed.is_err() || out_of_range(&e), "{} accepted: {:?}", text, parsed),
        }
    }

    #[test]
    fn valid_json_has_serde_json_structure(value in arb_json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        let parsed = Json::parse(text.as_bytes()).unwrap();
        // serde_json's own reading of the text (its float parsing is not exact round-trip).
        let expected: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&to_value(&parsed), &expected);
        // The compact printer gives serde_json's text back (its numbers are printed by serde_json).
        prop_assert_eq!(parsed.to_json(), serde_json::to_string(&value).unwrap());
        // Flattening agrees with the serde path.
        let flat: Value = serde_json::from_str(&flatten_json(text.as_bytes()).unwrap()).unwrap();
        prop_assert_eq!(flat, cstar_webhooks::flatten(&expected));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The serde-free envelope decides as `Event::from_slice` does, and prints the same.
    #[test]
    fn envelope_agrees_with_event(
        members in proptest::collection::vec(
            (prop_oneof![Just("id"), Just("type"), Just("created_at"), Just("team_id"), Just("data"), Just("x")], arb_json()),
            0..8,
        ),
        strings in proptest::collection::vec(".{0,8}", 5),
    ) {
        let mut text = String::from("{");
        for (i, (k, v)) in members.iter().enumerate() {
            // Mostly the right types, so that valid envelopes occur too.
            let v = if i % 3 == 0 { v.clone() } else if *k == "data" { serde_json::json!({"o": v}) } else { Value::String(strings[i % 5].clone()) };
            text.push_str(&format!("{}{}:{}", if i > 0 { "," } else { "" }, serde_json::to_string(k).unwrap(), v));
        }
        text.push('}');
        let event = cstar_webhooks::Event::from_slice(text.as_bytes());
        let envelope = EventEnvelope::from_slice(text.as_bytes());
        prop_assert_eq!(event.is_ok(), envelope.is_ok(), "{}", text);
        if let (Ok(event), Ok(envelope)) = (event, envelope) {
            let a: Value = serde_json::from_str(&event.to_json()).unwrap();
            let b: Value = serde_json::from_str(&envelope.to_json()).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn duplicate_keys_like_serde_json() {
    for text in [r#"{"a":1,"b":2,"a":3}"#, r#"{"id":"x","type":"t","id":"y","data":{},"created_at":"c","team_id":"t"}"#]
    {
        let serde: Value = serde_json::from_str(text).unwrap();
        let parsed = Json::parse(text.as_bytes()).unwrap();
        assert_eq!(to_value(&parsed), serde, "{text}");
        let keys: Vec<&str> = match &parsed {
            Json::Object(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => unreachable!(),
        };
        assert_eq!(keys, serde.as_object().unwrap().keys().map(String::as_str).collect::<Vec<_>>());
    }
}

#[test]
fn depth_limit_like_serde_json() {
    for depth in [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let ours = Json::parse(text.as_bytes()).is_ok();
        assert_eq!(ours, serde_json::from_str::<Value>(&text).is_ok(), "depth {depth}");
        let text = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        assert_eq!(Json::parse(text.as_bytes()).is_ok(), serde_json::from_str::<Value>(&text).is_ok(), "depth {depth}");
    }
}
