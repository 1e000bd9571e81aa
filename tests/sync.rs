//! Incremental sync for partners: the change log (`changes`), its REST
//! form in ninjs (`GET /v1/sync`), access, paging, what each write logs,
//! the scheduler, and commit order under concurrent writers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/partner.rs"]
mod partner;

use std::collections::HashMap;

use api::{
    domain::changes,
    domain::viewer::Viewer,
    platform::ids::{self, NodeType},
};
use axum::http::StatusCode;
use chrono::Utc;
use common::{SEED_SLUG, TestApp, backends, first_error_code, token};
use entity::article::{self, ArticleStatus};
use partner::{CHANGES, follow_changes, get};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Value, json};

const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) {
    publishArticle(id: $id, version: $version, publishAt: $at) { article { version status } } }";
const UPDATE: &str = "mutation($id: ID!, $version: Int!, $title: String!) {
    updateArticle(id: $id, version: $version, input: {title: $title}) { article { version slug } } }";
const UNPUBLISH: &str = "mutation($id: ID!, $version: Int!) {
    unpublishArticle(id: $id, version: $version) { article { version } } }";
const DELETE: &str =
    "mutation($id: ID!, $version: Int!) { deleteArticle(id: $id, version: $version) { id slug } }";
const CREATE: &str = r#"mutation($title: String!) { createArticle(input: {title: $title,
    section: "thoi-su-chinh-tri", lead: "Sáng 27/11, hội nghị diễn ra tại Hội trường Tỉnh ủy.",
    people: [{person: "nguyen-nam", role: AUTHOR}]}) { article { id slug version } } }"#;

/// The published set as readers see it now: global ID → version.
async fn published(app: &TestApp) -> HashMap<String, i64> {
    let now = Utc::now();
    article::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| Viewer::Anonymous.can_read(a, now))
        .map(|a| {
            (
                ids::encode(NodeType::Article, a.id).to_string(),
                i64::from(a.version),
            )
        })
        .collect()
}

