//! Event payloads (SPEC §2): the catalog, the envelope, typed objects, samples, ids and the
//! flat-payload transform.
//!
//! Forward compatible by construction: an event type or an enum value this version does not
//! know parses as an `Unknown(…)` variant that keeps the text, unknown fields are ignored by
//! the typed views and kept in the raw JSON.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::PayloadError;
use crate::json::{self, Json};
use crate::random::{RandomSource, push_base62};

/// Declares a string-valued enum with an `Unknown(String)` catch-all.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept verbatim (forward compatibility).
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, in catalog order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant,)+];

            /// The wire text of this value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(text) => text,
                }
            }

            /// Parses the wire text; unknown text becomes [`Self::Unknown`] (never fails).
            #[must_use]
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(String::from(other)),
                }
            }

            /// Whether this version knows the value.
            #[must_use]
            pub const fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = core::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::parse(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

string_enum! {
    /// The event catalog (SPEC §2). Types are `object.action`.
    EventType {
        /// `ticket.created`
        TicketCreated = "ticket.created",
        /// `ticket.updated`
        TicketUpdated = "ticket.updated",
        /// `ticket.assigned`
        TicketAssigned = "ticket.assigned",
        /// `ticket.resolved`
        TicketResolved = "ticket.resolved",
        /// `ticket.deleted`
        TicketDeleted = "ticket.deleted",
        /// `customer.created`
        CustomerCreated = "customer.created",
        /// `customer.updated`
        CustomerUpdated = "customer.updated",
        /// `customer.deleted`
        CustomerDeleted = "customer.deleted",
        /// `article.published`
        ArticlePublished = "article.published",
        /// `article.updated`
        ArticleUpdated = "article.updated",
        /// `article.archived`
        ArticleArchived = "article.archived",
        /// `gamification.boss_defeated`
        BossDefeated = "gamification.boss_defeated",
        /// `gamification.badge_earned`
        BadgeEarned = "gamification.badge_earned",
        /// `gamification.level_up`
        LevelUp = "gamification.level_up",
    }
}

/// The four families of the catalog (the groups of the "Create Webhook" form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Family {
    /// `ticket.*`
    Tickets,
    /// `customer.*`
    Customers,
    /// `article.*`
    Articles,
    /// `gamification.*`
    Gamification,
    /// A type outside the catalog.
    Unknown,
}

impl Family {
    /// The four known families, in catalog order.
    pub const KNOWN: [Self; 4] = [Self::Tickets, Self::Customers, Self::Articles, Self::Gamification];

    /// `"tickets"`, `"customers"`, `"articles"`, `"gamification"` or `"unknown"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tickets => "tickets",
            Self::Customers => "customers",
            Self::Articles => "articles",
            Self::Gamification => "gamification",
            Self::Unknown => "unknown",
        }
    }

    /// The type prefix of the family (`"ticket"`, …; empty for `Unknown`).
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Tickets => "ticket",
            Self::Customers => "customer",
            Self::Articles => "article",
            Self::Gamification => "gamification",
            Self::Unknown => "",
        }
    }

    /// The human label (`"Tickets"`, …).
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Tickets => "Tickets",
            Self::Customers => "Customers",
            Self::Articles => "Articles",
            Self::Gamification => "Gamification",
            Self::Unknown => "Unknown",
        }
    }
}

impl EventType {
    /// The family this type belongs to. Types outside the catalog are [`Family::Unknown`],
    /// even when their prefix looks familiar (`ticket.merged`).
    #[must_use]
    pub const fn family(&self) -> Family {
        match self {
            Self::TicketCreated
            | Self::TicketUpdated
            | Self::TicketAssigned
            | Self::TicketResolved
            | Self::TicketDeleted => Family::Tickets,
            Self::CustomerCreated | Self::CustomerUpdated | Self::CustomerDeleted => Family::Customers,
            Self::ArticlePublished | Self::ArticleUpdated | Self::ArticleArchived => Family::Articles,
            Self::BossDefeated | Self::BadgeEarned | Self::LevelUp => Family::Gamification,
            Self::Unknown(_) => Family::Unknown,
        }
    }

