//! Files compiled into the binary (GraphiQL, the API reference, the
//! reader page), served by name.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// A file: its name, its `Content-Type`, its bytes.
pub type Asset = (&'static str, &'static str, &'static [u8]);

/// The asset called `name` with `cache` as its `Cache-Control`, else 404.
pub fn serve(assets: &[Asset], name: &str, cache: &'static str) -> Response {
    match assets.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, cache),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
