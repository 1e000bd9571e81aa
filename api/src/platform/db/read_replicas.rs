//! Read replicas (`DATABASE_READ_URL`): which database a read goes to.
//!
//! | Read | Goes to |
//! |---|---|
//! | a write (mutation), and everything of its request | the primary |
//! | a staff reader's (writer, editor, admin) | the primary |
//! | the change log (`changes`, `/v1/sync`), the content generation, the response cache's upkeep | the primary |
//! | an anonymous or partner reader's | a healthy replica, in turn (round-robin) |
//!
//! A replica is healthy when its last check ([`super::replica_health`],
//! every 500 ms, not per request) answered, showed a hot standby, and
//! found it at most `DATABASE_READ_MAX_LAG` behind. A read also skips a
//! replica that has not replayed:
//!
//! - **the client's own last commit** (read-your-writes): the WAL position
//!   the primary reached after the client's mutation committed, remembered
//!   by its JWT `sub` ([`RecentCommits`]) and sent back to it in the
//!   `Toasoan-Commit-Lsn` response header, which the client may send with
//!   its next requests (to any server behind the load balancer);
//! - **for answers that are cached** (anonymous reads), the content
//!   generation this server validates answers against: a cached answer
//!   tagged with generation g must show everything committed up to g.
//!
//! With no replica fit, the primary serves. A read that fails on a replica
//! marks it down at once and wakes the health check, which brings it back
//! when it answers again.

use std::{
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    time::Duration,
};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqlxPostgresConnector, Statement,
    sqlx::{ConnectOptions as _, postgres::PgConnectOptions},
};
use tokio::sync::Notify;

use super::{
    PoolSettings,
    batch_reads::{self, StatementHook},
    lsn::{Lsn, RecentCommits},
};
use crate::platform::config::{Config, DatabaseUrl};

/// A read replica's pool and what its health check last found.
pub struct Replica {
    /// Where it is (host, port and database; no user or password).
    pub name: String,
    /// The pool reads use (statements counted in `statements`).
    reads: DatabaseConnection,
    /// The same pool, for the health check (not counted).
    pub(super) probe: DatabaseConnection,
    pub(super) up: AtomicBool,
    /// WAL position replayed, at the last check.
    pub(super) replay: AtomicU64,
    /// Content generation replayed, at the last check.
    pub(super) generation: AtomicU64,
    /// Lag behind the primary at the last check, in milliseconds.
    pub(super) lag_ms: AtomicU64,
    routed: AtomicU64,
    statements: Arc<AtomicU64>,
    wake: Arc<Notify>,
}

impl Replica {
    /// Whether it serves a read that must see `floor` and, when cached,
    /// `generation`.
    fn serves(&self, floor: Lsn, generation: Option<u64>, max_lag: Duration) -> bool {
        self.up.load(Ordering::Acquire)
            && self.lag_ms.load(Ordering::Acquire) <= max_lag.as_millis() as u64
            && self.replay.load(Ordering::Acquire) >= floor.0
            && generation.is_none_or(|g| self.generation.load(Ordering::Acquire) >= g)
    }

    /// Whether its last check found it serving.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// Its lag at the last check.
    pub fn lag(&self) -> Duration {
        Duration::from_millis(self.lag_ms.load(Ordering::Acquire))
    }

    /// Reads routed to it.
    pub fn reads_routed(&self) -> u64 {
        self.routed.load(Ordering::Relaxed)
    }

    /// SQL statements that reads ran on it.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Takes it out of service until the health check finds it well.
    pub fn mark_down(&self) {
        self.up.store(false, Ordering::Release);
        self.wake.notify_one();
    }
}

/// Who reads, as far as routing cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reader<'a> {
    /// Writers, editors and admins read from the primary.
    pub staff: bool,
    /// The JWT `sub`, whose recent commits the read must see.
    pub sub: Option<&'a str>,
    /// A commit the client says it has made (`Toasoan-Commit-Lsn`).
    pub seen: Option<Lsn>,
    /// For answers that are cached: the content generation they will be
    /// validated against.
    pub generation: Option<u64>,
}

/// The database a read was routed to.
pub struct Routed {
    /// The connection to run it on.
    pub db: DatabaseConnection,
    /// The replica, when not the primary.
    pub replica: Option<Arc<Replica>>,
}

