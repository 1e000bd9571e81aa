//! Organizations: the hierarchy, kinds, who holds which title, the
//! `organizations` filters, and the articles and events of an organization.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{TestApp, backends};
use serde_json::{Value, json};

/// The shipped demo data, as JSON.
fn newsroom() -> Value {
    serde_json::from_str(toasoan::demo::NEWSROOM_JSON).unwrap()
}

fn organizations_in(data: &Value) -> &Vec<Value> {
    data["organizations"].as_array().unwrap()
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

fn is_public(article: &Value) -> bool {
    article["status"] == "PUBLISHED"
        && article["publishedAt"].is_string()
        && time(&article["publishedAt"]) <= Utc::now()
}

/// Slugs of the demo organizations that `keep` accepts, in slug order.
fn slugs_where(data: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut slugs: Vec<String> = organizations_in(data)
        .iter()
        .filter(|o| keep(o))
        .map(|o| o["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs
}

/// `nodes[].field` of a connection (or `[].field` of a list), as strings.
fn strings(list: &Value, field: &str) -> Vec<String> {
    let items = list.get("nodes").unwrap_or(list);
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n[field].as_str().unwrap().to_owned())
        .collect()
}

/// Every organization with the fields asked for, paging through the list.
async fn all_organizations(app: &TestApp, fields: &str) -> Vec<Value> {
    let query = format!(
        "query($after: String) {{ organizations(first: 50, after: $after) {{
            nodes {{ {fields} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    );
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app.data(&query, json!({ "after": after })).await["organizations"].clone();
        all.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] == false {
            return all;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn parents_and_children_follow_the_hierarchy() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();

        // Act
        let named = app
            .data(
                r#"{
                    banDanVan: organization(slug: "ban-dan-van-tinh-uy") { parent { slug } }
                    soNoiVu: organization(slug: "so-noi-vu") { parent { slug } }
                    tinhUy: organization(slug: "tinh-uy") { parent { slug } children { slug parent { slug } } }
                }"#,
                json!({}),
            )
            .await;
        let all = all_organizations(&app, "slug parent { slug } children { slug }").await;

        // Assert
        assert_eq!(named["banDanVan"]["parent"]["slug"], "tinh-uy");
        assert_eq!(named["soNoiVu"]["parent"]["slug"], "ubnd-tinh");
        assert_eq!(named["tinhUy"]["parent"], Value::Null);
        let mut children = strings(&named["tinhUy"]["children"], "slug");
        for child in ["ban-dan-van-tinh-uy", "ban-can-su-dang-ubnd-tinh"] {
            assert!(
                children.contains(&child.to_owned()),
                "{child} on {backend:?}"
            );
        }
        for child in named["tinhUy"]["children"].as_array().unwrap() {
            assert_eq!(child["parent"]["slug"], "tinh-uy");
        }
        children.sort();
        assert_eq!(
            children,
            slugs_where(&data, |o| o["parent"] == "tinh-uy"),
            "on {backend:?}"
        );

        assert_eq!(all.len(), organizations_in(&data).len(), "on {backend:?}");
        for organization in organizations_in(&data) {
            let slug = organization["slug"].as_str().unwrap();
            let found = all
                .iter()
                .find(|o| o["slug"] == slug)
                .unwrap_or_else(|| panic!("{slug} is listed on {backend:?}"));
            let parent = match organization["parent"].as_str() {
                Some(parent) => json!({ "slug": parent }),
                None => Value::Null,
            };
            assert_eq!(found["parent"], parent, "{slug} on {backend:?}");
            let mut children = strings(&found["children"], "slug");
            children.sort();
            assert_eq!(
                children,
                slugs_where(&data, |o| o["parent"] == slug),
                "children of {slug} on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_commune_sits_three_levels_deep() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let parent_in_data = |slug: &str| {
            organizations_in(&data)
                .iter()
                .find(|o| o["slug"] == slug)
                .unwrap()["parent"]
                .clone()
        };
        let mut chain = vec![Value::from("ubnd-xa-thuy-son")];
        while let Some(parent) = parent_in_data(chain.last().unwrap().as_str().unwrap()).as_str() {
            chain.push(Value::from(parent));
        }
        assert_eq!(
            chain,
            json!(["ubnd-xa-thuy-son", "ubnd-huyen-thach-lam", "ubnd-tinh"])
                .as_array()
                .unwrap()
                .clone()
        );

        // Act
        let up = app
            .data(
                r#"{ organization(slug: "ubnd-xa-thuy-son") { slug kind
                    parent { slug kind parent { slug kind parent { slug } } } } }"#,
                json!({}),
            )
            .await;
        let down = app
            .data(
                r#"{ organization(slug: "ubnd-tinh") { children { slug children { slug } } } }"#,
                json!({}),
            )
            .await;

        // Assert
        assert_eq!(
            up["organization"],
            json!({
                "slug": "ubnd-xa-thuy-son", "kind": "PEOPLES_COMMITTEE",
                "parent": {
                    "slug": "ubnd-huyen-thach-lam", "kind": "PEOPLES_COMMITTEE",
                    "parent": { "slug": "ubnd-tinh", "kind": "PEOPLES_COMMITTEE", "parent": null }
                }
            }),
            "on {backend:?}"
        );
        let district = down["organization"]["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == "ubnd-huyen-thach-lam")
            .unwrap_or_else(|| panic!("the district is under the province on {backend:?}"));
        assert_eq!(
            district["children"],
            json!([{ "slug": "ubnd-xa-thuy-son" }])
        );
    }
}

#[tokio::test]
async fn kinds_and_names_match_the_json() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();

        // Act
        let all = all_organizations(&app, "slug name shortName kind description").await;

        // Assert
        let mut expected: Vec<Value> = organizations_in(&data)
            .iter()
            .map(|o| {
                json!({
                    "slug": o["slug"], "name": o["name"], "shortName": o["shortName"],
                    "kind": o["kind"], "description": o["description"],
                })
            })
            .collect();
        expected.sort_by(|a, b| a["slug"].as_str().cmp(&b["slug"].as_str()));
        assert_eq!(Value::from(all), Value::from(expected), "on {backend:?}");
    }
}

