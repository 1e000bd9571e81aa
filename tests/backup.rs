//! `toasoan backup PATH`: an online copy of a SQLite database taken while
//! writes go on is a valid, migrated database with the data, and a server
//! restored on it serves; an existing PATH, a missing database and a
//! PostgreSQL URL are refused with a clear message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use api::platform::db;
use common::{Backend, TestApp, token};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use server::{Server, free_addrs, run};

fn target(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("toasoan-backup-{}-{name}.db", std::process::id()))
}

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test]
async fn a_copy_taken_while_writes_go_on_is_complete_and_serves() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let path = target("online");
    remove(&path);
    let articles = count(&app.db, "SELECT count(*) FROM articles").await;
    let public = app
        .data("{ articles(first: 1) { totalCount } }", json!({}))
        .await["articles"]["totalCount"]
        .clone();

    // Arrange: an editor keeps creating tags while the copy is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (router, stop, written) = (app.router.clone(), stop.clone(), written.clone());
        tokio::spawn(async move {
            let editor = token("editor-minh", &["editor"]);
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 2_000 {
                n += 1;
                let body = json!({
                    "query": "mutation($input: TagInput!) { createTag(input: $input) { tag { slug } } }",
                    "variables": { "input": { "name": format!("Chủ đề sao lưu {n}") } },
                });
                let request = axum::http::Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {editor}"))
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap();
                let response = tower::ServiceExt::oneshot(router.clone(), request)
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) <= 5 {
        assert!(!writer.is_finished(), "the writer stopped early");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // Act: the backup, as its own process.
    let url = app.url.clone();
    let target_path = path.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        run(&["backup", &target_path], &[("DATABASE_URL", &url)])
    })
    .await
    .unwrap();
    let during = written.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();

    // Assert: a complete, checked, migrated copy with the data.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("backup written to"), "{stdout}");
    assert!(during > 5, "writes went on during the copy");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert!(!PathBuf::from(wal).exists(), "the copy is one file");
    let copy_url = format!("sqlite://{}?mode=rw", path.display());
    let copy = Database::connect(&copy_url).await.unwrap();
    assert_eq!(strings(&copy, "PRAGMA integrity_check").await, ["ok"]);
    assert!(strings(&copy, "PRAGMA foreign_key_check").await.is_empty());
    assert_eq!(
        count(&copy, "SELECT count(*) FROM seaql_migrations").await,
        Migrator::migrations().len() as i64
    );
    assert!(db::status(&copy).await.unwrap().pending.is_empty());
    assert_eq!(
        count(&copy, "SELECT count(*) FROM articles").await,
        articles
    );
    let tags = count(
        &copy,
        "SELECT count(*) FROM tags WHERE name LIKE 'Chủ đề sao lưu %'",
    )
    .await;
    assert!(tags >= 1, "the copy holds writes made before it: {tags}");
    copy.close().await.unwrap();

    // Restore: a server on the copy, with MIGRATE=off, serves its data.
    let mut restored = Server::start(
        &copy_url,
        free_addrs(1)[0],
        &[("MIGRATE", "off"), ("NO_DEMO", "1")],
    );
    restored.ready().await;
    let data = restored
        .data(None, "{ articles(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(data["articles"]["totalCount"], public);
    let admin = token("admin-hoa", &["admin"]);
    let created = restored
        .data(
            Some(&admin),
            "mutation($input: TagInput!) { createTag(input: $input) { tag { slug } } }",
            json!({ "input": { "name": "Sau khi khôi phục" } }),
        )
        .await;
    assert_eq!(created["createTag"]["tag"]["slug"], "sau-khi-khoi-phuc");
    drop(restored);
    remove(&path);
}

#[test]
fn an_existing_target_is_never_overwritten() {
    let path = target("exists");
    std::fs::write(&path, b"an earlier backup").unwrap();
    let source = target("source-exists");
    remove(&source);
    let url = format!("sqlite://{}?mode=rwc", source.display());
    assert!(
        run(&["migrate"], &[("DATABASE_URL", &url)])
            .status
            .success()
    );

    let output = run(
        &["backup", &path.display().to_string()],
        &[("DATABASE_URL", &url)],
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), b"an earlier backup");
    remove(&path);
    remove(&source);
}

#[test]
fn a_missing_database_is_refused_and_not_created() {
    let missing = target("missing");
    remove(&missing);
    let path = target("of-missing");
    remove(&path);
    let url = format!("sqlite://{}?mode=rwc", missing.display());

    let output = run(
        &["backup", &path.display().to_string()],
        &[("DATABASE_URL", &url)],
    );

    assert!(!output.status.success(), "{output:?}");
    assert!(
        !missing.exists(),
        "the backup created the database it copies"
    );
    assert!(!path.exists());
}

#[test]
fn postgres_is_pointed_to_pg_dump() {
    let path = target("pg");
    remove(&path);
    let output = run(
        &["backup", &path.display().to_string()],
        &[("DATABASE_URL", "postgres://toasoan@127.0.0.1:1/toasoan")],
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let line = stderr
        .lines()
        .find(|l| l.contains("pg_dump"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.starts_with("error:"), "{line}");
    assert!(!path.exists());
}
