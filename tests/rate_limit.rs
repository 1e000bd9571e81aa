//! Rate limiting: budgets per client (address, trusted proxies' chain,
//! token subject, partner quota), charged by cost (a GraphQL operation's
//! complexity, a REST call's fixed cost), answered with 429, `Retry-After`
//! and the IETF draft's `RateLimit`/`RateLimit-Policy` headers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;

use api::platform::config::Config;
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Request, StatusCode},
};
use common::{TestApp, backends, body_json, token};
use serde_json::{Value, json};

const TYPENAME: &str = "{ __typename }";
/// Complexity 1 (the field) + 20 (the page) × 7 (edges, node, id, title,
/// pageInfo and its two fields) = 141 (`graphql/cost.rs`).
const COSTLY: &str =
    "{ articles(first: 20) { edges { node { id title } } pageInfo { hasNextPage endCursor } } }";

/// A client: the connection's address, and optionally a forwarded chain
/// and a bearer token.
#[derive(Clone, Copy, Default)]
struct Client<'a> {
    peer: &'a str,
    forwarded_for: Option<&'a str>,
    bearer: Option<&'a str>,
}

fn at(peer: &str) -> Client<'_> {
    Client {
        peer,
        ..Client::default()
    }
}

fn request(from: Client<'_>, builder: axum::http::request::Builder, body: Body) -> Request<Body> {
    let mut builder = builder;
    if let Some(chain) = from.forwarded_for {
        builder = builder.header("x-forwarded-for", chain);
    }
    if let Some(bearer) = from.bearer {
        builder = builder.header("authorization", format!("Bearer {bearer}"));
    }
    let mut request = builder.body(body).unwrap();
    // What `serve_on` puts on every request it accepts.
    let peer = SocketAddr::new(from.peer.parse().unwrap(), 40000);
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

/// POSTs a GraphQL query: (status, headers, JSON body).
async fn graphql(app: &TestApp, from: Client<'_>, query: &str) -> (StatusCode, HeaderMap, Value) {
    let builder = Request::post("/graphql").header("content-type", "application/json");
    let body = Body::from(json!({ "query": query }).to_string());
    let response = app.send(request(from, builder, body)).await;
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, body_json(response).await)
}

/// GETs a REST route: (status, headers, body).
async fn rest(app: &TestApp, from: Client<'_>, path: &str) -> (StatusCode, HeaderMap, Value) {
    let response = app
        .send(request(from, Request::get(path), Body::empty()))
        .await;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = common::body_text(response).await;
    (
        status,
        headers,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
        .to_str()
        .unwrap()
}

/// `r` of the `RateLimit` header: the units left.
fn remaining(headers: &HeaderMap) -> u32 {
    let value = header(headers, "ratelimit");
    let r = value
        .split(';')
        .find_map(|p| p.strip_prefix("r="))
        .unwrap_or_else(|| panic!("no r in {value}"));
    r.parse().unwrap()
}

fn limited(per_minute: u32) -> impl FnOnce(&mut Config) {
    move |config| config.rate_limit.rate_limit_per_minute = Some(per_minute)
}

fn assert_refused(status: StatusCode, headers: &HeaderMap, body: &Value) {
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let retry: u64 = header(headers, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert!(header(headers, "ratelimit").starts_with("\"default\";r="));
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
}

#[tokio::test]
async fn refused_with_429_and_the_headers_once_the_budget_is_spent() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, limited(3)).await;
        let client = at("192.0.2.1");
        for left in (0..3).rev() {
            let (status, headers, body) = graphql(&app, client, TYPENAME).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["data"]["__typename"], "Query");
            // The headers come with successful answers too.
            assert_eq!(header(&headers, "ratelimit-policy"), "\"default\";q=3;w=60");
            assert_eq!(remaining(&headers), left);
            assert!(headers.get("retry-after").is_none());
        }
        let (status, headers, body) = graphql(&app, client, TYPENAME).await;
        assert_refused(status, &headers, &body);
        assert_eq!(header(&headers, "ratelimit-policy"), "\"default\";q=3;w=60");
        assert_eq!(remaining(&headers), 0);
        assert!(body.get("data").is_none(), "{body}");

        // REST routes: a fixed cost each, the REST error shape.
        let app = TestApp::empty_with(backend, limited(25)).await;
        for left in [15, 5] {
            let (status, headers, _) = rest(&app, client, "/feeds/feed.json").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(remaining(&headers), left);
        }
        let (status, headers, body) = rest(&app, client, "/feeds/feed.json").await;
        assert_refused(status, &headers, &body);
        assert_eq!(body["errors"][0]["message"], "too many requests");
        // Probes are free.
        let (status, headers, _) = rest(&app, client, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get("ratelimit").is_none());
    }
}

