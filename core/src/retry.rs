//! Retry math (SPEC §5–6): the schedule, outcome classification, `Retry-After` and jitter.
//!
//! Seven attempts in all: the initial delivery, then retries 30 s, 2 min, 10 min, 1 h, 6 h and
//! 24 h after the previous failure. Pure functions of their arguments: no clock, no randomness
//! (the jitter seed is an argument), no I/O.
//!
//! ```
//! use cstar_webhooks::retry::{Outcome, RetrySchedule};
//!
//! let schedule = RetrySchedule::default();
//! assert_eq!(schedule.attempts(), 7);
//! assert_eq!(schedule.delays(), &[0, 30, 120, 600, 3600, 21600, 86400]);
//! // Attempt 2 failed at t=1000: attempt 3 is due 2 minutes later.
//! assert_eq!(schedule.next_due(2, 1_000), Some(1_120));
//! // After attempt 7 there is nothing left.
//! assert_eq!(schedule.next_due(7, 1_000), None);
//! // A 503 with `Retry-After: 3600` pushes attempt 2 from +30 s to +1 h.
//! let next = schedule.next_retry(1, 1_000, &Outcome::Status(503), Some(3_600), 0);
//! assert_eq!(next, Some(4_600));
//! ```

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use crate::time::parse_rfc3339;

/// Seconds of delay before attempts 1..7 (attempt 1 is the initial delivery, delay 0).
pub const STANDARD_DELAYS: [u64; 7] = [0, 30, 120, 600, 3600, 21600, 86400];

/// The cap on a `Retry-After` value, in seconds: 24 hours.
pub const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// The delivery timeout, in seconds: connect + send + response head (SPEC §5).
pub const DELIVERY_TIMEOUT_SECS: u64 = 10;

/// The most response-body bytes a sender reads (SPEC §5).
pub const MAX_RESPONSE_READ_BYTES: usize = 64 * 1024;

/// The most response-body bytes kept as an attempt's excerpt (SPEC §5).
pub const MAX_EXCERPT_BYTES: usize = 1024;

/// The retry schedule: how many attempts a delivery gets and the delay before each.
///
/// [`RetrySchedule::default`] is the guide's table ([`STANDARD_DELAYS`]), without jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: Cow<'static, [u64]>,
    jitter_percent: u8,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self { delays: Cow::Borrowed(&STANDARD_DELAYS), jitter_percent: 0 }
    }
}

impl RetrySchedule {
    /// The guide's table, without jitter (the same as [`Default`]).
    #[must_use]
    pub fn standard() -> Self {
        Self::default()
    }

    /// A custom schedule: `delays[i]` is the delay, in seconds, before attempt `i + 1`.
    ///
    /// The first entry is the delay of the initial delivery and must be 0.
    ///
    /// # Errors
    /// [`ScheduleError::Empty`] when `delays` is empty, [`ScheduleError::FirstDelayNotZero`]
    /// when `delays[0] != 0`, [`ScheduleError::TooManyAttempts`] beyond 1000 attempts.
    pub fn custom(delays: &[u64]) -> Result<Self, ScheduleError> {
        match delays.first() {
            None => Err(ScheduleError::Empty),
            Some(&first) if first != 0 => Err(ScheduleError::FirstDelayNotZero),
            Some(_) if delays.len() > Self::MAX_ATTEMPTS => Err(ScheduleError::TooManyAttempts),
            Some(_) => Ok(Self { delays: Cow::Owned(delays.to_vec()), jitter_percent: 0 }),
        }
    }

    /// The most attempts a custom schedule may have.
    pub const MAX_ATTEMPTS: usize = 1000;

    /// Turns jitter on: each retry's delay grows by a pseudo-random amount in
    /// `0..=delay × percent / 100` (integer seconds, rounded down). Jitter only ever adds, so
    /// the table stays a lower bound. `percent` is clamped to 100; 0 turns jitter off.
    #[must_use]
    pub fn with_jitter_percent(mut self, percent: u8) -> Self {
        self.jitter_percent = percent.min(100);
        self
    }

