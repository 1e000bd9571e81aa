//! The embedded search index (tantivy) beside the database: it agrees
//! with the database's engine on what matches, follows writes on every
//! replica before it answers, survives restarts by replaying the journal,
//! and rebuilds when the journal it needed was pruned.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use api::domain::{
    articles::{ArticleScope, ScopeRefs},
    search::{
        embedded::EmbeddedIndex,
        query::{self, Order, Source},
    },
    viewer::Viewer,
};
use api::platform::auth::{Role, User};
use axum::body::Body;
use common::{Backend, Replica, TestApp, backends, body_json, token};
use entity::article;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const SEARCH: &str = r#"query($q: String!) { search(query: $q, first: 50) {
    totalCount edges { node { title } } } }"#;

const CREATE: &str =
    "mutation($i: ArticleInput!) { createArticle(input: $i) { article { id version } } }";
const PUBLISH: &str =
    "mutation($id: ID!, $v: Int!) { publishArticle(id: $id, version: $v) { article { version } } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $i: ArticleInput!) { updateArticle(id: $id, version: $v, input: $i) { article { version } } }";
const DELETE: &str = "mutation($id: ID!, $v: Int!) { deleteArticle(id: $id, version: $v) { id } }";

fn titles(data: &Value) -> Vec<String> {
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn editor() -> String {
    token("editor-minh", &["editor"])
}

/// Creates and publishes an article titled `title`; returns its id and
/// version.
async fn publish(app: &TestApp, title: &str, body: &str) -> (Value, Value) {
    let created = app
        .data_as(
            &editor(),
            CREATE,
            json!({"i": {"title": title, "section": "xa-hoi",
                "body": [{"paragraph": {"text": body}}]}}),
        )
        .await;
    let a = &created["createArticle"]["article"];
    let published = app
        .data_as(
            &editor(),
            PUBLISH,
            json!({"id": a["id"], "v": a["version"]}),
        )
        .await;
    (
        a["id"].clone(),
        published["publishArticle"]["article"]["version"].clone(),
    )
}

/// A search on `replica`, anonymous, through its router.
async fn search_on(replica: &Replica, q: &str) -> Value {
    let request = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"query": SEARCH, "variables": {"q": q}}).to_string(),
        ))
        .unwrap();
    let body = body_json(replica.send(request).await).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn the_embedded_index_is_built_at_start_and_answers_searches() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let index = app
            .state
            .graphql
            .search_index
            .clone()
            .expect("the embedded index is the default engine");
        let live = article::Entity::find()
            .filter(sea_orm::ColumnTrait::is_null(&article::Column::DeletedAt))
            .all(&app.db)
            .await
            .unwrap()
            .len() as u64;
        // The demo was loaded after start: the first search catches up.
        let data = app.data(SEARCH, json!({"q": "dân vận"})).await;
        assert!(!titles(&data).is_empty());
        assert!(index.is_ready());
        assert_eq!(index.len(), live, "{backend:?}: every live article indexed");
    }
}

/// Every (query, filter, viewer) matches the same articles in the
/// embedded index as in the database's engine, with the same count.
#[tokio::test]
async fn the_embedded_index_matches_what_the_database_engine_matches() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let index = app.state.graphql.search_index.clone().unwrap();
        index.catch_up(&app.db).await.unwrap();
        let now = chrono::Utc::now();
        let scopes = [
            ScopeRefs::default(),
            ScopeRefs {
                section: Some("thoi-su"),
                ..ScopeRefs::default()
            },
            ScopeRefs {
                published_after: Some(now - chrono::Duration::days(400)),
                published_before: Some(now - chrono::Duration::days(10)),
                ..ScopeRefs::default()
            },
        ];
        let editor = Viewer::User(User {
            sub: "editor-minh".to_owned(),
            roles: vec![Role::Editor],
        });
        let viewers = [Viewer::Anonymous, editor];
        let mut compared = 0;
        for q in [
            "dân vận",
            "tinh uy",
            "\"phát triển kinh tế\"",
            "hội nghị -tỉnh",
            "nông thôn mới",
            "Thúy Sơn",
            "giáo dục đào tạo",
            "ubnd tin",
        ] {
            let parsed = query::parse(q).unwrap();
            for refs in &scopes {
                let scope = ArticleScope::resolve(&app.db, refs).await.unwrap();
                for viewer in &viewers {
                    let public_at = (!viewer.sees_unpublished()).then_some(now);
                    let select =
                        scope.apply(article::Entity::find().filter(viewer.article_condition(now)));
                    let from_db = query::run(
                        &app.db,
                        &parsed,
                        Source::Database(Box::new(select)),
                        Order::Newest,
                        500,
                        query::Count::Every,
                        now,
                    )
                    .await
                    .unwrap();
                    let from_index = query::run(
                        &app.db,
                        &parsed,
                        Source::Embedded(&index, scope.index_filter(public_at)),
                        Order::Newest,
                        500,
                        query::Count::Every,
                        now,
                    )
                    .await
                    .unwrap();
                    let ids = |o: &query::Outcome| -> BTreeSet<i64> {
                        o.hits.iter().map(|h| h.id).collect()
                    };
                    assert_eq!(
                        (from_index.total, ids(&from_index)),
                        (from_db.total, ids(&from_db)),
                        "{backend:?}: {q:?} {refs:?} {viewer:?}"
                    );
                    assert_eq!(from_index.matched_all_terms, from_db.matched_all_terms);
                    // Newest first, as the database orders them (among
                    // published articles: drafts without a publication
                    // time come last in the index, first on PostgreSQL).
                    if public_at.is_some() {
                        let order =
                            |o: &query::Outcome| o.hits.iter().map(|h| h.id).collect::<Vec<_>>();
                        assert_eq!(order(&from_index), order(&from_db), "{q:?} newest first");
                    }
                    compared += usize::from(from_db.total > Some(0));
                }
            }
        }
        assert!(compared > 20, "the comparison found matches ({compared})");
    }
}

