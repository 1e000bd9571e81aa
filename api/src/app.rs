//! The application: its long-lived state, the router that merges the two
//! faces (REST in `http/`, GraphQL in `graphql/endpoint/`) under one set
//! of middleware, and serving it. The composition root: it imports the
//! faces; nothing imports it.

mod access_log;
mod cors;
mod limits;
mod request_id;

use std::{net::SocketAddr, ops::Deref, sync::Arc};

use axum::{Router, middleware};
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
};

pub use crate::graphql::build_schema;
use crate::{
    graphql::endpoint::EndpointState,
    http::{Rest, RestState, rate_limit::RateLimitState},
    platform::auth::Verifier,
    platform::config::Config,
    platform::db::{Databases, batch_reads::StatementHook},
    platform::generation::ContentGeneration,
    platform::metrics::Metrics,
    platform::ratelimit::RateLimits,
    platform::shutdown::Shutdown,
    platform::signals::Signals,
};

/// The application's long-lived parts, shared by both faces.
pub struct App {
    /// The primary database.
    pub db: DatabaseConnection,
    /// The primary and the read replicas (`DATABASE_READ_URL`).
    pub databases: Arc<Databases>,
    pub config: Arc<Config>,
    /// Verifies bearer tokens once per request.
    pub verifier: Arc<Verifier>,
    /// The content generation, which the server's poll keeps current.
    pub generation: Arc<ContentGeneration>,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// The GraphQL endpoint (schema, persisted queries, validators).
    pub graphql: EndpointState,
    /// Every client's budget on this replica; `None` when rate limiting
    /// is off.
    pub rate_limits: Option<Arc<RateLimits>>,
    /// Notices to and from the other replicas (cache purges).
    pub signals: Arc<Signals>,
    /// The stop signal: readiness, the server and the workers watch it.
    pub shutdown: Shutdown,
}

