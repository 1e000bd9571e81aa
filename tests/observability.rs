//! What an operator watches: the series of `GET /metrics` (names, labels,
//! values that move), `METRICS_ADDR`, the `X-Request-Id` round trip, and,
//! through the real binary, the JSON access line and OTLP traces.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "observability/binary.rs"]
mod binary;
mod common;

use api::{
    app::{AppState, build_metrics_router, build_router},
    platform::{auth::Verifier, config::Config, db},
};
use axum::{
    Router,
    body::Body,
    http::{Request, Response, StatusCode},
};
use chrono::{Duration, Utc};
use common::{Backend, TEST_SECRET, TestApp, backends, body_json, body_text};
use entity::{
    article::{self, ArticleStatus},
    webhook, webhook_delivery,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A server over `app`'s database whose `/metrics` counts and times its
/// statements (as `serve` does), configured by `configure`.
async fn counting(app: &TestApp, configure: impl FnOnce(&mut Config)) -> (AppState, Router) {
    let conn = db::connect(&app.url, 5).await.unwrap();
    let mut config = Config::for_database(app.url.clone());
    config.auth.jwt_secret = Some(TEST_SECRET.to_owned());
    configure(&mut config);
    let verifier = Verifier::from_config(&config.auth).await.unwrap();
    let state = AppState::counting_statements(conn, config, verifier);
    let router = build_router(state.clone());
    (state, router)
}

async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.unwrap()
}

fn graphql(body: Value) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

async fn scrape(router: &Router) -> String {
    let response = send(router, get("/metrics")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    body_text(response).await
}

/// The value of the series `series` (name and labels, exactly as written).
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no series {series} in\n{text}"))
        .parse()
        .unwrap()
}

