//! Search ranks by field: photo captions get a column of their own
//! (`captions`, weighted above the body, with the names of linked people,
//! organizations and events), and PostgreSQL's `document` weighs title A,
//! lead B, captions and linked names C, body D.
//!
//! The rows already indexed are copied with empty captions (their
//! captions stay in `body`, still searchable): `toasoan reindex` moves
//! them to their column.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// FTS5 cannot add a column: the table is rebuilt, its rows copied.
const SQLITE_UP: &[&str] = &[
    "ALTER TABLE article_search RENAME TO article_search_old",
    "CREATE VIRTUAL TABLE article_search USING fts5(
        title, lead, captions, extra, body, marked,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')",
    "INSERT INTO article_search (rowid, title, lead, captions, extra, body, marked)
        SELECT rowid, title, lead, '', extra, body, marked FROM article_search_old",
    "DROP TABLE article_search_old",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE article_search ADD COLUMN captions TEXT NOT NULL DEFAULT ''",
    "DROP INDEX idx_article_search_document",
    "ALTER TABLE article_search DROP COLUMN document",
    "ALTER TABLE article_search ADD COLUMN document TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', lead), 'B') ||
        setweight(to_tsvector('simple', captions), 'C') ||
        setweight(to_tsvector('simple', extra), 'C') ||
        setweight(to_tsvector('simple', body), 'D')) STORED",
    "CREATE INDEX idx_article_search_document ON article_search USING GIN (document)",
];

const SQLITE_DOWN: &[&str] = &[
    "ALTER TABLE article_search RENAME TO article_search_new",
    "CREATE VIRTUAL TABLE article_search USING fts5(
        title, lead, body, extra, marked,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')",
    "INSERT INTO article_search (rowid, title, lead, body, extra, marked)
        SELECT rowid, title, lead, body || ' ' || captions, extra, marked
        FROM article_search_new",
    "DROP TABLE article_search_new",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX idx_article_search_document",
    "ALTER TABLE article_search DROP COLUMN document",
    "UPDATE article_search SET body = body || ' ' || captions",
    "ALTER TABLE article_search DROP COLUMN captions",
    "ALTER TABLE article_search ADD COLUMN document TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', lead), 'B') ||
        setweight(to_tsvector('simple', extra), 'B') ||
        setweight(to_tsvector('simple', body), 'C')) STORED",
    "CREATE INDEX idx_article_search_document ON article_search USING GIN (document)",
];

async fn run(m: &SchemaManager<'_>, sql: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    for statement in sql {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => run(m, POSTGRES_UP).await,
            _ => run(m, SQLITE_UP).await,
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => run(m, POSTGRES_DOWN).await,
            _ => run(m, SQLITE_DOWN).await,
        }
    }
}
