use cstar_webhooks::{Scheme, Secret, Verifier, VerifyError, sign, sign_legacy};
use serde_json::Value;

use crate::vectors;

/// The body of a case: `body` (text), `body_hex` (bytes) or `body_repeat` (a rule).
fn body(case: &Value) -> Vec<u8> {
    if let Some(text) = case["body"].as_str() {
        text.as_bytes().to_vec()
    } else if let Some(hex) = case["body_hex"].as_str() {
        hex::decode(hex).unwrap()
    } else if let Some(rule) = case.get("body_repeat") {
        let pattern = rule["pattern"].as_str().unwrap();
        pattern.repeat(usize::try_from(rule["count"].as_u64().unwrap()).unwrap()).into_bytes()
    } else {
        panic!("{}: no body", case["name"])
    }
}

fn secrets(case: &Value) -> Vec<Secret> {
    case["secrets"].as_array().unwrap().iter().map(|s| Secret::new(s.as_str().unwrap())).collect()
}

#[test]
fn verify_vectors() {
    let file = vectors("signatures.json");
    let cases = file["verify"].as_array().unwrap();
    assert!(cases.len() >= 40, "the contract asks for at least 40 cases");
    let mut codes_seen = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let options = &case["options"];
        let verifier = Verifier::new(secrets(case))
            .max_age(options["max_age"].as_u64().unwrap())
            .max_future(options["max_future"].as_u64().unwrap())
            .allow_legacy(options["allow_legacy"].as_bool().unwrap());
        let result = verifier.verify(case["header"].as_str(), &body(case), case["now"].as_i64().unwrap());
        let expected = &case["expected"];
        if expected["ok"].as_bool().unwrap() {
            let verified = result.unwrap_or_else(|e| panic!("{name}: expected success, got {e}"));
            assert_eq!(verified.scheme.as_str(), expected["scheme"].as_str().unwrap(), "{name}");
            assert_eq!(verified.timestamp, expected["timestamp"].as_i64(), "{name}");
            assert_eq!(verified.secret_index as u64, expected["secret_index"].as_u64().unwrap(), "{name}");
        } else {
            let code = expected["code"].as_str().unwrap();
            let err = result.err().unwrap_or_else(|| panic!("{name}: expected {code}, got success"));
            assert_eq!(err.code(), code, "{name}");
            codes_seen.insert(code);
        }
    }
    // Every verification error code is exercised (invalid_payload belongs to events.json).
    for code in VerifyError::CODES.iter().filter(|c| **c != "invalid_payload") {
        assert!(codes_seen.contains(code), "no vector produces {code}");
    }
}

#[test]
fn sign_vectors() {
    let file = vectors("signatures.json");
    for case in file["sign"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let secrets = secrets(case);
        let header = match case["scheme"].as_str().unwrap() {
            "v1" => sign(&secrets, case["timestamp"].as_i64().unwrap(), &body(case)).unwrap(),
            "legacy" => sign_legacy(&secrets[0], &body(case)),
            other => panic!("{name}: unknown scheme {other}"),
        };
        assert_eq!(header, case["expected_header"].as_str().unwrap(), "{name}");
        // And what we sign, we verify.
        let t = case["timestamp"].as_i64().unwrap_or(0);
        let verified = Verifier::new(secrets).verify(Some(&header), &body(case), t).unwrap();
        assert_eq!(verified.scheme, if case["scheme"] == "v1" { Scheme::V1 } else { Scheme::Legacy });
    }
}

#[test]
fn errors_never_reveal_the_expected_signature() {
    let secret = Secret::new("whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8");
    let good = sign(core::slice::from_ref(&secret), 1_711_800_000, b"{}").unwrap();
    let expected_hex = good.split("v1=").nth(1).unwrap();
    let err = Verifier::new([secret.clone()]).verify(Some("t=1711800000,v1=00"), b"{}", 1_711_800_000).unwrap_err();
    assert!(!err.to_string().contains(expected_hex));
    assert!(!format!("{err:?}").contains(expected_hex));
    assert!(!format!("{secret:?}").contains("2OXE2QJ"));
    assert!(!format!("{:?}", Verifier::new([secret])).contains("2OXE2QJ"));
}

#[test]
fn signing_refuses_input_that_could_never_verify() {
    use cstar_webhooks::{DeliveryInfo, SignError, delivery_headers};
    let good = Secret::new("whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8");
    let cases: [(&[Secret], i64, SignError); 4] = [
        (&[], 1_711_800_000, SignError::NoSecret),
        (&[Secret::new("")], 1_711_800_000, SignError::EmptySecret),
        (&[good.clone(), Secret::new("")], 1_711_800_000, SignError::EmptySecret),
        (core::slice::from_ref(&good), -1, SignError::NegativeTimestamp),
    ];
    for (secrets, t, expected) in cases {
        assert_eq!(sign(secrets, t, b"{}"), Err(expected));
        let info = DeliveryInfo {
            webhook_id: "whk_1",
            event_id: "evt_1",
            event_type: "ticket.created",
            attempt: 1,
            send_time: t,
        };
        assert_eq!(delivery_headers(&info, secrets, b"{}"), Err(expected));
        assert_eq!(expected.code(), "invalid_argument");
        assert!(!expected.to_string().is_empty());
    }
    // The edges that are accepted: t = 0, and a header the verifier takes back.
    let header = sign(core::slice::from_ref(&good), 0, b"{}").unwrap();
    assert!(header.starts_with("t=0,v1="));
    assert_eq!(Verifier::new([good]).verify(Some(&header), b"{}", 0).unwrap().timestamp, Some(0));
}
