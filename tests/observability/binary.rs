//! The real binary: `LOG_FORMAT=json` access lines on standard output,
//! `/metrics` on `METRICS_ADDR` only, and spans posted to an OTLP/HTTP
//! receiver on loopback.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, body::Bytes, extract::State, routing::post};
use serde_json::{Value, json};

/// What the OTLP receiver got.
type Posts = Arc<Mutex<Vec<Bytes>>>;

/// A loopback OTLP/HTTP receiver recording the bodies posted to
/// `/v1/traces`.
async fn receiver() -> (SocketAddr, Posts) {
    let posts = Posts::default();
    let router = Router::new()
        .route(
            "/v1/traces",
            post(|State(posts): State<Posts>, body: Bytes| async move {
                posts.lock().unwrap().push(body);
                ""
            }),
        )
        .with_state(posts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, posts)
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The child's standard output, line by line, as it comes.
fn collect_lines(child: &mut Child) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let stdout = child.stdout.take().unwrap();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Waits for `check` to hold, up to `limit`.
async fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub async fn json_access_lines_metrics_addr_and_traces() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (otlp, posts) = receiver().await;
    let port = free_port();
    let metrics_port = free_port();
    let db = std::env::temp_dir().join(format!("toasoan-obs-{}.db", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_toasoan"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{otlp}"))
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env("APP_ENV", "development")
        .env("CONTENT_VERSION_POLL_MS", "0")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = collect_lines(&mut child);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let public = format!("http://127.0.0.1:{port}");

    // Arrange: the server is up (the demo newsroom loaded).
    let mut ready = false;
    for _ in 0..600 {
        if let Ok(response) = client.get(format!("{public}/healthz")).send().await
            && response.status().is_success()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        ready,
        "the server did not start: {:?}",
        lines.lock().unwrap()
    );

    // Act: a named operation with the client's request id.
    let query = "query Latest { articles(first: 3) { edges { node { title section { name } authors { fullName } } } } }";
    let response = client
        .post(format!("{public}/graphql"))
        .header("content-type", "application/json")
        .header("x-request-id", "obs-binary-1")
        .body(json!({"query": query}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "obs-binary-1");
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");

    // Assert: /metrics on METRICS_ADDR only.
    let public_metrics = client
        .get(format!("{public}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(public_metrics.status(), 404);
    let text = client
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("toasoan_graphql_operations_total{graphql_operation_name=\"Latest\"} 1"),
        "{text}"
    );

    // Spans of the request, its DataLoader batches and its statements.
    let traced = eventually(Duration::from_secs(15), || {
        let posts = posts.lock().unwrap();
        let all: Vec<u8> = posts.iter().flat_map(|b| b.to_vec()).collect();
        contains(&all, b"POST /graphql")
            && contains(&all, b"graphql.batch")
            && contains(&all, b"sea_orm.")
            && contains(&all, b"obs-binary-1")
    })
    .await;

    // The access line, in JSON, with its fields.
    let access = eventually(Duration::from_secs(5), || {
        lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("obs-binary-1"))
    })
    .await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let stopped = eventually_exit(&mut child, Duration::from_secs(20));
    for suffix in ["", "-shm", "-wal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    assert!(
        traced,
        "no complete trace reached the receiver ({} posts)",
        posts.lock().unwrap().len()
    );
    assert!(
        access,
        "no line with the request id: {:?}",
        lines.lock().unwrap()
    );
    assert!(stopped, "the server did not stop on SIGTERM");
    let lines = lines.lock().unwrap();
    let line: Value = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["target"] == "toasoan::access" && l["request_id"] == "obs-binary-1")
        .unwrap_or_else(|| panic!("no JSON access line: {lines:?}"));
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["method"], "POST", "{line}");
    assert_eq!(line["route"], "/graphql", "{line}");
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["operation"], "Latest", "{line}");
    assert_eq!(line["client"], "127.0.0.1", "{line}");
    assert!(
        line["duration_ms"].as_f64().is_some_and(|ms| ms > 0.0),
        "{line}"
    );
    assert_eq!(line["spans"][0]["request_id"], "obs-binary-1", "{line}");
}

/// Waits for the child to exit; kills it past `limit`.
fn eventually_exit(child: &mut Child, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}
