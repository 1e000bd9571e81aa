//! Live news: GraphQL subscriptions over WebSocket (`graphql-transport-ws`
//! and the legacy `graphql-ws`) and Server-Sent Events, with a real
//! client on a loopback port, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/ws.rs"]
mod ws;

use std::time::{Duration, Instant};

use common::{Replica, TestApp, backends, token};
use serde_json::{Value, json};
use ws::{WsClient, listen};

const CREATE: &str = r#"mutation($input: ArticleInput!) {
    createArticle(input: $input) { article { id version } } }"#;
const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) {
    publishArticle(id: $id, version: $version, publishAt: $at) { article { version } } }";
const UPDATE: &str = "mutation($id: ID!, $version: Int!, $input: ArticleInput!) {
    updateArticle(id: $id, version: $version, input: $input) { article { version } } }";
const UNPUBLISH: &str = "mutation($id: ID!, $version: Int!) {
    unpublishArticle(id: $id, version: $version) { article { version } } }";
const PUBLISHED: &str = "subscription($filter: ArticleFilter) {
    articlePublished(filter: $filter) { id title status section { slug } } }";

fn editor() -> String {
    token("bien-tap-vien", &["editor"])
}

fn input(title: &str, section: &str) -> Value {
    json!({
        "title": title,
        "section": section,
        "lead": "Chiều 27/12, Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2021.",
        "body": [{"paragraph": {"text": "Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng."}}],
    })
}

/// A draft in `section`: (id, version).
async fn draft(app: &TestApp, title: &str, section: &str) -> (Value, i64) {
    let data = app
        .data_as(&editor(), CREATE, json!({"input": input(title, section)}))
        .await;
    let article = &data["createArticle"]["article"];
    (article["id"].clone(), article["version"].as_i64().unwrap())
}

/// Publishes (now, or at `at`); the new version.
async fn publish(app: &TestApp, id: &Value, version: i64, at: Option<&str>) -> i64 {
    let data = app
        .data_as(
            &editor(),
            PUBLISH,
            json!({"id": id, "version": version, "at": at}),
        )
        .await;
    data["publishArticle"]["article"]["version"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_subscriber_hears_of_a_published_article_within_a_second_and_never_of_a_draft() {
    for backend in backends() {
        // Arrange: an anonymous subscriber to everything, one to a section.
        let app = TestApp::demo(backend).await;
        let (addr, server) = listen(app.router.clone()).await;
        let mut all = WsClient::connect(addr, json!({})).await;
        all.subscribe("1", PUBLISHED, json!({})).await;
        let mut economy = WsClient::connect(addr, json!({})).await;
        economy
            .subscribe("e", PUBLISHED, json!({"filter": {"section": "kinh-te"}}))
            .await;
        // Subscriptions start listening once their `subscribe` is read.
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Act: a draft is saved, then an article published in politics,
        // then one in the economy.
        draft(&app, "Bản nháp chưa được duyệt", "thoi-su-chinh-tri").await;
        let (id, version) = draft(
            &app,
            "Hội nghị tổng kết công tác dân vận",
            "thoi-su-chinh-tri",
        )
        .await;
        let started = Instant::now();
        publish(&app, &id, version, None).await;
        let first = all.next_of("1").await;
        let waited = started.elapsed();
        let (id2, version2) = draft(&app, "Kinh tế tỉnh tăng trưởng 8,5%", "kinh-te").await;
        publish(&app, &id2, version2, None).await;

        // Assert: the published article, within a second; no draft ever.
        let article = &first["data"]["articlePublished"];
        assert_eq!(
            article["title"], "Hội nghị tổng kết công tác dân vận",
            "{backend:?}"
        );
        assert_eq!(article["status"], "PUBLISHED");
        assert_eq!(article["id"], id);
        assert!(waited < Duration::from_secs(1), "{backend:?}: {waited:?}");
        let second = all.next_of("1").await;
        assert_eq!(
            second["data"]["articlePublished"]["title"],
            "Kinh tế tỉnh tăng trưởng 8,5%"
        );
        // The section's subscriber heard only of its section.
        let only = economy.next_of("e").await;
        assert_eq!(
            only["data"]["articlePublished"]["section"]["slug"], "kinh-te",
            "{backend:?}"
        );
        assert!(
            all.within(Duration::from_millis(500)).await.is_none(),
            "{backend:?}"
        );
        server.abort();
    }
}

#[tokio::test]
async fn a_scheduled_article_arrives_when_its_time_comes() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (addr, server) = listen(app.router.clone()).await;
        let scheduler = api::workers::scheduler::spawn(
            app.db.clone(),
            Duration::from_millis(200),
            app.state.signals(),
            api::platform::shutdown::Shutdown::new(),
        );
        let mut client = WsClient::connect(addr, json!({})).await;
        client.subscribe("s", PUBLISHED, json!({})).await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Act: scheduled two seconds from now.
        let (id, version) = draft(&app, "Lễ khánh thành cầu Hòa Bình", "thoi-su-chinh-tri").await;
        let due = chrono::Utc::now() + chrono::Duration::seconds(2);
        publish(&app, &id, version, Some(&due.to_rfc3339())).await;

        // Assert: nothing before its time, the article soon after.
        assert!(
            client.within(Duration::from_millis(1500)).await.is_none(),
            "{backend:?}"
        );
        let event = client.next_of("s").await;
        assert!(chrono::Utc::now() >= due, "{backend:?}");
        assert_eq!(
            event["data"]["articlePublished"]["title"],
            "Lễ khánh thành cầu Hòa Bình"
        );
        scheduler.abort();
        server.abort();
    }
}