#[tokio::test]
async fn a_costly_query_spends_more_than_a_typename() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, limited(200)).await;
        let client = at("192.0.2.2");
        let (_, headers, _) = graphql(&app, client, TYPENAME).await;
        assert_eq!(remaining(&headers), 199, "{{ __typename }} costs 1");
        let (status, headers, body) = graphql(&app, client, COSTLY).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            remaining(&headers),
            199 - 141,
            "a 20-article page costs 141"
        );
        // 58 left: another page does not fit, a cheap query still does.
        let (status, headers, body) = graphql(&app, client, COSTLY).await;
        assert_refused(status, &headers, &body);
        assert_eq!(body["errors"][0]["extensions"]["cost"], 141);
        assert!(body.get("data").is_none(), "{body}");
        let (status, headers, _) = graphql(&app, client, TYPENAME).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            remaining(&headers),
            199 - 141 - 1 - 1,
            "the refused page spent only its admission (1)"
        );
    }
}

#[tokio::test]
async fn two_addresses_have_separate_budgets() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, limited(2)).await;
        for _ in 0..2 {
            assert_eq!(
                graphql(&app, at("192.0.2.3"), TYPENAME).await.0,
                StatusCode::OK
            );
        }
        let (status, headers, body) = graphql(&app, at("192.0.2.3"), TYPENAME).await;
        assert_refused(status, &headers, &body);
        let (status, headers, _) = graphql(&app, at("192.0.2.4"), TYPENAME).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(remaining(&headers), 1);
        // IPv6: one subscriber's /64 is one client.
        graphql(&app, at("2001:db8:1:2::1"), TYPENAME).await;
        graphql(&app, at("2001:db8:1:2::2"), TYPENAME).await;
        let (status, _, _) = graphql(&app, at("2001:db8:1:2::3"), TYPENAME).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, |config| {
            config.rate_limit.rate_limit_per_minute = Some(1);
            config.rate_limit.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        })
        .await;
        let via_cdn = |chain| Client {
            peer: "10.0.0.5",
            forwarded_for: Some(chain),
            bearer: None,
        };
        // Behind the CDN, each client has its own budget.
        assert_eq!(
            graphql(&app, via_cdn("198.51.100.1"), TYPENAME).await.0,
            StatusCode::OK
        );
        assert_eq!(
            graphql(&app, via_cdn("198.51.100.2"), TYPENAME).await.0,
            StatusCode::OK
        );
        let (status, headers, body) = graphql(&app, via_cdn("198.51.100.1"), TYPENAME).await;
        assert_refused(status, &headers, &body);
        // A forged left-most entry changes nothing: the right-most
        // untrusted address counts, through two proxies.
        let forged = via_cdn("6.6.6.6, 198.51.100.1, 10.0.0.9");
        assert_eq!(
            graphql(&app, forged, TYPENAME).await.0,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Client anyone else, X-Forwarded-For is not read.
        let direct = |chain| Client {
            peer: "203.0.113.5",
            forwarded_for: Some(chain),
            bearer: None,
        };
        assert_eq!(
            graphql(&app, direct("198.51.100.3"), TYPENAME).await.0,
            StatusCode::OK
        );
        let (status, _, _) = graphql(&app, direct("198.51.100.4"), TYPENAME).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn token_subjects_have_their_own_buckets() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, limited(1)).await;
        let (alice, bob) = (token("alice", &["writer"]), token("bob", &["editor"]));
        let as_user = |bearer| Client {
            peer: "192.0.2.5",
            forwarded_for: None,
            bearer: Some(bearer),
        };
        assert_eq!(
            graphql(&app, as_user(&alice), TYPENAME).await.0,
            StatusCode::OK
        );
        let (status, headers, body) = graphql(&app, as_user(&alice), TYPENAME).await;
        assert_refused(status, &headers, &body);
        // Another subject, and the address itself, are other budgets.
        assert_eq!(
            graphql(&app, as_user(&bob), TYPENAME).await.0,
            StatusCode::OK
        );
        assert_eq!(
            graphql(&app, at("192.0.2.5"), TYPENAME).await.0,
            StatusCode::OK
        );
        // A token that does not verify cannot pick a fresh bucket: it
        // counts against its (spent) address.
        let forged = format!("{}x", token("mallory", &["writer"]));
        let (status, headers, body) = graphql(&app, as_user(&forged), TYPENAME).await;
        assert_refused(status, &headers, &body);
        // With budget left, it is the usual 401.
        let (status, _, _) = graphql(
            &app,
            Client {
                peer: "192.0.2.6",
                ..as_user(&forged)
            },
            TYPENAME,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn partners_have_their_own_quota() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, |config| {
            config.rate_limit.rate_limit_per_minute = Some(1);
            config.rate_limit.rate_limit_partner_per_minute = Some(30);
        })
        .await;
        let partner = token("syndication-partner", &["partner"]);
        let from = Client {
            peer: "192.0.2.7",
            forwarded_for: None,
            bearer: Some(&partner),
        };
        for left in [20, 10, 0] {
            let (status, headers, _) = rest(&app, from, "/v1/sync").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                header(&headers, "ratelimit-policy"),
                "\"partner\";q=30;w=60"
            );
            assert_eq!(remaining(&headers), left);
        }
        let (status, headers, body) = rest(&app, from, "/v1/sync").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(header(&headers, "ratelimit").starts_with("\"partner\";r=0;"));
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
        // Other signed-in users keep the default policy.
        let writer = token("writer-1", &["writer"]);
        let (_, headers, _) = graphql(
            &app,
            Client {
                bearer: Some(&writer),
                ..from
            },
            TYPENAME,
        )
        .await;
        assert_eq!(header(&headers, "ratelimit-policy"), "\"default\";q=1;w=60");
    }
}

