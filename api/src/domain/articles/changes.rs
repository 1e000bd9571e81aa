//! A change to an article, validated and resolved (ids, not names): what
//! every writer — the GraphQL mutations, a revision restored, an import —
//! hands to [`super::store`].

use chrono::{DateTime, Utc};
use entity::{article::ArticleStatus, article_person::PersonRole};

use crate::domain::body::Block;

/// A photo to store: an existing media row or a new one.
#[derive(Clone, Debug, PartialEq)]
pub enum Image {
    Existing(i64),
    New(NewMedia),
}

/// The columns of a new media row, cleaned.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMedia {
    pub url: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub mime: Option<String>,
}

/// A body block whose images may still need a media row.
#[derive(Clone, Debug, PartialEq)]
pub enum PendingBlock {
    Ready(Block),
    Image(Image),
}

/// Validated, cleaned, resolved changes. `None` means "leave as it is".
#[derive(Default)]
pub struct Changes {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub lead: Option<String>,
    pub body: Option<Vec<PendingBlock>>,
    pub section_id: Option<i64>,
    pub language: Option<String>,
    pub people: Option<Vec<(i64, PersonRole)>>,
    pub organizations: Option<Vec<i64>>,
    pub events: Option<Vec<i64>>,
    pub tags: Option<Vec<i64>>,
    /// `Some(None)` removes the lead image.
    pub lead_image: Option<Option<Image>>,
    /// The workflow state and publication time to set directly (imports;
    /// the mutations move articles through `transition`).
    pub placement: Option<(ArticleStatus, Option<DateTime<Utc>>)>,
    /// When the article was created (imports keep the source's date).
    pub created_at: Option<DateTime<Utc>>,
}

impl Changes {
    /// Names of the fields this change touches (for revisions).
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("title", self.title.is_some()),
            ("slug", self.slug.is_some()),
            ("lead", self.lead.is_some()),
            ("body", self.body.is_some()),
            ("section", self.section_id.is_some()),
            ("language", self.language.is_some()),
            ("people", self.people.is_some()),
            ("organizations", self.organizations.is_some()),
            ("events", self.events.is_some()),
            ("tags", self.tags.is_some()),
            ("leadImage", self.lead_image.is_some()),
            ("status", self.placement.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}
