//! `X-Request-Id`: taken from the request when it is sane (1 to 128
//! visible ASCII characters), else generated (a UUID v4), and echoed in
//! the response (tower-http's `SetRequestId` and `PropagateRequestId`).
//! The access log puts it on the request's span and on every error body.

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderName},
    middleware::Next,
    response::Response,
};
use tower_http::request_id::RequestId;

/// The header.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id kept from a client.
pub const MAX_LEN: usize = 128;

/// Drops a client's `X-Request-Id` that is not sane, so that one is
/// generated in its place (the middleware right inside this one).
pub async fn drop_insane(mut request: Request, next: Next) -> Response {
    if !is_sane(request.headers()) {
        request.headers_mut().remove(&X_REQUEST_ID);
    }
    next.run(request).await
}

/// Whether the request's ids are usable: none, or exactly one of 1 to
/// [`MAX_LEN`] visible ASCII characters.
fn is_sane(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(&X_REQUEST_ID).iter();
    let Some(first) = values.next() else {
        return true;
    };
    let bytes = first.as_bytes();
    values.next().is_none()
        && (1..=MAX_LEN).contains(&bytes.len())
        && bytes.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// The request's id as text ("" before `SetRequestId` ran).
pub fn of(request: &Request) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn with(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                X_REQUEST_ID.clone(),
                axum::http::HeaderValue::from_bytes(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn visible_ascii_of_bounded_length_is_kept() {
        assert!(is_sane(&with(&[])));
        assert!(is_sane(&with(&[b"req-42_abc:1"])));
        assert!(!is_sane(&with(&[b"has space"])));
        assert!(!is_sane(&with(&[b"caf\xc3\xa9"])));
        assert!(!is_sane(&with(&[&[b'a'; MAX_LEN + 1]])));
        assert!(!is_sane(&with(&[b"one", b"two"])));
    }
}
