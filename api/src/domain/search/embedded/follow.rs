//! Keeping a replica's index in step with the search journal: the first
//! build, the replay of the entries after the index's cursor, and the
//! pruning of old entries.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, Statement};

use super::{Cursor, EmbeddedIndex, documents, internal};
use crate::platform::{error::AppResult, metrics::Metrics, shutdown::Shutdown, signals::Signals};

/// Journal entries replayed per commit.
const REPLAY_BATCH: u64 = 2_000;
/// Articles read per statement while building.
const BUILD_BATCH: usize = 1_000;
/// An archive up to this size is indexed before the replica starts
/// serving; a larger one is built in the background while searches use
/// the database's engine.
const BUILD_INLINE_UP_TO: i64 = 10_000;
/// Journal entries older than this are pruned (the newest always stays);
/// a replica that was away longer rebuilds its index.
const JOURNAL_RETENTION_DAYS: i64 = 7;
/// How often the follower looks at the journal when no signal came.
const POLL: Duration = Duration::from_secs(1);

#[derive(FromQueryResult)]
struct Entry {
    seq: i64,
    article_id: i64,
    recorded_at: DateTime<Utc>,
}

impl Entry {
    fn cursor(&self) -> Cursor {
        Cursor {
            seq: self.seq,
            stamp: self.recorded_at.timestamp_micros(),
        }
    }
}

/// The journal's entry `seq`, if it is there.
async fn entry(db: &impl ConnectionTrait, seq: i64) -> AppResult<Option<Entry>> {
    let backend = db.get_database_backend();
    Ok(Entry::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT seq, article_id, recorded_at FROM search_journal WHERE seq = {}",
            placeholder(backend)
        ),
        [seq.into()],
    ))
    .one(db)
    .await?)
}

#[derive(FromQueryResult)]
struct Bounds {
    low: Option<i64>,
    high: Option<i64>,
}

/// The first and last entries of the journal.
async fn bounds(db: &impl ConnectionTrait) -> AppResult<Bounds> {
    let backend = db.get_database_backend();
    Ok(Bounds::find_by_statement(Statement::from_string(
        backend,
        "SELECT MIN(seq) AS low, MAX(seq) AS high FROM search_journal",
    ))
    .one(db)
    .await?
    .unwrap_or(Bounds {
        low: None,
        high: None,
    }))
}

/// The last entry of the journal (0 when it is empty).
pub async fn head(db: &impl ConnectionTrait) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct Head {
        high: Option<i64>,
    }
    let backend = db.get_database_backend();
    Ok(Head::find_by_statement(Statement::from_string(
        backend,
        "SELECT MAX(seq) AS high FROM search_journal",
    ))
    .one(db)
    .await?
    .and_then(|h| h.high)
    .unwrap_or(0))
}

impl EmbeddedIndex {
    /// Makes the index reflect every journal entry committed so far:
    /// builds it when it has never been built, missed pruned entries, or
    /// stands on a journal the database no longer has (a restored or
    /// copied database); else replays the entries after its cursor.
    /// `db` must be the primary: a read replica behind the index looks
    /// like a restored database.
    pub async fn catch_up(self: &Arc<Self>, db: &impl ConnectionTrait) -> AppResult<()> {
        let _turn = self.catching_up.lock().await;
        let cursor = self.cursor();
        let Bounds { low, high } = bounds(db).await?;
        if cursor.seq < 0 || !self.stands_on(db, cursor, low, high).await? {
            let head = match high {
                Some(seq) => entry(db, seq).await?.map(|e| e.cursor()),
                None => None,
            };
            return self
                .build(db, head.unwrap_or(Cursor { seq: 0, stamp: 0 }))
                .await;
        }
        if high.unwrap_or(0) > cursor.seq {
            self.replay(db).await?;
        }
        Ok(())
    }

    /// Whether `cursor` is an entry of this database's journal, with
    /// nothing pruned after it.
    async fn stands_on(
        &self,
        db: &impl ConnectionTrait,
        cursor: Cursor,
        low: Option<i64>,
        high: Option<i64>,
    ) -> AppResult<bool> {
        if low.is_some_and(|low| low > cursor.seq + 1) || high.unwrap_or(0) < cursor.seq {
            return Ok(false);
        }
        if cursor.seq == 0 {
            // Built on an empty journal: any journal may follow.
            return Ok(true);
        }
        Ok(entry(db, cursor.seq)
            .await?
            .is_some_and(|e| e.cursor() == cursor))
    }

    /// Brings the index up to date before a search when the journal of
    /// `db` (the search's connection, maybe a read replica) has moved
    /// past it; `false` when the index is not built yet (search on the
    /// database instead). It only replays: when the index does not stand
    /// on `db`'s journal, the follower (on the primary) decides whether
    /// to rebuild, and the search uses the index as it is.
    pub async fn current(self: &Arc<Self>, db: &impl ConnectionTrait) -> AppResult<bool> {
        if !self.is_ready() {
            return Ok(false);
        }
        if head(db).await? > self.applied() {
            let _turn = self.catching_up.lock().await;
            let cursor = self.cursor();
            let Bounds { low, high } = bounds(db).await?;
            if high.unwrap_or(0) > cursor.seq && self.stands_on(db, cursor, low, high).await? {
                self.replay(db).await?;
            }
        }
        Ok(true)
    }

