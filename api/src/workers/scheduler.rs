//! The worker that publishes scheduled articles on time, inside the
//! binary (no cron): a thin loop over [`articles::workflow::publish_due`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{domain::articles, platform::error::AppResult};

/// Publishes every scheduled article whose time has come; returns how many.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    articles::workflow::publish_due(db, now).await
}

/// Runs [`publish_due`] every `every` until the process ends.
pub fn spawn(db: DatabaseConnection, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match publish_due(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled articles published"),
                Err(err) => tracing::warn!(?err, "publishing scheduled articles failed"),
            }
        }
    })
}
