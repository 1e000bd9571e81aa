//! The REST face: one routing table, one module per group of routes
//! (feeds, sitemaps, ninjs, sync, media, import, probes, metrics), and the rate-limit
//! middleware the application puts over both faces. GraphQL over HTTP is
//! the GraphQL face's own (`graphql/endpoint/`); the application merges
//! both routers (`app.rs`).

mod examples;
mod feeds;
mod health;
mod import;
mod media;
mod metrics;
mod ninjs;
pub mod openapi;
pub mod rate_limit;
mod reference;
mod rest;
pub mod rest_error;
mod schemas;
mod sitemaps;
mod state;
mod sync;

use axum::{Router, routing::get};

pub use state::{Rest, RestState};

/// Every REST route, with its state; `/metrics` only when `METRICS_ADDR`
/// does not serve it apart.
pub fn routes(state: RestState) -> Router {
    let router = if state.config.observability.metrics_addr.is_some() {
        Router::new()
    } else {
        Router::new().route("/metrics", get(metrics::metrics))
    };
    let router = if state.config.is_production() {
        router
    } else {
        router
            .route("/examples/reader/", get(examples::reader))
            .route("/examples/reader/{file}", get(examples::reader))
    };
    router
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/feeds/{file}", get(feeds::site))
        .route("/feeds/{kind}/{slug}/{file}", get(feeds::scoped))
        .route("/sitemap.xml", get(sitemaps::index))
        .route("/sitemaps/{file}", get(sitemaps::page))
        .route("/sitemap-news.xml", get(sitemaps::news))
        .route("/v1/ninjs/articles/{key}", get(ninjs::article))
        .route("/v1/sync", get(sync::sync))
        .route("/v1/openapi.json", get(openapi::document))
        .route(schemas::NINJS_SCHEMA_PATH, get(schemas::ninjs_schema))
        .route("/v1/docs", get(reference::page))
        .route("/v1/docs/assets/{file}", get(reference::asset))
        .route("/v1/import", axum::routing::post(import::start))
        .route("/v1/media", axum::routing::post(media::upload))
        .route("/v1/media/{id}", axum::routing::delete(media::delete))
        .route("/media/{key}/original", get(media::original))
        .route("/media/{key}/{size}/{file}", get(media::rendition))
        .with_state(state)
}

/// `GET /metrics` alone (the router of `METRICS_ADDR`).
pub fn metrics_routes(state: RestState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::metrics))
        .with_state(state)
}
