//! Live operations over `/graphql`: subscriptions (and queries) over
//! WebSocket ([`ws`]) and Server-Sent Events ([`sse`]), each connection
//! admitted against the replica's and the client's bounds
//! ([`admission`]) and run by an executor that applies the query rules
//! to every operation ([`executor`]).

mod admission;
mod executor;
pub mod sse;
pub mod ws;

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

pub use admission::{Admission, Permit};
pub use executor::TOO_MANY_SUBSCRIPTIONS;

use super::{EndpointState, coded_error, negotiate::ResponseType, respond_with_status};
use crate::platform::{error::AppError, ratelimit};

/// Whether a request asks for Server-Sent Events.
pub fn wants_events(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("text/event-stream"))
}

/// A place for a live connection of the client `headers` and `peer`
/// name (behind `TRUSTED_PROXIES`, as the rate limit finds it), or why
/// there is none (see [`refusal`]).
pub fn admit(
    state: &EndpointState,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<Permit, AppError> {
    let forwarded = ratelimit::forwarded_for(headers);
    let client = ratelimit::client_ip(peer, forwarded.as_deref(), &state.trusted_proxies);
    state.admission.admit(client)
}

/// The answer to a connection [`admit`] refused: `429 RATE_LIMITED` when
/// the client holds its share, `503 SERVICE_UNAVAILABLE` when the replica
/// is full; both with `Retry-After`.
pub fn refusal(err: &AppError) -> Response {
    let (status, message, retry) = match err {
        AppError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "this client holds as many live connections as it may: close one first",
            "10",
        ),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "this server holds as many live connections as it may: retry later",
            "2",
        ),
    };
    let body = async_graphql::Response::from_errors(vec![coded_error(message, err.code())]);
    let mut response = respond_with_status(status, ResponseType::Json, body);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static(retry));
    response
}
