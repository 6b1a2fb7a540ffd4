//! Signing and verifying (SPEC §4): the `v1` scheme `t=<unix>,v1=<hex>` over `"{t}." + body`,
//! and the legacy scheme `sha256=<hex>` over the body alone.
//!
//! ```
//! use cstar_webhooks::{Secret, Verifier, Scheme, sign};
//!
//! let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
//! let body = br#"{"id":"evt_1","type":"ticket.created"}"#;
//! let header = sign(core::slice::from_ref(&secret), 1_711_800_000, body).unwrap();
//!
//! let verified = Verifier::new([secret]).verify(Some(&header), body, 1_711_800_010).unwrap();
//! assert_eq!(verified.scheme, Scheme::V1);
//! assert_eq!(verified.timestamp, Some(1_711_800_000));
//! assert_eq!(verified.secret_index, 0);
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{SignError, VerifyError};
use crate::random::{RandomSource, push_base62};

type HmacSha256 = Hmac<Sha256>;

/// The default tolerance, in seconds, in each direction: 5 minutes.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// The prefix of generated secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// A signing secret. The HMAC key is the secret string's UTF-8 bytes, prefix included.
///
/// `Debug` and `Display` never show it: use [`Secret::expose`] where the value is really
/// needed (showing it once at creation, storing it).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret exactly as given (no trimming: stray whitespace is a different key,
    /// which [`diagnose`](crate::diagnose()) points out).
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// Generates `whsec_` + 32 base62 characters (≈190 bits) from a caller-supplied random
    /// source, which must be cryptographically secure.
    #[must_use]
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let mut s = String::with_capacity(SECRET_PREFIX.len() + 32);
        s.push_str(SECRET_PREFIX);
        push_base62(&mut s, rng, 32);
        Self(s)
    }

    /// The secret's text. Handle with care: never log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The HMAC key bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub(crate) fn mac(&self) -> HmacSha256 {
        new_mac(self.as_bytes())
    }
}

pub(crate) fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length: this never fails.
    <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

/// Which signature scheme a request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `t=<unix>,v1=<hex>`: HMAC-SHA256 over `"{t}." + body`, with replay protection.
    V1,
    /// `sha256=<hex>`: HMAC-SHA256 over the body alone, no timestamp.
    Legacy,
}

impl Scheme {
    /// `"v1"` or `"legacy"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::Legacy => "legacy",
        }
    }
}

/// The result of a successful verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The scheme that matched.
    pub scheme: Scheme,
    /// The signed timestamp (unix seconds); `None` for the legacy scheme.
    pub timestamp: Option<i64>,
    /// Index (into the verifier's secrets) of the first secret that matched: during a
    /// rotation this tells whether senders still use the old secret.
    pub secret_index: usize,
}

