//! Article mutations: drafting, the editorial workflow, deletion and
//! revisions.
//!
//! | mutation | writer | editor | admin |
//! |---|---|---|---|
//! | createArticle | yes | yes | yes |
//! | updateArticle | own drafts | yes | yes |
//! | submitArticle | own drafts | yes | yes |
//! | publishArticle, unpublishArticle, restoreArticleRevision | – | yes | yes |
//! | deleteArticle | – | – | yes |

mod input;

pub use input::{ArticleInput, ArticlePersonInput, BlockInput, ImageInput};

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{article, article::ArticleStatus};
use sea_orm::EntityTrait;

use super::DeletePayload;
use crate::domain::articles::store::{self, Author};
use crate::{
    domain::viewer::Viewer,
    graphql::{RequestContext, articles::Article, db, request},
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
};

/// What article mutations answer: the article as it is now.
#[derive(SimpleObject)]
pub struct ArticlePayload {
    /// The article as stored after the change.
    pub article: Article,
}

/// The article mutations.
#[derive(Default)]
pub struct ArticlesMutation;

/// Loads article `id` for a write: deleted articles are not found.
async fn load(ctx: &Context<'_>, id: &ID) -> AppResult<article::Model> {
    let id = ids::decode(NodeType::Article, id, "id")?;
    article::Entity::find_by_id(id)
        .one(db(ctx)?)
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound("article".into()))
}

/// Writers may touch their own drafts; editors and admins any article.
fn require_edit(viewer: &Viewer, article: &article::Model, what: &str) -> AppResult<()> {
    if viewer.is_editor() {
        return Ok(());
    }
    viewer.require_staff(what)?;
    let own = article.created_by.as_deref() == viewer.sub() && viewer.sub().is_some();
    if own && article.status == ArticleStatus::Draft {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "writers may only {what} their own drafts"
        )))
    }
}

fn author(req: &RequestContext) -> Author<'_> {
    Author {
        sub: req.viewer.sub(),
        now: req.now(),
        announce: true,
    }
}

/// Runs `write` in one transaction and answers with the article.
macro_rules! in_transaction {
    ($ctx:expr, |$txn:ident| $write:expr) => {{
        let db = db($ctx)?;
        let $txn = crate::platform::db::begin_write(db).await?;
        let row = $write;
        $txn.commit().await?;
        Ok(ArticlePayload {
            article: Article(row),
        })
    }};
}

#[Object]
impl ArticlesMutation {
    /// Starts a draft. Needs `title` and `section`; the slug is made from
    /// the title unless given.
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new article.")] input: ArticleInput,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_staff("creating articles")?;
        let changes = input::prepare(db(ctx)?, input, None, true).await?;
        in_transaction!(ctx, |txn| store::create(&txn, changes, &author(req))
            .await?)
    }

    /// Changes the fields given in `input`, if the article is still at
    /// `version`; otherwise `CONFLICT` with the current version.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: ArticleInput,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_staff("editing articles")?;
        let current = load(ctx, &id).await?;
        require_edit(&req.viewer, &current, "edit")?;
        let changes = input::prepare(db(ctx)?, input, Some(current.id), false).await?;
        in_transaction!(ctx, |txn| store::update(
            &txn,
            current.id,
            version,
            changes,
            &author(req),
            &[]
        )
        .await?)
    }

    /// Sends a draft to the editors: `DRAFT` → `IN_REVIEW`.
    async fn submit_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_staff("submitting articles")?;
        let current = load(ctx, &id).await?;
        require_edit(&req.viewer, &current, "submit")?;
        if current.status != ArticleStatus::Draft {
            return Err(AppError::Conflict(
                "only drafts can be submitted for review".into(),
            ));
        }
        in_transaction!(ctx, |txn| store::transition(
            &txn,
            current.id,
            version,
            ArticleStatus::InReview,
            None,
            &author(req)
        )
        .await?)
    }

    /// Publishes now, or at `publishAt` when it is in the future (the
    /// article is then `SCHEDULED` and goes live on time by itself).
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "When it goes live; now when left out.")] publish_at: Option<
            DateTime<Utc>,
        >,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_editor("publishing articles")?;
        let current = load(ctx, &id).await?;
        let (status, at) = match publish_at {
            Some(at) if at > req.now() => (ArticleStatus::Scheduled, at),
            Some(at) => (ArticleStatus::Published, at),
            None if current.status == ArticleStatus::Published => {
                return Err(AppError::Conflict(
                    "the article is already published".into(),
                ));
            }
            // Republishing keeps the original publication time, if the
            // article was ever live: one that was only scheduled (its time
            // still ahead) goes live now, so a PUBLISHED article is never
            // dated in the future (it would appear later without any write,
            // unseen by the change log).
            None => (
                ArticleStatus::Published,
                current
                    .published_at
                    .filter(|at| current.status == ArticleStatus::Unpublished && *at <= req.now())
                    .unwrap_or(req.now()),
            ),
        };
        in_transaction!(ctx, |txn| store::transition(
            &txn,
            current.id,
            version,
            status,
            Some(at),
            &author(req)
        )
        .await?)
    }

    /// Takes a published or scheduled article off the site.
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_editor("unpublishing articles")?;
        let current = load(ctx, &id).await?;
        if !matches!(
            current.status,
            ArticleStatus::Published | ArticleStatus::Scheduled
        ) {
            return Err(AppError::Conflict(
                "only published or scheduled articles can be unpublished".into(),
            ));
        }
        let published_at = current.published_at;
        in_transaction!(ctx, |txn| store::transition(
            &txn,
            current.id,
            version,
            ArticleStatus::Unpublished,
            published_at,
            &author(req)
        )
        .await?)
    }

    /// Deletes an article (admins). It disappears everywhere; a tombstone is
    /// kept for partners' syncs.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
    ) -> AppResult<DeletePayload> {
        let req = request(ctx)?;
        req.viewer.require_admin("deleting articles")?;
        let current = load(ctx, &id).await?;
        let db = db(ctx)?;
        let txn = crate::platform::db::begin_write(db).await?;
        let row = store::delete(&txn, current.id, version, &author(req)).await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Article, row.id).into(),
            slug: row.slug,
        })
    }

    /// Brings back the content (title, lead, body, section, language, lead
    /// image and links) of revision `revision`, as a new revision. The
    /// status and publication time stay as they are.
    async fn restore_article_revision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID.")] id: ID,
        #[graphql(desc = "The revision to bring back.")] revision: i32,
        #[graphql(desc = "The version you read.")] version: i32,
    ) -> AppResult<ArticlePayload> {
        let req = request(ctx)?;
        req.viewer.require_editor("restoring revisions")?;
        let current = load(ctx, &id).await?;
        let snapshot = crate::domain::revisions::load(db(ctx)?, current.id, revision).await?;
        let changes = input::from_snapshot(&snapshot, &current)?;
        let label = format!("restored revision {revision}");
        in_transaction!(ctx, |txn| store::update(
            &txn,
            current.id,
            version,
            changes,
            &author(req),
            &[label.as_str()]
        )
        .await?)
    }
}
