//! Statement time limits.
//!
//! PostgreSQL: `statement_timeout`, sent as a startup option of every
//! pooled connection (so no statement, pooled connection or transaction
//! escapes it); a statement past it is cancelled by the server with
//! `query_canceled` (57014), even when the request that sent it is gone.
//!
//! SQLite has no such setting and sqlx exposes no `sqlite3_interrupt`, but
//! it does expose the progress handler, which SQLite calls every few
//! thousand virtual-machine steps of a running statement and which
//! interrupts it (`SQLITE_INTERRUPT`) when it answers `false`. Each time
//! the pool hands a connection out, a new handler with a fresh deadline is
//! installed, so the limit covers one checkout: a single statement for
//! plain queries, the whole transaction for a transaction. SQLite runs a
//! statement on a thread of its own, so without this a request that timed
//! out would leave its statement running to the end.

use std::time::{Duration, Instant};

use sea_orm::{
    ConnectOptions,
    sqlx::{self, sqlite::SqliteConnection},
};

/// Virtual-machine steps between two looks at the clock: a few
/// microseconds of work, so the clock costs nothing and the limit is kept
/// to well under a millisecond.
const STEPS_PER_CHECK: i32 = 4096;

/// `statement_timeout` on every PostgreSQL connection of the pool.
pub(super) fn limit_postgres(options: &mut ConnectOptions, limit: Duration) {
    let millis = limit.as_millis().to_string();
    options.map_sqlx_postgres_opts(move |o| o.options([("statement_timeout", millis.as_str())]));
}

/// A deadline per checkout on every SQLite connection of the pool.
pub(super) fn limit_sqlite(options: &mut ConnectOptions, limit: Duration) {
    options
        // Installing the handler already reaches the connection's worker
        // thread (and fails when it is gone): the ping would be a second
        // round trip per checkout.
        .test_before_acquire(false)
        .map_sqlx_sqlite_before_acquire(move |conn, _| {
            Box::pin(async move {
                arm(conn, limit).await?;
                Ok(true)
            })
        })
        .map_sqlx_sqlite_pool_opts(move |pool| {
            // A new connection goes straight to its first user.
            pool.after_connect(move |conn, _| Box::pin(arm(conn, limit)))
        });
}

/// Interrupts whatever `conn` runs once `limit` from now has passed.
async fn arm(conn: &mut SqliteConnection, limit: Duration) -> Result<(), sqlx::Error> {
    let deadline = Instant::now() + limit;
    conn.lock_handle()
        .await?
        .set_progress_handler(STEPS_PER_CHECK, move || Instant::now() < deadline);
    Ok(())
}
