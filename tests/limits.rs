//! What a GraphQL request may cost (issue #13): the bombs of the issue
//! refused before anything runs, every limit reporting its measure, and
//! persisted queries kept only once valid, within a byte bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use api::{
    app::{AppState, build_router},
    graphql::endpoint::persisted::sha256_hex,
    platform::config::Config,
};
use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use common::{TestApp, backends, body_json, first_error_code};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Refusals come before validation walks the document and before any
/// resolver, so the answer takes about as long as parsing the document.
/// A debug build parses with unoptimized dependencies (~0.3 s for the
/// 100 KB bombs below, alone on a core); an optimized one in milliseconds.
const FAST: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(5)
} else {
    Duration::from_millis(100)
};

/// The `QUERY_TOO_COMPLEX` extensions of a refusal, checked to be the only
/// error and without data.
fn refusal(response: &Value) -> (String, u64, u64) {
    assert_eq!(
        first_error_code(response),
        "QUERY_TOO_COMPLEX",
        "{response}"
    );
    assert_eq!(response["errors"].as_array().unwrap().len(), 1);
    assert!(
        response.get("data").is_none_or(Value::is_null),
        "{response}"
    );
    let ext = &response["errors"][0]["extensions"];
    (
        ext["measure"].as_str().unwrap().to_owned(),
        ext["limit"].as_u64().unwrap(),
        ext["cost"].as_u64().unwrap(),
    )
}

/// `count` aliases of `field` in one query.
fn aliases(count: usize, field: &str) -> String {
    let mut query = String::from("{");
    for i in 0..count {
        query.push_str(&format!(" a{i}: {field}"));
    }
    query.push('}');
    query
}

#[tokio::test]
async fn the_alias_bombs_of_the_issue_are_refused_at_once_without_a_statement() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let bombs = [
            (
                aliases(
                    1_500,
                    r#"search(query: "dan van tinh uy", first: 0) { totalCount }"#,
                ),
                1_500,
            ),
            (aliases(3_000, "articles(first: 0) { totalCount }"), 3_000),
        ];
        for (bomb, count) in bombs {
            app.take_statement_count();
            let started = Instant::now();
            let response = app.graphql(&bomb, json!({})).await;
            let elapsed = started.elapsed();
            assert_eq!(
                refusal(&response),
                ("rootFields".to_owned(), 20, count),
                "{backend:?}"
            );
            assert_eq!(app.take_statement_count(), 0, "{backend:?}: nothing ran");
            eprintln!("{backend:?}: {count} aliases refused in {elapsed:?}");
            assert!(elapsed < FAST, "{backend:?}: refused in {elapsed:?}");
        }
    }
}

#[tokio::test]
async fn a_page_of_zero_costs_what_a_page_of_one_costs() {
    for backend in backends() {
        // Two counted lists cost 2 × (1 + 1 item × totalCount 50) = 102.
        let app = TestApp::demo_with(backend, |c| c.graphql_max_complexity = 101).await;
        for first in [0, 1] {
            let query = format!(
                "{{ a: articles(first: {first}) {{ totalCount }} \
                 b: articles(first: {first}) {{ totalCount }} }}"
            );
            app.take_statement_count();
            let response = app.graphql(&query, json!({})).await;
            assert_eq!(
                refusal(&response),
                ("complexity".to_owned(), 101, 102),
                "{backend:?}, first: {first}"
            );
            assert_eq!(app.take_statement_count(), 0, "{backend:?}: nothing ran");
        }
        // Too complex and invalid: the validation error is the answer.
        let response = app
            .graphql(
                "{ a: articles(first: 0) { totalCount } b: articles(first: 0) { totalCount } nope }",
                json!({}),
            )
            .await;
        assert_eq!(first_error_code(&response), "GRAPHQL_VALIDATION_FAILED");
        assert!(
            response["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("nope")
        );
        // One of them fits, and runs.
        let data = app
            .data("{ articles(first: 0) { totalCount } }", json!({}))
            .await;
        assert!(data["articles"]["totalCount"].as_u64().unwrap() > 0);
    }
}

#[tokio::test]
async fn a_search_weighs_more_than_a_list_and_variables_count() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.graphql_max_complexity = 150).await;
        // A list of one: 1 + 1 item × (edges 1 + cursor 1) = 3.
        app.data("{ articles(first: 0) { edges { cursor } } }", json!({}))
            .await;
        // The same page of search results: 3 + the search (200).
        let search =
            "query ($n: Int) { search(query: \"dan van\", first: $n) { edges { cursor } } }";
        app.take_statement_count();
        let response = app.graphql(search, json!({"n": 0})).await;
        assert_eq!(
            refusal(&response),
            ("complexity".to_owned(), 150, 203),
            "{backend:?}"
        );
        assert_eq!(app.take_statement_count(), 0, "{backend:?}");
    }
}

