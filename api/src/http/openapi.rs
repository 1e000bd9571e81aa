//! `GET /v1/openapi.json`: the OpenAPI 3.1 document of every REST route,
//! generated from the handlers' own `#[utoipa::path]` annotations and
//! response types, so it cannot drift from them. ninjs answers refer to
//! the IPTC schema the project vendors ([`super::schemas`]).

use axum::{
    Json,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, Ref, RefOr, Response as OpenApiResponse, ResponseBuilder,
        security::{Http, HttpAuthScheme, SecurityScheme},
    },
};

use super::{
    RestState, feeds, health, import, media, metrics, ninjs,
    rest_error::{ErrorBody, ErrorExtensions, ErrorItem},
    sitemaps, sync,
};
use crate::platform::{error::AppError, pagination::MAX_PAGE_SIZE};

/// The REST routes' document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Toà Soạn REST API",
        description = "The routes beside GraphQL (`/graphql`, described by `schema.graphql`): \
            syndication (feeds, sitemaps, ninjs, the change log), media, imports, and operations. \
            Errors have the GraphQL error shape with a stable `extensions.code`. Tokens are \
            JWTs sent as `Authorization: Bearer …`; roles: `writer`, `editor`, `admin`, \
            `partner`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        feeds::site, feeds::scoped,
        sitemaps::index, sitemaps::page, sitemaps::news,
        ninjs::article, sync::sync,
        media::upload, media::delete, media::original, media::rendition,
        import::start,
        health::healthz, health::readyz, metrics::metrics, document,
    ),
    components(schemas(
        ErrorBody, ErrorItem, ErrorExtensions, media::MediaJson, import::ImportJobJson,
        sync::SyncPage, sync::Item, sync::Tombstone,
    )),
    modifiers(&Conventions),
    tags(
        (name = "syndication", description = "Feeds, sitemaps, ninjs and the change log for partners"),
        (name = "media", description = "Uploads and responsive renditions"),
        (name = "import", description = "Archives from WordPress and ninjs, imported in the background"),
        (name = "operations", description = "Probes, metrics and this document"),
    )
)]
pub struct ApiDoc;

/// What every operation shares: the bearer scheme, and the answers any
/// route may give before its handler runs (rate limit, load shedding,
/// timeout).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        let error = |description: &str| -> RefOr<OpenApiResponse> {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    openapi::ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
                .into()
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in item_operations(item) {
                let responses = &mut operation.responses.responses;
                responses.entry("429".to_owned()).or_insert_with(|| {
                    error("Over the client's rate limit (`RATE_LIMITED`, with `Retry-After`).")
                });
                responses.entry("503".to_owned()).or_insert_with(|| {
                    error("Overloaded, timed out or draining (`SERVICE_UNAVAILABLE`, `TIMEOUT`, with `Retry-After`).")
                });
            }
        }
    }
}

fn item_operations(
    item: &mut openapi::PathItem,
) -> impl Iterator<Item = &mut openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// `GET /v1/openapi.json`.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1).", content_type = "application/json", body = Object)))]
pub async fn document(State(state): State<RestState>) -> Response {
    let mut doc = match serde_json::to_value(ApiDoc::openapi()) {
        Ok(doc) => doc,
        Err(err) => {
            return AppError::Internal(format!("OpenAPI: {err}")).into_response();
        }
    };
    let rules = state.media.links.rules();
    let files: Vec<String> = ["cover", "contain", "width"]
        .iter()
        .flat_map(|fit| ["jpg", "webp", "png"].map(|format| format!("{fit}.{format}")))
        .collect();
    let key = json!({"type": "string", "pattern": "^[1-9][0-9]*-[0-9a-f]{12}$"});
    let limits = [
        (
            "/media/{key}/{size}/{file}",
            "size",
            json!({"type": "string", "enum": rules.sizes()}),
        ),
        (
            "/media/{key}/{size}/{file}",
            "file",
            json!({"type": "string", "enum": files}),
        ),
        ("/media/{key}/{size}/{file}", "key", key.clone()),
        ("/media/{key}/original", "key", key),
        ("/feeds/{file}", "content", content_modes()),
        ("/feeds/{file}", "limit", feed_limit()),
        ("/feeds/{kind}/{slug}/{file}", "content", content_modes()),
        ("/feeds/{kind}/{slug}/{file}", "limit", feed_limit()),
        (
            "/v1/sync",
            "limit",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
        ),
    ];
    for (path, name, schema) in limits {
        set_parameter_schema(&mut doc, path, name, schema);
    }
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        Json(doc),
    )
        .into_response()
}

/// What the document cannot say from types alone: the allowed values of
/// a parameter (some from this deployment's settings).
fn set_parameter_schema(doc: &mut Value, path: &str, name: &str, schema: Value) {
    let Some(operations) = doc["paths"][path].as_object_mut() else {
        return;
    };
    for operation in operations.values_mut() {
        let Some(parameters) = operation["parameters"].as_array_mut() else {
            continue;
        };
        for parameter in parameters.iter_mut().filter(|p| p["name"] == name) {
            parameter["schema"] = schema.clone();
        }
    }
}

fn content_modes() -> Value {
    json!({"type": "string", "enum": ["summary", "full"]})
}

fn feed_limit() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": 100})
}