#[tokio::test]
async fn a_live_article_page_hears_updates_and_the_unpublishing() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (addr, server) = listen(app.router.clone()).await;
        let (id, version) = draft(
            &app,
            "Tường thuật trực tiếp kỳ họp HĐND tỉnh",
            "thoi-su-chinh-tri",
        )
        .await;
        let version = publish(&app, &id, version, None).await;
        let mut page = WsClient::connect(addr, json!({})).await;
        page.subscribe(
            "p",
            "subscription($id: ID!) { articleUpdated(id: $id) { kind articleId version article { title } } }",
            json!({"id": id}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Act: an update, then (once the page has shown it) the article
        // is taken down. An event carries the article as it is when the
        // replica reads the entry: an update read after the unpublishing
        // comes with `article: null`.
        let data = app
            .data_as(
                &editor(),
                UPDATE,
                json!({"id": id, "version": version,
                       "input": input("Kỳ họp HĐND tỉnh: cập nhật lúc 10 giờ", "thoi-su-chinh-tri")}),
            )
            .await;
        let version = data["updateArticle"]["article"]["version"]
            .as_i64()
            .unwrap();
        let updated = page.next_of("p").await;
        app.data_as(&editor(), UNPUBLISH, json!({"id": id, "version": version}))
            .await;

        // Assert
        assert_eq!(
            updated["data"]["articleUpdated"]["kind"], "UPDATED",
            "{backend:?}"
        );
        assert_eq!(
            updated["data"]["articleUpdated"]["article"]["title"],
            "Kỳ họp HĐND tỉnh: cập nhật lúc 10 giờ"
        );
        let gone = page.next_of("p").await;
        assert_eq!(
            gone["data"]["articleUpdated"]["kind"], "UNPUBLISHED",
            "{backend:?}"
        );
        assert_eq!(gone["data"]["articleUpdated"]["article"], Value::Null);
        assert_eq!(gone["data"]["articleUpdated"]["articleId"], id);

        // A draft cannot be followed by an anonymous reader.
        let (hidden, _) = draft(&app, "Bản nháp bí mật", "thoi-su-chinh-tri").await;
        page.subscribe(
            "h",
            "subscription($id: ID!) { articleUpdated(id: $id) { kind } }",
            json!({"id": hidden}),
        )
        .await;
        let refused = page.next_of("h").await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{refused}"
        );
        server.abort();
    }
}

