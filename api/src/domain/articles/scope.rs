//! [`ArticleScope`]: which articles a list covers, with every reference
//! (section, person, organization, event, tag) resolved to row ids once,
//! at the edge. A reference that names nothing makes the scope empty,
//! rather than an error: a list filtered by an unknown slug has no items.

use chrono::{DateTime, Utc};
use entity::{
    article::{self, ArticleStatus},
    article_event, article_organization, article_person, article_tag, event, organization, person,
    section, tag,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select, sea_query::Query,
};

use crate::{domain::references, domain::slugs::Slugged, platform::error::AppResult};

/// The references and bounds of a filter as a client gave them (IDs or
/// slugs), before [`ArticleScope::resolve`] looks them up.
#[derive(Clone, Debug, Default)]
pub struct ScopeRefs<'a> {
    /// A section; its sub-sections are included.
    pub section: Option<&'a str>,
    pub person: Option<&'a str>,
    pub organization: Option<&'a str>,
    pub event: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    /// Workflow states; `None` leaves them to the viewer's rights.
    pub statuses: Option<Vec<ArticleStatus>>,
}

/// A section and every section below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionTree {
    pub root: i64,
    pub ids: Vec<i64>,
}

/// Which articles a list covers, resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleScope {
    section: Option<SectionTree>,
    person: Option<i64>,
    organization: Option<i64>,
    event: Option<i64>,
    tag: Option<i64>,
    published_after: Option<DateTime<Utc>>,
    published_before: Option<DateTime<Utc>>,
    statuses: Option<Vec<ArticleStatus>>,
    /// A reference named nothing: no article is in scope.
    nothing: bool,
}

impl ArticleScope {
    /// Every article (the viewer's rights still apply).
    pub fn all() -> Self {
        Self::default()
    }

    /// Looks up the references of `refs`; errors name the field under
    /// `filter.` (a well-formed ID of another type is `BAD_USER_INPUT`).
    pub async fn resolve(db: &impl ConnectionTrait, refs: &ScopeRefs<'_>) -> AppResult<Self> {
        let mut scope = Self {
            published_after: refs.published_after,
            published_before: refs.published_before,
            statuses: refs.statuses.clone(),
            ..Self::default()
        };
        if let Some(value) = refs.section {
            match references::resolve::<section::Entity>(db, value, "filter.section").await? {
                Some(id) => scope.section = Some(section_tree(db, id).await?),
                None => scope.nothing = true,
            }
        }
        scope.person = link::<person::Entity>(db, refs.person, "filter.person", &mut scope).await?;
        scope.organization =
            link::<organization::Entity>(db, refs.organization, "filter.organization", &mut scope)
                .await?;
        scope.event = link::<event::Entity>(db, refs.event, "filter.event", &mut scope).await?;
        scope.tag = link::<tag::Entity>(db, refs.tag, "filter.tag", &mut scope).await?;
        Ok(scope)
    }

    /// The articles of section `id` and its sub-sections.
    pub async fn of_section(db: &impl ConnectionTrait, id: i64) -> AppResult<Self> {
        Ok(Self {
            section: Some(section_tree(db, id).await?),
            ..Self::default()
        })
    }

    /// The articles linked to person `id` in any role.
    pub fn of_person(id: i64) -> Self {
        Self {
            person: Some(id),
            ..Self::default()
        }
    }

    /// The articles linked to organization `id`.
    pub fn of_organization(id: i64) -> Self {
        Self {
            organization: Some(id),
            ..Self::default()
        }
    }

    /// The articles covering event `id` (its timeline).
    pub fn of_event(id: i64) -> Self {
        Self {
            event: Some(id),
            ..Self::default()
        }
    }

    /// The articles tagged `id`.
    pub fn of_tag(id: i64) -> Self {
        Self {
            tag: Some(id),
            ..Self::default()
        }
    }

    /// Whether a reference named nothing, so that no article is in scope.
    pub fn is_empty(&self) -> bool {
        self.nothing
    }

    /// The section the scope narrows to (its sub-sections included).
    pub fn section_root(&self) -> Option<i64> {
        self.section.as_ref().map(|tree| tree.root)
    }

    /// Whether it asks for articles readers do not see (drafts, reviews,
    /// scheduled or unpublished ones): previews, for staff only.
    pub fn includes_unpublished(&self) -> bool {
        self.statuses
            .as_ref()
            .is_some_and(|s| s.iter().any(|s| *s != ArticleStatus::Published))
    }

    /// The same scope as the embedded search index filters it; anonymous
    /// readers pass `public_at` (the request's "now").
    pub fn index_filter(
        &self,
        public_at: Option<DateTime<Utc>>,
    ) -> crate::domain::search::embedded::find::IndexFilter {
        crate::domain::search::embedded::find::IndexFilter {
            public_at,
            statuses: self.statuses.clone(),
            sections: self.section.as_ref().map(|tree| tree.ids.clone()),
            person: self.person,
            organization: self.organization,
            event: self.event,
            tag: self.tag,
            published_after: self.published_after,
            published_before: self.published_before,
        }
    }

