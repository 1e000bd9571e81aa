//! HTTP caching of `GET /graphql` answers: anonymous reads are public
//! (`max-age` and `s-maxage` from async-graphql's cache hints, or
//! [`DEFAULT_MAX_AGE`] when no field gives one) with a strong `ETag`,
//! surrogate keys (`Surrogate-Key`, `Cache-Tag`) and `304 Not Modified`;
//! anything read with a token is `private, no-store`; errors are never
//! stored.

use async_graphql::CacheControl;
use axum::{
    body::{Body, to_bytes},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::conditional;

/// Seconds an anonymous answer may be reused when no field hints otherwise.
pub const DEFAULT_MAX_AGE: i32 = 30;

/// Fastly's and Varnish's purge keys (space-separated).
pub const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
/// Cloudflare's purge tags (comma-separated).
pub const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");

/// What decides how an answer may be cached.
pub struct Cacheability {
    pub anonymous: bool,
    pub without_errors: bool,
    pub hint: CacheControl,
    /// The surrogate keys of the answer.
    pub keys: Vec<String>,
}

/// Adds the caching headers to `response`, or turns it into a `304`.
pub async fn apply(response: Response, request: &HeaderMap, c: Cacheability) -> Response {
    let policy = match (c.anonymous, c.without_errors, c.hint) {
        (
            true,
            true,
            CacheControl {
                public: true,
                max_age,
            },
        ) if max_age >= 0 => {
            let age = if max_age == 0 {
                DEFAULT_MAX_AGE
            } else {
                max_age
            };
            format!("public, max-age={age}, s-maxage={age}")
        }
        (true, true, CacheControl { public: true, .. }) => "no-cache".to_owned(),
        _ => "private, no-store".to_owned(),
    };
    let shared = policy.starts_with("public") || policy == "no-cache";
    if response.status() != StatusCode::OK || !shared {
        return with_policy(response, &policy);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = conditional::etag(&bytes);
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| conditional::matches_any(v, &tag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::from_parts(parts, Body::from(bytes))
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    if !c.keys.is_empty() {
        if let Ok(value) = HeaderValue::from_str(&c.keys.join(" ")) {
            headers.insert(SURROGATE_KEY, value);
        }
        if let Ok(value) = HeaderValue::from_str(&c.keys.join(",")) {
            headers.insert(CACHE_TAG, value);
        }
    }
    with_policy(response, &policy)
}

fn with_policy(mut response: Response, policy: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(policy) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    vary(response)
}

/// The answer depends on the token and the media type: caches must key on
/// them.
fn vary(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    );
    response
}
