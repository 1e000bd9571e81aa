//! Who is asking, and what that lets them see.

use chrono::{DateTime, Utc};
use entity::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, Condition};

/// The reader of a request. Anonymous readers see published content only.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
}

impl Viewer {
    /// Whether this viewer may read unpublished articles (previews).
    pub fn sees_unpublished(&self) -> bool {
        match self {
            Viewer::Anonymous => false,
        }
    }

    /// The SQL condition for the articles this viewer may read at `now`.
    pub fn article_condition(&self, now: DateTime<Utc>) -> Condition {
        if self.sees_unpublished() {
            return Condition::all();
        }
        Condition::all()
            .add(article::Column::Status.eq(ArticleStatus::Published))
            .add(article::Column::PublishedAt.lte(now))
    }

    /// The same rule as [`Self::article_condition`], for a loaded row.
    pub fn can_read(&self, article: &article::Model, now: DateTime<Utc>) -> bool {
        self.sees_unpublished() || is_public(article, now)
    }
}

/// Published, with a publication time that has come.
pub fn is_public(article: &article::Model, now: DateTime<Utc>) -> bool {
    article.status == ArticleStatus::Published && article.published_at.is_some_and(|at| at <= now)
}
