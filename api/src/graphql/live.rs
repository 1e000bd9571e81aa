//! Live news: the subscription root. Each field follows the change log
//! through the replica's feed (`domain::live`) and resolves what it hands
//! out with the subscriber's rights, as of the moment of each event.
//! Served over WebSocket (`graphql-transport-ws`, and the legacy
//! `graphql-ws` subprotocol) and Server-Sent Events by the endpoint.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{article, article_change::ChangeKind as Kind};
use futures_util::{StreamExt, stream::BoxStream};

use super::{
    articles::{Article, ArticleFilter},
    changes::{Change, ChangeKind},
    db, request,
};
use crate::{
    domain::articles::ArticleScope,
    domain::changes,
    domain::live::{self, Feed, From, Live},
    domain::references,
    domain::viewer::Viewer,
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
};

/// What a subscription field hands out: its events, or the error that
/// ends it.
type Events<T> = BoxStream<'static, async_graphql::Result<T>>;

/// The subscription root.
#[derive(Default)]
pub struct Subscription;

/// Every subscription of the API: live news, over WebSocket
/// (`graphql-transport-ws`) or Server-Sent Events on `/graphql`.
#[Subscription]
impl Subscription {
    /// Articles as they become visible to readers: published now, or
    /// scheduled and their time come (within the scheduler's interval).
    /// `filter` narrows them as in `articles` (a section with its
    /// sub-sections, a person, an organization, an event, a tag,
    /// publication dates); `filter.status` does not apply (only published
    /// articles come). An anonymous subscriber never receives a draft.
    async fn article_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which articles to hear about, as in `articles`.")] filter: Option<
            ArticleFilter,
        >,
    ) -> async_graphql::Result<Events<Article>> {
        let viewer = request(ctx)?.viewer.clone();
        let db = db(ctx)?.clone();
        let scope = match &filter {
            Some(filter) if filter.status.is_some() => {
                return Err(AppError::bad_input(
                    "filter.status",
                    "articlePublished only tells of published articles: leave `status` out",
                )
                .into());
            }
            Some(filter) => filter.resolve(&db).await?,
            None => ArticleScope::all(),
        };
        let events = live::follow(feed(ctx)?, db, From::Now).filter_map(move |entry| {
            let event = match entry {
                Ok(entry) => published(&entry, &viewer, &scope).map(Ok),
                Err(err) => Some(Err(err.into())),
            };
            std::future::ready(event)
        });
        Ok(events.boxed())
    }

    /// What happens to one article from now on, for a live article page:
    /// every change readers can see (`UPDATED`, or `PUBLISHED` again), and
    /// an event when it is unpublished or deleted (then `article` is null)
    /// so the page can react. The article must be visible to the
    /// subscriber now (`NOT_FOUND` otherwise, as `article(id:)` is null).
    async fn article_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID (or its slug).")] id: ID,
    ) -> async_graphql::Result<Events<ArticleUpdate>> {
        let req = request(ctx)?;
        let viewer = req.viewer.clone();
        let db = db(ctx)?.clone();
        let row = references::find_row::<article::Entity>(&db, id.as_str(), "id")
            .await?
            .filter(|a| viewer.can_read(a, req.now()))
            .ok_or_else(|| AppError::NotFound(format!("article `{}`", id.as_str())))?;
        let article_id = row.id;
        let events = live::follow(feed(ctx)?, db, From::Now).filter_map(move |entry| {
            let event = match entry {
                Ok(entry) if entry.change.article_id == article_id => {
                    Some(Ok(ArticleUpdate::of(entry, &viewer)))
                }
                Ok(_) => None,
                Err(err) => Some(Err(err.into())),
            };
            std::future::ready(event)
        });
        Ok(events.boxed())
    }

    /// The change log as a stream, for partners (partner, editor or admin
    /// tokens): every entry after `after` (the `cursor` of the last entry
    /// you stored, or `changes(after:)`'s `pageInfo.endCursor`), then each
    /// new entry as it commits, without a gap or a duplicate. Absent
    /// `after` starts from the beginning of the log.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Cursor to resume after; absent to start from the beginning.")]
        after: Option<String>,
    ) -> async_graphql::Result<Events<Change>> {
        request(ctx)?
            .viewer
            .require_syndication("following the change log")?;
        let after = match &after {
            Some(cursor) => changes::decode_cursor(cursor, "after")?,
            None => 0,
        };
        let events = live::follow(feed(ctx)?, db(ctx)?.clone(), From::After(after)).map(|entry| {
            entry
                .map(|entry| Change(entry.change.clone()))
                .map_err(Into::into)
        });
        Ok(events.boxed())
    }
}

/// The article an entry makes visible to `viewer`, when it is in `scope`.
fn published(entry: &Live, viewer: &Viewer, scope: &ArticleScope) -> Option<Article> {
    if entry.change.kind != Kind::Published {
        return None;
    }
    let facts = entry.facts.as_ref()?;
    (viewer.can_read(&facts.article, Utc::now()) && scope.admits(facts))
        .then(|| Article(facts.article.clone()))
}

/// One change to an article a live page shows.
pub struct ArticleUpdate {
    change: Arc<Live>,
    /// The article as the subscriber may see it now.
    article: Option<article::Model>,
}

impl ArticleUpdate {
    fn of(change: Arc<Live>, viewer: &Viewer) -> Self {
        let article = change
            .facts
            .as_ref()
            .map(|facts| &facts.article)
            .filter(|a| viewer.can_read(a, Utc::now()))
            .cloned();
        Self { change, article }
    }
}

/// One change to an article a live page shows: what happened, and the
/// article as it is now.
#[Object]
impl ArticleUpdate {
    /// What happened: `UPDATED` (or `PUBLISHED` again) with the article;
    /// `UNPUBLISHED` or `DELETED` when the page should take it down.
    async fn kind(&self) -> ChangeKind {
        self.change.change.kind.into()
    }

    /// The article's global ID.
    async fn article_id(&self) -> ID {
        ids::encode(NodeType::Article, self.change.change.article_id).into()
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.change.change.occurred_at
    }

    /// The article's version after the change.
    async fn version(&self) -> i32 {
        self.change.change.version
    }

    /// The article as it is now; null when the subscriber may not read it
    /// any more (unpublished or deleted).
    async fn article(&self) -> Option<Article> {
        self.article.clone().map(Article)
    }
}

/// The replica's feed of the change log (subscriptions only).
fn feed(ctx: &Context<'_>) -> AppResult<Arc<Feed>> {
    ctx.data::<Arc<Feed>>()
        .cloned()
        .map_err(|_| AppError::Internal("subscriptions are not served here".into()))
}
