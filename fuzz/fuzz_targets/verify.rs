//! `Verifier::verify` and `diagnose` over arbitrary headers and bodies: never panics, and a
//! success always means the header really holds the body's signature.
#![no_main]

use cstar_webhooks::{Scheme, Secret, Verifier, diagnose, sign, sign_legacy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8], i64)| {
    let (header, body, now) = input;
    let secret = Secret::new("whsec_fuzz");
    let verifier = Verifier::new([secret.clone()]);
    if let Ok(v) = verifier.verify(Some(header), body, now) {
        let expected = match (v.scheme, v.timestamp) {
            (Scheme::V1, Some(t)) => sign(core::slice::from_ref(&secret), t, body).expect("a verified t is >= 0"),
            _ => sign_legacy(&secret, body),
        };
        let hex = expected.rsplit('=').next().unwrap_or_default();
        assert!(header.to_ascii_lowercase().contains(hex), "accepted a header without the signature");
    }
    if body.len() < 4096 {
        let _ = diagnose(&[secret], Some(header), body, now);
    }
});
