//! `GET /metrics`: every series of the process in Prometheus' text format
//! (`platform::metrics`), for Prometheus and the benchmark. On the public
//! listener, or alone on `METRICS_ADDR`.

use axum::{extract::State, http::header, response::IntoResponse};

use super::RestState;
use crate::platform::{db::replica_metrics, metrics::CONTENT_TYPE};

/// The exposition, the pool and the backlog read now, and the state of
/// each read replica.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "Every series, in the Prometheus text format.",
     content_type = "text/plain; version=0.0.4", body = String)))]
pub async fn metrics(State(state): State<RestState>) -> impl IntoResponse {
    let mut text = state.metrics.render().await;
    // The replicas' series, before the end marker when there is one.
    let end = text.strip_suffix("# EOF\n").map(str::len);
    let mut replicas = String::new();
    replica_metrics::render(&state.databases, &mut replicas);
    match end {
        Some(at) => text.insert_str(at, &replicas),
        None => text.push_str(&replicas),
    }
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text)
}
