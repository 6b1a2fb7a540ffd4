//! The settings page (Settings → Team → Webhooks): one self-contained HTML document.

/// The page.
pub const PAGE: &str = include_str!("page.html");
