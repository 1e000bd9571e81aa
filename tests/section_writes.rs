//! Writes on sections: only an empty leaf can be deleted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/catalog.rs"]
mod catalog;
mod common;

use catalog::*;
use common::{TestApp, backends, first_error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn a_section_with_articles_or_sub_sections_cannot_be_deleted() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        let delete = "mutation($id: ID!, $version: Int!) { deleteSection(id: $id, version: $version) { id slug } }";

        let politics = data(
            &app,
            &admin,
            SECTION,
            json!({ "slug": "thoi-su-chinh-tri" }),
        )
        .await["section"]
            .clone();
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": politics["id"], "version": politics["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let message = error(&refused)["message"].as_str().unwrap();
        assert!(
            message.contains("articles") && message.contains("detach"),
            "says what to do, and that detach does not apply: {message}"
        );

        let news =
            data(&app, &admin, SECTION, json!({ "slug": "thoi-su" })).await["section"].clone();
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": news["id"], "version": news["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        assert!(
            error(&refused)["message"]
                .as_str()
                .unwrap()
                .contains("2 sub-sections"),
            "{refused}"
        );

        // An empty branch goes leaf first.
        let create = "mutation($input: SectionInput!) { createSection(input: $input) {
            section { id slug version position parent { slug } } } }";
        let branch = data(
            &app,
            &admin,
            create,
            json!({ "input": { "name": "Khoa học - Công nghệ" } }),
        )
        .await["createSection"]["section"]
            .clone();
        assert_eq!(branch["position"], 8, "a new section goes last");
        let leaf = data(
            &app,
            &admin,
            create,
            json!({ "input": { "name": "Chuyển đổi số", "parent": branch["id"] } }),
        )
        .await["createSection"]["section"]
            .clone();
        assert_eq!(leaf["parent"]["slug"], "khoa-hoc-cong-nghe");
        assert_eq!(leaf["position"], 1);
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": branch["id"], "version": branch["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        data(
            &app,
            &admin,
            delete,
            json!({ "id": leaf["id"], "version": leaf["version"] }),
        )
        .await;
        let deleted = data(
            &app,
            &admin,
            delete,
            json!({ "id": branch["id"], "version": branch["version"] }),
        )
        .await;
        assert_eq!(deleted["deleteSection"]["slug"], "khoa-hoc-cong-nghe");
        let gone = call(&app, None, SECTION, json!({ "slug": "khoa-hoc-cong-nghe" })).await;
        assert_eq!(gone["data"]["section"], Value::Null);
    }
}