/// The primary and the read replicas of a server.
pub struct Databases {
    primary: DatabaseConnection,
    /// The primary's pool for the loaders' batches (generic plans on
    /// PostgreSQL, `batch_reads.rs`), and its statements.
    batch: DatabaseConnection,
    batch_statements: Arc<AtomicU64>,
    /// The primary, for the health check (not counted with requests).
    pub(super) upkeep: DatabaseConnection,
    pub(super) replicas: Vec<Arc<Replica>>,
    pub(super) max_lag: Duration,
    commits: RecentCommits,
    next: AtomicUsize,
    primary_reads: AtomicU64,
    pub(super) wake: Arc<Notify>,
}

impl Databases {
    /// The primary alone: every read goes to it.
    pub fn primary_only(primary: DatabaseConnection) -> Self {
        let upkeep = primary.clone();
        let max_lag = crate::platform::config::read_replicas::DEFAULT_MAX_LAG;
        Self::new(primary, upkeep, Vec::new(), max_lag)
    }

    fn new(
        primary: DatabaseConnection,
        upkeep: DatabaseConnection,
        replicas: Vec<Arc<Replica>>,
        max_lag: Duration,
    ) -> Self {
        let wake = replicas
            .first()
            .map_or_else(|| Arc::new(Notify::new()), |r| r.wake.clone());
        Self {
            batch: primary.clone(),
            batch_statements: Arc::new(AtomicU64::new(0)),
            primary,
            upkeep,
            replicas,
            max_lag,
            commits: RecentCommits::new(max_lag + Duration::from_secs(1)),
            next: AtomicUsize::new(0),
            primary_reads: AtomicU64::new(0),
            wake,
        }
    }

    /// The primary and the replicas of `config` (`DATABASE_READ_URL`);
    /// the health check reads the primary through `upkeep`. The replicas'
    /// pools connect lazily: one that is down at start-up is skipped until
    /// its health check answers. On PostgreSQL the loaders read the
    /// primary through a pool of their own ([`Self::batch_reads`]), whose
    /// statements go to `hook` too. Needs a Tokio runtime.
    pub fn from_config(
        primary: DatabaseConnection,
        upkeep: DatabaseConnection,
        config: &Config,
        hook: Option<StatementHook>,
    ) -> Self {
        let mut databases = Self::with_replicas(primary, upkeep, config);
        if databases.primary.get_database_backend() == DbBackend::Postgres {
            let (batch, statements) =
                batch_reads::pool(&databases.primary, &config.pool_settings(), hook);
            databases.batch = batch;
            databases.batch_statements = statements;
        }
        databases
    }

    fn with_replicas(
        primary: DatabaseConnection,
        upkeep: DatabaseConnection,
        config: &Config,
    ) -> Self {
        let settings = config.read_replicas.urls();
        let max_lag = config.read_replicas.database_read_max_lag;
        if settings.is_empty() || primary.get_database_backend() != DbBackend::Postgres {
            return Self::new(primary, upkeep, Vec::new(), max_lag);
        }
        let wake = Arc::new(Notify::new());
        let pool = config.pool_settings();
        let replicas = settings
            .iter()
            .filter_map(|url| match replica(url, &pool, wake.clone()) {
                Ok(replica) => Some(Arc::new(replica)),
                Err(err) => {
                    tracing::error!(replica = %url.redacted(), %err, "read replica skipped");
                    None
                }
            })
            .collect();
        Self::new(primary, upkeep, replicas, max_lag)
    }

    /// The primary: writes, staff reads, the change log.
    pub fn primary(&self) -> &DatabaseConnection {
        &self.primary
    }

    /// The pool the loaders of reads routed to the primary batch through:
    /// on PostgreSQL the primary with generic plans, else the primary.
    pub fn batch_reads(&self) -> &DatabaseConnection {
        &self.batch
    }

    /// Statements run through [`Self::batch_reads`]'s own pool so far (0
    /// when it is the primary's).
    pub fn batch_statements(&self) -> u64 {
        self.batch_statements.load(Ordering::Relaxed)
    }