    /// The jitter fraction in percent (0 = off, the default).
    #[must_use]
    pub const fn jitter_percent(&self) -> u8 {
        self.jitter_percent
    }

    /// The number of attempts in all (7 for the standard schedule).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.delays.len()).unwrap_or(u32::MAX)
    }

    /// The delays, in seconds, before attempts 1..=n (the first is 0).
    #[must_use]
    pub fn delays(&self) -> &[u64] {
        &self.delays
    }

    /// The delay, in seconds, before `attempt` (1-based), counted from the failure of the
    /// previous attempt. `None` for attempt 0 and past the last attempt.
    #[must_use]
    pub fn delay_before(&self, attempt: u32) -> Option<u64> {
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        self.delays.get(index).copied()
    }

    /// When the attempt after `attempt` is due, given that `attempt` failed at `failed_at`
    /// (unix seconds), without jitter or `Retry-After`. `None` when `attempt` was the last one
    /// (the delivery is exhausted). `next_due(0, t)` is `t`: the initial delivery.
    #[must_use]
    pub fn next_due(&self, attempt: u32, failed_at: i64) -> Option<i64> {
        let delay = self.delay_before(attempt.checked_add(1)?)?;
        Some(failed_at.saturating_add_unsigned(delay))
    }

    /// Whether `attempt` is the last one (or past it): no retry follows its failure.
    #[must_use]
    pub fn is_exhausted(&self, attempt: u32) -> bool {
        attempt >= self.attempts()
    }

    /// The sum of all delays, in seconds: the worst-case span from the initial delivery to
    /// the start of the last attempt, not counting the attempts' own durations and jitter
    /// (112 350 s = 31 h 12 min 30 s for the standard schedule).
    #[must_use]
    pub fn total_span(&self) -> u64 {
        self.delays.iter().fold(0u64, |acc, &d| acc.saturating_add(d))
    }

    /// The offset of `attempt` from the initial delivery when every attempt fails instantly
    /// (0, 30, 150, 750, 4350, 25950, 112350 for the standard schedule). `None` past the end.
    #[must_use]
    pub fn offset_of(&self, attempt: u32) -> Option<u64> {
        let n = usize::try_from(attempt).ok()?;
        if n == 0 || n > self.delays.len() {
            return None;
        }
        Some(self.delays.iter().take(n).fold(0u64, |acc, &d| acc.saturating_add(d)))
    }

    /// The jitter added to the delay before `attempt` for a given `seed`: a value in
    /// `0..=delay × jitter_percent / 100` (0 when jitter is off or the attempt does not
    /// exist). Deterministic: see [`jitter_extra`] for the exact formula.
    #[must_use]
    pub fn jitter_for(&self, attempt: u32, seed: u64) -> u64 {
        match self.delay_before(attempt) {
            Some(delay) => jitter_extra(delay, self.jitter_percent, attempt, seed),
            None => 0,
        }
    }

    /// When the attempt after `failed_attempt` is due, with everything applied: the
    /// schedule's delay, plus jitter (when on, from `jitter_seed`), pushed later (never
    /// earlier) by `retry_after` seconds when the outcome is a 429 or 503, capped at 24 h.
    ///
    /// `None` when no retry follows: the outcome is a success or `410 Gone`, or
    /// `failed_attempt` was the last attempt.
    #[must_use]
    pub fn next_retry(
        &self,
        failed_attempt: u32,
        failed_at: i64,
        outcome: &Outcome,
        retry_after: Option<u64>,
        jitter_seed: u64,
    ) -> Option<i64> {
        if outcome.class() != OutcomeClass::Retryable {
            return None;
        }
        let next = failed_attempt.checked_add(1)?;
        let delay = self.delay_before(next)?;
        let scheduled = delay.saturating_add(jitter_extra(delay, self.jitter_percent, next, jitter_seed));
        let pushed = match retry_after {
            Some(secs) if outcome.honors_retry_after() => scheduled.max(secs.min(MAX_RETRY_AFTER_SECS)),
            _ => scheduled,
        };
        Some(failed_at.saturating_add_unsigned(pushed))
    }
}

