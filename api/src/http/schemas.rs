//! `GET /v1/schemas/ninjs-3.1.json`: IPTC's ninjs 3.1 JSON Schema as the
//! project vendors it (`api/standards/ninjs/`), which the OpenAPI document
//! refers to for every ninjs answer.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use utoipa::openapi::Ref;

/// Where the vendored ninjs schema is served.
pub const NINJS_SCHEMA_PATH: &str = "/v1/schemas/ninjs-3.1.json";

/// The ninjs schema, by reference (for `#[schema(schema_with = …)]`).
pub fn ninjs_ref() -> Ref {
    Ref::new(NINJS_SCHEMA_PATH)
}

/// The handler.
pub async fn ninjs_schema() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/schema+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../standards/ninjs/ninjs-schema_3.1.json"),
    )
        .into_response()
}
