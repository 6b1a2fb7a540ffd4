#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod diagnose;
pub mod engine;
pub mod error;
pub mod event;
pub mod headers;
pub mod json;
pub mod random;
pub mod retry;
pub mod signature;
pub mod time;

pub use diagnose::{Cause, Diagnosis, diagnose};
pub use engine::{
    Action, AttemptRecord, AttemptResult, Delivery, DeliveryId, DeliveryKind, DeliveryState, EngineError, HealthPolicy,
    OutgoingEvent, Scheduler, SchedulerConfig, SendRequest, WebhookConfig, WebhookHealth,
};
pub use error::{PayloadError, SignError, VerifyError};
#[cfg(feature = "serde")]
pub use event::{Event, EventData, flatten, sample_event, sample_events};
pub use event::{
    EventEnvelope, EventType, Family, flatten_json, new_event_id, new_test_event_id, new_webhook_id, sample_event_json,
};
pub use headers::{DeliveryInfo, WebhookHeaders, delivery_headers};
pub use random::RandomSource;
pub use retry::{
    MAX_RETRY_AFTER_SECS, NetworkErrorKind, Outcome, OutcomeClass, RetrySchedule, STANDARD_DELAYS, ScheduleError,
    parse_retry_after,
};
pub use signature::{
    DEFAULT_TOLERANCE_SECS, SECRET_PREFIX, Scheme, Secret, SignatureHeader, Verified, Verifier, sign, sign_legacy,
};
