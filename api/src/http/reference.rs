//! `GET /v1/docs`: a reference of the REST routes rendered from
//! `/v1/openapi.json` by Swagger UI, served from the binary like GraphiQL
//! (assets vendored in `api/assets/api-reference/` with their licences; no
//! CDN, works offline).

use axum::{
    extract::Path,
    response::{Html, Response},
};

use crate::platform::assets::{self, Asset};

/// The page.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/api-reference/index.html"))
}

const ASSETS: &[Asset] = &[
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
    assets::serve(ASSETS, &file, "public, max-age=86400")
}
