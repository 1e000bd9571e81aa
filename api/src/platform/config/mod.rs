//! Typed configuration, read from the command line and the environment.

pub mod database_url;
pub mod environment;
pub mod exposure;
pub mod limits;
pub mod live;
pub mod load;
pub mod media;
pub mod migrate;
pub mod observability;
pub mod persisted;
pub mod rate_limit;
pub mod read_replicas;
pub mod search;
pub mod shutdown;

use std::net::SocketAddr;

pub use database_url::DatabaseUrl;
pub use environment::{ConfigError, check};

/// Settings of a running server. Every field has a flag and an environment
/// variable; the defaults make `cargo run` work on a fresh machine.
///
/// `Debug` shows no secret (the database URL without its password, no
/// JWT secret), and neither does `--help` (`hide_env_values`).
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// Where the data lives: `sqlite://toasoan.db?mode=rwc` (default) or a
    /// `postgres://…` URL.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite://toasoan.db?mode=rwc"
    )]
    pub database_url: DatabaseUrl,

    /// Address the HTTP server binds.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,

    /// Public base URL of the website, used to build `Article.url`.
    #[arg(long, env = "PUBLIC_BASE_URL", default_value = "http://localhost:8080")]
    pub public_base_url: String,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,

    /// Largest archive `POST /v1/import` accepts, in megabytes (it is
    /// written to a temporary file as it arrives, never held in memory;
    /// bigger archives: `toasoan import` on the server).
    #[arg(long, env = "IMPORT_MAX_MB", default_value_t = 1024)]
    pub import_max_mb: usize,

    /// Deepest GraphQL selection accepted.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 15)]
    pub graphql_max_depth: usize,

    /// Highest GraphQL query complexity accepted (each field costs 1, lists
    /// cost their page size times their selection).
    #[arg(long, env = "GRAPHQL_MAX_COMPLEXITY", default_value_t = 20_000)]
    pub graphql_max_complexity: usize,

    /// Root fields, aliases and fields per document; root fields running
    /// at once.
    #[command(flatten)]
    pub query_limits: limits::QueryLimits,

    /// Seconds a request may take (see `REQUEST_TIMEOUT`, which wins
    /// when set).
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Largest number of pooled database connections (default: 4 per
    /// CPU core, between 4 and 32).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = default_pool_size())]
    pub database_max_connections: u32,

    /// Searches that may run against the database at once on this
    /// replica (default: half the pool, at least 1); more wait their
    /// turn, so a burst of searches cannot take every connection from
    /// the other reads.
    #[arg(long, env = "SEARCH_CONCURRENCY")]
    pub search_concurrency: Option<u32>,

    /// Schema migrations at start: `auto` applies pending ones (under a
    /// lock on PostgreSQL), `off` refuses to start while one is pending
    /// (run `toasoan migrate` first; for users without DDL rights).
    #[arg(long, env = "MIGRATE", value_enum,
          default_value_t = migrate::Mode::Auto)]
    pub migrate: migrate::Mode,

    /// Do not load the demo newsroom into an empty database.
    #[arg(long, env = "NO_DEMO", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub no_demo: bool,

    /// How often scheduled articles are checked for publication, in
    /// seconds (readers see them on time regardless).
    #[arg(long, env = "SCHEDULER_INTERVAL_SECS", default_value_t = 1)]
    pub scheduler_interval_secs: u64,

    /// The publication's name in feeds, the Google News sitemap and the
    /// JSON-LD `publisher`.
    #[arg(long, env = "PUBLICATION_NAME", default_value = "Toà Soạn")]
    pub publication_name: String,

    /// URL of the publisher's logo (JSON-LD `publisher.logo`, feed icons).
    #[arg(long, env = "PUBLISHER_LOGO_URL")]
    pub publisher_logo_url: Option<String>,

    /// Articles per page of `/sitemaps/articles-{n}.xml` (at most 50,000,
    /// the sitemap protocol's limit). Pages cover fixed id ranges.
    #[arg(long, env = "SITEMAP_PAGE_SIZE", default_value_t = 50_000,
          value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub sitemap_page_size: u32,
    /// How often the webhook worker looks for due deliveries, in
    /// milliseconds.
    #[arg(long, env = "WEBHOOK_POLL_MS", default_value_t = 1000)]
    pub webhook_poll_ms: u64,

    /// Seconds a webhook endpoint has to answer before the attempt counts
    /// as failed.
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECS", default_value_t = 10)]
    pub webhook_timeout_secs: u64,

    /// Base delay of the webhook retries, in milliseconds: attempt n waits
    /// a random time up to base × 2^n (capped at one hour).
    #[arg(long, env = "WEBHOOK_RETRY_BASE_MS", default_value_t = 10_000)]
    pub webhook_retry_base_ms: u64,

    /// How long a failing webhook delivery keeps being retried before it
    /// is marked FAILED, in seconds (at least 24 hours by default).
    #[arg(long, env = "WEBHOOK_RETRY_WINDOW_SECS", default_value_t = 24 * 3600)]
    pub webhook_retry_window_secs: u64,

    /// Days delivered and failed webhook deliveries are kept (counted from
    /// their last queueing); older ones are deleted hourly. 0 keeps them.
    #[arg(long, env = "WEBHOOK_RETENTION_DAYS", default_value_t = 30)]
    pub webhook_retention_days: u32,

    /// How a replica stops (`SHUTDOWN_GRACE_SECS`, `SHUTDOWN_DELAY_SECS`).
    #[command(flatten)]
    pub shutdown: shutdown::ShutdownConfig,

    /// Let webhooks reach loopback, private, link-local and other
    /// non-public addresses (`on`/`off`, default off, in development too:
    /// a local receiver needs it said out loud). Off, such URLs are refused
    /// by `createWebhook` and again at every connection.
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub webhook_allow_private: bool,

    /// How often each replica reads the content generation, in
    /// milliseconds: cached `GET /graphql` answers are revalidated against
    /// it without running their query, so replicas that did not make a
    /// write see it within this time. 0 disables it (answers are then
    /// validated by hashing their body, after running).
    #[arg(long, env = "CONTENT_VERSION_POLL_MS", default_value_t = 1000)]
    pub content_version_poll_ms: u64,

    /// Memory for the response cache of anonymous GraphQL reads, in MiB
    /// (least recently used answers go first); 0 turns it off. Writes
    /// purge it on every replica (LISTEN/NOTIFY on PostgreSQL).
    #[arg(long, env = "RESPONSE_CACHE_MB", default_value_t = 64)]
    pub response_cache_mb: usize,

    /// Persisted queries: `auto` (Apollo's automatic persisted queries,
    /// any query runs), `strict` (only the operations of
    /// `PERSISTED_QUERIES_FILE` run: production) or `off`.
    #[arg(long, env = "PERSISTED_QUERIES", value_enum,
          default_value_t = persisted::Mode::Auto)]
    pub persisted_queries: persisted::Mode,

    /// A JSON manifest of persisted queries, `{"<sha256>": "<query>"}` or
    /// Apollo's `apollo-persisted-query-manifest`; every hash is checked
    /// at start. Required by `strict`.
    #[arg(long, env = "PERSISTED_QUERIES_FILE",
          value_parser = persisted::Manifest::load,
          required_if_eq("persisted_queries", "strict"))]
    pub persisted_queries_file: Option<persisted::Manifest>,

    /// Memory for the queries registered by clients (automatic persisted
    /// queries), in MiB: the least recently used go first.
    #[arg(long, env = "PERSISTED_QUERIES_MAX_MB",
          default_value_t = persisted::DEFAULT_MAX_MB)]
    pub persisted_queries_max_mb: usize,

    #[command(flatten)]
    pub auth: crate::platform::auth::AuthConfig,

    #[command(flatten)]
    pub load: load::LoadConfig,

    #[command(flatten)]
    pub exposure: exposure::ExposureConfig,

    #[command(flatten)]
    pub rate_limit: rate_limit::RateLimitConfig,

    #[command(flatten)]
    pub read_replicas: read_replicas::ReadReplicaConfig,

    #[command(flatten)]
    pub observability: observability::ObservabilityConfig,

    #[command(flatten)]
    pub search: search::SearchConfig,

    #[command(flatten)]
    pub live: live::LiveConfig,

    #[command(flatten)]
    pub media: media::MediaConfig,
}