#[tokio::test]
async fn root_field_alias_field_and_depth_limits_report_their_measure() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| {
            c.query_limits.graphql_max_root_fields = 3;
            c.query_limits.graphql_max_aliases = 2;
            c.query_limits.graphql_max_fields = 12;
            c.graphql_max_depth = 4;
        })
        .await;
        let cases = [
            (
                "{ sections { slug } tags { slug } people { totalCount } organizations { totalCount } }",
                ("rootFields", 3, 4),
            ),
            (
                "{ sections { a: slug b: name c: slug } }",
                ("aliases", 2, 3),
            ),
            (
                "{ sections { id slug name position parent { id slug name position parent { slug name } } } }",
                ("fields", 12, 13),
            ),
            (
                "{ sections { parent { parent { parent { slug } } } } }",
                ("depth", 4, 5),
            ),
        ];
        for (query, (measure, limit, cost)) in cases {
            app.take_statement_count();
            let response = app.graphql(query, json!({})).await;
            assert_eq!(
                refusal(&response),
                (measure.to_owned(), limit, cost),
                "{backend:?}: {query}"
            );
            assert_eq!(app.take_statement_count(), 0, "{backend:?}: {query}");
        }
        // Within every limit, a query runs.
        let data = app
            .data("{ sections { a: slug parent { slug } } }", json!({}))
            .await;
        assert!(!data["sections"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_fragment_counts_each_time_it_is_spread() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.query_limits.graphql_max_fields = 400).await;
        // C has 5 fields, B spreads C 10 times, A spreads B 10 times: 500
        // fields under `articles { edges { node } }`, 503 in all.
        let ten = |name: &str| format!("...{name} ").repeat(10);
        let query = format!(
            "{{ articles(first: 1) {{ edges {{ node {{ ...A }} }} }} }}
             fragment A on Article {{ {} }}
             fragment B on Article {{ {} }}
             fragment C on Article {{ id slug title lead url }}",
            ten("B"),
            ten("C")
        );
        app.take_statement_count();
        let response = app.graphql(&query, json!({})).await;
        assert_eq!(
            refusal(&response),
            ("fields".to_owned(), 400, 503),
            "{backend:?}"
        );
        assert_eq!(app.take_statement_count(), 0, "{backend:?}");

        // Nine more levels: 5 × 10^10 fields, counted without expanding them.
        let mut bomb = String::from("{ articles(first: 1) { edges { node { ...F0 } } } }\n");
        for level in 0..10 {
            let spreads = ten(&format!("F{}", level + 1));
            bomb.push_str(&format!("fragment F{level} on Article {{ {spreads} }}\n"));
        }
        bomb.push_str("fragment F10 on Article { id slug title lead url }\n");
        let started = Instant::now();
        let response = app.graphql(&bomb, json!({})).await;
        let elapsed = started.elapsed();
        assert_eq!(
            refusal(&response),
            ("fields".to_owned(), 400, 5 * 10u64.pow(10) + 3),
            "{backend:?}"
        );
        assert_eq!(app.take_statement_count(), 0, "{backend:?}");
        assert!(elapsed < FAST, "{backend:?}: refused in {elapsed:?}");
    }
}

#[tokio::test]
async fn root_fields_taking_turns_still_all_answer() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| {
            c.query_limits.graphql_root_field_concurrency = Some(1);
        })
        .await;
        let data = app
            .data(
                "{ a: articles(first: 2) { totalCount edges { node { slug } } } \
                 b: articles(first: 1) { edges { node { slug } } } \
                 sections { slug } s: search(query: \"dan van\", first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(data["a"]["edges"].as_array().unwrap().len(), 2);
        assert_eq!(data["b"]["edges"].as_array().unwrap().len(), 1);
        assert!(data["s"]["totalCount"].as_u64().unwrap() > 0, "{backend:?}");
    }
}

