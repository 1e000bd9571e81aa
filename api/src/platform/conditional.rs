//! Cacheable GET responses: a strong `ETag` from the bytes of the body,
//! `Last-Modified`, `Cache-Control`, and `304 Not Modified` for requests
//! whose `If-None-Match` (or, without it, `If-Modified-Since`) shows the
//! client already has this version (RFC 9110, section 13).

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// How long shared caches and readers may reuse a feed or sitemap.
pub const CACHE_CONTROL: &str = "public, max-age=60";

/// The strong entity tag of `body`: the first 128 bits of its SHA-256, in
/// hex and quotes. Any change to the bytes (an edited title, a renamed
/// author, a new item) changes it; equal bytes always give the same tag,
/// on every replica.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `at` as an HTTP date: `Mon, 27 Dec 2021 12:12:00 GMT`.
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Answers `200` with `body`, or `304` with no body when the request's
/// validators match.
pub fn respond(
    request: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    last_modified: Option<DateTime<Utc>>,
) -> Response {
    let tag = etag(&body);
    let not_modified = match request.get(header::IF_NONE_MATCH) {
        Some(value) => matches_any(value, &tag),
        None => match (request.get(header::IF_MODIFIED_SINCE), last_modified) {
            (Some(since), Some(modified)) => not_modified_since(since, modified),
            _ => false,
        },
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(modified) = last_modified
        && let Ok(value) = HeaderValue::from_str(&http_date(modified))
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response
}

/// `If-None-Match`: `*`, or a list of tags compared weakly (a `W/` prefix
/// is ignored, as RFC 9110 asks for this header).
pub fn matches_any(value: &HeaderValue, tag: &str) -> bool {
    let Ok(value) = value.to_str() else {
        return false;
    };
    value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
    })
}

/// `If-Modified-Since`: unchanged when the resource's last change (to the
/// second, the resolution of HTTP dates) is not after the given date. A
/// date that does not parse is ignored.
fn not_modified_since(since: &HeaderValue, modified: DateTime<Utc>) -> bool {
    let Some(since) = since
        .to_str()
        .ok()
        .and_then(|s| DateTime::parse_from_rfc2822(s).ok())
    else {
        return false;
    };
    modified.timestamp() <= since.timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn etags_follow_the_bytes() {
        assert_eq!(etag(b"a"), etag(b"a"));
        assert_ne!(etag(b"a"), etag(b"b"));
        assert_eq!(etag(b"").len(), 34);
    }

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let tag = etag(b"feed");
        let at = DateTime::parse_from_rfc3339("2021-12-27T12:12:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let hit = respond(
            &headers(header::IF_NONE_MATCH, &format!("\"x\", W/{tag}")),
            "text/plain",
            b"feed".to_vec(),
            Some(at),
        );
        assert_eq!(hit.status(), StatusCode::NOT_MODIFIED);
        let miss = respond(
            &headers(header::IF_NONE_MATCH, "\"x\""),
            "text/plain",
            b"feed".to_vec(),
            Some(at),
        );
        assert_eq!(miss.status(), StatusCode::OK);
        assert_eq!(
            miss.headers()[header::LAST_MODIFIED],
            "Mon, 27 Dec 2021 12:12:00 GMT"
        );
        let since = respond(
            &headers(header::IF_MODIFIED_SINCE, "Mon, 27 Dec 2021 12:12:00 GMT"),
            "text/plain",
            b"feed".to_vec(),
            Some(at),
        );
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
        let older = respond(
            &headers(header::IF_MODIFIED_SINCE, "Mon, 27 Dec 2021 12:11:59 GMT"),
            "text/plain",
            b"feed".to_vec(),
            Some(at),
        );
        assert_eq!(older.status(), StatusCode::OK);
    }
}