#[tokio::test]
async fn zero_turns_it_off_and_tests_default_to_off() {
    for backend in backends() {
        for app in [
            TestApp::empty_with(backend, limited(0)).await,
            TestApp::empty(backend).await,
        ] {
            for _ in 0..20 {
                let (status, headers, _) = graphql(&app, at("192.0.2.8"), TYPENAME).await;
                assert_eq!(status, StatusCode::OK);
                assert!(headers.get("ratelimit").is_none());
            }
        }
    }
}

/// The real server passes each connection's address on: two loopback
/// addresses are two clients.
#[tokio::test]
async fn the_server_counts_each_connection_s_address() {
    let app = TestApp::empty_with(common::Backend::Sqlite, limited(1)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(api::app::serve_on(listener, app.router.clone()));
    assert_eq!(status_over_tcp("127.0.0.1", addr).await, 200);
    assert_eq!(status_over_tcp("127.0.0.1", addr).await, 429);
    assert_eq!(status_over_tcp("127.0.0.2", addr).await, 200);
    server.abort();
}

/// POSTs `{ __typename }` from `source` over a real connection; the status.
async fn status_over_tcp(source: &str, server: SocketAddr) -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    let stream = socket.connect(server).await.unwrap().into_std().unwrap();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = stream;
        stream.set_nonblocking(false).unwrap();
        let body = json!({ "query": TYPENAME }).to_string();
        write!(
            stream,
            "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer[9..12].parse().unwrap()
    })
    .await
    .unwrap()
}
