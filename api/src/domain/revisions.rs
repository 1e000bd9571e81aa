//! Article revisions: after every change, a snapshot of what the article
//! looked like, who changed it and which fields.

use chrono::{DateTime, Utc};
use entity::{
    article, article_event, article_organization, article_person, article_revision, article_tag,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::platform::error::{AppError, AppResult};

/// The editable state of an article at one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub title: String,
    pub slug: String,
    pub lead: String,
    /// The stored JSON of the body blocks.
    pub body: String,
    pub section_id: i64,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub language: String,
    pub lead_image_id: Option<i64>,
    /// (person id, role) in byline order.
    pub people: Vec<(i64, String)>,
    pub organizations: Vec<i64>,
    pub events: Vec<i64>,
    pub tags: Vec<i64>,
}

/// Reads the current state of article `id`.
pub async fn snapshot(db: &impl ConnectionTrait, id: i64) -> AppResult<(article::Model, Snapshot)> {
    let row = article::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("article".into()))?;
    let people = article_person::Entity::find()
        .filter(article_person::Column::ArticleId.eq(id))
        .order_by_asc(article_person::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.person_id, l.role.to_value()))
        .collect();
    let organizations = article_organization::Entity::find()
        .filter(article_organization::Column::ArticleId.eq(id))
        .order_by_asc(article_organization::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.organization_id)
        .collect();
    let events = article_event::Entity::find()
        .filter(article_event::Column::ArticleId.eq(id))
        .order_by_asc(article_event::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.event_id)
        .collect();
    let tags = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.eq(id))
        .order_by_asc(article_tag::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.tag_id)
        .collect();
    let snapshot = Snapshot {
        title: row.title.clone(),
        slug: row.slug.clone(),
        lead: row.lead.clone(),
        body: row.body.clone(),
        section_id: row.section_id,
        status: row.status.to_value(),
        published_at: row.published_at,
        language: row.language.clone(),
        lead_image_id: row.lead_image_id,
        people,
        organizations,
        events,
        tags,
    };
    Ok((row, snapshot))
}

/// Stores the revision of article `id` as it is now, by `author`.
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    author: Option<&str>,
    changed: &[&str],
    now: DateTime<Utc>,
) -> AppResult<article::Model> {
    let (row, snapshot) = snapshot(db, id).await?;
    article_revision::ActiveModel {
        article_id: Set(id),
        version: Set(row.version),
        author: Set(author.map(str::to_owned)),
        created_at: Set(now),
        changed_fields: Set(serde_json::to_string(changed).unwrap_or_else(|_| "[]".into())),
        snapshot: Set(serde_json::to_string(&snapshot)
            .map_err(|e| AppError::Internal(format!("snapshot of article {id}: {e}")))?),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row)
}

/// Reads revision `version` of article `id`.
pub async fn load(db: &impl ConnectionTrait, id: i64, version: i32) -> AppResult<Snapshot> {
    let revision = article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(id))
        .filter(article_revision::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::bad_input("revision", format!("the article has no revision {version}"))
        })?;
    serde_json::from_str(&revision.snapshot)
        .map_err(|e| AppError::Internal(format!("revision {} of article {id}: {e}", revision.id)))
}