#[tokio::test]
async fn a_partners_change_stream_after_a_catch_up_has_no_gap_and_no_duplicate() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (addr, server) = listen(app.router.clone()).await;
        // The partner caught up by query and stored the cursor.
        let partner = token("doi-tac-vtv", &["partner"]);
        let page = app
            .data_as(
                &partner,
                "{ changes(first: 100) { pageInfo { endCursor } } }",
                json!({}),
            )
            .await;
        let cursor = page["changes"]["pageInfo"]["endCursor"].clone();
        // Articles in the log after the cursor, before the stream opens.
        for n in 0..3 {
            let (id, version) =
                draft(&app, &format!("Tin trước khi nối lại số {n}"), "kinh-te").await;
            publish(&app, &id, version, None).await;
        }
        let mut stream =
            WsClient::connect(addr, json!({"Authorization": format!("Bearer {partner}")})).await;
        stream
            .subscribe(
                "c",
                "subscription($after: String) { changes(after: $after) { id cursor kind articleId } }",
                json!({"after": cursor}),
            )
            .await;

        // Act: four writers publish at once while the stream runs.
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let app = &app;
                async move {
                    for n in 0..3 {
                        let (id, version) = draft(
                            app,
                            &format!("Người viết {w}, tin số {n}"),
                            "thoi-su-chinh-tri",
                        )
                        .await;
                        publish(app, &id, version, None).await;
                    }
                }
            })
            .collect();
        futures_util::future::join_all(writers).await;

        // Assert: exactly the log's entries after the cursor, in order.
        let expected: Vec<i64> = {
            use entity::article_change;
            use sea_orm::{EntityTrait, QueryOrder};
            let all = article_change::Entity::find()
                .order_by_asc(article_change::Column::Id)
                .all(&app.db)
                .await
                .unwrap();
            let after =
                api::domain::changes::decode_cursor(cursor.as_str().unwrap(), "after").unwrap();
            all.into_iter()
                .map(|c| c.id)
                .filter(|id| *id > after)
                .collect()
        };
        assert_eq!(expected.len(), 15, "{backend:?}");
        let mut heard = Vec::new();
        while heard.len() < expected.len() {
            let event = stream.next_of("c").await;
            heard.push(
                event["data"]["changes"]["id"]
                    .as_str()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap(),
            );
        }
        assert_eq!(heard, expected, "{backend:?}");
        assert!(stream.within(Duration::from_millis(500)).await.is_none());

        // Anonymous readers may not follow the log.
        let mut anonymous = WsClient::connect(addr, json!({})).await;
        anonymous
            .subscribe("c", "subscription { changes { id } }", json!({}))
            .await;
        let refused = anonymous.next_of("c").await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{refused}"
        );
        server.abort();
    }
}

#[tokio::test]
async fn a_write_on_one_replica_reaches_a_subscriber_on_another() {
    for backend in backends() {
        // Two replicas over one database: on PostgreSQL they hear each
        // other through LISTEN/NOTIFY; on SQLite the second one reads the
        // log every second.
        let app = TestApp::demo(backend).await;
        let other = Replica::of(&app, |_| {}).await;
        let (addr, server) = listen(other.router.clone()).await;
        let mut client = WsClient::connect(addr, json!({})).await;
        client.subscribe("r", PUBLISHED, json!({})).await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        let (id, version) = draft(&app, "Tin từ bản sao thứ nhất", "thoi-su-chinh-tri").await;
        let started = Instant::now();
        publish(&app, &id, version, None).await;
        let event = client.next_of("r").await;
        let waited = started.elapsed();

        assert_eq!(
            event["data"]["articlePublished"]["title"],
            "Tin từ bản sao thứ nhất"
        );
        let bound = match backend {
            common::Backend::Postgres => Duration::from_millis(500),
            common::Backend::Sqlite => Duration::from_millis(1500),
        };
        assert!(waited < bound, "{backend:?}: {waited:?}");
        server.abort();
    }
}