#[tokio::test]
async fn only_partners_editors_and_admins_follow_the_log() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let anonymous = app.graphql(CHANGES, json!({})).await;
        assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
        let writer = token("writer-lan", &["writer"]);
        let refused = app.graphql_as(&writer, CHANGES, json!({})).await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
        for role in ["partner", "editor", "admin"] {
            let data = app
                .data_as(&token("ai-do", &[role]), CHANGES, json!({}))
                .await;
            assert_eq!(
                data["changes"]["edges"].as_array().unwrap().len(),
                20,
                "{role}"
            );
        }

        let (status, body) = get(&app, "/v1/sync", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let (status, body) = get(&app, "/v1/sync", Some(&writer)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let (status, body) = get(&app, "/v1/sync", Some("garbage")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let partner = token("doi-tac-vtv", &["partner"]);
        let (status, body) = get(&app, "/v1/sync", Some(&partner)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["items"].as_array().unwrap().len(),
            42,
            "50 by default, 42 exist"
        );
    }
}

#[tokio::test]
async fn a_new_partner_gets_the_published_demo_page_by_page() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let partner = token("doi-tac-vtv", &["partner"]);
        let (entries, end) = follow_changes(&app, &partner, None, 10).await;
        assert_eq!(entries.len(), 42);
        assert!(entries.iter().all(|e| e["kind"] == "PUBLISHED"));
        let ids: HashMap<String, i64> = entries
            .iter()
            .map(|e| {
                (
                    e["articleId"].as_str().unwrap().to_owned(),
                    e["version"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(ids, published(&app).await);
        let seed = entries.iter().find(|e| e["slug"] == SEED_SLUG).unwrap();
        assert_eq!(seed["occurredAt"], "2021-12-27T12:12:00+00:00");
        assert_eq!(seed["article"]["status"], "PUBLISHED");

        // At the end: an empty page still hands back a cursor to store.
        let data = app
            .data_as(&partner, CHANGES, json!({"after": end, "first": 10}))
            .await;
        assert_eq!(data["changes"]["edges"], json!([]));
        assert_eq!(data["changes"]["pageInfo"]["endCursor"], end);
        assert_eq!(data["changes"]["pageInfo"]["hasNextPage"], false);
        assert_eq!(data["changes"]["pageInfo"]["hasPreviousPage"], true);
        let (_, rest) = get(&app, &format!("/v1/sync?cursor={end}"), Some(&partner)).await;
        assert_eq!(rest["items"], json!([]));
        assert_eq!(rest["nextCursor"], end, "GraphQL and REST share cursors");
        assert_eq!(rest["hasMore"], false);

        let too_many = app
            .graphql_as(&partner, CHANGES, json!({"first": 101}))
            .await;
        assert_eq!(first_error_code(&too_many), "BAD_USER_INPUT");
        let bad = app
            .graphql_as(&partner, CHANGES, json!({"after": "abc"}))
            .await;
        assert_eq!(first_error_code(&bad), "BAD_USER_INPUT");
        for query in ["limit=0", "limit=101", "limit=mười", "cursor=abc"] {
            let (status, body) = get(&app, &format!("/v1/sync?{query}"), Some(&partner)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn each_write_to_public_content_is_logged_and_drafts_never_are() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = token("admin-ha", &["admin"]);
        let partner = token("doi-tac-vtv", &["partner"]);
        let (_, start) = follow_changes(&app, &partner, None, 100).await;
        let since = |cursor: &str| follow_changes(&app, &partner, Some(cursor.to_owned()), 100);

        // Drafting and editing a draft: nothing for partners.
        let created = app
            .data_as(
                &admin,
                CREATE,
                json!({"title": "Tỉnh ủy sơ kết công tác dân vận"}),
            )
            .await;
        let id = created["createArticle"]["article"]["id"].clone();
        let slug = created["createArticle"]["article"]["slug"].clone();
        assert_eq!(slug, "tinh-uy-so-ket-cong-tac-dan-van");
        app.data_as(
            &admin,
            UPDATE,
            json!({"id": id, "version": 1, "title": "Tỉnh ủy sơ kết công tác dân vận năm 2026"}),
        )
        .await;
        let (entries, after_draft) = since(&start).await;
        assert_eq!(entries, Vec::<Value>::new());

        app.data_as(&admin, PUBLISH, json!({"id": id, "version": 2}))
            .await;
        app.data_as(
            &admin,
            UPDATE,
            json!({"id": id, "version": 3, "title": "Sơ kết công tác dân vận"}),
        )
        .await;
        app.data_as(&admin, UNPUBLISH, json!({"id": id, "version": 4}))
            .await;
        app.data_as(&admin, PUBLISH, json!({"id": id, "version": 5}))
            .await;
        let (entries, after_life) = since(&after_draft).await;
        let kinds: Vec<(&str, i64)> = entries
            .iter()
            .map(|e| (e["kind"].as_str().unwrap(), e["version"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("PUBLISHED", 3),
                ("UPDATED", 4),
                ("UNPUBLISHED", 5),
                ("PUBLISHED", 6)
            ]
        );
        assert!(entries.iter().all(|e| e["articleId"] == id));
        assert!(entries.iter().all(|e| e["slug"] == slug));
        // Each entry shows the article as it is now.
        assert!(entries.iter().all(|e| e["article"]["version"] == 6));

        // REST: the same entries carry the current ninjs, or a tombstone.
        let (_, page) = get(
            &app,
            &format!("/v1/sync?cursor={after_draft}"),
            Some(&partner),
        )
        .await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0]["ninjs"]["version"], "6");
        assert_eq!(
            items[0]["ninjs"]["headlines"][0]["value"],
            "Sơ kết công tác dân vận"
        );
        assert_eq!(items[2]["kind"], "UNPUBLISHED");
        assert_eq!(items[2]["tombstone"]["id"], id);
        assert!(items[2].get("ninjs").is_none());
        assert_eq!(page["nextCursor"], after_life);

        app.data_as(&admin, DELETE, json!({"id": id, "version": 6}))
            .await;
        let (entries, _) = since(&after_life).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["kind"], "DELETED");
        assert_eq!(entries[0]["slug"], slug);
        assert_eq!(entries[0]["article"], Value::Null);
        let (_, page) = get(
            &app,
            &format!("/v1/sync?cursor={after_life}"),
            Some(&partner),
        )
        .await;
        assert_eq!(
            page["items"][0]["tombstone"],
            json!({"id": id, "uri": page["items"][0]["uri"], "slug": slug})
        );
        // Earlier entries of a deleted article now come as tombstones.
        let (_, page) = get(
            &app,
            &format!("/v1/sync?cursor={after_draft}"),
            Some(&partner),
        )
        .await;
        assert!(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i.get("tombstone").is_some())
        );

        // Deleting a draft that was never public: nothing.
        let draft = app
            .data_as(&admin, CREATE, json!({"title": "Bản nháp bị xóa"}))
            .await;
        let (_, before_delete) = since(&after_life).await;
        app.data_as(
            &admin,
            DELETE,
            json!({"id": draft["createArticle"]["article"]["id"], "version": 1}),
        )
        .await;
        assert_eq!(since(&before_delete).await.0, Vec::<Value>::new());
    }
}

#[tokio::test]
async fn scheduled_articles_are_logged_when_the_scheduler_publishes_them() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = token("editor-minh", &["editor"]);
        let partner = token("doi-tac-vtv", &["partner"]);
        let (_, start) = follow_changes(&app, &partner, None, 100).await;
        let created = app
            .data_as(
                &editor,
                CREATE,
                json!({"title": "Khai mạc Hội báo Xuân tỉnh 2027"}),
            )
            .await;
        let id = created["createArticle"]["article"]["id"].clone();
        let at = Utc::now() + chrono::Duration::hours(2);
        app.data_as(
            &editor,
            PUBLISH,
            json!({"id": id, "version": 1, "at": at.to_rfc3339()}),
        )
        .await;
        let (entries, after) = follow_changes(&app, &partner, Some(start), 100).await;
        assert_eq!(entries, Vec::<Value>::new(), "not before it is due");

        let flipped =
            api::workers::scheduler::publish_due(&app.db, at + chrono::Duration::seconds(1))
                .await
                .unwrap();
        assert_eq!(flipped, 1);
        let entries = changes::page(
            &app.db,
            changes::decode_cursor(&after, "after").unwrap(),
            10,
        )
        .await
        .unwrap()
        .0;
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].kind,
            entity::article_change::ChangeKind::Published
        );
        assert_eq!(entries[0].version, 3, "the version the flip made");
        assert_eq!(
            ids::encode(NodeType::Article, entries[0].article_id),
            id.as_str().unwrap()
        );
    }
}

