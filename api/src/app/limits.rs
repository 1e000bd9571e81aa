//! Time and load limits around every route. A request past the request
//! timeout, or one that finds the server full, is answered `503` with
//! `Retry-After` and a stable code (`TIMEOUT`, `SERVICE_UNAVAILABLE`):
//! clients and proxies retry a `503` later, where some retry a `408` at
//! once.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::Semaphore;

use crate::platform::error::AppError;

/// Answers `503 TIMEOUT` when the request takes longer than `limit`. The
/// request's future is dropped, which drops its database work on this side;
/// the statement limit (`DB_STATEMENT_TIMEOUT_MS`) stops it on the
/// database's side.
pub async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(?limit, "request timed out");
            AppError::Timeout.into_response()
        }
    }
}

/// Serves at most as many requests at once as `permits` holds; the next
/// ones are refused at once (`503 SERVICE_UNAVAILABLE`) rather than queued,
/// so the accepted ones keep their latency. Health probes always pass: an
/// overloaded replica is alive, and its load balancer must keep seeing it.
pub async fn shed(State(permits): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    if is_probe(request.uri().path()) {
        return next.run(request).await;
    }
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => AppError::Unavailable.into_response(),
    }
}

fn is_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz")
}

/// The body limits: `MAX_BODY_BYTES` for every request but uploads
/// (`multipart/form-data` or an image body on `POST /v1/media` and
/// `POST /graphql`), which may be as large as `MEDIA_MAX_MB`, and
/// archives (`POST /v1/import`), as large as `IMPORT_MAX_MB`.
#[derive(Clone, Copy)]
pub struct BodyLimits {
    pub default: usize,
    pub upload: usize,
    pub import: usize,
}

/// Applies the [`BodyLimits`] that fit the request: `413` past it.
pub async fn body_limit(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    use tower::ServiceExt;
    let limit =
        if request.method() == axum::http::Method::POST && request.uri().path() == "/v1/import" {
            limits.import.max(limits.default)
        } else if is_upload(&request) {
            limits.upload.max(limits.default)
        } else {
            limits.default
        };
    let limited = tower::ServiceBuilder::new()
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .map_request(|request: axum::http::Request<_>| request.map(axum::body::Body::new))
        .service(next);
    match limited.oneshot(request).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

fn is_upload(request: &Request) -> bool {
    if request.method() != axum::http::Method::POST {
        return false;
    }
    let path = request.uri().path();
    if path != "/v1/media" && path != "/graphql" {
        return false;
    }
    let content_type = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    content_type.starts_with("multipart/form-data")
        || (path == "/v1/media" && content_type.starts_with("image/"))
}
