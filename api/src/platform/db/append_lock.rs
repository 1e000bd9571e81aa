//! The append lock of the database's logs (the change log, the search
//! journal): ids come from a sequence when a row is inserted, but rows
//! become visible when their transaction commits. With two concurrent
//! writers, id 7 can commit after id 8; a reader who read up to 8 in
//! between would resume after 8 and never see 7. So on PostgreSQL every
//! append first takes one transaction-level advisory lock: the next
//! appender waits until the previous transaction has committed (or
//! rolled back) before it even draws its id, hence ids become visible in
//! id order and "everything up to the last id I saw" is always complete.
//! SQLite has a single writer, which gives the same order for free.
//!
//! One lock for both logs: no order between two locks to deadlock on
//! (PostgreSQL's advisory locks are reentrant within a session).

use sea_orm::{ConnectionTrait, DbBackend};

use crate::platform::error::AppResult;

/// The advisory lock key ("toasoan" in ASCII).
const APPEND_LOCK: i64 = 32_773_561_637_626_222;

/// Serializes appends until the caller's transaction ends (PostgreSQL).
pub async fn lock_appends(db: &impl ConnectionTrait) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))
            .await?;
    }
    Ok(())
}
