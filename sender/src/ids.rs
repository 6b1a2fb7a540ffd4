//! Random ids and secrets from the operating system's CSPRNG (the core takes randomness as
//! an argument; this is where it comes from).

use cstar_webhooks::random::push_base62;
use cstar_webhooks::{EventType, RandomSource, Secret};

/// The operating system's random source. Panics only if the OS has no entropy source at
/// all, in which case no secret could be generated safely anyway.
#[must_use]
pub fn os_rng() -> impl RandomSource {
    |buf: &mut [u8]| {
        #[allow(clippy::expect_used)]
        getrandom::fill(buf).expect("the operating system's random source failed");
    }
}

/// `dlv_` + 20 base62 characters.
#[must_use]
pub fn delivery_id() -> String {
    let mut id = String::from("dlv_");
    push_base62(&mut id, &mut os_rng(), 20);
    id
}

/// A new event id for `event_type`.
#[must_use]
pub fn event_id(event_type: &EventType) -> String {
    cstar_webhooks::new_event_id(event_type, &mut os_rng())
}

/// A new test event id for `event_type`.
#[must_use]
pub fn test_event_id(event_type: &EventType) -> String {
    cstar_webhooks::new_test_event_id(event_type, &mut os_rng())
}

/// A new webhook id.
#[must_use]
pub fn webhook_id() -> String {
    cstar_webhooks::new_webhook_id(&mut os_rng())
}

/// A new signing secret (`whsec_` + 32 base62).
#[must_use]
pub fn secret() -> Secret {
    Secret::generate(&mut os_rng())
}

/// A new management API key (`csk_` + 40 base62).
#[must_use]
pub fn api_key() -> String {
    let mut key = String::from("csk_");
    push_base62(&mut key, &mut os_rng(), 40);
    key
}
