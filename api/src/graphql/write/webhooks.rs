//! Webhook mutations (admins only): register an endpoint, disable or
//! enable it, delete it, and replay a delivery.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{
    webhook,
    webhook_delivery::{self, DeliveryStatus},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    domain::webhooks,
    graphql::{
        config, db, request,
        webhooks::{Webhook, WebhookDelivery, WebhookEvent, decode_id, webhook_id},
    },
    platform::error::{AppError, AppResult},
};

/// The shortest secret a caller may choose.
const SECRET_MIN: usize = 16;

/// What `createWebhook` answers: the endpoint, and its secret (shown only
/// here: store it now).
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The endpoint as registered.
    pub webhook: Webhook,
    /// The HMAC-SHA256 key of its `Toasoan-Signature` headers.
    pub secret: String,
}

/// What the other webhook mutations answer.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The endpoint after the change.
    pub webhook: Webhook,
}

/// What `replayWebhookDelivery` answers.
#[derive(SimpleObject)]
pub struct ReplayWebhookDeliveryPayload {
    /// The delivery, pending again.
    pub delivery: WebhookDelivery,
}

/// What `deleteWebhook` answers.
#[derive(SimpleObject)]
pub struct DeleteWebhookPayload {
    /// The global ID the endpoint had.
    pub id: ID,
}

/// The wire names of `events`, deduplicated, in the enum's order.
fn valid_events(events: &[WebhookEvent]) -> AppResult<Vec<&'static str>> {
    let names: Vec<&'static str> = webhooks::EVENTS
        .iter()
        .map(|(_, name)| *name)
        .filter(|name| events.iter().any(|e| e.wire() == *name))
        .collect();
    if names.is_empty() {
        return Err(AppError::bad_input(
            "events",
            "subscribe to at least one event",
        ));
    }
    Ok(names)
}

async fn find(db: &impl sea_orm::ConnectionTrait, id: i64) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("webhook".to_owned()))
}

async fn set_enabled(ctx: &Context<'_>, id: &ID, enabled: bool) -> AppResult<WebhookPayload> {
    request(ctx)?.viewer.require_admin("managing webhooks")?;
    let id = decode_id("Webhook", id, "id")?;
    let db = db(ctx)?;
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Enabled, Expr::value(enabled))
        .col_expr(
            webhook::Column::Version,
            Expr::col(webhook::Column::Version).add(1),
        )
        .filter(webhook::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(WebhookPayload {
        webhook: Webhook(find(db, id).await?),
    })
}

/// The webhook mutations.
#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers an endpoint for `events`. Deliveries are POSTed as JSON,
    /// signed `Toasoan-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
    /// "t.body">` with `secret` (generated when left out; at least 16
    /// characters when given). The secret is answered only here. A URL
    /// whose host is or resolves to a loopback, private, link-local,
    /// shared, multicast, unspecified or reserved address is refused
    /// (`BAD_USER_INPUT` on `url`) unless the server runs with
    /// `WEBHOOK_ALLOW_PRIVATE=on`; deliveries check again at every
    /// connection. Admins only.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Where to POST deliveries: an absolute http(s) URL on the public internet (unless `WEBHOOK_ALLOW_PRIVATE=on`), at most 2000 characters."
        )]
        url: String,
        #[graphql(desc = "The events to deliver: at least one; duplicates are ignored.")]
        events: Vec<WebhookEvent>,
        #[graphql(
            desc = "The signing key, at least 16 characters; absent to have a random one generated."
        )]
        secret: Option<String>,
    ) -> AppResult<CreateWebhookPayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("managing webhooks")?;
        let allow_private = config(ctx)?.webhook_allow_private;
        let url = webhooks::target::parse(&url, allow_private).await?;
        let events = valid_events(&events)?;
        let secret = match secret {
            Some(secret) if secret.trim().chars().count() >= SECRET_MIN => secret.trim().to_owned(),
            Some(_) => {
                return Err(AppError::bad_input(
                    "secret",
                    format!("at least {SECRET_MIN} characters (or leave it out to get one)"),
                ));
            }
            None => webhooks::new_secret()?,
        };
        let row = webhook::ActiveModel {
            url: Set(url.to_string()),
            events: Set(serde_json::to_string(&events)
                .map_err(|err| AppError::Internal(err.to_string()))?),
            secret: Set(secret.clone()),
            enabled: Set(true),
            created_at: Set(request.now()),
            created_by: Set(request.viewer.sub().map(str::to_owned)),
            version: Set(1),
            ..Default::default()
        }
        .insert(db(ctx)?)
        .await?;
        Ok(CreateWebhookPayload {
            webhook: Webhook(row),
            secret,
        })
    }

    /// Stops new deliveries to an endpoint (pending ones wait until it is
    /// enabled again). Admins only.
    async fn disable_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint: a `Webhook.id`.")] id: ID,
    ) -> AppResult<WebhookPayload> {
        set_enabled(ctx, &id, false).await
    }

    /// Resumes deliveries to a disabled endpoint. Admins only.
    async fn enable_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint: a `Webhook.id`.")] id: ID,
    ) -> AppResult<WebhookPayload> {
        set_enabled(ctx, &id, true).await
    }

    /// Deletes an endpoint and its deliveries. Admins only.
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint: a `Webhook.id`.")] id: ID,
    ) -> AppResult<DeleteWebhookPayload> {
        request(ctx)?.viewer.require_admin("managing webhooks")?;
        let row_id = decode_id("Webhook", &id, "id")?;
        let txn = crate::platform::db::begin_write(db(ctx)?).await?;
        find(&txn, row_id).await?;
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::WebhookId.eq(row_id))
            .exec(&txn)
            .await?;
        webhook::Entity::delete_by_id(row_id).exec(&txn).await?;
        txn.commit().await?;
        Ok(DeleteWebhookPayload {
            id: webhook_id(row_id),
        })
    }

    /// Queues a delivery again (delivered, failed or pending): attempts
    /// back to 0, due now, retried for the full window again. Same event
    /// id, so receivers can tell it is one they may have seen. Admins only.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery: a `WebhookDelivery.id`.")] id: ID,
    ) -> AppResult<ReplayWebhookDeliveryPayload> {
        use webhook_delivery::Column as D;
        let request = request(ctx)?;
        request.viewer.require_admin("managing webhooks")?;
        let row_id = decode_id("WebhookDelivery", &id, "id")?;
        let db = db(ctx)?;
        let now = request.now();
        let done = webhook_delivery::Entity::update_many()
            .col_expr(D::Status, Expr::value(DeliveryStatus::Pending))
            .col_expr(D::Attempts, Expr::value(0))
            .col_expr(D::NextAttemptAt, Expr::value(now))
            .col_expr(D::QueuedAt, Expr::value(now))
            .col_expr(
                D::DeliveredAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(D::Id.eq(row_id))
            .exec(db)
            .await?;
        let row = webhook_delivery::Entity::find_by_id(row_id).one(db).await?;
        match (done.rows_affected, row) {
            (1, Some(row)) => Ok(ReplayWebhookDeliveryPayload {
                delivery: WebhookDelivery(row),
            }),
            _ => Err(AppError::NotFound("webhook delivery".to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_deduplicated_and_required() {
        let events = valid_events(&[
            WebhookEvent::ArticleDeleted,
            WebhookEvent::ArticlePublished,
            WebhookEvent::ArticleDeleted,
        ])
        .unwrap();
        assert_eq!(events, ["article.published", "article.deleted"]);
        assert_eq!(valid_events(&[]).unwrap_err().code(), "BAD_USER_INPUT");
    }
}
