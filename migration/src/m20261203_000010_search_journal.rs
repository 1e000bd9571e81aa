//! The search journal: every (re)indexing of an article appends its id,
//! in commit order, so that each replica's embedded search index (tantivy)
//! catches up from where it stopped — after a restart, a lag or a missed
//! signal — by reading the entries after its cursor.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchJournal {
    Table,
    Seq,
    ArticleId,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SearchJournal::Table)
                .col(big_pk_auto(SearchJournal::Seq))
                .col(big_integer(SearchJournal::ArticleId))
                .col(timestamp_with_time_zone(SearchJournal::RecordedAt))
                .take(),
        )
        .await?;
        // Pruning by age.
        m.create_index(
            Index::create()
                .name("idx_search_journal_recorded_at")
                .table(SearchJournal::Table)
                .col(SearchJournal::RecordedAt)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SearchJournal::Table).take())
            .await
    }
}