#[tokio::test]
async fn a_generated_archive_enters_the_log_as_published() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let args = toasoan::generate::GenerateArgs {
            articles: 120,
            seed: 3,
            force: false,
        };
        let report = toasoan::generate::run_at(&app.db, &args, Utc::now())
            .await
            .unwrap();
        let entries = changes::page(&app.db, 0, 1_000).await.unwrap().0;
        assert!(
            report.contains(&format!("change log: +{} published", entries.len())),
            "{report}"
        );
        assert!(
            entries
                .iter()
                .all(|c| c.kind == entity::article_change::ChangeKind::Published)
        );
        let logged: HashMap<String, i64> = entries
            .iter()
            .map(|c| {
                (
                    ids::encode(NodeType::Article, c.article_id).to_string(),
                    i64::from(c.version),
                )
            })
            .collect();
        assert_eq!(logged.len(), entries.len(), "one entry per article");
        assert!(logged.len() > 50, "{} published", logged.len());
        assert_eq!(logged, published(&app).await);
        assert_eq!(
            changes::backfill(&app.db, Utc::now()).await.unwrap(),
            0,
            "idempotent"
        );
    }
}

#[tokio::test]
async fn republishing_an_article_that_was_only_scheduled_publishes_it_now() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = token("editor-minh", &["editor"]);
        let partner = token("doi-tac-vtv", &["partner"]);
        let (_, start) = follow_changes(&app, &partner, None, 100).await;
        let created = app
            .data_as(
                &editor,
                CREATE,
                json!({"title": "Lịch tiếp công dân tháng 12"}),
            )
            .await;
        let id = created["createArticle"]["article"]["id"].clone();
        let at = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
        app.data_as(&editor, PUBLISH, json!({"id": id, "version": 1, "at": at}))
            .await;
        app.data_as(&editor, UNPUBLISH, json!({"id": id, "version": 2}))
            .await;
        let live = app
            .data_as(&editor, PUBLISH, json!({"id": id, "version": 3}))
            .await;
        assert_eq!(live["publishArticle"]["article"]["status"], "PUBLISHED");
        let read = app
            .data(
                "query($id: ID!) { article(id: $id) { publishedAt } }",
                json!({"id": id}),
            )
            .await;
        assert_ne!(
            read["article"],
            Value::Null,
            "{backend:?}: live now, not in an hour"
        );
        let (entries, _) = follow_changes(&app, &partner, Some(start), 100).await;
        let kinds: Vec<&str> = entries
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["PUBLISHED"]);
    }
}

