//! What the GraphQL endpoint's handlers share: one [`Endpoint`] behind an
//! `Arc`, handed to them by the router (the application builds it).

use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use super::{
    cache::Validators,
    documents::ParsedDocuments,
    exposure::Exposure,
    live::Admission,
    persisted::PersistedQueries,
    response_cache::{ResponseCache, invalidate::Invalidator},
};
use crate::{
    domain::live::Feed,
    domain::media::{MediaLibrary, store::Storage},
    domain::search::embedded::EmbeddedIndex,
    graphql::AppSchema,
    graphql::limits::Limits,
    platform::auth::Verifier,
    platform::config::Config,
    platform::config::live::LiveConfig,
    platform::config::search::{IndexLocation, SearchEngine},
    platform::db::Databases,
    platform::generation::ContentGeneration,
    platform::metrics::Metrics,
    platform::shutdown::Shutdown,
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
    /// Documents parsed before, by their text.
    pub documents: ParsedDocuments,
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
    /// The change log as it grows, for this replica's subscribers.
    pub live: Arc<Feed>,
    /// The loaders every subscription of this replica shares (no cache).
    pub live_loaders: Arc<crate::graphql::Loaders>,
    /// Subscription limits.
    pub live_config: LiveConfig,
    /// Live connections open on this replica, by client.
    pub admission: Arc<Admission>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The editor token a development run printed (set by `toasoan
    /// serve`, never in production): GraphiQL pre-fills it for a browser
    /// on this machine.
    pub dev_token: std::sync::OnceLock<String>,
    /// The media library (uploads, renditions).
    pub media: Arc<MediaLibrary>,
    /// Starts on SIGTERM: live connections close, so their clients
    /// reconnect to a replica that stays.
    pub shutdown: Shutdown,
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
    #[allow(clippy::too_many_arguments)] // The application's shared parts, handed over once at start.
    pub fn new(
        databases: Arc<Databases>,
        background: DatabaseConnection,
        config: Arc<Config>,
        verifier: Arc<Verifier>,
        generation: Arc<ContentGeneration>,
        metrics: Arc<Metrics>,
        signals: Arc<Signals>,
        shutdown: Shutdown,
    ) -> Self {
        let db = databases.primary().clone();
        let live_loaders = Arc::new(crate::graphql::dataloader::for_request(db.clone(), None));
        let search_index = open_search_index(&config);
        let media = open_media_library(&config, metrics.clone());
        let schema = crate::graphql::build_schema(
            db.clone(),
            config.clone(),
            search_index.clone(),
            Some(media.clone()),
        );
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
            documents: ParsedDocuments::default(),
            validators,
            metrics,
            exposure,
            search_index,
            background,
            live: Feed::new(),
            live_loaders,
            live_config: config.live.clone(),
            admission: Admission::new(
                config.live.subscriptions_max_connections,
                config.live.subscriptions_max_per_client,
            ),
            trusted_proxies: config.rate_limit.trusted_proxies.clone(),
            media,
            dev_token: std::sync::OnceLock::new(),
            shutdown,
        }))
    }
}

/// The media library `config` describes. `toasoan serve` checks the
/// store before it starts and refuses one it cannot open; a library built
/// anyway (tools, tests) over such a store keeps its files in memory and
/// says so.
fn open_media_library(config: &Config, metrics: Arc<Metrics>) -> Arc<MediaLibrary> {
    let library = MediaLibrary::from_config(config, metrics.clone()).unwrap_or_else(|err| {
        tracing::error!(%err, "media store unavailable; media kept in memory only");
        MediaLibrary::with_storage(config, Storage::memory(), metrics)
    });
    Arc::new(library)
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
