//! The media library over REST.
//!
//! - `POST /v1/media` (writers, editors, admins): an image as
//!   `multipart/form-data` (field `file`, text fields `caption`, `credit`,
//!   `alt`) or as the raw body (`Content-Type: image/…`, the details as
//!   query parameters). `201` with the new media, `200` with the existing
//!   one when the same bytes were uploaded before.
//! - `DELETE /v1/media/{id}` (editors, admins): `204`; `409 CONFLICT`
//!   naming the articles that still show it.
//! - `GET /media/{key}/original`: the stored original (metadata removed).
//! - `GET /media/{key}/{width}x{height}/{fit}.{format}`: a rendition
//!   (`fit`: `cover`, `contain`, `width`; `format`: `jpg`, `webp`,
//!   `png`), sizes limited to `MEDIA_WIDTHS` and `MEDIA_ASPECT_RATIOS`.
//!   With the current `?v=` the answer is `immutable` for a year.
//!
//! `{key}` is `{id}-{hash prefix}` (see `domain::media::links::key`).

use axum::{
    Json,
    body::Body,
    extract::{FromRequest, Multipart, Path, Query, Request, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use entity::media;
use serde::{Deserialize, Serialize};

use super::RestState;
use super::rest::{ApiError, viewer};
use crate::{
    domain::media::{Details, MediaLibrary, links},
    platform::{
        conditional,
        error::AppError,
        ids::{self, NodeType},
    },
};

/// A year: renditions named by their version never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A rendition asked for without its current version (an old `v`, or
/// none): it may change when the focal point moves.
const REVALIDATE: &str = "public, max-age=3600";

/// The details of a raw-body upload, as query parameters.
#[derive(Deserialize, Default)]
pub struct DetailsQuery {
    caption: Option<String>,
    credit: Option<String>,
    alt: Option<String>,
}

/// A media item as the REST routes show it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaJson {
    /// The global ID (as GraphQL's `Media.id`).
    id: String,
    /// The key of its URLs.
    key: Option<String>,
    /// The original's URL.
    url: String,
    width: Option<i32>,
    height: Option<i32>,
    mime: Option<String>,
    byte_size: Option<i64>,
    caption: Option<String>,
    credit: Option<String>,
    alt: Option<String>,
    /// A tiny blurred preview (`data:` URL).
    placeholder: Option<String>,
    /// `srcset` of WebP renditions at every allowed width.
    srcset: Option<String>,
}

impl MediaJson {
    fn of(m: &media::Model, library: &MediaLibrary) -> Self {
        let links = &library.links;
        let widths = links.rules().widths().to_vec();
        Self {
            id: ids::encode(NodeType::Media, m.id),
            key: links::key(m),
            url: links.original(m),
            width: m.width,
            height: m.height,
            mime: m.mime.clone(),
            byte_size: m.byte_size,
            caption: m.caption.clone(),
            credit: m.credit.clone(),
            alt: m.alt.clone(),
            placeholder: m.placeholder.clone(),
            srcset: links.srcset(m, &widths, crate::domain::media::spec::Format::Webp),
        }
    }
}

/// `POST /v1/media`.
#[utoipa::path(post, path = "/v1/media", tag = "media",
    params(("caption" = Option<String>, Query, description = "With a raw body: the caption"),
        ("credit" = Option<String>, Query, description = "With a raw body: who took or owns it"),
        ("alt" = Option<String>, Query, description = "With a raw body: the text alternative")),
    request_body(description = "The image: `multipart/form-data` (field `file`; text fields `caption`, `credit`, `alt`) or the raw bytes", content(
        (String = "multipart/form-data"), (String = "image/jpeg"), (String = "image/png"),
        (String = "image/webp"), (String = "image/gif"))),
    responses(
        (status = 201, description = "Stored: a new media item.", body = MediaJson),
        (status = 200, description = "The same bytes were uploaded before: that item.", body = MediaJson),
        (status = 400, description = "Not an image, truncated, too many pixels, or malformed details (`BAD_USER_INPUT`).", body = super::rest_error::ErrorBody),
        (status = 401, description = "No token, or one that does not verify.", body = super::rest_error::ErrorBody),
        (status = 403, description = "Not a writer, editor or admin.", body = super::rest_error::ErrorBody),
        (status = 413, description = "Larger than `MEDIA_MAX_MB` (`BAD_USER_INPUT`).", body = super::rest_error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<RestState>,
    query: Result<Query<DetailsQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, request.headers()).await?;
    viewer.require_staff("upload media")?;
    let Query(query) = query.map_err(|e| ApiError::bad_input("query", e.body_text()))?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_multipart = content_type.starts_with("multipart/form-data");
    let is_raw = content_type.starts_with("image/") || content_type == "application/octet-stream";
    if !is_multipart && !is_raw {
        return Err(ApiError::from(AppError::bad_input(
            "file",
            "send the image as multipart/form-data (field `file`) or as the body with an \
             image/… content type",
        )));
    }
    // Read whole first: past the limit this is a clean 413.
    let (parts, body) = request.into_parts();
    let body = Bytes::from_request(Request::from_parts(parts.clone(), body), &state)
        .await
        .map_err(|rejection| body_error(rejection.status(), rejection.body_text()))?;
    let (bytes, details) = if is_multipart {
        from_multipart(Request::from_parts(parts, Body::from(body)), &state).await?
    } else {
        let details = Details {
            caption: query.caption,
            credit: query.credit,
            alt: query.alt,
        };
        (body, details)
    };
    let uploaded = state.media.upload(&state.db, bytes, details).await?;
    let status = if uploaded.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(MediaJson::of(&uploaded.media, &state.media))).into_response())
}

