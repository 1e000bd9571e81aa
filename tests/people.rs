//! People: lookups by slug and ID, positions over time, the articles and
//! events of a person, and the `people` connection paged both ways.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{TestApp, backends, first_error_code};
use entity::{organization, person, position};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

/// The shipped demo data, as JSON.
fn newsroom() -> Value {
    serde_json::from_str(toasoan::demo::NEWSROOM_JSON).unwrap()
}

/// A person of the demo data by slug.
fn person_in(data: &Value, slug: &str) -> Value {
    data["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is in the demo data"))
        .clone()
}

fn date(value: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The newsroom's calendar day: Hồ Chí Minh City is UTC+7 all year.
fn newsroom_today() -> NaiveDate {
    let zone = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    Utc::now().with_timezone(&zone).date_naive()
}

/// Held on the newsroom's today: started, and not ended before it.
fn held_today(position: &Value) -> bool {
    let today = newsroom_today();
    date(&position["from"]) <= today && (position["to"].is_null() || date(&position["to"]) >= today)
}

/// The positions of a person as the API shows them, oldest first (the
/// data lists them in insertion order, which breaks ties of `from`).
fn expected_positions(data: &Value, slug: &str, current: Option<bool>) -> Vec<Value> {
    let person = person_in(data, slug);
    let mut positions: Vec<&Value> = person["positions"].as_array().unwrap().iter().collect();
    positions.sort_by_key(|p| date(&p["from"]));
    positions
        .into_iter()
        .filter(|p| current.is_none_or(|c| held_today(p) == c))
        .map(|p| {
            json!({
                "title": p["title"],
                "organization": { "slug": p["organization"] },
                "person": { "slug": slug },
                "from": p["from"],
                "to": p["to"],
                "isCurrent": held_today(p),
            })
        })
        .collect()
}

/// Whether an anonymous reader may see an article of the demo data now.
fn is_public(article: &Value) -> bool {
    article["status"] == "PUBLISHED"
        && article["publishedAt"].is_string()
        && time(&article["publishedAt"]) <= Utc::now()
}

/// Whether an article of the demo data is linked to a person in any role.
fn links_person(article: &Value, slug: &str) -> bool {
    let authors = article["authors"].as_array().into_iter().flatten();
    let people = article["people"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| &p["person"]);
    authors.chain(people).any(|p| p == slug)
}

/// `nodes[].field` of a connection, as strings.
fn field_of_nodes(connection: &Value, field: &str) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n[field].as_str().unwrap().to_owned())
        .collect()
}

const POSITION: &str = "title organization { slug } person { slug } from to isCurrent";

#[tokio::test]
async fn person_by_slug_and_by_id_show_positions_with_titles_organizations_and_dates() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = format!(
            "query($id: ID, $slug: String) {{ person(id: $id, slug: $slug) {{
                id slug fullName
                positions {{ {POSITION} }}
                currentPositions {{ {POSITION} }}
            }} }}"
        );

        // Act
        let by_slug = app
            .data(&query, json!({ "slug": "nguyen-duc-trung" }))
            .await["person"]
            .clone();
        let by_id = app.data(&query, json!({ "id": by_slug["id"] })).await["person"].clone();

        // Assert
        assert_eq!(by_slug["slug"], "nguyen-duc-trung", "on {backend:?}");
        assert_eq!(by_slug["fullName"], "Nguyễn Đức Trung", "on {backend:?}");
        assert_eq!(
            by_slug["positions"],
            json!(expected_positions(&data, "nguyen-duc-trung", None)),
            "on {backend:?}"
        );
        assert_eq!(
            by_slug["currentPositions"],
            json!(expected_positions(&data, "nguyen-duc-trung", Some(true))),
            "on {backend:?}"
        );
        let current: Vec<(&str, &str)> = by_slug["currentPositions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["title"].as_str().unwrap(),
                    p["organization"]["slug"].as_str().unwrap(),
                )
            })
            .collect();
        for held in [
            ("Phó Bí thư Tỉnh ủy", "tinh-uy"),
            ("Chủ tịch UBND tỉnh", "ubnd-tinh"),
            (
                "Bí thư Ban Cán sự đảng UBND tỉnh",
                "ban-can-su-dang-ubnd-tinh",
            ),
        ] {
            assert!(current.contains(&held), "{held:?} missing on {backend:?}");
        }
        assert_eq!(by_id, by_slug, "by ID and by slug differ on {backend:?}");
    }
}