fn mac_v1(mut mac: HmacSha256, timestamp: i64, body: &[u8]) -> [u8; 32] {
    mac.update(Digits::new(timestamp).with_dot());
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn mac_legacy(mut mac: HmacSha256, body: &[u8]) -> [u8; 32] {
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// A timestamp's decimal digits on the stack (the hot path formats one per verify).
struct Digits {
    /// Right-aligned digits, then a `.` (the v1 signed payload is `"{t}." + body`).
    bytes: [u8; 21],
    start: usize,
}

impl Digits {
    fn new(n: i64) -> Self {
        let mut bytes = [0u8; 21];
        bytes[20] = b'.';
        let mut start = 20;
        let mut rest = n.unsigned_abs();
        loop {
            start -= 1;
            if let Some(slot) = bytes.get_mut(start) {
                // `rest % 10` is a single digit: the cast cannot truncate.
                *slot = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 || start == 1 {
                break;
            }
        }
        if n < 0 {
            start -= 1;
            if let Some(slot) = bytes.get_mut(start) {
                *slot = b'-';
            }
        }
        Self { bytes, start }
    }

    /// The digits followed by `.`.
    fn with_dot(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }

    fn as_str(&self) -> &str {
        let digits = self.bytes.get(self.start..20).unwrap_or_default();
        core::str::from_utf8(digits).unwrap_or_default()
    }
}

/// Compares two signatures in constant time (four 64-bit words through `subtle`).
fn ct_eq32(a: &[u8; 32], b: &[u8; 32]) -> subtle::Choice {
    a.chunks_exact(8).zip(b.chunks_exact(8)).fold(subtle::Choice::from(1), |acc, (x, y)| {
        let word = |c: &[u8]| u64::from_ne_bytes(c.try_into().unwrap_or_default());
        acc & word(x).ct_eq(&word(y))
    })
}

/// Signs `body` at `timestamp` (unix seconds) with each secret, returning the `X-Signature`
/// value `t=<timestamp>,v1=<hex>[,v1=<hex>…]` (one `v1` per secret, in order).
///
/// # Errors
///
/// [`SignError`] (code `invalid_argument`) when the header could never verify: no secret,
/// an empty secret, or a negative timestamp.
pub fn sign(secrets: &[Secret], timestamp: i64, body: &[u8]) -> Result<String, SignError> {
    check_sign_input(secrets, timestamp)?;
    Ok(sign_unchecked(secrets, timestamp, body))
}

/// The checks of [`sign`], shared with the header builder.
pub(crate) fn check_sign_input(secrets: &[Secret], timestamp: i64) -> Result<(), SignError> {
    check_secrets(secrets)?;
    if timestamp < 0 { Err(SignError::NegativeTimestamp) } else { Ok(()) }
}

/// Whether `secrets` can sign: at least one, none empty (shared with the engine's webhook
/// validation).
pub(crate) fn check_secrets(secrets: &[Secret]) -> Result<(), SignError> {
    if secrets.is_empty() {
        Err(SignError::NoSecret)
    } else if secrets.iter().any(|s| s.as_bytes().is_empty()) {
        Err(SignError::EmptySecret)
    } else {
        Ok(())
    }
}

/// [`sign`] without its checks, for callers that hold them as invariants (the engine) or
/// must produce a bad header on purpose (diagnosis, tests).
pub(crate) fn sign_unchecked(secrets: &[Secret], timestamp: i64, body: &[u8]) -> String {
    let mut out = String::with_capacity(24 + secrets.len() * 68);
    out.push_str("t=");
    out.push_str(Digits::new(timestamp).as_str());
    for secret in secrets {
        out.push_str(",v1=");
        push_hex(&mut out, &mac_v1(secret.mac(), timestamp, body));
    }
    out
}

/// Signs `body` with the legacy scheme: `sha256=<hex>` (HMAC-SHA256 over the body alone).
#[must_use]
pub fn sign_legacy(secret: &Secret, body: &[u8]) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256=");
    push_hex(&mut out, &mac_legacy(secret.mac(), body));
    out
}

fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    let mut hex = [0u8; 64];
    // Encoding 32 bytes into 64 never fails.
    let _ = hex::encode_to_slice(bytes, &mut hex);
    out.push_str(core::str::from_utf8(&hex).unwrap_or_default());
}

/// A parsed `X-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureHeader<'a> {
    /// `t=<timestamp>,v1=<sig>[,v1=<sig>…]`.
    V1 {
        /// The signed timestamp, unix seconds.
        timestamp: i64,
        /// Every `v1` value as received (entries that are not 64 hex digits never match).
        signatures: Vec<&'a str>,
    },
    /// `sha256=<sig>`.
    Legacy {
        /// The hex value as received.
        signature: &'a str,
    },
}

