//! Read replicas (`DATABASE_READ_URL`) against a real streaming replica: a
//! hot standby of the test server that `tests/support/pg_standby.sh`
//! starts on loopback (port 54329). PostgreSQL only: skipped without
//! `TEST_DATABASE_URL`; in CI (`CI=true`) a standby that cannot be made
//! fails the test.
//!
//! Which database served a read is told by the statements each pool ran
//! (the primary's counted by the harness, the replica's by the server),
//! and by what the read saw while the standby's replay is paused: a write
//! the primary has and the replica does not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    process::Command,
    time::{Duration, Instant},
};

use api::platform::{config::read_replicas::ReadUrls, db::Databases};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{Backend, Replica, TestApp, body_json, token};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

const STANDBY_PORT: u16 = 54329;
const COMMIT_LSN: &str = "toasoan-commit-lsn";
const CREATE_TAG: &str =
    "mutation($input: TagInput!) { createTag(input: $input) { tag { id slug } } }";
const READ_TAG: &str = "query($slug: String!) { tag(slug: $slug) { name } }";

fn standby_script(command: &str) -> bool {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/pg_standby.sh");
    match Command::new("bash").arg(script).arg(command).status() {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("pg_standby.sh {command}: {err}");
            false
        }
    }
}

/// `url` (on the primary) with the standby's host and port.
fn on_standby(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (authority, path) = rest.split_once('/').expect("a database path");
    let user = authority
        .rsplit_once('@')
        .map(|(user, _)| format!("{user}@"))
        .unwrap_or_default();
    format!("{scheme}://{user}127.0.0.1:{STANDBY_PORT}/{path}")
}

/// Polls `done` for up to 30 s.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn databases(state: &api::app::AppState) -> &Databases {
    &state.databases
}

fn replica_statements(state: &api::app::AppState) -> u64 {
    databases(state).replicas()[0].statements()
}

/// A GraphQL request over POST, with optional token and
/// `Toasoan-Commit-Lsn`: the response's headers and body.
async fn post(
    router: &axum::Router,
    token: Option<&str>,
    lsn: Option<&str>,
    query: &str,
    variables: Value,
) -> (axum::http::HeaderMap, Value) {
    use tower::ServiceExt;
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(lsn) = lsn {
        request = request.header(COMMIT_LSN, lsn);
    }
    let body = Body::from(json!({ "query": query, "variables": variables }).to_string());
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let body = body_json(response).await;
    assert!(body.get("errors").is_none(), "errors: {body}");
    (headers, body["data"].clone())
}

