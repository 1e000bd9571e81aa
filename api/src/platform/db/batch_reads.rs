//! The primary again, in a pool of its own for the loaders' batches, whose
//! connections plan a statement once (`plan_cache_mode =
//! force_generic_plan`) instead of at every execution.
//!
//! The loaders read rows by id, the ids bound as one array
//! (`= ANY(CAST($1 AS BIGINT[]))`, one text for any batch). PostgreSQL's
//! plan cache never settles on a generic plan for such a statement by
//! itself: it cannot know the array's length, assumes ten elements, finds
//! the custom plan for a page's few ids cheaper, and so plans the
//! statement again at every execution — most of PostgreSQL's CPU for an
//! article page (`bench/NOTES.md`). For lookups by id the generic plan is
//! the same index lookups. The other statements (lists by section, person
//! or tag, the change log) stay in the serving pool with custom plans:
//! their best plan depends on the values (a section of ten articles is
//! read one way, one of fifty thousand another).

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::{
    DatabaseConnection, SqlxPostgresConnector,
    metric::Info,
    sqlx::{
        Connection as _, PgPool,
        postgres::{PgConnectOptions, PgPoolOptions},
    },
};

use super::PoolSettings;

/// What else sees each statement run through a pool (the server's
/// metrics).
pub type StatementHook = Arc<dyn Fn(&Info<'_>) + Send + Sync>;

/// The startup option that makes every connection of a pool keep its
/// statements' first plans.
pub const GENERIC_PLANS: (&str, &str) = ("plan_cache_mode", "force_generic_plan");

/// The loaders' pool over the primary `primary` (PostgreSQL): its
/// connection options plus [`GENERIC_PLANS`], the serving pool's limits,
/// connected lazily. Its statements are counted in the returned counter
/// and handed to `hook`.
pub(super) fn pool(
    primary: &DatabaseConnection,
    settings: &PoolSettings,
    hook: Option<StatementHook>,
) -> (DatabaseConnection, Arc<AtomicU64>) {
    let options = (*primary.get_postgres_connection_pool().connect_options()).clone();
    let options = options.options([GENERIC_PLANS]);
    let mut db = SqlxPostgresConnector::from_sqlx_postgres_pool(lazy_pool(options, settings));
    let statements = Arc::new(AtomicU64::new(0));
    let counted = statements.clone();
    db.set_metric_callback(move |info| {
        counted.fetch_add(1, Ordering::Relaxed);
        if let Some(hook) = &hook {
            hook(info);
        }
    });
    (db, statements)
}

/// A lazily connected PostgreSQL pool with the serving pool's limits,
/// which (as the serving pool, `db::PING_AFTER_IDLE`) pings only a
/// connection that sat idle, not every checkout.
pub(super) fn lazy_pool(options: PgConnectOptions, settings: &PoolSettings) -> PgPool {
    let ping_after_idle = settings.ping_after_idle;
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .min_connections(0)
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= ping_after_idle {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_lazy_with(options)
}