/// The jitter formula, exposed so that other implementations can reproduce it exactly.
///
/// `max = delay × percent / 100` (u128 product, rounded down, `percent` clamped to 100);
/// `0` when `max == 0`; else `splitmix64(seed + attempt × 0x9E37_79B9_7F4A_7C15) % (max + 1)`
/// (wrapping u64 arithmetic), where `splitmix64(x)` is Vigna's generator step:
/// `z = x + 0x9E37_79B9_7F4A_7C15; z = (z ^ z >> 30) × 0xBF58_476D_1CE4_E5B9;
/// z = (z ^ z >> 27) × 0x94D0_49BB_1331_11EB; z ^ z >> 31`.
#[must_use]
pub fn jitter_extra(delay: u64, percent: u8, attempt: u32, seed: u64) -> u64 {
    let max = u128::from(delay) * u128::from(percent.min(100)) / 100;
    let max = u64::try_from(max).unwrap_or(u64::MAX);
    if max == 0 {
        return 0;
    }
    let x = seed.wrapping_add(u64::from(attempt).wrapping_mul(GOLDEN_GAMMA));
    match max.checked_add(1) {
        Some(modulus) => splitmix64(x) % modulus,
        None => splitmix64(x),
    }
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step of Vigna's `SplitMix64` generator: a bijective mix of `x + gamma`.
#[must_use]
pub const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(GOLDEN_GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Why a custom [`RetrySchedule`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleError {
    /// No delays at all: a delivery needs at least one attempt.
    Empty,
    /// The first delay (before the initial delivery) is not 0.
    FirstDelayNotZero,
    /// More than [`RetrySchedule::MAX_ATTEMPTS`] attempts.
    TooManyAttempts,
}

impl ScheduleError {
    /// Every error code.
    pub const CODES: [&'static str; 3] = ["empty_schedule", "first_delay_not_zero", "too_many_attempts"];

    /// The stable, machine-readable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_schedule",
            Self::FirstDelayNotZero => "first_delay_not_zero",
            Self::TooManyAttempts => "too_many_attempts",
        }
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::Empty => "a retry schedule needs at least one attempt",
            Self::FirstDelayNotZero => "the first delay (before the initial delivery) must be 0",
            Self::TooManyAttempts => "a retry schedule may have at most 1000 attempts",
        };
        write!(f, "{}: {what}", self.code())
    }
}

impl core::error::Error for ScheduleError {}

/// What kind of network failure ended an attempt (SPEC §7 `network_error(kind)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection was refused or could not be made.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The connection broke while sending or receiving.
    Io,
    /// The response was not valid HTTP.
    Protocol,
    /// Anything else (including the target being refused by the sender's own policy).
    Other,
}

impl NetworkErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 6] = [Self::Dns, Self::Connect, Self::Tls, Self::Io, Self::Protocol, Self::Other];

    /// The stable name: `dns`, `connect`, `tls`, `io`, `protocol`, `other`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Io => "io",
            Self::Protocol => "protocol",
            Self::Other => "other",
        }
    }

    /// The kind named by [`as_str`](Self::as_str); unknown names are [`Other`](Self::Other).
    #[must_use]
    pub fn parse(name: &str) -> Self {
        Self::ALL.into_iter().find(|k| k.as_str() == name).unwrap_or(Self::Other)
    }
}

/// How one attempt ended, as seen by the sender (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A response arrived within the timeout with this status code (redirects included: they
    /// are not followed).
    Status(u16),
    /// No complete response head within [`DELIVERY_TIMEOUT_SECS`].
    Timeout,
    /// The request could not be completed.
    NetworkError(NetworkErrorKind),
}

/// What an [`Outcome`] means for the delivery and the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum OutcomeClass {
    /// A 2xx: the delivery succeeded.
    Success,
    /// A `410 Gone`: the delivery ends at once and the webhook is disabled.
    Gone,
    /// Anything else: the attempt failed and the next one is scheduled (if any is left).
    Retryable,
}

impl OutcomeClass {
    /// `success`, `gone` or `retryable`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Gone => "gone",
            Self::Retryable => "retryable",
        }
    }
}

