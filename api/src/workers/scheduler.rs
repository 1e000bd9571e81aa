//! The worker that publishes scheduled articles on time, inside the
//! binary (no cron): a thin loop over [`articles::workflow::publish_due`].

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    domain::articles,
    platform::error::AppResult,
    platform::generation,
    platform::shutdown::Shutdown,
    platform::signals::{Notice, Signals},
};

/// Publishes every scheduled article whose time has come; returns how many.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    articles::workflow::publish_due(db, now).await
}

/// Runs [`publish_due`] every `every` until `shutdown` starts, telling
/// the replicas after each publication (their caches read the change
/// log). A run in progress finishes first: the task ends between runs.
pub fn spawn(
    db: DatabaseConnection,
    every: Duration,
    signals: Arc<Signals>,
    shutdown: Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.started() => break,
                _ = ticker.tick() => {}
            }
            match publish_due(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(published = n, "scheduled articles published");
                    let generation = generation::read(&db).await.unwrap_or(0);
                    signals
                        .publish(Notice {
                            generation,
                            ..Notice::default()
                        })
                        .await;
                }
                Err(err) => tracing::warn!(?err, "publishing scheduled articles failed"),
            }
        }
    })
}
