//! Webhooks: admin management, signed deliveries from the transactional
//! outbox to a real local endpoint, per-article order, retries after
//! 500s, timeouts and refused connections, FAILED after the retry window,
//! replay, scheduled publications, and delivery after a restart; targets
//! inside the network refused at registration and at connection.
//!
//! The receivers listen on 127.0.0.1, so these apps run with
//! `WEBHOOK_ALLOW_PRIVATE=on` ([`local`]), except where refusing is tested.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/receiver.rs"]
mod receiver;

use std::time::Duration;

use api::{
    platform::ids::{self, NodeType},
    workers::webhooks::{Settings, Worker},
};
use common::{Backend, SEED_SLUG, TestApp, backends, first_error_code, token};
use entity::{
    article,
    webhook_delivery::{self, DeliveryStatus},
};
use receiver::{Answer, Receiver, eventually, signature_ok};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const CREATE_HOOK: &str = "mutation($url: String!, $events: [WebhookEvent!]!, $secret: String) {
    createWebhook(url: $url, events: $events, secret: $secret) {
      secret webhook { id url events enabled createdBy } } }";
const LIST: &str = "{ webhooks { totalCount nodes { id url events enabled } } }";
const DELIVERIES: &str = "query($webhook: ID, $status: DeliveryStatus) {
    webhookDeliveries(webhook: $webhook, status: $status) { totalCount nodes {
      id eventId event status attempts lastStatusCode lastError articleId } } }";
const UPDATE: &str = "mutation($id: ID!, $version: Int!, $title: String!) {
    updateArticle(id: $id, version: $version, input: {title: $title}) { article { version } } }";
const UNPUBLISH: &str = "mutation($id: ID!, $version: Int!) {
    unpublishArticle(id: $id, version: $version) { article { version } } }";
const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) {
    publishArticle(id: $id, version: $version, publishAt: $at) { article { version status } } }";
const DELETE: &str =
    "mutation($id: ID!, $version: Int!) { deleteArticle(id: $id, version: $version) { id } }";
const ALL: [&str; 4] = [
    "ARTICLE_PUBLISHED",
    "ARTICLE_UPDATED",
    "ARTICLE_UNPUBLISHED",
    "ARTICLE_DELETED",
];

fn admin() -> String {
    token("admin-hoa", &["admin"])
}

fn editor() -> String {
    token("editor-minh", &["editor"])
}

/// A worker that polls every 25 ms, waits 1 s for answers and retries
/// after a few milliseconds.
fn fast() -> Settings {
    Settings {
        poll: Duration::from_millis(25),
        timeout: Duration::from_secs(1),
        retry_base: Duration::from_millis(20),
        retry_window: Duration::from_secs(3600),
        lease: Duration::from_secs(5),
        allow_private: true,
        retention: None,
        max_in_flight: 64,
        per_endpoint: 8,
    }
}

/// The demo newsroom with `WEBHOOK_ALLOW_PRIVATE=on`, for receivers on
/// 127.0.0.1.
async fn local(backend: Backend) -> TestApp {
    TestApp::demo_with(backend, |config| config.webhook_allow_private = true).await
}

fn worker(db: &DatabaseConnection, settings: Settings) -> tokio::task::JoinHandle<()> {
    Worker::new(db.clone(), settings).unwrap().spawn()
}