#[tokio::test]
async fn a_write_on_one_replica_is_searchable_on_another_at_once() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.response_cache_mb = 0).await;
        let other = Replica::of(&app, |c| c.response_cache_mb = 0).await;
        assert!(
            other
                .state
                .graphql
                .search_index
                .as_ref()
                .is_some_and(|i| i.is_ready()),
            "the second replica built its own index at start"
        );
        let (id, version) = publish(
            &app,
            "Khánh thành cầu treo Huổi Lóng",
            "Cây cầu nối hai bản.",
        )
        .await;
        assert_eq!(
            titles(&search_on(&other, "cau treo huoi long").await),
            vec!["Khánh thành cầu treo Huổi Lóng"],
            "{backend:?}: the other replica's first search after the commit finds it"
        );
        app.data_as(
            &editor(),
            UPDATE,
            json!({"id": id, "v": version, "i": {"title": "Khánh thành cầu treo bản Pá Khoang"}}),
        )
        .await;
        assert_eq!(
            titles(&search_on(&other, "pa khoang").await),
            vec!["Khánh thành cầu treo bản Pá Khoang"]
        );
        assert!(
            !titles(&search_on(&other, "huoi long").await)
                .iter()
                .any(|t| t.contains("Pá Khoang"))
        );
        let updated = app
            .data_as(
                &editor(),
                "query($id: ID!) { node(id: $id) { ... on Article { version } } }",
                json!({"id": id}),
            )
            .await;
        app.data_as(
            &token("admin-an", &["admin"]),
            DELETE,
            json!({"id": id, "v": updated["node"]["version"]}),
        )
        .await;
        assert!(
            !titles(&search_on(&other, "pa khoang").await)
                .iter()
                .any(|t| t.contains("Pá Khoang")),
            "a deleted article leaves every replica's index"
        );
    }
}

#[tokio::test]
async fn a_restarted_replica_replays_only_the_journal_since_its_last_commit() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let dir = tempfile_dir("restart");
    {
        let index = EmbeddedIndex::open(Some(&dir)).unwrap();
        assert!(!index.is_ready());
        index.catch_up(&app.db).await.unwrap();
        assert!(index.is_ready());
    }
    let before = journal_head(&app.db).await;
    publish(
        &app,
        "Lễ hội hoa ban Điện Biên khai mạc",
        "Hoa ban nở trắng núi rừng.",
    )
    .await;
    let index = EmbeddedIndex::open(Some(&dir)).unwrap();
    assert_eq!(index.applied(), before, "the cursor survived the restart");
    let count = index.len();
    index.catch_up(&app.db).await.unwrap();
    assert_eq!(index.len(), count + 1, "only the new article was replayed");
    assert_eq!(index.applied(), journal_head(&app.db).await);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_replica_that_missed_pruned_entries_rebuilds() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let index = EmbeddedIndex::open(None).unwrap();
        index.catch_up(&app.db).await.unwrap();
        let count = index.len();
        // Away while three articles were written and their entries pruned
        // (all but the newest, as pruning keeps it).
        publish(&app, "Bài thứ nhất về hoa ban", "Hoa ban.").await;
        publish(&app, "Bài thứ hai về hoa ban", "Hoa ban.").await;
        publish(&app, "Bài thứ ba về hoa ban", "Hoa ban.").await;
        let head = journal_head(&app.db).await;
        app.db
            .execute_unprepared(&format!("DELETE FROM search_journal WHERE seq < {head}"))
            .await
            .unwrap();
        index.catch_up(&app.db).await.unwrap();
        assert_eq!(
            index.len(),
            count + 3,
            "{backend:?}: rebuilt, nothing missed"
        );
        assert_eq!(index.applied(), head);
    }
}