    /// Whether `filter` selects this type: an exact type, a family wildcard (`ticket.*`) or `*`.
    #[must_use]
    pub fn matches(&self, filter: &str) -> bool {
        let ty = self.as_str();
        filter == "*"
            || filter == ty
            || filter
                .strip_suffix(".*")
                .and_then(|prefix| ty.strip_prefix(prefix))
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// Generates an event id: `evt_` + type with `.`→`_` + `_` + 16 base62 characters.
#[must_use]
pub fn new_event_id(event_type: &EventType, rng: &mut impl RandomSource) -> String {
    event_id_with_prefix("evt_", event_type, rng)
}

/// Generates the id of a test event: `evt_test_` + type with `.`→`_` + `_` + 16 base62.
#[must_use]
pub fn new_test_event_id(event_type: &EventType, rng: &mut impl RandomSource) -> String {
    event_id_with_prefix("evt_test_", event_type, rng)
}

fn event_id_with_prefix(prefix: &str, event_type: &EventType, rng: &mut impl RandomSource) -> String {
    let ty = event_type.as_str();
    let mut id = String::with_capacity(prefix.len() + ty.len() + 17);
    id.push_str(prefix);
    id.extend(ty.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }));
    id.push('_');
    push_base62(&mut id, rng, 16);
    id
}

/// Generates a webhook id: `whk_` + 16 base62 characters.
#[must_use]
pub fn new_webhook_id(rng: &mut impl RandomSource) -> String {
    let mut id = String::with_capacity(20);
    id.push_str("whk_");
    push_base62(&mut id, rng, 16);
    id
}

/// The team id used by samples (the guide's example team).
pub const SAMPLE_TEAM_ID: &str = "ffce2c0d-a0c8-4285-a55f-c674f191feb0";

