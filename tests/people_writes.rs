//! Writes on people: positions, partial updates, merges, and deletion of
//! a linked person.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/catalog.rs"]
mod catalog;
mod common;

use std::collections::BTreeSet;

use catalog::*;
use common::{SEED_SLUG, TestApp, backends, first_error_code};
use entity::article_person;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

#[tokio::test]
async fn people_are_created_with_positions_and_updated_in_part() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let tinh_uy = data(&app, &editor, ORGANIZATION, json!({ "slug": "tinh-uy" })).await;
        let created = data(
            &app,
            &editor,
            "mutation($input: PersonInput!) { createPerson(input: $input) {
                person { id slug version fullName honorific bio
                         positions { title from to organization { slug } } } } }",
            json!({ "input": {
                "fullName": "Hoàng Thị Thu Hường",
                "honorific": "Đồng chí",
                "bio": "Sinh năm 1975 tại xã Thủy Sơn.\n\nThạc sĩ Quản lý công.",
                "positions": [
                    { "organization": "so-noi-vu", "title": "Phó Giám đốc Sở Nội vụ",
                      "from": "2018-03-01", "to": "2023-06-30" },
                    { "organization": tinh_uy["organization"]["id"], "title": "Tỉnh ủy viên",
                      "from": "2023-07-01" }
                ]
            } }),
        )
        .await;
        let person = &created["createPerson"]["person"];
        assert_eq!(person["slug"], "hoang-thi-thu-huong");
        assert_eq!(person["version"], 1);
        assert_eq!(
            person["bio"],
            "Sinh năm 1975 tại xã Thủy Sơn.\n\nThạc sĩ Quản lý công."
        );
        assert_eq!(
            person["positions"],
            json!([
                { "title": "Phó Giám đốc Sở Nội vụ", "from": "2018-03-01", "to": "2023-06-30",
                  "organization": { "slug": "so-noi-vu" } },
                { "title": "Tỉnh ủy viên", "from": "2023-07-01", "to": null,
                  "organization": { "slug": "tinh-uy" } }
            ])
        );

        // Only the bio changes; null clears the honorific.
        let updated = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": person["id"], "version": 1,
                    "input": { "bio": "Tỉnh ủy viên khóa XX.", "honorific": null } }),
        )
        .await;
        let updated = &updated["updatePerson"]["person"];
        assert_eq!(updated["fullName"], "Hoàng Thị Thu Hường");
        assert_eq!(
            updated["slug"], "hoang-thi-thu-huong",
            "a rename needs an explicit slug"
        );
        assert_eq!(updated["bio"], "Tỉnh ủy viên khóa XX.");
        assert_eq!(updated["honorific"], Value::Null);
        assert_eq!(updated["positions"], person["positions"]);

        // Positions given replace them all.
        let replaced = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": person["id"], "version": 2, "input": { "positions": [
                { "organization": "ubnd-tinh", "title": "Phó Chủ tịch UBND tỉnh", "from": "2025-07-01" }
            ] } }),
        )
        .await;
        assert_eq!(
            replaced["updatePerson"]["person"]["positions"],
            json!([{ "title": "Phó Chủ tịch UBND tỉnh", "from": "2025-07-01", "to": null,
                     "organization": { "slug": "ubnd-tinh" } }])
        );
        let org = data(&app, &editor, ORGANIZATION, json!({ "slug": "so-noi-vu" })).await;
        assert!(
            !org["organization"]["positions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["person"]["slug"] == "hoang-thi-thu-huong"),
            "the old positions are gone"
        );
    }
}

