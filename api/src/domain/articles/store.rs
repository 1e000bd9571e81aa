//! Writing articles: one transaction per change, starting with the guarded
//! version bump, ending with the revision and the change-log entry.

use chrono::{DateTime, Utc};
use entity::{
    article, article::ArticleStatus, article_event, article_image, article_organization,
    article_person, article_tag, media,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};

use super::changes::{Changes, Image, PendingBlock};
use crate::{
    domain::body::{self, Block},
    domain::changes,
    domain::revisions,
    domain::search,
    domain::slugs,
    domain::versioning::{guarded, run_guarded, write_conflict},
    platform::error::{AppError, AppResult},
};

/// Who writes, and when.
pub struct Author<'a> {
    pub sub: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// Whether the write goes to the change log (partners, webhooks, live
    /// subscribers); only a quiet bulk import says no.
    pub announce: bool,
}

/// Inserts a new draft with `changes` (title, section and slug are set).
pub async fn create(
    db: &impl ConnectionTrait,
    changes: Changes,
    by: &Author<'_>,
) -> AppResult<article::Model> {
    let (Some(title), Some(slug), Some(section_id)) = (
        changes.title.clone(),
        changes.slug.clone(),
        changes.section_id,
    ) else {
        return Err(AppError::Internal(
            "create without title, slug or section".into(),
        ));
    };
    let (status, published_at) = changes.placement.unwrap_or((ArticleStatus::Draft, None));
    let row = article::ActiveModel {
        slug: Set(slug),
        title: Set(title),
        lead: Set(changes.lead.clone().unwrap_or_default()),
        body: Set("[]".to_owned()),
        section_id: Set(section_id),
        status: Set(status),
        published_at: Set(published_at),
        created_at: Set(changes.created_at.unwrap_or(by.now)),
        updated_at: Set(by.now),
        version: Set(1),
        language: Set(changes.language.clone().unwrap_or_else(|| "vi".to_owned())),
        word_count: Set(0),
        lead_image_id: Set(None),
        created_by: Set(by.sub.map(str::to_owned)),
        updated_by: Set(by.sub.map(str::to_owned)),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(write_conflict)?;
    write_content(db, row.id, &changes, by).await?;
    search::index_articles(db, &[row.id]).await?;
    finish(db, row.id, by, &["created"]).await
}

/// Applies `changes` to article `id` if it is still at `version`.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    changes: Changes,
    by: &Author<'_>,
    label: &[&str],
) -> AppResult<article::Model> {
    let mut update = guarded::<article::Entity>(id, version)
        .filter(article::Column::DeletedAt.is_null())
        .col_expr(article::Column::UpdatedAt, Expr::value(by.now))
        .col_expr(
            article::Column::UpdatedBy,
            Expr::value(by.sub.map(str::to_owned)),
        );
    if let Some(title) = &changes.title {
        update = update.col_expr(article::Column::Title, Expr::value(title.clone()));
    }
    if let Some(lead) = &changes.lead {
        update = update.col_expr(article::Column::Lead, Expr::value(lead.clone()));
    }
    if let Some(section) = changes.section_id {
        update = update.col_expr(article::Column::SectionId, Expr::value(section));
    }
    if let Some(language) = &changes.language {
        update = update.col_expr(article::Column::Language, Expr::value(language.clone()));
    }
    if let Some((status, published_at)) = changes.placement {
        update = update
            .col_expr(article::Column::Status, Expr::value(status))
            .col_expr(article::Column::PublishedAt, Expr::value(published_at));
    }
    if let Some(created_at) = changes.created_at {
        update = update.col_expr(article::Column::CreatedAt, Expr::value(created_at));
    }
    let old_slug = match &changes.slug {
        Some(_) => article::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|a| a.slug),
        None => None,
    };
    if let Some(slug) = &changes.slug {
        update = update.col_expr(article::Column::Slug, Expr::value(slug.clone()));
    }
    run_guarded(db, update, id).await?;
    if let (Some(old), Some(new)) = (&old_slug, &changes.slug) {
        slugs::record_rename::<article::Entity>(db, old, new, id).await?;
    }
    write_content(db, id, &changes, by).await?;
    search::index_articles(db, &[id]).await?;
    let fields = if label.is_empty() {
        changes.fields()
    } else {
        label.to_vec()
    };
    finish(db, id, by, &fields).await
}

/// Moves article `id` (at `version`) to `status` with `published_at`.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    by: &Author<'_>,
) -> AppResult<article::Model> {
    let update = guarded::<article::Entity>(id, version)
        .filter(article::Column::DeletedAt.is_null())
        .col_expr(article::Column::Status, Expr::value(status))
        .col_expr(article::Column::PublishedAt, Expr::value(published_at))
        .col_expr(article::Column::UpdatedAt, Expr::value(by.now))
        .col_expr(
            article::Column::UpdatedBy,
            Expr::value(by.sub.map(str::to_owned)),
        );
    run_guarded(db, update, id).await?;
    finish(db, id, by, &["status"]).await
}

/// Soft-deletes article `id` (at `version`): a tombstone stays for
/// syndication.
pub async fn delete(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    by: &Author<'_>,
) -> AppResult<article::Model> {
    let update = guarded::<article::Entity>(id, version)
        .filter(article::Column::DeletedAt.is_null())
        .col_expr(article::Column::DeletedAt, Expr::value(by.now))
        .col_expr(article::Column::UpdatedAt, Expr::value(by.now))
        .col_expr(
            article::Column::UpdatedBy,
            Expr::value(by.sub.map(str::to_owned)),
        );
    run_guarded(db, update, id).await?;
    // Gone from search at once (the indexer drops deleted articles).
    search::index_articles(db, &[id]).await?;
    finish(db, id, by, &["deleted"]).await
}