#[tokio::test]
async fn past_positions_are_only_the_ended_ones() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = format!(
            "query($slug: String!) {{ person(slug: $slug) {{
                all: positions {{ {POSITION} }}
                past: positions(current: false) {{ {POSITION} }}
                now: positions(current: true) {{ {POSITION} }}
            }} }}"
        );

        for slug in ["bui-thanh-hai", "tran-thi-hong-van"] {
            let past = expected_positions(&data, slug, Some(false));
            let now = expected_positions(&data, slug, Some(true));
            assert!(
                !past.is_empty() && !now.is_empty(),
                "{slug}'s title changed over time in the demo data"
            );

            // Act
            let person = app.data(&query, json!({ "slug": slug })).await["person"].clone();

            // Assert
            assert_eq!(person["past"], json!(past), "{slug} on {backend:?}");
            assert_eq!(person["now"], json!(now), "{slug} on {backend:?}");
            assert_eq!(
                person["all"],
                json!(expected_positions(&data, slug, None)),
                "{slug} on {backend:?}"
            );
            for p in person["past"].as_array().unwrap() {
                assert_eq!(p["isCurrent"], false, "{slug} on {backend:?}: {p}");
                assert!(p["to"].is_string(), "a past position has ended: {p}");
            }
            for p in person["now"].as_array().unwrap() {
                assert_eq!(p["isCurrent"], true, "{slug} on {backend:?}: {p}");
            }
        }

        // Everyone at once: the positions of a whole page load in one batch.
        let everyone = app
            .data(
                &format!(
                    "{{ people(first: 100) {{ nodes {{ slug
                        past: positions(current: false) {{ {POSITION} }}
                        now: positions(current: true) {{ {POSITION} }} }} }} }}"
                ),
                json!({}),
            )
            .await;
        let nodes = everyone["people"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), data["people"].as_array().unwrap().len());
        for node in nodes {
            let slug = node["slug"].as_str().unwrap();
            assert_eq!(
                node["past"],
                json!(expected_positions(&data, slug, Some(false))),
                "{slug} on {backend:?}"
            );
            assert_eq!(
                node["now"],
                json!(expected_positions(&data, slug, Some(true))),
                "{slug} on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_appointment_that_has_not_started_is_neither_current_nor_past() {
    for backend in backends() {
        // Arrange: Nguyễn Đức Trung is appointed to a title from next month.
        let app = TestApp::demo(backend).await;
        let person = person::Entity::find()
            .filter(person::Column::Slug.eq("nguyen-duc-trung"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let organization = organization::Entity::find()
            .filter(organization::Column::Slug.eq("tinh-uy"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let from = newsroom_today() + chrono::Days::new(30);
        position::ActiveModel {
            person_id: Set(person.id),
            organization_id: Set(organization.id),
            title: Set("Bí thư Tỉnh ủy".to_owned()),
            start_date: Set(from),
            end_date: Set(None),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let upcoming = json!({ "title": "Bí thư Tỉnh ủy", "from": from.to_string(), "to": null, "isCurrent": false });

        // Act
        let data = app
            .data(
                r#"{ person(slug: "nguyen-duc-trung") {
                    all: positions { title from to isCurrent }
                    past: positions(current: false) { title from to isCurrent }
                    now: positions(current: true) { title from to isCurrent }
                    currentPositions { title from to isCurrent } } }"#,
                json!({}),
            )
            .await;

        // Assert
        let person = &data["person"];
        assert!(
            person["all"].as_array().unwrap().contains(&upcoming),
            "every position is listed on {backend:?}: {}",
            person["all"]
        );
        for list in ["past", "now", "currentPositions"] {
            assert!(
                !person[list].as_array().unwrap().contains(&upcoming),
                "a position that has not started is not in `{list}` on {backend:?}: {}",
                person[list]
            );
        }
    }
}

#[tokio::test]
async fn person_articles_are_published_ones_only_newest_first() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let articles = data["articles"].as_array().unwrap();
        // Nguyễn Đức Trung, and people linked to drafts, scheduled and
        // unpublished articles.
        let slugs = [
            "nguyen-duc-trung",
            "vu-thi-lan-anh",
            "do-quoc-hung",
            "hoang-van-duc",
            "luong-van-son",
            "pham-hang",
        ];
        let mut hidden_seen = 0;

        for slug in slugs {
            let mut linked: Vec<(usize, &Value)> = articles
                .iter()
                .enumerate()
                .filter(|(_, a)| links_person(a, slug))
                .collect();
            let hidden: Vec<&str> = linked
                .iter()
                .filter(|(_, a)| !is_public(a))
                .map(|(_, a)| a["title"].as_str().unwrap())
                .collect();
            hidden_seen += hidden.len();
            linked.retain(|(_, a)| is_public(a));
            linked.sort_by_key(|(i, a)| std::cmp::Reverse((time(&a["publishedAt"]), *i)));
            let expected: Vec<&str> = linked
                .iter()
                .map(|(_, a)| a["title"].as_str().unwrap())
                .collect();

            // Act
            let person = app
                .data(
                    "query($slug: String!) { person(slug: $slug) {
                        articles(first: 100) { totalCount
                            pageInfo { hasNextPage hasPreviousPage }
                            nodes { title status publishedAt } } } }",
                    json!({ "slug": slug }),
                )
                .await["person"]
                .clone();

            // Assert
            let connection = &person["articles"];
            assert_eq!(
                field_of_nodes(connection, "title"),
                expected,
                "{slug} on {backend:?}"
            );
            assert_eq!(connection["totalCount"], json!(expected.len()));
            assert_eq!(connection["pageInfo"]["hasNextPage"], false);
            assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);
            for node in connection["nodes"].as_array().unwrap() {
                assert_eq!(node["status"], "PUBLISHED", "{slug} on {backend:?}");
                assert!(!hidden.contains(&node["title"].as_str().unwrap()));
            }
            let times: Vec<DateTime<Utc>> = connection["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| time(&n["publishedAt"]))
                .collect();
            assert!(
                times.windows(2).all(|w| w[0] > w[1]),
                "{slug}: not newest first on {backend:?}: {times:?}"
            );
        }
        assert!(
            hidden_seen >= 4,
            "the people above are linked to unpublished articles"
        );
    }
}

