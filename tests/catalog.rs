//! The catalogue: the section tree, sections and tags with their articles,
//! and `node(id:)` for every type with a global ID.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Utc};
use common::{SEED_SLUG, TestApp, backends, first_error_code};
use entity::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// The shipped demo data, as JSON.
fn newsroom() -> Value {
    serde_json::from_str(toasoan::demo::NEWSROOM_JSON).unwrap()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn is_public(article: &Value) -> bool {
    article["status"] == "PUBLISHED"
        && article["publishedAt"].is_string()
        && time(&article["publishedAt"]) <= Utc::now()
}

/// Titles of the public demo articles that `keep` accepts, newest first.
fn public_titles_where(data: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut articles: Vec<(usize, &Value)> = data["articles"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, a)| is_public(a) && keep(a))
        .collect();
    articles.sort_by_key(|(i, a)| std::cmp::Reverse((time(&a["publishedAt"]), *i)));
    articles
        .into_iter()
        .map(|(_, a)| a["title"].as_str().unwrap().to_owned())
        .collect()
}

/// `nodes[].field` of a connection, as strings.
fn strings(connection: &Value, field: &str) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n[field].as_str().unwrap().to_owned())
        .collect()
}

/// The sections of the demo data under `parent`, in menu order, with
/// `depth` levels of children.
fn section_tree(data: &Value, parent: Option<&str>, depth: usize) -> Value {
    let mut sections: Vec<(usize, &Value)> = data["sections"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, s)| s["parent"].as_str() == parent)
        .collect();
    sections.sort_by_key(|(i, s)| (s["position"].as_i64().unwrap(), *i));
    sections
        .into_iter()
        .map(|(_, s)| {
            let slug = s["slug"].as_str().unwrap();
            let mut node = json!({
                "slug": slug,
                "name": s["name"],
                "position": s["position"],
                "iptcMediaTopic": s["iptcMediaTopic"],
                "parent": parent.map(|p| json!({ "slug": p })),
            });
            if depth > 0 {
                node["children"] = section_tree(data, Some(slug), depth - 1);
            }
            node
        })
        .collect()
}

/// The slugs of a section of the demo data and of every section below it.
fn subtree(data: &Value, root: &str) -> Vec<String> {
    let mut slugs = vec![root.to_owned()];
    let mut i = 0;
    while i < slugs.len() {
        for s in data["sections"].as_array().unwrap() {
            if s["parent"] == slugs[i].as_str() {
                slugs.push(s["slug"].as_str().unwrap().to_owned());
            }
        }
        i += 1;
    }
    slugs
}

/// base64url without padding, as global IDs are written.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The global ID of a row of `kind`.
fn global_id(kind: &str, id: i64) -> String {
    base64url(format!("{kind}:{id}").as_bytes())
}

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id
    ... on Article { slug } ... on Person { slug } ... on Organization { slug }
    ... on Event { slug } ... on Section { slug } ... on Tag { slug } ... on Media { url } } }";

#[tokio::test]
async fn sections_form_a_tree_in_menu_order() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let expected = section_tree(&newsroom(), None, 2);
        assert!(
            expected
                .as_array()
                .unwrap()
                .iter()
                .any(|s| !s["children"].as_array().unwrap().is_empty()),
            "some sections have sub-sections"
        );

        // Act
        let data = app
            .data(
                "{ sections { slug name position iptcMediaTopic parent { slug }
                    children { slug name position iptcMediaTopic parent { slug }
                        children { slug name position iptcMediaTopic parent { slug } children { slug } } } } }",
                json!({}),
            )
            .await;

        // Assert
        assert_eq!(data["sections"], expected, "on {backend:?}");
    }
}

#[tokio::test]
async fn section_articles_include_those_of_sub_sections() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { section(slug: $slug) { slug
            articles(first: 100) { totalCount nodes { title section { slug } } } } }";

        for section in data["sections"].as_array().unwrap() {
            let slug = section["slug"].as_str().unwrap();
            let slugs = subtree(&data, slug);
            let expected = public_titles_where(&data, |a| {
                slugs.contains(&a["section"].as_str().unwrap().to_owned())
            });

            // Act
            let found = app.data(query, json!({ "slug": slug })).await["section"].clone();

            // Assert
            assert_eq!(found["slug"], slug);
            assert_eq!(
                strings(&found["articles"], "title"),
                expected,
                "articles of {slug} on {backend:?}"
            );
            assert_eq!(found["articles"]["totalCount"], json!(expected.len()));
        }

        let thoi_su = app.data(query, json!({ "slug": "thoi-su" })).await["section"].clone();
        let sections: Vec<&str> = thoi_su["articles"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["section"]["slug"].as_str().unwrap())
            .collect();
        assert!(sections.contains(&"thoi-su-chinh-tri"), "on {backend:?}");
        assert!(sections.contains(&"quoc-phong-an-ninh"), "on {backend:?}");
        let missing = app
            .graphql(
                r#"{ section(slug: "khong-co-chuyen-muc") { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(missing, json!({ "data": { "section": null } }));
    }
}

