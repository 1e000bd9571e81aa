//! A clean stop of the real binary: SIGTERM during a slow request and a
//! webhook delivery. `/readyz` says 503 at once while the listener stays
//! open for `SHUTDOWN_DELAY_SECS`; the request and the delivery finish;
//! the process exits 0 within `SHUTDOWN_GRACE_SECS`; the delivery is
//! recorded and SQLite's write-ahead log is folded into the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/receiver.rs"]
mod receiver;
#[path = "common/server.rs"]
mod server;

use std::{
    process::Command,
    time::{Duration, Instant},
};

use common::{SEED_SLUG, token};
use entity::webhook_delivery::{self, DeliveryStatus};
use receiver::{Answer, Receiver, eventually};
use sea_orm::{Database, EntityTrait};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads a whole HTTP/1.1 answer sent with `Connection: close`:
/// (status, raw text).
async fn read_answer(mut stream: tokio::net::TcpStream) -> (u16, String) {
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn sigterm_drains_requests_and_deliveries_then_closes_the_database() {
    let dir = std::env::temp_dir().join(format!("toasoan-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("newsroom.db").display().to_string();
    let database_url = format!("sqlite://{path}?mode=rwc");
    let addr = server::free_addrs(1)[0];
    let mut server = server::Server::start(
        &database_url,
        addr,
        &[
            ("WEBHOOK_ALLOW_PRIVATE", "on"),
            ("WEBHOOK_POLL_MS", "50"),
            ("SHUTDOWN_DELAY_SECS", "2"),
            ("SHUTDOWN_GRACE_SECS", "20"),
        ],
    );
    server.ready().await;
    let chief = token("tong-bien-tap", &["editor", "admin"]);
    let chief = Some(chief.as_str());

    // A partner endpoint that takes 3 s to answer.
    let receiver = Receiver::start().await;
    receiver.script(&[Answer::Hang(Duration::from_secs(3))]);
    server
        .data(
            chief,
            "mutation($url: String!) { createWebhook(url: $url, events: [ARTICLE_UPDATED]) { webhook { id } } }",
            json!({ "url": receiver.url() }),
        )
        .await;
    let article = server
        .data(
            chief,
            "query($slug: String!) { article(slug: $slug) { id version } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
    let article = &article["article"];
    server
        .data(
            chief,
            "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, version: $version, \
         input: { title: \"Ký kết chương trình phối hợp giai đoạn 2021 - 2026\" }) { article { version } } }",
            json!({ "id": article["id"], "version": article["version"] }),
        )
        .await;
    eventually("the delivery is in flight", || async {
        !receiver.received().is_empty()
    })
    .await;

    // A slow client: half of its request body now, the rest after SIGTERM.
    let body = json!({ "query": "{ articles(first: 1) { totalCount } }" }).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    );
    slow.write_all(request.as_bytes()).await.unwrap();

    let signalled = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Out of rotation at once, while still listening and alive.
    eventually("/readyz says 503", || async {
        server.get_status("/readyz").await == 503
    })
    .await;
    assert!(signalled.elapsed() < Duration::from_secs(2));
    assert_eq!(server.get_status("/healthz").await, 200);

    // The slow request completes.
    slow.write_all(tail.as_bytes()).await.unwrap();
    let (status, answer) = read_answer(slow).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("totalCount"), "{answer}");

    // The process ends on its own, cleanly, after the delivery.
    let status = server.exit().await;
    assert!(status.success(), "exit status {status}");
    assert!(
        signalled.elapsed() >= Duration::from_secs(2),
        "stayed for the delay"
    );
    assert!(
        signalled.elapsed() < Duration::from_secs(20),
        "within the grace"
    );
    assert_eq!(receiver.received().len(), 1, "delivered once");

    // The attempt was recorded before the pool closed, and the pool
    // closed: the write-ahead log is folded into the database file.
    assert!(
        !std::path::Path::new(&format!("{path}-wal")).exists(),
        "the -wal file is left"
    );
    let db = Database::connect(&database_url).await.unwrap();
    let deliveries = webhook_delivery::Entity::find().all(&db).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].status, DeliveryStatus::Delivered);
    assert_eq!(deliveries[0].attempts, 1);
    db.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
