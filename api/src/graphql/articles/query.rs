//! `article(id:, slug:)` and `articles(filter:, …)`.

use async_graphql::{Context, Enum, ID, Object};
use entity::article;

use super::{Article, ArticleConnection, ArticleFilter};
use crate::{
    articles::{self, ArticleScope, ListOrder},
    error::{AppError, AppResult},
    graphql::{connection::Total, db, loaders, request, surrogate},
    ids::{self, NodeType},
    loaders::ArticleId,
    pagination::Page,
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
        let scope = match filter {
            Some(filter) => filter.resolve(db(ctx)?).await?,
            None => ArticleScope::all(),
        };
        let order = order_by.map_or_else(|| ListOrder::default_for(&scope), Into::into);
        ArticleConnection::of_scope(ctx, &scope, &page, order, true).await
    }
}

/// The order of an article list (newest first).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::articles::ListOrder")]
pub enum ArticleOrder {
    /// By publication time; articles never published are left out.
    PublishedAt,
    /// By last change (for editors' draft lists).
    UpdatedAt,
}

impl ArticleConnection {
    /// A page of the articles in `scope` that the viewer may read, newest
    /// first. Every article list of the schema is built here.
    pub(crate) async fn newest(
        ctx: &Context<'_>,
        scope: &ArticleScope,
        page: &Page,
    ) -> AppResult<Self> {
        Self::of_scope(ctx, scope, page, ListOrder::PublishedAt, true).await
    }

    /// Like [`Self::newest`], in `order`, oldest first when `newest_first`
    /// is false (timelines).
    pub(crate) async fn of_scope(
        ctx: &Context<'_>,
        scope: &ArticleScope,
        page: &Page,
        order: ListOrder,
        newest_first: bool,
    ) -> AppResult<Self> {
        let req = request(ctx)?;
        let found = articles::list::page(
            db(ctx)?,
            &req.viewer,
            req.now,
            scope,
            page,
            order,
            newest_first,
        )
        .await?;
        let Some(whole) = found.whole else {
            surrogate::article_list(ctx, None);
            return Ok(Self::new(Vec::new(), found.info, Total::Known(0)));
        };
        surrogate::article_list(ctx, scope.section_root());
        surrogate::articles(ctx, found.rows.iter().map(|(a, _)| a.id));
        let edges = found
            .rows
            .into_iter()
            .map(|(a, c)| (Article(a), c))
            .collect();
        Ok(Self::new(edges, found.info, Total::Query(Box::new(whole))))
    }
}
