//! The settings page (Settings → Team → Webhooks): one self-contained HTML document, no
//! external assets, no build step. It calls the JSON API with the key the user enters.

use cstar_webhooks::{EventType, Family};
use serde_json::Value;

const TEMPLATE: &str = include_str!("page.html");

/// The page, with the event catalog (grouped by family) taken from the core.
#[must_use]
pub fn render() -> String {
    let families = [
        (Family::Tickets, "Tickets"),
        (Family::Customers, "Customers"),
        (Family::Articles, "Articles"),
        (Family::Gamification, "Gamification"),
    ];
    let groups: Vec<Value> = families
        .iter()
        .map(|(family, label)| {
            let types: Vec<Value> = EventType::KNOWN
                .iter()
                .filter(|t| t.family() == *family)
                .map(|t| Value::String(t.as_str().to_owned()))
                .collect();
            Value::Array(vec![Value::String((*label).to_owned()), Value::Array(types)])
        })
        .collect();
    TEMPLATE.replace("__EVENT_FAMILIES__", &Value::Array(groups).to_string())
}