/// A pending delivery queued two minutes ago and a failed one.
async fn backlog(app: &TestApp) {
    let now = Utc::now();
    let hook = webhook::ActiveModel {
        url: Set("https://partner.example/hook".to_owned()),
        events: Set("[\"article.published\"]".to_owned()),
        secret: Set("s".repeat(32)),
        enabled: Set(true),
        created_at: Set(now),
        created_by: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for (n, status, queued) in [
        (
            1,
            webhook_delivery::DeliveryStatus::Pending,
            now - Duration::seconds(120),
        ),
        (
            2,
            webhook_delivery::DeliveryStatus::Pending,
            now - Duration::seconds(5),
        ),
        (
            3,
            webhook_delivery::DeliveryStatus::Failed,
            now - Duration::days(2),
        ),
    ] {
        webhook_delivery::ActiveModel {
            event_id: Set(format!("evt-{n}")),
            webhook_id: Set(hook.id),
            change_id: Set(n),
            article_id: Set(1),
            event: Set("article.published".to_owned()),
            payload: Set("{}".to_owned()),
            status: Set(status),
            attempts: Set(0),
            next_attempt_at: Set(now + Duration::hours(1)),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(queued),
            queued_at: Set(queued),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
}

/// One article scheduled 90 s ago and not flipped (no scheduler runs).
async fn overdue_article(app: &TestApp) {
    let first = article::Entity::find().one(&app.db).await.unwrap().unwrap();
    article::Entity::update_many()
        .col_expr(
            article::Column::Status,
            Expr::value(ArticleStatus::Scheduled),
        )
        .col_expr(
            article::Column::PublishedAt,
            Expr::value(Utc::now() - Duration::seconds(90)),
        )
        .filter(article::Column::Id.eq(first.id))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn metrics_have_the_named_families_with_bounded_labels_and_values_that_move() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (_state, router) =
            counting(&app, |c| c.observability.metrics_operation_names = 2).await;
        let system = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        };
        // Arrange: named operations past the cap of 2, an error, REST
        // routes with parameters, a path that matches no route.
        let home =
            json!({"query": "query Home { articles(first: 2) { edges { node { title } } } }"});
        assert_eq!(
            send(&router, graphql(home.clone())).await.status(),
            StatusCode::OK
        );
        let broken = json!({"query": "query Broken {", "operationName": "Broken"});
        send(&router, graphql(broken)).await;
        let third = json!({"query": "query Third { __typename }"});
        send(&router, graphql(third)).await;
        send(&router, graphql(json!({"query": "{ __typename }"}))).await;
        assert_eq!(
            send(&router, get("/feeds/rss.xml")).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            send(&router, get("/no/such/page")).await.status(),
            StatusCode::NOT_FOUND
        );
        backlog(&app).await;
        overdue_article(&app).await;

        let text = scrape(&router).await;

        // HTTP: route templates, never raw paths.
        let graphql_ok = "http_server_request_duration_seconds_count{http_route=\"/graphql\",http_request_method=\"POST\",http_response_status_code=\"200\"}";
        assert!(value(&text, graphql_ok) >= 3.0, "{text}");
        value(
            &text,
            "http_server_request_duration_seconds_count{http_route=\"/feeds/{file}\",http_request_method=\"GET\",http_response_status_code=\"200\"}",
        );
        value(
            &text,
            "http_server_request_duration_seconds_count{http_route=\"unmatched\",http_request_method=\"GET\",http_response_status_code=\"404\"}",
        );
        assert!(
            text.contains("# TYPE http_server_request_duration_seconds histogram"),
            "{text}"
        );
        assert!(text.contains("http_server_request_duration_seconds_bucket{http_route=\"/graphql\",http_request_method=\"POST\",http_response_status_code=\"200\",le=\"0.005\"}"), "{text}");
        assert!(
            !text.contains("rss.xml") && !text.contains("/no/such"),
            "{text}"
        );
        // GraphQL: names under the cap, `other` past it, `anonymous`, codes.
        assert_eq!(
            value(
                &text,
                "toasoan_graphql_operations_total{graphql_operation_name=\"Home\"}"
            ),
            1.0
        );
        assert_eq!(
            value(
                &text,
                "toasoan_graphql_operations_total{graphql_operation_name=\"Broken\"}"
            ),
            1.0
        );
        assert_eq!(
            value(
                &text,
                "toasoan_graphql_operations_total{graphql_operation_name=\"other\"}"
            ),
            1.0
        );
        assert_eq!(
            value(
                &text,
                "toasoan_graphql_operations_total{graphql_operation_name=\"anonymous\"}"
            ),
            1.0
        );
        assert!(!text.contains("Third"), "{text}");
        assert_eq!(
            value(
                &text,
                "toasoan_graphql_errors_total{graphql_operation_name=\"Broken\",error_code=\"GRAPHQL_PARSE_FAILED\"}"
            ),
            1.0
        );
        // The database: statements by kind, the pool.
        let selects = format!(
            "db_client_operation_duration_seconds_count{{db_system_name=\"{system}\",db_operation_name=\"SELECT\"}}"
        );
        assert!(value(&text, &selects) >= 1.0, "{text}");
        assert!(value(&text, "db_client_connection_count{state=\"idle\"}") >= 0.0);
        assert!(value(&text, "db_client_connection_count{state=\"used\"}") >= 0.0);
        assert_eq!(value(&text, "db_client_connection_max"), 5.0);
        // The backlog, read at scrape time.
        assert_eq!(value(&text, "toasoan_webhook_deliveries_pending"), 2.0);
        assert_eq!(value(&text, "toasoan_webhook_deliveries_failed"), 1.0);
        let age = value(&text, "toasoan_webhook_oldest_pending_age_seconds");
        assert!((119.0..200.0).contains(&age), "{age}");
        let lag = value(&text, "toasoan_scheduler_lag_seconds");
        assert!((89.0..200.0).contains(&lag), "{lag}");
        // Build info and the series the benchmark reads.
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            value(
                &text,
                &format!("toasoan_build_info{{version=\"{version}\"}}")
            ),
            1.0
        );
        assert_eq!(value(&text, "toasoan_graphql_requests_total"), 4.0);
        assert!(value(&text, "toasoan_sql_statements_total") >= 1.0);
        value(&text, "toasoan_response_cache_hits_total");
        value(&text, "toasoan_response_cache_entries");

        // Act: Home again (from the response cache), a Home that runs,
        // and the scheduler catches up.
        send(&router, graphql(home)).await;
        let home_3 =
            json!({"query": "query Home { articles(first: 3) { edges { node { title } } } }"});
        send(&router, graphql(home_3)).await;
        article::Entity::update_many()
            .col_expr(
                article::Column::Status,
                Expr::value(ArticleStatus::Published),
            )
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .exec(&app.db)
            .await
            .unwrap();
        let after = scrape(&router).await;

        // Assert: the values moved.
        assert_eq!(
            value(
                &after,
                "toasoan_graphql_operations_total{graphql_operation_name=\"Home\"}"
            ),
            3.0
        );
        assert_eq!(value(&after, "toasoan_response_cache_hits_total"), 1.0);
        assert!(value(&after, graphql_ok) > value(&text, graphql_ok));
        assert!(value(&after, &selects) > value(&text, &selects));
        assert_eq!(value(&after, "toasoan_scheduler_lag_seconds"), 0.0);
    }
}