#[tokio::test]
async fn the_database_engine_still_serves_when_chosen() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| {
            c.search.search_engine = api::platform::config::search::SearchEngine::Database
        })
        .await;
        assert!(app.state.graphql.search_index.is_none());
        let data = app.data(SEARCH, json!({"q": "dân vận"})).await;
        assert!(!titles(&data).is_empty());
    }
}

async fn journal_head(db: &impl ConnectionTrait) -> i64 {
    api::domain::search::embedded::follow::head(db)
        .await
        .unwrap()
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(common::unique_name_with(&format!("toasoan_index_{name}_")));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn the_follower_reports_the_index_in_metrics() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let index = app.state.graphql.search_index.clone().unwrap();
    index.catch_up(&app.db).await.unwrap();
    let series = |text: &str, name: &str| -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.parse().ok())
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let response = app
            .send(
                axum::http::Request::get("/metrics")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let seen = (
            series(&text, "toasoan_search_index_ready"),
            series(&text, "toasoan_search_index_documents"),
            series(&text, "toasoan_search_index_behind"),
        );
        if seen == (Some(1.0), Some(index.len() as f64), Some(0.0)) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the follower never reported the built index: {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// An index kept beside a database that was restored or replaced (its
/// journal numbers mean other writes) is rebuilt, not trusted.
#[tokio::test]
async fn an_index_over_a_replaced_database_is_rebuilt() {
    let x = TestApp::demo(Backend::Sqlite).await;
    let y = TestApp::demo(Backend::Sqlite).await;
    let index = EmbeddedIndex::open(None).unwrap();
    publish(&x, "Bài chỉ có trong cơ sở dữ liệu cũ", "Hoa mận.").await;
    index.catch_up(&x.db).await.unwrap();
    // The other database's journal goes further, with other entries:
    // edits of articles both have, none of the first one's new article.
    let listed = y
        .data_as(
            &editor(),
            "{ articles(first: 1) { edges { node { id version } } } }",
            json!({}),
        )
        .await;
    let node = &listed["articles"]["edges"][0]["node"];
    let (id, mut version) = (node["id"].clone(), node["version"].clone());
    for lead in ["Hoa đào nở sớm.", "Hoa đào nở muộn.", "Hoa đào đã tàn."] {
        let updated = y
            .data_as(
                &editor(),
                UPDATE,
                json!({"id": id, "v": version, "i": {"lead": lead}}),
            )
            .await;
        version = updated["updateArticle"]["article"]["version"].clone();
    }
    assert!(journal_head(&y.db).await > index.applied());
    index.catch_up(&y.db).await.unwrap();
    let live = article::Entity::find()
        .filter(sea_orm::ColumnTrait::is_null(&article::Column::DeletedAt))
        .all(&y.db)
        .await
        .unwrap()
        .len() as u64;
    assert_eq!(index.len(), live, "rebuilt from the other database");
    let found = query::run(
        &y.db,
        &query::parse("co so du lieu cu").unwrap(),
        Source::Embedded(&index, Default::default()),
        Order::Relevance,
        10,
        query::Count::Skip,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        found.hits.is_empty() || !found.matched_all_terms,
        "nothing of the first database is left"
    );
    // A journal shorter than the cursor (a database restored from an
    // older backup) too.
    let z = TestApp::demo(Backend::Sqlite).await;
    assert!(journal_head(&z.db).await < index.applied());
    index.catch_up(&z.db).await.unwrap();
    assert_eq!(index.applied(), journal_head(&z.db).await);
}

/// The re-rank's evidence read from the index's positions is what the
/// candidates' text gives.
#[tokio::test]
async fn the_index_gives_the_rerank_the_evidence_the_text_gives() {
    use api::domain::search::{engine, rank};
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let index = app.state.graphql.search_index.clone().unwrap();
        index.catch_up(&app.db).await.unwrap();
        let ids: Vec<i64> = article::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.deleted_at.is_none())
            .map(|a| a.id)
            .collect();
        let texts = engine::texts(&app.db, &ids, true).await.unwrap();
        let mut compared = 0;
        for q in [
            "dân vận",
            "Dân biết, dân bàn, dân làm, dân kiểm tra",
            "\"phát triển kinh tế\" xã hội",
            "Đức Thúy Sơn",
            "hòa bình hoà bình",
            "tỉnh ủy tinh uy",
        ] {
            let parsed = query::parse(&format!("{q} ")).unwrap();
            let words = rank::vocabulary(&parsed)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let by_id = ids.iter().map(|id| (*id, None)).collect();
            let from_index = index
                .evidence(by_id, words, parsed.accents.clone())
                .await
                .unwrap();
            for t in &texts {
                let expected = rank::evidence_of(&parsed, t);
                let got = from_index.get(&t.id).cloned().unwrap_or_default();
                assert_eq!(got, expected, "{backend:?}: {q:?} in article {}", t.id);
                compared += usize::from(expected.fields.iter().any(|m| !m.is_empty()));
            }
        }
        assert!(compared > 30, "the queries matched articles ({compared})");
    }
}