#[tokio::test]
async fn tags_list_their_published_articles() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { tag(slug: $slug) { slug name
            articles(first: 100) { totalCount nodes { title } } } }";
        let mut hidden = 0;

        for tag in data["tags"].as_array().unwrap() {
            let slug = tag["slug"].as_str().unwrap();
            let tagged = |a: &Value| {
                a["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|t| t == slug)
            };
            let expected = public_titles_where(&data, tagged);
            hidden += data["articles"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| tagged(a) && !is_public(a))
                .count();

            // Act
            let found = app.data(query, json!({ "slug": slug })).await["tag"].clone();

            // Assert
            assert_eq!(found["name"], tag["name"], "{slug} on {backend:?}");
            assert_eq!(
                strings(&found["articles"], "title"),
                expected,
                "articles of {slug} on {backend:?}"
            );
            assert_eq!(found["articles"]["totalCount"], json!(expected.len()));
        }
        assert!(hidden >= 3, "some tags are on unpublished articles");

        let dan_van = app.data(query, json!({ "slug": "dan-van" })).await;
        assert!(
            strings(&dan_van["tag"]["articles"], "title").contains(
                &"Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết chương trình phối hợp giai đoạn 2021-2026"
                    .to_owned()
            ),
            "the seed article is tagged dan-van, on {backend:?}"
        );
        let missing = app
            .graphql(r#"{ tag(slug: "khong-co-the-nay") { slug } }"#, json!({}))
            .await;
        assert_eq!(missing, json!({ "data": { "tag": null } }));
    }
}

#[tokio::test]
async fn tags_lists_every_tag_by_slug() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let mut expected: Vec<Value> = newsroom()["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| json!({ "slug": t["slug"], "name": t["name"] }))
            .collect();
        expected.sort_by(|a, b| a["slug"].as_str().cmp(&b["slug"].as_str()));

        // Act
        let data = app.data("{ tags { slug name } }", json!({})).await;

        // Assert
        assert_eq!(data["tags"], Value::from(expected), "on {backend:?}");
    }
}

#[tokio::test]
async fn node_finds_every_type_by_its_id() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let seed = app
            .data(
                "query($slug: String!) { article(slug: $slug) { id slug
                    leadImage { id url } section { id slug } tags { id slug }
                    authors { id slug } organizations { id slug } events { id slug } } }",
                json!({ "slug": SEED_SLUG }),
            )
            .await["article"]
            .clone();
        let cases = [
            ("Article", &seed, "slug"),
            ("Media", &seed["leadImage"], "url"),
            ("Section", &seed["section"], "slug"),
            ("Tag", &seed["tags"][0], "slug"),
            ("Person", &seed["authors"][0], "slug"),
            ("Organization", &seed["organizations"][0], "slug"),
            ("Event", &seed["events"][0], "slug"),
        ];

        for (typename, object, key) in cases {
            assert!(object["id"].is_string(), "{typename} has an ID");

            // Act
            let node = app.data(NODE, json!({ "id": object["id"] })).await["node"].clone();

            // Assert
            assert_eq!(
                node,
                json!({ "__typename": typename, "id": object["id"], key: object[key] }),
                "on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn node_hides_articles_readers_may_not_see() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let hidden = article::Entity::find()
            .filter(article::Column::Status.ne(ArticleStatus::Published))
            .all(&app.db)
            .await
            .unwrap();
        assert!(
            hidden.iter().any(|a| a.status == ArticleStatus::Draft),
            "the demo has drafts"
        );
        let seed = article::Entity::find()
            .filter(article::Column::Slug.eq(SEED_SLUG))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        // The computed ID is the one the API hands out.
        let seed_id = app
            .data(
                "query($slug: String!) { article(slug: $slug) { id } }",
                json!({ "slug": SEED_SLUG }),
            )
            .await["article"]["id"]
            .clone();
        assert_eq!(seed_id, global_id("Article", seed.id), "on {backend:?}");

        for row in &hidden {
            // Act
            let response = app
                .graphql(NODE, json!({ "id": global_id("Article", row.id) }))
                .await;

            // Assert
            assert_eq!(
                response,
                json!({ "data": { "node": null } }),
                "{:?} `{}` on {backend:?}",
                row.status,
                row.title
            );
        }
        let visible = app
            .data(NODE, json!({ "id": global_id("Article", seed.id) }))
            .await;
        assert_eq!(visible["node"]["slug"], SEED_SLUG);
    }
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;

        for id in [
            "garbage".to_owned(),
            String::new(),
            "%%%".to_owned(),
            base64url(b"Article:abc"),
            base64url(b"Spaceship:1"),
        ] {
            // Act
            let response = app.graphql(NODE, json!({ "id": id })).await;

            // Assert
            assert_eq!(
                first_error_code(&response),
                "BAD_USER_INPUT",
                "{id:?} on {backend:?}"
            );
            assert_eq!(response["data"]["node"], Value::Null);
        }
    }
}

#[tokio::test]
async fn a_well_formed_id_of_a_missing_row_is_null() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let missing = 987_654_321;

        for kind in [
            "Article",
            "Person",
            "Organization",
            "Event",
            "Section",
            "Tag",
            "Media",
        ] {
            // Act
            let response = app
                .graphql(NODE, json!({ "id": global_id(kind, missing) }))
                .await;
            let present = app.graphql(NODE, json!({ "id": global_id(kind, 1) })).await;

            // Assert
            assert_eq!(
                response,
                json!({ "data": { "node": null } }),
                "{kind} on {backend:?}"
            );
            // Row 1 of every table exists and is public in the demo: the
            // same kind of ID does find it.
            assert_eq!(
                present["data"]["node"]["__typename"], kind,
                "{kind} on {backend:?}: {present}"
            );
        }
    }
}
