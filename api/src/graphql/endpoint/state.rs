//! What the GraphQL endpoint's handlers share: one [`Endpoint`] behind an
//! `Arc`, handed to them by the router (the application builds it).

use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use super::{
    cache::Validators,
    exposure::Exposure,
    persisted::PersistedQueries,
    response_cache::{ResponseCache, invalidate::Invalidator},
};
use crate::{
    domain::search::embedded::EmbeddedIndex,
    graphql::AppSchema,
    graphql::limits::Limits,
    platform::auth::Verifier,
    platform::config::Config,
    platform::config::search::{IndexLocation, SearchEngine},
    platform::db::Databases,
    platform::generation::ContentGeneration,
    platform::metrics::Metrics,
    platform::signals::Signals,
};

/// The endpoint's long-lived parts.
pub struct Endpoint {
    /// The primary database.
    pub db: DatabaseConnection,
    /// The primary and the read replicas: where each read goes.
    pub databases: Arc<Databases>,
    pub schema: AppSchema,
    /// The schema without limits that measures refused documents.
    pub measuring: AppSchema,
    /// What a document may cost.
    pub limits: Limits,
    /// Root fields of one request that run at once.
    pub root_field_concurrency: usize,
    /// Verifies bearer tokens once per request.
    pub verifier: Arc<Verifier>,
    /// Automatic persisted queries registered on this replica.
    pub persisted: PersistedQueries,
    /// The content generation and what else `GET /graphql` validators
    /// depend on.
    pub validators: Validators,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// GraphiQL and introspection, as configured.
    pub exposure: Exposure,
    /// Anonymous answers in memory (`None`: `RESPONSE_CACHE_MB=0`).
    pub cache: Option<Arc<ResponseCache>>,
    /// What keeps the cache true to the database.
    pub invalidator: Option<Arc<Invalidator>>,
    /// Notices to and from the other replicas.
    pub signals: Arc<Signals>,
    /// This replica's embedded search index (`None`:
    /// `SEARCH_ENGINE=database`, or it could not be opened).
    pub search_index: Option<Arc<EmbeddedIndex>>,
    /// The connection of upkeep (the search index's follower).
    pub background: DatabaseConnection,
}

/// The endpoint's router state: cheap to clone.
#[derive(Clone)]
pub struct EndpointState(pub Arc<Endpoint>);

impl Deref for EndpointState {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.0
    }
}

impl EndpointState {
    /// The endpoint over `databases` (its upkeep over `background`): the schema, the persisted-query store and
    /// the validators of `GET` answers.
    pub fn new(
        databases: Arc<Databases>,
        background: DatabaseConnection,
        config: Arc<Config>,
        verifier: Arc<Verifier>,
        generation: Arc<ContentGeneration>,
        metrics: Arc<Metrics>,
        signals: Arc<Signals>,
    ) -> Self {
        let db = databases.primary().clone();
        let search_index = open_search_index(&config);
        let schema = crate::graphql::build_schema(db.clone(), config.clone(), search_index.clone());
        let persisted = PersistedQueries::new(
            config.persisted_queries,
            config.persisted_queries_file.clone(),
            config.persisted_queries_max_mb.saturating_mul(1 << 20),
        );
        let exposure = Exposure {
            graphiql: config.graphiql_on(),
            introspection: config.introspection(),
        };
        let validators = Validators::new(
            generation,
            // The settings that show in answers, and the schema.
            &format!(
                "{}\n{}\n{:?}\n{:?}\n{}",
                config.base_url(),
                config.publication_name,
                config.publisher_logo_url,
                exposure.introspection,
                schema.sdl()
            ),
        );
        let cache = ResponseCache::new(config.response_cache_mb, metrics.clone());
        let invalidator = cache
            .clone()
            .map(|cache| Invalidator::new(cache, background.clone()));
        Self(Arc::new(Endpoint {
            cache,
            invalidator,
            signals,
            db,
            databases,
            schema,
            measuring: crate::graphql::measuring_schema(),
            limits: Limits::of(&config),
            root_field_concurrency: config
                .query_limits
                .root_field_concurrency(config.database_max_connections),
            verifier,
            persisted,
            validators,
            metrics,
            exposure,
            search_index,
            background,
        }))
    }
}

/// The embedded search index `config` asks for; when it cannot be opened
/// (an unwritable directory) the replica searches on the database and
/// says so once.
fn open_search_index(config: &Config) -> Option<Arc<EmbeddedIndex>> {
    if config.search.search_engine != SearchEngine::Embedded {
        return None;
    }
    let opened = match config.search.index_location(&config.database_url) {
        IndexLocation::Directory(dir) => EmbeddedIndex::open(Some(&dir)),
        IndexLocation::Temporary => EmbeddedIndex::temporary(),
        IndexLocation::Memory => EmbeddedIndex::open(None),
    };
    match opened {
        Ok(index) => Some(index),
        Err(e) => {
            tracing::warn!(error = ?e, "search index unavailable; searching on the database");
            None
        }
    }
}