    /// The replicas, in `DATABASE_READ_URL` order.
    pub fn replicas(&self) -> &[Arc<Replica>] {
        &self.replicas
    }

    /// Reads served by the primary although replicas are configured.
    pub fn primary_reads(&self) -> u64 {
        self.primary_reads.load(Ordering::Relaxed)
    }

    /// Where `reader`'s read goes (see the module's table).
    pub fn for_read(&self, reader: &Reader<'_>) -> Routed {
        if self.replicas.is_empty() {
            return Routed {
                db: self.primary.clone(),
                replica: None,
            };
        }
        if !reader.staff {
            let remembered = reader.sub.and_then(|sub| self.commits.last(sub));
            let floor = reader.seen.max(remembered).unwrap_or_default();
            let count = self.replicas.len();
            let start = self.next.fetch_add(1, Ordering::Relaxed);
            for i in 0..count {
                let replica = &self.replicas[(start + i) % count];
                if replica.serves(floor, reader.generation, self.max_lag) {
                    replica.routed.fetch_add(1, Ordering::Relaxed);
                    return Routed {
                        db: replica.reads.clone(),
                        replica: Some(replica.clone()),
                    };
                }
            }
        }
        self.primary_reads.fetch_add(1, Ordering::Relaxed);
        Routed {
            db: self.primary.clone(),
            replica: None,
        }
    }

    /// Runs `read` on the database `reader` is routed to; when it fails on
    /// a replica with an error `unavailable` recognizes (the replica went
    /// away), marks the replica down and runs it again on the primary.
    pub async fn read<T, E, F>(
        &self,
        reader: &Reader<'_>,
        unavailable: impl Fn(&E) -> bool,
        read: impl Fn(DatabaseConnection) -> F,
    ) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let routed = self.for_read(reader);
        let result = read(routed.db).await;
        match (result, routed.replica) {
            (Err(err), Some(replica)) if unavailable(&err) => {
                tracing::warn!(replica = %replica.name, "a read failed on a read replica: the primary answers it");
                replica.mark_down();
                self.primary_reads.fetch_add(1, Ordering::Relaxed);
                read(self.primary.clone()).await
            }
            (result, _) => result,
        }
    }

    /// After a write committed: the primary's WAL position, remembered for
    /// `sub` (its next reads wait for a replica that replayed it) and to
    /// be sent to the client. `None` without replicas (nothing to wait
    /// for) or when the position cannot be read.
    pub async fn note_write(&self, sub: Option<&str>) -> Option<Lsn> {
        if self.replicas.is_empty() {
            return None;
        }
        match current_lsn(&self.primary).await {
            Ok(lsn) => {
                if let Some(sub) = sub {
                    self.commits.remember(sub, lsn);
                }
                Some(lsn)
            }
            Err(err) => {
                tracing::warn!(%err, "reading the primary's WAL position after a write failed");
                None
            }
        }
    }
}

/// The primary's current WAL position.
pub(super) async fn current_lsn(db: &DatabaseConnection) -> Result<Lsn, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_current_wal_lsn()::text AS lsn",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("pg_current_wal_lsn() gave no row".to_owned()))?;
    let text: String = row.try_get("", "lsn")?;
    Lsn::from_str(&text).map_err(DbErr::Custom)
}

/// A lazily connected pool on `url`, with the serving pool's limits.
fn replica(url: &DatabaseUrl, pool: &PoolSettings, wake: Arc<Notify>) -> Result<Replica, String> {
    let mut options = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    if let Some(limit) = pool.statement_timeout {
        let millis = limit.as_millis().to_string();
        options = options.options([("statement_timeout", millis.as_str())]);
    }
    let options = options.disable_statement_logging();
    let name = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    );
    let pool = batch_reads::lazy_pool(options, pool);
    let probe = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let mut reads = probe.clone();
    let statements = Arc::new(AtomicU64::new(0));
    let counted = statements.clone();
    reads.set_metric_callback(move |_| {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    Ok(Replica {
        name,
        reads,
        probe,
        up: AtomicBool::new(false),
        replay: AtomicU64::new(0),
        generation: AtomicU64::new(0),
        lag_ms: AtomicU64::new(0),
        routed: AtomicU64::new(0),
        statements,
        wake,
    })
}
