//! `GET /v1/ninjs/articles/{id-or-slug}`: one article as an IPTC ninjs 3.1
//! item.
//!
//! Same visibility as the GraphQL `article` query: anyone reads public
//! articles (it is the content the public API already serves), staff
//! tokens also read drafts and scheduled articles (previews, with
//! `pubStatus: withheld`); deleted articles are gone. The key is the
//! article's global ID or its slug; old slugs keep resolving.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use entity::article;

use super::RestState;
use super::rest::{ApiError, viewer};
use crate::{
    domain::{ninjs, references},
    platform::error::AppError,
};

/// The handler.
#[utoipa::path(get, path = "/v1/ninjs/articles/{key}", tag = "syndication",
    params(("key" = String, Path, description = "The article's global ID or its slug (old slugs too)")),
    responses(
        (status = 200, description = "The article as an IPTC ninjs 3.1 item.",
         body = ref("/v1/schemas/ninjs-3.1.json"), content_type = "application/json"),
        (status = 401, description = "A bearer token that does not verify.", body = super::rest_error::ErrorBody),
        (status = 404, description = "No such article, or not one the caller may read.", body = super::rest_error::ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn article(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, &headers).await?;
    let now = Utc::now();
    let (rest, key, reader) = (&state, &key, &viewer);
    let item = state
        .read(&viewer, &headers, |db| async move {
            let row = references::find_row::<article::Entity>(&db, key, "id").await?;
            let Some(row) = row.filter(|a| reader.can_read(a, now)) else {
                return Err(AppError::NotFound("article".into()));
            };
            ninjs::articles(&db, &[row], rest.config.base_url(), &rest.media.links, now)
                .await?
                .pop()
                .ok_or_else(|| AppError::Internal("ninjs built no item".into()))
        })
        .await?;
    let cache = match viewer {
        crate::domain::viewer::Viewer::Anonymous => "public, max-age=60",
        crate::domain::viewer::Viewer::User(_) => "private, no-store",
    };
    let mut response = Json(item).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}
