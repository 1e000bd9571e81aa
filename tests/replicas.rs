//! Three `toasoan serve` processes started at once on one fresh
//! PostgreSQL database, as replicas behind a load balancer: all become
//! ready, the migrations ran once, a write on one is read on the others,
//! and a scheduled article falling due with the scheduler running on all
//! three is published exactly once (one change-log entry, one webhook
//! delivery). PostgreSQL only: skipped without `TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/fresh_db.rs"]
mod fresh_db;
#[path = "common/receiver.rs"]
mod receiver;
#[path = "common/server.rs"]
mod server;

use std::time::Duration;

use common::{Backend, backends, token};
use entity::{article_change, webhook_delivery};
use fresh_db::FreshDb;
use migration::{Migrator, MigratorTrait};
use receiver::{Receiver, eventually};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use server::{Server, free_addrs};

const CREATE_SECTION: &str = "mutation($input: SectionInput!) {
    createSection(input: $input) { section { slug } } }";
const CREATE_TAG: &str =
    "mutation($input: TagInput!) { createTag(input: $input) { tag { slug } } }";
const READ_TAG: &str = "query($slug: String!) { tag(slug: $slug) { name } }";
const CREATE_HOOK: &str = "mutation($url: String!, $events: [WebhookEvent!]!) {
    createWebhook(url: $url, events: $events) { webhook { id } } }";
const CREATE_ARTICLE: &str = "mutation($input: ArticleInput!) {
    createArticle(input: $input) { article { id version } } }";
const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) {
    publishArticle(id: $id, version: $version, publishAt: $at) { article { status } } }";

#[tokio::test]
async fn three_servers_started_at_once_share_one_fresh_database() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let fresh = FreshDb::new(Backend::Postgres).await;
    let endpoint = Receiver::start().await;
    let env = [
        ("NO_DEMO", "1"),
        ("WEBHOOK_ALLOW_PRIVATE", "1"),
        ("WEBHOOK_POLL_MS", "100"),
        ("SCHEDULER_INTERVAL_SECS", "1"),
    ];

    // Act: three replicas at once.
    let mut servers: Vec<Server> = free_addrs(3)
        .into_iter()
        .map(|addr| Server::start(&fresh.url, addr, &env))
        .collect();
    for server in &mut servers {
        server.ready().await;
    }

    // Migrations ran once: one replica migrated, the others found the
    // schema current.
    let db = Database::connect(&fresh.url).await.unwrap();
    let recorded = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(recorded, Migrator::migrations().len() as i64);
    let outputs: Vec<String> = servers.iter().map(Server::output).collect();
    let migrated = outputs
        .iter()
        .filter(|o| o.contains("database migrated"))
        .count();
    let current = outputs
        .iter()
        .filter(|o| o.contains("no migration pending"))
        .count();
    assert_eq!((migrated, current), (1, 2), "{outputs:#?}");

    // A write on one is read on the others.
    let admin = token("admin-hoa", &["admin", "editor"]);
    let (a, b, c) = (&servers[0], &servers[1], &servers[2]);
    a.data(
        Some(&admin),
        CREATE_TAG,
        json!({ "input": { "name": "Bản sao" } }),
    )
    .await;
    for other in [b, c] {
        let data = other
            .data(None, READ_TAG, json!({ "slug": "ban-sao" }))
            .await;
        assert_eq!(data["tag"]["name"], "Bản sao", "read on {}", other.addr);
    }

    // A scheduled article falls due with three schedulers running.
    b.data(
        Some(&admin),
        CREATE_HOOK,
        json!({ "url": endpoint.url(), "events": ["ARTICLE_PUBLISHED"] }),
    )
    .await;
    c.data(
        Some(&admin),
        CREATE_SECTION,
        json!({ "input": { "name": "Thời sự" } }),
    )
    .await;
    let article = c
        .data(
            Some(&admin),
            CREATE_ARTICLE,
            json!({ "input": { "title": "Kỳ họp thứ mười", "section": "thoi-su",
                  "lead": "Sáng nay, kỳ họp khai mạc.",
                  "body": [{"paragraph": {"text": "Kỳ họp khai mạc tại hội trường."}}] } }),
        )
        .await["createArticle"]["article"]
        .clone();
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let scheduled = c
        .data(
            Some(&admin),
            PUBLISH,
            json!({ "id": article["id"], "version": article["version"], "at": at }),
        )
        .await;
    assert_eq!(
        scheduled["publishArticle"]["article"]["status"],
        "SCHEDULED"
    );

    eventually("the publication is delivered", || async {
        !endpoint.accepted().is_empty()
    })
    .await;
    // Three more scheduler ticks on every replica, and webhook polls.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let received = endpoint.received();
    assert_eq!(received.len(), 1, "one delivery: {received:#?}");
    assert_eq!(received[0].json()["event"], "article.published");
    let published = article_change::Entity::find()
        .filter(article_change::Column::Kind.eq(article_change::ChangeKind::Published))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(published, 1, "one change-log entry");
    assert_eq!(
        webhook_delivery::Entity::find().count(&db).await.unwrap(),
        1,
        "one delivery in the outbox"
    );
    let flips = outputs_now(&servers)
        .iter()
        .filter(|o| o.contains("scheduled articles published"))
        .count();
    assert_eq!(flips, 1, "one replica flipped it");
    db.close().await.unwrap();
    drop(servers);
}

fn outputs_now(servers: &[Server]) -> Vec<String> {
    servers.iter().map(Server::output).collect()
}
