//! `GET /sitemap.xml` (the index), `GET /sitemaps/articles-{n}.xml`,
//! `GET /sitemaps/sections.xml` and `GET /sitemap-news.xml` (Google News).
//! Served with a strong `ETag` and `304 Not Modified` like the feeds, but
//! without `Last-Modified`: a page also changes when an article leaves it,
//! which no `lastmod` inside it records.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use super::RestState;
use crate::domain::viewer::Viewer;

/// Sitemaps are read anonymously.
const ANONYMOUS: Viewer = Viewer::Anonymous;
use crate::platform::conditional;
use crate::{
    domain::sitemaps::{self, PageEntry, xml},
    platform::error::{AppError, AppResult},
};

const CONTENT_TYPE: &str = "application/xml; charset=utf-8";

fn answer(headers: &HeaderMap, body: AppResult<Vec<u8>>) -> Response {
    match body {
        Ok(body) => conditional::respond(headers, CONTENT_TYPE, body, None),
        Err(err) => err.into_response(),
    }
}

/// The sitemap index.
#[utoipa::path(get, path = "/sitemap.xml", tag = "syndication", responses(
        (status = 200, description = "The sitemap index.", content_type = "application/xml; charset=utf-8", body = String),
        (status = 304, description = "Unchanged since the `ETag` sent.")))]
pub async fn index(State(state): State<RestState>, headers: HeaderMap) -> Response {
    let state = &state;
    let body = async {
        let now = Utc::now();
        let pages = state
            .read(&ANONYMOUS, &headers, |db| async move {
                sitemaps::article_pages(&db, state.config.sitemap_page_size, now).await
            })
            .await?;
        let sections = PageEntry {
            page: 0,
            lastmod: pages.iter().filter_map(|p| p.lastmod).max(),
        };
        xml::index(state.config.base_url(), &pages, Some(&sections))
    };
    answer(&headers, body.await)
}

/// A page of the index: `articles-{n}.xml` or `sections.xml`.
#[utoipa::path(get, path = "/sitemaps/{file}", tag = "syndication",
    params(("file" = String, Path, description = "`articles-{n}.xml` (from 1) or `sections.xml`")),
    responses(
        (status = 200, description = "A page of the sitemap.", content_type = "application/xml; charset=utf-8", body = String),
        (status = 304, description = "Unchanged since the `ETag` sent."),
        (status = 404, description = "No such page.", body = super::rest_error::ErrorBody)))]
pub async fn page(
    State(state): State<RestState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let state = &state;
    let body = async {
        let now = Utc::now();
        let base = state.config.base_url();
        if file == "sections.xml" {
            let page = state
                .read(&ANONYMOUS, &headers, |db| async move {
                    sitemaps::section_page(&db, base, now).await
                })
                .await?;
            return xml::urlset(&page);
        }
        let page = file
            .strip_prefix("articles-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .and_then(|n| {
                n.parse::<i64>()
                    .ok()
                    .filter(|p| *p >= 1 && p.to_string() == n)
            })
            .ok_or_else(|| AppError::NotFound(format!("sitemap `{file}`")))?;
        let size = state.config.sitemap_page_size;
        let entries = state
            .read(&ANONYMOUS, &headers, |db| async move {
                sitemaps::article_page(&db, base, page, size, now).await
            })
            .await?;
        if entries.is_empty() {
            // Not listed in the index either.
            return Err(AppError::NotFound(format!("sitemap `{file}`")));
        }
        xml::urlset(&entries)
    };
    answer(&headers, body.await)
}

/// The Google News sitemap: the last two days, at most 1,000 articles.
#[utoipa::path(get, path = "/sitemap-news.xml", tag = "syndication", responses(
        (status = 200, description = "The Google News sitemap.", content_type = "application/xml; charset=utf-8", body = String),
        (status = 304, description = "Unchanged since the `ETag` sent.")))]
pub async fn news(State(state): State<RestState>, headers: HeaderMap) -> Response {
    let state = &state;
    let body = async {
        let now = Utc::now();
        let entries = state
            .read(&ANONYMOUS, &headers, |db| async move {
                sitemaps::news(&db, state.config.base_url(), now).await
            })
            .await?;
        xml::news(&state.config.publication_name, &entries)
    };
    answer(&headers, body.await)
}