async fn replay(standby: &DatabaseConnection, paused: bool) {
    let call = if paused {
        "SELECT pg_wal_replay_pause()"
    } else {
        "SELECT pg_wal_replay_resume()"
    };
    standby.execute_unprepared(call).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_except_the_writers_and_survive_its_loss() {
    if !common::backends().contains(&Backend::Postgres) {
        eprintln!("skipped: TEST_DATABASE_URL is not set (read replicas are PostgreSQL's)");
        return;
    }
    if !standby_script("start") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: the hot standby (tests/support/pg_standby.sh start) could not be made"
        );
        eprintln!("skipped: no hot standby (tests/support/pg_standby.sh start failed)");
        return;
    }

    // Arrange: a fresh database on the primary, its copy on the standby.
    let configure = |config: &mut api::platform::config::Config| {
        let url = on_standby(&config.database_url);
        config.read_replicas.database_read_url = Some(ReadUrls::parse(&url).unwrap());
        // Answers come from the database, not from memory.
        config.response_cache_mb = 0;
        // The shared test server keeps writing while the replay is paused.
        config.read_replicas.database_read_max_lag = Duration::from_secs(120);
    };
    let app = TestApp::empty_with(Backend::Postgres, configure).await;
    let standby_admin = Database::connect(on_standby(&std::env::var("TEST_DATABASE_URL").unwrap()))
        .await
        .expect("the standby accepts connections");
    eventually("the replica serves", async || {
        databases(&app.state).replicas()[0].is_up()
    })
    .await;
    let editor = token("ed-1", &["editor"]);
    let (_, created) = post(
        &app.router,
        Some(&editor),
        None,
        CREATE_TAG,
        json!({ "input": { "name": "Dân vận" } }),
    )
    .await;
    let slug = created["createTag"]["tag"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = json!({ "slug": slug });
    // Until the replica's last check shows the write, the primary answers.
    eventually("the replica answers with the first tag", async || {
        let before = replica_statements(&app.state);
        let (_, data) = post(&app.router, None, None, READ_TAG, read.clone()).await;
        !data["tag"].is_null() && replica_statements(&app.state) > before
    })
    .await;

    // An anonymous read: the replica runs it, the primary runs nothing.
    app.take_statement_count();
    let before = replica_statements(&app.state);
    let (_, data) = post(&app.router, None, None, READ_TAG, read.clone()).await;
    assert_eq!(data["tag"]["name"], "Dân vận");
    assert!(
        replica_statements(&app.state) > before,
        "the replica ran the anonymous read"
    );
    assert_eq!(app.take_statement_count(), 0, "the primary ran none of it");

    // A staff read: the primary.
    let before = replica_statements(&app.state);
    let (_, data) = post(&app.router, Some(&editor), None, READ_TAG, read.clone()).await;
    assert_eq!(data["tag"]["name"], "Dân vận");
    assert_eq!(
        replica_statements(&app.state),
        before,
        "staff reads skip the replica"
    );
    assert!(
        app.take_statement_count() > 0,
        "the primary ran the staff read"
    );

    // With the standby's replay paused, a write reaches the primary only.
    replay(&standby_admin, true).await;
    let (headers, created) = post(
        &app.router,
        Some(&editor),
        None,
        CREATE_TAG,
        json!({ "input": { "name": "Tin mới" } }),
    )
    .await;
    let lsn = headers
        .get(COMMIT_LSN)
        .expect("a mutation's answer carries Toasoan-Commit-Lsn")
        .to_str()
        .unwrap()
        .to_owned();
    let fresh = json!({ "slug": created["createTag"]["tag"]["slug"] });

    // The writer's next reads, as a partner with the same `sub`, see it
    // (remembered by `sub`); another partner's go to the replica, which
    // does not have it yet.
    let same_client = token("ed-1", &["partner"]);
    let (_, data) = post(
        &app.router,
        Some(&same_client),
        None,
        READ_TAG,
        fresh.clone(),
    )
    .await;
    assert_eq!(data["tag"]["name"], "Tin mới", "read-your-writes by sub");
    let other = token("partner-2", &["partner"]);
    let (_, data) = post(&app.router, Some(&other), None, READ_TAG, fresh.clone()).await;
    assert!(
        data["tag"].is_null(),
        "the paused replica lacks the write: {data}"
    );

    // Another server: without the header the replica answers (stale);
    // with it, the primary does.
    let second = Replica::of(&app, configure).await;
    eventually("the second server's replica serves", async || {
        databases(&second.state).replicas()[0].is_up()
    })
    .await;
    let (_, data) = post(&second.router, None, None, READ_TAG, fresh.clone()).await;
    assert!(
        data["tag"].is_null(),
        "without the header, the replica: {data}"
    );
    let (_, data) = post(&second.router, None, Some(&lsn), READ_TAG, fresh.clone()).await;
    assert_eq!(data["tag"]["name"], "Tin mới", "read-your-writes by header");

    // Once the replica replays past the write, it serves that client again.
    replay(&standby_admin, false).await;
    let before = replica_statements(&second.state);
    eventually("the replica serves the writer again", async || {
        let (_, data) = post(&second.router, None, Some(&lsn), READ_TAG, fresh.clone()).await;
        data["tag"]["name"] == "Tin mới" && replica_statements(&second.state) > before
    })
    .await;

    // The replica stops: reads keep working, from the primary.
    standby_admin.close().await.ok();
    assert!(standby_script("stop"), "the standby stops");
    for _ in 0..5 {
        let (_, data) = post(&app.router, None, None, READ_TAG, fresh.clone()).await;
        assert_eq!(data["tag"]["name"], "Tin mới");
    }
    eventually("the replica is marked down", async || {
        !databases(&app.state).replicas()[0].is_up()
    })
    .await;
    app.take_statement_count();
    let (_, data) = post(&app.router, None, None, READ_TAG, read.clone()).await;
    assert_eq!(data["tag"]["name"], "Dân vận");
    assert!(
        app.take_statement_count() > 0,
        "the primary serves the replica's reads"
    );
    let scrape = Request::get("/metrics").body(Body::empty()).unwrap();
    let metrics = common::body_text(app.send(scrape).await).await;
    let database = app.url.rsplit('/').next().unwrap();
    let up =
        format!("toasoan_db_replica_up{{replica=\"127.0.0.1:{STANDBY_PORT}/{database}\"}} 0\n");
    assert!(metrics.contains(&up), "{metrics}");
    drop(second);
}
