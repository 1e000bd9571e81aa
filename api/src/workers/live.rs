//! The worker that keeps this replica's live feed reading the change log:
//! on every notice of a write (this replica's, or another's through
//! PostgreSQL) and every second besides, so that a notice lost while
//! PostgreSQL was unreachable only delays an entry (thin loop over
//! [`Feed::catch_up`]).

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    domain::live::Feed, platform::metrics::Metrics, platform::shutdown::Shutdown,
    platform::signals::Signals,
};

/// How often the log is read when no notice arrives.
const POLL: Duration = Duration::from_secs(1);

/// Starts the feed at the log's head (subscribers hear what happens from
/// now on), then runs until `stop`. `connections` tells the open live
/// connections for the metrics.
pub async fn spawn(
    feed: Arc<Feed>,
    db: DatabaseConnection,
    signals: &Signals,
    stop: Shutdown,
    metrics: Arc<Metrics>,
    connections: impl Fn() -> usize + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    // Subscribed before the head is read: a write that commits meanwhile
    // is heard, and read after the head.
    let mut heard = signals.subscribe();
    if let Err(err) = feed.catch_up(&db).await {
        tracing::warn!(?err, "live feed: reading the change log's head failed");
    }
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = stop.started() => return,
                _ = heard.recv() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            if let Err(err) = feed.catch_up(&db).await {
                tracing::warn!(?err, "live feed: reading the change log failed");
            }
            metrics
                .live
                .observe(connections(), feed.subscribers(), feed.head());
        }
    })
}