impl<'a> SignatureHeader<'a> {
    /// Parses an `X-Signature` value strictly (SPEC §4 grammar).
    ///
    /// # Errors
    /// [`VerifyError::MissingSignature`] for an empty header, [`VerifyError::MalformedSignature`]
    /// for anything outside the grammar.
    pub fn parse(header: &'a str) -> Result<Self, VerifyError> {
        let parsed = Parsed::parse(header)?;
        Ok(match parsed {
            Parsed::V1 { timestamp, header, .. } => Self::V1 { timestamp, signatures: v1_values(header).collect() },
            Parsed::Legacy { signature } => Self::Legacy { signature },
        })
    }

    /// The scheme of this header.
    #[must_use]
    pub const fn scheme(&self) -> Scheme {
        match self {
            Self::V1 { .. } => Scheme::V1,
            Self::Legacy { .. } => Scheme::Legacy,
        }
    }
}

impl fmt::Display for SignatureHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V1 { timestamp, signatures } => {
                write!(f, "t={timestamp}")?;
                signatures.iter().try_for_each(|s| write!(f, ",v1={s}"))
            }
            Self::Legacy { signature } => write!(f, "sha256={signature}"),
        }
    }
}

/// How many `v1` signatures the hot path decodes on the stack.
const INLINE: usize = 4;

/// Allocation-free parse result used by the verify hot path.
enum Parsed<'a> {
    V1 {
        timestamp: i64,
        header: &'a str,
        /// The first [`INLINE`] well-formed `v1` signatures, decoded during the parse.
        inline: [[u8; 32]; INLINE],
        /// How many of `inline` are set.
        len: usize,
        /// Whether more well-formed `v1` values follow (then `header` is scanned again).
        more: bool,
    },
    Legacy {
        signature: &'a str,
    },
}

fn items(header: &str) -> impl Iterator<Item = Result<(&str, &str), VerifyError>> {
    header.split(',').map(|item| {
        let item = item.trim_matches(|c| c == ' ' || c == '\t');
        match item.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key, value)),
            _ => Err(VerifyError::MalformedSignature),
        }
    })
}

fn v1_values(header: &str) -> impl Iterator<Item = &str> {
    items(header).filter_map(|item| match item {
        Ok(("v1", value)) => Some(value),
        _ => None,
    })
}

fn parse_timestamp(value: &str) -> Result<i64, VerifyError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::MalformedSignature);
    }
    value.parse::<i64>().map_err(|_| VerifyError::MalformedSignature)
}

impl<'a> Parsed<'a> {
    fn parse(header: &'a str) -> Result<Self, VerifyError> {
        if header.trim_matches(|c| c == ' ' || c == '\t').is_empty() {
            return Err(VerifyError::MissingSignature);
        }
        let mut timestamp = None;
        let mut v1_count = 0usize;
        let mut count = 0usize;
        let mut legacy = None;
        let mut inline = [[0u8; 32]; INLINE];
        let mut len = 0;
        let mut more = false;
        for item in items(header) {
            let (key, value) = item?;
            count += 1;
            match key {
                "t" if timestamp.is_some() => return Err(VerifyError::MalformedSignature),
                "t" => timestamp = Some(parse_timestamp(value)?),
                "v1" => {
                    v1_count += 1;
                    if let Some(sig) = decode_sig(value) {
                        match inline.get_mut(len) {
                            Some(slot) => {
                                *slot = sig;
                                len += 1;
                            }
                            None => more = true,
                        }
                    }
                }
                "sha256" => legacy = Some(value),
                _ => {}
            }
        }
        match (timestamp, legacy) {
            (Some(_), _) if v1_count == 0 => Err(VerifyError::MalformedSignature),
            (Some(timestamp), _) => Ok(Self::V1 { timestamp, header, inline, len, more }),
            (None, Some(signature)) if count == 1 => Ok(Self::Legacy { signature }),
            _ => Err(VerifyError::MalformedSignature),
        }
    }
}

/// Decodes a 64-hex-digit signature (either case); anything else never matches.
fn decode_sig(value: &str) -> Option<[u8; 32]> {
    const fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let digits: &[u8; 64] = value.as_bytes().try_into().ok()?;
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *byte = (nibble(*hi)? << 4) | nibble(*lo)?;
    }
    Some(out)
}

