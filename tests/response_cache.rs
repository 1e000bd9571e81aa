//! The response cache of anonymous reads: what it keeps, what it never
//! keeps, how writes purge it (on this replica and on the others), and
//! that concurrent misses run the query once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Backend, Replica, TestApp, backends, body_json, token};
use serde_json::{Value, json};

const HOME: &str = "query Home { articles(first: 5) { edges { node { id slug title version
    section { name } people { person { fullName } } tags { name } } } } }";
const PAGE: &str = "query Page($slug: String!) { article(slug: $slug) { id title version
    people { person { slug fullName } } } }";
const PERSON: &str = "query Person($slug: String!) { person(slug: $slug) { fullName } }";
const UPDATE_ARTICLE: &str = "mutation($id: ID!, $version: Int!, $input: ArticleInput!) {
    updateArticle(id: $id, version: $version, input: $input) { article { version } } }";
const UPDATE_PERSON: &str = "mutation($id: ID!, $version: Int!, $input: PersonInput!) {
    updatePerson(id: $id, version: $version, input: $input) { person { version } } }";

fn post(query: &str, variables: Value, bearer: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(bearer) = bearer {
        request = request.header("authorization", format!("Bearer {bearer}"));
    }
    request
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap()
}

fn get(query: &str) -> Request<Body> {
    let encoded: String = query
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let uri = format!("/graphql?query={encoded}");
    Request::get(uri)
        .header("accept", "application/graphql-response+json")
        .body(Body::empty())
        .unwrap()
}

/// The answer's `Cache-Status` and JSON body.
async fn read(app: &TestApp, request: Request<Body>) -> (String, Value) {
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let status = response.headers()["cache-status"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, body_json(response).await)
}

fn editor() -> String {
    token("editor-minh", &["editor"])
}

/// The first listed article's slug, id and version.
async fn first_article(app: &TestApp) -> (String, String, i64) {
    let (_, home) = read(app, post(HOME, json!({}), None)).await;
    let node = &home["data"]["articles"]["edges"][0]["node"];
    (
        node["slug"].as_str().unwrap().to_owned(),
        node["id"].as_str().unwrap().to_owned(),
        node["version"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn anonymous_reads_are_answered_from_memory_the_second_time() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (first, body) = read(&app, post(HOME, json!({}), None)).await;
        assert_eq!(first, "toasoan; fwd=miss; stored");
        app.take_statement_count();
        let (second, again) = read(&app, post(HOME, json!({}), None)).await;
        assert_eq!(second, "toasoan; hit");
        assert_eq!(again, body);
        assert_eq!(app.take_statement_count(), 0, "a hit runs no SQL");

        // Other variables are another answer.
        let (slug, _, _) = first_article(&app).await;
        let (status, _) = read(&app, post(PAGE, json!({ "slug": slug }), None)).await;
        assert_eq!(status, "toasoan; fwd=miss; stored");

        // GET shares the entry and keeps its HTTP caching headers.
        let response = app.send(get(HOME)).await;
        assert_eq!(
            response.headers()["cache-status"],
            "toasoan; fwd=miss; stored"
        );
        let response = app.send(get(HOME)).await;
        let headers = response.headers().clone();
        assert_eq!(headers["cache-status"], "toasoan; hit");
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("stale-while-revalidate=")
        );
        assert_eq!(headers[header::VARY], "Accept, Authorization");
        assert!(headers.contains_key(header::ETAG));
        assert!(
            headers["surrogate-key"]
                .to_str()
                .unwrap()
                .contains("articles")
        );
    }
}

