//! Production defaults (`APP_ENV=production`): refusals at start, no demo
//! newsroom from `serve`, GraphiQL off, introspection for editors and
//! admins only, CORS from `CORS_ALLOWED_ORIGINS`; and no secret in
//! `--help`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Output, Stdio},
};

use api::platform::config::Config;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Backend, TestApp, backends, first_error_code, token};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

const ORIGIN: &str = "https://www.baotinh.example";

/// The binary with a clean environment and a complete production setup,
/// minus what the test removes.
fn production_command(database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toasoan"));
    command
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{database}?mode=rwc"))
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("APP_ENV", "production")
        .env("JWT_SECRET", common::TEST_SECRET)
        .env("JWT_AUDIENCE", "toasoan")
        .env("CORS_ALLOWED_ORIGINS", ORIGIN)
        .env("CONTENT_VERSION_POLL_MS", "0");
    command
}

fn temp_database(tag: &str) -> String {
    std::env::temp_dir()
        .join(format!("toasoan-prod-{tag}-{}.db", std::process::id()))
        .display()
        .to_string()
}

fn remove_database(path: &str) {
    for suffix in ["", "-shm", "-wal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

#[test]
fn production_refuses_to_start_with_a_missing_or_contradictory_setting() {
    let database = temp_database("refusals");
    let cases: [(&str, Option<&str>, &str); 6] = [
        (
            "JWT_AUDIENCE",
            None,
            "APP_ENV=production needs JWT_AUDIENCE",
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            None,
            "APP_ENV=production needs CORS_ALLOWED_ORIGINS",
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            Some("*,https://a.example"),
            "CORS_ALLOWED_ORIGINS mixes `*`",
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            Some("https://a.example/app"),
            "CORS_ALLOWED_ORIGINS has",
        ),
        ("JWT_SECRET", None, "APP_ENV=production needs a JWT key"),
        ("APP_ENV", Some("prodution"), "APP_ENV is \"prodution\""),
    ];
    for (name, value, expected) in cases {
        let mut command = production_command(&database);
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
        let output: Output = command.arg("serve").output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}={value:?} started");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(
            lines[0].starts_with(&format!("error: {expected}")),
            "{name}={value:?}: {stderr}"
        );
        assert!(
            !std::path::Path::new(&database).exists(),
            "refused before the database is touched"
        );
    }
}

async fn article_count(database: &str) -> i64 {
    let db = Database::connect(format!("sqlite://{database}?mode=ro"))
        .await
        .unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM articles",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    db.close().await.unwrap();
    n
}

#[tokio::test]
async fn production_serve_leaves_an_empty_database_empty_and_seed_demo_fills_it() {
    let database = temp_database("demo");
    let mut server = production_command(&database)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let up = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.contains("is up"))
    })
    .await
    .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    let up = up.expect("the server started");
    assert!(!up.contains("GraphiQL"), "GraphiQL is off: {up}");
    assert_eq!(article_count(&database).await, 0, "no demo in production");

    let output = production_command(&database)
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(article_count(&database).await > 0, "seed-demo loads it");
    remove_database(&database);
}

