//! The rate limit at the HTTP edge (`platform::ratelimit` decides): a
//! middleware over every route that finds the client, charges the request
//! on arrival (a GraphQL request its admission, a REST call its fixed
//! cost), hands GraphQL requests their ticket for the rest of their
//! complexity, and answers with the IETF draft's headers
//! (draft-ietf-httpapi-ratelimit-headers):
//!
//! ```text
//! RateLimit-Policy: "default";q=60000;w=60
//! RateLimit: "default";r=59200;t=1
//! ```
//!
//! `q` is the budget in cost units per window `w`, `r` what is left and
//! `t` the seconds until the budget is whole again (on a refusal: until
//! the refused cost fits, as `Retry-After`). A refusal is `429` with
//! `Retry-After` and the GraphQL-shaped error body of `rest_error`
//! (`extensions.code = RATE_LIMITED`).

use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::rest_error::ApiError;
use crate::platform::{
    auth::Verifier,
    error::AppError,
    ratelimit::{
        ADMISSION_COST, Decision, REST_COST, RateLimits, Ticket, WINDOW_SECS, client_ip,
        forwarded_for, identify,
    },
};

static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
static RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// What the middleware needs: the budgets and the token verifier.
#[derive(Clone)]
pub struct RateLimitState {
    pub limits: Arc<RateLimits>,
    pub verifier: Arc<Verifier>,
}

/// How a route is charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Charge {
    /// Its admission now, its complexity after validation.
    Graphql,
    /// A fixed cost.
    Rest,
}

impl Charge {
    /// Probes, metrics and GraphiQL's assets are free; every other path,
    /// unknown ones included, is charged.
    fn of_path(path: &str) -> Option<Self> {
        match path {
            "/graphql" => Some(Self::Graphql),
            "/healthz" | "/readyz" | "/metrics" => None,
            _ if path.starts_with("/graphiql/") => None,
            _ => Some(Self::Rest),
        }
    }
}

/// The middleware (`axum::middleware::from_fn_with_state`).
pub async fn limit(
    State(state): State<RateLimitState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(charge) = Charge::of_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let headers = request.headers();
    let forwarded_for = forwarded_for(headers);
    let ip = client_ip(
        peer,
        forwarded_for.as_deref(),
        state.limits.trusted_proxies(),
    );
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let client = identify(&state.verifier, authorization, ip).await;
    let cost = match charge {
        Charge::Graphql => ADMISSION_COST,
        Charge::Rest => REST_COST,
    };
    let ticket = Ticket::admit(state.limits.clone(), client, cost);
    if let Some(decision) = ticket.decision().filter(Decision::is_denied) {
        let mut response = ApiError::from(AppError::RateLimited).into_response();
        set_headers(response.headers_mut(), &decision);
        return response;
    }
    if charge == Charge::Graphql {
        request.extensions_mut().insert(ticket.clone());
    }
    let mut response = next.run(request).await;
    // The GraphQL endpoint may have refused the operation's complexity:
    // its error body stays, the status becomes 429.
    if let Some(decision) = ticket.decision() {
        if decision.is_denied() {
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        }
        set_headers(response.headers_mut(), &decision);
    }
    response
}

fn set_headers(headers: &mut HeaderMap, decision: &Decision) {
    let name = decision.policy.name();
    let policy = format!("\"{name}\";q={};w={WINDOW_SECS}", decision.quota);
    let limit = format!(
        "\"{name}\";r={};t={}",
        decision.remaining, decision.reset_secs
    );
    for (header, value) in [(&RATELIMIT_POLICY, policy), (&RATELIMIT, limit)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(header.clone(), value);
        }
    }
    if let Some(seconds) = decision.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::platform::ratelimit::Policy;

    #[test]
    fn routes_and_their_charge() {
        assert_eq!(Charge::of_path("/graphql"), Some(Charge::Graphql));
        assert_eq!(Charge::of_path("/v1/sync"), Some(Charge::Rest));
        assert_eq!(Charge::of_path("/feeds/rss.xml"), Some(Charge::Rest));
        assert_eq!(Charge::of_path("/no-such-page"), Some(Charge::Rest));
        assert_eq!(Charge::of_path("/healthz"), None);
        assert_eq!(Charge::of_path("/graphiql/assets/graphiql.js"), None);
    }

    #[test]
    fn headers_in_the_drafts_structured_form() {
        let mut headers = HeaderMap::new();
        let decision = Decision {
            policy: Policy::Partner,
            quota: 600,
            remaining: 0,
            reset_secs: 7,
            retry_after: Some(7),
        };
        set_headers(&mut headers, &decision);
        assert_eq!(headers["ratelimit-policy"], "\"partner\";q=600;w=60");
        assert_eq!(headers["ratelimit"], "\"partner\";r=0;t=7");
        assert_eq!(headers["retry-after"], "7");
    }
}
