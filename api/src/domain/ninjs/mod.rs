//! IPTC ninjs 3.1 ("News in JSON") for partners: articles as standard news
//! items (`GET /v1/ninjs/articles/{id}`, and the items of `GET /v1/sync`).
//!
//! Why 3.1: the contract's property names (`versionCreated`, `pubStatus`,
//! `firstCreated`) are ninjs 3's camelCase ones (2.x spells them in lower
//! case), 3.x models renditions and associations as named arrays, and 3.1
//! is the current release (3.0 plus `digitalSourceType`). The schema is
//! vendored in `api/standards/ninjs/` and every test item is validated
//! against it.
//!
//! Mapping: `uri` `urn:toasoan:article:{id}` (stable across slug and
//! section changes), `version` the article version, `firstCreated` the
//! first publication, `versionCreated` the last change, both RFC 3339 at
//! +07:00; `headlines` the title, `descriptions` the sapo, `bodies` the
//! sanitized HTML of the body blocks; `by` the byline; `people` with their
//! role as `rel`; `organisations`, `events`; `subjects` the section, its
//! IPTC media topic and the tags; `associations` the photos with caption,
//! alt text, credit and an `original` rendition; `renditions` the web page.

mod build;
mod load;
mod model;

pub use model::*;

use chrono::{DateTime, Utc};
use entity::article;
use sea_orm::ConnectionTrait;

use crate::platform::error::AppResult;

/// The ninjs release we follow.
pub const STANDARD_VERSION: &str = "3.1";

/// The `$id` of its JSON Schema.
pub const SCHEMA_URI: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#";

/// The ninjs `uri` of article `id` (tombstones carry it too).
pub fn article_uri(id: i64) -> String {
    format!("urn:toasoan:article:{id}")
}

/// The items of `articles`, in order, with a fixed number of statements.
/// Visibility is the caller's business.
pub async fn articles(
    db: &impl ConnectionTrait,
    articles: &[article::Model],
    base_url: &str,
    media: &crate::domain::media::Links,
    now: DateTime<Utc>,
) -> AppResult<Vec<Ninjs>> {
    let mut related = load::Related::load(db, articles).await?;
    related.media = std::mem::take(&mut related.media)
        .into_iter()
        .map(|(id, m)| (id, media.syndicated(m)))
        .collect();
    Ok(articles
        .iter()
        .map(|a| build::article(a, &related, base_url, now))
        .collect())
}
