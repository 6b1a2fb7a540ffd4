//! Why does a signature fail? (SPEC §4 "Diagnosis".)
//!
//! For debugging tools and the browser inspector only: it tries many variants of the body,
//! the secrets and the timestamp, so it is much slower than [`Verifier::verify`] and never
//! runs on the production path.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::VerifyError;
use crate::signature::{
    Scheme, Secret, Verified, Verifier, decode_signature, expected_legacy, expected_v1, parse_header_parts,
};

/// A likely cause of a failing signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The body was parsed as JSON and printed again (compact vs pretty, key order, escaped
    /// unicode) before verification: verify the raw bytes as received.
    BodyReserialized,
    /// A trailing newline was added to (or removed from) the body.
    TrailingNewline,
    /// Line endings were converted between LF and CRLF.
    Crlf,
    /// The secret has stray whitespace (copy-paste): the trimmed secret matches.
    SecretWhitespace,
    /// The timestamp looks like milliseconds, not seconds.
    TimestampMilliseconds,
    /// The signature is right but the clocks disagree by `seconds` (signed `t` minus now).
    ClockSkew {
        /// `t - now`: positive when the signer's clock is ahead.
        seconds: i64,
    },
    /// The signature was made with the other scheme (legacy over the body where v1 over
    /// `t.body` was expected, or the reverse).
    SchemeMismatch,
    /// No variant matches: most likely the wrong secret.
    WrongSecret,
}

impl Cause {
    /// Every cause code.
    pub const CODES: [&'static str; 8] = [
        "body_reserialized",
        "trailing_newline",
        "crlf",
        "secret_whitespace",
        "timestamp_milliseconds",
        "clock_skew",
        "scheme_mismatch",
        "wrong_secret",
    ];

    /// The stable code (`"clock_skew"`, …).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BodyReserialized => "body_reserialized",
            Self::TrailingNewline => "trailing_newline",
            Self::Crlf => "crlf",
            Self::SecretWhitespace => "secret_whitespace",
            Self::TimestampMilliseconds => "timestamp_milliseconds",
            Self::ClockSkew { .. } => "clock_skew",
            Self::SchemeMismatch => "scheme_mismatch",
            Self::WrongSecret => "wrong_secret",
        }
    }

    /// A plain-language explanation with the fix.
    #[must_use]
    pub fn explain(&self) -> String {
        String::from(match self {
            Self::BodyReserialized => {
                "the body was parsed as JSON and serialized again: verify the raw request bytes (e.g. express.raw(), request.get_data(), await request.body())"
            }
            Self::TrailingNewline => "a trailing newline was added to or removed from the body: verify the raw bytes",
            Self::Crlf => "line endings were converted between LF and CRLF: verify the raw bytes",
            Self::SecretWhitespace => {
                "the secret has leading or trailing whitespace: copy it again without spaces or newlines"
            }
            Self::TimestampMilliseconds => "the timestamp looks like milliseconds: t must be unix seconds",
            Self::ClockSkew { seconds } => {
                return alloc::format!(
                    "the signature is valid but the clocks differ by {seconds} s (beyond the tolerance): sync the clock with NTP"
                );
            }
            Self::SchemeMismatch => {
                "the signature was computed with the other scheme: v1 signs \"{t}.{body}\", legacy sha256= signs the body alone"
            }
            Self::WrongSecret => {
                "no variant of the body or the secret matches: the signing secret is wrong (each webhook has its own) or the body was changed in transit"
            }
        })
    }
}

/// The result of [`diagnose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// What a default verifier (300 s, legacy allowed) says.
    pub result: Result<Verified, VerifyError>,
    /// Likely causes, most specific first. Empty when verification succeeds, and for a
    /// missing or malformed header (the error code says it all).
    pub causes: Vec<Cause>,
}

/// Computes a signature from (key, body).
type SignFn<'a> = dyn Fn(&[u8], &[u8]) -> [u8; 32] + 'a;

/// A body variant and the cause that produces it.
type Variant<'a> = (Option<Cause>, Cow<'a, [u8]>);

