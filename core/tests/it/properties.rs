use cstar_webhooks::{Scheme, Secret, Verifier, sign, sign_legacy};
use proptest::prelude::*;

fn secret() -> impl Strategy<Value = String> {
    "whsec_[0-9A-Za-z]{32}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        secrets in proptest::collection::vec(secret(), 1..4),
        t in 0i64..4_000_000_000,
        skew in -300i64..=300,
    ) {
        let secrets: Vec<Secret> = secrets.into_iter().map(Secret::new).collect();
        let header = sign(&secrets, t, &body).unwrap();
        let v = Verifier::new(secrets.clone()).verify(Some(&header), &body, t + skew).unwrap();
        prop_assert_eq!(v.scheme, Scheme::V1);
        prop_assert_eq!(v.timestamp, Some(t));
        prop_assert_eq!(v.secret_index, 0);
        // A receiver holding only the last secret still verifies (rotation).
        let last = secrets.last().unwrap().clone();
        let v = Verifier::new([last]).verify(Some(&header), &body, t).unwrap();
        prop_assert_eq!(v.secret_index, 0);
        let legacy = sign_legacy(&secrets[0], &body);
        prop_assert_eq!(Verifier::new(secrets).verify(Some(&legacy), &body, t).unwrap().scheme, Scheme::Legacy);
    }

    #[test]
    fn flipping_any_body_bit_fails(
        body in proptest::collection::vec(any::<u8>(), 1..512),
        secret in secret(),
        bit in any::<prop::sample::Index>(),
        t in 1_000_000_000i64..2_000_000_000,
    ) {
        let secret = Secret::new(secret);
        let header = sign(core::slice::from_ref(&secret), t, &body).unwrap();
        let mut tampered = body.clone();
        let i = bit.index(body.len() * 8);
        tampered[i / 8] ^= 1 << (i % 8);
        let err = Verifier::new([secret]).verify(Some(&header), &tampered, t).unwrap_err();
        prop_assert_eq!(err.code(), "no_matching_signature");
    }

    #[test]
    fn flipping_any_signature_bit_fails(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        secret in secret(),
        bit in 0usize..256,
        t in 1_000_000_000i64..2_000_000_000,
    ) {
        let secret = Secret::new(secret);
        let header = sign(core::slice::from_ref(&secret), t, &body).unwrap();
        let (prefix, hex_sig) = header.split_once("v1=").unwrap();
        let mut raw = hex::decode(hex_sig).unwrap();
        raw[bit / 8] ^= 1 << (bit % 8);
        let tampered = format!("{prefix}v1={}", hex::encode(raw));
        let err = Verifier::new([secret]).verify(Some(&tampered), &body, t).unwrap_err();
        prop_assert_eq!(err.code(), "no_matching_signature");
    }

    #[test]
    fn changing_the_timestamp_fails(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        secret in secret(),
        bit in 0u32..31,
        t in 1_000_000_000i64..2_000_000_000,
    ) {
        let secret = Secret::new(secret);
        let header = sign(core::slice::from_ref(&secret), t, &body).unwrap();
        let other = t ^ (1i64 << bit);
        let tampered = header.replacen(&format!("t={t}"), &format!("t={other}"), 1);
        // Verified at the tampered time, so only the signature can fail.
        let err = Verifier::new([secret]).verify(Some(&tampered), &body, other).unwrap_err();
        prop_assert_eq!(err.code(), "no_matching_signature");
    }

    #[test]
    fn arbitrary_headers_never_panic(header in ".{0,200}", body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let verifier = Verifier::new(["whsec_x"]);
        let _ = verifier.verify(Some(&header), &body, 1_700_000_000);
        let _ = cstar_webhooks::SignatureHeader::parse(&header);
        let _ = cstar_webhooks::diagnose(&[Secret::new("whsec_x")], Some(&header), &body, 1_700_000_000);
    }
}