/// The sample `data` of each family, with realistic values.
fn sample_data(event_type: &EventType) -> Option<&'static str> {
    Some(match event_type {
        EventType::TicketCreated => concat!(
            r#"{"ticket":{"id":"tkt_a1B2c3D4e5F6","prefixed_id":"CST-1024","title":"Cannot reset password","status":"new","priority":"normal","channel":"widget","customer_id":"cus_01H8X9YZ7E0J3K4M5N6Q","created_at":"2026-03-30T10:30:00Z"},"customer":"#,
            r#"{"id":"cus_01H8X9YZ7E0J3K4M5N6Q","name":"Casey Patel","email":"casey@example.com"}}"#
        ),
        EventType::TicketUpdated => {
            r#"{"ticket":{"id":"tkt_a1B2c3D4e5F6","prefixed_id":"CST-1024","title":"Cannot reset password","status":"open","priority":"high","channel":"widget","customer_id":"cus_01H8X9YZ7E0J3K4M5N6Q","created_at":"2026-03-30T10:30:00Z","updated_at":"2026-03-30T10:42:00Z"}}"#
        }
        EventType::TicketAssigned => {
            r#"{"ticket":{"id":"tkt_a1B2c3D4e5F6","prefixed_id":"CST-1024","title":"Cannot reset password","status":"open","priority":"normal","channel":"email","customer_id":"cus_01H8X9YZ7E0J3K4M5N6Q","assignee_id":"agt_7Hq2LmN4pR8s","created_at":"2026-03-30T10:30:00Z","updated_at":"2026-03-30T10:35:00Z"}}"#
        }
        EventType::TicketResolved => {
            r#"{"ticket":{"id":"tkt_a1B2c3D4e5F6","prefixed_id":"CST-1024","title":"Cannot reset password","status":"resolved","priority":"normal","channel":"chat","customer_id":"cus_01H8X9YZ7E0J3K4M5N6Q","assignee_id":"agt_7Hq2LmN4pR8s","created_at":"2026-03-30T10:30:00Z","updated_at":"2026-03-30T11:05:00Z"}}"#
        }
        EventType::TicketDeleted => {
            r#"{"ticket":{"id":"tkt_a1B2c3D4e5F6","prefixed_id":"CST-1024","title":"Cannot reset password","status":"closed","priority":"low","channel":"api","customer_id":"cus_01H8X9YZ7E0J3K4M5N6Q","created_at":"2026-03-30T10:30:00Z","updated_at":"2026-03-30T12:00:00Z"}}"#
        }
        EventType::CustomerCreated | EventType::CustomerUpdated | EventType::CustomerDeleted => {
            r#"{"customer":{"id":"cus_01H8X9YZ7E0J3K4M5N6Q","name":"Casey Patel","email":"casey@example.com","created_at":"2026-03-02T09:15:00Z"}}"#
        }
        EventType::ArticlePublished => {
            r#"{"article":{"id":"art_Zx81Qw3Er5Ty","title":"How to reset your password","slug":"reset-password","status":"published","author_id":"agt_7Hq2LmN4pR8s","url":"https://help.example.com/articles/reset-password","published_at":"2026-03-30T10:30:00Z"}}"#
        }
        EventType::ArticleUpdated => {
            r#"{"article":{"id":"art_Zx81Qw3Er5Ty","title":"How to reset your password (2026)","slug":"reset-password","status":"published","author_id":"agt_7Hq2LmN4pR8s","url":"https://help.example.com/articles/reset-password","published_at":"2026-03-30T10:30:00Z"}}"#
        }
        EventType::ArticleArchived => {
            r#"{"article":{"id":"art_Zx81Qw3Er5Ty","title":"How to reset your password","slug":"reset-password","status":"archived","author_id":"agt_7Hq2LmN4pR8s"}}"#
        }
        EventType::BossDefeated => concat!(
            r#"{"boss":{"id":"bos_Q4w5E6r7T8y9","name":"The Backlog Hydra","level":12,"hp":0,"defeated_at":"2026-03-30T10:30:00Z"},"agent":"#,
            r#"{"id":"agt_7Hq2LmN4pR8s","name":"Robin Okafor"}}"#
        ),
        EventType::BadgeEarned => concat!(
            r#"{"badge":{"id":"bdg_K2j3H4g5F6d7","name":"First Responder","earned_at":"2026-03-30T10:30:00Z"},"agent":"#,
            r#"{"id":"agt_7Hq2LmN4pR8s","name":"Robin Okafor"}}"#
        ),
        EventType::LevelUp => concat!(
            r#"{"level":{"previous":4,"current":5,"xp":5250},"agent":"#,
            r#"{"id":"agt_7Hq2LmN4pR8s","name":"Robin Okafor"}}"#
        ),
        EventType::Unknown(_) => return None,
    })
}

/// The sample event of a catalog type as compact JSON text, without serde: the same text as
/// `sample_event(t).to_json()`. `None` for a type outside the catalog.
#[must_use]
pub fn sample_event_json(event_type: &EventType) -> Option<String> {
    let data = sample_data(event_type)?;
    let mut id = String::from("evt_test_");
    id.extend(event_type.as_str().chars().map(|c| if c == '.' { '_' } else { c }));
    id.push_str("_sample0000000000");
    let mut out = String::with_capacity(data.len() + 200);
    let fields = [
        ("id", id.as_str()),
        ("type", event_type.as_str()),
        ("created_at", SAMPLE_CREATED_AT),
        ("team_id", SAMPLE_TEAM_ID),
    ];
    out.push('{');
    for (key, value) in fields {
        json::write_str(&mut out, key);
        out.push(':');
        json::write_str(&mut out, value);
        out.push(',');
    }
    out.push_str("\"data\":");
    out.push_str(data);
    out.push('}');
    Some(out)
}

/// The creation time of every sample event.
const SAMPLE_CREATED_AT: &str = "2026-03-30T10:30:00Z";

/// The five envelope keys, in wire order.
const ENVELOPE: [&str; 5] = ["id", "type", "created_at", "team_id", "data"];

/// The event envelope parsed without serde (the [`json`] module): what a binding without
/// `serde` (the WASM build) uses. The same rules and errors as `Event::from_slice`: the
/// body is one JSON object, `id`, `type`, `created_at` and `team_id` are strings, `data` is
/// an object; unknown top-level keys are kept in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventEnvelope {
    /// `evt_…`
    pub id: String,
    /// The event type.
    pub event_type: EventType,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The cStar team's UUID.
    pub team_id: String,
    /// The objects the event concerns, keyed by object name, as received.
    pub data: Vec<(String, Json)>,
    /// Top-level keys outside the envelope, in order.
    pub extra: Vec<(String, Json)>,
}