#[tokio::test]
async fn a_later_append_waits_until_an_earlier_one_commits() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let rows = article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Published))
            .order_by_asc(article::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        let (p, q) = (rows[0].clone(), rows[1].clone());
        let last = changes::page(&app.db, 0, 100)
            .await
            .unwrap()
            .0
            .last()
            .unwrap()
            .id;
        // Each write as the real ones: a row update first, the append last.
        let touch = |id: i64| {
            article::Entity::update_many()
                .col_expr(
                    article::Column::Version,
                    Expr::col(article::Column::Version),
                )
                .filter(article::Column::Id.eq(id))
        };

        let first_txn = app.db.begin().await.unwrap();
        touch(p.id).exec(&first_txn).await.unwrap();
        let first = changes::record(&first_txn, &p, Utc::now())
            .await
            .unwrap()
            .unwrap();

        let db = app.db.clone();
        let second = tokio::spawn(async move {
            let txn = db.begin().await.unwrap();
            touch(q.id).exec(&txn).await.unwrap();
            let change = changes::record(&txn, &q, Utc::now())
                .await
                .unwrap()
                .unwrap();
            txn.commit().await.unwrap();
            change
        });
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(
            !second.is_finished(),
            "{backend:?}: the second append waits"
        );
        assert!(changes::page(&app.db, last, 10).await.unwrap().0.is_empty());

        first_txn.commit().await.unwrap();
        let second = second.await.unwrap();
        assert!(second.id > first.id);
        let seen: Vec<i64> = changes::page(&app.db, last, 10)
            .await
            .unwrap()
            .0
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(seen, [first.id, second.id]);
    }
}

/// xorshift64*: a seeded generator, so a failing run can be replayed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

const READ: &str = "query($id: ID!) { article(id: $id) { version status } }";

/// One random write on a random article of `pool`; stale versions and
/// moves the workflow refuses are part of the game (`CONFLICT`), and so is
/// an article another writer deleted after it was read (`NOT_FOUND`).
async fn random_write(
    app: &TestApp,
    admin: &str,
    dice: &mut Dice,
    pool: &std::sync::Mutex<Vec<Value>>,
    n: u64,
) {
    let roll = dice.below(100);
    if roll < 12 {
        let title = format!("Tin nhanh số {n} về công tác dân vận");
        let data = app.data_as(admin, CREATE, json!({"title": title})).await;
        pool.lock()
            .unwrap()
            .push(data["createArticle"]["article"]["id"].clone());
        return;
    }
    let id = {
        let pool = pool.lock().unwrap();
        pool[dice.below(pool.len() as u64) as usize].clone()
    };
    let current = app.data_as(admin, READ, json!({"id": id})).await;
    let Some(version) = current["article"]["version"].as_i64() else {
        return; // deleted meanwhile
    };
    let (query, vars) = match roll {
        12..=39 => (
            UPDATE,
            json!({"id": id, "version": version, "title": format!("Cập nhật lần {n}")}),
        ),
        40..=64 => (PUBLISH, json!({"id": id, "version": version})),
        65..=74 => {
            let at = Utc::now() + chrono::Duration::milliseconds(500 + dice.below(1500) as i64);
            (
                PUBLISH,
                json!({"id": id, "version": version, "at": at.to_rfc3339()}),
            )
        }
        75..=94 => (UNPUBLISH, json!({"id": id, "version": version})),
        _ => (DELETE, json!({"id": id, "version": version})),
    };
    let response = app.graphql_as(admin, query, vars).await;
    if response.get("errors").is_some() {
        // Another writer may also have deleted it since it was read.
        let code = first_error_code(&response);
        assert!(code == "CONFLICT" || code == "NOT_FOUND", "{response}");
    }
}

