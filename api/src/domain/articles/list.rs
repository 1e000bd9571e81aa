//! A page of the articles a viewer may read in a scope, in reading order:
//! keyset pagination over `(published_at, id)` (or `(updated_at, id)` for
//! editors' draft lists), served by the reading-order indexes.

use chrono::{DateTime, Utc};
use entity::article;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter, QuerySelect, Select,
    sea_query::Expr,
};

use super::ArticleScope;
use crate::{
    domain::viewer::Viewer,
    platform::error::AppResult,
    platform::pagination::{Cursor, Page, PageInfo, SortKey},
};

/// What a list is sorted by (newest first unless asked otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOrder {
    /// By publication time; articles never published are left out.
    PublishedAt,
    /// By last change (for editors' draft lists).
    UpdatedAt,
}

impl ListOrder {
    /// The order a list takes when the client names none: previews of
    /// drafts, which have no publication time, list by their last change.
    pub fn default_for(scope: &ArticleScope) -> Self {
        if scope.includes_unpublished() {
            Self::UpdatedAt
        } else {
            Self::PublishedAt
        }
    }

    fn column(self) -> article::Column {
        match self {
            Self::PublishedAt => article::Column::PublishedAt,
            Self::UpdatedAt => article::Column::UpdatedAt,
        }
    }

    fn key(self, row: &article::Model) -> SortKey {
        match self {
            Self::PublishedAt => row.published_at.map_or(SortKey::Int(0), SortKey::Time),
            Self::UpdatedAt => SortKey::Time(row.updated_at),
        }
    }
}

/// One page of a list.
pub struct ArticlePage {
    /// The rows (without their body: see [`without_body`]) with their
    /// cursors.
    pub rows: Vec<(article::Model, String)>,
    pub info: PageInfo,
    /// The whole list without paging, to count on demand; `None` when the
    /// scope is empty.
    pub whole: Option<Select<article::Entity>>,
}

/// The page of `scope` that `viewer` may read at `now`. Listing previews
/// (statuses readers do not see) is for staff only.
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: DateTime<Utc>,
    scope: &ArticleScope,
    page: &Page,
    order: ListOrder,
    newest_first: bool,
) -> AppResult<ArticlePage> {
    if scope.includes_unpublished() {
        viewer.require_staff("listing unpublished articles")?;
    }
    if scope.is_empty() {
        return Ok(ArticlePage {
            rows: Vec::new(),
            info: PageInfo::default(),
            whole: None,
        });
    }
    let key = order.column();
    let whole = scope.apply(
        article::Entity::find()
            .filter(viewer.article_condition(now))
            .filter(key.is_not_null()),
    );
    let rows = page
        .apply(
            without_body(whole.clone()),
            key,
            article::Column::Id,
            newest_first,
        )
        .all(db)
        .await?;
    let (rows, info) = page.finish(rows, |a| Cursor {
        key: order.key(a),
        id: a.id,
    });
    Ok(ArticlePage {
        rows,
        info,
        whole: Some(whole),
    })
}

/// `select` without the body: lists read cards, and the body is most of
/// an article's row (4 KB on average). The column comes back empty, which
/// a stored body never is (it is at least `[]`), so whoever needs the
/// body knows to load it.
pub fn without_body(select: Select<article::Entity>) -> Select<article::Entity> {
    select
        .select_only()
        .columns(article::Column::iter().filter(|c| !matches!(c, article::Column::Body)))
        .column_as(Expr::cust("''"), "body")
}
