//! `article(id:, slug:)` and `articles(filter:, …)`.

use async_graphql::{Context, Enum, ID, Object};
use entity::article;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Article, ArticleConnection, ArticleFilter, ArticleStatus, filter};
use crate::{
    error::{AppError, AppResult},
    graphql::{connection::Total, db, loaders, request, surrogate},
    ids::{self, NodeType},
    loaders::ArticleId,
    pagination::{Cursor, Page, SortKey},
    slugs,
};

#[derive(Default)]
pub struct ArticlesQuery;

#[Object]
impl ArticlesQuery {
    /// One article by global ID or slug (exactly one of them). Null when it
    /// does not exist or the viewer may not read it.
    async fn article(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> AppResult<Option<Article>> {
        let req = request(ctx)?;
        let id = match (id, slug) {
            (Some(id), None) => Some(ids::decode(NodeType::Article, &id, "id")?),
            // Old slugs keep resolving: the article comes with its current slug.
            (None, Some(slug)) => slugs::find_id::<article::Entity>(db(ctx)?, &slug).await?,
            _ => {
                return Err(AppError::bad_input(
                    "id",
                    "give exactly one of `id` and `slug`",
                ));
            }
        };
        // Hidden or unknown, the cached `null` must go when it is published.
        let row = match id {
            Some(id) => {
                surrogate::article(ctx, id);
                loaders(ctx)?.load_one(ArticleId(id)).await?
            }
            None => {
                surrogate::article_list(ctx, None);
                None
            }
        };
        Ok(row.filter(|a| req.viewer.can_read(a, req.now)).map(Article))
    }

    /// Articles, newest first. "The latest political news" is
    /// `articles(filter: {section: "thoi-su-chinh-tri"}, first: 10)`.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)] // GraphQL arguments: a filter, Relay paging and an order.
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order_by: Option<ArticleOrder>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let req = request(ctx)?;
        let previews = filter
            .status
            .as_ref()
            .is_some_and(|s| s.iter().any(|s| *s != ArticleStatus::Published));
        if previews {
            req.viewer.require_staff("listing unpublished articles")?;
        }
        // Drafts have no publication time: by default they list by their
        // last change.
        let order = order_by.unwrap_or(if previews {
            ArticleOrder::UpdatedAt
        } else {
            ArticleOrder::PublishedAt
        });
        list_in_order(ctx, filter, &page, order, true).await
    }
}

/// A page of the articles the viewer may read, matching `filter`, newest
/// first. Shared by every `articles` connection of the schema.
pub(crate) async fn list(
    ctx: &Context<'_>,
    filter: ArticleFilter,
    page: &Page,
) -> AppResult<ArticleConnection> {
    list_ordered(ctx, filter, page, true).await
}

/// Like [`list`], oldest first when `newest_first` is false (timelines).
pub(crate) async fn list_ordered(
    ctx: &Context<'_>,
    filter: ArticleFilter,
    page: &Page,
    newest_first: bool,
) -> AppResult<ArticleConnection> {
    list_in_order(ctx, filter, page, ArticleOrder::PublishedAt, newest_first).await
}

/// The order of an article list (newest first).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOrder {
    /// By publication time; articles never published are left out.
    PublishedAt,
    /// By last change (for editors' draft lists).
    UpdatedAt,
}

async fn list_in_order(
    ctx: &Context<'_>,
    filter: ArticleFilter,
    page: &Page,
    order: ArticleOrder,
    newest_first: bool,
) -> AppResult<ArticleConnection> {
    let req = request(ctx)?;
    let db = db(ctx)?;
    let (key, key_of): (article::Column, fn(&article::Model) -> SortKey) = match order {
        ArticleOrder::PublishedAt => (article::Column::PublishedAt, |a| {
            a.published_at.map_or(SortKey::Int(0), SortKey::Time)
        }),
        ArticleOrder::UpdatedAt => (article::Column::UpdatedAt, |a| SortKey::Time(a.updated_at)),
    };
    let base = article::Entity::find()
        .filter(req.viewer.article_condition(req.now))
        .filter(key.is_not_null());
    let Some((base, section)) = filter::apply_scoped(db, &filter, base).await? else {
        surrogate::article_list(ctx, None);
        return Ok(ArticleConnection::new(
            Vec::new(),
            Default::default(),
            Total::Known(0),
        ));
    };
    let rows = page
        .apply(
            Article::without_body(base.clone()),
            key,
            article::Column::Id,
            newest_first,
        )
        .all(db)
        .await?;
    surrogate::article_list(ctx, section);
    surrogate::articles(ctx, rows.iter().map(|a| a.id));
    let (edges, info) = page.finish(rows, |a| Cursor {
        key: key_of(a),
        id: a.id,
    });
    let edges = edges.into_iter().map(|(a, c)| (Article(a), c)).collect();
    Ok(ArticleConnection::new(
        edges,
        info,
        Total::Query(Box::new(base)),
    ))
}
