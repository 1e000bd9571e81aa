//! `ArticleFilter`: which articles a list shows, resolved to ids once.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entity::{
    article, article_event, article_organization, article_person, article_tag, event, organization,
    person, section, tag,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, sea_query::Query};

use super::ArticleStatus;
use crate::{
    error::AppResult,
    ids::{self, NodeType},
    slugs::{self, Slugged},
};

/// Narrows a list of articles. References take a global ID or a slug.
#[derive(InputObject, Default, Clone)]
pub struct ArticleFilter {
    /// A section slug; its sub-sections are included.
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

/// A filter whose references were looked up; `None` means a reference
/// matched nothing, so the list is empty.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    filter: &ArticleFilter,
    select: Select<article::Entity>,
) -> AppResult<Option<Select<article::Entity>>> {
    Ok(apply_scoped(db, filter, select)
        .await?
        .map(|(select, _)| select))
}

/// Like [`apply`], also giving the id of the section the filter narrows
/// to (its sub-sections included), if any.
pub(crate) async fn apply_scoped(
    db: &impl ConnectionTrait,
    filter: &ArticleFilter,
    mut select: Select<article::Entity>,
) -> AppResult<Option<(Select<article::Entity>, Option<i64>)>> {
    let mut section_root = None;
    if let Some(slug) = &filter.section {
        let Some(root) = slugs::find_id::<section::Entity>(db, slug).await? else {
            return Ok(None);
        };
        let sections = section::Entity::find().all(db).await?;
        select = select.filter(article::Column::SectionId.is_in(subtree(&sections, root)));
        section_root = Some(root);
    }
    macro_rules! link {
        ($value:expr, $kind:expr, $entity:ident, $field:literal, $link:ident, $link_col:ident) => {
            if let Some(value) = $value {
                let Some(id) = resolve::<$entity::Entity>(db, $kind, value, $field).await? else {
                    return Ok(None);
                };
                select = select.filter(
                    article::Column::Id.in_subquery(
                        Query::select()
                            .column($link::Column::ArticleId)
                            .from($link::Entity)
                            .and_where($link::Column::$link_col.eq(id))
                            .to_owned(),
                    ),
                );
            }
        };
    }
    link!(
        &filter.person,
        NodeType::Person,
        person,
        "filter.person",
        article_person,
        PersonId
    );
    link!(
        &filter.organization,
        NodeType::Organization,
        organization,
        "filter.organization",
        article_organization,
        OrganizationId
    );
    link!(
        &filter.event,
        NodeType::Event,
        event,
        "filter.event",
        article_event,
        EventId
    );
    link!(
        &filter.tag,
        NodeType::Tag,
        tag,
        "filter.tag",
        article_tag,
        TagId
    );
    if let Some(statuses) = &filter.status {
        let statuses: Vec<entity::article::ArticleStatus> =
            statuses.iter().map(|s| (*s).into()).collect();
        select = select.filter(article::Column::Status.is_in(statuses));
    }
    if let Some(after) = filter.published_after {
        select = select.filter(article::Column::PublishedAt.gte(after));
    }
    if let Some(before) = filter.published_before {
        select = select.filter(article::Column::PublishedAt.lt(before));
    }
    Ok(Some((select, section_root)))
}

/// The ids of a section and every section below it.
pub(crate) fn subtree(sections: &[section::Model], root: i64) -> Vec<i64> {
    let mut ids = vec![root];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i];
        ids.extend(
            sections
                .iter()
                .filter(|s| s.parent_id == Some(parent))
                .map(|s| s.id),
        );
        i += 1;
    }
    ids
}

/// Turns a global ID or a slug (current or old) into a row id; `None`
/// when the slug is unknown. An ID of another type is bad input.
pub(crate) async fn resolve<E: Slugged>(
    db: &impl ConnectionTrait,
    kind: NodeType,
    value: &str,
    field: &str,
) -> AppResult<Option<i64>> {
    if ids::decode_any(value).is_some() {
        return ids::decode(kind, value, field).map(Some);
    }
    slugs::find_id::<E>(db, value).await
}
