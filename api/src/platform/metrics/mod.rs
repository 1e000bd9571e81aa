//! What an operator (and `bench/run.sh`) reads at `GET /metrics`, in
//! Prometheus' text exposition format (0.0.4), written by the
//! `prometheus-client` crate. Names follow OpenTelemetry's semantic
//! conventions where one exists (`http_server_request_duration_seconds`,
//! `db_client_*`); the rest are `toasoan_*`. Every family is listed, with
//! what to alert on, in `docs/operations/observability.md`.
//!
//! `toasoan_graphql_requests_total` and `toasoan_sql_statements_total`
//! make "statements per request" one division of two scrapes.

mod backlog;
mod cache;
mod database;
mod graphql;
mod http;
mod live;
mod media;
mod search;

use std::sync::{Arc, OnceLock};

use chrono::Utc;
use prometheus_client::{
    encoding::prometheus_text,
    metrics::{counter::Counter, info::Info},
    registry::Registry,
};
use sea_orm::DatabaseConnection;

pub use self::{
    backlog::BacklogMetrics,
    cache::CacheMetrics,
    database::DatabaseMetrics,
    graphql::GraphqlMetrics,
    http::{HttpMetrics, RequestLabels, UNMATCHED_ROUTE, method_label},
    live::LiveMetrics,
    media::MediaMetrics,
    search::SearchIndexMetrics,
};
use super::config::observability::DEFAULT_OPERATION_NAMES;

/// The `Content-Type` of `GET /metrics`.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// The series of one process.
pub struct Metrics {
    registry: Registry,
    graphql_requests: Counter,
    sql_statements: Counter,
    sql_failures: Counter,
    /// The response cache's counters and size.
    pub response_cache: CacheMetrics,
    /// Request durations.
    pub http: HttpMetrics,
    /// GraphQL operations and errors.
    pub graphql: GraphqlMetrics,
    /// Statement durations and the pool.
    pub database: DatabaseMetrics,
    backlog: BacklogMetrics,
    /// The embedded search index (set by its follower).
    pub search_index: SearchIndexMetrics,
    /// Live subscriptions.
    pub live: LiveMetrics,
    /// The media library.
    pub media: MediaMetrics,
    /// The connection the scrape reads the pool and the backlog through
    /// (not counted as requests' statements).
    scrape_db: OnceLock<DatabaseConnection>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(DEFAULT_OPERATION_NAMES)
    }
}

impl Metrics {
    /// Every family, registered; at most `operation_names` GraphQL
    /// operation names get series of their own.
    pub fn new(operation_names: usize) -> Self {
        let mut metrics = Self {
            registry: Registry::default(),
            graphql_requests: Counter::default(),
            sql_statements: Counter::default(),
            sql_failures: Counter::default(),
            response_cache: CacheMetrics::default(),
            http: HttpMetrics::default(),
            graphql: GraphqlMetrics::new(operation_names),
            database: DatabaseMetrics::default(),
            backlog: BacklogMetrics::default(),
            search_index: SearchIndexMetrics::default(),
            live: LiveMetrics::default(),
            media: MediaMetrics::default(),
            scrape_db: OnceLock::new(),
        };
        let registry = &mut metrics.registry;
        registry.register(
            "toasoan_build",
            "The running build",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        registry.register(
            "toasoan_graphql_requests",
            "GraphQL requests that reached the executor",
            metrics.graphql_requests.clone(),
        );
        registry.register(
            "toasoan_sql_statements",
            "SQL statements run by request handlers",
            metrics.sql_statements.clone(),
        );
        registry.register(
            "toasoan_sql_statement_failures",
            "SQL statements that returned an error",
            metrics.sql_failures.clone(),
        );
        metrics.response_cache.register(registry);
        metrics.http.register(registry);
        metrics.graphql.register(registry);
        metrics.database.register(registry);
        metrics.backlog.register(registry);
        metrics.search_index.register(registry);
        metrics.live.register(registry);
        metrics.media.register(registry);
        metrics
    }

    /// Counts and times every statement run through `db` from now on. Only
    /// this handle counts: clones taken before the call (the scheduler's,
    /// the webhook worker's) keep their own, so background work does not
    /// inflate the per-request figures.
    pub fn count_statements_of(self: &Arc<Self>, db: &mut DatabaseConnection) {
        let metrics = Arc::clone(self);
        db.set_metric_callback(move |info| metrics.statement(info));
    }

    /// Counts and times one statement.
    pub fn statement(&self, info: &sea_orm::metric::Info<'_>) {
        self.sql_statements.inc();
        if info.failed {
            self.sql_failures.inc();
        }
        self.database.statement(
            info.statement.db_backend,
            &info.statement.sql,
            info.elapsed.as_secs_f64(),
        );
    }

    /// Reads the pool and the backlog through `db` at each scrape (the
    /// first call wins).
    pub fn scrape_through(&self, db: DatabaseConnection) {
        let _ = self.scrape_db.set(db);
    }

    /// One GraphQL request reached the executor.
    pub fn graphql_request(&self) {
        self.graphql_requests.inc();
    }

    /// Every series in Prometheus' text format, the pool and the backlog
    /// read now. A backlog that cannot be read keeps its last values (and
    /// says so in the log).
    pub async fn render(&self) -> String {
        if let Some(db) = self.scrape_db.get() {
            self.database.read_pool(db);
            if let Err(err) = self.backlog.read(db, Utc::now()).await {
                tracing::warn!(%err, "reading the backlog for /metrics failed");
            }
        }
        let mut text = String::new();
        if let Err(err) = prometheus_text::encode(&mut text, &self.registry) {
            tracing::error!(%err, "encoding /metrics failed");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_every_family_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.graphql_request();
        metrics.graphql_request();
        metrics.graphql.operation(Some("Home"), ["NOT_FOUND"]);
        let labels = RequestLabels {
            http_route: "/graphql".to_owned(),
            http_request_method: "POST".to_owned(),
            http_response_status_code: 200,
        };
        metrics.http.observe(&labels, 0.02);
        let text = metrics.render().await;
        assert!(
            text.contains("# TYPE toasoan_graphql_requests_total counter\n"),
            "{text}"
        );
        assert!(
            text.contains("\ntoasoan_graphql_requests_total 2\n"),
            "{text}"
        );
        assert!(
            text.contains("\ntoasoan_sql_statements_total 0\n"),
            "{text}"
        );
        assert!(text.contains("toasoan_build_info{version=\""), "{text}");
        assert!(
            text.contains("toasoan_graphql_errors_total{graphql_operation_name=\"Home\",error_code=\"NOT_FOUND\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("http_server_request_duration_seconds_count{http_route=\"/graphql\",http_request_method=\"POST\",http_response_status_code=\"200\"} 1"),
            "{text}"
        );
    }
}