impl EventEnvelope {
    /// Parses a body.
    ///
    /// # Errors
    /// [`PayloadError`] when the body is not a JSON object with the envelope.
    pub fn from_slice(body: &[u8]) -> Result<Self, PayloadError> {
        Self::from_json(Json::parse(body).map_err(|e| PayloadError::new(e.to_string()))?)
    }

    /// Checks the envelope of a parsed value.
    ///
    /// # Errors
    /// As [`EventEnvelope::from_slice`].
    pub fn from_json(value: Json) -> Result<Self, PayloadError> {
        let Json::Object(members) = value else {
            return Err(PayloadError::new("the body is not a JSON object"));
        };
        let (mut id, mut event_type, mut created_at, mut team_id, mut data) = (None, None, None, None, None);
        let mut extra = Vec::new();
        for (key, value) in members {
            let slot = match key.as_str() {
                "id" => &mut id,
                "type" => &mut event_type,
                "created_at" => &mut created_at,
                "team_id" => &mut team_id,
                "data" => {
                    let Json::Object(objects) = value else {
                        return Err(PayloadError::new("`data` must be an object"));
                    };
                    data = Some(objects);
                    continue;
                }
                _ => {
                    extra.push((key, value));
                    continue;
                }
            };
            let Json::String(text) = value else {
                return Err(PayloadError::new(alloc::format!("`{key}` must be a string")));
            };
            *slot = Some(text);
        }
        let missing = |field: &str| PayloadError::new(alloc::format!("missing field `{field}`"));
        Ok(Self {
            id: id.ok_or_else(|| missing("id"))?,
            event_type: EventType::parse(&event_type.ok_or_else(|| missing("type"))?),
            created_at: created_at.ok_or_else(|| missing("created_at"))?,
            team_id: team_id.ok_or_else(|| missing("team_id"))?,
            data: data.ok_or_else(|| missing("data"))?,
            extra,
        })
    }

    /// The compact JSON body: envelope keys first, then the extra keys in order (the same
    /// text as `Event::to_json`).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        out.push('{');
        let fields = [
            ("id", self.id.as_str()),
            ("type", self.event_type.as_str()),
            ("created_at", self.created_at.as_str()),
            ("team_id", self.team_id.as_str()),
        ];
        for (key, value) in fields {
            json::write_str(&mut out, key);
            out.push(':');
            json::write_str(&mut out, value);
            out.push(',');
        }
        out.push_str("\"data\":");
        json::write_members(&mut out, self.data.iter().map(|(k, v)| (k.as_str(), v)));
        for (k, v) in self.extra.iter().filter(|(k, _)| !ENVELOPE.contains(&k.as_str())) {
            out.push(',');
            json::write_str(&mut out, k);
            out.push(':');
            v.write(&mut out);
        }
        out.push('}');
        out
    }
}

/// The flat-payload transform (SPEC §2) over a raw JSON body, returning compact JSON: the
/// payload plus root-level copies of every scalar field of every object under `data`, as
/// `object_field` (nested objects recursively with `_`; arrays and nulls not copied).
///
/// Existing top-level keys come first and are never replaced: a clashing copy is dropped,
/// and between two clashing copies the first wins. Flattening a flat payload is a no-op.
/// A value that is not an object is returned unchanged. Number literals are kept verbatim.
///
/// # Errors
/// [`PayloadError`] when the body is not JSON.
pub fn flatten_json(body: &[u8]) -> Result<String, PayloadError> {
    let value = Json::parse(body).map_err(|e| PayloadError::new(e.to_string()))?;
    let Json::Object(root) = value else {
        return Ok(value.to_json());
    };
    let mut out = root.clone();
    if let Some(Json::Object(data)) = root.iter().find(|(k, _)| k == "data").map(|(_, v)| v) {
        let mut key = String::new();
        for (name, object) in data {
            if let Json::Object(fields) = object {
                key.clear();
                key.push_str(name);
                flatten_into(&mut out, &mut key, fields);
            }
        }
    }
    Ok(Json::Object(out).to_json())
}

