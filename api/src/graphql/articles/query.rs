//! `article(id:, slug:)` and `articles(filter:, …)`.

use async_graphql::{Context, Enum, ID, Object};
use entity::article;

use super::{Article, ArticleConnection, ArticleFilter};
use crate::{
    domain::articles::{self, ArticleScope, ListOrder},
    domain::loaders::ArticleId,
    domain::{references, slugs},
    graphql::{connection::Total, db, loaders, request, surrogate},
    platform::error::AppResult,
    platform::pagination::Page,
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
        #[graphql(desc = "The global ID. Give exactly one of `id` and `slug`.")] id: Option<ID>,
        #[graphql(
            desc = "The slug; an old slug still finds the article, which comes with its current slug. Give exactly one of `id` and `slug`."
        )]
        slug: Option<String>,
    ) -> AppResult<Option<Article>> {
        let req = request(ctx)?;
        // Hidden or unknown, the cached `null` must go when it is published.
        let row = match (id, slug) {
            // By slug: the row itself in one statement (an article page
            // starts here), not its id and then the row.
            (None, Some(slug)) => {
                let row = slugs::find_row::<article::Entity>(db(ctx)?, &slug).await?;
                match &row {
                    Some(row) => surrogate::article(ctx, row.id),
                    None => surrogate::article_list(ctx, None),
                }
                row
            }
            (id, slug) => {
                let id = references::by_id_or_slug::<article::Entity>(
                    db(ctx)?,
                    id.as_ref().map(|id| id.as_str()),
                    slug.as_deref(),
                )
                .await?;
                match id {
                    Some(id) => {
                        surrogate::article(ctx, id);
                        loaders(ctx)?.load_one(ArticleId(id)).await?
                    }
                    None => {
                        surrogate::article_list(ctx, None);
                        None
                    }
                }
            }
        };
        Ok(row
            .filter(|a| req.viewer.can_read(a, req.now()))
            .map(Article))
    }

    /// Articles, newest first. "The latest political news" is
    /// `articles(filter: {section: "thoi-su-chinh-tri"}, first: 10)`.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    #[allow(clippy::too_many_arguments)] // GraphQL arguments: a filter, Relay paging and an order.
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which articles: section (with sub-sections), person, organization, event, tag, dates, workflow states."
        )]
        filter: Option<ArticleFilter>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
        #[graphql(
            desc = "What the list is sorted by, newest first: `PUBLISHED_AT` by default, `UPDATED_AT` when `filter.status` asks for unpublished states."
        )]
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
#[graphql(remote = "crate::domain::articles::ListOrder")]
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
            req.now(),
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
