//! Feeds for partners and readers: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of
//! the newest public articles, for the whole site or one section (with its
//! sub-sections), tag, person, organization or event.
//!
//! [`build`] gathers a [`Feed`] (one query for the articles, then one per
//! related table for all items at once); [`rss`], [`atom`] and
//! [`json_feed`] turn it into bytes. The HTTP side (routes, caching) lives
//! in `http/feeds.rs`.

pub mod atom;
mod items;
pub mod json_feed;
mod params;
pub mod rss;
mod scope;

use chrono::{DateTime, Utc};
use entity::article;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub use items::{FeedItem, image_mime};
pub use params::{ContentMode, FeedFormat, FeedParams};
pub use scope::{Scope, ScopeKind};

use crate::{domain::viewer::Viewer, platform::config::Config, platform::error::AppResult};

/// What a feed shows, whatever its format.
pub struct Feed {
    /// `Toà Soạn` for the site, `Thời sự - Chính trị — Toà Soạn` for a scope.
    pub title: String,
    pub description: String,
    /// The publication's name (`PUBLICATION_NAME`).
    pub publication: String,
    /// The website's base URL, without a trailing slash.
    pub site_url: String,
    /// The matching page of the website.
    pub home_url: String,
    /// The feed's own address without the file name, e.g.
    /// `https://baotinh.example/feeds/sections/thoi-su`.
    pub feed_base: String,
    /// BCP 47 language of the publication.
    pub language: String,
    /// Newest change among the items (for an empty feed: the last change
    /// in scope, or the epoch).
    pub updated: DateTime<Utc>,
    /// Newest change that can alter the feed: also counts articles that
    /// left it (unpublished, deleted). The `Last-Modified` header.
    pub last_modified: Option<DateTime<Utc>>,
    pub publisher_logo: Option<String>,
    pub items: Vec<FeedItem>,
}

impl Feed {
    /// The feed's address in `format`.
    pub fn self_url(&self, format: FeedFormat) -> String {
        format!("{}/{}", self.feed_base, format.file_name())
    }
}

/// The feed of `scope` at `now`: public articles only (the rule of
/// [`Viewer::Anonymous`]), newest first.
pub async fn build(
    db: &DatabaseConnection,
    config: &Config,
    scope: &Scope,
    params: &FeedParams,
    now: DateTime<Utc>,
) -> AppResult<Feed> {
    let base = config.base_url();
    let (articles, changed) = if scope.articles.is_empty() {
        (Vec::new(), None)
    } else {
        let articles = scope
            .articles
            .apply(article::Entity::find())
            .filter(Viewer::Anonymous.article_condition(now))
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(params.limit)
            .all(db)
            .await?;
        (articles, newest_change(db).await?)
    };
    let items = items::load(db, config, articles, params.content).await?;
    let newest_item = items.iter().map(FeedItem::changed_at).max();
    let last_modified = newest_item
        .into_iter()
        .chain(changed)
        .max()
        .map(|at| Ord::min(at, now));
    let updated = newest_item
        .or(last_modified)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let publication = &config.publication_name;
    Ok(Feed {
        title: match &scope.name {
            Some(name) => format!("{name} — {publication}"),
            None => publication.clone(),
        },
        description: match &scope.name {
            Some(name) => format!("Tin mới nhất về {name} trên {publication}"),
            None => format!("Tin mới nhất trên {publication}"),
        },
        publication: publication.clone(),
        site_url: base.to_owned(),
        home_url: scope.home_url(base),
        feed_base: format!("{base}{}", scope.feed_path()),
        language: "vi".to_owned(),
        updated,
        last_modified,
        publisher_logo: config.publisher_logo_url.clone(),
        items,
    })
}

/// When published content last changed anywhere, from the change log:
/// an article that leaves the feed (unpublished, deleted, moved to
/// another section) is logged when it leaves. Site-wide on purpose: a
/// feed's `Last-Modified` may move without the feed changing (a client
/// then gets a 200 with the same `ETag`), never the other way round, and
/// edits of drafts never show.
async fn newest_change(db: &impl ConnectionTrait) -> AppResult<Option<DateTime<Utc>>> {
    use entity::article_change;
    Ok(article_change::Entity::find()
        .select_only()
        .column(article_change::Column::OccurredAt)
        .order_by_desc(article_change::Column::Id)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?)
}
