//! Building the application: state, schema, router; then serving it.

use std::{sync::Arc, time::Duration};

use axum::Router;
use sea_orm::DatabaseConnection;
use tower_http::{
    compression::CompressionLayer, cors::CorsLayer, limit::RequestBodyLimitLayer,
    timeout::TimeoutLayer, trace::TraceLayer,
};

use crate::{
    auth::Verifier,
    config::Config,
    graphql::{self, AppSchema},
    http,
    metrics::Metrics,
};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub schema: AppSchema,
    /// Verifies bearer tokens once per request.
    pub verifier: Arc<Verifier>,
    /// Automatic persisted queries registered on this replica.
    pub persisted: Arc<crate::http::persisted::PersistedQueries>,
    /// The content generation and what else `GET /graphql` validators
    /// depend on.
    pub validators: Arc<crate::http::graphql_cache::Validators>,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State over an open (and migrated) database.
    pub fn new(db: DatabaseConnection, config: Config, verifier: Verifier) -> Self {
        let config = Arc::new(config);
        let schema = build_schema(db.clone(), config.clone());
        let persisted = crate::http::persisted::PersistedQueries::new(
            config.persisted_queries,
            config.persisted_queries_file.clone(),
        );
        let validators = crate::http::graphql_cache::Validators::new(
            Arc::new(crate::generation::ContentGeneration::new(
                config.content_version_poll_ms > 0,
            )),
            // The settings that show in answers, and the schema.
            &format!(
                "{}\n{}\n{:?}\n{}",
                config.base_url(),
                config.publication_name,
                config.publisher_logo_url,
                schema.sdl()
            ),
        );
        Self {
            db,
            config,
            schema,
            verifier: Arc::new(verifier),
            persisted: Arc::new(persisted),
            validators: Arc::new(validators),
            metrics: Arc::default(),
        }
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
        Self {
            metrics,
            ..Self::new(db, config, verifier)
        }
    }
}

/// The executable schema, with the database and configuration attached.
pub fn build_schema(db: DatabaseConnection, config: Arc<Config>) -> AppSchema {
    graphql::schema_builder(&config)
        .data(db)
        .data(config)
        .finish()
}

/// The whole HTTP surface, with its middleware. Pure: binding a port is
/// the caller's business.
pub fn build_router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let body_limit = state.config.max_body_bytes;
    http::routes()
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(CompressionLayer::new())
        .layer(CorsLayer::permissive())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves `router` on the configured address until SIGINT or SIGTERM, then
/// lets in-flight requests finish.
pub async fn serve(router: Router, config: &Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    println!("Toà Soạn is up: GraphiQL at http://{addr}/graphql");
    serve_on(listener, router).await
}

/// Serves `router` on an already bound listener (tests bind port 0).
pub async fn serve_on(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
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
