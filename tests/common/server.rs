//! `toasoan serve` as a real process on a loopback port: started with
//! its settings in the environment, its output kept in a file (to read
//! its log lines), polled until `/readyz` answers, killed on drop.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use serde_json::{Value, json};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `n` free loopback addresses: bound together on port 0, then released.
pub fn free_addrs(n: usize) -> Vec<SocketAddr> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners.iter().map(|l| l.local_addr().unwrap()).collect()
}

/// Runs the binary with `args` and `envs` to its end.
pub fn run(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toasoan"));
    command.args(args).env("RUST_LOG", "info");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// A running `toasoan serve`.
pub struct Server {
    pub addr: SocketAddr,
    child: Child,
    log: PathBuf,
    /// The server's `TMPDIR` (its search index on PostgreSQL), removed
    /// on drop: a killed server cannot remove it itself.
    tmp: PathBuf,
    client: reqwest::Client,
}

impl Server {
    /// Starts `toasoan serve` on `addr` over `database_url`, with
    /// `JWT_SECRET` set to the tests' secret and `envs` on top.
    pub fn start(database_url: &str, addr: SocketAddr, envs: &[(&str, &str)]) -> Self {
        let log = std::env::temp_dir().join(format!(
            "toasoan-server-{}-{}.log",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let out = std::fs::File::create(&log).unwrap();
        let tmp = log.with_extension("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_toasoan"));
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LISTEN_ADDR", addr.to_string())
            .env("JWT_SECRET", crate::common::TEST_SECRET)
            .env("RUST_LOG", "info")
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out));
        for (key, value) in envs {
            command.env(key, value);
        }
        let child = command.spawn().unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            addr,
            child,
            log,
            tmp,
            client,
        }
    }

    /// The process id (to signal it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The status of `GET path` on a new connection.
    pub async fn get_status(&self, path: &str) -> u16 {
        let url = format!("http://{}{path}", self.addr);
        match self.client.get(url).send().await {
            Ok(response) => response.status().as_u16(),
            Err(err) => panic!("GET {path}: {err}"),
        }
    }

    /// Everything the process printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (up to 90 s) until `/readyz` answers 200; fails with the
    /// process's output if it exits first.
    pub async fn ready(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server on {} exited ({status}):\n{}",
                    self.addr,
                    self.output()
                );
            }
            let url = format!("http://{}/readyz", self.addr);
            if let Ok(response) = self.client.get(url).send().await
                && response.status() == 200
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server on {} never became ready:\n{}",
                self.addr,
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to 60 s) for the process to exit by itself.
    pub async fn exit(&mut self) -> std::process::ExitStatus {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server on {} did not exit:\n{}",
                self.addr,
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs a GraphQL request (with `Authorization: Bearer token` when
    /// given) and returns the JSON answer.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("http://{}/graphql", self.addr))
            .header("content-type", "application/json")
            .body(json!({ "query": query, "variables": variables }).to_string());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "GraphQL over POST answers 200");
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    /// Like [`Self::graphql`], failing on any error; returns `data`.
    pub async fn data(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let answer = self.graphql(token, query, variables).await;
        assert!(
            answer.get("errors").is_none(),
            "errors from {}: {answer}",
            self.addr
        );
        answer["data"].clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}