/// The application, cheap to clone (crates.io's `AppState(Arc<App>)`).
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
        let background = db.clone();
        let metrics = Arc::new(Metrics::new(config.observability.metrics_operation_names));
        Self::with_metrics(db, background, config, verifier, metrics, None)
    }

    /// State whose own upkeep (cache invalidation, signals) runs through
    /// `background`, so that a statement count kept on `db` counts the
    /// requests only (tests).
    pub fn with_background(
        db: DatabaseConnection,
        background: DatabaseConnection,
        config: Config,
        verifier: Verifier,
    ) -> Self {
        let metrics = Arc::new(Metrics::new(config.observability.metrics_operation_names));
        Self::with_metrics(db, background, config, verifier, metrics, None)
    }

    /// State whose `/metrics` counts the SQL statements run through `db`
    /// (the server's; tests count with a callback of their own).
    pub fn counting_statements(
        mut db: DatabaseConnection,
        config: Config,
        verifier: Verifier,
    ) -> Self {
        // Taken before counting: the upkeep's statements are not requests'.
        let background = db.clone();
        let metrics = Arc::new(Metrics::new(config.observability.metrics_operation_names));
        metrics.count_statements_of(&mut db);
        let counted = metrics.clone();
        let hook: StatementHook = Arc::new(move |info| counted.statement(info));
        Self::with_metrics(db, background, config, verifier, metrics, Some(hook))
    }

    fn with_metrics(
        db: DatabaseConnection,
        background: DatabaseConnection,
        config: Config,
        verifier: Verifier,
        metrics: Arc<Metrics>,
        hook: Option<StatementHook>,
    ) -> Self {
        metrics.scrape_through(background.clone());
        let config = Arc::new(config);
        let verifier = Arc::new(verifier);
        let generation = Arc::new(ContentGeneration::new(config.content_version_poll_ms > 0));
        let signals = Signals::new(background.clone());
        let databases = Arc::new(Databases::from_config(
            db.clone(),
            background.clone(),
            &config,
            hook,
        ));
        let shutdown = Shutdown::new();
        let graphql = EndpointState::new(
            databases.clone(),
            background,
            config.clone(),
            verifier.clone(),
            generation.clone(),
            metrics.clone(),
            signals.clone(),
            shutdown.clone(),
        );
        let rate_limits = rate_limits(&config);
        Self(Arc::new(App {
            db,
            databases,
            config,
            verifier,
            generation,
            metrics,
            graphql,
            rate_limits,
            signals,
            shutdown,
        }))
    }

    /// Starts what keeps this replica in step with the others: the
    /// listener of their notices (PostgreSQL) and the response cache's
    /// invalidation (notices, the change log and the content generation,
    /// checked every `CONTENT_VERSION_POLL_MS`, or every second when that
    /// is 0), the read replicas' health check, and the search index's
    /// follower (a small archive is indexed before this returns). The
    /// tasks end with the runtime.
    pub async fn spawn_signals(&self) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        if let Some(invalidator) = self.graphql.invalidator.clone() {
            invalidator.start().await;
            let every = match self.config.content_version_poll_ms {
                0 => 1000,
                ms => ms,
            };
            tasks.push(invalidator.spawn(&self.signals, std::time::Duration::from_millis(every)));
        }
        tasks.extend(self.signals.clone().spawn_listener());
        let admission = self.graphql.admission.clone();
        tasks.push(
            crate::workers::live::spawn(
                self.graphql.live.clone(),
                self.graphql.background.clone(),
                &self.signals,
                self.shutdown.clone(),
                self.metrics.clone(),
                move || admission.open(),
            )
            .await,
        );
        tasks.extend(self.databases.spawn_health());
        if let Some(index) = &self.graphql.search_index {
            let db = self.graphql.background.clone();
            index.start(&db).await;
            tasks.push(index.spawn_follower(
                db,
                &self.signals,
                self.shutdown.clone(),
                self.metrics.clone(),
            ));
        }
        tasks
    }

    /// The signal bus, for the workers that write (the scheduler).
    pub fn signals(&self) -> Arc<Signals> {
        self.signals.clone()
    }

    /// The REST face's share of the state.
    fn rest(&self) -> RestState {
        RestState(Arc::new(Rest {
            db: self.db.clone(),
            databases: self.databases.clone(),
            generation: self.generation.clone(),
            config: self.config.clone(),
            verifier: self.verifier.clone(),
            metrics: self.metrics.clone(),
            media: self.graphql.media.clone(),
            shutdown: self.shutdown.clone(),
        }))
    }
}

/// Room for a multipart upload's headers and text fields beside the
/// file itself.
const UPLOAD_ENVELOPE: usize = 64 * 1024;

/// The whole HTTP surface, with its middleware (`/metrics` only when
/// `METRICS_ADDR` is unset). Pure: binding a port is the caller's
/// business.
///
/// From the outside in: the request id (a client's insane one dropped,
/// then kept or generated, echoed in the response), the access log (the
/// request's span, its line and its series), CORS (so a browser can read a `503` or a
/// `429` too), the rate limit, load shedding, the request timeout,
/// compression, the body limit.
pub fn build_router(state: AppState) -> Router {
    let config = &state.config;
    let mut router = crate::http::routes(state.rest())
        .merge(crate::graphql::endpoint::routes(state.graphql.clone()))
        .layer(middleware::from_fn_with_state(
            limits::BodyLimits {
                default: config.max_body_bytes,
                upload: config.media.max_bytes().saturating_add(UPLOAD_ENVELOPE),
                import: config
                    .import_max_mb
                    .saturating_mul(1024 * 1024)
                    .saturating_add(UPLOAD_ENVELOPE),
            },
            limits::body_limit,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            config.request_timeout(),
            limits::timeout,
        ));
    if let Some(max) = config.load.max_concurrent_requests() {
        let permits = Arc::new(Semaphore::new(max));
        router = router.layer(middleware::from_fn_with_state(permits, limits::shed));
    }
    // Outside load shedding: a client over its budget is refused before
    // it takes a permit. Inside CORS: preflights are free, and a 429
    // carries the CORS headers a browser needs to read it.
    let access = access_log::AccessLog {
        metrics: state.metrics.clone(),
        trusted_proxies: config.rate_limit.trusted_proxies.clone().into(),
    };
    with_rate_limit(router, &state)
        .layer(cors::layer(config))
        .layer(middleware::from_fn_with_state(
            access,
            access_log::access_log,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(request_id::drop_insane))
}

/// `GET /metrics` alone, for the listener of `METRICS_ADDR`.
pub fn build_metrics_router(state: &AppState) -> Router {
    crate::http::metrics_routes(state.rest())
}

/// When `METRICS_ADDR` is set: binds it and serves `/metrics` there until
/// the task is aborted (the server does it last, so that a draining
/// replica can still be scraped). A bind failure stops the start-up.
pub async fn serve_metrics(
    state: &AppState,
) -> std::io::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(addr) = state.config.observability.metrics_addr else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "serving /metrics");
    let router = build_metrics_router(state);
    Ok(Some(tokio::spawn(async move {
        let served = axum::serve(listener, router).await;
        if let Err(err) = served {
            tracing::error!(%err, "the metrics listener failed");
        }
    })))
}

