//! JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>), serialized
//! with serde. Served as `application/feed+json`.

use serde::Serialize;

use super::{Feed, FeedFormat, FeedItem, image_mime};
use crate::{
    platform::error::{AppError, AppResult},
    platform::zone,
};

/// The version URL every JSON Feed 1.1 document starts with.
pub const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    language: &'a str,
    authors: Vec<Author<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment<'a>>,
}

#[derive(Serialize)]
struct Attachment<'a> {
    url: &'a str,
    mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// `feed` as a JSON Feed 1.1 document.
pub fn render(feed: &Feed) -> AppResult<Vec<u8>> {
    let json = JsonFeed {
        version: VERSION,
        title: &feed.title,
        home_page_url: &feed.home_url,
        feed_url: feed.self_url(FeedFormat::JsonFeed),
        description: &feed.description,
        icon: feed.publisher_logo.as_deref(),
        language: &feed.language,
        authors: vec![Author {
            name: &feed.publication,
        }],
        items: feed.items.iter().map(item).collect(),
    };
    serde_json::to_vec(&json).map_err(|e| AppError::Internal(format!("writing JSON Feed: {e}")))
}

fn item(item: &FeedItem) -> JsonItem<'_> {
    let article = &item.article;
    let mut tags: Vec<&str> = item.section.iter().map(|s| s.name.as_str()).collect();
    tags.extend(item.tags.iter().map(|t| t.name.as_str()));
    JsonItem {
        id: &item.id,
        url: &item.url,
        title: &article.title,
        summary: &article.lead,
        content_html: item.content_html.as_deref(),
        // Without the body, the lead is the content (one of the two is
        // required).
        content_text: item.content_html.is_none().then_some(article.lead.as_str()),
        image: item.lead_image.as_ref().map(|m| m.url.as_str()),
        date_published: zone::w3c(item.published_at()),
        date_modified: zone::w3c(item.changed_at()),
        authors: item
            .authors
            .iter()
            .map(|p| Author { name: &p.full_name })
            .collect(),
        tags,
        language: &article.language,
        attachments: item
            .lead_image
            .iter()
            .map(|m| Attachment {
                url: &m.url,
                mime_type: image_mime(m),
                title: m.caption.as_deref(),
            })
            .collect(),
    }
}