/// Verifies webhook signatures against one or more secrets.
///
/// Defaults: tolerance 300 s in both directions, legacy `sha256=` accepted.
/// Build it once and reuse it: it precomputes each secret's HMAC key schedule.
///
/// ```
/// use cstar_webhooks::{Verifier, VerifyError};
/// let verifier = Verifier::new(["whsec_new", "whsec_old"]).tolerance(600).allow_legacy(false);
/// assert_eq!(verifier.verify(None, b"{}", 0).unwrap_err(), VerifyError::MissingSignature);
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<HmacSha256>,
    max_age: u64,
    max_future: u64,
    allow_legacy: bool,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("<{} redacted>", self.keys.len()))
            .field("max_age", &self.max_age)
            .field("max_future", &self.max_future)
            .field("allow_legacy", &self.allow_legacy)
            .finish()
    }
}

impl Verifier {
    /// A verifier for these secrets (newest first is the usual order during a rotation).
    /// With no secrets, every signature fails with `no_matching_signature`.
    #[must_use]
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>) -> Self {
        let keys = secrets.into_iter().map(|s| s.into().mac()).collect();
        Self { keys, max_age: DEFAULT_TOLERANCE_SECS, max_future: DEFAULT_TOLERANCE_SECS, allow_legacy: true }
    }

    /// Sets the tolerance in both directions, in seconds (default 300).
    #[must_use]
    pub const fn tolerance(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self.max_future = seconds;
        self
    }

    /// How old a signed timestamp may be, in seconds (default 300).
    #[must_use]
    pub const fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self
    }

    /// How far in the future a signed timestamp may be, in seconds (default 300).
    #[must_use]
    pub const fn max_future(mut self, seconds: u64) -> Self {
        self.max_future = seconds;
        self
    }

    /// Whether the legacy `sha256=` scheme (no replay protection) is accepted (default true).
    #[must_use]
    pub const fn allow_legacy(mut self, allow: bool) -> Self {
        self.allow_legacy = allow;
        self
    }

    /// The number of secrets.
    #[must_use]
    pub fn secret_count(&self) -> usize {
        self.keys.len()
    }

    /// Verifies `header` (the `X-Signature` value; `None` when absent) over the raw `body`
    /// bytes at time `now` (unix seconds).
    ///
    /// Checks, in order: the header grammar, the timestamp (v1 only), the signatures.
    /// Comparisons are constant-time; errors never reveal the expected signature.
    ///
    /// # Errors
    /// One [`VerifyError`] (never `InvalidPayload`).
    pub fn verify(&self, header: Option<&str>, body: &[u8], now: i64) -> Result<Verified, VerifyError> {
        match Parsed::parse(header.unwrap_or(""))? {
            Parsed::V1 { timestamp, header, inline, len, more } => {
                self.check_timestamp(timestamp, now)?;
                let inline = inline.get(..len).unwrap_or_default();
                // More than INLINE signatures is unusual (rotation gives two): decode them all.
                let all: Vec<[u8; 32]> =
                    if more { v1_values(header).filter_map(decode_sig).collect() } else { Vec::new() };
                let candidates = if more { all.as_slice() } else { inline };
                for (index, key) in self.keys.iter().enumerate() {
                    let expected = mac_v1(key.clone(), timestamp, body);
                    let hit = candidates.iter().fold(subtle::Choice::from(0), |acc, sig| acc | ct_eq32(sig, &expected));
                    if bool::from(hit) {
                        return Ok(Verified { scheme: Scheme::V1, timestamp: Some(timestamp), secret_index: index });
                    }
                }
                Err(VerifyError::NoMatchingSignature)
            }
            Parsed::Legacy { signature } => {
                if !self.allow_legacy {
                    return Err(VerifyError::LegacyNotAllowed);
                }
                let sig = decode_sig(signature).ok_or(VerifyError::NoMatchingSignature)?;
                for (index, key) in self.keys.iter().enumerate() {
                    if bool::from(ct_eq32(&sig, &mac_legacy(key.clone(), body))) {
                        return Ok(Verified { scheme: Scheme::Legacy, timestamp: None, secret_index: index });
                    }
                }
                Err(VerifyError::NoMatchingSignature)
            }
        }
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        let age = i128::from(now) - i128::from(timestamp);
        if age > i128::from(self.max_age) {
            Err(VerifyError::TimestampTooOld)
        } else if -age > i128::from(self.max_future) {
            Err(VerifyError::TimestampInFuture)
        } else {
            Ok(())
        }
    }

    /// Verifies, then parses the body as an [`Event`](crate::Event).
    ///
    /// # Errors
    /// Any verification error, or [`VerifyError::InvalidPayload`] when the signature is
    /// valid but the body is not an event envelope.
    #[cfg(feature = "serde")]
    pub fn construct_event(&self, header: Option<&str>, body: &[u8], now: i64) -> Result<crate::Event, VerifyError> {
        self.verify(header, body, now)?;
        Ok(crate::Event::from_slice(body)?)
    }
}

