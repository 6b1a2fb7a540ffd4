//! Errors, each with a stable machine-readable [`code`](VerifyError::code).
//!
//! The code strings are the protocol's (SPEC §4) and are identical in every language binding:
//! they are what a receiver should log and what an HTTP adapter answers with.

use core::fmt;

/// Why a webhook request failed verification (or, for [`VerifyError::InvalidPayload`], parsing).
///
/// Every variant has a stable [`code`](Self::code). Errors never contain a secret or the
/// expected signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature header is absent or empty.
    MissingSignature,
    /// The header is neither `sha256=…` nor a `t=…,v1=…` list (no `t`, two `t`, a `t` that is
    /// not a plain decimal integer, no `v1`, an item that is not `key=value`).
    MalformedSignature,
    /// The signed timestamp is older than the verifier's maximum age.
    TimestampTooOld,
    /// The signed timestamp is further in the future than the verifier allows.
    TimestampInFuture,
    /// The header is well-formed but no signature matches any of the secrets.
    NoMatchingSignature,
    /// A legacy `sha256=` header was received while the verifier refuses the legacy scheme.
    LegacyNotAllowed,
    /// The signature is valid but the body is not a valid event envelope (parse step only).
    InvalidPayload(PayloadError),
}

impl VerifyError {
    /// Every error code, in SPEC order. Bindings use it to prove each code is mapped.
    pub const CODES: [&'static str; 7] = [
        "missing_signature",
        "malformed_signature",
        "timestamp_too_old",
        "timestamp_in_future",
        "no_matching_signature",
        "legacy_not_allowed",
        "invalid_payload",
    ];

    /// The stable, machine-readable code (`"timestamp_too_old"`, …).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingSignature => "missing_signature",
            Self::MalformedSignature => "malformed_signature",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampInFuture => "timestamp_in_future",
            Self::NoMatchingSignature => "no_matching_signature",
            Self::LegacyNotAllowed => "legacy_not_allowed",
            Self::InvalidPayload(_) => "invalid_payload",
        }
    }

    /// A plain-language explanation for humans, naming the usual fix.
    #[must_use]
    pub const fn description(&self) -> &'static str {
        match self {
            Self::MissingSignature => "the X-Signature header is missing or empty: the request was not signed by cStar",
            Self::MalformedSignature => "the X-Signature header is not `t=<unix seconds>,v1=<hex>` nor `sha256=<hex>`",
            Self::TimestampTooOld => {
                "the signed timestamp is older than the tolerance (default 300 s): a replayed request, or this server's clock is behind"
            }
            Self::TimestampInFuture => {
                "the signed timestamp is further in the future than the tolerance (default 300 s): this server's clock is behind"
            }
            Self::NoMatchingSignature => {
                "no signature matches: check the signing secret, and verify the raw body bytes exactly as received (not parsed and re-serialized JSON)"
            }
            Self::LegacyNotAllowed => {
                "a legacy `sha256=` signature was received but this verifier only accepts v1 signatures"
            }
            Self::InvalidPayload(_) => "the signature is valid but the body is not a cStar event envelope",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())?;
        if let Self::InvalidPayload(detail) = self {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl core::error::Error for VerifyError {}

/// Why [`sign`](crate::sign()) or [`delivery_headers`](crate::delivery_headers()) refused to
/// sign: input that would produce a header no verifier accepts.
///
/// Every variant has the stable [`code`](Self::code) `invalid_argument` (the bindings' code
/// for a bad argument) and a message naming the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The list of secrets is empty: a header without `v1` is malformed.
    NoSecret,
    /// One of the secrets is the empty string (usually an unset environment variable).
    EmptySecret,
    /// The timestamp is negative: `t` is unsigned unix seconds, so verifiers refuse `t=-…`.
    NegativeTimestamp,
}

impl SignError {
    /// `"invalid_argument"`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        "invalid_argument"
    }

    /// A plain-language explanation naming the fix.
    #[must_use]
    pub const fn description(&self) -> &'static str {
        match self {
            Self::NoSecret => "no secret to sign with: pass the webhook's signing secret (whsec_…)",
            Self::EmptySecret => "a secret is the empty string (is the environment variable holding it set?)",
            Self::NegativeTimestamp => "the timestamp must be unix seconds >= 0",
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl core::error::Error for SignError {}

/// Why a body is not a valid event envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    message: alloc::string::String,
}

impl PayloadError {
    /// A payload error with a human-readable reason.
    #[must_use]
    pub fn new(message: impl Into<alloc::string::String>) -> Self {
        Self { message: message.into() }
    }

    /// The reason, e.g. ``missing field `type` at line 1 column 20``.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for PayloadError {}

impl From<PayloadError> for VerifyError {
    fn from(e: PayloadError) -> Self {
        Self::InvalidPayload(e)
    }
}
