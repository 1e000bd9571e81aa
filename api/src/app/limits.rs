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
