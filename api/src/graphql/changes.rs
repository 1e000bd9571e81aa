//! `changes(after:, first:)`: the change log of published content, for
//! partners' incremental sync (partner, editor or admin tokens).

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::article_change;
use sea_orm::EntityTrait;

use super::{articles::Article, connection::connection, db, loaders, request, surrogate};
use crate::{
    domain::changes::{self, Change as Row},
    domain::loaders::{ArticleId, SectionId},
    domain::viewer::Viewer,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::{Page, PageInfo},
};

/// What happened to an article, as partners see it.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::article_change::ChangeKind")]
pub enum ChangeKind {
    /// It became public (published, or scheduled and due).
    Published,
    /// A public article changed: fetch its current version.
    Updated,
    /// A public article was taken down: remove it.
    Unpublished,
    /// An article partners had heard of was deleted: remove it for good.
    Deleted,
}

/// One entry of the change log.
pub struct Change(pub(crate) Row);

connection!(
    ChangeConnection,
    ChangeEdge,
    Change,
    article_change::Entity,
    "A page of the change log, oldest first."
);

/// One entry of the change log: what happened to which article, when,
/// and which CDN keys to purge.
#[Object]
impl Change {
    /// The position in the log (increasing, not necessarily contiguous).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The cursor that resumes right after this entry (`changes(after:)`,
    /// the `changes` subscription, `/v1/sync`): store it as you go.
    async fn cursor(&self) -> String {
        changes::encode_cursor(self.0.id)
    }

    /// What happened to the article.
    async fn kind(&self) -> ChangeKind {
        self.0.kind.into()
    }

    /// When it happened (publication time for content loaded in bulk).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The global ID of the article (kept for tombstones).
    async fn article_id(&self) -> ID {
        ids::encode(NodeType::Article, self.0.article_id).into()
    }

    /// The article's slug after the change.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The article's version after the change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The CDN surrogate keys this change purges (`Surrogate-Key`,
    /// `Cache-Tag`): the article, every article list, and the lists of its
    /// section and of each section above it — from the article's current
    /// section (after a move, also purge the old section's lists).
    async fn surrogate_keys(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        let loaders = loaders(ctx)?;
        let mut keys = vec![
            surrogate::article_key(self.0.article_id),
            surrogate::ARTICLE_LISTS.to_owned(),
        ];
        let article = loaders.load_one(ArticleId(self.0.article_id)).await?;
        let mut next = article.map(|a| a.section_id);
        // The tree is shallow; the bound only guards against a cycle.
        for _ in 0..32 {
            let Some(id) = next else { break };
            keys.push(surrogate::section_articles_key(id));
            next = loaders
                .load_one(SectionId(id))
                .await?
                .and_then(|s| s.parent_id);
        }
        Ok(keys)
    }

    /// The article as it is now; null when it is not public any more
    /// (unpublished or deleted since, whatever the kind of this entry).
    async fn article(&self, ctx: &Context<'_>) -> AppResult<Option<Article>> {
        let now = request(ctx)?.now();
        let row = loaders(ctx)?.load_one(ArticleId(self.0.article_id)).await?;
        Ok(row
            .filter(|a| Viewer::Anonymous.can_read(a, now))
            .map(Article))
    }
}

/// The change-log query.
#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// The change log of published content, oldest first: `PUBLISHED`,
    /// `UPDATED`, `UNPUBLISHED` and `DELETED` entries. Resume with `after:
    /// pageInfo.endCursor`, which is set even on an empty page (then it is
    /// the `after` you sent), so you can always store it. Entries become
    /// visible in log order, so nothing is ever skipped. Partner, editor or
    /// admin tokens only.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Cursor to resume after: the `pageInfo.endCursor` you stored; absent to start from the beginning of the log."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size: 0 to 100; 20 when absent.")] first: Option<i32>,
    ) -> AppResult<ChangeConnection> {
        request(ctx)?
            .viewer
            .require_syndication("following the change log")?;
        let limit = Page::forward(first, None)?.limit;
        let after = match &after {
            Some(cursor) => changes::decode_cursor(cursor, "after")?,
            None => 0,
        };
        let (rows, has_more) = changes::page(db(ctx)?, after, limit).await?;
        let edges: Vec<(Change, String)> = rows
            .into_iter()
            .map(|row| {
                let cursor = changes::encode_cursor(row.id);
                (Change(row), cursor)
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: has_more,
            has_previous_page: after > 0,
            start_cursor: edges.first().map(|(_, c)| c.clone()),
            end_cursor: Some(
                edges
                    .last()
                    .map_or_else(|| changes::encode_cursor(after), |(_, c)| c.clone()),
            ),
        };
        Ok(ChangeConnection::new(
            edges,
            page_info,
            super::connection::Total::Query(Box::new(article_change::Entity::find())),
        ))
    }
}
