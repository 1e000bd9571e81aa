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
//! Times are the database's ([`database_now`]): replicas whose clocks
//! disagree still agree on when a lease runs out. Finishing an attempt
//! checks that the lease is still the one this worker took
//! ([`finish`]): a worker that overran its lease (and whose row another
//! worker claimed since) records nothing.
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

/// The database's clock: PostgreSQL's `clock_timestamp()`, or this
/// process's clock on SQLite (an embedded database shares it).
pub async fn database_now(db: &impl ConnectionTrait) -> AppResult<DateTime<Utc>> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Utc::now());
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT clock_timestamp() AS now",
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("clock_timestamp()".to_owned()))?;
    Ok(row.try_get::<DateTime<Utc>>("", "now")?)
}

/// A lease deadline as the database stores it (microseconds), so that
/// [`finish`] can compare it for equality.
pub fn lease_deadline(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

/// The due deliveries that may go now, oldest first, leaving out the
/// endpoints in `busy` (their share of the worker is taken).
fn candidates(
    now: DateTime<Utc>,
    limit: u64,
    busy: &[i64],
) -> sea_orm::Select<webhook_delivery::Entity> {
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
    let mut select = webhook_delivery::Entity::find();
    if !busy.is_empty() {
        select = select.filter(D::WebhookId.is_not_in(busy.iter().copied()));
    }
    select
        .filter(D::Status.eq(DeliveryStatus::Pending))
        .filter(D::NextAttemptAt.lte(now))
        .filter(D::WebhookId.in_subquery(enabled))
        .filter(Expr::exists(older.take()).not())
        .order_by_asc(D::Id)
        .limit(limit)
}

/// Claims up to `limit` due deliveries until `lease_until` (a
/// [`lease_deadline`]), except those of the endpoints in `busy`.
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
    busy: &[i64],
) -> AppResult<Vec<Claimed>> {
    use webhook_delivery::Column as D;
    let claimed: Vec<webhook_delivery::Model> = if db.get_database_backend() == DbBackend::Postgres
    {
        let txn = crate::platform::db::begin_write(db).await?;
        let rows = candidates(now, limit, busy)
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
        for row in candidates(now, limit, busy).all(db).await? {
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

/// Gives back a claimed delivery untried: due again at `now`, if this
/// worker still holds its lease.
pub async fn release(
    db: &impl ConnectionTrait,
    id: i64,
    lease: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use webhook_delivery::Column as D;
    webhook_delivery::Entity::update_many()
        .col_expr(D::NextAttemptAt, Expr::value(now))
        .filter(D::Id.eq(id))
        .filter(D::Status.eq(DeliveryStatus::Pending))
        .filter(D::NextAttemptAt.eq(lease))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether [`finish`] recorded the attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    Yes,
    /// The lease ran out and another worker claimed the delivery since:
    /// its attempt counts, this one does not.
    LeaseLost,
}

/// Records the outcome of an attempt on delivery `id`, claimed until
/// `lease`: only while that lease is still the row's (a worker that
/// overran it and lost the row to another records nothing).
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    lease: DateTime<Utc>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> AppResult<Recorded> {
    use webhook_delivery::Column as D;
    let update = webhook_delivery::Entity::update_many()
        .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
        .filter(D::Id.eq(id))
        .filter(D::Status.eq(DeliveryStatus::Pending))
        .filter(D::NextAttemptAt.eq(lease));
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
    let done = update.exec(db).await?;
    Ok(if done.rows_affected == 1 {
        Recorded::Yes
    } else {
        Recorded::LeaseLost
    })
}

/// Deletes up to `limit` delivered or failed deliveries last queued
/// before `cutoff`; returns how many.
pub async fn prune(db: &impl ConnectionTrait, cutoff: DateTime<Utc>, limit: u64) -> AppResult<u64> {
    use webhook_delivery::Column as D;
    let old = Query::select()
        .column(D::Id)
        .from(webhook_delivery::Entity)
        .and_where(D::Status.is_in([DeliveryStatus::Delivered, DeliveryStatus::Failed]))
        .and_where(D::QueuedAt.lt(cutoff))
        .limit(limit)
        .to_owned();
    let deleted = webhook_delivery::Entity::delete_many()
        .filter(D::Id.in_subquery(old))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
