//! The HTTP surface: GraphQL over HTTP (GET and POST, content negotiation,
//! status codes), GraphiQL served offline, probes, limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Backend, TestApp, body_json, body_text, first_error_code};
use serde_json::json;

fn get(uri: &str, accept: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri);
    if let Some(accept) = accept {
        builder = builder.header(header::ACCEPT, accept);
    }
    builder.body(Body::empty()).unwrap()
}

fn post(body: &str, accept: Option<&str>) -> Request<Body> {
    let mut builder = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(accept) = accept {
        builder = builder.header(header::ACCEPT, accept);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

const GQL: &str = "application/graphql-response+json";

#[tokio::test]
async fn queries_run_over_get_with_the_negotiated_type() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let uri = "/graphql?query=%7B%20sections%20%7B%20slug%20%7D%20%7D";
    let response = app.send(get(uri, Some(GQL))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(GQL)
    );
    let body = body_json(response).await;
    assert_eq!(body["data"]["sections"][0]["slug"], "thoi-su");

    let response = app.send(get(uri, Some("application/json"))).await;
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn mutations_are_refused_over_get() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let response = app
        .send(get("/graphql?query=mutation%20%7B%20x%20%7D", Some(GQL)))
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "POST");
    // A named mutation, run without naming it, is a mutation too.
    let response = app
        .send(get(
            "/graphql?query=mutation%20M%20%7B%20x%20%7D",
            Some(GQL),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn request_errors_are_400_for_graphql_response_json_and_200_for_json() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let cases = [
        (r#"{"query": "{ articles( }"}"#, "GRAPHQL_PARSE_FAILED"),
        (
            r#"{"query": "{ noSuchField }"}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (body, code) in cases {
        let strict = app.send(post(body, Some(GQL))).await;
        assert_eq!(strict.status(), StatusCode::BAD_REQUEST, "{body}");
        let json = body_json(strict).await;
        assert_eq!(first_error_code(&json), code);
        assert!(json.get("data").is_none(), "a request error has no data");

        let legacy = app.send(post(body, Some("application/json"))).await;
        assert_eq!(legacy.status(), StatusCode::OK, "{body}");
        assert_eq!(first_error_code(&body_json(legacy).await), code);
    }
}

#[tokio::test]
async fn writing_an_answer_keeps_the_order_of_its_fields() {
    // Answers used to go through `serde_json::Value`, which sorts keys.
    // Fields resolved at once (these) keep the order of the selection;
    // async-graphql 7 itself puts fields that wait on a loader in the
    // order they complete (async-graphql/async-graphql#612).
    let app = TestApp::demo(Backend::Sqlite).await;
    let query = r#"{"query": "{ articles(first: 2) { nodes { title slug id } } }"}"#;
    let text = body_text(app.send(post(query, Some(GQL))).await).await;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(at("\"title\"") < at("\"slug\""), "{text}");
    assert!(at("\"slug\"") < at("\"id\""), "{text}");
}

#[tokio::test]
async fn malformed_bodies_and_unsupported_types_get_clear_statuses() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let response = app.send(post("{not json", None)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(first_error_code(&body_json(response).await), "BAD_REQUEST");

    let response = app
        .send(post(r#"{"query": "{ __typename }"}"#, Some("image/png")))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);

    let response = app
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("{ __typename }"))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let wrong_type = app
        .graphql("{ articles(first: \"ten\") { totalCount } }", json!({}))
        .await;
    assert_eq!(first_error_code(&wrong_type), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn oversize_bodies_are_refused() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let padding = " ".repeat(300 * 1024);
    let response = app
        .send(post(
            &format!(r#"{{"query": "{{ __typename {padding} }}"}}"#),
            None,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn deep_and_expensive_queries_are_refused_before_running() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let mut deep = String::from("{ sections { children ");
    for _ in 0..20 {
        deep.push_str("{ children ");
    }
    deep.push_str("{ slug }");
    deep.push_str(&"}".repeat(22));
    let response = app.graphql(&deep, json!({})).await;
    assert_eq!(first_error_code(&response), "QUERY_TOO_COMPLEX");
    let extensions = &response["errors"][0]["extensions"];
    assert_eq!(extensions["measure"], "depth");
    assert_eq!(extensions["limit"], 15);
    assert_eq!(extensions["cost"], 23);

    let expensive = "{ articles(first: 100) { edges { node { relatedArticles(first: 100) {
        relatedArticles(first: 100) { title } } } } } }";
    let response = app.graphql(expensive, json!({})).await;
    assert_eq!(first_error_code(&response), "QUERY_TOO_COMPLEX");
    let extensions = &response["errors"][0]["extensions"];
    assert_eq!(extensions["measure"], "complexity");
    assert_eq!(extensions["limit"], 20_000);
    // 1 + 100 × (edges 1 + node 1 + 1 + 100 × (1 + 100 × title 1)).
    assert_eq!(extensions["cost"], 1 + 100 * (3 + 100 * 101));
}

#[tokio::test]
async fn graphiql_loads_from_the_binary_with_every_asset() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let page = app
        .send(get(
            "/graphql",
            Some("text/html,application/xhtml+xml,*/*;q=0.8"),
        ))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(html.contains("GraphiQL"));
    assert!(!html.contains("https://"), "no asset comes from a CDN");
    // Every script and stylesheet the page references is served, non-empty,
    // with the right type.
    let mut assets = 0;
    for piece in html.split(['"', '\'']) {
        if let Some(file) = piece.strip_prefix("/graphiql/assets/") {
            let response = app
                .send(get(&format!("/graphiql/assets/{file}"), None))
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{file}");
            let content_type = response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned();
            let expected = if file.ends_with(".css") {
                "text/css"
            } else {
                "text/javascript"
            };
            assert!(content_type.starts_with(expected), "{file}: {content_type}");
            assert!(
                body_text(response).await.len() > 1000,
                "{file} is not empty"
            );
            assets += 1;
        }
    }
    assert_eq!(assets, 4, "GraphiQL, its CSS, React and ReactDOM");
    let missing = app.send(get("/graphiql/assets/nope.js", None)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn probes_report_process_and_database() {
    let app = TestApp::empty(Backend::Sqlite).await;
    assert_eq!(
        app.send(get("/healthz", None)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.send(get("/readyz", None)).await.status(),
        StatusCode::OK
    );
    app.db.clone().close().await.unwrap();
    assert_eq!(
        app.send(get("/readyz", None)).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::from(
            r#"{"query": "{ articles(first: 50) { edges { node { title lead } } } }"}"#,
        ))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn a_bad_token_is_refused_never_read_as_anonymous() {
    let app = TestApp::demo(Backend::Sqlite).await;
    for header in [
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ] {
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, header)
            .body(Body::from(r#"{"query": "{ sections { slug } }"}"#))
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{header}");
        assert!(
            response.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let body = body_json(response).await;
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED", "{header}");
        assert!(body.get("data").is_none());
    }
    // A valid token is accepted on GET too.
    let token = common::token("editor-minh", &["editor"]);
    let request = Request::get("/graphql?query=%7B%20sections%20%7B%20slug%20%7D%20%7D")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status(), StatusCode::OK);
}

/// Percent-encodes everything but letters and digits.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn get_selects_the_operation_named_by_operation_name() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let document = "query Sections { sections { slug } } query Tags { tags { slug } }";
    let uri = format!(
        "/graphql?query={}&operationName=Tags&variables=%7B%7D",
        encode(document)
    );
    let body = body_json(app.send(get(&uri, Some(GQL))).await).await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(body["data"]["tags"].is_array());
    assert!(body["data"]["sections"].is_null());

    // async-graphql's own spelling keeps working.
    let uri = format!(
        "/graphql?query={}&operation_name=Sections",
        encode(document)
    );
    let body = body_json(app.send(get(&uri, Some(GQL))).await).await;
    assert_eq!(body["data"]["sections"][0]["slug"], "thoi-su");

    // Without a name, a document of several operations is refused.
    let uri = format!("/graphql?query={}", encode(document));
    let response = app.send(get(&uri, Some(GQL))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn persisted_queries_run_by_hash_over_get_once_registered() {
    use sha2::{Digest, Sha256};
    let app = TestApp::demo(Backend::Sqlite).await;
    let query = "{ sections { slug } }";
    let hash: String = Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let by_hash = format!("/graphql?extensions={}", encode(&extensions.to_string()));

    // Unknown hash: the client is told to send the query once.
    let body = body_json(app.send(get(&by_hash, Some("application/json"))).await).await;
    assert_eq!(first_error_code(&body), "PERSISTED_QUERY_NOT_FOUND");

    // A query whose hash is not its key is refused and not kept.
    let forged = json!({"query": "{ __typename }", "extensions": extensions}).to_string();
    let body = body_json(app.send(post(&forged, Some("application/json"))).await).await;
    assert_eq!(first_error_code(&body), "BAD_REQUEST");

    // Registered with its query, then served by hash alone over GET.
    let register = json!({"query": query, "extensions": extensions}).to_string();
    let body = body_json(app.send(post(&register, Some("application/json"))).await).await;
    assert_eq!(body["data"]["sections"][0]["slug"], "thoi-su");
    let response = app.send(get(&by_hash, Some("application/json"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_json(response).await;
    assert_eq!(body["data"]["sections"][0]["slug"], "thoi-su");

    // A persisted mutation is still refused over GET.
    // (Valid: only a document that validates is kept.)
    let mutation = "mutation { deleteTag(id: \"x\", version: 1) { id } }";
    let m_hash: String = Sha256::digest(mutation.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let m_ext = json!({"persistedQuery": {"version": 1, "sha256Hash": m_hash}});
    app.send(post(
        &json!({"query": mutation, "extensions": m_ext}).to_string(),
        Some("application/json"),
    ))
    .await;
    let uri = format!("/graphql?extensions={}", encode(&m_ext.to_string()));
    let response = app.send(get(&uri, Some("application/json"))).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn anonymous_gets_are_cacheable_with_etags_and_token_reads_are_private() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let uri = "/graphql?query=%7B%20sections%20%7B%20slug%20%7D%20%7D";
    let response = app.send(get(uri, Some(GQL))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=30, s-maxage=30, stale-while-revalidate=30, stale-if-error=86400"
    );
    let tag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
    assert_eq!(
        body_json(response).await["data"]["sections"][0]["slug"],
        "thoi-su"
    );

    // The same answer again: 304 without a body, same validator.
    let mut again = get(uri, Some(GQL));
    again
        .headers_mut()
        .insert(header::IF_NONE_MATCH, tag.parse().unwrap());
    let response = app.send(again).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()[header::ETAG], tag.as_str());
    assert!(body_text(response).await.is_empty());

    // A stale validator gets the full answer.
    let mut stale = get(uri, Some(GQL));
    stale
        .headers_mut()
        .insert(header::IF_NONE_MATCH, "\"0000\"".parse().unwrap());
    assert_eq!(app.send(stale).await.status(), StatusCode::OK);

    // With a token: never stored by shared caches, no validator.
    let mut private = get(uri, Some(GQL));
    private.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {}", common::token("editor-ha", &["editor"]))
            .parse()
            .unwrap(),
    );
    let response = app.send(private).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store"
    );
    assert!(response.headers().get(header::ETAG).is_none());

    // Errors are never stored.
    let response = app
        .send(get(
            "/graphql?query=%7B%20nope%20%7D",
            Some("application/json"),
        ))
        .await;
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store"
    );
}

/// The raw id behind a global ID.
fn raw_id(global: &serde_json::Value) -> i64 {
    api::platform::ids::decode_any(global.as_str().unwrap())
        .unwrap()
        .1
}

/// The `Surrogate-Key` of an anonymous GET of `query`, checked against its
/// `Cache-Tag`; empty when there is none.
async fn surrogate_keys(app: &TestApp, query: &str, token: Option<&str>) -> Vec<String> {
    let mut request = get(&format!("/graphql?query={}", encode(query)), Some(GQL));
    if let Some(token) = token {
        request.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
    }
    let response = app.send(request).await;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (keys, tags) = (header("surrogate-key"), header("cache-tag"));
    assert_eq!(
        keys.as_ref().map(|k| k.replace(' ', ",")),
        tags,
        "Cache-Tag lists the same keys"
    );
    keys.map(|k| k.split(' ').map(str::to_owned).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn cacheable_answers_name_their_articles_and_sections_for_purging() {
    for backend in common::backends() {
        let app = TestApp::demo(backend).await;
        let ids = app
            .data(
                "query($s: String!) { article(slug: $s) { id section { id parent { id } } } }",
                json!({"s": common::SEED_SLUG}),
            )
            .await;
        let article = raw_id(&ids["article"]["id"]);
        let section = raw_id(&ids["article"]["section"]["id"]);
        let parent = raw_id(&ids["article"]["section"]["parent"]["id"]);

        // An article page: the article and the sections it shows.
        let page = format!(
            "{{ article(slug: \"{}\") {{ title url section {{ name parent {{ name }} }} }} }}",
            common::SEED_SLUG
        );
        let mut keys = surrogate_keys(&app, &page, None).await;
        assert_eq!(keys[0], "graphql", "the purge-all key comes first");
        keys.sort();
        let mut expected = vec![
            "graphql".to_owned(),
            format!("article-{article}"),
            format!("section-{parent}"),
            format!("section-{section}"),
        ];
        expected.sort();
        assert_eq!(keys, expected, "{backend:?}");

        // A section's list: its list key and every article shown, not the
        // key of all lists (a publication elsewhere leaves it alone).
        let list =
            "{ articles(filter: {section: \"thoi-su\"}, first: 3) { edges { node { id } } } }";
        let shown = app.data(list, json!({})).await;
        let keys = surrogate_keys(&app, list, None).await;
        assert!(
            keys.contains(&format!("articles-section-{parent}")),
            "{keys:?}"
        );
        assert!(!keys.contains(&"articles".to_owned()), "{keys:?}");
        let edges = shown["articles"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 3);
        for edge in edges {
            let key = format!("article-{}", raw_id(&edge["node"]["id"]));
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }

        // Any other list carries the key every publication purges.
        let keys = surrogate_keys(&app, "{ articles(first: 2) { totalCount } }", None).await;
        assert!(keys.contains(&"articles".to_owned()), "{keys:?}");
        // A lookup that finds nothing too: a publication may fill it.
        let keys = surrogate_keys(&app, "{ article(slug: \"chua-co\") { title } }", None).await;
        assert!(keys.contains(&"articles".to_owned()), "{keys:?}");

        // Private answers and errors are never stored: no keys.
        let token = common::token("editor-ha", &["editor"]);
        assert!(surrogate_keys(&app, &page, Some(&token)).await.is_empty());
        assert!(surrogate_keys(&app, "{ nope }", None).await.is_empty());

        // The change log says what its entries purge.
        let log = app
            .data_as(
                &token,
                "{ changes(first: 100) { edges { node { slug surrogateKeys } } } }",
                json!({}),
            )
            .await;
        let entry = log["changes"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["slug"] == common::SEED_SLUG)
            .unwrap();
        assert_eq!(
            entry["node"]["surrogateKeys"],
            json!([
                format!("article-{article}"),
                "articles",
                format!("articles-section-{section}"),
                format!("articles-section-{parent}"),
            ])
        );
    }
}

#[tokio::test]
async fn a_current_validator_is_answered_without_a_database_statement() {
    for backend in common::backends() {
        let app = TestApp::demo(backend).await;
        let query = format!(
            "{{ article(slug: \"{}\") {{ id title version }} }}",
            common::SEED_SLUG
        );
        let uri = format!("/graphql?query={}", encode(&query));
        let response = app.send(get(&uri, Some(GQL))).await;
        assert_eq!(response.status(), StatusCode::OK);
        let tag = response.headers()[header::ETAG]
            .to_str()
            .unwrap()
            .to_owned();
        let article = body_json(response).await["data"]["article"].clone();

        // Revalidation: 304, and not one statement.
        app.take_statement_count();
        let mut again = get(&uri, Some(GQL));
        again
            .headers_mut()
            .insert(header::IF_NONE_MATCH, tag.parse().unwrap());
        let response = app.send(again).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{backend:?}");
        assert_eq!(response.headers()[header::ETAG], tag.as_str());
        assert_eq!(app.take_statement_count(), 0, "{backend:?}: no query ran");

        // The other media type is another answer: another validator.
        let mut json = get(&uri, Some("application/json"));
        json.headers_mut()
            .insert(header::IF_NONE_MATCH, tag.parse().unwrap());
        assert_eq!(app.send(json).await.status(), StatusCode::OK);

        // An edit changes the generation: the old validator gets the new answer.
        let editor = common::token("editor-ha", &["editor"]);
        app.data_as(
            &editor,
            "mutation($id: ID!, $version: Int!, $input: ArticleInput!) {
                updateArticle(id: $id, version: $version, input: $input) { article { version } } }",
            json!({"id": article["id"], "version": article["version"],
                   "input": {"title": "Tiêu đề đã sửa"}}),
        )
        .await;
        let mut stale = get(&uri, Some(GQL));
        stale
            .headers_mut()
            .insert(header::IF_NONE_MATCH, tag.parse().unwrap());
        let response = app.send(stale).await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
        let fresh = response.headers()[header::ETAG]
            .to_str()
            .unwrap()
            .to_owned();
        assert_ne!(fresh, tag);
        let body = body_json(response).await;
        assert_eq!(body["data"]["article"]["title"], "Tiêu đề đã sửa");

        // And the new one is current until the next write.
        let mut current = get(&uri, Some(GQL));
        current
            .headers_mut()
            .insert(header::IF_NONE_MATCH, fresh.parse().unwrap());
        assert_eq!(app.send(current).await.status(), StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn strict_persisted_queries_run_only_the_manifest() {
    use api::platform::config::persisted::{Manifest, Mode, sha256_hex};
    let known = "{ sections { slug } }";
    let manifest = json!({
        "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{"id": sha256_hex(known), "body": known, "name": "Sections", "type": "query"}]
    });
    let manifest = Manifest::parse(&manifest.to_string()).unwrap();
    for backend in common::backends() {
        let app = TestApp::demo_with(backend, |config| {
            config.persisted_queries = Mode::Strict;
            config.persisted_queries_file = Some(manifest.clone());
        })
        .await;
        let by_hash = |query: &str| {
            let ext = json!({"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}});
            format!("/graphql?extensions={}", encode(&ext.to_string()))
        };

        // The manifest's operation, by hash over GET and by its text.
        let response = app.send(get(&by_hash(known), Some(GQL))).await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(
            body_json(response).await["data"]["sections"][0]["slug"],
            "thoi-su"
        );
        let data = app.data(known, json!({})).await;
        assert_eq!(data["sections"][0]["slug"], "thoi-su");

        // Anything else is refused, with or without a token.
        let other = "{ sections { name } }";
        let refused = app.graphql(other, json!({})).await;
        assert_eq!(first_error_code(&refused), "PERSISTED_QUERY_NOT_ALLOWED");
        let admin = common::token("admin-an", &["admin"]);
        let refused = app.graphql_as(&admin, other, json!({})).await;
        assert_eq!(first_error_code(&refused), "PERSISTED_QUERY_NOT_ALLOWED");
        let response = app.send(get(&by_hash(other), Some(GQL))).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            first_error_code(&body_json(response).await),
            "PERSISTED_QUERY_NOT_ALLOWED"
        );

        // Registering is refused, and registers nothing.
        let ext = json!({"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(other)}});
        let register = json!({"query": other, "extensions": ext}).to_string();
        let body = body_json(app.send(post(&register, Some("application/json"))).await).await;
        assert_eq!(first_error_code(&body), "PERSISTED_QUERY_NOT_ALLOWED");
        let body = body_json(
            app.send(get(&by_hash(other), Some("application/json")))
                .await,
        )
        .await;
        assert_eq!(first_error_code(&body), "PERSISTED_QUERY_NOT_ALLOWED");

        // GraphiQL still loads (its queries are refused like any other).
        let page = app.send(get("/graphql", Some("text/html"))).await;
        assert_eq!(page.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_manifest_whose_hash_is_not_its_query_s_stops_the_server() {
    let path = std::env::temp_dir().join(format!("manifest-{}.json", std::process::id()));
    std::fs::write(
        &path,
        json!({ "0".repeat(64): "{ sections { slug } }" }).to_string(),
    )
    .unwrap();
    let err = api::platform::config::persisted::Manifest::load(path.to_str().unwrap()).unwrap_err();
    std::fs::remove_file(&path).ok();
    assert!(err.contains("the SHA-256 of its body is"), "{err}");
}

#[tokio::test]
async fn content_writes_raise_the_content_generation_and_other_writes_do_not() {
    for backend in common::backends() {
        let app = TestApp::demo(backend).await;
        let before = api::platform::generation::read(&app.db).await.unwrap();
        assert!(before > 1, "{backend:?}: the demo load raised it");

        let admin = common::token("admin-an", &["admin"]);
        app.data_as(
            &admin,
            "mutation { createWebhook(url: \"https://doitac.example/h\", events: [ARTICLE_PUBLISHED]) { secret } }",
            json!({}),
        )
        .await;
        assert_eq!(
            api::platform::generation::read(&app.db).await.unwrap(),
            before
        );

        app.data_as(
            &admin,
            "mutation { createTag(input: {name: \"Chuyển đổi số\"}) { tag { slug } } }",
            json!({}),
        )
        .await;
        let after = api::platform::generation::read(&app.db).await.unwrap();
        assert!(after > before, "{backend:?}");
        if backend == Backend::Postgres {
            // Once per transaction, whatever the rows it wrote.
            assert_eq!(after, before + 1);
        }
    }
}
