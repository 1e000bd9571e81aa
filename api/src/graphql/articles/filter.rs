//! `ArticleFilter`: the GraphQL form of an [`ArticleScope`], parsed once
//! at the edge.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::ArticleStatus;
use crate::{
    domain::articles::{ArticleScope, ScopeRefs},
    platform::error::AppResult,
};

/// Narrows a list of articles. References take a global ID or a slug.
#[derive(InputObject, Default, Clone)]
pub struct ArticleFilter {
    /// A section (ID or slug); its sub-sections are included.
    pub section: Option<String>,
    /// A person (ID or slug) linked in any role.
    pub person: Option<String>,
    /// An organization (ID or slug).
    pub organization: Option<String>,
    /// An event (ID or slug).
    pub event: Option<String>,
    /// A tag (ID or slug).
    pub tag: Option<String>,
    /// Only articles published at or after this time.
    pub published_after: Option<DateTime<Utc>>,
    /// Only articles published before this time.
    pub published_before: Option<DateTime<Utc>>,
    /// Only articles in these workflow states. Anything but `PUBLISHED`
    /// needs a staff token (drafts are previews).
    pub status: Option<Vec<ArticleStatus>>,
}

impl ArticleFilter {
    /// The filter as the domain reads it, references still unresolved.
    pub fn refs(&self) -> ScopeRefs<'_> {
        ScopeRefs {
            section: self.section.as_deref(),
            person: self.person.as_deref(),
            organization: self.organization.as_deref(),
            event: self.event.as_deref(),
            tag: self.tag.as_deref(),
            published_after: self.published_after,
            published_before: self.published_before,
            statuses: self
                .status
                .as_ref()
                .map(|s| s.iter().map(|s| (*s).into()).collect()),
        }
    }

    /// The scope this filter names, references looked up once.
    pub async fn resolve(&self, db: &impl ConnectionTrait) -> AppResult<ArticleScope> {
        ArticleScope::resolve(db, &self.refs()).await
    }
}
