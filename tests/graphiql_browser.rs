//! GraphiQL in a real headless browser: the page served by the binary loads
//! its scripts and renders the editor with no network beyond the server.
//!
//! Needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`). Without it the test
//! says so and passes locally; in CI (`CI=true`) a missing browser fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{path::PathBuf, process::Command, time::Duration};

use api::app::serve_on;
use common::{Backend, TestApp};

fn chromium() -> Option<PathBuf> {
    let candidate = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    candidate.exists().then_some(candidate)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_offline_in_a_headless_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install Chromium for the GraphiQL browser test"
        );
        eprintln!("skipping: no Chromium here (set CHROMIUM or install the chromium package)");
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));

    let profile = std::env::temp_dir().join(format!("toasoan-chromium-{}", std::process::id()));
    let url = format!("http://{addr}/graphql");
    let dom = tokio::task::spawn_blocking(move || {
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .output()
    });
    let output = tokio::time::timeout(Duration::from_secs(120), dom)
        .await
        .expect("the browser finishes")
        .unwrap()
        .expect("the browser runs");
    server.abort();
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("graphiql-container"),
        "GraphiQL did not render; the browser printed:\n{dom}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The editor drew the starter query's lines: the scripts ran.
    assert!(dom.contains("CodeMirror-line"), "the query editor rendered");
}