fn flatten_into(out: &mut Vec<(String, Json)>, key: &mut String, fields: &[(String, Json)]) {
    let base = key.len();
    for (field, value) in fields {
        key.truncate(base);
        key.push('_');
        key.push_str(field);
        match value {
            Json::Object(inner) => flatten_into(out, key, inner),
            Json::Null | Json::Array(_) => {}
            scalar => {
                if !out.iter().any(|(k, _)| k == key) {
                    out.push((key.clone(), scalar.clone()));
                }
            }
        }
    }
    key.truncate(base);
}

#[cfg(feature = "serde")]
pub use payload::*;

#[cfg(feature = "serde")]
mod payload {
    use alloc::borrow::ToOwned;
    use alloc::string::String;
    use alloc::vec::Vec;

    use serde::{Deserialize, Serialize};
    use serde_json::{Map, Value};

    use super::{EventType, Family, SAMPLE_CREATED_AT, SAMPLE_TEAM_ID, sample_data};
    use crate::error::PayloadError;

    string_enum! {
        /// A ticket's status.
        TicketStatus {
            /// `new`
            New = "new",
            /// `open`
            Open = "open",
            /// `pending`
            Pending = "pending",
            /// `resolved`
            Resolved = "resolved",
            /// `closed`
            Closed = "closed",
        }
    }

    string_enum! {
        /// A ticket's priority.
        Priority {
            /// `low`
            Low = "low",
            /// `normal`
            Normal = "normal",
            /// `high`
            High = "high",
            /// `urgent`
            Urgent = "urgent",
        }
    }

    string_enum! {
        /// The channel a ticket came in through.
        Channel {
            /// `widget`
            Widget = "widget",
            /// `email`
            Email = "email",
            /// `chat`
            Chat = "chat",
            /// `phone`
            Phone = "phone",
            /// `api`
            Api = "api",
        }
    }

    string_enum! {
        /// An article's status.
        ArticleStatus {
            /// `draft`
            Draft = "draft",
            /// `published`
            Published = "published",
            /// `archived`
            Archived = "archived",
        }
    }