    /// `select` narrowed to the scope. Check [`Self::is_empty`] first: an
    /// empty scope adds no condition here.
    pub fn apply(&self, mut select: Select<article::Entity>) -> Select<article::Entity> {
        if let Some(tree) = &self.section {
            select = select.filter(article::Column::SectionId.is_in(tree.ids.clone()));
        }
        select = linked::<article_person::Entity>(
            select,
            self.person,
            article_person::Column::ArticleId,
            article_person::Column::PersonId,
        );
        select = linked::<article_organization::Entity>(
            select,
            self.organization,
            article_organization::Column::ArticleId,
            article_organization::Column::OrganizationId,
        );
        select = linked::<article_event::Entity>(
            select,
            self.event,
            article_event::Column::ArticleId,
            article_event::Column::EventId,
        );
        select = linked::<article_tag::Entity>(
            select,
            self.tag,
            article_tag::Column::ArticleId,
            article_tag::Column::TagId,
        );
        if let Some(statuses) = &self.statuses {
            select = select.filter(article::Column::Status.is_in(statuses.clone()));
        }
        if let Some(after) = self.published_after {
            select = select.filter(article::Column::PublishedAt.gte(after));
        }
        if let Some(before) = self.published_before {
            select = select.filter(article::Column::PublishedAt.lt(before));
        }
        select
    }

    /// Whether the article of `facts` is in the scope: the same rule as
    /// [`Self::apply`], in memory (a live subscription checks each new
    /// article against its filter without a statement).
    pub fn admits(&self, facts: &crate::domain::live::ArticleFacts) -> bool {
        let article = &facts.article;
        let linked = |target: Option<i64>, ids: &[i64]| target.is_none_or(|id| ids.contains(&id));
        !self.nothing
            && self
                .section
                .as_ref()
                .is_none_or(|tree| tree.ids.contains(&article.section_id))
            && linked(self.person, &facts.people)
            && linked(self.organization, &facts.organizations)
            && linked(self.event, &facts.events)
            && linked(self.tag, &facts.tags)
            && self
                .statuses
                .as_ref()
                .is_none_or(|s| s.contains(&article.status))
            && self
                .published_after
                .is_none_or(|after| article.published_at.is_some_and(|at| at >= after))
            && self
                .published_before
                .is_none_or(|before| article.published_at.is_some_and(|at| at < before))
    }
}

/// Resolves an optional link reference; an unknown one empties `scope`.
async fn link<E: Slugged>(
    db: &impl ConnectionTrait,
    value: Option<&str>,
    field: &str,
    scope: &mut ArticleScope,
) -> AppResult<Option<i64>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let id = references::resolve::<E>(db, value, field).await?;
    scope.nothing |= id.is_none();
    Ok(id)
}

/// Keeps the articles that link table `L` ties to `target`
/// (`id IN (SELECT article_id FROM L WHERE column = target)`).
fn linked<L: EntityTrait>(
    select: Select<article::Entity>,
    target: Option<i64>,
    article_id: L::Column,
    column: L::Column,
) -> Select<article::Entity> {
    let Some(id) = target else {
        return select;
    };
    select.filter(
        article::Column::Id.in_subquery(
            Query::select()
                .column(article_id)
                .from(L::default())
                .and_where(column.eq(id))
                .to_owned(),
        ),
    )
}

/// Section `root` and every section below it.
pub async fn section_tree(db: &impl ConnectionTrait, root: i64) -> AppResult<SectionTree> {
    let sections: Vec<(i64, Option<i64>)> = section::Entity::find()
        .select_only()
        .column(section::Column::Id)
        .column(section::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(SectionTree {
        root,
        ids: subtree(&sections, root),
    })
}

/// The ids of `root` and its descendants among `(id, parent)` pairs.
pub fn subtree(sections: &[(i64, Option<i64>)], root: i64) -> Vec<i64> {
    let mut ids = vec![root];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i];
        ids.extend(
            sections
                .iter()
                .filter(|(_, p)| *p == Some(parent))
                .map(|(id, _)| *id),
        );
        i += 1;
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subtree_holds_the_root_and_every_descendant() {
        let sections = [
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, None),
            (5, Some(1)),
        ];
        assert_eq!(subtree(&sections, 1), vec![1, 2, 5, 3]);
        assert_eq!(subtree(&sections, 4), vec![4]);
    }

    #[test]
    fn only_other_states_than_published_are_previews() {
        let published = ArticleScope {
            statuses: Some(vec![ArticleStatus::Published]),
            ..ArticleScope::all()
        };
        assert!(!published.includes_unpublished());
        let drafts = ArticleScope {
            statuses: Some(vec![ArticleStatus::Published, ArticleStatus::Draft]),
            ..ArticleScope::all()
        };
        assert!(drafts.includes_unpublished());
        assert!(!ArticleScope::all().includes_unpublished());
    }
}
