//! Bringing the schema up to date, or checking that it is (`MIGRATE`).
//!
//! | backend    | `auto` (and `toasoan migrate`)                          | `off`                              |
//! |------------|---------------------------------------------------------|------------------------------------|
//! | PostgreSQL | session advisory lock on one dedicated connection, then the pending migrations, then unlock | read-only check, no lock, no DDL |
//! | SQLite     | the pending migrations (one process writes at a time)   | read-only check                    |
//!
//! Each migration runs in its own transaction on both backends (see the
//! `migration` crate), so a failure or a kill leaves the previous schema.
//! N replicas started together on PostgreSQL queue on the lock: the first
//! migrates, the others then find nothing pending. The lock belongs to
//! the session: if the migrating process dies, PostgreSQL releases it.
//!
//! The check reads `seaql_migrations` only (never creates it), so a
//! runtime user with no DDL rights passes it. A database migrated by a
//! newer release (versions this binary does not know) is accepted with a
//! warning: during a rolling upgrade the old replicas keep serving.

use std::{collections::HashSet, time::Duration};

use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, sqlx::postgres::PgPoolOptions,
};

use crate::platform::config::migrate::Mode;

/// The key of the PostgreSQL advisory lock held while migrating
/// (`pg_advisory_lock(MIGRATION_LOCK_KEY)`): the ASCII bytes of
/// "toasoanm". Operators see a migration in progress in `pg_locks`
/// (`locktype = 'advisory'`, `classid = 1953456499`, `objid = 1868656237`).
pub const MIGRATION_LOCK_KEY: i64 = 0x746f_6173_6f61_6e6d;

/// Where the schema stands against the migrations of this binary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations of this binary not applied yet, in order.
    pub pending: Vec<String>,
    /// Applied migrations this binary does not know (a newer release).
    pub unknown: Vec<String>,
}

/// Why the server does not start on a database.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// `MIGRATE=off` and migrations are pending.
    #[error(
        "the database schema is not current: {} pending migration(s) ({}); \
         run `toasoan migrate` (MIGRATE=off does not migrate)",
        .0.len(), .0.join(", ")
    )]
    Pending(Vec<String>),
    /// Reading or migrating failed.
    #[error("database schema: {0}")]
    Db(#[from] DbErr),
}

/// Prepares the schema for serving: `auto` migrates ([`migrate`]), `off`
/// checks ([`ensure_current`]).
pub async fn prepare(db: &DatabaseConnection, mode: Mode) -> Result<(), SchemaError> {
    match mode {
        Mode::Auto => migrate(db).await.map(|_| ()).map_err(SchemaError::from),
        Mode::Off => ensure_current(db).await,
    }
}

/// Refuses a schema with pending migrations, without writing anything.
pub async fn ensure_current(db: &DatabaseConnection) -> Result<(), SchemaError> {
    let status = status(db).await?;
    warn_unknown(&status);
    if status.pending.is_empty() {
        tracing::info!("database schema is current (MIGRATE=off)");
        Ok(())
    } else {
        Err(SchemaError::Pending(status.pending))
    }
}

/// Applies every pending migration and returns how many this process
/// applied (0 when another replica did it first). On PostgreSQL, under
/// the migration lock.
pub async fn migrate(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let applied = match db.get_database_backend() {
        DbBackend::Postgres => migrate_locked(db).await?,
        _ => migrate_unlocked(db).await?,
    };
    if applied == 0 {
        tracing::info!("database schema is current: no migration pending");
    } else {
        tracing::info!(applied, "database migrated");
    }
    Ok(applied)
}

/// The pending and unknown migrations, read without writing.
pub async fn status(db: &DatabaseConnection) -> Result<SchemaStatus, DbErr> {
    let applied: HashSet<String> = if SchemaManager::new(db).has_table("seaql_migrations").await? {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT version FROM seaql_migrations",
            ))
            .await?;
        rows.iter()
            .map(|row| row.try_get::<String>("", "version"))
            .collect::<Result<_, _>>()?
    } else {
        HashSet::new()
    };
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let known_set: HashSet<&str> = known.iter().map(String::as_str).collect();
    let mut unknown: Vec<String> = applied
        .iter()
        .filter(|v| !known_set.contains(v.as_str()))
        .cloned()
        .collect();
    unknown.sort();
    Ok(SchemaStatus {
        pending: known.into_iter().filter(|m| !applied.contains(m)).collect(),
        unknown,
    })
}

fn warn_unknown(status: &SchemaStatus) {
    if !status.unknown.is_empty() {
        tracing::warn!(
            unknown = ?status.unknown,
            "the database has migrations this release does not know (a newer release migrated it)"
        );
    }
}

/// Applies the pending migrations on `db` (no lock); returns how many.
async fn migrate_unlocked(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let status = status(db).await?;
    warn_unknown(&status);
    if status.pending.is_empty() {
        return Ok(0);
    }
    if !status.unknown.is_empty() {
        return Err(DbErr::Migration(format!(
            "the database has migrations this release does not know ({}) and misses some of \
             its own ({}): migrate it with the release that matches it",
            status.unknown.join(", "),
            status.pending.join(", ")
        )));
    }
    for name in &status.pending {
        tracing::info!(migration = %name, "applying migration");
    }
    Migrator::up(db, None).await?;
    Ok(status.pending.len())
}

/// [`migrate_unlocked`] on one dedicated PostgreSQL session holding the
/// migration lock. The session is a one-connection pool that never
/// recycles its connection, so the lock and the unlock run on the same
/// backend process; closing it ends the session (and the lock with it,
/// should the unlock fail).
async fn migrate_locked(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let options = db.get_postgres_connection_pool().connect_options();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with((*options).clone())
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(e))))?;
    let session = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let outcome = async {
        lock(&session).await?;
        let applied = migrate_unlocked(&session).await;
        let unlocked = advisory(&session, "pg_advisory_unlock").await;
        let applied = applied?;
        unlocked?;
        Ok(applied)
    }
    .await;
    let _ = session.close().await;
    outcome
}

/// Takes the migration lock, waiting (and saying so) while another
/// process holds it.
async fn lock(session: &DatabaseConnection) -> Result<(), DbErr> {
    if advisory(session, "pg_try_advisory_lock").await? {
        return Ok(());
    }
    tracing::info!("another process is migrating the database: waiting for it");
    advisory(session, "pg_advisory_lock").await?;
    Ok(())
}

/// Runs `SELECT function(MIGRATION_LOCK_KEY)`; true unless it answered
/// `false` (`pg_advisory_lock` answers void).
async fn advisory(session: &DatabaseConnection, function: &str) -> Result<bool, DbErr> {
    let row = session
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT ({function}($1))::text AS answer"),
            [MIGRATION_LOCK_KEY.into()],
        ))
        .await?;
    let answer = row
        .map(|r| r.try_get::<Option<String>>("", "answer"))
        .transpose()?
        .flatten();
    Ok(answer.as_deref() != Some("false"))
}