    /// A support ticket (`data.ticket`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Ticket {
        /// `tkt_…`
        pub id: String,
        /// The human id, e.g. `CST-1024`.
        pub prefixed_id: String,
        /// The subject line.
        pub title: String,
        /// Status.
        pub status: TicketStatus,
        /// Priority.
        pub priority: Priority,
        /// Channel.
        pub channel: Channel,
        /// The customer's id (`cus_…`).
        pub customer_id: String,
        /// The assigned agent (`agt_…`), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub assignee_id: Option<String>,
        /// RFC 3339.
        pub created_at: String,
        /// RFC 3339, if updated.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<String>,
    }

    /// A customer (`data.customer`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Customer {
        /// `cus_…`
        pub id: String,
        /// Display name.
        pub name: String,
        /// Email address.
        pub email: String,
        /// RFC 3339.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_at: Option<String>,
    }

    /// A knowledge-base article (`data.article`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Article {
        /// `art_…`
        pub id: String,
        /// Title.
        pub title: String,
        /// URL slug.
        pub slug: String,
        /// Status.
        pub status: ArticleStatus,
        /// The author (`agt_…`).
        pub author_id: String,
        /// Public URL, when published.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        /// RFC 3339, when published.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub published_at: Option<String>,
    }

    /// An agent (`data.agent`, gamification events).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Agent {
        /// `agt_…`
        pub id: String,
        /// Display name.
        pub name: String,
    }

    /// A defeated boss (`data.boss`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Boss {
        /// `bos_…`
        pub id: String,
        /// Name.
        pub name: String,
        /// The boss's level.
        pub level: i64,
        /// Hit points.
        pub hp: i64,
        /// RFC 3339.
        pub defeated_at: String,
    }

    /// An earned badge (`data.badge`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Badge {
        /// `bdg_…`
        pub id: String,
        /// Name.
        pub name: String,
        /// RFC 3339.
        pub earned_at: String,
    }

    /// A level change (`data.level`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Level {
        /// The level before.
        pub previous: i64,
        /// The level now.
        pub current: i64,
        /// Experience points.
        pub xp: i64,
    }

    /// Typed `data` per family. Obtained with [`Event::typed_data`].
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum EventData {
        /// `ticket.*`: the ticket, and the customer when present.
        Ticket {
            /// The ticket.
            ticket: Ticket,
            /// The customer, when included.
            customer: Option<Customer>,
        },
        /// `customer.*`
        Customer {
            /// The customer.
            customer: Customer,
        },
        /// `article.*`
        Article {
            /// The article.
            article: Article,
        },
        /// `gamification.boss_defeated`
        BossDefeated {
            /// The boss.
            boss: Boss,
            /// The agent who defeated it.
            agent: Agent,
        },
        /// `gamification.badge_earned`
        BadgeEarned {
            /// The badge.
            badge: Badge,
            /// The agent who earned it.
            agent: Agent,
        },
        /// `gamification.level_up`
        LevelUp {
            /// The level change.
            level: Level,
            /// The agent.
            agent: Agent,
        },
        /// A type outside the catalog: use [`Event::data`] (raw JSON).
        Unknown,
    }

    /// The event envelope: what every delivery body is.
    ///
    /// `data` stays raw JSON (unknown fields kept); [`Event::typed_data`] gives typed objects.
    /// Unknown top-level keys are kept in `extra` and serialized back.
    ///
    /// (De)serialization is written by hand rather than derived: it is the same JSON shape,
    /// with far less generated code, which keeps the WASM build small.
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct Event {
        /// `evt_…`: the idempotency key (a redelivery repeats it).
        pub id: String,
        /// The event type (`"type"` on the wire).
        pub event_type: EventType,
        /// RFC 3339 UTC.
        pub created_at: String,
        /// The cStar team's UUID.
        pub team_id: String,
        /// The objects the event concerns, keyed by object name, as received.
        pub data: Map<String, Value>,
        /// Top-level keys this version does not know (and flat-payload copies), in order.
        pub extra: Map<String, Value>,
    }

    /// Why a body is not JSON, without echoing its content.
    fn json_error(e: &serde_json::Error) -> PayloadError {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "unexpected end of JSON",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data | serde_json::error::Category::Io => "unexpected JSON",
        };
        PayloadError::new(alloc::format!("{what} at line {} column {}", e.line(), e.column()))
    }

    impl Serialize for Event {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            const ENVELOPE: [&str; 5] = ["id", "type", "created_at", "team_id", "data"];
            let extra = self.extra.iter().filter(|(k, _)| !ENVELOPE.contains(&k.as_str()));
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("id", &self.id)?;
            map.serialize_entry("type", self.event_type.as_str())?;
            map.serialize_entry("created_at", &self.created_at)?;
            map.serialize_entry("team_id", &self.team_id)?;
            map.serialize_entry("data", &self.data)?;
            for (k, v) in extra {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }

    impl<'de> Deserialize<'de> for Event {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = Value::deserialize(deserializer)?;
            Self::from_value(value).map_err(|e| serde::de::Error::custom(e.message()))
        }
    }

    impl Event {
        /// A new event (no extra keys).
        #[must_use]
        pub fn new(
            id: impl Into<String>,
            event_type: EventType,
            created_at: impl Into<String>,
            team_id: impl Into<String>,
            data: Map<String, Value>,
        ) -> Self {
            Self {
                id: id.into(),
                event_type,
                created_at: created_at.into(),
                team_id: team_id.into(),
                data,
                extra: Map::new(),
            }
        }

        /// Parses a body. Only the envelope is checked (`id`, `type`, `created_at`, `team_id`
        /// strings and `data` an object); use [`Event::typed_data`] for the objects.
        ///
        /// # Errors
        /// [`PayloadError`] when the body is not a JSON object with that envelope.
        pub fn from_slice(body: &[u8]) -> Result<Self, PayloadError> {
            Self::from_value(serde_json::from_slice(body).map_err(|e| json_error(&e))?)
        }

        /// Parses an already-decoded JSON value.
        ///
        /// # Errors
        /// As [`Event::from_slice`].
        pub fn from_value(value: Value) -> Result<Self, PayloadError> {
            let Value::Object(map) = value else {
                return Err(PayloadError::new("the body is not a JSON object"));
            };
            let (mut id, mut event_type, mut created_at, mut team_id, mut data) = (None, None, None, None, None);
            let mut extra = Map::new();
            for (key, value) in map {
                let slot = match key.as_str() {
                    "id" => &mut id,
                    "type" => &mut event_type,
                    "created_at" => &mut created_at,
                    "team_id" => &mut team_id,
                    "data" => {
                        let Value::Object(objects) = value else {
                            return Err(PayloadError::new("`data` must be an object"));
                        };
                        data = Some(objects);
                        continue;
                    }
                    _ => {
                        extra.insert(key, value);
                        continue;
                    }
                };
                let Value::String(text) = value else {
                    return Err(PayloadError::new(alloc::format!("`{key}` must be a string")));
                };
                *slot = Some(text);
            }
            let missing = |field: &str| PayloadError::new(alloc::format!("missing field `{field}`"));
            Ok(Self {
                id: id.ok_or_else(|| missing("id"))?,
                event_type: EventType::parse(&event_type.ok_or_else(|| missing("type"))?),
                created_at: created_at.ok_or_else(|| missing("created_at"))?,
                team_id: team_id.ok_or_else(|| missing("team_id"))?,
                data: data.ok_or_else(|| missing("data"))?,
                extra,
            })
        }

        /// The family of the event's type.
        #[must_use]
        pub const fn family(&self) -> Family {
            self.event_type.family()
        }

        /// The typed objects of `data` for this event's family.
        ///
        /// # Errors
        /// [`PayloadError`] when a required object or field is missing or has the wrong type.
        pub fn typed_data(&self) -> Result<EventData, PayloadError> {
            let data = &self.data;
            Ok(match self.family() {
                Family::Tickets => {
                    EventData::Ticket { ticket: required(data, "ticket")?, customer: optional(data, "customer")? }
                }
                Family::Customers => EventData::Customer { customer: required(data, "customer")? },
                Family::Articles => EventData::Article { article: required(data, "article")? },
                Family::Gamification => match self.event_type {
                    EventType::BossDefeated => {
                        EventData::BossDefeated { boss: required(data, "boss")?, agent: required(data, "agent")? }
                    }
                    EventType::BadgeEarned => {
                        EventData::BadgeEarned { badge: required(data, "badge")?, agent: required(data, "agent")? }
                    }
                    _ => EventData::LevelUp { level: required(data, "level")?, agent: required(data, "agent")? },
                },
                Family::Unknown => EventData::Unknown,
            })
        }

        /// The event as a JSON value (envelope keys first).
        #[must_use]
        pub fn to_value(&self) -> Value {
            let mut map = Map::with_capacity(5 + self.extra.len());
            map.insert("id".to_owned(), Value::String(self.id.clone()));
            map.insert("type".to_owned(), Value::String(self.event_type.as_str().to_owned()));
            map.insert("created_at".to_owned(), Value::String(self.created_at.clone()));
            map.insert("team_id".to_owned(), Value::String(self.team_id.clone()));
            map.insert("data".to_owned(), Value::Object(self.data.clone()));
            for (k, v) in &self.extra {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
            Value::Object(map)
        }

        /// The compact JSON body.
        #[must_use]
        pub fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }

        /// The compact JSON body with flat-payload copies (SPEC §2 "Flat payload").
        #[must_use]
        pub fn to_flat_json(&self) -> String {
            serde_json::to_string(&flatten(&self.to_value())).unwrap_or_default()
        }
    }

    fn required<T: serde::de::DeserializeOwned>(data: &Map<String, Value>, key: &str) -> Result<T, PayloadError> {
        let value = data.get(key).ok_or_else(|| PayloadError::new(alloc::format!("missing object `data.{key}`")))?;
        T::deserialize(value).map_err(|e| PayloadError::new(alloc::format!("`data.{key}`: {e}")))
    }

    fn optional<T: serde::de::DeserializeOwned>(
        data: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<T>, PayloadError> {
        match data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => required(data, key).map(Some),
        }
    }

    /// The flat-payload transform (SPEC §2): the payload plus root-level copies of every
    /// scalar field of every object under `data`, as `object_field` (nested objects
    /// recursively with `_`; arrays and nulls not copied).
    ///
    /// Existing top-level keys come first and are never replaced: a clashing copy is dropped,
    /// and between two clashing copies the first wins. Flattening a flat payload is a no-op.
    /// A value that is not an object is returned unchanged.
    #[must_use]
    pub fn flatten(payload: &Value) -> Value {
        let Value::Object(root) = payload else {
            return payload.clone();
        };
        let mut out = root.clone();
        if let Some(Value::Object(data)) = root.get("data") {
            let mut key = String::new();
            for (name, object) in data {
                if let Value::Object(fields) = object {
                    key.clear();
                    key.push_str(name);
                    flatten_into(&mut out, &mut key, fields);
                }
            }
        }
        Value::Object(out)
    }

    fn flatten_into(out: &mut Map<String, Value>, key: &mut String, fields: &Map<String, Value>) {
        let base = key.len();
        for (field, value) in fields {
            key.truncate(base);
            key.push('_');
            key.push_str(field);
            match value {
                Value::Object(inner) => flatten_into(out, key, inner),
                Value::Null | Value::Array(_) => {}
                scalar => {
                    if !out.contains_key(key.as_str()) {
                        out.insert(key.clone(), scalar.clone());
                    }
                }
            }
        }
        key.truncate(base);
    }

    /// A realistic sample event of a catalog type (the Test button and REST Hooks samples
    /// use it). Its id is `evt_test_<type>_sample0000000000` and its time
    /// `2026-03-30T10:30:00Z`. `None` for a type outside the catalog.
    #[must_use]
    pub fn sample_event(event_type: &EventType) -> Option<Event> {
        let data: Map<String, Value> = serde_json::from_str(sample_data(event_type)?).ok()?;
        let mut id = String::from("evt_test_");
        id.extend(event_type.as_str().chars().map(|c| if c == '.' { '_' } else { c }));
        id.push_str("_sample0000000000");
        Some(Event::new(id, event_type.clone(), SAMPLE_CREATED_AT, SAMPLE_TEAM_ID, data))
    }

    /// Every catalog type's sample, in catalog order.
    #[must_use]
    pub fn sample_events() -> Vec<Event> {
        EventType::KNOWN.iter().filter_map(sample_event).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_round_trips() {
        for t in EventType::KNOWN {
            assert_eq!(&EventType::parse(t.as_str()), t);
            assert_ne!(t.family(), Family::Unknown);
        }
        assert_eq!(EventType::KNOWN.len(), 14);
        let unknown = EventType::parse("ticket.merged");
        assert_eq!(unknown, EventType::Unknown("ticket.merged".into()));
        assert_eq!(unknown.family(), Family::Unknown);
    }

    #[test]
    fn filters() {
        let t = EventType::TicketCreated;
        assert!(t.matches("ticket.created"));
        assert!(t.matches("ticket.*"));
        assert!(t.matches("*"));
        assert!(!t.matches("tick.*"));
        assert!(!t.matches("ticket.updated"));
        assert!(!t.matches("customer.*"));
    }

    #[test]
    fn ids() {
        let mut counter = 0u8;
        let mut rng = |buf: &mut [u8]| {
            for b in buf {
                *b = counter;
                counter = counter.wrapping_add(1);
            }
        };
        let id = new_event_id(&EventType::TicketCreated, &mut rng);
        assert!(id.starts_with("evt_ticket_created_"));
        assert_eq!(id.len(), "evt_ticket_created_".len() + 16);
        let w = new_webhook_id(&mut rng);
        assert!(w.starts_with("whk_") && w.len() == 20);
        assert!(new_test_event_id(&EventType::LevelUp, &mut rng).starts_with("evt_test_gamification_level_up_"));
    }
}
