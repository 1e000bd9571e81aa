//! Appending to and reading the log, so that readers never skip an entry.
//!
//! Appends take the database's append lock (`platform::db::append_lock`)
//! so that entries become visible in id order. The lock is held only
//! from the append to the commit: appends are the last statement of
//! their transactions.

use chrono::{DateTime, Utc};
use entity::{
    article,
    article_change::{self, ChangeKind},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Query,
};

use super::Change;
use crate::{domain::viewer, platform::error::AppResult};

/// Rows per backfill statement (6 values each): far below parameter caps.
const BATCH: usize = 1_000;

/// Serializes appends until the caller's transaction ends (PostgreSQL).
async fn lock(db: &impl ConnectionTrait) -> AppResult<()> {
    crate::platform::db::append_lock::lock_appends(db).await
}

/// Appends one entry about `article`.
pub(super) async fn append(
    db: &impl ConnectionTrait,
    article: &article::Model,
    kind: ChangeKind,
    now: DateTime<Utc>,
) -> AppResult<Change> {
    lock(db).await?;
    Ok(article_change::ActiveModel {
        article_id: Set(article.id),
        slug: Set(article.slug.clone()),
        kind: Set(kind),
        version: Set(article.version),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Logs `PUBLISHED` for every public article the log has never mentioned:
/// content loaded in bulk (the demo newsroom, `toasoan generate`) rather
/// than through the write paths. Entries follow publication order and say
/// the change happened at publication. Returns how many were added.
pub async fn backfill(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<usize> {
    // Locked before looking, so an append that commits meanwhile (a server
    // running during `toasoan generate`) is either seen here or comes after.
    lock(db).await?;
    let logged = Query::select()
        .column(article_change::Column::ArticleId)
        .from(article_change::Entity)
        .to_owned();
    let missing: Vec<(i64, String, i32, Option<DateTime<Utc>>)> = article::Entity::find()
        .select_only()
        .columns([
            article::Column::Id,
            article::Column::Slug,
            article::Column::Version,
            article::Column::PublishedAt,
        ])
        .filter(viewer::Viewer::Anonymous.article_condition(now))
        .filter(article::Column::Id.not_in_subquery(logged))
        .order_by_asc(article::Column::PublishedAt)
        .order_by_asc(article::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for chunk in missing.chunks(BATCH) {
        article_change::Entity::insert_many(chunk.iter().map(|(id, slug, version, at)| {
            article_change::ActiveModel {
                article_id: Set(*id),
                slug: Set(slug.clone()),
                kind: Set(ChangeKind::Published),
                version: Set(*version),
                occurred_at: Set(at.unwrap_or(now).min(now)),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(missing.len())
}

/// Up to `limit` entries after entry `after`, in log order, and whether
/// more follow.
pub async fn page(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> AppResult<(Vec<Change>, bool)> {
    let mut rows = article_change::Entity::find()
        .filter(article_change::Column::Id.gt(after))
        .order_by_asc(article_change::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, has_more))
}

/// The id of the last entry (0 for an empty log): reading from it on
/// misses nothing that commits later.
pub async fn head(db: &impl ConnectionTrait) -> AppResult<i64> {
    let last = article_change::Entity::find()
        .select_only()
        .column(article_change::Column::Id)
        .order_by_desc(article_change::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(last.unwrap_or(0))
}
