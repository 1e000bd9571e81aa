//! IPTC ninjs 3.1: `GET /v1/ninjs/articles/{id-or-slug}` and the items of
//! `GET /v1/sync`, validated against IPTC's official JSON Schema.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/ninjs_schema.rs"]
mod ninjs_schema;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{SEED_SLUG, TestApp, backends, body_json, token};
use serde_json::{Value, json};

/// GETs `path`, with a bearer token when given: (status, cache-control, JSON).
async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> (StatusCode, String, Value) {
    let mut request = Request::get(path);
    if let Some(t) = bearer {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let status = response.status();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, cache, body_json(response).await)
}

fn of_rel<'a>(list: &'a Value, rel: &str) -> Vec<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rel"] == rel)
        .collect()
}

#[tokio::test]
async fn the_seed_article_is_a_valid_ninjs_item_with_its_whole_graph() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let (status, cache, item) =
            get(&app, &format!("/v1/ninjs/articles/{SEED_SLUG}"), None).await;
        assert_eq!(status, StatusCode::OK, "{item}");
        assert_eq!(cache, "public, max-age=60");
        ninjs_schema::assert_valid(&item);

        assert!(
            item["uri"]
                .as_str()
                .unwrap()
                .starts_with("urn:toasoan:article:")
        );
        assert_eq!(item["type"], "text");
        assert_eq!(item["version"], "1");
        assert_eq!(item["pubStatus"], "usable");
        assert_eq!(item["language"], "vi");
        assert_eq!(item["firstCreated"], "2021-12-27T19:12:00+07:00");
        assert_eq!(item["versionCreated"], "2021-12-27T19:12:00+07:00");
        assert_eq!(item["standard"]["version"], "3.1");
        assert_eq!(
            item["headlines"][0]["value"],
            "Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết chương trình phối hợp giai đoạn 2021-2026"
        );
        assert!(
            item["descriptions"][0]["value"]
                .as_str()
                .unwrap()
                .starts_with("Chiều 27/12")
        );
        assert_eq!(item["by"], "Nguyễn Nam - Trường Ca");

        let body = &item["bodies"][0];
        assert_eq!(body["contentType"], "text/html");
        let html = body["value"].as_str().unwrap();
        assert!(
            html.contains("<figcaption>Toàn cảnh hội nghị. <cite>Nguyễn Nam</cite></figcaption>")
        );
        assert!(body["wordCount"].as_u64().unwrap() > 100);

        let authors: Vec<&str> = of_rel(&item["people"], "author")
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(authors, ["Nguyễn Nam", "Trường Ca"]);
        let mentioned = of_rel(&item["people"], "mentioned");
        assert!(
            mentioned
                .iter()
                .any(|p| p["name"] == "Nguyễn Đức Trung" && p["literal"] == "nguyen-duc-trung")
        );
        let orgs: Vec<&str> = item["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(orgs.len(), 5);
        assert!(orgs.contains(&"Ban Dân vận Tỉnh ủy") && orgs.contains(&"Sở Nội vụ"));
        assert_eq!(item["events"].as_array().unwrap().len(), 2);

        let section = of_rel(&item["subjects"], "section");
        assert_eq!(section[0]["name"], "Thời sự - Chính trị");
        assert_eq!(section[0]["literal"], "thoi-su-chinh-tri");
        let topic = of_rel(&item["subjects"], "mediatopic");
        assert_eq!(topic[0]["literal"], "medtop:11000000");
        assert_eq!(
            topic[0]["uri"],
            "http://cv.iptc.org/newscodes/mediatopic/11000000"
        );
        assert!(
            of_rel(&item["subjects"], "tag")
                .iter()
                .any(|t| t["literal"] == "dan-van")
        );

        // The lead photo once (it also opens the body), then the others.
        let photos = item["associations"].as_array().unwrap();
        assert!(photos.len() >= 3, "{photos:?}");
        assert_eq!(photos[0]["name"], "leadImage");
        assert_eq!(photos[0]["type"], "picture");
        assert_eq!(photos[0]["by"], "Nguyễn Nam");
        assert_eq!(
            photos[0]["descriptions"][0],
            json!({"role": "caption", "contentType": "text/plain", "value": "Toàn cảnh hội nghị."})
        );
        assert_eq!(
            photos[0]["renditions"][0],
            json!({"name": "original", "href": "https://media.toasoan.example/2021/12/27/toan-canh-hoi-nghi.jpg",
                   "contentType": "image/jpeg", "width": 1600, "height": 1067})
        );
        assert_eq!(photos[1]["name"], "image1");
        assert!(
            photos[1]["descriptions"][0]["value"]
                .as_str()
                .unwrap()
                .contains("Nguyễn Mạnh Khôi")
        );
        let uris: std::collections::HashSet<&str> =
            photos.iter().map(|p| p["uri"].as_str().unwrap()).collect();
        assert_eq!(uris.len(), photos.len(), "each photo once");

        let web = &item["renditions"][0];
        assert_eq!(
            web["href"],
            format!("https://baotinh.example/thoi-su-chinh-tri/{SEED_SLUG}")
        );

        // The same item by global ID.
        let id = item["altIds"][0]["value"].as_str().unwrap().to_owned();
        let (status, _, by_id) = get(&app, &format!("/v1/ninjs/articles/{id}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_id, item);
    }
}

#[tokio::test]
async fn every_published_demo_article_validates_as_ninjs() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let partner = token("doi-tac-vtv", &["partner"]);
        let (status, _, page) = get(&app, "/v1/sync?limit=100", Some(&partner)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 42, "the 42 published demo articles");
        let mut with_photos = 0;
        for item in items {
            let ninjs = &item["ninjs"];
            ninjs_schema::assert_valid(ninjs);
            assert_eq!(ninjs["uri"], item["uri"]);
            with_photos += usize::from(ninjs["associations"].is_array());
        }
        assert!(with_photos >= 40, "{with_photos} items with photos");
        // Sections without a media topic inherit their parent's:
        // Nông nghiệp (none) is under Kinh tế (economy).
        let farming: Vec<&Value> = items
            .iter()
            .map(|i| &i["ninjs"])
            .filter(|n| of_rel(&n["subjects"], "section")[0]["literal"] == "nong-nghiep")
            .collect();
        assert_eq!(farming.len(), 4);
        for item in farming {
            assert_eq!(
                of_rel(&item["subjects"], "mediatopic")[0]["literal"],
                "medtop:04000000"
            );
        }
    }
}