/// A write whose commit comes late: bump the version of a random article,
/// log it, wait a little, then commit. Without the append lock, entries
/// that other writers log meanwhile would commit before this one with
/// higher ids, and a partner reading in between would skip this entry.
async fn slow_write(app: &TestApp, dice: &mut Dice, pool: &std::sync::Mutex<Vec<Value>>) {
    let id = {
        let pool = pool.lock().unwrap();
        let global = pool[dice.below(pool.len() as u64) as usize].clone();
        ids::decode(NodeType::Article, global.as_str().unwrap(), "id").unwrap()
    };
    let txn = app.db.begin().await.unwrap();
    article::Entity::update_many()
        .col_expr(
            article::Column::Version,
            Expr::col(article::Column::Version).add(1),
        )
        .filter(article::Column::Id.eq(id))
        .filter(article::Column::DeletedAt.is_null())
        .exec(&txn)
        .await
        .unwrap();
    let row = article::Entity::find_by_id(id)
        .one(&txn)
        .await
        .unwrap()
        .unwrap();
    changes::record(&txn, &row, Utc::now()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(dice.below(40))).await;
    txn.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_and_a_following_partner_end_with_the_published_set() {
    for backend in backends() {
        let app = std::sync::Arc::new(TestApp::demo(backend).await);
        let seed = std::env::var("SYNC_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
        println!("{backend:?}: SYNC_SEED={seed}");
        let admin = token("admin-ha", &["admin"]);
        let partner = token("doi-tac-vtv", &["partner"]);
        let pool: Vec<Value> = article::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|a| json!(ids::encode(NodeType::Article, a.id).to_string()))
            .collect();
        let pool = std::sync::Arc::new(std::sync::Mutex::new(pool));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

        // The partner follows from the start while the newsroom writes.
        let reader = {
            let (app, partner, done) = (app.clone(), partner.clone(), done.clone());
            tokio::spawn(async move {
                let mut mirror = partner::Mirror::default();
                let mut pages = 0;
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    mirror.step_changes(&app, &partner, 100).await;
                    mirror.step_sync(&app, &partner, 7).await;
                    pages += 1;
                }
                (mirror, pages)
            })
        };
        let writers: Vec<_> = (0..4u64)
            .map(|w| {
                let (app, admin, pool) = (app.clone(), admin.clone(), pool.clone());
                let mut dice = Dice(seed.wrapping_add(w.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
                tokio::spawn(async move {
                    for n in 0..30 {
                        random_write(&app, &admin, &mut dice, &pool, w * 100 + n).await;
                    }
                })
            })
            .collect();
        let slow = {
            let (app, pool) = (app.clone(), pool.clone());
            let mut dice = Dice(seed.rotate_left(17) | 1);
            tokio::spawn(async move {
                for _ in 0..40 {
                    slow_write(&app, &mut dice, &pool).await;
                }
            })
        };
        for writer in writers {
            writer.await.unwrap();
        }
        slow.await.unwrap();
        // Every schedule is due now; the scheduler publishes them.
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        api::workers::scheduler::publish_due(&app.db, Utc::now())
            .await
            .unwrap();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let (mut mirror, pages) = reader.await.unwrap();
        assert!(
            pages > 5,
            "the partner read while the newsroom wrote ({pages} rounds)"
        );
        mirror.catch_up(&app, &partner).await;

        let log: Vec<i64> = changes::page(&app.db, 0, 1_000)
            .await
            .unwrap()
            .0
            .iter()
            .map(|c| c.id)
            .collect();
        assert!(
            log.len() > 42 + 60,
            "{} entries: the writes mostly went through",
            log.len()
        );
        // Nothing skipped, nothing read twice, on either channel.
        for (channel, seen) in [
            ("changes", &mirror.seen_changes),
            ("/v1/sync", &mirror.seen_sync),
        ] {
            let skipped: Vec<&i64> = log.iter().filter(|id| !seen.contains(id)).collect();
            assert_eq!(
                skipped,
                Vec::<&i64>::new(),
                "{backend:?} SYNC_SEED={seed}: {channel} skipped"
            );
            assert_eq!(
                seen, &log,
                "{backend:?} SYNC_SEED={seed}: {channel} read in log order"
            );
        }
        let expected = published(&app).await;
        assert_eq!(
            mirror.by_log, expected,
            "{backend:?} SYNC_SEED={seed}: the log"
        );
        let expected_ninjs: HashMap<String, String> = article::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| Viewer::Anonymous.can_read(a, Utc::now()))
            .map(|a| (api::domain::ninjs::article_uri(a.id), a.version.to_string()))
            .collect();
        assert_eq!(
            mirror.by_ninjs, expected_ninjs,
            "{backend:?} SYNC_SEED={seed}: ninjs"
        );
    }
}
