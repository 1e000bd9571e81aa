//! `GET /metrics`: the process counters, for Prometheus and the benchmark.

use axum::{extract::State, http::header, response::IntoResponse};

use super::RestState;

pub async fn metrics(State(state): State<RestState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