#[test]
fn help_shows_no_secret_values() {
    let output = Command::new(env!("CARGO_BIN_EXE_toasoan"))
        .arg("--help")
        .env(
            "DATABASE_URL",
            "postgres://news:hunter2-db@db.internal/toasoan",
        )
        .env("JWT_SECRET", "hunter2-jwt-secret-of-thirty-two-bytes")
        .env(
            "JWT_JWKS_URL",
            "https://idp.example/jwks?access_token=hunter2-jwks",
        )
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(help.contains("DATABASE_URL"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
}

/// A production app (router) over a fresh database, changed by `configure`.
async fn production_app(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::empty_with(backend, |config| {
        config.auth.app_env = "production".to_owned();
        config.exposure.cors_allowed_origins = Some(ORIGIN.to_owned());
        configure(config);
    })
    .await
}

fn browser_get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn graphiql_is_off_in_production_unless_turned_on() {
    use api::platform::config::exposure::Switch;
    let off = production_app(Backend::Sqlite, |_| {}).await;
    let page = off.send(browser_get("/graphql")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let asset = off
        .send(browser_get("/graphiql/assets/graphiql.min.js"))
        .await;
    assert_eq!(asset.status(), StatusCode::NOT_FOUND);

    let on = production_app(Backend::Sqlite, |c| c.exposure.graphiql = Some(Switch::On)).await;
    let page = on.send(browser_get("/graphql")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let asset = on
        .send(browser_get("/graphiql/assets/graphiql.min.js"))
        .await;
    assert_eq!(asset.status(), StatusCode::OK);

    let development = TestApp::empty(Backend::Sqlite).await;
    let page = development.send(browser_get("/graphql")).await;
    assert_eq!(page.status(), StatusCode::OK, "development keeps GraphiQL");
}

const SCHEMA: &str = "{ __schema { queryType { name } } }";
/// Introspection hidden in a fragment.
const TYPE_IN_FRAGMENT: &str =
    "query { ...F } fragment F on Query { __type(name: \"Article\") { name } }";

fn introspected(response: &Value) -> bool {
    response.get("errors").is_none()
        && (response["data"]["__schema"]["queryType"]["name"] == json!("Query")
            || response["data"]["__type"]["name"] == json!("Article"))
}

#[tokio::test]
async fn introspection_is_for_editors_and_admins_in_production() {
    use api::platform::config::exposure::Introspection;
    for backend in backends() {
        let app = production_app(backend, |_| {}).await;
        for query in [SCHEMA, TYPE_IN_FRAGMENT] {
            let anonymous = app.graphql(query, json!({})).await;
            assert_eq!(
                first_error_code(&anonymous),
                "UNAUTHENTICATED",
                "{anonymous}"
            );
            assert!(anonymous.get("data").is_none(), "{anonymous}");
            let writer = app
                .graphql_as(&token("w", &["writer"]), query, json!({}))
                .await;
            assert_eq!(first_error_code(&writer), "FORBIDDEN", "{writer}");
            for role in ["editor", "admin"] {
                let staff = app.graphql_as(&token("e", &[role]), query, json!({})).await;
                assert!(introspected(&staff), "{role}: {staff}");
            }
        }
        // `__typename` is no introspection of the schema.
        let typename = app.graphql("{ __typename }", json!({})).await;
        assert_eq!(typename["data"]["__typename"], json!("Query"), "{typename}");

        let off = production_app(backend, |c| {
            c.exposure.introspection = Some(Introspection::Off)
        })
        .await;
        let editor = off
            .graphql_as(&token("e", &["editor"]), SCHEMA, json!({}))
            .await;
        assert_eq!(first_error_code(&editor), "FORBIDDEN", "{editor}");

        let on = production_app(backend, |c| {
            c.exposure.introspection = Some(Introspection::On)
        })
        .await;
        assert!(introspected(&on.graphql(SCHEMA, json!({})).await));
    }
    let development = TestApp::empty(Backend::Sqlite).await;
    assert!(
        introspected(&development.graphql(SCHEMA, json!({})).await),
        "development keeps introspection for all"
    );
}

fn from_origin(method: &str, origin: &str) -> Request<Body> {
    let request = Request::builder()
        .method(method)
        .uri("/graphql?query=%7B__typename%7D")
        .header(header::ORIGIN, origin);
    let request = match method {
        "OPTIONS" => request
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            ),
        _ => request,
    };
    request.body(Body::empty()).unwrap()
}

fn allowed_origin(response: &axum::http::Response<Body>) -> Option<String> {
    response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn cors_allows_the_listed_origins_only() {
    let app = production_app(Backend::Sqlite, |_| {}).await;
    for method in ["GET", "OPTIONS"] {
        let allowed = app.send(from_origin(method, ORIGIN)).await;
        assert_eq!(
            allowed_origin(&allowed).as_deref(),
            Some(ORIGIN),
            "{method}"
        );
        let refused = app.send(from_origin(method, "https://evil.example")).await;
        assert_eq!(allowed_origin(&refused), None, "{method}");
    }
    let preflight = app.send(from_origin("OPTIONS", ORIGIN)).await;
    let headers = preflight
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default();
    assert!(headers.contains("authorization"), "{headers}");

    let any = production_app(Backend::Sqlite, |c| {
        c.exposure.cors_allowed_origins = Some("*".to_owned());
    })
    .await;
    let response = any.send(from_origin("GET", "https://evil.example")).await;
    assert_eq!(
        allowed_origin(&response).as_deref(),
        Some("*"),
        "explicit `*`"
    );

    let development = TestApp::empty(Backend::Sqlite).await;
    let response = development
        .send(from_origin("GET", "https://evil.example"))
        .await;
    assert_eq!(
        allowed_origin(&response).as_deref(),
        Some("*"),
        "development"
    );
}
