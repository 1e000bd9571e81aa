//! Everything a page of ninjs items links to, loaded with one query per
//! table for the whole page (never per article).

use std::collections::HashMap;

use entity::{
    article, article_event, article_organization, article_person, article_tag, event, media,
    organization, person, section, tag,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    domain::body::{self, Block},
    platform::error::{AppError, AppResult},
};

/// The related rows of a set of articles, by id.
#[derive(Default)]
pub struct Related {
    /// Every section: the tree is small, and media topics are inherited.
    pub sections: HashMap<i64, section::Model>,
    pub people_links: HashMap<i64, Vec<article_person::Model>>,
    pub people: HashMap<i64, person::Model>,
    pub organization_links: HashMap<i64, Vec<article_organization::Model>>,
    pub organizations: HashMap<i64, organization::Model>,
    pub event_links: HashMap<i64, Vec<article_event::Model>>,
    pub events: HashMap<i64, event::Model>,
    pub tag_links: HashMap<i64, Vec<article_tag::Model>>,
    pub tags: HashMap<i64, tag::Model>,
    /// Parsed body blocks, by article id.
    pub blocks: HashMap<i64, Vec<Block>>,
    /// Lead images and body images.
    pub media: HashMap<i64, media::Model>,
}

fn group<R>(rows: Vec<R>, key: impl Fn(&R) -> i64) -> HashMap<i64, Vec<R>> {
    let mut map: HashMap<i64, Vec<R>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

fn by_id<R>(rows: Vec<R>, id: impl Fn(&R) -> i64) -> HashMap<i64, R> {
    rows.into_iter().map(|row| (id(&row), row)).collect()
}

impl Related {
    /// Loads what `articles` link to: eleven statements whatever their number.
    pub async fn load(db: &impl ConnectionTrait, articles: &[article::Model]) -> AppResult<Self> {
        if articles.is_empty() {
            return Ok(Self::default());
        }
        let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
        let mut blocks = HashMap::new();
        let mut media_ids: Vec<i64> = Vec::new();
        for a in articles {
            let parsed = body::parse(&a.body).map_err(|e| {
                AppError::Internal(format!("article {} has an unreadable body: {e}", a.id))
            })?;
            media_ids.extend(a.lead_image_id);
            media_ids.extend(parsed.iter().filter_map(|b| match b {
                Block::Image { media_id } => Some(*media_id),
                _ => None,
            }));
            blocks.insert(a.id, parsed);
        }

        let people_links = article_person::Entity::find()
            .filter(article_person::Column::ArticleId.is_in(ids.clone()))
            .order_by_asc(article_person::Column::Position)
            .all(db)
            .await?;
        let organization_links = article_organization::Entity::find()
            .filter(article_organization::Column::ArticleId.is_in(ids.clone()))
            .order_by_asc(article_organization::Column::Position)
            .all(db)
            .await?;
        let event_links = article_event::Entity::find()
            .filter(article_event::Column::ArticleId.is_in(ids.clone()))
            .order_by_asc(article_event::Column::Position)
            .all(db)
            .await?;
        let tag_links = article_tag::Entity::find()
            .filter(article_tag::Column::ArticleId.is_in(ids))
            .order_by_asc(article_tag::Column::Position)
            .all(db)
            .await?;

        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(people_links.iter().map(|l| l.person_id)))
            .all(db)
            .await?;
        let organizations = organization::Entity::find()
            .filter(
                organization::Column::Id
                    .is_in(organization_links.iter().map(|l| l.organization_id)),
            )
            .all(db)
            .await?;
        let events = event::Entity::find()
            .filter(event::Column::Id.is_in(event_links.iter().map(|l| l.event_id)))
            .all(db)
            .await?;
        let tags = tag::Entity::find()
            .filter(tag::Column::Id.is_in(tag_links.iter().map(|l| l.tag_id)))
            .all(db)
            .await?;
        let media = media::Entity::find()
            .filter(media::Column::Id.is_in(media_ids))
            .all(db)
            .await?;
        let sections = section::Entity::find().all(db).await?;

        Ok(Self {
            sections: by_id(sections, |s| s.id),
            people_links: group(people_links, |l| l.article_id),
            people: by_id(people, |p| p.id),
            organization_links: group(organization_links, |l| l.article_id),
            organizations: by_id(organizations, |o| o.id),
            event_links: group(event_links, |l| l.article_id),
            events: by_id(events, |e| e.id),
            tag_links: group(tag_links, |l| l.article_id),
            tags: by_id(tags, |t| t.id),
            blocks,
            media: by_id(media, |m| m.id),
        })
    }

    /// The media topic of section `id`, or of its nearest ancestor that has
    /// one.
    pub fn media_topic(&self, id: i64) -> Option<&str> {
        let mut current = self.sections.get(&id);
        // The depth bound guards against a cycle in bad data.
        for _ in 0..self.sections.len() {
            let section = current?;
            if let Some(code) = section.iptc_media_topic.as_deref() {
                return Some(code);
            }
            current = section.parent_id.and_then(|p| self.sections.get(&p));
        }
        None
    }
}
