//! The webhook worker at scale: a slow endpoint does not hold up the
//! others, an attempt that outlived its lease records nothing, and old
//! delivered and failed deliveries are pruned after the retention.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/receiver.rs"]
mod receiver;

use std::time::{Duration, Instant};

use api::{
    domain::webhooks::store::{self, Outcome, Recorded},
    workers::webhooks::{Settings, Worker},
};
use chrono::Utc;
use common::{Backend, TestApp, backends, token};
use entity::webhook_delivery::{self, DeliveryStatus};
use receiver::{Answer, Receiver, eventually};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

const UPDATE: &str = "mutation($id: ID!, $version: Int!, $title: String!) {
    updateArticle(id: $id, version: $version, input: {title: $title}) { article { version } } }";

fn settings() -> Settings {
    Settings {
        poll: Duration::from_millis(25),
        timeout: Duration::from_secs(10),
        retry_base: Duration::from_millis(20),
        retry_window: Duration::from_secs(3600),
        lease: Duration::from_secs(15),
        allow_private: true,
        retention: Some(Duration::from_secs(30 * 86_400)),
        max_in_flight: 64,
        per_endpoint: 8,
    }
}

async fn local(backend: Backend) -> TestApp {
    TestApp::demo_with(backend, |config| config.webhook_allow_private = true).await
}

async fn register(app: &TestApp, url: &str) {
    app.data_as(
        &token("admin-hoa", &["admin"]),
        "mutation($url: String!) { createWebhook(url: $url, events: [ARTICLE_UPDATED]) { webhook { id } } }",
        json!({ "url": url }),
    )
    .await;
}

/// The public articles, as (id, version).
async fn articles(app: &TestApp) -> Vec<Value> {
    let list = app
        .data("{ articles(first: 3) { nodes { id version } } }", json!({}))
        .await;
    list["articles"]["nodes"].as_array().unwrap().clone()
}

async fn update(app: &TestApp, article: &Value, title: &str) {
    app.data_as(
        &token("editor-minh", &["editor"]),
        UPDATE,
        json!({ "id": article["id"], "version": article["version"], "title": title }),
    )
    .await;
}

async fn outbox(app: &TestApp) -> Vec<webhook_delivery::Model> {
    webhook_delivery::Entity::find()
        .order_by_asc(webhook_delivery::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_slow_endpoint_does_not_hold_up_the_others() {
    for backend in backends() {
        let app = local(backend).await;
        let slow = Receiver::start().await;
        slow.script(&[Answer::Hang(Duration::from_secs(6)); 4]);
        register(&app, &slow.url()).await;
        let fast = Receiver::start().await;
        register(&app, &fast.url()).await;
        let running = Worker::new(app.db.clone(), settings()).unwrap().spawn();

        let list = articles(&app).await;
        update(
            &app,
            &list[0],
            "Hội nghị tổng kết công tác dân vận năm 2026",
        )
        .await;
        eventually("the slow endpoint holds its first delivery", || async {
            slow.received().len() == 1 && fast.received().len() == 1
        })
        .await;

        // While it hangs, the next event reaches the fast endpoint at once.
        let written = Instant::now();
        update(
            &app,
            &list[1],
            "Tỉnh ủy triển khai nghị quyết về công tác dân vận",
        )
        .await;
        eventually("the fast endpoint gets the next event", || async {
            fast.received().len() == 2
        })
        .await;
        assert!(
            written.elapsed() < Duration::from_secs(3),
            "waited {:?} behind the slow endpoint",
            written.elapsed()
        );
        running.abort();
    }
}

#[tokio::test]
async fn an_attempt_that_outlived_its_lease_records_nothing() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        register(&app, &endpoint.url()).await;
        update(&app, &articles(&app).await[0], "Bài viết được cập nhật").await;
        let id = outbox(&app).await[0].id;

        // Worker A claims it; its lease runs out; worker B claims it again.
        let now = store::database_now(&app.db).await.unwrap();
        let lease_a = store::lease_deadline(now + chrono::Duration::seconds(1));
        let a = store::claim(&app.db, now, lease_a, 10, &[]).await.unwrap();
        assert_eq!(a.len(), 1);
        let later = lease_a + chrono::Duration::seconds(1);
        let lease_b = store::lease_deadline(later + chrono::Duration::seconds(60));
        let b = store::claim(&app.db, later, lease_b, 10, &[])
            .await
            .unwrap();
        assert_eq!(b.len(), 1, "due again once A's lease ran out");

        // A's late answer is not recorded; B's is.
        let delivered = || Outcome::Delivered { status: 200 };
        let recorded = store::finish(&app.db, id, lease_a, delivered(), later).await;
        assert_eq!(recorded.unwrap(), Recorded::LeaseLost);
        let row = &outbox(&app).await[0];
        assert_eq!((row.status, row.attempts), (DeliveryStatus::Pending, 0));
        let recorded = store::finish(&app.db, id, lease_b, delivered(), later).await;
        assert_eq!(recorded.unwrap(), Recorded::Yes);
        let row = &outbox(&app).await[0];
        assert_eq!((row.status, row.attempts), (DeliveryStatus::Delivered, 1));
    }
}