/// The budgets of the settings, announced in the log; `None` when rate
/// limiting is off.
fn rate_limits(config: &Config) -> Option<Arc<RateLimits>> {
    let production = config.is_production();
    let limits = RateLimits::from_config(&config.rate_limit, production)?;
    tracing::info!(
        per_minute = config.rate_limit.per_minute(production),
        partner_per_minute = config.rate_limit.partner_per_minute(production),
        trusted_proxies = ?config.rate_limit.trusted_proxies,
        "rate limiting on (budgets of this replica)"
    );
    if config.rate_limit.trusted_proxies.is_empty() {
        tracing::warn!(
            "TRUSTED_PROXIES is empty: behind a CDN or load balancer, every reader \
             would share the proxy's budget"
        );
    }
    Some(Arc::new(limits))
}

/// `routes` behind the rate limit, when it is on.
fn with_rate_limit(routes: Router, state: &AppState) -> Router {
    let Some(limits) = state.rate_limits.clone() else {
        return routes;
    };
    let limit = RateLimitState {
        limits,
        verifier: state.verifier.clone(),
    };
    routes.layer(middleware::from_fn_with_state(
        limit,
        crate::http::rate_limit::limit,
    ))
}

/// Serves `router` on the configured address until `shutdown` starts
/// (see [`watch_signals`]): the listener stays open
/// `SHUTDOWN_DELAY_SECS` more, then in-flight requests finish. The caller
/// bounds the whole with `SHUTDOWN_GRACE_SECS`.
pub async fn serve(router: Router, config: &Config, shutdown: Shutdown) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %config.database_url.redacted(), "listening");
    if config.graphiql_on() {
        println!("Toà Soạn is up: GraphiQL at http://{addr}/graphql");
    } else {
        println!("Toà Soạn is up: http://{addr}/graphql");
    }
    let delay = config.shutdown.delay();
    serve_until(listener, router, async move {
        shutdown.started().await;
        if !delay.is_zero() {
            tracing::info!(
                delay_secs = delay.as_secs(),
                "draining: /readyz answers 503, still accepting requests"
            );
            tokio::time::sleep(delay).await;
        }
        tracing::info!("no longer accepting requests; finishing those in flight");
    })
    .await
}

/// Serves `router` on an already bound listener (tests bind port 0) until
/// SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn serve_on(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    serve_until(listener, router, stop_signal()).await
}

/// Serves `router` on `listener` until `stop` completes, then lets
/// in-flight requests finish. Each request carries its peer's address
/// (`ConnectInfo`): anonymous clients are rate limited by it.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
}

/// Starts `shutdown` on the first SIGINT or SIGTERM.
pub fn watch_signals(shutdown: Shutdown) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        stop_signal().await;
        shutdown.begin();
    })
}

/// The first SIGINT or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