/// The last steps of every write: the revision, then the change-log entry
/// (last, because on PostgreSQL it holds the log's append lock until the
/// commit).
async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    by: &Author<'_>,
    fields: &[&str],
) -> AppResult<article::Model> {
    let row = revisions::record(db, id, by.sub, fields, by.now).await?;
    if by.announce {
        changes::record(db, &row, by.now).await?;
    }
    Ok(row)
}

/// Writes the body, images and links that `changes` carries, and keeps the
/// word count in step with the lead and body.
async fn write_content(
    db: &impl ConnectionTrait,
    id: i64,
    changes: &Changes,
    by: &Author<'_>,
) -> AppResult<()> {
    if let Some(lead) = &changes.lead_image {
        let media_id = match lead {
            Some(image) => Some(store_image(db, image, by.now, "input.leadImage").await?),
            None => None,
        };
        article::Entity::update_many()
            .col_expr(article::Column::LeadImageId, Expr::value(media_id))
            .filter(article::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    if let Some(pending) = &changes.body {
        let mut blocks = Vec::with_capacity(pending.len());
        let mut images = Vec::new();
        for (i, block) in pending.iter().enumerate() {
            blocks.push(match block {
                PendingBlock::Ready(block) => block.clone(),
                PendingBlock::Image(image) => {
                    let media_id =
                        store_image(db, image, by.now, &format!("input.body[{i}].image")).await?;
                    images.push(media_id);
                    Block::Image { media_id }
                }
            });
        }
        article::Entity::update_many()
            .col_expr(article::Column::Body, Expr::value(body::to_json(&blocks)))
            .filter(article::Column::Id.eq(id))
            .exec(db)
            .await?;
        article_image::Entity::delete_many()
            .filter(article_image::Column::ArticleId.eq(id))
            .exec(db)
            .await?;
        for (position, media_id) in images.into_iter().enumerate() {
            article_image::ActiveModel {
                article_id: Set(id),
                position: Set(position as i32),
                media_id: Set(media_id),
            }
            .insert(db)
            .await
            .map_err(write_conflict)?;
        }
    }
    let text_changed = changes.body.is_some() || changes.lead.is_some();
    if text_changed && let Some(row) = article::Entity::find_by_id(id).one(db).await? {
        let blocks = body::parse(&row.body)
            .map_err(|e| AppError::Internal(format!("article {id} body: {e}")))?;
        let words = body::word_count(&row.lead, &blocks) as i32;
        article::Entity::update_many()
            .col_expr(article::Column::WordCount, Expr::value(words))
            .filter(article::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    replace_links(db, id, changes).await
}

async fn store_image(
    db: &impl ConnectionTrait,
    image: &Image,
    now: DateTime<Utc>,
    field: &str,
) -> AppResult<i64> {
    match image {
        Image::Existing(id) => match media::Entity::find_by_id(*id).one(db).await? {
            Some(row) => Ok(row.id),
            None => Err(AppError::bad_input(
                format!("{field}.id"),
                "no media has this ID",
            )),
        },
        Image::New(m) => Ok(media::ActiveModel {
            url: Set(m.url.clone()),
            caption: Set(m.caption.clone()),
            credit: Set(m.credit.clone()),
            alt: Set(m.alt.clone()),
            width: Set(m.width),
            height: Set(m.height),
            mime: Set(m.mime.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id),
    }
}

async fn replace_links(db: &impl ConnectionTrait, id: i64, changes: &Changes) -> AppResult<()> {
    if let Some(people) = &changes.people {
        article_person::Entity::delete_many()
            .filter(article_person::Column::ArticleId.eq(id))
            .exec(db)
            .await?;
        for (position, (person_id, role)) in people.iter().enumerate() {
            article_person::ActiveModel {
                article_id: Set(id),
                person_id: Set(*person_id),
                role: Set(*role),
                position: Set(position as i32),
            }
            .insert(db)
            .await
            .map_err(write_conflict)?;
        }
    }
    if let Some(orgs) = &changes.organizations {
        article_organization::Entity::delete_many()
            .filter(article_organization::Column::ArticleId.eq(id))
            .exec(db)
            .await?;
        for (position, organization_id) in orgs.iter().enumerate() {
            article_organization::ActiveModel {
                article_id: Set(id),
                organization_id: Set(*organization_id),
                position: Set(position as i32),
            }
            .insert(db)
            .await
            .map_err(write_conflict)?;
        }
    }
    if let Some(events) = &changes.events {
        article_event::Entity::delete_many()
            .filter(article_event::Column::ArticleId.eq(id))
            .exec(db)
            .await?;
        for (position, event_id) in events.iter().enumerate() {
            article_event::ActiveModel {
                article_id: Set(id),
                event_id: Set(*event_id),
                position: Set(position as i32),
            }
            .insert(db)
            .await
            .map_err(write_conflict)?;
        }
    }
    if let Some(tags) = &changes.tags {
        article_tag::Entity::delete_many()
            .filter(article_tag::Column::ArticleId.eq(id))
            .exec(db)
            .await?;
        for (position, tag_id) in tags.iter().enumerate() {
            article_tag::ActiveModel {
                article_id: Set(id),
                tag_id: Set(*tag_id),
                position: Set(position as i32),
            }
            .insert(db)
            .await
            .map_err(write_conflict)?;
        }
    }
    Ok(())
}