    /// Replays the journal after the cursor, a batch per commit.
    async fn replay(self: &Arc<Self>, db: &impl ConnectionTrait) -> AppResult<()> {
        let backend = db.get_database_backend();
        loop {
            let after = self.applied();
            let entries = Entry::find_by_statement(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT seq, article_id, recorded_at FROM search_journal WHERE seq > {} \
                     ORDER BY seq LIMIT {REPLAY_BATCH}",
                    placeholder(backend)
                ),
                [after.into()],
            ))
            .all(db)
            .await?;
            let Some(last) = entries.last().map(Entry::cursor) else {
                return Ok(());
            };
            let mut ids: Vec<i64> = entries.iter().map(|e| e.article_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let articles = documents::load(db, &ids).await?;
            let index = self.clone();
            tokio::task::spawn_blocking(move || index.apply(&ids, articles, last))
                .await
                .map_err(internal)?
                .map_err(internal)?;
            if (entries.len() as u64) < REPLAY_BATCH {
                return Ok(());
            }
        }
    }

    /// Indexes every live article anew, as of journal entry `head` (read
    /// before the articles, so entries after it are replayed after).
    async fn build(self: &Arc<Self>, db: &impl ConnectionTrait, head: Cursor) -> AppResult<()> {
        use entity::article;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
        let started = std::time::Instant::now();
        let ids: Vec<i64> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .filter(article::Column::DeletedAt.is_null())
            .order_by_asc(article::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let index = self.clone();
        tokio::task::spawn_blocking(move || index.reset())
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let staged = async {
            for chunk in ids.chunks(BUILD_BATCH) {
                let articles = documents::load(db, chunk).await?;
                let index = self.clone();
                tokio::task::spawn_blocking(move || index.stage(articles))
                    .await
                    .map_err(internal)?
                    .map_err(internal)?;
            }
            let index = self.clone();
            tokio::task::spawn_blocking(move || index.apply(&[], Vec::new(), head))
                .await
                .map_err(internal)?
                .map_err(internal)
        }
        .await;
        if let Err(e) = staged {
            // The searchable index stays as it was.
            let index = self.clone();
            let _ = tokio::task::spawn_blocking(move || index.discard()).await;
            return Err(e);
        }
        tracing::info!(
            articles = ids.len(),
            journal = head.seq,
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        let merged = std::time::Instant::now();
        let index = self.clone();
        // A merge that fails (one in the background already holds those
        // segments) leaves a slower index, not a wrong one.
        match tokio::task::spawn_blocking(move || index.compact()).await {
            Ok(Ok(segments)) => tracing::info!(
                segments,
                ms = merged.elapsed().as_millis() as u64,
                "search index merged into one segment"
            ),
            Ok(Err(e)) => tracing::warn!(error = %e, "search index: merging the build failed"),
            Err(e) => tracing::warn!(error = %e, "search index: merging the build failed"),
        }
        self.replay(db).await
    }

    /// Catches up now when that is quick (the index was built before, or
    /// the archive is small), else leaves the first build to
    /// [`Self::spawn_follower`]: searches use the database meanwhile.
    pub async fn start(self: &Arc<Self>, db: &impl ConnectionTrait) {
        let quick = self.is_ready()
            || count_articles(db)
                .await
                .is_ok_and(|n| n <= BUILD_INLINE_UP_TO);
        if quick && let Err(e) = self.catch_up(db).await {
            tracing::warn!(error = ?e, "search index: catching up at start failed; retrying in the background");
        }
    }

    /// The follower: catches up on every signal of a write and every
    /// second, prunes the journal hourly, reports to `metrics`, until
    /// `stop`.
    pub fn spawn_follower(
        self: &Arc<Self>,
        db: DatabaseConnection,
        signals: &Signals,
        stop: Shutdown,
        metrics: Arc<Metrics>,
    ) -> tokio::task::JoinHandle<()> {
        let index = self.clone();
        let mut heard = signals.subscribe();
        tokio::spawn(async move {
            let mut last_prune: Option<std::time::Instant> = None;
            loop {
                if let Err(e) = index.catch_up(&db).await {
                    tracing::warn!(error = ?e, "search index: catching up failed");
                }
                if let Ok(head) = head(&db).await {
                    metrics.search_index.observe(
                        index.is_ready(),
                        index.len(),
                        head - index.applied().max(0),
                    );
                }
                if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
                    last_prune = Some(std::time::Instant::now());
                    if let Err(e) = prune(&db).await {
                        tracing::warn!(error = ?e, "search journal: pruning failed");
                    }
                }
                tokio::select! {
                    _ = stop.started() => return,
                    _ = heard.recv() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }
}

async fn count_articles(db: &impl ConnectionTrait) -> AppResult<i64> {
    use entity::article;
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(article::Entity::find().count(db).await? as i64)
}

/// Deletes the entries older than the retention, except the newest (its
/// seq tells a returning replica whether it missed any).
pub async fn prune(db: &impl ConnectionTrait) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let cutoff = Utc::now() - chrono::Duration::days(JOURNAL_RETENTION_DAYS);
    let p = placeholder(backend);
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM search_journal WHERE recorded_at < {p} \
                 AND seq < (SELECT MAX(seq) FROM search_journal)"
            ),
            [cutoff.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

fn placeholder(backend: sea_orm::DbBackend) -> &'static str {
    match backend {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    }
}
