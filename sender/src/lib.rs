//! The cStar webhooks reference sender: a durable webhook dispatcher on embedded SQLite.
//!
//! The binary is `cstar-webhooks` (`serve`, `publish`, `webhooks`, `sign`, `verify`,
//! `listen`); this library is its implementation, used by the binary and the tests. The
//! protocol decisions (signatures, headers, retry math, payloads) come from the core crate
//! `cstar-webhooks`; this crate adds storage, HTTP, the API and the settings page.
#![forbid(unsafe_code)]
// A std-only service: `core::`/`alloc::` paths buy nothing here.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc, clippy::alloc_instead_of_core)]
// Prose names the products it talks about (SQLite, OpenAPI, PostgreSQL) without backticks.
#![allow(clippy::doc_markdown)]

pub mod api;
pub mod clock;
pub mod dispatcher;
pub mod http;
pub mod ids;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod rules;
pub mod server;
pub mod sqlite;
pub mod ssrf;
pub mod store;
