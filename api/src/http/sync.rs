//! `GET /v1/sync?cursor=…&limit=…`: the change log in ninjs, for partners
//! who mirror our published articles (partner, editor or admin tokens).
//!
//! ```json
//! { "items": [ { "cursor": "…", "seq": 12, "kind": "UPDATED",
//!                "occurredAt": "2026-11-27T14:05:00+07:00",
//!                "articleId": "QXJ0aWNsZTox", "uri": "urn:toasoan:article:1",
//!                "slug": "…", "version": 4, "ninjs": { … } },
//!              { …, "kind": "DELETED",
//!                "tombstone": { "id": "…", "uri": "…", "slug": "…" } } ],
//!   "nextCursor": "…", "hasMore": false }
//! ```
//!
//! Apply items in order, keyed by `uri`: `ninjs` → store it, `tombstone`
//! → remove. An item carries the article as it is *now* (so an early item
//! may already show a later version, and an item of a since-unpublished
//! article comes as a tombstone): the last item per article wins, and
//! following until `hasMore` is false leaves exactly the published set.
//! Store `nextCursor` (always present; unchanged on an empty page) and
//! pass it as `cursor` next time.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use entity::{article, article_change::ChangeKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::RestState;
use super::rest::{ApiError, viewer};
use crate::{
    domain::changes::{self, Change},
    domain::ninjs::{self, Ninjs},
    domain::viewer::Viewer,
    platform::ids::{self, NodeType},
    platform::pagination::MAX_PAGE_SIZE,
};

/// Items per page when `limit` is not given.
const DEFAULT_LIMIT: u64 = 50;

/// The query string.
#[derive(Deserialize)]
pub struct Params {
    cursor: Option<String>,
    limit: Option<String>,
}

/// One page of the log.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncPage {
    items: Vec<Item>,
    next_cursor: String,
    has_more: bool,
}

/// One entry, with the article's current ninjs or a tombstone.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    cursor: String,
    seq: i64,
    kind: String,
    occurred_at: String,
    article_id: String,
    uri: String,
    slug: String,
    /// The article's version when the entry was written.
    version: i32,
    /// The article as it is now (absent for a tombstone).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = super::schemas::ninjs_ref)]
    ninjs: Option<Ninjs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tombstone: Option<Tombstone>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Tombstone {
    id: String,
    uri: String,
    slug: String,
}

fn limit(text: Option<&str>) -> Result<u64, ApiError> {
    let Some(text) = text else {
        return Ok(DEFAULT_LIMIT);
    };
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_input(
            "limit",
            format!("`limit` must be a whole number from 1 to {MAX_PAGE_SIZE}"),
        )),
    }
}

/// The handler.
#[utoipa::path(get, path = "/v1/sync", tag = "syndication",
    params(("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page; absent: from the start"),
        ("limit" = Option<u32>, Query, description = "Items, 1 to 100 (default 50)")),
    responses(
        (status = 200, description = "One page of the change log.", body = SyncPage),
        (status = 400, description = "A malformed `cursor` or `limit`.", body = super::rest_error::ErrorBody),
        (status = 401, description = "No token, or one that does not verify.", body = super::rest_error::ErrorBody),
        (status = 403, description = "A token without the partner, editor or admin role.", body = super::rest_error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn sync(
    State(state): State<RestState>,
    headers: HeaderMap,
    params: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, &headers).await?;
    viewer.require_syndication("following the change log")?;
    let Query(params) = params.map_err(|e| ApiError::bad_input("cursor", e.body_text()))?;
    let limit = limit(params.limit.as_deref())?;
    let after = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(cursor) => changes::decode_cursor(cursor, "cursor")?,
        None => 0,
    };
    let now = Utc::now();
    let (entries, has_more) = changes::page(&state.db, after, limit).await?;

    // The current rows, one query; only public ones get their ninjs.
    let ids: Vec<i64> = entries.iter().map(|c| c.article_id).collect();
    let public: Vec<article::Model> = article::Entity::find()
        .filter(article::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|a| Viewer::Anonymous.can_read(a, now))
        .collect();
    let items: HashMap<i64, Ninjs> = public
        .iter()
        .map(|a| a.id)
        .zip(
            ninjs::articles(
                &state.db,
                &public,
                state.config.base_url(),
                &state.media.links,
                now,
            )
            .await?,
        )
        .collect();

    let next_cursor = changes::encode_cursor(entries.last().map_or(after, |c| c.id));
    let out: Vec<Item> = entries
        .iter()
        .map(|entry| {
            let current = match entry.kind {
                ChangeKind::Published | ChangeKind::Updated => {
                    items.get(&entry.article_id).cloned()
                }
                ChangeKind::Unpublished | ChangeKind::Deleted => None,
            };
            item(entry, current)
        })
        .collect();
    let page = SyncPage {
        items: out,
        next_cursor,
        has_more,
    };
    let mut response = Json(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn item(entry: &Change, current: Option<Ninjs>) -> Item {
    let uri = ninjs::article_uri(entry.article_id);
    let article_id = ids::encode(NodeType::Article, entry.article_id);
    let tombstone = current.is_none().then(|| Tombstone {
        id: article_id.clone(),
        uri: uri.clone(),
        slug: entry.slug.clone(),
    });
    Item {
        cursor: changes::encode_cursor(entry.id),
        seq: entry.id,
        kind: sea_orm::ActiveEnum::to_value(&entry.kind),
        occurred_at: crate::platform::zone::w3c(entry.occurred_at),
        article_id,
        uri,
        slug: entry.slug.clone(),
        version: entry.version,
        ninjs: current,
        tombstone,
    }
}