#[tokio::test]
async fn token_reads_mutations_and_errors_are_never_kept() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        // What an editor sees (drafts included) is never kept nor served
        // to anyone else.
        let drafts = "{ articles(first: 5, filter: {status: [DRAFT]}) { totalCount } }";
        let (status, _) = read(&app, post(drafts, json!({}), Some(&editor))).await;
        assert_eq!(status, "toasoan; fwd=bypass");
        let (status, refused) = read(&app, post(drafts, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=miss", "an error is not kept");
        assert_eq!(common::first_error_code(&refused), "UNAUTHENTICATED");
        let (status, _) = read(&app, post(drafts, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=miss");

        // An anonymous answer is not served to a token holder either.
        read(&app, post(HOME, json!({}), None)).await;
        let (status, _) = read(&app, post(HOME, json!({}), Some(&editor))).await;
        assert_eq!(status, "toasoan; fwd=bypass");

        // Mutations bypass the cache.
        let mutation = "mutation { deleteTag(id: \"VGFnOjE=\", version: 1) { id } }";
        let (status, _) = read(&app, post(mutation, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=bypass");
    }
}

#[tokio::test]
async fn a_cache_of_zero_megabytes_is_off() {
    let app = TestApp::demo_with(Backend::Sqlite, |c| c.response_cache_mb = 0).await;
    for _ in 0..2 {
        let (status, _) = read(&app, post(HOME, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=bypass");
    }
}

#[tokio::test]
async fn an_article_write_purges_its_page_and_the_lists_but_not_other_pages() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (_, home) = read(&app, post(HOME, json!({}), None)).await;
        let edges = home["data"]["articles"]["edges"]
            .as_array()
            .unwrap()
            .clone();
        let (edited, other) = (&edges[0]["node"], &edges[1]["node"]);
        for node in [edited, other] {
            read(&app, post(PAGE, json!({ "slug": node["slug"] }), None)).await;
        }

        let title = "Hội nghị triển khai công tác dân vận năm 2027";
        app.data_as(
            &editor(),
            UPDATE_ARTICLE,
            json!({ "id": edited["id"], "version": edited["version"],
                    "input": { "title": title } }),
        )
        .await;

        let (status, page) = read(&app, post(PAGE, json!({ "slug": edited["slug"] }), None)).await;
        assert_eq!(status, "toasoan; fwd=miss; stored");
        assert_eq!(page["data"]["article"]["title"], title);
        let (status, home) = read(&app, post(HOME, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=miss; stored");
        assert_eq!(home["data"]["articles"]["edges"][0]["node"]["title"], title);
        let (status, _) = read(&app, post(PAGE, json!({ "slug": other["slug"] }), None)).await;
        assert_eq!(status, "toasoan; hit", "another article's page stays");
    }
}

#[tokio::test]
async fn a_person_renamed_is_renamed_in_every_answer_that_shows_them() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let (slug, _, _) = first_article(&app).await;
        let (_, page) = read(&app, post(PAGE, json!({ "slug": slug }), None)).await;
        let person = page["data"]["article"]["people"][0]["person"].clone();
        let person_slug = person["slug"].as_str().unwrap();
        read(&app, post(PERSON, json!({ "slug": person_slug }), None)).await;
        let (status, _) = read(&app, post(PAGE, json!({ "slug": slug }), None)).await;
        assert_eq!(status, "toasoan; hit");

        let found = app
            .data_as(
                &editor,
                "query($s: String!) { person(slug: $s) { id version } }",
                json!({ "s": person_slug }),
            )
            .await;
        let name = "Nguyễn Thị Thu Hường";
        app.data_as(
            &editor,
            UPDATE_PERSON,
            json!({ "id": found["person"]["id"], "version": found["person"]["version"],
                    "input": { "fullName": name } }),
        )
        .await;

        let (_, shown) = read(&app, post(PERSON, json!({ "slug": person_slug }), None)).await;
        assert_eq!(shown["data"]["person"]["fullName"], name);
        let (status, page) = read(&app, post(PAGE, json!({ "slug": slug }), None)).await;
        assert_eq!(
            status, "toasoan; fwd=miss; stored",
            "the article page showed them"
        );
        assert_eq!(
            page["data"]["article"]["people"][0]["person"]["fullName"],
            name
        );
    }
}

#[tokio::test]
async fn concurrent_misses_of_one_answer_run_its_query_once() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        // One build's statements, measured on a miss.
        app.take_statement_count();
        let (status, expected) = read(&app, post(HOME, json!({}), None)).await;
        assert_eq!(status, "toasoan; fwd=miss; stored");
        let one_build = app.take_statement_count();
        assert!(one_build > 0);

        // An edit purges the home page; 32 readers arrive at once.
        let (_, id, version) = first_article(&app).await;
        app.data_as(
            &editor(),
            UPDATE_ARTICLE,
            json!({ "id": id, "version": version, "input": { "lead": "Chiều 27/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị." } }),
        )
        .await;
        app.take_statement_count();
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let router = app.router.clone();
            readers.spawn(async move {
                use tower::ServiceExt;
                let response = router.oneshot(post(HOME, json!({}), None)).await.unwrap();
                let status = response.headers()["cache-status"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                (status, body_json(response).await)
            });
        }
        let answers = readers.join_all().await;
        assert_eq!(app.take_statement_count(), one_build, "one rebuild");
        let statuses: Vec<&str> = answers.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == "toasoan; fwd=miss; stored")
                .count(),
            1
        );
        assert!(
            statuses.iter().all(|s| [
                "toasoan; fwd=miss; stored",
                "toasoan; fwd=miss; collapsed",
                "toasoan; hit"
            ]
            .contains(s)),
            "{statuses:?}"
        );
        let body = &answers[31].1;
        assert_eq!(
            body["data"]["articles"]["edges"].as_array().unwrap().len(),
            expected["data"]["articles"]["edges"]
                .as_array()
                .unwrap()
                .len()
        );
        assert!(answers.iter().all(|(_, b)| b == body));
    }
}

