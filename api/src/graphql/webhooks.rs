//! Webhooks for admins: the registered endpoints (`webhooks`) and their
//! deliveries (`webhookDeliveries`). The mutations are in
//! `write/webhooks.rs`; delivery itself in `crate::webhooks`.

use async_graphql::{Context, Enum, ID, Object};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{connection::connection, db, request};
use crate::{
    domain::webhooks,
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
    platform::pagination::{Cursor, Page, SortKey},
};

/// The events an endpoint can subscribe to. In payloads and the
/// `Toasoan-Event` header they are written `article.published`,
/// `article.updated`, `article.unpublished`, `article.deleted`.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WebhookEvent {
    /// An article became public (published, or scheduled and due).
    ArticlePublished,
    /// A public article changed.
    ArticleUpdated,
    /// A public article was taken down.
    ArticleUnpublished,
    /// An article partners had heard of was deleted.
    ArticleDeleted,
}

impl WebhookEvent {
    /// The wire name (`article.published`…).
    pub fn wire(self) -> &'static str {
        match self {
            Self::ArticlePublished => "article.published",
            Self::ArticleUpdated => "article.updated",
            Self::ArticleUnpublished => "article.unpublished",
            Self::ArticleDeleted => "article.deleted",
        }
    }

    /// The event of wire name `name`.
    pub fn from_wire(name: &str) -> Option<Self> {
        [
            Self::ArticlePublished,
            Self::ArticleUpdated,
            Self::ArticleUnpublished,
            Self::ArticleDeleted,
        ]
        .into_iter()
        .find(|e| e.wire() == name)
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::webhook_delivery::DeliveryStatus")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Retries ran out (24 hours by default): replay it by hand.
    Failed,
}

/// The global ID of a webhook.
pub fn webhook_id(id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("Webhook:{id}")))
}

/// The global ID of a delivery.
pub fn delivery_id(id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("WebhookDelivery:{id}")))
}

/// Reads a global ID of type `kind` ("Webhook", "WebhookDelivery").
pub fn decode_id(kind: &str, global: &str, field: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(global.trim_end_matches('='))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(&format!("{kind}:"))?.parse().ok())
        .ok_or_else(|| AppError::bad_input(field, format!("not the ID of a {kind}")))
}

/// A registered endpoint. Its secret is shown once, by `createWebhook`.
pub struct Webhook(pub webhook::Model);

/// A registered endpoint that receives signed POSTs when articles are
/// published, updated, unpublished or deleted. Its secret is shown once,
/// by `createWebhook`. Admins only.
#[Object]
impl Webhook {
    /// Global ID.
    async fn id(&self) -> ID {
        webhook_id(self.0.id)
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The events it subscribes to.
    async fn events(&self) -> Vec<WebhookEvent> {
        webhooks::subscribed(&self.0)
            .iter()
            .filter_map(|name| WebhookEvent::from_wire(name))
            .collect()
    }

    /// Disabled endpoints get no new deliveries; pending ones wait.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The `sub` of the admin who registered it.
    async fn created_by(&self) -> Option<&str> {
        self.0.created_by.as_deref()
    }

    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One event for one endpoint, and how its delivery goes.
pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event for one endpoint, and how its delivery goes: attempts,
/// last answer, next retry. Admins only.
#[Object]
impl WebhookDelivery {
    /// Global ID (for `replayWebhookDelivery`).
    async fn id(&self) -> ID {
        delivery_id(self.0.id)
    }

    /// The event's unique id, sent as `Toasoan-Delivery` and in the payload
    /// (receivers deduplicate on it: delivery is at least once).
    async fn event_id(&self) -> &str {
        &self.0.event_id
    }

    /// The global ID of the endpoint.
    async fn webhook_id(&self) -> ID {
        webhook_id(self.0.webhook_id)
    }

    /// What happened.
    async fn event(&self) -> Option<WebhookEvent> {
        WebhookEvent::from_wire(&self.0.event)
    }

    /// The global ID of the article.
    async fn article_id(&self) -> ID {
        ids::encode(NodeType::Article, self.0.article_id).into()
    }

    /// The JSON body sent, exactly as signed.
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    /// Where it stands.
    async fn status(&self) -> DeliveryStatus {
        self.0.status.into()
    }

    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// When the next attempt is due (pending deliveries only).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == webhook_delivery::DeliveryStatus::Pending)
            .then_some(self.0.next_attempt_at)
    }

    /// The HTTP status of the last answer, if there was one.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the event was queued (the change's time).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the endpoint acknowledged it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

connection!(
    WebhookConnection,
    WebhookEdge,
    Webhook,
    webhook::Entity,
    "A page of webhooks, oldest first."
);

connection!(
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDelivery,
    webhook_delivery::Entity,
    "A page of webhook deliveries, newest first."
);

fn id_cursor(id: i64) -> Cursor {
    Cursor {
        key: SortKey::Int(id),
        id,
    }
}

/// The webhook queries (admins only).
#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// The registered webhook endpoints, oldest first. Admins only.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn webhooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
    ) -> AppResult<WebhookConnection> {
        request(ctx)?.viewer.require_admin("managing webhooks")?;
        let page = Page::forward(first, after)?;
        let select = webhook::Entity::find();
        let rows = page
            .apply(
                select.clone(),
                webhook::Column::Id,
                webhook::Column::Id,
                false,
            )
            .all(db(ctx)?)
            .await?;
        let (edges, info) = page.finish(rows, |row| id_cursor(row.id));
        let edges = edges.into_iter().map(|(r, c)| (Webhook(r), c)).collect();
        Ok(WebhookConnection::new(
            edges,
            info,
            super::connection::Total::Query(Box::new(select)),
        ))
    }

    /// Deliveries, newest first: of one endpoint (`webhook`) and in one
    /// status when given. Admins only.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only deliveries to this endpoint (a `Webhook.id`); absent for all.")]
        webhook: Option<ID>,
        #[graphql(desc = "Only deliveries in this status; absent for all.")] status: Option<
            DeliveryStatus,
        >,
        #[graphql(desc = "Page size: 0 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
    ) -> AppResult<WebhookDeliveryConnection> {
        use webhook_delivery::Column as D;
        request(ctx)?.viewer.require_admin("managing webhooks")?;
        let page = Page::forward(first, after)?;
        let mut select = webhook_delivery::Entity::find();
        if let Some(hook) = &webhook {
            select = select.filter(D::WebhookId.eq(decode_id("Webhook", hook, "webhook")?));
        }
        if let Some(status) = status {
            select = select.filter(D::Status.eq(webhook_delivery::DeliveryStatus::from(status)));
        }
        let rows = page
            .apply(select.clone(), D::Id, D::Id, true)
            .all(db(ctx)?)
            .await?;
        let (edges, info) = page.finish(rows, |row| id_cursor(row.id));
        let edges = edges
            .into_iter()
            .map(|(r, c)| (WebhookDelivery(r), c))
            .collect();
        Ok(WebhookDeliveryConnection::new(
            edges,
            info,
            super::connection::Total::Query(Box::new(select)),
        ))
    }
}
