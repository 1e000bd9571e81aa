//! A clean stop of the real binary: SIGTERM during a slow request and a
//! webhook delivery. `/readyz` says 503 at once while the listener stays
//! open for `SHUTDOWN_DELAY_SECS`; the request and the delivery finish;
//! the process exits 0 within `SHUTDOWN_GRACE_SECS`; the delivery is
//! recorded and SQLite's write-ahead log is folded into the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/receiver.rs"]
mod receiver;

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{SEED_SLUG, TEST_SECRET, token};
use entity::webhook_delivery::{self, DeliveryStatus};
use receiver::{Answer, Receiver, eventually};
use sea_orm::{Database, EntityTrait};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The server process; killed if the test fails half-way.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// One HTTP/1.1 exchange on a new connection: (status, body).
async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let bearer = token("tong-bien-tap", &["editor", "admin"]);
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Bearer {bearer}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    read_answer(stream).await
}

async fn read_answer(mut stream: tokio::net::TcpStream) -> (u16, String) {
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

async fn graphql(addr: SocketAddr, query: &str, variables: Value) -> Value {
    let (status, body) = http(
        addr,
        "POST",
        "/graphql",
        Some(&json!({ "query": query, "variables": variables })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn start(database_url: &str) -> Server {
    let addr = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_toasoan"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LISTEN_ADDR", addr.to_string())
        .env("JWT_SECRET", TEST_SECRET)
        .env("WEBHOOK_ALLOW_PRIVATE", "on")
        .env("WEBHOOK_POLL_MS", "50")
        .env("SHUTDOWN_DELAY_SECS", "2")
        .env("SHUTDOWN_GRACE_SECS", "20")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, addr };
    eventually("the server is ready", || async {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(_) => http(addr, "GET", "/readyz", None).await.0 == 200,
            Err(_) => false,
        }
    })
    .await;
    server
}

#[tokio::test]
async fn sigterm_drains_requests_and_deliveries_then_closes_the_database() {
    let dir = std::env::temp_dir().join(format!("toasoan-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("newsroom.db").display().to_string();
    let database_url = format!("sqlite://{path}?mode=rwc");
    let mut server = start(&database_url).await;
    let addr = server.addr;

    // A partner endpoint that takes 3 s to answer.
    let receiver = Receiver::start().await;
    receiver.script(&[Answer::Hang(Duration::from_secs(3))]);
    let created = graphql(
        addr,
        "mutation($url: String!) { createWebhook(url: $url, events: [ARTICLE_UPDATED]) { webhook { id } } }",
        json!({ "url": receiver.url() }),
    )
    .await;
    assert!(created["errors"].is_null(), "{created}");
    let article = graphql(
        addr,
        "query($slug: String!) { article(slug: $slug) { id version } }",
        json!({ "slug": SEED_SLUG }),
    )
    .await;
    let article = &article["data"]["article"];
    let updated = graphql(
        addr,
        "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, version: $version, \
         input: { title: \"Ký kết chương trình phối hợp giai đoạn 2021 - 2026\" }) { article { version } } }",
        json!({ "id": article["id"], "version": article["version"] }),
    )
    .await;
    assert!(updated["errors"].is_null(), "{updated}");
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
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Out of rotation at once, while still listening and alive.
    eventually("/readyz says 503", || async {
        http(addr, "GET", "/readyz", None).await.0 == 503
    })
    .await;
    assert!(signalled.elapsed() < Duration::from_secs(2));
    assert_eq!(http(addr, "GET", "/healthz", None).await.0, 200);

    // The slow request completes.
    slow.write_all(tail.as_bytes()).await.unwrap();
    let (status, answer) = read_answer(slow).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("totalCount"), "{answer}");

    // The process ends on its own, cleanly, after the delivery.
    let exit = tokio::task::spawn_blocking(move || {
        let status = server.child.wait().unwrap();
        (status, server)
    })
    .await
    .unwrap();
    let (status, _server) = exit;
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