/// Reads `request()` on `replica` until `done` holds of the body; the time
/// it took.
async fn until(
    replica: &Replica,
    request: impl Fn() -> Request<Body>,
    done: impl Fn(&Value) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let body = body_json(replica.send(request()).await).await;
        if done(&body) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still stale: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_write_on_one_replica_purges_the_others_within_a_second() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = TestApp::demo(Backend::Postgres).await;
    // Only a notice can purge the other replica in time: its safety net
    // ticks once a minute here.
    let other = Replica::of(&app, |c| c.content_version_poll_ms = 60_000).await;
    // Let its listener start (it empties the cache when it does).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (slug, id, version) = first_article(&app).await;
    let page = || post(PAGE, json!({ "slug": slug }), None);
    body_json(other.send(page()).await).await;
    let response = other.send(page()).await;
    assert_eq!(response.headers()["cache-status"], "toasoan; hit");

    let title = "Tỉnh ủy sơ kết công tác dân vận quý IV";
    app.data_as(
        &editor(),
        UPDATE_ARTICLE,
        json!({ "id": id, "version": version, "input": { "title": title } }),
    )
    .await;
    let took = until(&other, page, |b| b["data"]["article"]["title"] == title).await;
    assert!(
        took < Duration::from_secs(1),
        "the other replica was stale for {took:?}"
    );

    // A catalogue write travels too.
    let found = app
        .data_as(
            &editor(),
            "query($s: String!) { article(slug: $s) { people { person { id slug version } } } }",
            json!({ "s": slug }),
        )
        .await;
    let person = &found["article"]["people"][0]["person"];
    let person_page = || post(PERSON, json!({ "slug": person["slug"] }), None);
    body_json(other.send(person_page()).await).await;
    let name = "Trần Văn Dân";
    app.data_as(
        &editor(),
        UPDATE_PERSON,
        json!({ "id": person["id"], "version": person["version"], "input": { "fullName": name } }),
    )
    .await;
    let took = until(&other, person_page, |b| {
        b["data"]["person"]["fullName"] == name
    })
    .await;
    assert!(took < Duration::from_secs(1), "stale for {took:?}");
}

#[tokio::test]
async fn a_write_nobody_announced_is_caught_by_the_content_generation() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let other = Replica::of(&app, |c| c.content_version_poll_ms = 100).await;
        let (slug, _, _) = first_article(&app).await;
        let page = || post(PAGE, json!({ "slug": slug }), None);
        body_json(other.send(page()).await).await;
        let response = other.send(page()).await;
        assert_eq!(response.headers()["cache-status"], "toasoan; hit");

        // Another process writes straight into the database: no notice.
        use sea_orm::ConnectionTrait;
        app.db
            .execute_unprepared(&format!(
                "UPDATE articles SET title = 'Bản tin sửa trực tiếp' WHERE slug = '{slug}'"
            ))
            .await
            .unwrap();
        let took = until(&other, page, |b| {
            b["data"]["article"]["title"] == "Bản tin sửa trực tiếp"
        })
        .await;
        assert!(took < Duration::from_secs(5), "stale for {took:?}");
    }
}
