//! The change log of published content: what happened to which article,
//! in commit order. Partners follow it (`changes`, `GET /v1/sync`) and the
//! webhooks outbox will be fed from the same appends.
//!
//! The id is the sequence partners resume after. No foreign key: the log
//! is append-only and outlives what it talks about (tombstones).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleChanges {
    Table,
    Id,
    ArticleId,
    Slug,
    Kind,
    Version,
    OccurredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ArticleChanges::Table)
                .col(big_pk_auto(ArticleChanges::Id))
                .col(big_integer(ArticleChanges::ArticleId))
                .col(string(ArticleChanges::Slug))
                .col(string_len(ArticleChanges::Kind, 16))
                .col(integer(ArticleChanges::Version))
                .col(timestamp_with_time_zone(ArticleChanges::OccurredAt))
                .take(),
        )
        .await?;
        // "What did partners last hear about this article?" on every write.
        m.create_index(
            Index::create()
                .name("idx_article_changes_article")
                .table(ArticleChanges::Table)
                .col(ArticleChanges::ArticleId)
                .col(ArticleChanges::Id)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ArticleChanges::Table).take())
            .await
    }
}
