//! The OpenAPI 3 document of the API.

use serde_json::{Value, json};

/// The document.
#[must_use]
pub fn document() -> Value {
    json!({"openapi": "3.0.3"})
}