/// The re-rank reads the candidates where the first stage found them
/// while the index has not moved on, and looks them up by id again when
/// it has: either way, the same evidence.
#[tokio::test]
async fn the_evidence_where_the_first_stage_found_the_candidates_is_theirs() {
    use api::domain::search::{
        embedded::find::IndexFilter,
        engine::{Combine, Count, EngineOrder, IndexAddress},
        rank,
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let index = app.state.graphql.search_index.clone().unwrap();
    index.catch_up(&app.db).await.unwrap();
    let mut compared = 0;
    for q in ["dân vận", "\"phát triển kinh tế\" xã hội", "tỉnh ủy"] {
        let parsed = query::parse(&format!("{q} ")).unwrap();
        let found = index
            .candidates(
                &parsed,
                Combine::All,
                &IndexFilter::default(),
                EngineOrder::Relevance,
                200,
                Count::Skip,
            )
            .await
            .unwrap();
        assert!(found.len() > 1, "{q:?} found {}", found.len());
        let words: Vec<String> = rank::vocabulary(&parsed)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let evidence = |placed: Vec<(i64, Option<IndexAddress>)>| {
            index.evidence(placed, words.clone(), parsed.accents.clone())
        };
        let by_id = evidence(found.iter().map(|c| (c.id, None)).collect())
            .await
            .unwrap();
        let placed = found.iter().map(|c| (c.id, c.found_at)).collect();
        assert!(found.iter().all(|c| c.found_at.is_some()));
        assert_eq!(evidence(placed).await.unwrap(), by_id, "{q:?}");
        // Addresses of another snapshot, pointing elsewhere: not used.
        let stale = found
            .iter()
            .map(|c| {
                let at = c.found_at.unwrap();
                let elsewhere = IndexAddress {
                    generation: at.generation + 1,
                    doc: at.doc + 1,
                    ..at
                };
                (c.id, Some(elsewhere))
            })
            .collect();
        assert_eq!(evidence(stale).await.unwrap(), by_id, "{q:?}");
        compared += by_id.len();
    }
    assert!(compared > 10, "{compared} candidates compared");
}

/// A search through a connection whose journal does not hold the
/// index's cursor (a read replica lagging the primary the follower reads,
/// caught between the search's check and its turn) uses the index as it
/// is: only the follower, on the primary, may rebuild it.
#[tokio::test]
async fn a_search_never_rebuilds_the_index() {
    let primary = TestApp::demo(Backend::Sqlite).await;
    let other = TestApp::demo(Backend::Sqlite).await;
    let index = EmbeddedIndex::open(None).unwrap();
    publish(&primary, "Bài chỉ có trên máy chủ chính", "Hoa mận.").await;
    index.catch_up(&primary.db).await.unwrap();
    let (count, cursor) = (index.len(), index.cursor());
    // A journal behind the cursor, then one past it with other entries.
    assert!(journal_head(&other.db).await < cursor.seq);
    assert!(index.current(&other.db).await.unwrap());
    assert_eq!((index.len(), index.cursor()), (count, cursor));
    for title in ["Bài một", "Bài hai", "Bài ba"] {
        publish(&other, title, "Hoa đào.").await;
    }
    assert!(journal_head(&other.db).await > cursor.seq);
    assert!(index.current(&other.db).await.unwrap());
    assert_eq!((index.len(), index.cursor()), (count, cursor));
}
