//! Time and load limits: a statement past `DB_STATEMENT_TIMEOUT_MS` is
//! cancelled by the database, a request past `REQUEST_TIMEOUT` and a full
//! pool answer `503` with `Retry-After` (`TIMEOUT`, `SERVICE_UNAVAILABLE`),
//! and `MAX_CONCURRENT_REQUESTS` refuses the excess at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use api::{
    app::{AppState, build_router},
    platform::config::Config,
    platform::db::{self, PoolSettings},
    platform::error::{AppError, code},
};
use axum::{
    Router,
    body::Body,
    http::{Request, Response, StatusCode, header},
};
use common::{Backend, TestApp, backends, body_json};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A router over a pool of its own (`settings`), on `base`'s database.
async fn app_over(
    base: &TestApp,
    settings: PoolSettings,
    configure: impl FnOnce(&mut Config),
) -> (Router, DatabaseConnection) {
    let pool = db::connect_with(&base.url, &settings).await.unwrap();
    let mut config = Config::for_database(base.url.clone());
    config.auth.jwt_secret = Some(common::TEST_SECRET.to_owned());
    configure(&mut config);
    let verifier = api::platform::auth::Verifier::from_config(&config.auth)
        .await
        .unwrap();
    let router = build_router(AppState::new(pool.clone(), config, verifier));
    (router, pool)
}

/// A pool of `max_connections` whose statements are cancelled after 300 ms.
fn limited_to_300_ms(max_connections: u32) -> PoolSettings {
    PoolSettings {
        max_connections,
        acquire_timeout: Duration::from_secs(5),
        statement_timeout: Some(Duration::from_millis(300)),
        ping_after_idle: db::PING_AFTER_IDLE,
    }
}

/// A pool of one connection, without a statement limit.
fn one_connection(acquire_timeout: Duration) -> PoolSettings {
    PoolSettings {
        max_connections: 1,
        acquire_timeout,
        statement_timeout: None,
        ping_after_idle: db::PING_AFTER_IDLE,
    }
}

fn graphql_post(query: &str) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.unwrap()
}

/// Asserts a `503` with `Retry-After` and `code`, and returns its body.
async fn assert_retry_later(response: Response<Body>, code: &str, what: &str) -> Value {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{what}");
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("{what}: no Retry-After"))
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert!(retry_after >= 1, "{what}");
    let body = body_json(response).await;
    assert_eq!(common::first_error_code(&body), code, "{what}: {body}");
    body
}

const COUNT: &str = "{ articles(first: 1) { totalCount } }";

/// A statement that runs for seconds on its backend.
fn long_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(5)",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000000) \
             SELECT count(*) FROM c"
        }
    }
}

/// A statement of some thousands of steps that ends well within the limit.
fn short_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(0.05)",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000) \
             SELECT count(*) FROM c"
        }
    }
}

/// The loaders' pool of their own (PostgreSQL, `db::batch_reads`) is
/// built from the serving pool's options: its statements are cancelled at
/// the same limit.
#[tokio::test]
async fn the_loaders_pool_keeps_the_statement_timeout() {
    for backend in backends() {
        if backend != Backend::Postgres {
            continue;
        }
        let base = TestApp::empty(backend).await;
        let pool = db::connect_with(&base.url, &limited_to_300_ms(2))
            .await
            .unwrap();
        let config = Config::for_database(base.url.clone());
        let verifier = api::platform::auth::Verifier::from_config(&config.auth)
            .await
            .unwrap();
        let state = AppState::new(pool.clone(), config, verifier);
        let batches = state.databases.batch_reads();
        let started = Instant::now();
        let err = batches
            .query_one_raw(Statement::from_string(
                batches.get_database_backend(),
                long_statement(backend),
            ))
            .await
            .expect_err("the statement is cancelled");
        assert_eq!(AppError::from(err).code(), code::TIMEOUT);
        assert!(started.elapsed() < Duration::from_secs(2));
        // It did run on a pool of its own.
        assert_eq!(state.databases.batch_statements(), 1);
    }
}