#[tokio::test]
async fn positions_tell_who_holds_which_title() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        // Every position of the data with the order the API sorts by: the
        // first day, then insertion order.
        let mut positions: Vec<(NaiveDate, usize, Value)> = Vec::new();
        for person in data["people"].as_array().unwrap() {
            for p in person["positions"].as_array().unwrap() {
                let row = json!({
                    "organization": p["organization"],
                    "title": p["title"],
                    "person": { "slug": person["slug"] },
                    "from": p["from"],
                    "to": p["to"],
                    "isCurrent": held_today(p),
                });
                positions.push((date(&p["from"]), positions.len(), row));
            }
        }
        positions.sort_by_key(|(from, i, _)| (*from, *i));
        let expected = |slug: &str, current: Option<bool>| -> Value {
            positions
                .iter()
                .map(|(_, _, row)| row)
                .filter(|row| row["organization"] == slug)
                .filter(|row| current.is_none_or(|c| row["isCurrent"] == c))
                .map(|row| {
                    let mut row = row.clone();
                    row.as_object_mut().unwrap().remove("organization");
                    row
                })
                .collect()
        };
        let query = "query($slug: String!) { organization(slug: $slug) {
            all: positions { title person { slug } from to isCurrent }
            now: positions(current: true) { title person { slug } from to isCurrent }
            past: positions(current: false) { title person { slug } from to isCurrent } } }";
        let slugs = [
            "ubnd-tinh",
            "ban-dan-van-tinh-uy",
            "ban-can-su-dang-ubnd-tinh",
            "benh-vien-da-khoa-tinh",
            "ubnd-huyen-thach-lam",
        ];
        let mut past_seen = 0;

        for slug in slugs {
            // Act
            let organization =
                app.data(query, json!({ "slug": slug })).await["organization"].clone();

            // Assert
            assert_eq!(
                organization["all"],
                expected(slug, None),
                "{slug} on {backend:?}"
            );
            assert_eq!(
                organization["now"],
                expected(slug, Some(true)),
                "{slug} on {backend:?}"
            );
            assert_eq!(
                organization["past"],
                expected(slug, Some(false)),
                "{slug} on {backend:?}"
            );
            past_seen += organization["past"].as_array().unwrap().len();
        }
        assert!(past_seen >= 4, "some of these titles changed hands");

        let ubnd = app
            .data(
                r#"{ organization(slug: "ubnd-tinh") { positions(current: true) { title person { fullName } } } }"#,
                json!({}),
            )
            .await;
        assert!(
            ubnd["organization"]["positions"]
                .as_array()
                .unwrap()
                .contains(&json!({ "title": "Chủ tịch UBND tỉnh", "person": { "fullName": "Nguyễn Đức Trung" } })),
            "on {backend:?}"
        );
    }
}

