//! Imports: which article came from which item of another system (so that
//! importing the same export again changes nothing and an updated export
//! updates what changed), the import jobs started through the API with
//! their progress, and media found by URL (an import reuses a photo it has
//! seen rather than storing it twice).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleSources {
    Table,
    SourceId,
    ArticleId,
    Fingerprint,
    ArticleVersion,
    ImportedAt,
}

#[derive(DeriveIden)]
enum ImportJobs {
    Table,
    Id,
    Format,
    FileName,
    Status,
    Options,
    BytesTotal,
    BytesRead,
    Items,
    Created,
    Updated,
    Unchanged,
    Conflicts,
    Failed,
    Report,
    Error,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
    HeartbeatAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Url,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ArticleSources::Table)
                .col(string_len(ArticleSources::SourceId, 500).primary_key())
                .col(big_integer(ArticleSources::ArticleId).unique_key())
                .col(string_len(ArticleSources::Fingerprint, 64))
                .col(integer(ArticleSources::ArticleVersion))
                .col(timestamp_with_time_zone(ArticleSources::ImportedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ArticleSources::Table, ArticleSources::ArticleId)
                        .to(Articles::Table, Articles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ImportJobs::Table)
                .col(big_pk_auto(ImportJobs::Id))
                .col(string_len(ImportJobs::Format, 16))
                .col(string_len_null(ImportJobs::FileName, 255))
                .col(string_len(ImportJobs::Status, 16))
                .col(text(ImportJobs::Options))
                .col(big_integer(ImportJobs::BytesTotal))
                .col(big_integer(ImportJobs::BytesRead))
                .col(big_integer(ImportJobs::Items))
                .col(big_integer(ImportJobs::Created))
                .col(big_integer(ImportJobs::Updated))
                .col(big_integer(ImportJobs::Unchanged))
                .col(big_integer(ImportJobs::Conflicts))
                .col(big_integer(ImportJobs::Failed))
                .col(text(ImportJobs::Report))
                .col(text_null(ImportJobs::Error))
                .col(string_len_null(ImportJobs::CreatedBy, 255))
                .col(timestamp_with_time_zone(ImportJobs::CreatedAt))
                .col(timestamp_with_time_zone_null(ImportJobs::StartedAt))
                .col(timestamp_with_time_zone_null(ImportJobs::FinishedAt))
                .col(timestamp_with_time_zone(ImportJobs::HeartbeatAt))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_media_url")
                .table(Media::Table)
                .col(Media::Url)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_media_url").to_owned())
            .await?;
        m.drop_table(Table::drop().table(ImportJobs::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ArticleSources::Table).to_owned())
            .await
    }
}
