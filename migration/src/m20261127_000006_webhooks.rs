//! Webhooks: the endpoints admins register (`webhooks`) and the outbox of
//! deliveries to them (`webhook_deliveries`), written in the same
//! transaction as the change-log entry they announce.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Events,
    Secret,
    Enabled,
    CreatedAt,
    CreatedBy,
    Version,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EventId,
    WebhookId,
    ChangeId,
    ArticleId,
    Event,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastStatusCode,
    LastError,
    CreatedAt,
    QueuedAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .col(big_pk_auto(Webhooks::Id))
                .col(text(Webhooks::Url))
                // JSON array of wire names: ["article.published", …].
                .col(text(Webhooks::Events))
                .col(string(Webhooks::Secret))
                .col(boolean(Webhooks::Enabled).default(true))
                .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                .col(string_null(Webhooks::CreatedBy))
                .col(integer(Webhooks::Version).default(1))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(big_pk_auto(WebhookDeliveries::Id))
                .col(string_len_uniq(WebhookDeliveries::EventId, 64))
                .col(big_integer(WebhookDeliveries::WebhookId))
                .col(big_integer(WebhookDeliveries::ChangeId))
                .col(big_integer(WebhookDeliveries::ArticleId))
                .col(string_len(WebhookDeliveries::Event, 32))
                .col(text(WebhookDeliveries::Payload))
                .col(string_len(WebhookDeliveries::Status, 16))
                .col(integer(WebhookDeliveries::Attempts).default(0))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(integer_null(WebhookDeliveries::LastStatusCode))
                .col(text_null(WebhookDeliveries::LastError))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                // Start of the current round of retries (creation, or the
                // last replay): the retry window counts from here.
                .col(timestamp_with_time_zone(WebhookDeliveries::QueuedAt))
                .col(timestamp_with_time_zone_null(
                    WebhookDeliveries::DeliveredAt,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_deliveries_webhook")
                        .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                        .to(Webhooks::Table, Webhooks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        // The worker's claim: due pending rows.
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .take(),
        )
        .await?;
        // Listing one endpoint's deliveries.
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_webhook")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::WebhookId)
                .col(WebhookDeliveries::Id)
                .take(),
        )
        .await?;
        // Per-article ordering: "is an earlier one still pending?"
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_article")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::WebhookId)
                .col(WebhookDeliveries::ArticleId)
                .col(WebhookDeliveries::Status)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).take())
            .await?;
        m.drop_table(Table::drop().table(Webhooks::Table).take())
            .await
    }
}
