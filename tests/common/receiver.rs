//! A partner's webhook endpoint for tests: an axum server on 127.0.0.1
//! that records every request and answers from a script (fail with a
//! status, hang past the timeout, or accept), verifying nothing itself.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// How the endpoint answers one request.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// This status code at once.
    Status(u16),
    /// 200, after sleeping this long (past the worker's timeout).
    Hang(Duration),
}

/// One request the endpoint received.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
    /// The status it was answered with (hung requests: 200, never read).
    pub answered: u16,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap().to_str().unwrap()
    }
}

#[derive(Clone, Default)]
struct Shared {
    script: Arc<Mutex<VecDeque<Answer>>>,
    log: Arc<Mutex<Vec<Received>>>,
}

/// A running endpoint.
pub struct Receiver {
    pub addr: SocketAddr,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Starts an endpoint on a free port.
    pub async fn start() -> Self {
        Self::on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// Starts an endpoint on an already bound listener.
    pub fn on(listener: tokio::net::TcpListener) -> Self {
        let addr = listener.local_addr().unwrap();
        let shared = Shared::default();
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, shared, task }
    }

    /// The URL to register.
    pub fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    /// The next requests are answered so, in order; then 200.
    pub fn script(&self, answers: &[Answer]) {
        self.shared
            .script
            .lock()
            .unwrap()
            .extend(answers.iter().copied());
    }

    /// Forgets the rest of the script: accept from now on.
    pub fn clear_script(&self) {
        self.shared.script.lock().unwrap().clear();
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The requests answered 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: String) -> StatusCode {
    let answer = shared
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Answer::Status(200));
    let answered = match answer {
        Answer::Status(code) => code,
        Answer::Hang(_) => 200,
    };
    shared.log.lock().unwrap().push(Received {
        headers,
        body,
        answered,
    });
    if let Answer::Hang(time) = answer {
        tokio::time::sleep(time).await;
    }
    StatusCode::from_u16(answered).unwrap()
}

/// What a partner does (the README's snippet, in Rust): recompute the
/// HMAC-SHA256 of "t.body", compare in constant time, reject old `t`.
pub fn signature_ok(secret: &str, header: &str, body: &str) -> bool {
    let parts: Vec<(&str, &str)> = header
        .split(',')
        .filter_map(|p| p.split_once('='))
        .collect();
    let t = parts.iter().find(|(k, _)| *k == "t").unwrap().1;
    let v1 = parts.iter().find(|(k, _)| *k == "v1").unwrap().1;
    let now = chrono::Utc::now().timestamp();
    if (now - t.parse::<i64>().unwrap()).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let bytes: Vec<u8> = (0..v1.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v1[i..i + 2], 16).unwrap())
        .collect();
    mac.verify_slice(&bytes).is_ok()
}

/// Waits up to 20 s for `check` to hold, polling.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
