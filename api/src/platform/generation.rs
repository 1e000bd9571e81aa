//! The content generation (migration 7): a counter the database bumps in
//! every transaction that changes content. Each replica keeps the last
//! value it read in memory: read at the first need, refreshed by a poll
//! (`CONTENT_VERSION_POLL_MS`) and right after its own mutations. Cached
//! `GET /graphql` answers are validated against it without running their
//! query (`http::graphql_cache`).
//!
//! The value in memory never runs ahead of the database (it is only ever
//! a value read from it), so an answer built after reading generation g
//! shows at least everything committed up to g; it may lag by one poll
//! interval on replicas that did not make the write.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The current generation, as read from the database.
pub async fn read(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT value FROM content_generation WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("content_generation has no row".to_owned()))?;
    let value: i64 = row.try_get("", "value")?;
    Ok(value.max(0) as u64)
}

/// A replica's view of the content generation. Zero means "not read yet".
#[derive(Default)]
pub struct ContentGeneration {
    value: AtomicU64,
    /// Whether validators may be derived from it (`CONTENT_VERSION_POLL_MS`
    /// is not 0).
    enabled: bool,
}

impl ContentGeneration {
    /// A view that is used when `enabled` (else answers are validated by
    /// their body, after running).
    pub fn new(enabled: bool) -> Self {
        Self {
            value: AtomicU64::new(0),
            enabled,
        }
    }

    /// The generation to validate against: the one in memory, or read
    /// now if none was yet; `None` when disabled or unreadable.
    pub async fn current(&self, db: &impl ConnectionTrait) -> Option<u64> {
        if !self.enabled {
            return None;
        }
        match self.value.load(Ordering::Acquire) {
            0 => self.refresh(db).await.ok(),
            known => Some(known),
        }
    }

    /// The generation last read (0: none yet), without reading.
    pub fn known(&self) -> u64 {
        self.value.load(Ordering::Acquire)
    }

    /// Reads the generation from the database and keeps it (never going
    /// back: a slow read must not undo a newer one).
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        let value = read(db).await?;
        let previous = self.value.fetch_max(value, Ordering::AcqRel);
        Ok(previous.max(value))
    }

    /// Refreshes every `every` until the process ends (started by `serve`).
    pub fn spawn_poll(
        self: Arc<Self>,
        db: sea_orm::DatabaseConnection,
        every: Duration,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if !self.enabled {
            return None;
        }
        Some(tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                if let Err(err) = self.refresh(&db).await {
                    tracing::warn!(?err, "reading the content generation failed");
                }
            }
        }))
    }
}
