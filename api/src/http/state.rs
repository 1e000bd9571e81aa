//! What every request handler shares: one [`App`] behind an `Arc`, handed
//! down to the handlers (crates.io's `AppState(Arc<App>)`), never imported
//! up by the domain.

use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use super::{graphql_cache::Validators, persisted::PersistedQueries};
use crate::{
    auth::Verifier,
    config::Config,
    generation::ContentGeneration,
    graphql::{self, AppSchema},
    metrics::Metrics,
};

/// The application's long-lived parts.
pub struct App {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub schema: AppSchema,
    /// Verifies bearer tokens once per request.
    pub verifier: Verifier,
    /// Automatic persisted queries registered on this replica.
    pub persisted: PersistedQueries,
    /// The content generation and what else `GET /graphql` validators
    /// depend on.
    pub validators: Validators,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
}

/// The state of the router: cheap to clone, one `App` behind it.
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    /// State over an open (and migrated) database.
    pub fn new(db: DatabaseConnection, config: Config, verifier: Verifier) -> Self {
        Self::with_metrics(db, config, verifier, Arc::default())
    }

    /// State whose `/metrics` counts the SQL statements run through `db`
    /// (the server's; tests count with a callback of their own).
    pub fn counting_statements(
        mut db: DatabaseConnection,
        config: Config,
        verifier: Verifier,
    ) -> Self {
        let metrics = Arc::new(Metrics::default());
        metrics.count_statements_of(&mut db);
        Self::with_metrics(db, config, verifier, metrics)
    }

    fn with_metrics(
        db: DatabaseConnection,
        config: Config,
        verifier: Verifier,
        metrics: Arc<Metrics>,
    ) -> Self {
        let config = Arc::new(config);
        let schema = graphql::build_schema(db.clone(), config.clone());
        let persisted = PersistedQueries::new(
            config.persisted_queries,
            config.persisted_queries_file.clone(),
        );
        let validators = Validators::new(
            Arc::new(ContentGeneration::new(config.content_version_poll_ms > 0)),
            // The settings that show in answers, and the schema.
            &format!(
                "{}\n{}\n{:?}\n{}",
                config.base_url(),
                config.publication_name,
                config.publisher_logo_url,
                schema.sdl()
            ),
        );
        Self(Arc::new(App {
            db,
            config,
            schema,
            verifier,
            persisted,
            validators,
            metrics,
        }))
    }
}