#[tokio::test]
async fn the_schema_check_is_not_a_formality() {
    let valid = json!({"uri": "urn:toasoan:article:1", "version": "1",
                       "versionCreated": "2021-12-27T19:12:00+07:00"});
    ninjs_schema::assert_valid(&valid);
    ninjs_schema::assert_invalid(&json!({"version": "1"}));
    ninjs_schema::assert_invalid(&json!({"uri": "urn:toasoan:article:1", "version": 1}));
    ninjs_schema::assert_invalid(&json!({"uri": "urn:toasoan:article:1", "versioncreated": "x"}));
    ninjs_schema::assert_invalid(
        &json!({"uri": "urn:toasoan:article:1", "versionCreated": "hôm qua"}),
    );
    ninjs_schema::assert_invalid(&json!({"uri": "urn:a:1", "associations": [{"uri": "urn:a:2"}]}));
}

#[tokio::test]
async fn drafts_are_previews_for_staff_and_missing_for_everyone_else() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let writer = token("writer-lan", &["writer"]);
        let created = app
            .data_as(
                &writer,
                r#"mutation { createArticle(input: {title: "Bản nháp về công tác dân vận",
                    section: "thoi-su-chinh-tri", lead: "Chưa biên tập."}) { article { id slug } } }"#,
                json!({}),
            )
            .await;
        let slug = created["createArticle"]["article"]["slug"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/v1/ninjs/articles/{slug}");

        let (status, _, anonymous) = get(&app, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "NOT_FOUND");
        let partner = token("doi-tac-vtv", &["partner"]);
        assert_eq!(
            get(&app, &path, Some(&partner)).await.0,
            StatusCode::NOT_FOUND
        );

        let (status, cache, preview) = get(&app, &path, Some(&writer)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cache, "private, no-store");
        assert_eq!(preview["pubStatus"], "withheld");
        assert!(preview.get("associations").is_none());
        ninjs_schema::assert_valid(&preview);
    }
}

#[tokio::test]
async fn old_slugs_resolve_and_bad_keys_and_tokens_get_json_errors() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = token("editor-minh", &["editor"]);
        let seed = get(&app, &format!("/v1/ninjs/articles/{SEED_SLUG}"), None)
            .await
            .2;
        let id = seed["altIds"][0]["value"].clone();
        app.data_as(
            &editor,
            "mutation($id: ID!) { updateArticle(id: $id, version: 1, input: {slug: \"dan-van-2021-2026\"}) { article { slug } } }",
            json!({"id": id}),
        )
        .await;
        let (status, _, renamed) =
            get(&app, &format!("/v1/ninjs/articles/{SEED_SLUG}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(renamed["slugline"], "dan-van-2021-2026");
        assert_eq!(renamed["version"], "2");
        assert_eq!(renamed["uri"], seed["uri"], "the uri survives a rename");

        let (status, _, missing) = get(&app, "/v1/ninjs/articles/khong-co-bai-nay", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(missing["errors"][0]["extensions"]["code"], "NOT_FOUND");

        let person =
            api::platform::ids::encode(api::platform::ids::NodeType::Person, 1).to_string();
        let (status, _, wrong) = get(&app, &format!("/v1/ninjs/articles/{person}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(wrong["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(wrong["errors"][0]["extensions"]["field"], "id");

        let (status, _, refused) = get(
            &app,
            &format!("/v1/ninjs/articles/{SEED_SLUG}"),
            Some("not-a-jwt"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            refused["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn deleted_articles_are_gone_even_for_admins() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = token("admin-ha", &["admin"]);
        let seed = get(&app, &format!("/v1/ninjs/articles/{SEED_SLUG}"), None)
            .await
            .2;
        app.data_as(
            &admin,
            "mutation($id: ID!) { deleteArticle(id: $id, version: 1) { id } }",
            json!({"id": seed["altIds"][0]["value"]}),
        )
        .await;
        let path = format!("/v1/ninjs/articles/{SEED_SLUG}");
        assert_eq!(
            get(&app, &path, Some(&admin)).await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn a_sync_page_costs_the_same_statements_whatever_its_size() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let partner = token("doi-tac-vtv", &["partner"]);
        app.take_statement_count();
        let small = get(&app, "/v1/sync?limit=2", Some(&partner)).await;
        let small_count = app.take_statement_count();
        let large = get(&app, "/v1/sync?limit=40", Some(&partner)).await;
        let large_count = app.take_statement_count();
        assert_eq!(small.2["items"].as_array().unwrap().len(), 2);
        assert_eq!(large.2["items"].as_array().unwrap().len(), 40);
        assert_eq!(small_count, large_count, "no statement per item");
        assert!(large_count <= 16, "{large_count} statements");
    }
}