#[tokio::test]
async fn merging_people_moves_their_articles_events_and_positions() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        // Two records of one official; both are mentioned in the seed article.
        let from =
            data(&app, &admin, PERSON, json!({ "slug": "le-dinh-ly" })).await["person"].clone();
        let into =
            data(&app, &admin, PERSON, json!({ "slug": "nguyen-duc-trung" })).await["person"]
                .clone();
        let articles: BTreeSet<String> = ids(&from["articles"])
            .union(&ids(&into["articles"]))
            .cloned()
            .collect();
        let events: BTreeSet<String> = ids(&from["events"])
            .union(&ids(&into["events"]))
            .cloned()
            .collect();
        assert!(
            ids(&from["articles"])
                .intersection(&ids(&into["articles"]))
                .count()
                > 0,
            "the two share an article, whose duplicate link must be dropped"
        );
        assert!(articles.len() > ids(&into["articles"]).len());
        let positions = from["positions"].as_array().unwrap().len()
            + into["positions"].as_array().unwrap().len();

        let merged = data(
            &app,
            &admin,
            "mutation($from: ID!, $into: ID!) { mergePeople(from: $from, into: $into) {
                person { id slug version } } }",
            json!({ "from": from["id"], "into": "nguyen-duc-trung" }),
        )
        .await;
        let merged = &merged["mergePeople"]["person"];
        assert_eq!(merged["id"], into["id"]);
        assert_eq!(
            merged["version"],
            json!(into["version"].as_i64().unwrap() + 1)
        );

        let after =
            data(&app, &admin, PERSON, json!({ "slug": "nguyen-duc-trung" })).await["person"]
                .clone();
        assert_eq!(ids(&after["articles"]), articles);
        assert_eq!(after["articles"]["totalCount"], json!(articles.len()));
        assert_eq!(ids(&after["events"]), events);
        assert_eq!(after["positions"].as_array().unwrap().len(), positions);

        // The old slug leads to the person who stays; the old ID is gone.
        let old = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(old["data"]["person"]["id"], into["id"]);
        assert_eq!(old["data"]["person"]["slug"], "nguyen-duc-trung");
        let by_id = call(
            &app,
            None,
            "query($id: ID!) { person(id: $id) { slug } }",
            json!({ "id": from["id"] }),
        )
        .await;
        assert_eq!(by_id["data"]["person"], Value::Null);
        let seed = call(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { people { role person { slug } } } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
        let linked: Vec<&Value> = seed["data"]["article"]["people"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["person"]["slug"] == "nguyen-duc-trung")
            .collect();
        assert_eq!(linked.len(), 1, "one MENTIONED link left: {linked:?}");

        // Merging into oneself is refused.
        let itself = call(
            &app,
            Some(&admin),
            "mutation($from: ID!, $into: ID!) { mergePeople(from: $from, into: $into) { person { id } } }",
            json!({ "from": into["id"], "into": "nguyen-duc-trung" }),
        )
        .await;
        assert_eq!(first_error_code(&itself), "BAD_USER_INPUT");
        assert_eq!(error(&itself)["extensions"]["field"], "into");
    }
}

#[tokio::test]
async fn deleting_a_linked_person_needs_detach_which_removes_the_links() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        let person =
            data(&app, &admin, PERSON, json!({ "slug": "le-dinh-ly" })).await["person"].clone();
        let row = person_id(&app, "le-dinh-ly").await;
        let articles = article_person::Entity::find()
            .filter(article_person::Column::PersonId.eq(row))
            .count(&app.db)
            .await
            .unwrap();
        let events = person["events"]["totalCount"].as_i64().unwrap();
        assert!(articles > 0 && events > 0);
        let delete = "mutation($id: ID!, $version: Int!, $detach: Boolean) {
            deletePerson(id: $id, version: $version, detach: $detach) { id slug } }";

        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": person["id"], "version": person["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let message = error(&refused)["message"].as_str().unwrap();
        let plural =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        assert!(
            message.contains(&plural(
                person["articles"]["totalCount"].as_i64().unwrap(),
                "article",
                "articles"
            )) && message.contains(&plural(events, "event", "events"))
                && message.contains("pass detach: true"),
            "{message}"
        );
        let still = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(
            still["data"]["person"]["id"], person["id"],
            "nothing was deleted"
        );

        let deleted = data(
            &app,
            &admin,
            delete,
            json!({ "id": person["id"], "version": person["version"], "detach": true }),
        )
        .await;
        assert_eq!(
            deleted["deletePerson"],
            json!({ "id": person["id"], "slug": "le-dinh-ly" })
        );
        let gone = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(gone["data"]["person"], Value::Null);
        let links = article_person::Entity::find()
            .filter(article_person::Column::PersonId.eq(row))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(links, 0);
        let seed = call(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { people { person { slug } } } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
        assert!(
            !seed["data"]["article"]["people"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["person"]["slug"] == "le-dinh-ly")
        );
        // The slug is free again.
        let again = data(
            &app,
            &admin,
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { slug } } }",
            json!({ "input": { "fullName": "Lê Đình Lý" } }),
        )
        .await;
        assert_eq!(again["createPerson"]["person"]["slug"], "le-dinh-ly");
    }
}