#[tokio::test]
async fn server_sent_events_carry_a_subscription() {
    for backend in backends() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let app = TestApp::demo(backend).await;
        let (addr, server) = listen(app.router.clone()).await;
        let client = reqwest::Client::new();
        let mut response = client
            .post(format!("http://{addr}/graphql"))
            .header("accept", "text/event-stream")
            .header("content-type", "application/json")
            .body(json!({"query": "subscription { articlePublished { title } }"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        tokio::time::sleep(Duration::from_millis(300)).await;

        let (id, version) =
            draft(&app, "Tin nóng qua Server-Sent Events", "thoi-su-chinh-tri").await;
        publish(&app, &id, version, None).await;

        let mut text = String::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !text.contains("\n\n") || !text.contains("event: next") {
            let chunk = tokio::time::timeout_at(deadline.into(), response.chunk())
                .await
                .expect("an event in time")
                .unwrap()
                .expect("the stream stays open");
            text.push_str(std::str::from_utf8(&chunk).unwrap());
        }
        let data = text
            .lines()
            .find_map(|line| line.strip_prefix("data: "))
            .expect("a data line");
        let event: Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            event["data"]["articlePublished"]["title"], "Tin nóng qua Server-Sent Events",
            "{backend:?}"
        );
        server.abort();
    }
}

#[tokio::test]
async fn live_connections_are_bounded_and_refuse_what_queries_refuse() {
    let backend = backends()[0];
    let app = TestApp::demo_with(backend, |config| {
        config.live.subscriptions_max_per_connection = 2;
        config.live.subscriptions_max_per_client = 3;
        config.live.subscriptions_keepalive_secs = 1;
        config.live.subscriptions_idle_secs = 2;
        config.graphql_max_depth = 6;
    })
    .await;
    let (addr, server) = listen(app.router.clone()).await;

    // A token that does not verify closes the connection with 4403.
    let mut forged = WsClient::open(addr, Some("graphql-transport-ws")).await;
    forged
        .init(json!({"Authorization": "Bearer not.a.token"}))
        .await;
    let closed = forged.next_or_close().await.unwrap_err();
    assert_eq!(closed.code, 4403, "{closed:?}");

    // Two subscriptions per connection: of three sent at once (the server
    // starts them in any order), one is refused with a code.
    let mut client = WsClient::connect(addr, json!({})).await;
    client.subscribe("1", PUBLISHED, json!({})).await;
    client.subscribe("2", PUBLISHED, json!({})).await;
    client.subscribe("3", PUBLISHED, json!({})).await;
    let refused = client.next().await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS",
        "{refused}"
    );
    let done = client.next().await.unwrap();
    assert_eq!(done["type"], "complete");
    assert_eq!(done["id"], refused["id"]);

    // The depth limit of queries applies to a subscription's selection
    // (once one of the two running ones is completed).
    let running = ["1", "2", "3"]
        .into_iter()
        .find(|id| refused["id"] != *id)
        .unwrap();
    client
        .send(json!({"type": "complete", "id": running}))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    client
        .subscribe(
            "deep",
            "subscription { articlePublished { section { parent { parent { parent { parent { parent { name } } } } } } } }",
            json!({}),
        )
        .await;
    let deep = client.next_of("deep").await;
    assert_eq!(
        deep["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{deep}"
    );

    // Mutations go over POST, where the caches hear of them.
    client
        .subscribe(
            "m",
            "mutation { createTag(input: {name: \"Thử\"}) { tag { slug } } }",
            json!({}),
        )
        .await;
    let mutation = client.next_of("m").await;
    assert_eq!(
        mutation["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{mutation}"
    );

    // Three connections per client: the fourth upgrade is refused (the
    // forged one is closed already; `client` is the first).
    let _second = WsClient::connect(addr, json!({})).await;
    let _third = WsClient::connect(addr, json!({})).await;
    let status = WsClient::try_open(addr, Some("graphql-transport-ws"), &[])
        .await
        .err();
    assert_eq!(status, Some(429));

    // A connection without a subscription is closed when idle.
    let mut idle = _second;
    let closed = loop {
        match idle.within(Duration::from_secs(5)).await {
            Some(Err(closed)) => break closed,
            Some(Ok(_)) => continue,
            None => panic!("the idle connection stayed open"),
        }
    };
    assert_eq!(closed.code, 4000, "{closed:?}");
    server.abort();
}

#[tokio::test]
async fn the_legacy_subprotocol_and_an_init_that_never_comes() {
    let backend = backends()[0];
    let app = TestApp::demo(backend).await;
    let (addr, server) = listen(app.router.clone()).await;

    // subscriptions-transport-ws ("graphql-ws"): start, data.
    let mut legacy = WsClient::open(addr, Some("graphql-ws")).await;
    legacy.init(json!({})).await;
    assert_eq!(legacy.next().await.unwrap()["type"], "connection_ack");
    legacy
        .send(json!({"type": "start", "id": "1", "payload": {"query": "subscription { articlePublished { title } }"}}))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (id, version) = draft(&app, "Tin cho ứng dụng cũ", "thoi-su-chinh-tri").await;
    publish(&app, &id, version, None).await;
    let data = legacy.next().await.unwrap();
    assert_eq!(data["type"], "data", "{data}");
    assert_eq!(
        data["payload"]["data"]["articlePublished"]["title"],
        "Tin cho ứng dụng cũ"
    );

    // No connection_init within 10 seconds: 4408.
    let mut silent = WsClient::open(addr, Some("graphql-transport-ws")).await;
    let closed = loop {
        match silent.within(Duration::from_secs(12)).await {
            Some(Err(closed)) => break closed,
            Some(Ok(_)) => continue,
            None => panic!("the connection waited forever for its init"),
        }
    };
    assert_eq!(closed.code, 4408, "{closed:?}");
    server.abort();
}
