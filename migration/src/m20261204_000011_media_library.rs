//! The media library: an uploaded original is found by the hash of its
//! bytes (the same photo uploaded twice is one row), carries its size, a
//! focal point for crops and a tiny placeholder; the articles that use a
//! media item are found by index (a delete must name them).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    ContentHash,
    ByteSize,
    FocalX,
    FocalY,
    Placeholder,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    LeadImageId,
}

#[derive(DeriveIden)]
enum ArticleImages {
    Table,
    MediaId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let columns = [
            string_null(Media::ContentHash),
            big_integer_null(Media::ByteSize),
            double_null(Media::FocalX),
            double_null(Media::FocalY),
            text_null(Media::Placeholder),
        ];
        for mut column in columns {
            m.alter_table(
                Table::alter()
                    .table(Media::Table)
                    .add_column(&mut column)
                    .take(),
            )
            .await?;
        }
        // NULL for external media: both databases let NULLs repeat.
        m.create_index(
            Index::create()
                .name("ux_media_content_hash")
                .table(Media::Table)
                .col(Media::ContentHash)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_articles_lead_image_id")
                .table(Articles::Table)
                .col(Articles::LeadImageId)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_article_images_media_id")
                .table(ArticleImages::Table)
                .col(ArticleImages::MediaId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for index in [
            "idx_article_images_media_id",
            "idx_articles_lead_image_id",
            "ux_media_content_hash",
        ] {
            m.drop_index(Index::drop().name(index).to_owned()).await?;
        }
        for column in [
            Media::Placeholder,
            Media::FocalY,
            Media::FocalX,
            Media::ByteSize,
            Media::ContentHash,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Media::Table)
                    .drop_column(column)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
