//! Full-text search, in each database's own engine: FTS5 on SQLite,
//! `tsvector` + GIN on PostgreSQL. Both index text the application has
//! already folded (`api::search::fold`), so matching is the same on both.
//! `search_names` backs autocomplete of people, organizations, events,
//! sections and tags.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    // rowid is the article id. `marked` holds accent keys for ranking
    // exact-diacritic matches first; the other columns hold folded text.
    "CREATE VIRTUAL TABLE article_search USING fts5(
        title, lead, body, extra, marked,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE article_search (
        article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        lead TEXT NOT NULL,
        body TEXT NOT NULL,
        extra TEXT NOT NULL,
        marked TEXT NOT NULL,
        document TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', title), 'A') ||
            setweight(to_tsvector('simple', lead), 'B') ||
            setweight(to_tsvector('simple', extra), 'B') ||
            setweight(to_tsvector('simple', body), 'C')) STORED,
        marked_document TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', marked)) STORED
    )",
    "CREATE INDEX idx_article_search_document ON article_search USING GIN (document)",
    "CREATE INDEX idx_article_search_marked ON article_search USING GIN (marked_document)",
];

const COMMON_UP: &[&str] = &[
    "CREATE TABLE search_names (
        kind VARCHAR(16) NOT NULL,
        target_id BIGINT NOT NULL,
        name TEXT NOT NULL,
        folded TEXT NOT NULL,
        PRIMARY KEY (kind, target_id)
    )",
    "CREATE INDEX idx_search_names_folded ON search_names (folded)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let engine = match m.get_database_backend() {
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        for sql in engine.iter().chain(COMMON_UP) {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP TABLE search_names").await?;
        db.execute_unprepared("DROP TABLE article_search").await?;
        Ok(())
    }
}
