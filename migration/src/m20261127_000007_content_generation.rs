//! The content generation: one counter that changes in every transaction
//! that changes what readers can see, so a server can tell a cached
//! answer is still current without running its query.
//!
//! Triggers bump it, so no writer can forget to: the GraphQL mutations,
//! the scheduler, bulk loads, and any future writer or manual SQL. On
//! SQLite each changed row bumps it (one writer at a time; an update in
//! place). On PostgreSQL a deferred constraint trigger bumps it once per
//! transaction, at commit: the counter's row lock is held only while
//! committing, so concurrent writers do not queue behind each other, and a
//! bulk load adds one update, not one per row.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose rows readers can see (directly or through a lookup).
const CONTENT_TABLES: &[&str] = &[
    "sections",
    "organizations",
    "people",
    "positions",
    "events",
    "tags",
    "media",
    "articles",
    "article_images",
    "article_people",
    "article_organizations",
    "article_events",
    "article_tags",
    "event_people",
    "event_organizations",
    "slug_aliases",
    "search_names",
];

const CREATE: &str = "CREATE TABLE content_generation (
    id INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
)";

const SEED: &str = "INSERT INTO content_generation (id, value) VALUES (1, 1)";

/// PostgreSQL: true for the first changed row of a transaction only (a
/// transaction-local setting remembers it; a rolled-back savepoint forgets
/// it along with its rows), so one bump is queued per transaction.
const POSTGRES_FIRST_CHANGE: &str = "CREATE FUNCTION toasoan_first_content_change()
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF current_setting('toasoan.content_changed', true) = 'on' THEN
        RETURN false;
    END IF;
    PERFORM set_config('toasoan.content_changed', 'on', true);
    RETURN true;
END
$$";

const POSTGRES_BUMP: &str = "CREATE FUNCTION toasoan_bump_content_generation()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_generation SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END
$$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(CREATE).await?;
        db.execute_unprepared(SEED).await?;
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(POSTGRES_FIRST_CHANGE).await?;
                db.execute_unprepared(POSTGRES_BUMP).await?;
                for table in CONTENT_TABLES {
                    // The condition is checked as each row changes; the
                    // bump it queues runs at commit.
                    db.execute_unprepared(&format!(
                        "CREATE CONSTRAINT TRIGGER content_generation \
                         AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW \
                         WHEN (toasoan_first_content_change()) \
                         EXECUTE FUNCTION toasoan_bump_content_generation()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in CONTENT_TABLES {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER content_generation_{table}_{} \
                             AFTER {op} ON {table} BEGIN \
                             UPDATE content_generation SET value = value + 1 WHERE id = 1; \
                             END",
                            op.to_ascii_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                for table in CONTENT_TABLES {
                    db.execute_unprepared(&format!("DROP TRIGGER content_generation ON {table}"))
                        .await?;
                }
                db.execute_unprepared("DROP FUNCTION toasoan_bump_content_generation()")
                    .await?;
                db.execute_unprepared("DROP FUNCTION toasoan_first_content_change()")
                    .await?;
            }
            _ => {
                for table in CONTENT_TABLES {
                    for op in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER content_generation_{table}_{op}"
                        ))
                        .await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE content_generation")
            .await?;
        Ok(())
    }
}
