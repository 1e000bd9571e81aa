//! The HTTP surface: one routing table, one module per group of routes.

mod conditional;
mod feeds;
mod graphiql;
mod graphql;
pub mod graphql_cache;
mod health;
mod metrics;
mod negotiate;
mod ninjs;
pub mod persisted;
mod rest;
pub mod rest_error;
mod sitemaps;
mod state;
mod sync;

use axum::{Router, routing::get};

pub use state::{App, AppState};

/// Every route of the server.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphiql/assets/{file}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/feeds/{file}", get(feeds::site))
        .route("/feeds/{kind}/{slug}/{file}", get(feeds::scoped))
        .route("/sitemap.xml", get(sitemaps::index))
        .route("/sitemaps/{file}", get(sitemaps::page))
        .route("/sitemap-news.xml", get(sitemaps::news))
        .route("/v1/ninjs/articles/{key}", get(ninjs::article))
        .route("/v1/sync", get(sync::sync))
}