#[tokio::test]
async fn the_statement_timeout_cancels_a_long_statement() {
    for backend in backends() {
        let base = TestApp::empty(backend).await;
        let pool = db::connect_with(&base.url, &limited_to_300_ms(1))
            .await
            .unwrap();
        let started = Instant::now();
        let result = pool
            .query_one_raw(Statement::from_string(
                pool.get_database_backend(),
                long_statement(backend),
            ))
            .await;
        let took = started.elapsed();
        let err = result.expect_err("the statement is cancelled");
        assert_eq!(AppError::from(err).code(), code::TIMEOUT, "{backend:?}");
        assert!(took < Duration::from_secs(2), "{backend:?}: took {took:?}");

        // The same connection, well after the deadline of its last
        // checkout, runs a statement long enough to be watched: each
        // checkout gets its own time.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let short = pool
            .query_one_raw(Statement::from_string(
                pool.get_database_backend(),
                short_statement(backend),
            ))
            .await;
        assert!(short.is_ok(), "{backend:?}: {short:?}");
        pool.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_request_past_the_timeout_is_503_timeout() {
    for backend in backends() {
        let base = TestApp::empty(backend).await;
        let (router, pool) = app_over(&base, one_connection(Duration::from_secs(10)), |c| {
            c.load.request_timeout = Some(Duration::from_millis(200));
        })
        .await;
        // The only connection is taken: the request waits until its time
        // is up.
        let held = pool.begin().await.unwrap();
        let started = Instant::now();
        let response = send(&router, graphql_post(COUNT)).await;
        assert!(started.elapsed() < Duration::from_secs(3), "{backend:?}");
        assert_retry_later(response, code::TIMEOUT, &format!("{backend:?}")).await;
        held.rollback().await.unwrap();

        // The older REQUEST_TIMEOUT_SECS still works, with the new answer.
        let (router, pool) = app_over(&base, one_connection(Duration::from_secs(10)), |c| {
            c.request_timeout_secs = 1;
        })
        .await;
        let held = pool.begin().await.unwrap();
        let response = send(&router, graphql_post(COUNT)).await;
        assert_retry_later(response, code::TIMEOUT, "REQUEST_TIMEOUT_SECS").await;
        held.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn a_full_pool_is_503_service_unavailable() {
    for backend in backends() {
        let base = TestApp::empty(backend).await;
        let (router, pool) =
            app_over(&base, one_connection(Duration::from_millis(200)), |_| {}).await;
        let held = pool.begin().await.unwrap();

        let response = send(&router, graphql_post(COUNT)).await;
        let body = assert_retry_later(response, code::SERVICE_UNAVAILABLE, "GraphQL").await;
        assert!(
            !body.to_string().contains("pool"),
            "no internals shown: {body}"
        );
        let response = send(&router, get("/sitemap.xml")).await;
        assert_retry_later(response, code::SERVICE_UNAVAILABLE, "REST").await;

        held.rollback().await.unwrap();
        let response = send(&router, graphql_post(COUNT)).await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
    }
}

#[tokio::test]
async fn max_concurrent_requests_refuses_the_excess_at_once() {
    let base = TestApp::empty(Backend::Sqlite).await;
    let (router, pool) = app_over(&base, one_connection(Duration::from_secs(10)), |c| {
        c.load.max_concurrent_requests = 1;
    })
    .await;
    let held = pool.begin().await.unwrap();
    // One request in flight, waiting for the connection.
    let first = tokio::spawn(send_owned(router.clone(), graphql_post(COUNT)));
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let response = send(&router, graphql_post(COUNT)).await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "refused at once"
    );
    assert_retry_later(response, code::SERVICE_UNAVAILABLE, "the excess").await;
    let probe = send(&router, get("/healthz")).await;
    assert_eq!(probe.status(), StatusCode::OK, "probes are never shed");

    held.rollback().await.unwrap();
    let first = first.await.unwrap();
    assert_eq!(
        first.status(),
        StatusCode::OK,
        "the accepted request finishes"
    );
    let after = send(&router, graphql_post(COUNT)).await;
    assert_eq!(after.status(), StatusCode::OK, "its permit came back");
}

async fn send_owned(router: Router, request: Request<Body>) -> Response<Body> {
    router.oneshot(request).await.unwrap()
}

/// PostgreSQL: a pooled connection that sat idle past `ping_after_idle`
/// is pinged before a checkout and replaced when the database dropped
/// it; a connection used more recently is handed out without a ping
/// (sqlx's default pings every checkout, a round trip per statement).
#[tokio::test]
async fn an_idle_connection_is_pinged_and_a_busy_one_is_not() {
    for backend in backends() {
        if backend != Backend::Postgres {
            continue;
        }
        let base = TestApp::empty(backend).await;
        let admin = db::connect(&base.url, 1).await.unwrap();
        for (ping_after_idle, replaced) in [
            (Duration::from_millis(100), true),
            (Duration::from_secs(3600), false),
        ] {
            let pool = db::connect_with(
                &base.url,
                &PoolSettings {
                    ping_after_idle,
                    ..one_connection(Duration::from_secs(5))
                },
            )
            .await
            .unwrap();
            let backend_pid = |pool: DatabaseConnection| async move {
                let row = pool
                    .query_one_raw(Statement::from_string(
                        pool.get_database_backend(),
                        "SELECT pg_backend_pid()::bigint AS pid",
                    ))
                    .await?
                    .unwrap();
                row.try_get::<i64>("", "pid")
            };
            let first = backend_pid(pool.clone()).await.unwrap();
            // The connection goes back to the pool (and is pinged there)
            // in a task of its own: let it settle before dropping it.
            tokio::time::sleep(Duration::from_millis(100)).await;
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT pg_terminate_backend({first})"),
                ))
                .await
                .unwrap();
            while admin
                .query_one_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT 1 AS gone FROM pg_stat_activity WHERE pid = {first}"),
                ))
                .await
                .unwrap()
                .is_some()
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            let second = backend_pid(pool.clone()).await;
            if replaced {
                let second = second.expect("the dropped connection is replaced");
                assert_ne!(second, first, "a new backend serves the checkout");
            } else {
                assert!(
                    second.is_err(),
                    "a connection used within the threshold is not pinged: {second:?}"
                );
            }
        }
    }
}
