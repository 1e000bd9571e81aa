//! Connecting to SQLite or PostgreSQL and migrating the schema.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Opens the connection pool for `url`.
///
/// SQLite: every pooled connection gets the same settings (set on the
/// connect options, not with a `PRAGMA` statement that would reach one
/// connection only): WAL so readers never block the writer, `NORMAL`
/// sync (safe in WAL), foreign keys, a busy timeout, and memory-mapped
/// reads, which spare a copy per page read on large archives.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
        });
    Database::connect(options).await
}

/// How much of a SQLite database file is memory-mapped.
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