#[tokio::test]
async fn the_database_clock_times_the_leases() {
    for backend in backends() {
        let app = local(backend).await;
        let before = Utc::now();
        let now = store::database_now(&app.db).await.unwrap();
        // Same machine here: the database's clock agrees with ours.
        assert!((now - before).num_seconds().abs() < 5, "{now} vs {before}");
        let lease = store::lease_deadline(now);
        assert_eq!(lease.timestamp_subsec_nanos() % 1000, 0, "microseconds");
    }
}

#[tokio::test]
async fn old_delivered_and_failed_deliveries_are_pruned() {
    for backend in backends() {
        let app = local(backend).await;
        let endpoint = Receiver::start().await;
        register(&app, &endpoint.url()).await;
        let list = articles(&app).await;
        for (article, title) in list.iter().zip(["Tin một", "Tin hai", "Tin ba"]) {
            update(&app, article, title).await;
        }
        let rows = outbox(&app).await;
        assert_eq!(rows.len(), 3);
        let old = Utc::now() - chrono::Duration::days(40);
        let recent = Utc::now() - chrono::Duration::days(10);
        // An old delivered one, an old failed one, an old one still pending.
        for (row, status, queued_at) in [
            (&rows[0], DeliveryStatus::Delivered, old),
            (&rows[1], DeliveryStatus::Failed, old),
            (&rows[2], DeliveryStatus::Pending, old),
        ] {
            let mut active: webhook_delivery::ActiveModel = row.clone().into();
            active.status = Set(status);
            active.queued_at = Set(queued_at);
            active.next_attempt_at = Set(Utc::now() + chrono::Duration::days(1));
            active.update(&app.db).await.unwrap();
        }
        // And a recent delivered one.
        update(&app, &articles(&app).await[0], "Tin bốn").await;
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                sea_orm::sea_query::Expr::value(DeliveryStatus::Delivered),
            )
            .col_expr(
                webhook_delivery::Column::QueuedAt,
                sea_orm::sea_query::Expr::value(recent),
            )
            .filter(webhook_delivery::Column::Id.gt(rows[2].id))
            .exec(&app.db)
            .await
            .unwrap();

        let worker = Worker::new(app.db.clone(), settings()).unwrap();
        assert_eq!(worker.prune_once().await.unwrap(), 2);
        let left: Vec<i64> = outbox(&app).await.iter().map(|r| r.id).collect();
        assert_eq!(left.len(), 2);
        assert_eq!(left[0], rows[2].id, "the pending one stays");
        assert_eq!(worker.prune_once().await.unwrap(), 0);

        let keep_all = Worker::new(
            app.db.clone(),
            Settings {
                retention: None,
                ..settings()
            },
        )
        .unwrap();
        assert_eq!(keep_all.prune_once().await.unwrap(), 0);
    }
}
