//! A partner following the change log, as the README tells them to: over
//! GraphQL (`changes`) and over REST (`GET /v1/sync`), each keeping a
//! mirror of what it believes is published.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use serde_json::{Value, json};

use crate::common::{TestApp, body_json};

pub const CHANGES: &str = r#"query($after: String, $first: Int) {
    changes(after: $after, first: $first) {
      edges { cursor node { id kind occurredAt articleId slug version article { id version status } } }
      pageInfo { hasNextPage hasPreviousPage endCursor } } }"#;

/// GETs `path` with a bearer token when given: (status, JSON body).
pub async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(path);
    if let Some(t) = bearer {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let status = response.status();
    (status, body_json(response).await)
}

/// Reads `changes` pages of `first` from `after` until the end: the
/// entries and the cursor to store.
pub async fn follow_changes(
    app: &TestApp,
    bearer: &str,
    after: Option<String>,
    first: i64,
) -> (Vec<Value>, String) {
    let mut after = after;
    let mut entries = Vec::new();
    loop {
        let data = app
            .data_as(bearer, CHANGES, json!({"after": after, "first": first}))
            .await;
        let page = &data["changes"];
        entries.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        let end = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        after = Some(end.clone());
        if page["pageInfo"]["hasNextPage"] == false {
            return (entries, end);
        }
    }
}

/// A partner's copy of the published set.
#[derive(Default)]
pub struct Mirror {
    /// GraphQL: article global ID → version, from the entries alone.
    pub by_log: HashMap<String, i64>,
    log_cursor: Option<String>,
    /// REST: ninjs uri → ninjs version, from the items' payloads.
    pub by_ninjs: HashMap<String, String>,
    sync_cursor: Option<String>,
    /// Every entry id read, in reading order, per channel.
    pub seen_changes: Vec<i64>,
    pub seen_sync: Vec<i64>,
}

impl Mirror {
    /// Applies one `changes` page; true when more follow.
    pub async fn step_changes(&mut self, app: &TestApp, bearer: &str, first: i64) -> bool {
        let data = app
            .data_as(
                bearer,
                CHANGES,
                json!({"after": self.log_cursor, "first": first}),
            )
            .await;
        let page = &data["changes"];
        for edge in page["edges"].as_array().unwrap() {
            let node = &edge["node"];
            self.seen_changes
                .push(node["id"].as_str().unwrap().parse().unwrap());
            let id = node["articleId"].as_str().unwrap().to_owned();
            match node["kind"].as_str().unwrap() {
                "PUBLISHED" | "UPDATED" => {
                    self.by_log.insert(id, node["version"].as_i64().unwrap());
                }
                _ => {
                    self.by_log.remove(&id);
                }
            }
        }
        self.log_cursor = Some(page["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
        page["pageInfo"]["hasNextPage"] == true
    }

    /// Applies one `/v1/sync` page; true when more follow.
    pub async fn step_sync(&mut self, app: &TestApp, bearer: &str, limit: u64) -> bool {
        let path = match &self.sync_cursor {
            Some(cursor) => format!("/v1/sync?cursor={cursor}&limit={limit}"),
            None => format!("/v1/sync?limit={limit}"),
        };
        let (status, page) = get(app, &path, Some(bearer)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            let uri = item["uri"].as_str().unwrap().to_owned();
            self.seen_sync.push(item["seq"].as_i64().unwrap());
            match (item.get("ninjs"), item.get("tombstone")) {
                (Some(ninjs), None) => {
                    self.by_ninjs
                        .insert(uri, ninjs["version"].as_str().unwrap().to_owned());
                }
                (None, Some(tombstone)) => {
                    assert_eq!(tombstone["uri"], item["uri"]);
                    self.by_ninjs.remove(&uri);
                }
                other => panic!("an item has ninjs or a tombstone: {other:?}"),
            }
        }
        self.sync_cursor = Some(page["nextCursor"].as_str().unwrap().to_owned());
        page["hasMore"] == true
    }

    /// Follows both until neither has more.
    pub async fn catch_up(&mut self, app: &TestApp, bearer: &str) {
        while self.step_changes(app, bearer, 100).await {}
        while self.step_sync(app, bearer, 100).await {}
    }
}
