//! Keeping the response cache true to the database, on every replica.
//!
//! Three paths, from fastest to safest:
//!
//! 1. **The writer's own replica** applies its notice before it answers
//!    the mutation: its next read sees the write.
//! 2. **Other replicas** hear the notice through [`Signals`] (PostgreSQL
//!    `LISTEN/NOTIFY`) within milliseconds of the commit.
//! 3. **The safety net**: every tick reads the content generation. Article
//!    changes are read from the change log, whatever told us (a notice, a
//!    tick), so a scheduled publication or a missed notice still purges
//!    precisely. A generation that moved without any notice explaining it
//!    for a whole tick (a write by another process, a notice lost with its
//!    connection) empties the cache. A reconnection to PostgreSQL empties
//!    it too (notices may have been missed meanwhile).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;
use tokio::sync::{Mutex, broadcast::error::RecvError};

use super::ResponseCache;
use crate::{
    domain::changes::{self, Change},
    graphql::surrogate,
    platform::{
        generation,
        signals::{Notice, Signal, Signals},
    },
};

/// Change-log entries read at once.
const LOG_PAGE: u64 = 500;

/// The keys one change-log entry purges: the article, every article list
/// not narrowed to a section, and every list narrowed to one (the entry
/// does not say which section the article left, if it moved).
pub fn keys_of_change(change: &Change) -> [String; 3] {
    [
        surrogate::article_key(change.article_id),
        surrogate::ARTICLE_LISTS.to_owned(),
        surrogate::ANY_SECTION_ARTICLES.to_owned(),
    ]
}

/// The invalidation of one replica's cache.
pub struct Invalidator {
    cache: Arc<ResponseCache>,
    db: DatabaseConnection,
    /// The last change-log entry purged; `None` until first read.
    cursor: Mutex<Option<i64>>,
    /// The highest generation a notice accounted for.
    explained: AtomicU64,
    /// The generation seen at the last tick.
    seen: AtomicU64,
    /// The last tick saw a generation that no notice explained.
    unexplained: AtomicBool,
}

impl Invalidator {
    /// The invalidation of `cache` over `db`.
    pub fn new(cache: Arc<ResponseCache>, db: DatabaseConnection) -> Arc<Self> {
        Arc::new(Self {
            cache,
            db,
            cursor: Mutex::new(None),
            explained: AtomicU64::new(0),
            seen: AtomicU64::new(0),
            unexplained: AtomicBool::new(false),
        })
    }

    /// Applies a write's notice: its keys, then the change log.
    pub async fn apply(&self, notice: &Notice) {
        self.cache.purge(&notice.keys);
        self.read_log().await;
        self.explained
            .fetch_max(notice.generation, Ordering::AcqRel);
    }

    /// Notes the content generation and where the change log ends,
    /// before the cache keeps anything (called once, at start).
    pub async fn start(&self) {
        // The generation first: whatever commits after it shows as a
        // change to explain.
        match generation::read(&self.db).await {
            Ok(generation) => {
                self.seen.store(generation, Ordering::Release);
                self.explained.fetch_max(generation, Ordering::AcqRel);
            }
            Err(err) => tracing::warn!(?err, "reading the content generation failed"),
        }
        let mut cursor = self.cursor.lock().await;
        match changes::head(&self.db).await {
            Ok(head) => *cursor = Some(head),
            Err(err) => tracing::warn!(?err, "reading the change log's head failed"),
        }
    }

    /// Purges what the change log added since the last read. Without a
    /// position in the log (it could not be read at start), everything
    /// is purged and the position taken now.
    pub async fn read_log(&self) {
        let mut cursor = self.cursor.lock().await;
        let Some(after) = *cursor else {
            if let Ok(head) = changes::head(&self.db).await {
                self.cache.clear();
                *cursor = Some(head);
            }
            return;
        };
        let mut after = after;
        loop {
            let (entries, more) = match changes::page(&self.db, after, LOG_PAGE).await {
                Ok(page) => page,
                Err(err) => {
                    // Unknown changes: nothing cached can be trusted.
                    tracing::warn!(?err, "reading the change log failed; emptying the cache");
                    self.cache.clear();
                    return;
                }
            };
            let keys: Vec<String> = entries.iter().flat_map(keys_of_change).collect();
            self.cache.purge(&keys);
            if let Some(last) = entries.last() {
                after = last.id;
                *cursor = Some(after);
            }
            if !more {
                return;
            }
        }
    }

    /// The safety net, run every tick: see the module's documentation.
    pub async fn tick(&self) {
        let generation = match generation::read(&self.db).await {
            Ok(generation) => generation,
            Err(err) => {
                tracing::warn!(?err, "reading the content generation failed");
                return;
            }
        };
        let previous = self.seen.swap(generation, Ordering::AcqRel);
        if generation > previous {
            self.read_log().await;
        }
        if generation <= self.explained.load(Ordering::Acquire) {
            self.unexplained.store(false, Ordering::Release);
            return;
        }
        // A notice may still be on its way: wait one tick before acting.
        if self.unexplained.swap(true, Ordering::AcqRel) {
            tracing::info!(
                generation,
                "the content changed without a notice; emptying the response cache"
            );
            self.cache.clear();
            self.explained.fetch_max(generation, Ordering::AcqRel);
            self.unexplained.store(false, Ordering::Release);
        }
    }

    /// Listens to `signals` and ticks every `every` until the process
    /// ends.
    pub fn spawn(
        self: Arc<Self>,
        signals: &Signals,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let mut heard = signals.subscribe();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    signal = heard.recv() => match signal {
                        Ok(Signal::Notice(notice)) if notice.applied => {}
                        Ok(Signal::Notice(notice)) => self.apply(&notice).await,
                        Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => {
                            self.cache.clear();
                            self.read_log().await;
                        }
                        Err(RecvError::Closed) => return,
                    },
                    _ = ticker.tick() => self.tick().await,
                }
            }
        })
    }
}