/// The file and details of a multipart upload.
async fn from_multipart(request: Request, state: &RestState) -> Result<(Bytes, Details), ApiError> {
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| body_error(rejection.status(), rejection.body_text()))?;
    let mut file = None;
    let mut details = Details::default();
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|e| body_error(e.status(), e.body_text()))?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        let value = field
            .bytes()
            .await
            .map_err(|e| body_error(e.status(), e.body_text()))?;
        let text = || String::from_utf8(value.to_vec()).ok();
        match name.as_str() {
            "file" if file.is_none() => file = Some(value),
            "file" => return Err(AppError::bad_input("file", "send one file per upload").into()),
            "caption" => details.caption = text(),
            "credit" => details.credit = text(),
            "alt" => details.alt = text(),
            _ => {}
        }
    }
    let file = file.ok_or_else(|| AppError::bad_input("file", "the form has no `file` field"))?;
    Ok((file, details))
}

/// A body that could not be read: too large (`413`), else malformed.
fn body_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(text)
    } else {
        AppError::bad_input("file", text).into()
    }
}

/// `DELETE /v1/media/{id}`.
#[utoipa::path(delete, path = "/v1/media/{id}", tag = "media",
    params(("id" = String, Path, description = "The media item's global ID")),
    responses(
        (status = 204, description = "Deleted, with its original and renditions."),
        (status = 400, description = "Not a media ID.", body = super::rest_error::ErrorBody),
        (status = 401, description = "No token, or one that does not verify.", body = super::rest_error::ErrorBody),
        (status = 403, description = "Not an editor or admin.", body = super::rest_error::ErrorBody),
        (status = 404, description = "No such media item.", body = super::rest_error::ErrorBody),
        (status = 409, description = "Articles still show it (the message names them).", body = super::rest_error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, &headers).await?;
    viewer.require_editor("delete media")?;
    let id = ids::decode(NodeType::Media, &id, "id")?;
    state.media.delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The `v` of a rendition URL.
#[derive(Deserialize, Default)]
pub struct VersionQuery {
    v: Option<String>,
}

/// `GET /media/{key}/{size}/{file}`.
#[utoipa::path(get, path = "/media/{key}/{size}/{file}", tag = "media",
    params(("key" = String, Path, description = "`{id}-{hash prefix}`, as `Media.url` gives it"),
        ("size" = String, Path, description = "`{width}x{height}`: a width of `MEDIA_WIDTHS`; height 0, or the width at one of `MEDIA_ASPECT_RATIOS`"),
        ("file" = String, Path, description = "`{fit}.{format}`: `cover`, `contain` or `width` (height 0); `jpg`, `webp` or `png`"),
        ("v" = Option<String>, Query, description = "The version `Media.url` gives: with the current one the answer is immutable")),
    responses(
        (status = 200, description = "The rendition.", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/png"))),
        (status = 304, description = "Unchanged since the `ETag` sent."),
        (status = 308, description = "A fit and height that disagree (`width` with a height, `cover` or `contain` without one): the canonical URL, in `Location`."),
        (status = 400, description = "A size, fit or format outside the allowed set.", body = super::rest_error::ErrorBody),
        (status = 404, description = "No such media item (or a wrong key).", body = super::rest_error::ErrorBody)))]
pub async fn rendition(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path((key, size, file)): Path<(String, String, String)>,
    query: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_input("v", e.body_text()))?;
    if links::parse_key(&key).is_none() {
        return Err(AppError::NotFound(format!("no media {key}")).into());
    }
    let rules = state.media.links.rules();
    let spec = match rules.parse(&size, &file) {
        Ok(spec) => spec,
        // `640x360/width.jpg` means `640x0/width.jpg`: one URL per rendition.
        Err(message) => match rules.canonical(&size, &file) {
            Some(spec) => {
                let version = query.v.map(|v| format!("?v={v}")).unwrap_or_default();
                let location = format!("/media/{key}/{spec}{version}");
                return Ok((
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response());
            }
            None => return Err(AppError::bad_input("size", message).into()),
        },
    };
    let served = state.media.rendition(&state.db, &key, spec).await?;
    let cache = if query.v.as_deref() == Some(served.version.as_str()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    Ok(binary(
        &headers,
        served.bytes,
        served.mime,
        &served.etag,
        cache,
    ))
}

/// `GET /media/{key}/original`.
#[utoipa::path(get, path = "/media/{key}/original", tag = "media",
    params(("key" = String, Path, description = "`{id}-{hash prefix}`, as `Media.url` gives it")),
    responses(
        (status = 200, description = "The uploaded original, its location metadata removed.", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/png"), (Vec<u8> = "image/gif"))),
        (status = 304, description = "Unchanged since the `ETag` sent."),
        (status = 404, description = "No such media item (or a wrong key).", body = super::rest_error::ErrorBody)))]
pub async fn original(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let (bytes, mime, etag) = state.media.original(&state.db, &key).await?;
    let mime = match mime.as_str() {
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/gif" => "image/gif",
        _ => "image/jpeg",
    };
    Ok(binary(&headers, bytes, mime, &etag, IMMUTABLE))
}

/// An image answer with its validators; `304` when the client has it.
fn binary(
    request: &HeaderMap,
    bytes: Bytes,
    mime: &'static str,
    etag: &str,
    cache: &'static str,
) -> Response {
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| conditional::matches_any(value, etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(bytes).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
