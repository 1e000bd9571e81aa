//! `GET /v1/docs`: a reference of the REST routes rendered from
//! `/v1/openapi.json` by Swagger UI, served from the binary like GraphiQL
//! (assets vendored in `api/assets/api-reference/` with their licences; no
//! CDN, works offline).

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// The page.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/api-reference/index.html"))
}

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/api-reference/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/api-reference/swagger-ui.css"),
    ),
];

/// `GET /v1/docs/assets/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