/// A router over `app`'s database with `configure`d settings, and its
/// state (to read the persisted-query store).
async fn router_with(app: &TestApp, configure: impl FnOnce(&mut Config)) -> (Router, AppState) {
    let mut config = Config::for_database(app.url.clone());
    configure(&mut config);
    let verifier = api::platform::auth::Verifier::from_config(&config.auth)
        .await
        .unwrap();
    let state = AppState::new(app.db.clone(), config, verifier);
    (build_router(state.clone()), state)
}

/// POSTs `query` with its hash as an automatic persisted query, or only
/// the hash when `query` is `None`.
async fn persisted(router: &Router, hash: &str, query: Option<&str>) -> Value {
    let mut body = json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": hash}}});
    if let Some(query) = query {
        body["query"] = json!(query);
    }
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    body_json(router.clone().oneshot(request).await.unwrap()).await
}

#[tokio::test]
async fn persisted_queries_keep_only_documents_that_parse_validate_and_fit_the_limits() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (router, state) = router_with(&app, |_| {}).await;
        let refused = [
            ("{ sections { slug ", "GRAPHQL_PARSE_FAILED"),
            ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
            (&*aliases(25, "__typename"), "QUERY_TOO_COMPLEX"),
        ];
        for (query, code) in refused {
            let hash = sha256_hex(query);
            let response = persisted(&router, &hash, Some(query)).await;
            assert_eq!(first_error_code(&response), code, "{backend:?}: {query}");
            let response = persisted(&router, &hash, None).await;
            assert_eq!(
                first_error_code(&response),
                "PERSISTED_QUERY_NOT_FOUND",
                "{backend:?}: {query} was not kept"
            );
        }
        assert_eq!(state.graphql.persisted.usage(), (0, 0));

        // A valid query is kept, even when one of its fields fails.
        let query = "{ sections { slug } article(slug: \"no-such-article\") { title } }";
        let hash = sha256_hex(query);
        persisted(&router, &hash, Some(query)).await;
        let response = persisted(&router, &hash, None).await;
        assert_eq!(
            response["data"]["sections"][0]["slug"], "thoi-su",
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn the_persisted_store_stays_within_its_bytes_under_a_flood_of_distinct_documents() {
    let app = TestApp::empty(common::Backend::Sqlite).await;
    let (router, state) = router_with(&app, |c| c.persisted_queries_max_mb = 1).await;
    let bound = 1 << 20;
    let padding = "x".repeat(1_000);
    let document = |i: usize| format!("query Q{i} {{ __typename }} # {padding}");
    let first = document(0);
    persisted(&router, &sha256_hex(&first), Some(&first)).await;
    for i in 1..1_500 {
        // Junk, which is never kept, then a distinct valid document.
        let junk = format!("{{ junk{i} {padding}");
        persisted(&router, &sha256_hex(&junk), Some(&junk)).await;
        let query = document(i);
        let response = persisted(&router, &sha256_hex(&query), Some(&query)).await;
        assert_eq!(response["data"]["__typename"], "Query");
        let (_, bytes) = state.graphql.persisted.usage();
        assert!(bytes <= bound, "{bytes} bytes kept, over {bound}");
    }
    let (count, bytes) = state.graphql.persisted.usage();
    assert!(
        bytes > bound - 2_000,
        "the store fills up to its bound: {bytes}"
    );
    assert!(count < 1_000, "{count} documents kept");
    let response = persisted(&router, &sha256_hex(&first), None).await;
    assert_eq!(
        first_error_code(&response),
        "PERSISTED_QUERY_NOT_FOUND",
        "the least recently used went first"
    );
    let last = document(1_499);
    let response = persisted(&router, &sha256_hex(&last), None).await;
    assert_eq!(response["data"]["__typename"], "Query");
}

/// GraphiQL's introspection query (graphql-js `getIntrospectionQuery` with
/// every option on): codegen and GraphiQL must stay within the defaults.
const GRAPHIQL_INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name description isRepeatable locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) {
    name description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}
"#;

#[tokio::test]
async fn graphiql_s_introspection_fits_the_default_limits() {
    let app = TestApp::empty(common::Backend::Sqlite).await;
    let data = app.data(GRAPHIQL_INTROSPECTION, json!({})).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}
