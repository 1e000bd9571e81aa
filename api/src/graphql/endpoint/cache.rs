//! HTTP caching of `GET /graphql` answers: anonymous reads are public
//! (`max-age` and `s-maxage` from async-graphql's cache hints, or
//! [`DEFAULT_MAX_AGE`] when no field gives one) with a strong `ETag`,
//! surrogate keys (`Surrogate-Key`, `Cache-Tag`) and `304 Not Modified`;
//! anything read with a token is `private, no-store`; errors are never
//! stored. CDNs may serve a stale answer while they revalidate and while
//! the origin fails (`stale-while-revalidate`, `stale-if-error`).
//!
//! The `ETag` is known before the query runs when the content generation
//! is (see [`crate::generation`]): a hash of the generation, the response
//! type and the raw query string, so a matching `If-None-Match` is
//! answered without touching the database. Otherwise it hashes the body.

use std::sync::Arc;

use async_graphql::CacheControl;
use axum::{
    body::{Body, to_bytes},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::negotiate::ResponseType;
use crate::{platform::conditional, platform::generation::ContentGeneration};

/// Seconds an anonymous answer may be reused when no field hints otherwise.
pub const DEFAULT_MAX_AGE: i32 = 30;

/// Seconds a CDN may keep serving an answer while the origin fails
/// (RFC 5861): a day of news beats an error page. Alongside it,
/// `stale-while-revalidate` lets the CDN serve the previous answer for
/// one more `max-age` while it fetches the next one.
pub const STALE_IF_ERROR: i32 = 86_400;

/// Fastly's and Varnish's purge keys (space-separated).
pub const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
/// Cloudflare's purge tags (comma-separated).
pub const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");

/// What validators of a replica depend on.
pub struct Validators {
    /// The content generation in memory.
    pub generation: Arc<ContentGeneration>,
    /// What else answers depend on: the build, the schema and the settings
    /// that show in answers. Equal on replicas of one deployment.
    salt: String,
}

impl Validators {
    /// Validators over `generation`; `salt` names the build and settings.
    pub fn new(generation: Arc<ContentGeneration>, salt: &str) -> Self {
        Self {
            generation,
            salt: format!("{}\n{salt}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The `ETag` of an anonymous `GET /graphql?{raw_query}` answered as
    /// `response_type`, known before running it: strong, because the
    /// answer is a function of the content generation and the request
    /// (the hour is part of it, for what depends on the clock alone, such
    /// as positions held "now"). `None` when the generation is unknown.
    pub(crate) async fn early_tag(
        &self,
        db: &DatabaseConnection,
        response_type: ResponseType,
        raw_query: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let generation = self.generation.current(db).await?;
        let hour = now.timestamp().div_euclid(3600);
        let input = format!(
            "{}\n{generation}\n{hour}\n{}\n{raw_query}",
            self.salt,
            response_type.content_type()
        );
        Some(conditional::etag(input.as_bytes()))
    }
}

/// Whether the request's `If-None-Match` holds `tag`.
pub fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| conditional::matches_any(v, tag))
}

/// The `304` of a validator known before running: the cache keeps the
/// stored answer's other headers (`Cache-Control`, surrogate keys).
pub fn not_modified(tag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(value) = HeaderValue::from_str(tag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    vary(response)
}

/// What decides how an answer may be cached.
pub struct Cacheability {
    pub anonymous: bool,
    pub without_errors: bool,
    pub hint: CacheControl,
    /// The validator known before running, if any.
    pub early_tag: Option<String>,
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
            format!(
                "public, max-age={age}, s-maxage={age}, stale-while-revalidate={age}, \
                 stale-if-error={STALE_IF_ERROR}"
            )
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
    let tag = c.early_tag.unwrap_or_else(|| conditional::etag(&bytes));
    let mut response = if matches(request, &tag) {
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
