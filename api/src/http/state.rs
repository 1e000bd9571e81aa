//! What the REST handlers share: one [`Rest`] behind an `Arc`, handed to
//! them by the router (the application builds it).

use std::{ops::Deref, sync::Arc};

use axum::http::HeaderMap;
use sea_orm::DatabaseConnection;

use crate::{
    domain::viewer::Viewer,
    platform::auth::Verifier,
    platform::config::Config,
    platform::db::{Databases, Reader, lsn},
    platform::error::{AppError, AppResult},
    platform::generation::ContentGeneration,
    platform::metrics::Metrics,
    platform::shutdown::Shutdown,
};

/// The REST face's long-lived parts.
pub struct Rest {
    /// The primary database.
    pub db: DatabaseConnection,
    /// The primary and the read replicas: where each read goes.
    pub databases: Arc<Databases>,
    /// The content generation anonymous answers must show.
    pub generation: Arc<ContentGeneration>,
    pub config: Arc<Config>,
    /// Verifies bearer tokens (syndication routes need a partner's).
    pub verifier: Arc<Verifier>,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// Uploads, renditions and their store.
    pub media: Arc<crate::domain::media::MediaLibrary>,
    /// Set once the replica drains (`/readyz` answers 503).
    pub shutdown: Shutdown,
}

impl Rest {
    /// Runs `viewer`'s `read` on a read replica when one fits (anonymous
    /// and partner reads; see `platform::db::read_replicas`), else on the
    /// primary; a read that fails on a replica runs again on the primary.
    pub async fn read<T, F>(
        &self,
        viewer: &Viewer,
        headers: &HeaderMap,
        read: impl Fn(DatabaseConnection) -> F,
    ) -> AppResult<T>
    where
        F: Future<Output = AppResult<T>>,
    {
        let anonymous = matches!(viewer, Viewer::Anonymous);
        let reader = Reader {
            staff: viewer.is_staff(),
            sub: viewer.sub(),
            seen: lsn::from_headers(headers),
            // Anonymous answers are cached (by CDNs).
            generation: anonymous.then(|| self.generation.known()),
        };
        let unavailable = |e: &AppError| matches!(e, AppError::Internal(_) | AppError::Unavailable);
        self.databases.read(&reader, unavailable, read).await
    }
}

/// The REST router's state: cheap to clone.
#[derive(Clone)]
pub struct RestState(pub Arc<Rest>);

impl Deref for RestState {
    type Target = Rest;

    fn deref(&self) -> &Rest {
        &self.0
    }
}
