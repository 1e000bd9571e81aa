//! `GET /v1/openapi.json` is the contract of the REST routes: it lists
//! every one of them, its schemas compile, and what the routes really
//! answer — status, content type and JSON body — is what it declares.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/ninjs_schema.rs"]
mod ninjs_schema;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Backend, TestApp, body_json, token};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use ninjs_schema::Offline;

async fn document(app: &TestApp) -> Value {
    let response = app
        .send(
            Request::get("/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

/// Checks one real answer against the document: its status is declared
/// for `method path`, its content type is one declared, and a JSON body
/// validates against the declared schema.
fn conforms(
    doc: &Value,
    method: &str,
    path: &str,
    status: StatusCode,
    content_type: &str,
    body: &[u8],
) {
    let operation = &doc["paths"][path][method];
    assert!(
        operation.is_object(),
        "{method} {path} is not in the document"
    );
    let declared = &operation["responses"][status.as_str()];
    assert!(
        declared.is_object(),
        "{method} {path} answered {status}, which it does not declare"
    );
    let Some(content) = declared["content"].as_object() else {
        assert!(body.is_empty(), "{method} {path} {status} declares no body");
        return;
    };
    let media_type = content_type.split(';').next().unwrap().trim();
    let (_, entry) = content
        .iter()
        .find(|(declared, _)| declared.split(';').next().unwrap().trim() == media_type)
        .unwrap_or_else(|| {
            panic!("{method} {path} {status}: {content_type} is not declared: {content:?}")
        });
    if media_type == "application/json" {
        let schema = json!({
            "components": doc["components"],
            "allOf": [entry["schema"]],
        });
        let validator = jsonschema::options()
            .with_retriever(Offline)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{method} {path}: the schema compiles: {e}"));
        let instance: Value = serde_json::from_slice(body).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: {errors:?}\n{instance}"
        );
    }
}

async fn call(app: &TestApp, request: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let response = app.send(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, content_type, body)
}

#[tokio::test]
async fn the_document_lists_every_rest_route_and_its_schemas_compile() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (method, path) in [
        ("get", "/feeds/{file}"),
        ("get", "/feeds/{kind}/{slug}/{file}"),
        ("get", "/sitemap.xml"),
        ("get", "/sitemaps/{file}"),
        ("get", "/sitemap-news.xml"),
        ("get", "/v1/ninjs/articles/{key}"),
        ("get", "/v1/sync"),
        ("post", "/v1/media"),
        ("delete", "/v1/media/{id}"),
        ("post", "/v1/import"),
        ("get", "/media/{key}/original"),
        ("get", "/media/{key}/{size}/{file}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        ("get", "/v1/openapi.json"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(
            operation["responses"]["429"].is_object(),
            "{method} {path}: rate limit declared"
        );
        assert!(
            !operation["tags"].as_array().unwrap().is_empty(),
            "{method} {path} has a tag"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        let schema = json!({
            "components": doc["components"],
            "allOf": [{"$ref": format!("#/components/schemas/{name}")}],
        });
        jsonschema::options()
            .with_retriever(Offline)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"));
    }
}

#[tokio::test]
async fn real_answers_match_what_the_document_declares() {
    for backend in common::backends() {
        let app = TestApp::demo(backend).await;
        let doc = document(&app).await;
        let partner = token("doi-tac", &["partner"]);
        let writer = token("writer-lan", &["writer"]);
        let get = |path: &str, bearer: Option<&str>| {
            let mut request = Request::get(path);
            if let Some(bearer) = bearer {
                request = request.header(header::AUTHORIZATION, format!("Bearer {bearer}"));
            }
            request.body(Body::empty()).unwrap()
        };
        let cases: Vec<(&str, &str, Request<Body>)> = vec![
            ("get", "/v1/sync", get("/v1/sync?limit=3", Some(&partner))),
            ("get", "/v1/sync", get("/v1/sync", None)),
            ("get", "/v1/sync", get("/v1/sync?limit=0", Some(&partner))),
            ("get", "/v1/sync", get("/v1/sync", Some(&writer))),
            (
                "get",
                "/v1/ninjs/articles/{key}",
                get("/v1/ninjs/articles/khong-co-bai-nay", None),
            ),
            ("get", "/feeds/{file}", get("/feeds/rss.xml", None)),
            (
                "get",
                "/feeds/{file}",
                get("/feeds/feed.json?limit=2", None),
            ),
            (
                "get",
                "/feeds/{file}",
                get("/feeds/feed.json?limit=500", None),
            ),
            (
                "get",
                "/feeds/{kind}/{slug}/{file}",
                get("/feeds/sections/thoi-su-chinh-tri/atom.xml", None),
            ),
            (
                "get",
                "/feeds/{kind}/{slug}/{file}",
                get("/feeds/sections/khong-co/atom.xml", None),
            ),
            ("get", "/sitemap.xml", get("/sitemap.xml", None)),
            (
                "get",
                "/sitemaps/{file}",
                get("/sitemaps/articles-1.xml", None),
            ),
            (
                "get",
                "/sitemaps/{file}",
                get("/sitemaps/khong-co.xml", None),
            ),
            ("get", "/sitemap-news.xml", get("/sitemap-news.xml", None)),
            ("get", "/healthz", get("/healthz", None)),
            ("get", "/readyz", get("/readyz", None)),
            ("get", "/metrics", get("/metrics", None)),
            (
                "get",
                "/media/{key}/original",
                get("/media/1-000000000000/original", None),
            ),
            (
                "get",
                "/media/{key}/{size}/{file}",
                get("/media/1-000000000000/641x0/width.jpg", None),
            ),
            ("delete", "/v1/media/{id}", {
                let mut r = Request::delete("/v1/media/TWVkaWE6OTk5OQ");
                r = r.header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", token("bien-tap", &["editor"])),
                );
                r.body(Body::empty()).unwrap()
            }),
            ("post", "/v1/media", {
                Request::post("/v1/media")
                    .header(header::AUTHORIZATION, format!("Bearer {writer}"))
                    .header(header::CONTENT_TYPE, "image/png")
                    .body(Body::from("Dân biết, dân bàn"))
                    .unwrap()
            }),
            ("post", "/v1/import", {
                Request::post("/v1/import")
                    .header(header::AUTHORIZATION, format!("Bearer {writer}"))
                    .header(header::CONTENT_TYPE, "application/xml")
                    .body(Body::from("<rss/>"))
                    .unwrap()
            }),
            ("post", "/v1/import", {
                Request::post("/v1/import?format=joomla")
                    .header(
                        header::AUTHORIZATION,
                        format!("Bearer {}", token("quan-tri", &["admin"])),
                    )
                    .header(header::CONTENT_TYPE, "application/xml")
                    .body(Body::from("<rss/>"))
                    .unwrap()
            }),
            ("post", "/v1/import", {
                Request::post("/v1/import?dryRun=true")
                    .header(
                        header::AUTHORIZATION,
                        format!("Bearer {}", token("quan-tri", &["admin"])),
                    )
                    .header(header::CONTENT_TYPE, "application/x-ndjson")
                    .body(Body::from("{}\n"))
                    .unwrap()
            }),
        ];
        for (method, path, request) in cases {
            let (status, content_type, body) = call(&app, request).await;
            conforms(&doc, method, path, status, &content_type, &body);
        }

        // A ninjs item, and a media upload with its JSON.
        let first = body_json(app.send(get("/v1/sync?limit=1", Some(&partner))).await).await;
        let slug = first["items"][0]["slug"].as_str().unwrap().to_owned();
        let path = format!("/v1/ninjs/articles/{slug}");
        let (status, content_type, body) = call(&app, get(&path, None)).await;
        assert_eq!(status, StatusCode::OK);
        conforms(
            &doc,
            "get",
            "/v1/ninjs/articles/{key}",
            status,
            &content_type,
            &body,
        );
        let mut png = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(64, 48, image::Rgb([164, 0, 0]))
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        let upload = Request::post("/v1/media?caption=Qu%E1%BB%91c%20k%E1%BB%B3")
            .header(header::AUTHORIZATION, format!("Bearer {writer}"))
            .header(header::CONTENT_TYPE, "image/png")
            .body(Body::from(png.into_inner()))
            .unwrap();
        let (status, content_type, body) = call(&app, upload).await;
        assert_eq!(status, StatusCode::CREATED);
        conforms(&doc, "post", "/v1/media", status, &content_type, &body);
        let media: Value = serde_json::from_slice(&body).unwrap();
        let rendition = format!("/media/{}/160x0/width.webp", media["key"].as_str().unwrap());
        let (status, content_type, body) = call(&app, get(&rendition, None)).await;
        assert_eq!(status, StatusCode::OK);
        conforms(
            &doc,
            "get",
            "/media/{key}/{size}/{file}",
            status,
            &content_type,
            &body,
        );
    }
}
