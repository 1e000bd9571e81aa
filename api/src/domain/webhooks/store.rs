//! The outbox seen by the worker: claiming due deliveries and recording
//! the outcome of an attempt.
//!
//! A claim pushes `next_attempt_at` past the attempt's timeout (a lease):
//! other workers leave the row alone meanwhile, and if this worker dies
//! the lease simply runs out and the row is due again (at-least-once).
//! On PostgreSQL the candidates are locked `FOR UPDATE SKIP LOCKED` in a
//! short transaction, so replicas claim disjoint batches without waiting
//! on each other. SQLite has one writer at a time: there each row is taken
//! with a guarded update (`… WHERE next_attempt_at <= now`), which only
//! one claimer can win.
//!
//! Ordering: a row is only a candidate when no older row of the same
//! (endpoint, article) is still pending, whether it is due, leased or
//! backing off. So an endpoint hears about one article in log order.

use chrono::{DateTime, Utc};
use entity::{
    webhook,
    webhook_delivery::{self, DeliveryStatus},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, Query},
};

use crate::platform::error::AppResult;

/// A claimed delivery and the endpoint it goes to.
pub struct Claimed {
    pub delivery: webhook_delivery::Model,
    pub url: String,
    pub secret: String,
}

/// The due deliveries that may go now, oldest first.
fn candidates(now: DateTime<Utc>, limit: u64) -> sea_orm::Select<webhook_delivery::Entity> {
    use webhook_delivery::Column as D;
    let earlier = Alias::new("earlier");
    let mut older = Query::select();
    older
        .expr(Expr::val(1))
        .from_as(webhook_delivery::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), D::WebhookId))
                .equals((webhook_delivery::Entity, D::WebhookId)),
        )
        .and_where(
            Expr::col((earlier.clone(), D::ArticleId))
                .equals((webhook_delivery::Entity, D::ArticleId)),
        )
        .and_where(Expr::col((earlier.clone(), D::Status)).eq(DeliveryStatus::Pending))
        .and_where(
            Expr::col((earlier.clone(), D::Id)).lt(Expr::col((webhook_delivery::Entity, D::Id))),
        );
    let enabled = Query::select()
        .column(webhook::Column::Id)
        .from(webhook::Entity)
        .and_where(webhook::Column::Enabled.eq(true))
        .to_owned();
    webhook_delivery::Entity::find()
        .filter(D::Status.eq(DeliveryStatus::Pending))
        .filter(D::NextAttemptAt.lte(now))
        .filter(D::WebhookId.in_subquery(enabled))
        .filter(Expr::exists(older.take()).not())
        .order_by_asc(D::Id)
        .limit(limit)
}

/// Claims up to `limit` due deliveries until `lease_until`.
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<Claimed>> {
    use webhook_delivery::Column as D;
    let claimed: Vec<webhook_delivery::Model> = if db.get_database_backend() == DbBackend::Postgres
    {
        let txn = crate::platform::db::begin_write(db).await?;
        let rows = candidates(now, limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&txn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if !ids.is_empty() {
            webhook_delivery::Entity::update_many()
                .col_expr(D::NextAttemptAt, Expr::value(lease_until))
                .filter(D::Id.is_in(ids))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        rows
    } else {
        let mut won = Vec::new();
        for row in candidates(now, limit).all(db).await? {
            let taken = webhook_delivery::Entity::update_many()
                .col_expr(D::NextAttemptAt, Expr::value(lease_until))
                .filter(D::Id.eq(row.id))
                .filter(D::Status.eq(DeliveryStatus::Pending))
                .filter(D::NextAttemptAt.lte(now))
                .exec(db)
                .await?;
            if taken.rows_affected == 1 {
                won.push(row);
            }
        }
        won
    };
    endpoints(db, claimed).await
}

/// Pairs claimed rows with their endpoints (one query).
async fn endpoints(
    db: &impl ConnectionTrait,
    rows: Vec<webhook_delivery::Model>,
) -> AppResult<Vec<Claimed>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.webhook_id).collect();
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|delivery| {
            let hook = hooks.iter().find(|h| h.id == delivery.webhook_id)?;
            Some(Claimed {
                url: hook.url.clone(),
                secret: hook.secret.clone(),
                delivery,
            })
        })
        .collect())
}

/// What an attempt came to.
pub enum Outcome {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// Another answer, a timeout, a refused connection…
    Failed {
        status: Option<u16>,
        error: String,
        /// When to try again; `None`: retries are over (FAILED).
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Records the outcome of an attempt on delivery `id`.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use webhook_delivery::Column as D;
    let update = webhook_delivery::Entity::update_many()
        .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
        .filter(D::Id.eq(id))
        .filter(D::Status.eq(DeliveryStatus::Pending));
    let update = match outcome {
        Outcome::Delivered { status } => update
            .col_expr(D::Status, Expr::value(DeliveryStatus::Delivered))
            .col_expr(D::LastStatusCode, Expr::value(i32::from(status)))
            .col_expr(D::LastError, Expr::value(Option::<String>::None))
            .col_expr(D::DeliveredAt, Expr::value(now)),
        Outcome::Failed {
            status,
            error,
            retry_at,
        } => {
            let update = update
                .col_expr(D::LastStatusCode, Expr::value(status.map(i32::from)))
                .col_expr(D::LastError, Expr::value(error));
            match retry_at {
                Some(at) => update.col_expr(D::NextAttemptAt, Expr::value(at)),
                None => update.col_expr(D::Status, Expr::value(DeliveryStatus::Failed)),
            }
        }
    };
    update.exec(db).await?;
    Ok(())
}
