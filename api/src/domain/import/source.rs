//! What an importer reads from a source, before anything is resolved
//! against the database: one [`SourceArticle`] per post or news item, in
//! the newsroom's own terms (blocks, sections, people by slug and name).
//! Readers (`wordpress`, `ninjs`) produce these; `apply` writes them.

use chrono::{DateTime, Utc};
use entity::article_person::PersonRole;

use crate::domain::body::Block;

/// One article as the source has it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceArticle {
    /// The source's own id, stable across exports: `wordpress:{post id}`
    /// (prefixed with the site's base URL) or the ninjs `uri`.
    pub source_id: String,
    /// The line of the source file where the item starts (for reports).
    pub line: u64,
    /// The slug the source used (already a valid slug, or `None` to make
    /// one from the title).
    pub slug: Option<String>,
    /// Old addresses that must keep finding the article: the old
    /// permalink's path (`2021/12/27/dan-van-kheo`), the source's slug when
    /// it differs from the one stored.
    pub aliases: Vec<String>,
    pub title: String,
    /// The sapo; empty when the source has none.
    pub lead: String,
    pub body: Vec<SourceBlock>,
    pub status: SourceStatus,
    /// First publication (or the scheduled time), UTC.
    pub published_at: Option<DateTime<Utc>>,
    /// When the source created the item, UTC.
    pub created_at: Option<DateTime<Utc>>,
    /// BCP 47 tag; `None` for the newsroom's default.
    pub language: Option<String>,
    /// The primary section, with its ancestors first (`[Thời sự, Chính trị]`).
    pub sections: Vec<SourceTerm>,
    /// The IPTC media topic of the section (`medtop:11000000`), given to
    /// a section the import creates.
    pub media_topic: Option<String>,
    pub tags: Vec<SourceTerm>,
    /// People in byline order, with their role.
    pub people: Vec<(SourceTerm, PersonRole)>,
    pub organizations: Vec<SourceTerm>,
    pub events: Vec<SourceTerm>,
    pub lead_image: Option<SourcePhoto>,
}

/// Where the source says the article stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceStatus {
    Published,
    Draft,
    /// Published at a future `published_at`.
    Scheduled,
    /// Taken down, private, withheld.
    Unpublished,
}

/// A named thing the article links to (section, tag, person,
/// organization, event), matched by slug.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceTerm {
    /// A valid slug (`slugify`d by the reader).
    pub slug: String,
    pub name: String,
}

/// One body block; photos are not media rows yet.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceBlock {
    /// Any block but an image (`Block::Image` never appears here).
    Block(Block),
    Image(SourcePhoto),
}

/// A photo by its URL, with what the source says about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourcePhoto {
    /// Absolute http(s) URL.
    pub url: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub mime: Option<String>,
    /// The source's own id of the photo when it has one (a WordPress
    /// attachment id from `wp-image-12` or `[caption id="attachment_12"]`),
    /// so the reader can fill in what the body's markup leaves out.
    pub source_ref: Option<String>,
}

/// An item the reader could not make sense of: reported with its source
/// id and line, skipped (or the import stops with `--strict`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadItem {
    /// The source id when the reader got that far.
    pub source_id: Option<String>,
    pub line: u64,
    pub message: String,
}