/// Registers `url` for `events`: (global id, secret).
async fn register(app: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let data = app
        .data_as(
            &admin(),
            CREATE_HOOK,
            json!({ "url": url, "events": events }),
        )
        .await;
    let created = &data["createWebhook"];
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// The seed article: (global id, version).
async fn seed(app: &TestApp) -> (String, i64) {
    let row = article::Entity::find()
        .filter(article::Column::Slug.eq(SEED_SLUG))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (
        ids::encode(NodeType::Article, row.id).to_string(),
        i64::from(row.version),
    )
}

async fn outbox(db: &DatabaseConnection) -> Vec<webhook_delivery::Model> {
    webhook_delivery::Entity::find()
        .order_by_asc(webhook_delivery::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Runs `query` as the editor-in-chief (editor and admin: deleting is an
/// admin's job) and returns the new article version.
async fn write(app: &TestApp, query: &str, vars: Value) -> i64 {
    let chief = token("tong-bien-tap", &["editor", "admin"]);
    let data = app.data_as(&chief, query, vars).await;
    let payload = data.as_object().unwrap().values().next().unwrap();
    payload["article"]["version"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_input_is_checked() {
    for backend in backends() {
        let app = local(backend).await;
        let vars =
            json!({ "url": "https://doitac.example/hooks", "events": ["ARTICLE_PUBLISHED"] });
        assert_eq!(
            first_error_code(&app.graphql(CREATE_HOOK, vars.clone()).await),
            "UNAUTHENTICATED"
        );
        for role in ["editor", "partner", "writer"] {
            let refused = app
                .graphql_as(&token("ai-do", &[role]), CREATE_HOOK, vars.clone())
                .await;
            assert_eq!(first_error_code(&refused), "FORBIDDEN", "{role}");
            let listing = app
                .graphql_as(&token("ai-do", &[role]), LIST, json!({}))
                .await;
            assert_eq!(first_error_code(&listing), "FORBIDDEN", "{role}");
        }
        for (url, events, secret) in [
            (
                "ftp://doitac.example/hooks",
                json!(["ARTICLE_PUBLISHED"]),
                None,
            ),
            ("không phải địa chỉ", json!(["ARTICLE_PUBLISHED"]), None),
            ("https://doitac.example/hooks", json!([]), None),
            (
                "https://doitac.example/hooks",
                json!(["ARTICLE_DELETED"]),
                Some("ngắn"),
            ),
        ] {
            let bad = app
                .graphql_as(
                    &admin(),
                    CREATE_HOOK,
                    json!({ "url": url, "events": events, "secret": secret }),
                )
                .await;
            assert_eq!(first_error_code(&bad), "BAD_USER_INPUT", "{url} {events}");
        }
        let unknown = app
            .graphql_as(
                &admin(),
                CREATE_HOOK,
                json!({ "url": "https://a.example/", "events": ["ARTICLE_READ"] }),
            )
            .await;
        assert!(unknown["errors"].is_array());

        let data = app.data_as(&admin(), CREATE_HOOK, vars.clone()).await;
        let created = &data["createWebhook"];
        assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
        assert_eq!(created["webhook"]["events"], json!(["ARTICLE_PUBLISHED"]));
        assert_eq!(created["webhook"]["createdBy"], "admin-hoa");
        let chosen = app
            .data_as(&admin(), CREATE_HOOK, json!({ "url": "http://127.0.0.1:9/h",
                "events": ["ARTICLE_DELETED", "ARTICLE_UPDATED"], "secret": "bí-mật-của-đối-tác-2026" }))
            .await;
        assert_eq!(chosen["createWebhook"]["secret"], "bí-mật-của-đối-tác-2026");
        // The secret is never listed.
        let secretive = app
            .graphql_as(&admin(), "{ webhooks { nodes { secret } } }", json!({}))
            .await;
        assert!(secretive["errors"].is_array());

        let id = created["webhook"]["id"].as_str().unwrap();
        let off = app
            .data_as(
                &admin(),
                "mutation($id: ID!) { disableWebhook(id: $id) { webhook { enabled } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(off["disableWebhook"]["webhook"]["enabled"], false);
        let gone = app
            .data_as(
                &admin(),
                "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(gone["deleteWebhook"]["id"], id);
        let list = app.data_as(&admin(), LIST, json!({})).await;
        assert_eq!(list["webhooks"]["totalCount"], 1);
        assert_eq!(
            list["webhooks"]["nodes"][0]["events"],
            json!(["ARTICLE_UPDATED", "ARTICLE_DELETED"])
        );
        let again = app
            .graphql_as(
                &admin(),
                "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(first_error_code(&again), "NOT_FOUND");
        let garbage = app
            .graphql_as(
                &admin(),
                "mutation { replayWebhookDelivery(id: \"xyz\") { delivery { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(first_error_code(&garbage), "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn signed_deliveries_follow_each_article_in_order() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        // The first attempt fails: later events must wait for its retry.
        endpoint.script(&[Answer::Status(500)]);
        let (hook, secret) = register(&app, &endpoint.url(), &ALL).await;
        let deletions = Receiver::start().await;
        let (_, _) = register(&app, &deletions.url(), &["ARTICLE_DELETED"]).await;
        let off = Receiver::start().await;
        let (off_id, _) = register(&app, &off.url(), &ALL).await;
        app.data_as(
            &admin(),
            "mutation($id: ID!) { disableWebhook(id: $id) { webhook { id } } }",
            json!({ "id": off_id }),
        )
        .await;

        let (id, v) = seed(&app).await;
        let v = write(&app, UPDATE, json!({ "id": id, "version": v, "title": "Ký kết chương trình phối hợp giai đoạn 2021–2026" })).await;
        // A stale write rolls back: no change, no delivery.
        let stale = app
            .graphql_as(
                &editor(),
                UPDATE,
                json!({ "id": id, "version": v - 1, "title": "Cũ" }),
            )
            .await;
        assert_eq!(first_error_code(&stale), "CONFLICT");
        let v = write(&app, UNPUBLISH, json!({ "id": id, "version": v })).await;
        let v = write(&app, PUBLISH, json!({ "id": id, "version": v })).await;
        write(&app, DELETE, json!({ "id": id, "version": v })).await;
        assert_eq!(
            outbox(&app.db).await.len(),
            5,
            "4 events to the first endpoint, 1 to the second"
        );
        assert!(
            endpoint.received().is_empty(),
            "nothing is sent before the worker runs"
        );

        let running = worker(&app.db, fast());
        eventually("every event delivered", || async {
            outbox(&app.db)
                .await
                .iter()
                .all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        running.abort();

        let expected = [
            "article.updated",
            "article.unpublished",
            "article.published",
            "article.deleted",
        ];
        let accepted = endpoint.accepted();
        let events: Vec<String> = accepted
            .iter()
            .map(|r| r.json()["event"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            events, expected,
            "in log order, despite the failed first attempt"
        );
        assert_eq!(endpoint.received().len(), 5, "one retry");
        assert_eq!(
            endpoint.received()[0].json(),
            accepted[0].json(),
            "the retry is the same event"
        );
        let mut seqs = Vec::new();
        for request in &accepted {
            let body = request.json();
            assert!(signature_ok(
                &secret,
                request.header("toasoan-signature"),
                &request.body
            ));
            assert!(!signature_ok(
                "whsec_wrong",
                request.header("toasoan-signature"),
                &request.body
            ));
            assert_eq!(request.header("content-type"), "application/json");
            assert_eq!(request.header("toasoan-event"), body["event"]);
            assert_eq!(request.header("toasoan-delivery"), body["id"]);
            assert_eq!(body["change"]["articleId"], id);
            assert_eq!(body["change"]["slug"], SEED_SLUG);
            seqs.push(body["change"]["seq"].as_i64().unwrap());
        }
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        assert_eq!(accepted[3].json()["change"]["kind"], "DELETED");
        let ids: std::collections::HashSet<String> = accepted
            .iter()
            .map(|r| r.header("toasoan-delivery").to_owned())
            .collect();
        assert_eq!(ids.len(), 4, "one event id per event");
        assert_eq!(deletions.accepted()[0].json()["event"], "article.deleted");
        assert!(
            off.received().is_empty(),
            "a disabled endpoint gets nothing"
        );

        let listed = app
            .data_as(&admin(), DELIVERIES, json!({ "webhook": hook }))
            .await;
        let nodes = listed["webhookDeliveries"]["nodes"].as_array().unwrap();
        assert_eq!(listed["webhookDeliveries"]["totalCount"], 4);
        assert_eq!(nodes[0]["event"], "ARTICLE_DELETED", "newest first");
        assert!(
            nodes
                .iter()
                .all(|n| n["status"] == "DELIVERED" && n["lastStatusCode"] == 200)
        );
        assert_eq!(nodes[3]["attempts"], 2);
    }
}

#[tokio::test]
async fn retries_after_errors_timeouts_and_refused_connections() {
    for backend in backends() {
        let app = local(backend).await;
        let flaky = Receiver::start().await;
        flaky.script(&[
            Answer::Status(503),
            Answer::Hang(Duration::from_secs(3)),
            Answer::Status(404),
        ]);
        register(&app, &flaky.url(), &["ARTICLE_UPDATED"]).await;
        // Nothing listens on this port yet.
        let parked = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dead_addr = parked.local_addr().unwrap();
        drop(parked);
        register(
            &app,
            &format!("http://{dead_addr}/hooks"),
            &["ARTICLE_UPDATED"],
        )
        .await;

        let (id, v) = seed(&app).await;
        write(
            &app,
            UPDATE,
            json!({ "id": id, "version": v, "title": "Hội nghị ký kết chương trình phối hợp" }),
        )
        .await;
        let running = worker(&app.db, fast());
        eventually("the flaky endpoint's delivery is DELIVERED", || async {
            outbox(&app.db).await[0].status == DeliveryStatus::Delivered
        })
        .await;
        let rows = outbox(&app.db).await;
        eventually("the dead endpoint failed twice", || async {
            let rows = outbox(&app.db).await;
            rows[1].attempts >= 2
        })
        .await;
        let dead = &outbox(&app.db).await[1];
        assert_eq!(dead.status, DeliveryStatus::Pending);
        assert_eq!(dead.last_status_code, None);
        assert!(
            dead.last_error.as_deref().unwrap().contains("refused"),
            "{:?}",
            dead.last_error
        );

        // The endpoint comes up: the retries reach it.
        let revived = Receiver::on(tokio::net::TcpListener::bind(dead_addr).await.unwrap());
        eventually("the revived endpoint gets it", || async {
            outbox(&app.db).await[1].status == DeliveryStatus::Delivered
        })
        .await;
        assert_eq!(revived.accepted().len(), 1);
        running.abort();

        let flaky_row = webhook_delivery::Entity::find_by_id(rows[0].id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        // 503, timeout, 404, then the hung request's late 200 is never read:
        // the 200 recorded is the fourth attempt's.
        let answered: Vec<u16> = flaky.received().iter().map(|r| r.answered).collect();
        assert_eq!(answered, [503, 200, 404, 200]);
        assert_eq!(flaky_row.attempts, 4);
        assert_eq!(flaky_row.status, DeliveryStatus::Delivered);
        let same: Vec<String> = flaky
            .received()
            .iter()
            .map(|r| r.header("toasoan-delivery").to_owned())
            .collect();
        assert!(same.iter().all(|e| *e == flaky_row.event_id));
    }
}

#[tokio::test]
async fn failing_deliveries_end_failed_and_can_be_replayed() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        endpoint.script(&[Answer::Status(500); 200]);
        let (hook, secret) = register(&app, &endpoint.url(), &["ARTICLE_UPDATED"]).await;
        let (id, v) = seed(&app).await;
        write(
            &app,
            UPDATE,
            json!({ "id": id, "version": v, "title": "Tiêu đề mới của bài viết" }),
        )
        .await;

        // The window runs from the write: long enough for a few retries
        // even when a loaded machine starts the worker late, short enough
        // for the test.
        let short = Settings {
            retry_window: Duration::from_secs(2),
            ..fast()
        };
        let running = worker(&app.db, short);
        eventually("the delivery is FAILED", || async {
            outbox(&app.db).await[0].status == DeliveryStatus::Failed
        })
        .await;
        running.abort();
        let failed = app
            .data_as(&admin(), DELIVERIES, json!({ "status": "FAILED" }))
            .await;
        let node = &failed["webhookDeliveries"]["nodes"][0];
        assert_eq!(failed["webhookDeliveries"]["totalCount"], 1);
        assert_eq!(node["lastStatusCode"], 500);
        assert!(
            node["attempts"].as_i64().unwrap() >= 2,
            "retried before giving up: {node}"
        );
        let tries = endpoint.received().len();
        let pending = app
            .data_as(
                &admin(),
                DELIVERIES,
                json!({ "status": "PENDING", "webhook": hook }),
            )
            .await;
        assert_eq!(pending["webhookDeliveries"]["totalCount"], 0);

        // The partner fixed their endpoint; an admin replays.
        endpoint.clear_script();
        let replay = "mutation($id: ID!) { replayWebhookDelivery(id: $id) { delivery { status attempts } } }";
        let forbidden = app
            .graphql_as(&editor(), replay, json!({ "id": node["id"] }))
            .await;
        assert_eq!(first_error_code(&forbidden), "FORBIDDEN");
        let replayed = app
            .data_as(&admin(), replay, json!({ "id": node["id"] }))
            .await;
        assert_eq!(
            replayed["replayWebhookDelivery"]["delivery"],
            json!({ "status": "PENDING", "attempts": 0 })
        );
        let running = worker(&app.db, fast());
        eventually("the replay is delivered", || async {
            outbox(&app.db).await[0].status == DeliveryStatus::Delivered
        })
        .await;
        running.abort();
        assert_eq!(
            endpoint.received().len(),
            tries + 1,
            "one more request: the replay"
        );
        let request = &endpoint.accepted()[0];
        assert_eq!(request.header("toasoan-delivery"), node["eventId"]);
        assert!(signature_ok(
            &secret,
            request.header("toasoan-signature"),
            &request.body
        ));
    }
}

#[tokio::test]
async fn the_outbox_survives_a_crashed_worker_and_a_restart() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        endpoint.script(&[Answer::Hang(Duration::from_secs(30))]);
        let (_, secret) = register(&app, &endpoint.url(), &ALL).await;
        let (id, v) = seed(&app).await;
        let v = write(
            &app,
            UPDATE,
            json!({ "id": id, "version": v, "title": "Bản tin trước khi máy chủ sập" }),
        )
        .await;
        // A worker claims the first event, then dies mid-request.
        let doomed = Settings {
            timeout: Duration::from_secs(20),
            lease: Duration::from_millis(600),
            ..fast()
        };
        let crashed = worker(&app.db, doomed);
        eventually("the doomed worker sends", || async {
            endpoint.received().len() == 1
        })
        .await;
        crashed.abort();
        // More changes while no worker runs: they wait in the outbox.
        write(&app, UNPUBLISH, json!({ "id": id, "version": v })).await;
        let rows = outbox(&app.db).await;
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .all(|r| r.status == DeliveryStatus::Pending && r.attempts == 0)
        );

        // A new process: its own connection, its own worker.
        let restarted = api::platform::db::connect(&app.url, 2).await.unwrap();
        let running = worker(&restarted, fast());
        eventually("both events delivered after the restart", || async {
            outbox(&app.db)
                .await
                .iter()
                .all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        running.abort();
        let received = endpoint.received();
        assert_eq!(
            received.len(),
            3,
            "the lost attempt is sent again, then the next event"
        );
        assert_eq!(
            received[0].body, received[1].body,
            "at least once, same event id"
        );
        let events: Vec<Value> = received.iter().map(|r| r.json()["event"].clone()).collect();
        assert_eq!(
            events,
            ["article.updated", "article.updated", "article.unpublished"]
        );
        assert!(received.iter().all(|r| signature_ok(
            &secret,
            r.header("toasoan-signature"),
            &r.body
        )));
    }
}

#[tokio::test]
async fn scheduled_publications_fire_when_they_become_due() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        register(&app, &endpoint.url(), &["ARTICLE_PUBLISHED"]).await;
        let (id, v) = seed(&app).await;
        let v = write(&app, UNPUBLISH, json!({ "id": id, "version": v })).await;
        let at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
        let data = app
            .data_as(
                &editor(),
                PUBLISH,
                json!({ "id": id, "version": v, "at": at }),
            )
            .await;
        assert_eq!(data["publishArticle"]["article"]["status"], "SCHEDULED");
        assert_eq!(
            api::workers::scheduler::publish_due(&app.db, chrono::Utc::now())
                .await
                .unwrap(),
            0
        );
        assert!(outbox(&app.db).await.is_empty(), "not due, not announced");

        let running = worker(&app.db, fast());
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert_eq!(
            api::workers::scheduler::publish_due(&app.db, chrono::Utc::now())
                .await
                .unwrap(),
            1
        );
        eventually("the publication is delivered", || async {
            outbox(&app.db)
                .await
                .first()
                .is_some_and(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        running.abort();
        let body = endpoint.accepted()[0].json();
        assert_eq!(body["event"], "article.published");
        assert_eq!(body["change"]["articleId"], id);
        assert_eq!(outbox(&app.db).await.len(), 1);
    }
}

#[tokio::test]
async fn two_workers_share_the_outbox_without_sending_twice() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        register(&app, &endpoint.url(), &["ARTICLE_UPDATED"]).await;
        // Twelve public articles (as readers see them).
        let list = app
            .data(
                "{ articles(first: 12) { nodes { id version } } }",
                json!({}),
            )
            .await;
        for node in list["articles"]["nodes"].as_array().unwrap() {
            write(
                &app,
                UPDATE,
                json!({ "id": node["id"], "version": node["version"],
                "title": "Cập nhật đồng loạt các bài viết" }),
            )
            .await;
        }
        assert_eq!(outbox(&app.db).await.len(), 12);
        // Two replicas, each with its own connection pool.
        let other = api::platform::db::connect(&app.url, 2).await.unwrap();
        let (a, b) = (worker(&app.db, fast()), worker(&other, fast()));
        eventually("all delivered", || async {
            outbox(&app.db)
                .await
                .iter()
                .all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        a.abort();
        b.abort();
        let mut ids: Vec<String> = endpoint
            .received()
            .iter()
            .map(|r| r.header("toasoan-delivery").to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(endpoint.received().len(), 12, "each event sent once");
        assert_eq!(ids.len(), 12);
    }
}

/// Targets inside the network, as literals (IPv4, IPv6, IPv4-mapped,
/// decimal) and as names that are loopback.
const INSIDE: [&str; 17] = [
    "http://127.0.0.1:8081/hooks",
    "http://2130706433/hooks",
    "http://10.0.0.5/hooks",
    "http://172.16.3.4/hooks",
    "http://192.168.1.10/hooks",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hooks",
    "http://0.0.0.0:8080/hooks",
    "http://224.0.0.1/hooks",
    "http://[::1]:8081/hooks",
    "http://[fe80::1]/hooks",
    "http://[fc00::1]/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[::]/hooks",
    "http://localhost:8081/hooks",
    "https://hooks.localhost/hooks",
    "http://LOCALHOST./hooks",
];

#[tokio::test]
async fn targets_inside_the_network_are_refused_at_registration() {
    for backend in backends() {
        // WEBHOOK_ALLOW_PRIVATE off, the default.
        let app = TestApp::demo(backend).await;
        for url in INSIDE {
            let refused = app
                .graphql_as(
                    &admin(),
                    CREATE_HOOK,
                    json!({ "url": url, "events": ["ARTICLE_PUBLISHED"] }),
                )
                .await;
            assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{url}");
            assert_eq!(refused["errors"][0]["extensions"]["field"], "url", "{url}");
            assert!(refused["data"].is_null(), "{url}: {refused}");
        }
        let list = app.data_as(&admin(), LIST, json!({})).await;
        assert_eq!(list["webhooks"]["totalCount"], 0, "nothing was registered");

        // A public address is fine (and nothing connects to it: no worker
        // runs, and registering does not reach out).
        let (_, _) = register(&app, "http://93.184.216.34/hooks", &["ARTICLE_PUBLISHED"]).await;
        let list = app.data_as(&admin(), LIST, json!({})).await;
        assert_eq!(
            list["webhooks"]["nodes"][0]["url"],
            "http://93.184.216.34/hooks"
        );
    }
}

#[tokio::test]
async fn allowing_private_targets_accepts_them() {
    for backend in backends() {
        let app = local(backend).await;
        for url in INSIDE {
            register(&app, url, &["ARTICLE_PUBLISHED"]).await;
        }
        let list = app.data_as(&admin(), LIST, json!({})).await;
        assert_eq!(list["webhooks"]["totalCount"], INSIDE.len());
    }
}

#[tokio::test]
async fn deliveries_to_targets_inside_the_network_never_connect() {
    for backend in backends() {
        // Registered while private targets were allowed (or before the
        // name pointed inside); delivered by a worker that refuses them.
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        let port = endpoint.addr.port();
        let by_name = format!("http://localhost:{port}/hooks");
        let by_literal = format!("http://127.0.0.1:{port}/hooks");
        let by_v6_mapped = format!("http://[::ffff:127.0.0.1]:{port}/hooks");
        for url in [&by_name, &by_literal, &by_v6_mapped] {
            register(&app, url, &["ARTICLE_UPDATED"]).await;
        }
        let (id, v) = seed(&app).await;
        write(
            &app,
            UPDATE,
            json!({ "id": id, "version": v, "title": "Tiêu đề mới" }),
        )
        .await;

        let guarded = Settings {
            allow_private: false,
            ..fast()
        };
        let running = worker(&app.db, guarded);
        eventually("each delivery attempted twice", || async {
            let rows = outbox(&app.db).await;
            rows.len() == 3 && rows.iter().all(|r| r.attempts >= 2)
        })
        .await;
        running.abort();

        assert!(
            endpoint.received().is_empty(),
            "the receiver on 127.0.0.1 heard nothing"
        );
        for row in outbox(&app.db).await {
            assert_eq!(
                row.status,
                DeliveryStatus::Pending,
                "retried like any failure"
            );
            assert_eq!(row.last_status_code, None);
            let error = row.last_error.unwrap_or_default();
            assert!(error.contains("loopback"), "{error}");
        }

        // The same endpoints, allowed again: they were reachable all along.
        let running = worker(&app.db, fast());
        eventually("delivered once allowed", || async {
            outbox(&app.db)
                .await
                .iter()
                .all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        running.abort();
        assert_eq!(endpoint.accepted().len(), 3);
    }
}
