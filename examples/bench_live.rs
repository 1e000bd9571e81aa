//! Live subscriptions benchmark: N idle WebSocket subscribers
//! (`graphql-transport-ws`, `articlePublished`) on one running replica,
//! the server's memory per connection, and how long one publication takes
//! to reach every subscriber. Run by `bench/live.sh`.
//!
//!   bench_live ADDR SERVER_PID SUBSCRIBERS EDITOR_TOKEN
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

/// Connections opened at once while setting up.
const OPENING: usize = 200;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, pid, subscribers, token] = args.as_slice() else {
        eprintln!("usage: bench_live ADDR SERVER_PID SUBSCRIBERS EDITOR_TOKEN");
        std::process::exit(2);
    };
    let subscribers: usize = subscribers.parse().unwrap();
    let pid: u32 = pid.parse().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();

    let before = rss_kib(pid);
    let ready = Arc::new(AtomicUsize::new(0));
    let heard: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::with_capacity(subscribers)));
    let gate = Arc::new(tokio::sync::Semaphore::new(OPENING));
    let opened = Instant::now();
    let mut clients = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let permit = gate.clone().acquire_owned().await.unwrap();
        let (addr, ready, heard) = (addr.clone(), ready.clone(), heard.clone());
        clients.push(tokio::spawn(async move {
            subscriber(&addr, permit, &ready, &heard).await;
        }));
    }
    while ready.load(Ordering::Acquire) < subscribers {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let setup = opened.elapsed();
    // Let the server settle (allocator, first pings) before measuring.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kib(pid);

    let http = reqwest::Client::new();
    let url = format!("http://{addr}/graphql");
    let created = graphql(
        &http,
        &url,
        token,
        "mutation($input: ArticleInput!) { createArticle(input: $input) { article { id version } } }",
        json!({"input": {
            "title": "Tin nóng: bão số 9 đổ bộ vào đất liền",
            "section": "thoi-su-chinh-tri",
            "lead": "Chiều nay, bão số 9 đổ bộ vào các tỉnh Nam Trung Bộ.",
            "body": [{"paragraph": {"text": "Ban Chỉ huy phòng chống thiên tai tỉnh đã sơ tán người dân."}}]
        }}),
    )
    .await;
    let article = &created["data"]["createArticle"]["article"];
    let sent = Instant::now();
    graphql(
        &http,
        &url,
        token,
        "mutation($id: ID!, $version: Int!) { publishArticle(id: $id, version: $version) { article { id } } }",
        json!({"id": article["id"], "version": article["version"]}),
    )
    .await;
    let answered = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    while heard.lock().unwrap().len() < subscribers && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut times: Vec<Duration> = heard
        .lock()
        .unwrap()
        .iter()
        .map(|t| t.saturating_duration_since(answered))
        .collect();
    times.sort();
    let received = times.len();
    let at = |q: f64| times[((received as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let round_trip = answered - sent;
    println!(
        "subscribers: {subscribers} (connected in {:.1} s)",
        setup.as_secs_f64()
    );
    println!(
        "server RSS: {} MiB before, {} MiB with them",
        before / 1024,
        after / 1024
    );
    println!(
        "memory per connection: {:.1} KiB",
        (after.saturating_sub(before)) as f64 / subscribers as f64
    );
    println!("publishArticle round trip: {} ms", ms(round_trip));
    println!("events received: {received} of {subscribers}");
    if received > 0 {
        println!(
            "after the publish's answer (commit before it): first {} ms, p50 {} ms, p99 {} ms, last {} ms",
            ms(times[0]),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(times[received - 1])
        );
        println!(
            "after sending the publish (commit within it): last {} ms",
            ms(times[received - 1] + round_trip)
        );
    }
    for client in clients {
        client.abort();
    }
}

/// One subscriber: connects, subscribes, reports itself ready, records
/// when its first event arrives, then stays connected.
async fn subscriber(
    addr: &str,
    permit: tokio::sync::OwnedSemaphorePermit,
    ready: &AtomicUsize,
    heard: &Mutex<Vec<Instant>>,
) {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |v: Value| Message::text(v.to_string());
    socket
        .send(send(json!({"type": "connection_init"})))
        .await
        .unwrap();
    loop {
        if let Some(Ok(Message::Text(text))) = socket.next().await
            && text.as_str().contains("connection_ack")
        {
            break;
        }
    }
    socket
        .send(send(json!({"type": "subscribe", "id": "1", "payload": {
            "query": "subscription { articlePublished { id title publishedAt section { name } } }"}})))
        .await
        .unwrap();
    drop(permit);
    ready.fetch_add(1, Ordering::AcqRel);
    let mut first = true;
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message
            && first
            && text.as_str().contains("\"next\"")
        {
            first = false;
            heard.lock().unwrap().push(Instant::now());
        }
    }
}

async fn graphql(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    let body = http
        .post(url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(json!({"query": query, "variables": variables}).to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");
    answer
}

/// The resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}