#[tokio::test]
async fn person_articles_page_forward_without_gaps() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let query = "query($after: String) { person(slug: \"nguyen-duc-trung\") {
            all: articles(first: 100) { nodes { title } }
            page: articles(first: 3, after: $after) {
                nodes { title } pageInfo { hasNextPage endCursor } } } }";
        let everything = field_of_nodes(
            &app.data(query, json!({ "after": null })).await["person"]["all"],
            "title",
        );
        assert!(everything.len() > 3, "more than one page of articles");

        // Act
        let mut titles = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app.data(query, json!({ "after": after })).await["person"]["page"].clone();
            titles.extend(field_of_nodes(&page, "title"));
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
            assert!(titles.len() <= everything.len(), "paging does not end");
        }

        // Assert
        assert_eq!(titles, everything, "on {backend:?}");
    }
}

#[tokio::test]
async fn person_events_are_the_events_they_took_part_in_newest_first() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let mut events: Vec<(usize, &Value)> = data["events"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e["people"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p == "nguyen-duc-trung")
            })
            .collect();
        events.sort_by_key(|(i, e)| std::cmp::Reverse((time(&e["startsAt"]), *i)));
        let expected: Vec<&str> = events
            .iter()
            .map(|(_, e)| e["slug"].as_str().unwrap())
            .collect();
        assert!(expected.len() > 3);

        // Act
        let person = app
            .data(
                r#"{ person(slug: "nguyen-duc-trung") {
                    events(first: 100) { totalCount nodes { slug startsAt } } } }"#,
                json!({}),
            )
            .await["person"]
            .clone();

        // Assert
        assert_eq!(
            field_of_nodes(&person["events"], "slug"),
            expected,
            "on {backend:?}"
        );
        assert_eq!(person["events"]["totalCount"], json!(expected.len()));
    }
}

