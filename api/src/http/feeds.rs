//! `GET /feeds/{rss.xml|atom.xml|feed.json}` for the whole site and
//! `GET /feeds/{kind}/{slug}/{file}` for a section (sub-sections
//! included), tag, person, organization or event. Query parameters:
//! `content=summary|full`, `limit=1..100`. Cacheable, with `ETag`,
//! `Last-Modified` and `304 Not Modified`.

use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use super::RestState;
use crate::domain::viewer::Viewer;

/// Feeds are read anonymously.
const ANONYMOUS: Viewer = Viewer::Anonymous;
use crate::platform::conditional;
use crate::{
    domain::feeds::{self, FeedFormat, FeedParams, Scope, ScopeKind},
    platform::error::{AppError, AppResult},
};

/// The site-wide feed.
#[utoipa::path(get, path = "/feeds/{file}", tag = "syndication",
    params(("file" = String, Path, description = "`rss.xml`, `atom.xml` or `feed.json`"),
        ("content" = Option<String>, Query, description = "`summary` (default) or `full` (the body as HTML)"),
        ("limit" = Option<u32>, Query, description = "Items, 1 to 100 (default 20)")),
    responses(
        (status = 200, description = "The feed.", content(
            (String = "application/rss+xml; charset=utf-8"),
            (String = "application/atom+xml; charset=utf-8"),
            (String = "application/feed+json; charset=utf-8"))),
        (status = 304, description = "Unchanged since the `ETag` or `Last-Modified` sent."),
        (status = 400, description = "A malformed `content` or `limit`.", body = super::rest_error::ErrorBody),
        (status = 404, description = "No such feed or scope.", body = super::rest_error::ErrorBody)))]
pub async fn site(
    State(state): State<RestState>,
    Path(file): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    answer(&state, &headers, Some(Scope::site()), &file, query)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// The feed of one section, tag, person, organization or event.
#[utoipa::path(get, path = "/feeds/{kind}/{slug}/{file}", tag = "syndication",
    params(("kind" = String, Path, description = "`sections` (sub-sections included), `tags`, `people`, `organizations` or `events`"),
        ("slug" = String, Path, description = "The slug of the section, tag, person, organization or event"),
        ("file" = String, Path, description = "`rss.xml`, `atom.xml` or `feed.json`"),
        ("content" = Option<String>, Query, description = "`summary` (default) or `full` (the body as HTML)"),
        ("limit" = Option<u32>, Query, description = "Items, 1 to 100 (default 20)")),
    responses(
        (status = 200, description = "The feed.", content(
            (String = "application/rss+xml; charset=utf-8"),
            (String = "application/atom+xml; charset=utf-8"),
            (String = "application/feed+json; charset=utf-8"))),
        (status = 304, description = "Unchanged since the `ETag` or `Last-Modified` sent."),
        (status = 400, description = "A malformed `content` or `limit`.", body = super::rest_error::ErrorBody),
        (status = 404, description = "No such feed or scope.", body = super::rest_error::ErrorBody)))]
pub async fn scoped(
    State(state): State<RestState>,
    Path((kind, slug, file)): Path<(String, String, String)>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let slug = &slug;
    let scope = match ScopeKind::from_path(&kind) {
        Some(kind) => match state
            .read(&ANONYMOUS, &headers, |db| async move {
                Scope::find(&db, kind, slug).await
            })
            .await
        {
            Ok(Some(scope)) => Some(scope),
            Ok(None) => {
                return AppError::NotFound(format!("{} `{slug}`", kind.noun())).into_response();
            }
            Err(err) => return err.into_response(),
        },
        None => None,
    };
    answer(&state, &headers, scope, &file, query)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn answer(
    state: &RestState,
    headers: &HeaderMap,
    scope: Option<Scope>,
    file: &str,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> AppResult<Response> {
    let (Some(scope), Some(format)) = (scope, FeedFormat::from_file_name(file)) else {
        return Err(AppError::NotFound(
            "feed (try rss.xml, atom.xml or feed.json)".to_owned(),
        ));
    };
    let Query(query) = query.map_err(|e| AppError::bad_input("query", e.body_text()))?;
    let params = FeedParams::parse(&query)?;
    let now = Utc::now();
    let (scope, params) = (&scope, &params);
    let feed = state
        .read(&ANONYMOUS, headers, |db| async move {
            feeds::build(&db, &state.config, scope, params, now).await
        })
        .await?;
    let body = match format {
        FeedFormat::Rss => feeds::rss::render(&feed)?,
        FeedFormat::Atom => feeds::atom::render(&feed)?,
        FeedFormat::JsonFeed => feeds::json_feed::render(&feed)?,
    };
    Ok(conditional::respond(
        headers,
        format.content_type(),
        body,
        feed.last_modified,
    ))
}
