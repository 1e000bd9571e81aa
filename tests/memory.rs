//! How the process holds memory (`src/memory.rs`): the server opts out of
//! transparent huge pages, unless the operator's `MIMALLOC_ALLOW_THP`
//! says otherwise. Linux only: the flag is read from `/proc`.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/server.rs"]
mod server;

/// The `THP_enabled` flag of a process, from `/proc/PID/status`.
fn huge_pages_allowed(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("THP_enabled:"))
        .expect("the kernel reports THP_enabled");
    line.split_whitespace().nth(1) == Some("1")
}

/// The directory of the server called `name`.
fn workspace(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("toasoan-memory-{}-{name}", std::process::id()))
}

/// A server over a fresh SQLite file with `envs`, ready.
async fn serve(name: &str, envs: &[(&str, &str)]) -> server::Server {
    let dir = workspace(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("news.db").display());
    let mut all = vec![("NO_DEMO", "1")];
    all.extend_from_slice(envs);
    let mut server = server::Server::start(&url, server::free_addrs(1)[0], &all);
    server.ready().await;
    server
}

#[tokio::test]
async fn the_server_keeps_to_small_pages_unless_the_operator_allows_huge_ones() {
    let server = serve("default", &[]).await;
    assert!(
        !huge_pages_allowed(server.pid()),
        "the server opts out of transparent huge pages"
    );

    let allowed = serve("allowed", &[("MIMALLOC_ALLOW_THP", "1")]).await;
    // Left as the process started: a child inherits its parent's flag.
    assert_eq!(
        huge_pages_allowed(allowed.pid()),
        huge_pages_allowed(std::process::id()),
        "MIMALLOC_ALLOW_THP=1 leaves them to the kernel"
    );

    drop((server, allowed));
    for name in ["default", "allowed"] {
        let _ = std::fs::remove_dir_all(workspace(name));
    }
}