#[tokio::test]
async fn metrics_addr_takes_metrics_off_the_public_router() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let (state, public) = counting(&app, |c| {
        c.observability.metrics_addr = Some(([127, 0, 0, 1], 0).into());
    })
    .await;

    assert_eq!(
        send(&public, get("/metrics")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&public, get("/healthz")).await.status(),
        StatusCode::OK
    );
    let apart = build_metrics_router(&state);
    let text = scrape(&apart).await;
    // The public 404 and healthz were counted, on the public router.
    value(
        &text,
        "http_server_request_duration_seconds_count{http_route=\"unmatched\",http_request_method=\"GET\",http_response_status_code=\"404\"}",
    );
    value(
        &text,
        "http_server_request_duration_seconds_count{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\"}",
    );
}

#[tokio::test]
async fn request_ids_round_trip_into_headers_and_error_extensions() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let broken = || json!({"query": "query Broken {"});
        let with_id = |id: &[u8]| {
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("x-request-id", id)
                .body(Body::from(broken().to_string()))
                .unwrap()
        };

        // Given: echoed, and in the error's extensions.
        let response = app.send(with_id(b"client-id-42")).await;
        assert_eq!(response.headers()["x-request-id"], "client-id-42");
        let body = body_json(response).await;
        assert_eq!(
            body["errors"][0]["extensions"]["requestId"], "client-id-42",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );

        // Absent: generated (a UUID), the same in header and body.
        let response = app.send(graphql(broken())).await;
        let generated = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(generated.len(), 36, "{generated}");
        let body = body_json(response).await;
        assert_eq!(
            body["errors"][0]["extensions"]["requestId"],
            generated.as_str()
        );

        // Oversized or not visible ASCII: replaced.
        for insane in [&[b'x'; 129][..], b"two words", b"caf\xc3\xa9"] {
            let response = app.send(with_id(insane)).await;
            let id = response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned();
            assert_eq!(id.len(), 36, "{id}");
            assert_ne!(id.as_bytes(), insane);
        }

        // REST errors carry it too.
        let request = Request::get("/v1/ninjs/articles/no-such-article")
            .header("x-request-id", "rest-id-7")
            .body(Body::empty())
            .unwrap();
        let response = app.send(request).await;
        assert!(response.status().is_client_error());
        assert_eq!(response.headers()["x-request-id"], "rest-id-7");
        let body = body_json(response).await;
        assert_eq!(
            body["errors"][0]["extensions"]["requestId"], "rest-id-7",
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_binary_writes_json_access_lines_serves_metrics_apart_and_exports_traces() {
    binary::json_access_lines_metrics_addr_and_traces().await;
}
