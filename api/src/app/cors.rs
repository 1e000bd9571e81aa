//! CORS from `CORS_ALLOWED_ORIGINS`: any origin (development's default, or
//! an explicit `*`), or a list.

use axum::http::HeaderValue;
use tower_http::cors::{AllowHeaders, AllowOrigin, Any, CorsLayer};

use crate::platform::config::{Config, exposure::Cors};

/// The CORS layer of `config`. Tokens travel in `Authorization`, never in
/// cookies, so no origin gets credentials.
pub fn layer(config: &Config) -> CorsLayer {
    let origins = match config.cors() {
        Ok(Cors::AnyOrigin) => return CorsLayer::permissive(),
        Ok(Cors::Origins(origins)) => origins,
        Err(err) => {
            // `serve` checks the settings first; a test or tool that did
            // not gets no cross-origin access at all.
            tracing::error!(%err, "no origin is allowed");
            Vec::new()
        }
    };
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(Any)
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(Any)
}