impl Outcome {
    /// Classifies the outcome: 2xx → success; 410 → gone; every other status (1xx, 3xx
    /// redirects, 4xx, 5xx, nonsense codes), timeouts and network/TLS errors → retryable.
    #[must_use]
    pub const fn class(&self) -> OutcomeClass {
        match self {
            Self::Status(200..=299) => OutcomeClass::Success,
            Self::Status(410) => OutcomeClass::Gone,
            _ => OutcomeClass::Retryable,
        }
    }

    /// Whether the attempt succeeded (a 2xx).
    #[must_use]
    pub const fn is_success(&self) -> bool {
        matches!(self.class(), OutcomeClass::Success)
    }

    /// Whether a `Retry-After` header on this outcome is honoured: only on 429 and 503.
    #[must_use]
    pub const fn honors_retry_after(&self) -> bool {
        matches!(self, Self::Status(429 | 503))
    }

    /// The outcome's kind: `status`, `timeout` or `network_error`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Status(_) => "status",
            Self::Timeout => "timeout",
            Self::NetworkError(_) => "network_error",
        }
    }

    /// The status code, for [`Outcome::Status`].
    #[must_use]
    pub const fn status(&self) -> Option<u16> {
        match self {
            Self::Status(code) => Some(*code),
            _ => None,
        }
    }
}

impl Outcome {
    /// Parses the [`Display`](fmt::Display) form back: `status(503)`, `timeout`,
    /// `network_error(tls)`. `None` for anything else (an unknown network error kind is
    /// [`NetworkErrorKind::Other`]).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if text == "timeout" {
            return Some(Self::Timeout);
        }
        if let Some(code) = text.strip_prefix("status(").and_then(|r| r.strip_suffix(')')) {
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            return code.parse().ok().map(Self::Status);
        }
        let kind = text.strip_prefix("network_error(").and_then(|r| r.strip_suffix(')'))?;
        Some(Self::NetworkError(NetworkErrorKind::parse(kind)))
    }
}

impl core::str::FromStr for Outcome {
    type Err = ParseOutcomeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(ParseOutcomeError)
    }
}

/// The text is not `status(<code>)`, `timeout` or `network_error(<kind>)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOutcomeError;

impl ParseOutcomeError {
    /// The stable code: `invalid_outcome`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        "invalid_outcome"
    }
}

impl fmt::Display for ParseOutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid_outcome: expected status(<code>), timeout or network_error(<kind>)")
    }
}

impl core::error::Error for ParseOutcomeError {}

/// Serialized as its display string (`"status(503)"`), so it stores in one text column.
#[cfg(feature = "serde")]
impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Outcome;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an outcome string such as \"status(503)\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Outcome, E> {
                Outcome::parse(v).ok_or_else(|| E::custom(ParseOutcomeError))
            }
        }
        d.deserialize_str(V)
    }
}

impl fmt::Display for Outcome {
    /// `status(503)`, `timeout`, `network_error(tls)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(code) => write!(f, "status({code})"),
            Self::Timeout => f.write_str("timeout"),
            Self::NetworkError(kind) => write!(f, "network_error({})", kind.as_str()),
        }
    }
}

