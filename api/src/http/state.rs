//! What the REST handlers share: one [`Rest`] behind an `Arc`, handed to
//! them by the router (the application builds it).

use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    platform::auth::Verifier, platform::config::Config, platform::metrics::Metrics,
    platform::shutdown::Shutdown,
};

/// The REST face's long-lived parts.
pub struct Rest {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// Verifies bearer tokens (syndication routes need a partner's).
    pub verifier: Arc<Verifier>,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// Set once the replica drains (`/readyz` answers 503).
    pub shutdown: Shutdown,
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
