//! The editorial layer: who wrote what, optimistic-concurrency versions on
//! every editable row, soft deletion, article revisions and slug history.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    CreatedBy,
    UpdatedBy,
    DeletedAt,
}

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    Version,
    Author,
    CreatedAt,
    ChangedFields,
    Snapshot,
}

#[derive(DeriveIden)]
enum SlugAliases {
    Table,
    Kind,
    Slug,
    TargetId,
    CreatedAt,
}

/// Tables whose rows editors update and that therefore carry a version.
const VERSIONED: [&str; 5] = ["people", "organizations", "events", "sections", "tags"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            string_null(Articles::CreatedBy),
            string_null(Articles::UpdatedBy),
            timestamp_with_time_zone_null(Articles::DeletedAt),
        ] {
            m.alter_table(Table::alter().table(Articles::Table).add_column(col).take())
                .await?;
        }
        for table in VERSIONED {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(integer(Alias::new("version")).default(1))
                    .take(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(ArticleRevisions::Table)
                .col(big_pk_auto(ArticleRevisions::Id))
                .col(big_integer(ArticleRevisions::ArticleId))
                .col(integer(ArticleRevisions::Version))
                .col(string_null(ArticleRevisions::Author))
                .col(timestamp_with_time_zone(ArticleRevisions::CreatedAt))
                .col(text(ArticleRevisions::ChangedFields))
                .col(text(ArticleRevisions::Snapshot))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_article_revisions_article")
                        .from(ArticleRevisions::Table, ArticleRevisions::ArticleId)
                        .to(Articles::Table, Articles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_article_revisions_article_version")
                .table(ArticleRevisions::Table)
                .col(ArticleRevisions::ArticleId)
                .col(ArticleRevisions::Version)
                .unique()
                .take(),
        )
        .await?;

        // Old slugs keep resolving: (kind, slug) → the row that had it.
        m.create_table(
            Table::create()
                .table(SlugAliases::Table)
                .col(string_len(SlugAliases::Kind, 16))
                .col(string(SlugAliases::Slug))
                .col(big_integer(SlugAliases::TargetId))
                .col(timestamp_with_time_zone(SlugAliases::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(SlugAliases::Kind)
                        .col(SlugAliases::Slug),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_slug_aliases_target")
                .table(SlugAliases::Table)
                .col(SlugAliases::Kind)
                .col(SlugAliases::TargetId)
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SlugAliases::Table).take())
            .await?;
        m.drop_table(Table::drop().table(ArticleRevisions::Table).take())
            .await?;
        for table in VERSIONED {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .drop_column(Alias::new("version"))
                    .take(),
            )
            .await?;
        }
        for col in [
            Articles::DeletedAt,
            Articles::UpdatedBy,
            Articles::CreatedBy,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