/// Parses a `Retry-After` header value into seconds from `now`.
///
/// Accepts delta-seconds (`120`, surrounding whitespace allowed, huge values saturate) and
/// an HTTP-date in IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`); a date in the past
/// gives 0. Returns `None` for anything else. The result is **not** capped: the cap of
/// [`MAX_RETRY_AFTER_SECS`] is applied by [`RetrySchedule::next_retry`].
#[must_use]
pub fn parse_retry_after(value: &str, now: i64) -> Option<u64> {
    let v = value.trim_matches([' ', '\t']);
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.bytes().fold(0u64, |acc, b| acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))));
    }
    let at = parse_http_date(v)?;
    Some(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into unix seconds.
fn parse_http_date(v: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut parts = v.split(' ');
    let weekday = parts.next()?.strip_suffix(',')?;
    let (day, month, year, time, zone) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || zone != "GMT" || !DAYS.contains(&weekday) || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    if time.len() != 8 {
        return None;
    }
    parse_rfc3339(&alloc::format!("{year}-{month:02}-{day}T{time}Z"))
}

/// Cuts `body` to at most [`MAX_EXCERPT_BYTES`] bytes, at a UTF-8 character boundary, and
/// decodes it (invalid UTF-8 sequences become U+FFFD).
#[must_use]
pub fn response_excerpt(body: &[u8]) -> alloc::string::String {
    let mut end = body.len().min(MAX_EXCERPT_BYTES);
    if let Some(valid) = body.get(..end) {
        // Back off over a character cut in the middle (at most 3 continuation bytes).
        if let Err(e) = core::str::from_utf8(valid) {
            if e.error_len().is_none() {
                end = e.valid_up_to();
            }
        }
    }
    let slice = body.get(..end).unwrap_or_default();
    let mut out = alloc::string::String::from_utf8_lossy(slice).into_owned();
    // Lossy decoding can grow the text (each bad byte becomes 3 bytes); keep the byte bound.
    while out.len() > MAX_EXCERPT_BYTES {
        out.pop();
    }
    out
}

/// The standard offsets (seconds after the initial delivery) of attempts 1..=7 when every
/// attempt fails instantly: `[0, 30, 150, 750, 4350, 25950, 112350]`.
#[must_use]
pub fn standard_offsets() -> Vec<u64> {
    let s = RetrySchedule::default();
    (1..=s.attempts()).filter_map(|a| s.offset_of(a)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_guide_table() {
        let s = RetrySchedule::default();
        assert_eq!(s.attempts(), 7);
        assert_eq!(s.delays(), &STANDARD_DELAYS);
        assert_eq!(s.delay_before(0), None);
        assert_eq!(s.delay_before(1), Some(0));
        assert_eq!(s.delay_before(2), Some(30));
        assert_eq!(s.delay_before(7), Some(86_400));
        assert_eq!(s.delay_before(8), None);
        assert_eq!(s.total_span(), 112_350);
        assert_eq!(standard_offsets(), [0, 30, 150, 750, 4350, 25950, 112_350]);
        assert_eq!(s.next_due(0, 100), Some(100));
        assert_eq!(s.next_due(1, 100), Some(130));
        assert_eq!(s.next_due(6, 100), Some(86_500));
        assert_eq!(s.next_due(7, 100), None);
        assert_eq!(s.next_due(u32::MAX, 100), None);
        assert!(s.is_exhausted(7) && !s.is_exhausted(6));
        assert_eq!(s.next_due(1, i64::MAX), Some(i64::MAX));
    }

    #[test]
    fn custom_schedules_are_checked() {
        assert_eq!(RetrySchedule::custom(&[]).unwrap_err().code(), "empty_schedule");
        assert_eq!(RetrySchedule::custom(&[5]).unwrap_err().code(), "first_delay_not_zero");
        assert_eq!(RetrySchedule::custom(&[0; 1001]).unwrap_err().code(), "too_many_attempts");
        let s = RetrySchedule::custom(&[0, 10]).unwrap();
        assert_eq!((s.attempts(), s.total_span(), s.next_due(1, 0)), (2, 10, Some(10)));
    }

    #[test]
    fn classification() {
        for code in [200, 201, 204, 299] {
            assert_eq!(Outcome::Status(code).class(), OutcomeClass::Success);
        }
        assert_eq!(Outcome::Status(410).class(), OutcomeClass::Gone);
        for code in [0, 100, 199, 300, 301, 302, 304, 307, 308, 400, 401, 404, 409, 429, 500, 502, 503, 504, 999] {
            assert_eq!(Outcome::Status(code).class(), OutcomeClass::Retryable, "{code}");
        }
        assert_eq!(Outcome::Timeout.class(), OutcomeClass::Retryable);
        for kind in NetworkErrorKind::ALL {
            assert_eq!(Outcome::NetworkError(kind).class(), OutcomeClass::Retryable);
            assert_eq!(NetworkErrorKind::parse(kind.as_str()), kind);
        }
        assert_eq!(alloc::format!("{}", Outcome::NetworkError(NetworkErrorKind::Tls)), "network_error(tls)");
        assert_eq!(alloc::format!("{}", Outcome::Status(503)), "status(503)");
        for o in [Outcome::Status(0), Outcome::Status(65535), Outcome::Timeout]
            .into_iter()
            .chain(NetworkErrorKind::ALL.map(Outcome::NetworkError))
        {
            assert_eq!(Outcome::parse(&alloc::format!("{o}")), Some(o));
        }
        for bad in ["", "status()", "status(65536)", "status(+1)", "status(1", "Timeout", "network_error"] {
            assert_eq!(bad.parse::<Outcome>(), Err(ParseOutcomeError), "{bad}");
        }
    }

    #[test]
    fn retry_after_only_pushes_later_and_is_capped() {
        let s = RetrySchedule::default();
        let t = 1_000;
        // Shorter than the schedule: ignored.
        assert_eq!(s.next_retry(3, t, &Outcome::Status(429), Some(5), 0), Some(t + 600));
        // Longer: pushes.
        assert_eq!(s.next_retry(1, t, &Outcome::Status(503), Some(90), 0), Some(t + 90));
        // Capped at 24 h.
        assert_eq!(s.next_retry(1, t, &Outcome::Status(429), Some(10_000_000), 0), Some(t + 86_400));
        // Only on 429/503.
        assert_eq!(s.next_retry(1, t, &Outcome::Status(500), Some(3_600), 0), Some(t + 30));
        assert_eq!(s.next_retry(1, t, &Outcome::Timeout, Some(3_600), 0), Some(t + 30));
        // No retry after success, 410, or the last attempt.
        assert_eq!(s.next_retry(1, t, &Outcome::Status(200), None, 0), None);
        assert_eq!(s.next_retry(1, t, &Outcome::Status(410), None, 0), None);
        assert_eq!(s.next_retry(7, t, &Outcome::Status(503), Some(60), 0), None);
    }

    #[test]
    fn jitter_only_adds_within_bounds() {
        let plain = RetrySchedule::default();
        let s = RetrySchedule::default().with_jitter_percent(10);
        assert_eq!(RetrySchedule::default().with_jitter_percent(250).jitter_percent(), 100);
        let mut seen_nonzero = false;
        for seed in 0..500u64 {
            for attempt in 1..=7 {
                let extra = s.jitter_for(attempt, seed);
                let delay = s.delay_before(attempt).unwrap();
                assert!(extra <= delay / 10);
                seen_nonzero |= extra > 0;
                let next = s.next_retry(attempt - 1, 0, &Outcome::Timeout, None, seed);
                if attempt > 1 {
                    assert_eq!(next, Some(i64::try_from(delay + extra).unwrap()));
                    assert!(next >= plain.next_retry(attempt - 1, 0, &Outcome::Timeout, None, seed));
                }
            }
        }
        assert!(seen_nonzero);
        assert_eq!(plain.jitter_for(3, 42), 0);
        assert_eq!(s.jitter_for(1, 42), 0);
        assert_eq!(s.jitter_for(9, 42), 0);
        // Reference values of the formula (also in tests/vectors/retry.json).
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn retry_after_parsing() {
        let now = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("120", now), Some(120));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0));
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(u64::MAX));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now), Some(120));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 50), Some(0));
        for bad in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn excerpts_cut_at_char_boundaries() {
        assert_eq!(response_excerpt(b"ok"), "ok");
        let long = "é".repeat(600); // 1200 bytes
        let e = response_excerpt(long.as_bytes());
        assert_eq!(e.len(), 1024);
        let mut odd = alloc::vec![b'a'];
        odd.extend("é".repeat(600).as_bytes());
        let e = response_excerpt(&odd);
        assert_eq!(e.len(), 1023);
        assert!(e.ends_with('é'));
        let bad = alloc::vec![0xffu8; 2000];
        assert!(response_excerpt(&bad).len() <= 1024);
    }
}
