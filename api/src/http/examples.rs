//! `GET /examples/reader/`: the reader page of `examples/reader/` (a
//! static page over the GraphQL API, no build step), served by the binary
//! in development so that it runs against the server that serves it. Not
//! in production: a real site serves its own pages.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// The page's files, by name.
const FILES: &[(&str, &str, &str)] = &[
    (
        "",
        "text/html; charset=utf-8",
        include_str!("../../../examples/reader/index.html"),
    ),
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("../../../examples/reader/index.html"),
    ),
    (
        "reader.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../examples/reader/reader.js"),
    ),
];

/// `GET /examples/reader/` and `GET /examples/reader/{file}`.
pub async fn reader(file: Option<Path<String>>) -> Response {
    let name = file.map(|Path(name)| name).unwrap_or_default();
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
