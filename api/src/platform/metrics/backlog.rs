//! Work waiting in the database, read at scrape time with indexed queries:
//! webhook deliveries pending and failed, the age of the oldest pending
//! one (`idx_webhook_deliveries_due`), and the scheduler's lag: how long
//! the oldest scheduled article whose time has come has waited to be
//! flipped to published (`idx_articles_status_published`).

use chrono::{DateTime, Utc};
use entity::{
    article::{self, ArticleStatus},
    webhook_delivery::{self, DeliveryStatus},
};
use prometheus_client::{
    metrics::gauge::Gauge,
    registry::{Registry, Unit},
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QuerySelect, sea_query::Expr,
};
use std::sync::atomic::AtomicU64;

/// The backlog gauges.
#[derive(Default)]
pub struct BacklogMetrics {
    pending: Gauge,
    failed: Gauge,
    oldest_pending_age: Gauge<f64, AtomicU64>,
    scheduler_lag: Gauge<f64, AtomicU64>,
}

impl BacklogMetrics {
    /// Reads the backlog now.
    pub async fn read(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), DbErr> {
        let pending = count(db, DeliveryStatus::Pending).await?;
        let failed = count(db, DeliveryStatus::Failed).await?;
        let oldest: Option<DateTime<Utc>> = webhook_delivery::Entity::find()
            .select_only()
            .column_as(
                Expr::col(webhook_delivery::Column::QueuedAt).min(),
                "oldest",
            )
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        let due: Option<DateTime<Utc>> = article::Entity::find()
            .select_only()
            .column_as(Expr::col(article::Column::PublishedAt).min(), "due")
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .filter(article::Column::PublishedAt.lte(now))
            .filter(article::Column::DeletedAt.is_null())
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        self.pending.set(pending);
        self.failed.set(failed);
        self.oldest_pending_age.set(age(oldest, now));
        self.scheduler_lag.set(age(due, now));
        Ok(())
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "toasoan_webhook_deliveries_pending",
            "Webhook deliveries waiting for their (next) attempt",
            self.pending.clone(),
        );
        registry.register(
            "toasoan_webhook_deliveries_failed",
            "Webhook deliveries whose retries ran out (replay them by hand)",
            self.failed.clone(),
        );
        registry.register_with_unit(
            "toasoan_webhook_oldest_pending_age",
            "Age of the oldest pending webhook delivery (since it was queued); 0 when none",
            Unit::Seconds,
            self.oldest_pending_age.clone(),
        );
        registry.register_with_unit(
            "toasoan_scheduler_lag",
            "How late the oldest due scheduled article is in being published; 0 when none",
            Unit::Seconds,
            self.scheduler_lag.clone(),
        );
    }
}

async fn count(db: &DatabaseConnection, status: DeliveryStatus) -> Result<i64, DbErr> {
    let n = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(status))
        .count(db)
        .await?;
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Seconds since `since`, 0 when there is none (or it is in the future).
fn age(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    since.map_or(0.0, |since| {
        let millis = (now - since).num_milliseconds();
        (Ord::max(millis, 0) as f64) / 1000.0
    })
}
