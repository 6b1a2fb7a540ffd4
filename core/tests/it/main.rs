//! Integration tests: the shared vectors in `tests/vectors/` and property tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    missing_docs
)]

mod diagnose;
mod engine;
mod events;
mod json;
mod properties;
mod signatures;

use std::path::PathBuf;

use serde_json::Value;

/// Loads a vector file from `tests/vectors/` at the repository root.
pub(crate) fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}
