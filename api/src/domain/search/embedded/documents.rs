//! Reading what the embedded index holds of some articles: their folded
//! text as `article_search` keeps it (written in the writers'
//! transactions by `index.rs`), and the attributes searches filter on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    article::{self, ArticleStatus},
    article_event, article_organization, article_person, article_tag,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::search::engine::{self, Texts};
use crate::platform::error::AppResult;

/// One article as the embedded index holds it.
#[derive(Debug, Default)]
pub struct IndexedArticle {
    pub texts: Texts,
    pub status: u64,
    pub published_at: Option<DateTime<Utc>>,
    pub section: Option<i64>,
    pub people: Vec<i64>,
    pub organizations: Vec<i64>,
    pub events: Vec<i64>,
    pub tags: Vec<i64>,
}

/// The index's code of a status.
pub fn status_code(status: ArticleStatus) -> u64 {
    match status {
        ArticleStatus::Draft => 0,
        ArticleStatus::InReview => 1,
        ArticleStatus::Scheduled => 2,
        ArticleStatus::Published => 3,
        ArticleStatus::Unpublished => 4,
    }
}

type Row = (
    i64,
    ArticleStatus,
    Option<DateTime<Utc>>,
    i64,
    Option<DateTime<Utc>>,
);

/// The live (not deleted) articles among `ids`, with one statement per
/// table; ids that are gone or deleted are simply absent.
pub async fn load(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<IndexedArticle>> {
    use article::Column;
    let rows: Vec<Row> = article::Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::Status,
            Column::PublishedAt,
            Column::SectionId,
            Column::DeletedAt,
        ])
        .filter(Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let live: Vec<i64> = rows.iter().filter(|r| r.4.is_none()).map(|r| r.0).collect();
    if live.is_empty() {
        return Ok(Vec::new());
    }
    let mut texts: HashMap<i64, Texts> = engine::texts(db, &live, true)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let people = links::<article_person::Entity>(
        db,
        &live,
        article_person::Column::ArticleId,
        article_person::Column::PersonId,
    )
    .await?;
    let organizations = links::<article_organization::Entity>(
        db,
        &live,
        article_organization::Column::ArticleId,
        article_organization::Column::OrganizationId,
    )
    .await?;
    let events = links::<article_event::Entity>(
        db,
        &live,
        article_event::Column::ArticleId,
        article_event::Column::EventId,
    )
    .await?;
    let tags = links::<article_tag::Entity>(
        db,
        &live,
        article_tag::Column::ArticleId,
        article_tag::Column::TagId,
    )
    .await?;
    let take = |map: &mut HashMap<i64, Vec<i64>>, id: i64| map.remove(&id).unwrap_or_default();
    let (mut people, mut organizations, mut events, mut tags) =
        (people, organizations, events, tags);
    Ok(rows
        .into_iter()
        .filter(|r| r.4.is_none())
        .map(|(id, status, published_at, section, _)| IndexedArticle {
            // An article whose text is not indexed yet (a row written by
            // hand) is still findable by its filters, with no words.
            texts: texts.remove(&id).unwrap_or(Texts {
                id,
                ..Texts::default()
            }),
            status: status_code(status),
            published_at,
            section: Some(section),
            people: take(&mut people, id),
            organizations: take(&mut organizations, id),
            events: take(&mut events, id),
            tags: take(&mut tags, id),
        })
        .collect())
}

/// The targets of the links of `ids` in one link table, by article.
async fn links<E: EntityTrait>(
    db: &impl ConnectionTrait,
    ids: &[i64],
    article: E::Column,
    target: E::Column,
) -> AppResult<HashMap<i64, Vec<i64>>> {
    let pairs: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(article)
        .column(target)
        .filter(article.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (a, t) in pairs {
        out.entry(a).or_default().push(t);
    }
    Ok(out)
}
