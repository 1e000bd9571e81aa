//! `GET /examples/reader/`: the reader page of `examples/reader/` (a
//! static page over the GraphQL API, no build step), served by the binary
//! in development so that it runs against the server that serves it. Not
//! in production: a real site serves its own pages.

use axum::{extract::Path, response::Response};

use crate::platform::assets::{self, Asset};

/// The page's files, by name.
const FILES: &[Asset] = &[
    (
        "",
        "text/html; charset=utf-8",
        include_bytes!("../../../examples/reader/index.html"),
    ),
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../../examples/reader/index.html"),
    ),
    (
        "reader.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../examples/reader/reader.js"),
    ),
];

/// `GET /examples/reader/` and `GET /examples/reader/{file}`.
pub async fn reader(file: Option<Path<String>>) -> Response {
    let name = file.map(|Path(name)| name).unwrap_or_default();
    assets::serve(FILES, &name, "no-cache")
}
