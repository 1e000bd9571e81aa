//! Changing a media item (details, focal point) and deleting it: refused
//! while an article shows it, then its row, its original and its
//! renditions.

use entity::{article, article_image, media};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};

use super::{
    details::{Change, MAX_ALT, MAX_CAPTION, MAX_CREDIT, clean_text},
    library::MediaLibrary,
    store,
};
use crate::platform::{
    error::{AppError, AppResult},
    ids::{self, NodeType},
};

/// Articles a refused delete names.
const NAMED_USERS: u64 = 10;

impl MediaLibrary {
    /// Applies `change` to media `id`.
    pub async fn update(
        &self,
        db: &DatabaseConnection,
        id: i64,
        change: Change,
    ) -> AppResult<media::Model> {
        let m = media::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no media {id}")))?;
        let mut row: media::ActiveModel = m.into();
        let mut errors = Vec::new();
        for (field, value, max, column) in [
            (
                "input.caption",
                change.caption,
                MAX_CAPTION,
                &mut row.caption,
            ),
            ("input.credit", change.credit, MAX_CREDIT, &mut row.credit),
            ("input.alt", change.alt, MAX_ALT, &mut row.alt),
        ] {
            if let Some(value) = value {
                match clean_text(value, max) {
                    Ok(text) => *column = Set(text),
                    Err(message) => errors.push((field, message)),
                }
            }
        }
        if let Some((field, message)) = errors.into_iter().next() {
            return Err(AppError::bad_input(field, message));
        }
        if let Some(point) = change.focal_point {
            if let Some((x, y)) = point {
                let inside = |v: f64| (0.0..=1.0).contains(&v);
                if !inside(x) || !inside(y) {
                    return Err(AppError::bad_input(
                        "input.focalPoint",
                        "x and y are fractions of the width and height, from 0 to 1",
                    ));
                }
            }
            row.focal_x = Set(point.map(|p| p.0));
            row.focal_y = Set(point.map(|p| p.1));
        }
        Ok(row.update(db).await?)
    }

    /// Deletes media `id`, its original and its renditions; refused with
    /// `CONFLICT` naming the articles while any uses it.
    pub async fn delete(&self, db: &DatabaseConnection, id: i64) -> AppResult<()> {
        let txn = db.begin().await?;
        let m = media::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no media {id}")))?;
        let users = users(&txn, id).await?;
        if !users.is_empty() {
            let named: Vec<String> = users
                .iter()
                .map(|(id, title)| format!("“{title}” ({})", ids::encode(NodeType::Article, *id)))
                .collect();
            return Err(AppError::Conflict(format!(
                "media {id} is used by {}: remove it from them first",
                named.join(", ")
            )));
        }
        media::Entity::delete_by_id(id).exec(&txn).await?;
        txn.commit().await?;
        if let Some(hash) = &m.content_hash {
            // The row is gone: a failure here leaves unreachable objects,
            // never a broken article.
            let removed = async {
                self.storage.delete(&store::original_key(hash)).await?;
                self.storage
                    .delete_prefix(&store::renditions_prefix(hash))
                    .await
            };
            if let Err(err) = removed.await {
                tracing::warn!(media = id, %err, "media deleted; its files were not all removed");
            }
        }
        Ok(())
    }
}

/// The articles (id, title) that show media `id`, as lead image or in
/// their body; at most [`NAMED_USERS`].
async fn users(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<(i64, String)>> {
    let in_body = article_image::Entity::find()
        .select_only()
        .column(article_image::Column::ArticleId)
        .filter(article_image::Column::MediaId.eq(id))
        .limit(NAMED_USERS)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let rows = article::Entity::find()
        .select_only()
        .columns([article::Column::Id, article::Column::Title])
        .filter(
            sea_orm::Condition::any()
                .add(article::Column::LeadImageId.eq(id))
                .add(article::Column::Id.is_in(in_body)),
        )
        .limit(NAMED_USERS)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?;
    Ok(rows)
}
