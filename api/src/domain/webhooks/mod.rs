//! Signed webhooks with a transactional outbox.
//!
//! Admins register endpoints (`createWebhook`) for some of the four
//! events. Every change-log entry ([`crate::domain::changes::record`]) calls
//! [`enqueue`] in its own transaction: one `webhook_deliveries` row per
//! enabled endpoint subscribed to the event. The change and its deliveries
//! commit or roll back together, so a crash never loses an announcement.
//! The worker (`workers/webhooks.rs`) delivers the rows at least once, signed
//! ([`signature`]), oldest first per (endpoint, article), retrying with
//! backoff for at least 24 hours. Endpoints must be on the public internet
//! ([`target`]) unless `WEBHOOK_ALLOW_PRIVATE=on`.
//!
//! The payload is small on purpose: the event and the change-log entry,
//! not the article. A retry or a replay hours later would otherwise carry
//! stale content; partners fetch the current version
//! (`GET /v1/ninjs/articles/{articleId}`) or follow `changes`.

pub mod signature;
pub mod store;
pub mod target;

use std::fmt::Write as _;

use chrono::SecondsFormat;
use entity::{
    article_change::{self, ChangeKind},
    webhook,
    webhook_delivery::{self, DeliveryStatus},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use crate::{
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
};

/// The events an endpoint can subscribe to, with their wire names.
pub const EVENTS: [(ChangeKind, &str); 4] = [
    (ChangeKind::Published, "article.published"),
    (ChangeKind::Updated, "article.updated"),
    (ChangeKind::Unpublished, "article.unpublished"),
    (ChangeKind::Deleted, "article.deleted"),
];

/// The wire name of the event a change-log entry of `kind` fires.
pub fn event_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Published => "article.published",
        ChangeKind::Updated => "article.updated",
        ChangeKind::Unpublished => "article.unpublished",
        ChangeKind::Deleted => "article.deleted",
    }
}

/// The wire names an endpoint subscribes to (its `events` column).
pub fn subscribed(hook: &webhook::Model) -> Vec<String> {
    serde_json::from_str(&hook.events).unwrap_or_default()
}

/// Writes the outbox rows announcing `change`, in the caller's
/// transaction: one per enabled endpoint subscribed to its event.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    change: &article_change::Model,
) -> AppResult<usize> {
    let event = event_name(change.kind);
    let hooks: Vec<webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Enabled.eq(true))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|hook| subscribed(hook).iter().any(|e| e == event))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    let mut rows = Vec::with_capacity(hooks.len());
    for hook in &hooks {
        let event_id = new_event_id()?;
        let payload = json!({
            "id": event_id,
            "event": event,
            "occurredAt": change.occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "change": {
                "seq": change.id,
                "kind": sea_orm::ActiveEnum::to_value(&change.kind),
                "articleId": ids::encode(NodeType::Article, change.article_id),
                "slug": change.slug,
                "version": change.version,
            },
        });
        rows.push(webhook_delivery::ActiveModel {
            event_id: Set(event_id),
            webhook_id: Set(hook.id),
            change_id: Set(change.id),
            article_id: Set(change.article_id),
            event: Set(event.to_owned()),
            payload: Set(payload.to_string()),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(change.occurred_at),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(change.occurred_at),
            queued_at: Set(change.occurred_at),
            delivered_at: Set(None),
            ..Default::default()
        });
    }
    let count = rows.len();
    webhook_delivery::Entity::insert_many(rows).exec(db).await?;
    Ok(count)
}

/// `n` bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|err| AppError::Internal(format!("cannot draw random bytes: {err}")))?;
    Ok(bytes)
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A random UUID (version 4), the unique id of one event delivery.
pub fn new_event_id() -> AppResult<String> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// A new signing secret: 32 random bytes, hex with a recognisable prefix.
pub fn new_secret() -> AppResult<String> {
    Ok(format!("whsec_{}", hex(&random_bytes::<32>()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_uuid_v4_and_unique() {
        let a = new_event_id().unwrap();
        let b = new_event_id().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn every_kind_has_its_wire_name() {
        for (kind, name) in EVENTS {
            assert_eq!(event_name(kind), name);
        }
        assert!(new_secret().unwrap().starts_with("whsec_"));
    }
}
