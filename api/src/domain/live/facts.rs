//! What a subscription's filter asks of an article, loaded once per
//! entry for every subscriber: the row and the ids it links to.

use std::collections::HashMap;

use entity::{article, article_event, article_organization, article_person, article_tag};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::platform::error::AppResult;

/// An article as the change log's entry found it, with its links.
#[derive(Clone, Debug)]
pub struct ArticleFacts {
    pub article: article::Model,
    pub people: Vec<i64>,
    pub organizations: Vec<i64>,
    pub events: Vec<i64>,
    pub tags: Vec<i64>,
}

impl ArticleFacts {
    /// The facts of the articles `ids` (missing rows are left out): one
    /// statement for the rows and one per kind of link.
    pub async fn load(
        db: &impl ConnectionTrait,
        ids: &[i64],
    ) -> AppResult<HashMap<i64, ArticleFacts>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = article::Entity::find()
            .filter(article::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        let people = links::<article_person::Entity, _, _>(
            db,
            ids,
            article_person::Column::ArticleId,
            article_person::Column::PersonId,
        )
        .await?;
        let organizations = links::<article_organization::Entity, _, _>(
            db,
            ids,
            article_organization::Column::ArticleId,
            article_organization::Column::OrganizationId,
        )
        .await?;
        let events = links::<article_event::Entity, _, _>(
            db,
            ids,
            article_event::Column::ArticleId,
            article_event::Column::EventId,
        )
        .await?;
        let tags = links::<article_tag::Entity, _, _>(
            db,
            ids,
            article_tag::Column::ArticleId,
            article_tag::Column::TagId,
        )
        .await?;
        let take =
            |map: &HashMap<i64, Vec<i64>>, id: i64| map.get(&id).cloned().unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|article| {
                let id = article.id;
                let facts = ArticleFacts {
                    people: take(&people, id),
                    organizations: take(&organizations, id),
                    events: take(&events, id),
                    tags: take(&tags, id),
                    article,
                };
                (id, facts)
            })
            .collect())
    }
}

/// The ids each of `articles` links to in the link table `E`.
async fn links<E, A, T>(
    db: &impl ConnectionTrait,
    articles: &[i64],
    article: A,
    target: T,
) -> AppResult<HashMap<i64, Vec<i64>>>
where
    E: EntityTrait,
    A: ColumnTrait,
    T: ColumnTrait,
{
    let pairs: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(article)
        .column(target)
        .filter(article.is_in(articles.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for (article, target) in pairs {
        let ids = map.entry(article).or_default();
        // A person may be linked twice (author and quoted).
        if !ids.contains(&target) {
            ids.push(target);
        }
    }
    Ok(map)
}
