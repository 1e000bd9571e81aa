//! Which articles a feed covers: the whole site, or one section (with its
//! sub-sections), tag, person, organization or event found by its slug
//! (old slugs included).

use entity::{event, organization, person, section, tag};
use sea_orm::ConnectionTrait;

use crate::{
    domain::articles::ArticleScope,
    domain::{references, slugs::Slugged},
    platform::error::AppResult,
    platform::urls,
};

/// The kinds of things a feed can follow, as named in `/feeds/{kind}/…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Section,
    Tag,
    Person,
    Organization,
    Event,
}

impl ScopeKind {
    /// The kind named by a path segment: `sections`, `tags`, `people`,
    /// `organizations` or `events`.
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "sections" => Some(Self::Section),
            "tags" => Some(Self::Tag),
            "people" => Some(Self::Person),
            "organizations" => Some(Self::Organization),
            "events" => Some(Self::Event),
            _ => None,
        }
    }

    /// The path segment of the kind.
    pub fn path(self) -> &'static str {
        match self {
            Self::Section => "sections",
            Self::Tag => "tags",
            Self::Person => "people",
            Self::Organization => "organizations",
            Self::Event => "events",
        }
    }

    /// What a missing row of this kind is called in errors.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Section => "section",
            Self::Tag => "tag",
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Event => "event",
        }
    }
}

/// A resolved feed scope.
#[derive(Clone, Default)]
pub struct Scope {
    /// The kind and the current slug; `None` for the whole site.
    pub target: Option<(ScopeKind, String)>,
    /// The display name of the section, tag, person…
    pub name: Option<String>,
    /// The articles of the scope, as the `articles` query would filter them.
    pub articles: ArticleScope,
}

impl Scope {
    /// The whole site.
    pub fn site() -> Self {
        Self::default()
    }

    /// The scope of `kind` named `slug` (current or old); `None` when no
    /// such row exists.
    pub async fn find(
        db: &impl ConnectionTrait,
        kind: ScopeKind,
        slug: &str,
    ) -> AppResult<Option<Self>> {
        let found = match kind {
            ScopeKind::Section => row::<section::Entity>(db, slug)
                .await?
                .map(|s| (s.id, s.slug, s.name)),
            ScopeKind::Tag => row::<tag::Entity>(db, slug)
                .await?
                .map(|t| (t.id, t.slug, t.name)),
            ScopeKind::Person => row::<person::Entity>(db, slug)
                .await?
                .map(|p| (p.id, p.slug, p.full_name)),
            ScopeKind::Organization => row::<organization::Entity>(db, slug)
                .await?
                .map(|o| (o.id, o.slug, o.name)),
            ScopeKind::Event => row::<event::Entity>(db, slug)
                .await?
                .map(|e| (e.id, e.slug, e.name)),
        };
        let Some((id, slug, name)) = found else {
            return Ok(None);
        };
        let articles = match kind {
            ScopeKind::Section => ArticleScope::of_section(db, id).await?,
            ScopeKind::Tag => ArticleScope::of_tag(id),
            ScopeKind::Person => ArticleScope::of_person(id),
            ScopeKind::Organization => ArticleScope::of_organization(id),
            ScopeKind::Event => ArticleScope::of_event(id),
        };
        Ok(Some(Self {
            target: Some((kind, slug)),
            name: Some(name),
            articles,
        }))
    }

    /// `/feeds` or `/feeds/{kind}/{slug}` (current slug).
    pub fn feed_path(&self) -> String {
        match &self.target {
            Some((kind, slug)) => format!("/feeds/{}/{slug}", kind.path()),
            None => "/feeds".to_owned(),
        }
    }

    /// The website page of the scope: a section's page, otherwise the home
    /// page (the website's routes for tags and people are its own).
    pub fn home_url(&self, base: &str) -> String {
        match &self.target {
            Some((ScopeKind::Section, slug)) => urls::section(base, slug),
            _ => format!("{base}/"),
        }
    }
}

/// The row named `slug` now or before.
async fn row<E: Slugged>(db: &impl ConnectionTrait, slug: &str) -> AppResult<Option<E::Model>> {
    references::find_row::<E>(db, slug, "slug").await
}
