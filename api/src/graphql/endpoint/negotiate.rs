//! Content negotiation of the GraphQL-over-HTTP specification.

use axum::http::{HeaderMap, header};

/// The media types a GraphQL response can be sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// `application/graphql-response+json`: request errors get HTTP 400.
    GraphqlResponseJson,
    /// `application/json`: the legacy type, always 200 for a GraphQL answer.
    Json,
    /// A browser asking for the GraphiQL page.
    Html,
}

impl ResponseType {
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            ResponseType::Json => "application/json; charset=utf-8",
            ResponseType::Html => "text/html; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept` (highest `q` wins, the first
/// listed on ties); `None` when nothing acceptable is offered. No header
/// means `application/json`, as the specification asks.
pub fn negotiate(headers: &HeaderMap, allow_html: bool) -> Option<ResponseType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(ResponseType::Json);
    };
    let mut best: Option<(f32, ResponseType)> = None;
    for entry in accept.split(',') {
        let mut parts = entry.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = match media.as_str() {
            "application/graphql-response+json" => ResponseType::GraphqlResponseJson,
            "application/json" | "application/*" | "*/*" => ResponseType::Json,
            "text/html" if allow_html => ResponseType::Html,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(best_q, _)| q > best_q) {
            best = Some((q, kind));
        }
    }
    best.map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value.parse().unwrap());
        headers
    }

    #[test]
    fn picks_by_quality_then_order() {
        assert_eq!(negotiate(&HeaderMap::new(), true), Some(ResponseType::Json));
        assert_eq!(
            negotiate(
                &accept("application/graphql-response+json, application/json;q=0.9"),
                false
            ),
            Some(ResponseType::GraphqlResponseJson)
        );
        assert_eq!(
            negotiate(
                &accept("application/graphql-response+json;q=0.5, application/json"),
                false
            ),
            Some(ResponseType::Json)
        );
        assert_eq!(
            negotiate(&accept("text/html,application/xhtml+xml,*/*;q=0.8"), true),
            Some(ResponseType::Html)
        );
        assert_eq!(negotiate(&accept("text/html"), false), None);
        assert_eq!(negotiate(&accept("image/png"), false), None);
    }
}