impl Config {
    /// The configuration of tests and tools: defaults, with `database_url`.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: DatabaseUrl::from(database_url.into()),
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_base_url: "http://localhost:8080".to_owned(),
            max_body_bytes: 256 * 1024,
            import_max_mb: 1024,
            graphql_max_depth: 15,
            graphql_max_complexity: 20_000,
            query_limits: limits::QueryLimits::default(),
            request_timeout_secs: 30,
            database_max_connections: default_pool_size(),
            search_concurrency: None,
            migrate: migrate::Mode::Auto,
            no_demo: false,
            scheduler_interval_secs: 1,
            publication_name: "Toà Soạn".to_owned(),
            publisher_logo_url: None,
            sitemap_page_size: 50_000,
            webhook_poll_ms: 1000,
            webhook_timeout_secs: 10,
            webhook_retry_base_ms: 10_000,
            webhook_retry_window_secs: 24 * 3600,
            webhook_retention_days: 30,
            webhook_allow_private: false,
            shutdown: shutdown::ShutdownConfig::default(),
            content_version_poll_ms: 1000,
            response_cache_mb: 64,
            persisted_queries: persisted::Mode::Auto,
            persisted_queries_file: None,
            persisted_queries_max_mb: persisted::DEFAULT_MAX_MB,
            auth: crate::platform::auth::AuthConfig::default(),
            load: load::LoadConfig::default(),
            exposure: exposure::ExposureConfig::default(),
            // Off: a test that limits turns it on.
            rate_limit: rate_limit::RateLimitConfig::off(),
            read_replicas: read_replicas::ReadReplicaConfig::default(),
            observability: observability::ObservabilityConfig::default(),
            search: search::SearchConfig::default(),
            live: live::LiveConfig::default(),
            media: media::MediaConfig::default(),
        }
    }

    /// Searches running at once: `SEARCH_CONCURRENCY`, else half the pool
    /// (at least 1).
    pub fn search_concurrency(&self) -> usize {
        self.search_concurrency
            .unwrap_or(self.database_max_connections / 2)
            .max(1) as usize
    }

    /// `public_base_url` without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.public_base_url.trim_end_matches('/')
    }
}

/// Four connections per core: requests wait on the database about as long
/// as they compute, and more connections than that only add switching. On
/// the 2-core benchmark machine 8 beat 16 on SQLite (W1 424 against 382
/// req/s, peak RSS 114 against 162 MB) and on PostgreSQL (W1 378 against
/// 318 req/s).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (4 * cores).clamp(4, 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_take_half_the_pool_unless_told() {
        let mut config = Config::for_database("sqlite::memory:");
        config.database_max_connections = 8;
        assert_eq!(config.search_concurrency(), 4);
        config.database_max_connections = 1;
        assert_eq!(config.search_concurrency(), 1);
        config.search_concurrency = Some(0);
        assert_eq!(
            config.search_concurrency(),
            1,
            "never zero: searches would never run"
        );
        config.search_concurrency = Some(3);
        assert_eq!(config.search_concurrency(), 3);
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut config = Config::for_database("postgres://news:pa55word@db/toasoan");
        config.auth.jwt_secret = Some("the-hmac-secret-of-this-server".to_owned());
        let shown = format!("{config:?}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(!shown.contains("the-hmac-secret"), "{shown}");
        assert!(shown.contains("postgres://news:***@db/toasoan"), "{shown}");
    }
}
