//! Randomness is an argument: the core never reads an entropy source itself.
//!
//! Anything that can fill a byte slice is a [`RandomSource`]: a closure over `getrandom`, a
//! `rand` RNG, `crypto.getRandomValues` in a binding, or a seeded generator in tests.

use alloc::string::String;

/// A source of random bytes supplied by the caller.
///
/// Implemented for every `FnMut(&mut [u8])`, so `&mut |buf: &mut [u8]| getrandom::fill(buf).unwrap()`
/// works as is. Use a cryptographically secure source for secrets.
pub trait RandomSource {
    /// Fills `dest` entirely with random bytes.
    fn fill_bytes(&mut self, dest: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> RandomSource for F {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self(dest);
    }
}

/// The base62 alphabet used by ids and generated secrets.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Appends `len` uniformly distributed base62 characters to `out`.
///
/// Unbiased: bytes ≥ 248 (= 4 × 62) are rejected and drawn again.
pub fn push_base62(out: &mut String, rng: &mut impl RandomSource, len: usize) {
    let mut remaining = len;
    let mut buf = [0u8; 32];
    while remaining > 0 {
        rng.fill_bytes(&mut buf);
        for &b in &buf {
            if remaining == 0 {
                break;
            }
            if b < 248 {
                if let Some(&c) = BASE62.get(usize::from(b % 62)) {
                    out.push(char::from(c));
                }
                remaining -= 1;
            }
        }
    }
}