const PEOPLE_PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
    people(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { slug } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// Everyone's slug in the demo data, in the order of the connection.
fn sorted_slugs(data: &Value) -> Vec<String> {
    let mut slugs: Vec<String> = data["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs
}

fn edge_slugs(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn people_forward_pages_of_seven_visit_everyone_once_by_slug() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let expected = sorted_slugs(&newsroom());
        assert!(expected.len() > 14, "several pages of seven");

        // Act
        let mut pages: Vec<Value> = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app
                .data(PEOPLE_PAGE, json!({ "first": 7, "after": after }))
                .await["people"]
                .clone();
            let more = page["pageInfo"]["hasNextPage"] == true;
            after = page["pageInfo"]["endCursor"].clone();
            pages.push(page);
            if !more {
                break;
            }
            assert!(pages.len() <= expected.len(), "paging does not end");
        }

        // Assert
        let slugs: Vec<String> = pages.iter().flat_map(edge_slugs).collect();
        assert_eq!(slugs, expected, "on {backend:?}");
        assert_eq!(pages.len(), expected.len().div_ceil(7), "on {backend:?}");
        for (i, page) in pages.iter().enumerate() {
            let edges = page["edges"].as_array().unwrap();
            assert!(edges.len() <= 7 && !edges.is_empty());
            assert_eq!(page["totalCount"], json!(expected.len()));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(i > 0));
            assert_eq!(page["pageInfo"]["startCursor"], edges[0]["cursor"]);
            assert_eq!(
                page["pageInfo"]["endCursor"],
                edges[edges.len() - 1]["cursor"]
            );
        }
    }
}

#[tokio::test]
async fn people_backward_pages_give_the_same_people_in_the_same_order() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let expected = sorted_slugs(&newsroom());

        // Act
        let mut slugs: Vec<String> = Vec::new();
        let mut before = Value::Null;
        let mut pages = 0;
        loop {
            let page = app
                .data(PEOPLE_PAGE, json!({ "last": 7, "before": before }))
                .await["people"]
                .clone();
            pages += 1;
            let page_slugs = edge_slugs(&page);
            assert!(page_slugs.len() <= 7 && !page_slugs.is_empty());
            assert_eq!(
                page["pageInfo"]["hasNextPage"],
                json!(pages > 1),
                "on {backend:?}"
            );
            slugs.splice(0..0, page_slugs);
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
            assert!(pages <= expected.len(), "paging does not end");
        }

        // Assert
        assert_eq!(slugs, expected, "on {backend:?}");
        assert_eq!(pages, expected.len().div_ceil(7));
    }
}

#[tokio::test]
async fn an_unknown_slug_is_null() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;

        // Act
        let response = app
            .graphql(
                r#"{ person(slug: "khong-co-nguoi-nay") { slug } }"#,
                json!({}),
            )
            .await;

        // Assert
        assert_eq!(
            response,
            json!({ "data": { "person": null } }),
            "on {backend:?}"
        );
    }
}

#[tokio::test]
async fn the_id_of_an_organization_is_bad_user_input() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let organization = app
            .data(r#"{ organization(slug: "tinh-uy") { id } }"#, json!({}))
            .await;
        let id = organization["organization"]["id"].clone();
        assert!(id.is_string());

        // Act
        let response = app
            .graphql(
                "query($id: ID!) { person(id: $id) { slug } }",
                json!({ "id": id }),
            )
            .await;

        // Assert
        assert_eq!(
            first_error_code(&response),
            "BAD_USER_INPUT",
            "on {backend:?}"
        );
        assert_eq!(response["data"]["person"], Value::Null);
    }
}

#[tokio::test]
async fn neither_id_nor_slug_is_bad_user_input() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let trung = app
            .data(r#"{ person(slug: "nguyen-duc-trung") { id } }"#, json!({}))
            .await;

        // Act
        let neither = app.graphql("{ person { slug } }", json!({})).await;
        let both = app
            .graphql(
                r#"query($id: ID!) { person(id: $id, slug: "nguyen-duc-trung") { slug } }"#,
                json!({ "id": trung["person"]["id"] }),
            )
            .await;

        // Assert
        assert_eq!(
            first_error_code(&neither),
            "BAD_USER_INPUT",
            "on {backend:?}"
        );
        assert_eq!(first_error_code(&both), "BAD_USER_INPUT", "on {backend:?}");
    }
}
