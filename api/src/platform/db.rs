//! Connecting to SQLite or PostgreSQL and migrating the schema
//! ([`schema`]).

pub mod append_lock;
pub mod batch_reads;
pub mod lsn;
pub mod read_replicas;
mod replica_health;
pub mod replica_metrics;
mod schema;
mod timeout;

pub use read_replicas::{Databases, Reader, Routed};
pub use schema::{
    MIGRATION_LOCK_KEY, SchemaError, SchemaStatus, ensure_current, migrate, prepare, status,
};

use std::time::Duration;

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// A pool's limits: how many connections, how long a request waits for
/// one, how long a statement may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// Past it, acquiring fails with `PoolTimedOut` (`SERVICE_UNAVAILABLE`).
    pub acquire_timeout: Duration,
    /// `None`: statements run as long as they need (migrations, bulk
    /// loads, the one-shot commands).
    pub statement_timeout: Option<Duration>,
    /// PostgreSQL: a pooled connection idle at least this long is pinged
    /// before it is handed out ([`PING_AFTER_IDLE`]).
    pub ping_after_idle: Duration,
}

/// How long a PostgreSQL connection may sit idle in the pool before a
/// checkout pings it. sqlx pings on every checkout by default and again
/// when the connection goes back (the latter cannot be turned off): with
/// both, every statement cost three round trips to PostgreSQL, each
/// waking a backend on the same cores. The ping on return already proves
/// a pooled connection was alive when it went idle; what can break it
/// while it waits (a restart, a proxy or firewall dropping idle
/// connections) takes longer than this, and a checkout past it is still
/// pinged (a dead connection is then replaced, not handed out).
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(5);

impl PoolSettings {
    /// `max_connections`, a 10 s acquire timeout, no statement limit.
    pub fn unlimited(max_connections: u32) -> Self {
        Self {
            max_connections,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: None,
            ping_after_idle: PING_AFTER_IDLE,
        }
    }
}

/// Opens the connection pool for `url`, without a statement limit.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, &PoolSettings::unlimited(max_connections)).await
}

/// Opens the connection pool for `url` with `settings`.
///
/// SQLite: every pooled connection gets the same settings (set on the
/// connect options, not with a `PRAGMA` statement that would reach one
/// connection only): WAL so readers never block the writer, `NORMAL`
/// sync (safe in WAL), foreign keys and a busy timeout. No memory-mapped
/// I/O: each pooled connection maps the file on its own, so the pages a
/// request touches count again in the server's resident memory (3-10 GB
/// of RSS over a 1.7 GB archive under load); reads go through SQLite's
/// own page cache instead.
///
/// A statement limit is PostgreSQL's `statement_timeout`, set at connection
/// start on every pooled connection, and SQLite's progress handler
/// ([`timeout`]).
pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(settings.acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .statement_cache_capacity(SQLITE_STATEMENT_CACHE)
        });
    let limit = settings.statement_timeout;
    if url.starts_with("sqlite:") {
        if let Some(limit) = limit {
            timeout::limit_sqlite(&mut options, limit);
        }
    } else {
        options.test_before_acquire_if_idle_for(settings.ping_after_idle);
        if let Some(limit) = limit {
            timeout::limit_postgres(&mut options, limit);
        }
    }
    Database::connect(options).await
}

/// Prepared statements kept per SQLite connection. Related-content
/// statements are one of a kind (their ids are in the SQL), so a large
/// cache mostly holds statements that never run again, in every pooled
/// connection; the statements of the loaders are few and stay in.
const SQLITE_STATEMENT_CACHE: usize = 24;

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