/// The expected v1 signature bytes, for tools (diagnosis) that try variants.
pub(crate) fn expected_v1(secret: &[u8], timestamp: i64, body: &[u8]) -> [u8; 32] {
    mac_v1(new_mac(secret), timestamp, body)
}

/// The expected legacy signature bytes.
pub(crate) fn expected_legacy(secret: &[u8], body: &[u8]) -> [u8; 32] {
    mac_legacy(new_mac(secret), body)
}

pub(crate) fn decode_signature(value: &str) -> Option<[u8; 32]> {
    decode_sig(value)
}

pub(crate) fn parse_header_parts(header: &str) -> Result<(Scheme, Option<i64>, Vec<&str>), VerifyError> {
    Ok(match Parsed::parse(header)? {
        Parsed::V1 { timestamp, header, .. } => (Scheme::V1, Some(timestamp), v1_values(header).collect()),
        Parsed::Legacy { signature } => (Scheme::Legacy, None, alloc::vec![signature]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_display() {
        for n in [0, 7, -5, 10, 1_774_866_600, i64::MAX, i64::MIN, -1_000_000_000_000] {
            assert_eq!(Digits::new(n).as_str(), alloc::format!("{n}"));
        }
    }

    #[test]
    fn signature_decoding_and_comparison() {
        let lower = "00ff10abcdef0123456789abcdef0123456789abcdef0123456789abcdef0189";
        let sig = decode_sig(lower).unwrap();
        assert_eq!(decode_sig(&lower.to_ascii_uppercase()), Some(sig));
        assert_eq!(sig[..3], [0x00, 0xff, 0x10]);
        assert!(decode_sig(&lower[..62]).is_none());
        assert!(decode_sig(&alloc::format!("{}g", &lower[..63])).is_none());
        assert!(decode_sig("é0ff10abcdef0123456789abcdef0123456789abcdef0123456789abcdef01").is_none());
        assert!(bool::from(ct_eq32(&sig, &sig)));
        for i in 0..32 {
            let mut other = sig;
            other[i] ^= 0x80;
            assert!(!bool::from(ct_eq32(&sig, &other)));
        }
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("whsec_supersecret");
        assert_eq!(alloc::format!("{s:?}"), "Secret(<redacted>)");
        let v = Verifier::new([s]);
        assert!(!alloc::format!("{v:?}").contains("supersecret"));
    }

    #[test]
    fn generated_secret_shape() {
        let mut n = 0u8;
        let s = Secret::generate(&mut |buf: &mut [u8]| {
            for b in buf {
                *b = n;
                n = n.wrapping_add(7);
            }
        });
        assert_eq!(s.expose().len(), 38);
        assert!(s.expose().starts_with("whsec_"));
        assert!(s.expose()[6..].bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