fn body_variants(body: &[u8]) -> Vec<Variant<'_>> {
    let mut out: Vec<Variant<'_>> = alloc::vec![(None, Cow::Borrowed(body))];
    if let Some(stripped) = body.strip_suffix(b"\r\n").or_else(|| body.strip_suffix(b"\n")) {
        out.push((Some(Cause::TrailingNewline), Cow::Borrowed(stripped)));
    } else {
        let mut added = body.to_vec();
        added.push(b'\n');
        out.push((Some(Cause::TrailingNewline), Cow::Owned(added)));
    }
    if body.contains(&b'\n') {
        let has_crlf = body.windows(2).any(|w| w == b"\r\n");
        let converted = if has_crlf { replace(body, b"\r\n", b"\n") } else { replace(body, b"\n", b"\r\n") };
        out.push((Some(Cause::Crlf), Cow::Owned(converted)));
    }
    for v in crate::json::reserializations(body) {
        if v.as_slice() != body {
            out.push((Some(Cause::BodyReserialized), Cow::Owned(v)));
        }
    }
    out
}

fn replace(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 16);
    let mut i = 0;
    while let Some(rest) = body.get(i..) {
        if rest.is_empty() {
            break;
        }
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.extend_from_slice(rest.get(..1).unwrap_or_default());
            i += 1;
        }
    }
    out
}

/// Names the likely causes of a failing signature (SPEC §4), given the secrets the
/// receiver believes are right, the `X-Signature` value, the raw body and the time.
#[must_use]
pub fn diagnose(secrets: &[Secret], header: Option<&str>, body: &[u8], now: i64) -> Diagnosis {
    let result = Verifier::new(secrets.iter().cloned()).verify(header, body, now);
    let mut causes = Vec::new();
    let Some(header) = header.filter(|_| result.is_err()) else {
        return Diagnosis { result, causes };
    };
    let Ok((scheme, timestamp, values)) = parse_header_parts(header) else {
        return Diagnosis { result, causes };
    };
    let sigs: Vec<[u8; 32]> = values.iter().filter_map(|v| decode_signature(v)).collect();
    let mut keys: Vec<(Option<Cause>, &[u8])> = Vec::new();
    for s in secrets {
        keys.push((None, s.as_bytes()));
        let trimmed = s.expose().trim();
        if trimmed.len() != s.expose().len() {
            keys.push((Some(Cause::SecretWhitespace), trimmed.as_bytes()));
        }
    }
    let matches = |expected: [u8; 32]| sigs.contains(&expected);
    // The first (body variant, secret variant) pair whose signature is in the header, with
    // the causes that produce it; `None` when no variant matches.
    let search = |sign: &SignFn<'_>| -> Option<Vec<Cause>> {
        body_variants(body).into_iter().find_map(|(body_cause, variant)| {
            keys.iter()
                .find(|(_, key)| matches(sign(key, &variant)))
                .map(|&(key_cause, _)| body_cause.into_iter().chain(key_cause).collect())
        })
    };

    let found = match (scheme, timestamp) {
        (Scheme::V1, Some(t)) => {
            let milliseconds = t > 100_000_000_000;
            if milliseconds {
                causes.push(Cause::TimestampMilliseconds);
            }
            let found = if let Some(found) = search(&|key, b| expected_v1(key, t, b)) {
                causes.extend(found);
                true
            } else if let Some(found) = search(&|key, b| expected_legacy(key, b)) {
                // A legacy signature (over the body alone) sent in a v1 header.
                causes.push(Cause::SchemeMismatch);
                causes.extend(found);
                true
            } else {
                false
            };
            let stale = matches!(result, Err(VerifyError::TimestampTooOld | VerifyError::TimestampInFuture));
            if stale && found && !milliseconds {
                causes.push(Cause::ClockSkew { seconds: t.saturating_sub(now) });
            }
            found
        }
        _ => {
            if let Some(found) = search(&|key, b| expected_legacy(key, b)) {
                causes.extend(found);
                true
            } else if body.len() <= 64 * 1024 && v1_near(&keys, &sigs, body, now) {
                // A v1 signature (over "{t}." + body) sent as `sha256=`.
                causes.push(Cause::SchemeMismatch);
                true
            } else {
                false
            }
        }
    };
    if !found {
        causes.push(Cause::WrongSecret);
    }
    Diagnosis { result, causes }
}

/// Whether a v1 signature made within 10 minutes of `now` is among `sigs`.
fn v1_near(keys: &[(Option<Cause>, &[u8])], sigs: &[[u8; 32]], body: &[u8], now: i64) -> bool {
    (now.saturating_sub(600)..=now.saturating_add(600))
        .any(|t| keys.iter().any(|&(_, key)| sigs.contains(&expected_v1(key, t, body))))
}
