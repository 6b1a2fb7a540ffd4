use cstar_webhooks::{
    Event, EventData, EventEnvelope, EventType, Secret, Verifier, flatten, flatten_json, sample_event,
    sample_event_json, sign,
};
use serde_json::Value;

use crate::vectors;

#[test]
fn parse_vectors() {
    let file = vectors("events.json");
    for case in file["parse"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let body = case["body"].as_str().unwrap();
        let expected = &case["expected"];
        let result = Event::from_slice(body.as_bytes());
        // The serde-free envelope (the WASM build's) decides the same, with the same fields.
        let lite = EventEnvelope::from_slice(body.as_bytes());
        match (&result, &lite) {
            (Ok(event), Ok(envelope)) => {
                assert_eq!(envelope.id, event.id, "{name}");
                assert_eq!(envelope.event_type, event.event_type, "{name}");
                assert_eq!(envelope.created_at, event.created_at, "{name}");
                assert_eq!(envelope.team_id, event.team_id, "{name}");
                let keys: Vec<&str> = envelope.data.iter().map(|(k, _)| k.as_str()).collect();
                assert_eq!(keys, event.data.keys().map(String::as_str).collect::<Vec<_>>(), "{name}");
                assert_eq!(envelope.to_json(), event.to_json(), "{name}: to_json");
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.message().split(" at ").next(), b.message().split(" at ").next(), "{name}");
            }
            _ => panic!("{name}: Event::from_slice {result:?} but EventEnvelope::from_slice {lite:?}"),
        }
        if expected["ok"].as_bool().unwrap() {
            let event = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(event.id, expected["id"].as_str().unwrap(), "{name}");
            assert_eq!(event.event_type.as_str(), expected["type"].as_str().unwrap(), "{name}");
            assert_eq!(event.event_type.is_known(), expected["known_type"].as_bool().unwrap(), "{name}");
            assert_eq!(event.family().as_str(), expected["family"].as_str().unwrap(), "{name}");
            assert_eq!(event.team_id, expected["team_id"].as_str().unwrap(), "{name}");
            assert_eq!(event.created_at, expected["created_at"].as_str().unwrap(), "{name}");
            let keys: Vec<&str> = event.data.keys().map(String::as_str).collect();
            let expected_keys: Vec<&str> =
                expected["data_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
            assert_eq!(keys, expected_keys, "{name}");
            // The raw JSON round-trips: every input field survives, in order.
            let original: Value = serde_json::from_str(body).unwrap();
            assert_eq!(event.to_value(), original, "{name}: round trip");
        } else {
            let err = result.err().unwrap_or_else(|| panic!("{name}: expected an error"));
            assert_eq!(cstar_webhooks::VerifyError::from(err).code(), expected["code"].as_str().unwrap(), "{name}");
        }
    }
}

#[test]
fn flatten_vectors() {
    let file = vectors("events.json");
    for case in file["flatten"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input_text = case["input_text"].as_str().unwrap();
        let expected_keys: Vec<&str> =
            case["expected_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        for out in [flatten(&serde_json::from_str(input_text).unwrap()), {
            serde_json::from_str::<Value>(&flatten_json(input_text.as_bytes()).unwrap()).unwrap()
        }] {
            assert_eq!(out, case["expected"], "{name}");
            let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, expected_keys, "{name}: key order");
            // Idempotent.
            assert_eq!(flatten(&out), out, "{name}: flatten twice");
        }
    }
}

#[test]
fn every_catalog_type_has_a_sample_that_parses_and_types() {
    for ty in EventType::KNOWN {
        let sample = sample_event(ty).unwrap_or_else(|| panic!("no sample for {ty}"));
        assert_eq!(&sample.event_type, ty);
        assert!(sample.id.starts_with("evt_test_"));
        let typed = sample.typed_data().unwrap_or_else(|e| panic!("{ty}: {e}"));
        assert!(!matches!(typed, EventData::Unknown), "{ty}");
        let reparsed = Event::from_slice(sample.to_json().as_bytes()).unwrap();
        assert_eq!(reparsed, sample);
        assert_eq!(sample_event_json(ty).unwrap(), sample.to_json(), "{ty}: serde-free sample");
    }
    assert!(sample_event(&EventType::parse("ticket.merged")).is_none());
    assert!(sample_event_json(&EventType::parse("ticket.merged")).is_none());
}

#[test]
fn guide_example_parses_round_trips_and_verifies() {
    let file = vectors("events.json");
    let guide = file["parse"].as_array().unwrap().iter().find(|c| c["name"] == "guide_example").unwrap();
    let body = guide["body"].as_str().unwrap().as_bytes();
    let secret = Secret::new("whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8");
    let header = sign(core::slice::from_ref(&secret), 1_774_866_600, body).unwrap();
    let event = Verifier::new([secret]).construct_event(Some(&header), body, 1_774_866_600).unwrap();
    assert_eq!(event.event_type, EventType::TicketCreated);
    let EventData::Ticket { ticket, customer } = event.typed_data().unwrap() else { panic!("not a ticket") };
    assert_eq!(ticket.prefixed_id, "CST-1024");
    assert_eq!(customer.unwrap().name, "Casey Patel");
}
