//! Liveness and readiness probes for orchestrators and load balancers.

use axum::{extract::State, http::StatusCode};

use super::RestState;

/// `GET /healthz`: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up.", body = String, example = "ok")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers and the replica is not shutting
/// down, so it can take traffic. From SIGTERM on it answers 503, so the
/// load balancer stops routing to the replica while it drains.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready to take traffic.", body = String, example = "ready"),
    (status = 503, description = "Draining, or the database does not answer.", body = String)))]
pub async fn readyz(State(state): State<RestState>) -> (StatusCode, &'static str) {
    if state.shutdown.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(%err, "database is not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
