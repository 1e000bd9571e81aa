//! The change log of published content (`article_changes`): what partners
//! must hear about, in commit order.
//!
//! [`record`] is the single hook every article write calls inside its
//! transaction (`domain/articles/store.rs`, `scheduler.rs`); it
//! also writes the webhooks outbox there (`crate::domain::webhooks::enqueue`). It
//! decides what the write means for partners by comparing the article as
//! it is now with what the log last said about it:
//!
//! | last said | now public | now deleted | change |
//! |---|---|---|---|
//! | nothing, `UNPUBLISHED` | yes | – | `PUBLISHED` |
//! | `PUBLISHED`, `UPDATED` | yes | – | `UPDATED` |
//! | `PUBLISHED`, `UPDATED` | no | – | `UNPUBLISHED` |
//! | anything but `DELETED` | – | yes | `DELETED` |
//! | otherwise | | | nothing (drafts are nobody's business) |
//!
//! Reading the previous state from the log rather than from a row read
//! before the write makes the log consistent by construction: every write
//! holds the article's row lock (its guarded update) when it asks, so the
//! previous writer's entry is committed and visible.

mod cursor;
mod log;

pub use cursor::{decode as decode_cursor, encode as encode_cursor};
pub use log::{backfill, head, page};

use chrono::{DateTime, Utc};
use entity::{
    article,
    article_change::{self, ChangeKind},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{domain::viewer, platform::error::AppResult};

/// One entry of the log.
pub type Change = article_change::Model;

/// Records what the write that left `article` as it is means for partners,
/// in the caller's transaction, and returns the entry (if any). Call it
/// last in the transaction, after the article's row is written: on
/// PostgreSQL it takes the log's append lock, held until commit.
pub async fn record(
    db: &impl ConnectionTrait,
    article: &article::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<Change>> {
    // Every write, drafts included: the replicas' search indexes hold
    // each article's status and links, not only what partners see.
    crate::domain::search::journal::append(db, &[article.id]).await?;
    let last = last_kind(db, article.id).await?;
    let public = article.deleted_at.is_none() && viewer::is_public(article, now);
    match decide(last, public, article.deleted_at.is_some()) {
        Some(kind) => {
            let change = log::append(db, article, kind, now).await?;
            // The webhooks outbox, in the same transaction as the entry.
            crate::domain::webhooks::enqueue(db, &change).await?;
            Ok(Some(change))
        }
        None => Ok(None),
    }
}

/// What the log last said about article `id`.
async fn last_kind(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<ChangeKind>> {
    Ok(article_change::Entity::find()
        .select_only()
        .column(article_change::Column::Kind)
        .filter(article_change::Column::ArticleId.eq(id))
        .order_by_desc(article_change::Column::Id)
        .limit(1)
        .into_tuple::<ChangeKind>()
        .one(db)
        .await?)
}

/// The change a write makes, given what partners last heard (`last`) and
/// the article's state after the write.
fn decide(last: Option<ChangeKind>, public: bool, deleted: bool) -> Option<ChangeKind> {
    let listed = matches!(last, Some(ChangeKind::Published | ChangeKind::Updated));
    match (deleted, public, listed) {
        (true, _, _) => match last {
            Some(ChangeKind::Deleted) | None => None,
            Some(_) => Some(ChangeKind::Deleted),
        },
        (false, true, true) => Some(ChangeKind::Updated),
        (false, true, false) => Some(ChangeKind::Published),
        (false, false, true) => Some(ChangeKind::Unpublished),
        (false, false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;

    #[test]
    fn drafts_never_reach_the_log() {
        assert_eq!(decide(None, false, false), None);
        assert_eq!(decide(None, false, true), None);
        assert_eq!(decide(Some(Unpublished), false, false), None);
    }

    #[test]
    fn going_public_is_published_then_updated() {
        assert_eq!(decide(None, true, false), Some(Published));
        assert_eq!(decide(Some(Unpublished), true, false), Some(Published));
        assert_eq!(decide(Some(Published), true, false), Some(Updated));
        assert_eq!(decide(Some(Updated), true, false), Some(Updated));
    }

    #[test]
    fn taking_down_and_deleting() {
        assert_eq!(decide(Some(Updated), false, false), Some(Unpublished));
        assert_eq!(decide(Some(Published), false, true), Some(Deleted));
        assert_eq!(decide(Some(Unpublished), false, true), Some(Deleted));
        assert_eq!(decide(Some(Deleted), false, true), None);
    }
}
