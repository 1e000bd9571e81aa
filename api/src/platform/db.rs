//! Connecting to SQLite or PostgreSQL and migrating the schema.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Opens the connection pool for `url`.
///
/// SQLite: every pooled connection gets the same settings (set on the
/// connect options, not with a `PRAGMA` statement that would reach one
/// connection only): WAL so readers never block the writer, `NORMAL`
/// sync (safe in WAL), foreign keys and a busy timeout. No memory-mapped
/// I/O: each pooled connection maps the file on its own, so the pages a
/// request touches count again in the server's resident memory (3-10 GB
/// of RSS over a 1.7 GB archive under load); reads go through SQLite's
/// own page cache instead.
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
                .statement_cache_capacity(SQLITE_STATEMENT_CACHE)
        });
    Database::connect(options).await
}

/// Prepared statements kept per SQLite connection. Related-content
/// statements are one of a kind (their ids are in the SQL), so a large
/// cache mostly holds statements that never run again, in every pooled
/// connection; the statements of the loaders are few and stay in.
const SQLITE_STATEMENT_CACHE: usize = 24;

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Starts a transaction that will write. On SQLite it is `BEGIN
/// IMMEDIATE`: it takes the write lock at once, waiting for it under the
/// busy timeout. A deferred transaction that reads first and writes later
/// fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) when
/// another writer committed in between: WAL cannot upgrade a stale
/// snapshot, and the busy timeout does not apply. PostgreSQL ignores the
/// mode.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
