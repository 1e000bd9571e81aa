//! One span and one access line per request, and the request's series.
//!
//! The span (`request`, with the request id) encloses everything the
//! request does, so every log line of the request carries the id, and
//! exported traces root there. When the answer is ready, one line at
//! `info` (target `toasoan::access`) gives the method, the route template,
//! the status, the duration, the GraphQL operation name, the client
//! address (read like the rate limit reads it: `X-Forwarded-For` only from
//! `TRUSTED_PROXIES`) and the request id; the request's duration goes to
//! `http_server_request_duration_seconds` and a GraphQL operation to
//! `toasoan_graphql_operations_total` and `toasoan_graphql_errors_total`.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use tracing::{Instrument, field::Empty};

use crate::platform::{
    metrics::{Metrics, RequestLabels, UNMATCHED_ROUTE, method_label},
    ratelimit::client_ip,
    request_scope::RequestScope,
};

/// What the middleware needs.
#[derive(Clone)]
pub struct AccessLog {
    pub metrics: Arc<Metrics>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[IpNet]>,
}

/// The middleware (`axum::middleware::from_fn_with_state`).
pub async fn access_log(State(state): State<AccessLog>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = super::request_id::of(&request);
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let client = client(&request, &state.trusted_proxies);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        otel.name = %format!("{method} {route}"),
        otel.kind = "server",
        http.request.method = method,
        http.route = %route,
        http.response.status_code = Empty,
        graphql.operation.name = Empty,
    );
    let scope = RequestScope::new(id.clone());
    let response = scope
        .clone()
        .run(next.run(request))
        .instrument(span.clone())
        .await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let labels = RequestLabels {
        http_route: route.clone(),
        http_request_method: method.to_owned(),
        http_response_status_code: status,
    };
    state.metrics.http.observe(&labels, elapsed.as_secs_f64());
    let graphql = scope.graphql();
    if let Some(graphql) = &graphql {
        state.metrics.graphql.operation(
            graphql.operation.as_deref(),
            graphql.error_codes.iter().map(String::as_str),
        );
    }
    let operation = graphql.and_then(|g| g.operation);
    span.record("http.response.status_code", status);
    if let Some(operation) = &operation {
        span.record("graphql.operation.name", operation.as_str());
    }
    span.in_scope(|| {
        tracing::info!(
            target: "toasoan::access",
            method,
            route = %route,
            status,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            operation = operation.as_deref(),
            client = %client,
            request_id = %id,
            "request"
        );
    });
    response
}

/// The client's address, as the rate limit finds it.
fn client(request: &Request, trusted: &[IpNet]) -> std::net::IpAddr {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded_for = crate::platform::ratelimit::forwarded_for(request.headers());
    client_ip(peer, forwarded_for.as_deref(), trusted)
}