#[tokio::test]
async fn filters_by_kind_parent_and_root_match_the_json() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let tinh_uy = app
            .data(r#"{ organization(slug: "tinh-uy") { id } }"#, json!({}))
            .await["organization"]["id"]
            .clone();
        let query = "query($filter: OrganizationFilter) {
            organizations(filter: $filter, first: 100) { totalCount nodes { slug } } }";
        let mut kinds: Vec<&str> = organizations_in(&data)
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        kinds.sort();
        kinds.dedup();
        let mut cases: Vec<(Value, Vec<String>)> = kinds
            .iter()
            .map(|kind| {
                (
                    json!({ "kind": kind }),
                    slugs_where(&data, |o| o["kind"] == *kind),
                )
            })
            .collect();
        let under_tinh_uy = slugs_where(&data, |o| o["parent"] == "tinh-uy");
        cases.extend([
            (json!({ "parent": "tinh-uy" }), under_tinh_uy.clone()),
            (json!({ "parent": tinh_uy }), under_tinh_uy),
            (
                json!({ "root": true }),
                slugs_where(&data, |o| o["parent"].is_null()),
            ),
            (
                json!({ "root": false }),
                slugs_where(&data, |o| o["parent"].is_string()),
            ),
            (
                json!({ "kind": "PARTY_COMMITTEE", "root": true }),
                slugs_where(&data, |o| {
                    o["kind"] == "PARTY_COMMITTEE" && o["parent"].is_null()
                }),
            ),
            (
                json!({ "kind": "DEPARTMENT", "parent": "ubnd-tinh" }),
                slugs_where(&data, |o| {
                    o["kind"] == "DEPARTMENT" && o["parent"] == "ubnd-tinh"
                }),
            ),
            (json!({ "parent": "khong-co-co-quan-nay" }), Vec::new()),
        ]);
        assert!(cases.iter().filter(|(_, e)| e.len() > 1).count() > 5);
        assert!(
            cases[0].1.len() < organizations_in(&data).len(),
            "a filter leaves some out"
        );

        for (filter, expected) in cases {
            // Act
            let list = app.data(query, json!({ "filter": filter })).await["organizations"].clone();

            // Assert
            assert_eq!(strings(&list, "slug"), expected, "{filter} on {backend:?}");
            assert_eq!(
                list["totalCount"],
                json!(expected.len()),
                "{filter} on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn organization_articles_and_events_match_the_json() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { organization(slug: $slug) {
            articles(first: 100) { totalCount nodes { title status } }
            events(first: 100) { totalCount nodes { slug } } } }";
        // Busy ones, and ones linked to draft, scheduled and unpublished
        // articles.
        let slugs = [
            "ubnd-tinh",
            "tinh-uy",
            "so-y-te",
            "benh-vien-da-khoa-tinh",
            "ubnd-xa-thuy-son",
            "ubnd-huyen-thach-lam",
        ];
        let mut hidden_seen = 0;

        for slug in slugs {
            let about = |a: &Value| {
                a["organizations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o == slug)
            };
            let mut articles: Vec<(usize, &Value)> = data["articles"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, a)| about(a))
                .collect();
            hidden_seen += articles.iter().filter(|(_, a)| !is_public(a)).count();
            articles.retain(|(_, a)| is_public(a));
            articles.sort_by_key(|(i, a)| std::cmp::Reverse((time(&a["publishedAt"]), *i)));
            let expected_articles: Vec<&str> = articles
                .iter()
                .map(|(_, a)| a["title"].as_str().unwrap())
                .collect();
            let mut events: Vec<(usize, &Value)> = data["events"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e["organizations"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|o| o == slug)
                })
                .collect();
            events.sort_by_key(|(i, e)| std::cmp::Reverse((time(&e["startsAt"]), *i)));
            let expected_events: Vec<&str> = events
                .iter()
                .map(|(_, e)| e["slug"].as_str().unwrap())
                .collect();
            assert!(!expected_articles.is_empty() && !expected_events.is_empty());

            // Act
            let organization =
                app.data(query, json!({ "slug": slug })).await["organization"].clone();

            // Assert
            assert_eq!(
                strings(&organization["articles"], "title"),
                expected_articles,
                "articles of {slug} on {backend:?}"
            );
            assert_eq!(
                organization["articles"]["totalCount"],
                json!(expected_articles.len())
            );
            assert_eq!(
                strings(&organization["events"], "slug"),
                expected_events,
                "events of {slug} on {backend:?}"
            );
            assert_eq!(
                organization["events"]["totalCount"],
                json!(expected_events.len())
            );
        }
        assert!(hidden_seen >= 4, "these are linked to unpublished articles");
    }
}

#[tokio::test]
async fn organization_events_page_backward_like_forward() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let query = "query($first: Int, $after: String, $last: Int, $before: String) {
            organization(slug: \"ubnd-tinh\") {
                events(first: $first, after: $after, last: $last, before: $before) {
                    nodes { slug } pageInfo { hasPreviousPage startCursor } } } }";
        let everything = strings(
            &app.data(query, json!({ "first": 100 })).await["organization"]["events"],
            "slug",
        );
        assert!(everything.len() > 4);

        // Act
        let mut slugs: Vec<String> = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = app
                .data(query, json!({ "last": 4, "before": before }))
                .await["organization"]["events"]
                .clone();
            slugs.splice(0..0, strings(&page, "slug"));
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
            assert!(slugs.len() <= everything.len(), "paging does not end");
        }

        // Assert
        assert_eq!(slugs, everything, "on {backend:?}");
    }
}
