//! Feed items: articles with their section, authors, tags, lead image and
//! (for full content) body HTML, loaded for all items at once: one `IN (…)`
//! query per related table, whatever the number of items.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{article, article_person::PersonRole, media, person, section, tag};
use sea_orm::DatabaseConnection;

use super::ContentMode;
use crate::{
    domain::body,
    domain::linked::{Linked, LinkedRows},
    domain::loaders::{self, MediaId, SectionId},
    platform::error::{AppError, AppResult},
    platform::urls,
};

/// One article as feeds show it.
pub struct FeedItem {
    pub article: article::Model,
    /// The article's page on the website.
    pub url: String,
    /// Its permanent `tag:` URI (RSS `guid`, Atom `id`, JSON Feed `id`).
    pub id: String,
    pub section: Option<section::Model>,
    /// The byline, in order (people linked with role `AUTHOR`).
    pub authors: Vec<person::Model>,
    pub tags: Vec<tag::Model>,
    pub lead_image: Option<media::Model>,
    /// The body as sanitized HTML, with `content=full` only.
    pub content_html: Option<String>,
}

impl FeedItem {
    /// When the item last changed for a reader: its last update, or its
    /// publication when that is later (a scheduled article going live).
    pub fn changed_at(&self) -> DateTime<Utc> {
        let updated = self.article.updated_at;
        self.article
            .published_at
            .map_or(updated, |p| p.max(updated))
    }

    /// Its publication time (every public article has one).
    pub fn published_at(&self) -> DateTime<Utc> {
        self.article.published_at.unwrap_or(self.article.updated_at)
    }
}

/// Loads the relations of `articles` (kept in their order).
pub(super) async fn load(
    db: &DatabaseConnection,
    config: &crate::platform::config::Config,
    articles: Vec<article::Model>,
    content: ContentMode,
) -> AppResult<Vec<FeedItem>> {
    let base = config.base_url();
    let bodies: Vec<Vec<body::Block>> = match content {
        ContentMode::Full => articles
            .iter()
            .map(|a| {
                body::parse(&a.body).map_err(|e| {
                    AppError::Internal(format!("article {} has an unreadable body: {e}", a.id))
                })
            })
            .collect::<AppResult<_>>()?,
        ContentMode::Summary => Vec::new(),
    };

    let sections = loaders::load_many(db, articles.iter().map(|a| SectionId(a.section_id))).await?;
    // People, tags and photos in one statement.
    let people_of = |id| Linked::People {
        article: id,
        positions: false,
    };
    let media_ids =
        articles
            .iter()
            .filter_map(|a| a.lead_image_id)
            .chain(bodies.iter().flatten().filter_map(|b| match b {
                body::Block::Image { media_id } => Some(*media_id),
                _ => None,
            }));
    let keys = articles
        .iter()
        .flat_map(|a| [people_of(a.id), Linked::Tags(a.id)])
        .chain(media_ids.map(Linked::Media));
    let mut linked = loaders::load_many(db, keys).await?;
    let shown = crate::domain::media::Links::from_config(config);
    let media: HashMap<MediaId, media::Model> = linked
        .iter()
        .filter_map(|(key, rows)| match (key, rows) {
            (Linked::Media(id), LinkedRows::Media(row)) => {
                Some((MediaId(*id), shown.syndicated((**row).clone())))
            }
            _ => None,
        })
        .collect();

    let mut bodies = bodies.into_iter();
    Ok(articles
        .into_iter()
        .map(|article| {
            let section = sections.get(&SectionId(article.section_id)).cloned();
            let authors = LinkedRows::people(linked.remove(&people_of(article.id)))
                .into_iter()
                .filter(|(link, _, _)| link.role == PersonRole::Author)
                .map(|(_, person, _)| person)
                .collect();
            let article_tags = LinkedRows::tags(linked.remove(&Linked::Tags(article.id)))
                .into_iter()
                .map(|(_, tag)| tag)
                .collect();
            let lead_image = article
                .lead_image_id
                .and_then(|id| media.get(&MediaId(id)).cloned());
            let content_html = bodies.next().map(|blocks| render(&blocks, &media));
            FeedItem {
                url: urls::article(
                    base,
                    section.as_ref().map(|s| s.slug.as_str()),
                    &article.slug,
                ),
                id: urls::article_tag_uri(base, article.id, article.created_at),
                section,
                authors,
                tags: article_tags,
                lead_image,
                content_html,
                article,
            }
        })
        .collect())
}

fn render(blocks: &[body::Block], media: &HashMap<MediaId, media::Model>) -> String {
    body::render_html(blocks, |id| {
        media.get(&MediaId(id)).map(body::ImageHtml::from)
    })
}

/// The media type of an image: as stored, else guessed from the file
/// extension, else `image/jpeg` (what news photos nearly always are).
pub fn image_mime(media: &media::Model) -> String {
    if let Some(mime) = media.mime.as_deref().filter(|m| !m.is_empty()) {
        return mime.to_owned();
    }
    let path = media.url.split(['?', '#']).next().unwrap_or_default();
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("svg") => "image/svg+xml",
        _ => "image/jpeg",
    }
    .to_owned()
}
