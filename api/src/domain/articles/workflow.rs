//! The workflow step that runs without anyone asking: scheduled articles
//! become `PUBLISHED` when their time comes.
//!
//! Readers see a scheduled article the moment it is due whatever this
//! step does (see [`crate::domain::viewer::public_condition`]); the flip records
//! the revision and the `PUBLISHED` change-log entry, so editors, feeds
//! and partners see the change. Each flip is guarded by the article's
//! version, so several replicas running it never publish one article
//! twice.

use chrono::{DateTime, Utc};
use entity::{article, article::ArticleStatus};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};

use crate::{
    domain::changes,
    domain::revisions,
    domain::versioning::{guarded, run_guarded},
    platform::error::{AppError, AppResult},
};

/// Publishes every scheduled article whose time has come; returns how many.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let due: Vec<(i64, i32)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::Version)
        .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
        .filter(article::Column::PublishedAt.lte(now))
        .filter(article::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut published = 0;
    for (id, version) in due {
        let txn = crate::platform::db::begin_write(db).await?;
        let update = guarded::<article::Entity>(id, version)
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .col_expr(
                article::Column::Status,
                Expr::value(ArticleStatus::Published),
            )
            .col_expr(article::Column::UpdatedAt, Expr::value(now));
        match run_guarded(&txn, update, id).await {
            Ok(_) => {
                let row = revisions::record(&txn, id, None, &["status"], now).await?;
                // Partners hear of it in the same transaction as the flip.
                changes::record(&txn, &row, now).await?;
                txn.commit().await?;
                published += 1;
            }
            // Someone (another replica, an editor) changed it meanwhile.
            Err(AppError::StaleVersion { .. } | AppError::NotFound(_)) => txn.rollback().await?,
            Err(err) => return Err(err),
        }
    }
    Ok(published)
}
