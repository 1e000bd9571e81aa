//! `GET /metrics`: every series of the process in Prometheus' text format
//! (`platform::metrics`), for Prometheus and the benchmark. On the public
//! listener, or alone on `METRICS_ADDR`.

use axum::{extract::State, http::header, response::IntoResponse};

use super::RestState;
use crate::platform::metrics::CONTENT_TYPE;

/// The exposition, the pool and the backlog read now.
pub async fn metrics(State(state): State<RestState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        state.metrics.render().await,
    )
}
