//! Who is asking, and what that lets them see and do.

use chrono::{DateTime, Utc};
use entity::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, Condition};

use crate::{
    platform::auth::{Role, User},
    platform::error::{AppError, AppResult},
};

/// The reader of a request: anonymous, or the verified bearer of a token.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
    User(User),
}

impl Viewer {
    fn has_any(&self, roles: &[Role]) -> bool {
        match self {
            Viewer::Anonymous => false,
            Viewer::User(user) => user.roles.iter().any(|r| roles.contains(r)),
        }
    }

    /// Writers, editors and admins: the newsroom's staff.
    pub fn is_staff(&self) -> bool {
        self.has_any(&[Role::Writer, Role::Editor, Role::Admin])
    }

    /// Editors and admins.
    pub fn is_editor(&self) -> bool {
        self.has_any(&[Role::Editor, Role::Admin])
    }

    pub fn is_admin(&self) -> bool {
        self.has_any(&[Role::Admin])
    }

    /// Partners, editors and admins: who may follow the change log.
    pub fn can_syndicate(&self) -> bool {
        self.has_any(&[Role::Partner, Role::Editor, Role::Admin])
    }

    /// The token's `sub`, when signed in.
    pub fn sub(&self) -> Option<&str> {
        match self {
            Viewer::Anonymous => None,
            Viewer::User(user) => Some(&user.sub),
        }
    }

    /// `Ok` when `allowed`; otherwise `UNAUTHENTICATED` for anonymous
    /// viewers and `FORBIDDEN` (saying what is needed) for signed-in ones.
    pub fn require(&self, allowed: bool, what: &str) -> AppResult<()> {
        match self {
            _ if allowed => Ok(()),
            Viewer::Anonymous => Err(AppError::Unauthenticated),
            Viewer::User(_) => Err(AppError::Forbidden(format!(
                "your role does not allow {what}"
            ))),
        }
    }

    /// Staff only (writer, editor or admin).
    pub fn require_staff(&self, what: &str) -> AppResult<()> {
        self.require(self.is_staff(), what)
    }

    /// Editors and admins only.
    pub fn require_editor(&self, what: &str) -> AppResult<()> {
        self.require(self.is_editor(), what)
    }

    /// Admins only.
    pub fn require_admin(&self, what: &str) -> AppResult<()> {
        self.require(self.is_admin(), what)
    }

    /// Partners, editors and admins only (syndication).
    pub fn require_syndication(&self, what: &str) -> AppResult<()> {
        self.require(self.can_syndicate(), what)
    }

    /// Whether this viewer may read unpublished articles (previews).
    pub fn sees_unpublished(&self) -> bool {
        self.is_staff()
    }

    /// The SQL condition for the articles this viewer may read at `now`.
    /// Deleted articles are tombstones: nobody reads them.
    pub fn article_condition(&self, now: DateTime<Utc>) -> Condition {
        let alive = Condition::all().add(article::Column::DeletedAt.is_null());
        if self.sees_unpublished() {
            return alive;
        }
        alive.add(public_condition(now))
    }

    /// The same rule as [`Self::article_condition`], for a loaded row.
    pub fn can_read(&self, article: &article::Model, now: DateTime<Utc>) -> bool {
        article.deleted_at.is_none() && (self.sees_unpublished() || is_public(article, now))
    }
}

/// Published, or scheduled and due: a scheduled article becomes visible the
/// moment its time comes, whether or not the scheduler has flipped it yet.
pub fn public_condition(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(article::Column::Status.is_in([ArticleStatus::Published, ArticleStatus::Scheduled]))
        .add(article::Column::PublishedAt.lte(now))
}

/// The row-level form of [`public_condition`] (deletion aside).
pub fn is_public(article: &article::Model, now: DateTime<Utc>) -> bool {
    matches!(
        article.status,
        ArticleStatus::Published | ArticleStatus::Scheduled
    ) && article.published_at.is_some_and(|at| at <= now)
}
