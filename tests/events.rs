//! Events: participants, timelines, the `events` connection and its
//! filters, related events, and the limits of a page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{cmp::Reverse, collections::HashSet};

use chrono::{DateTime, Utc};
use common::{TestApp, backends, first_error_code};
use serde_json::{Value, json};

/// The shipped demo data, as JSON.
fn newsroom() -> Value {
    serde_json::from_str(toasoan::demo::NEWSROOM_JSON).unwrap()
}

fn events_in(data: &Value) -> &Vec<Value> {
    data["events"].as_array().unwrap()
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

/// A list of the demo data as sorted strings.
fn sorted(list: &Value) -> Vec<String> {
    let mut items: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    items.sort();
    items
}

/// Slugs of the demo events that `keep` accepts, newest `startsAt` first
/// (insertion order breaks ties, as the row id does).
fn event_slugs_where(data: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut events: Vec<(usize, &Value)> = events_in(data)
        .iter()
        .enumerate()
        .filter(|(_, e)| keep(e))
        .collect();
    events.sort_by_key(|(i, e)| Reverse((time(&e["startsAt"]), *i)));
    events
        .into_iter()
        .map(|(_, e)| e["slug"].as_str().unwrap().to_owned())
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

const SEED_EVENT: &str = "hoi-nghi-tong-ket-chuong-trinh-phoi-hop-ve-cong-tac-dan-van-giai-doan-2016-2021-trien-khai-chuong-trinh-phoi-hop-giai-doan-2021-2026";

#[tokio::test]
async fn participants_match_the_json() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { event(slug: $slug) { slug
            participants { people { role person { slug } } organizations { slug } } } }";

        for event in events_in(&data) {
            let slug = event["slug"].as_str().unwrap();

            // Act
            let found = app.data(query, json!({ "slug": slug })).await["event"].clone();

            // Assert
            assert_eq!(found["slug"], slug, "on {backend:?}");
            let participants = &found["participants"];
            let people: Vec<Value> = participants["people"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["person"]["slug"].clone())
                .collect();
            let organizations: Vec<Value> = participants["organizations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["slug"].clone())
                .collect();
            assert_eq!(
                sorted(&Value::from(people)),
                sorted(&event["people"]),
                "people of {slug} on {backend:?}"
            );
            assert_eq!(
                sorted(&Value::from(organizations)),
                sorted(&event["organizations"]),
                "organizations of {slug} on {backend:?}"
            );
            for person in participants["people"].as_array().unwrap() {
                assert_eq!(person["role"], Value::Null, "the demo gives no roles");
            }
        }

        let seed = app
            .data(
                "query($slug: String!) { event(slug: $slug) {
                    participants { people { person { fullName } } } } }",
                json!({ "slug": SEED_EVENT }),
            )
            .await;
        let names: Vec<&str> = seed["event"]["participants"]["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["person"]["fullName"].as_str().unwrap())
            .collect();
        for name in [
            "Nguyễn Đức Trung",
            "Ngọc Kim Nam",
            "Nguyễn Mạnh Khôi",
            "Lê Đình Lý",
        ] {
            assert!(names.contains(&name), "{name} took part, on {backend:?}");
        }
    }
}

#[tokio::test]
async fn the_timeline_runs_either_way() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { event(slug: $slug) {
            newest: articles { totalCount nodes { title publishedAt } }
            oldest: articles(order: OLDEST_FIRST) { totalCount nodes { title publishedAt } } } }";
        let mut checked = 0;

        for event in events_in(&data) {
            let slug = event["slug"].as_str().unwrap();
            let mut articles: Vec<(usize, &Value)> = data["articles"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    is_public(a)
                        && a["events"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|e| e == slug)
                })
                .collect();
            articles.sort_by_key(|(i, a)| (time(&a["publishedAt"]), *i));
            let oldest_first: Vec<String> = articles
                .iter()
                .map(|(_, a)| a["title"].as_str().unwrap().to_owned())
                .collect();
            if oldest_first.len() < 2 {
                continue;
            }
            checked += 1;

            // Act
            let found = app.data(query, json!({ "slug": slug })).await["event"].clone();

            // Assert
            assert_eq!(
                strings(&found["oldest"], "title"),
                oldest_first,
                "{slug} on {backend:?}"
            );
            let newest_first: Vec<String> = oldest_first.iter().rev().cloned().collect();
            assert_eq!(
                strings(&found["newest"], "title"),
                newest_first,
                "{slug} on {backend:?}"
            );
            let times: Vec<DateTime<Utc>> = found["oldest"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| time(&n["publishedAt"]))
                .collect();
            assert!(
                times.windows(2).all(|w| w[0] < w[1]),
                "ascending: {times:?}"
            );
            assert_eq!(found["oldest"]["totalCount"], json!(oldest_first.len()));
        }
        assert!(checked >= 2, "some events have several articles");
    }
}

#[tokio::test]
async fn the_oldest_first_timeline_pages_forward_and_backward() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        // The event with the longest timeline.
        let slug = events_in(&data)
            .iter()
            .map(|e| e["slug"].as_str().unwrap())
            .max_by_key(|slug| {
                data["articles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|a| {
                        is_public(a)
                            && a["events"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|e| e == slug)
                    })
                    .count()
            })
            .unwrap();
        let query = "query($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
            event(slug: $slug) { articles(order: OLDEST_FIRST, first: $first, after: $after,
                last: $last, before: $before) {
                nodes { title } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
        let everything = strings(
            &app.data(query, json!({ "slug": slug, "first": 100 })).await["event"]["articles"],
            "title",
        );
        assert!(everything.len() >= 2);

        // Act
        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app
                .data(query, json!({ "slug": slug, "first": 1, "after": after }))
                .await["event"]["articles"]
                .clone();
            forward.extend(strings(&page, "title"));
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
            assert!(forward.len() <= everything.len(), "paging does not end");
        }
        let mut backward: Vec<String> = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = app
                .data(query, json!({ "slug": slug, "last": 1, "before": before }))
                .await["event"]["articles"]
                .clone();
            backward.splice(0..0, strings(&page, "title"));
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
            assert!(backward.len() <= everything.len(), "paging does not end");
        }

        // Assert
        assert_eq!(forward, everything, "on {backend:?}");
        assert_eq!(backward, everything, "on {backend:?}");
    }
}

const EVENTS_PAGE: &str =
    "query($filter: EventFilter, $first: Int, $after: String, $last: Int, $before: String) {
    events(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
        totalCount nodes { slug startsAt }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

#[tokio::test]
async fn events_are_listed_newest_first_across_pages() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let expected = event_slugs_where(&data, |_| true);
        assert!(expected.len() > 20, "several pages");

        // Act
        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app
                .data(EVENTS_PAGE, json!({ "first": 10, "after": after }))
                .await["events"]
                .clone();
            forward.extend(strings(&page, "slug"));
            assert_eq!(page["totalCount"], json!(expected.len()), "on {backend:?}");
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
            assert!(forward.len() <= expected.len(), "paging does not end");
        }
        let mut backward: Vec<String> = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = app
                .data(EVENTS_PAGE, json!({ "last": 10, "before": before }))
                .await["events"]
                .clone();
            backward.splice(0..0, strings(&page, "slug"));
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
            assert!(backward.len() <= expected.len(), "paging does not end");
        }

        // Assert
        assert_eq!(forward, expected, "forward on {backend:?}");
        assert_eq!(backward, expected, "backward on {backend:?}");
    }
}

#[tokio::test]
async fn a_date_range_keeps_the_events_starting_inside_it() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        // An event in the middle of the list, as a boundary.
        let newest_first = event_slugs_where(&data, |_| true);
        let middle_slug = &newest_first[newest_first.len() / 2];
        let middle = events_in(&data)
            .iter()
            .find(|e| e["slug"] == middle_slug.as_str())
            .unwrap();
        let middle_start = middle["startsAt"].clone();
        let cases = [
            // The year 2022 in Vietnam.
            ("2022-01-01T00:00:00+07:00", "2023-01-01T00:00:00+07:00"),
            // A range starting exactly at an event: it is included.
            (middle_start.as_str().unwrap(), "2100-01-01T00:00:00Z"),
            // A range ending exactly at an event: it is left out.
            ("2000-01-01T00:00:00Z", middle_start.as_str().unwrap()),
        ];

        for (after, before) in cases {
            let (from, to) = (time(&json!(after)), time(&json!(before)));
            let expected = event_slugs_where(&data, |e| {
                let starts = time(&e["startsAt"]);
                from <= starts && starts < to
            });
            assert!(
                !expected.is_empty() && expected.len() < events_in(&data).len(),
                "{after}..{before} keeps some events only"
            );

            // Act
            let list = app
                .data(
                    EVENTS_PAGE,
                    json!({ "first": 100, "filter": { "startsAfter": after, "startsBefore": before } }),
                )
                .await["events"]
                .clone();

            // Assert
            assert_eq!(
                strings(&list, "slug"),
                expected,
                "{after}..{before} on {backend:?}"
            );
            assert_eq!(list["totalCount"], json!(expected.len()));
        }
        let open_ended = app
            .data(
                EVENTS_PAGE,
                json!({ "first": 100, "filter": { "startsAfter": middle_start } }),
            )
            .await["events"]
            .clone();
        let open_ended = strings(&open_ended, "slug");
        assert_eq!(open_ended.last(), Some(middle_slug), "on {backend:?}");
        let before_middle = app
            .data(
                EVENTS_PAGE,
                json!({ "first": 100, "filter": { "startsBefore": middle_start } }),
            )
            .await["events"]
            .clone();
        let before_middle = strings(&before_middle, "slug");
        assert!(!before_middle.contains(middle_slug), "on {backend:?}");
        assert_eq!(
            [open_ended, before_middle].concat(),
            newest_first,
            "the two halves make the whole list on {backend:?}"
        );
    }
}

#[tokio::test]
async fn person_and_organization_filters_take_slugs_and_ids() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let ids = app
            .data(
                r#"{ person(slug: "nguyen-duc-trung") { id }
                     organization(slug: "ubnd-xa-thuy-son") { id } }"#,
                json!({}),
            )
            .await;
        let person_id = ids["person"]["id"].clone();
        let organization_id = ids["organization"]["id"].clone();
        let takes_part = |e: &Value, list: &str, slug: &str| {
            e[list].as_array().unwrap().iter().any(|s| s == slug)
        };
        let by_trung = event_slugs_where(&data, |e| takes_part(e, "people", "nguyen-duc-trung"));
        let by_commune = event_slugs_where(&data, |e| {
            takes_part(e, "organizations", "ubnd-xa-thuy-son")
        });
        let both = event_slugs_where(&data, |e| {
            takes_part(e, "people", "nguyen-duc-trung")
                && takes_part(e, "organizations", "ubnd-xa-thuy-son")
        });
        assert!(by_trung.len() > 3 && by_commune.len() > 3 && !both.is_empty());
        assert!(both.len() < by_trung.len() && both.len() < by_commune.len());
        let cases = [
            (json!({ "person": "nguyen-duc-trung" }), by_trung.clone()),
            (json!({ "person": person_id }), by_trung),
            (
                json!({ "organization": "ubnd-xa-thuy-son" }),
                by_commune.clone(),
            ),
            (json!({ "organization": organization_id }), by_commune),
            (
                json!({ "person": "nguyen-duc-trung", "organization": organization_id }),
                both,
            ),
            (json!({ "person": "khong-co-nguoi-nay" }), Vec::new()),
        ];

        for (filter, expected) in cases {
            // Act
            let list = app
                .data(EVENTS_PAGE, json!({ "first": 100, "filter": filter }))
                .await["events"]
                .clone();

            // Assert
            assert_eq!(strings(&list, "slug"), expected, "{filter} on {backend:?}");
            assert_eq!(list["totalCount"], json!(expected.len()), "{filter}");
        }
        let mixed_up = app
            .graphql(
                EVENTS_PAGE,
                json!({ "first": 100, "filter": { "person": organization_id } }),
            )
            .await;
        assert_eq!(
            first_error_code(&mixed_up),
            "BAD_USER_INPUT",
            "an organization's ID is no person, on {backend:?}"
        );
    }
}

/// The related events of an event as the data implies them: sharing at
/// least one person or organization, by overlap, then newest first.
fn expected_related(data: &Value, slug: &str) -> Vec<String> {
    let events = events_in(data);
    let me = events.iter().find(|e| e["slug"] == slug).unwrap();
    let shared = |list: &str, other: &Value| {
        other[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| me[list].as_array().unwrap().contains(x))
            .count()
    };
    let mut related: Vec<(usize, usize, &Value)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["slug"] != slug)
        .map(|(i, e)| (shared("people", e) + shared("organizations", e), i, e))
        .filter(|(overlap, _, _)| *overlap > 0)
        .collect();
    related.sort_by_key(|(overlap, i, e)| Reverse((*overlap, time(&e["startsAt"]), *i)));
    related
        .into_iter()
        .map(|(_, _, e)| e["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn related_events_never_hold_the_event_itself_nor_twice_the_same() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let query = "query($slug: String!) { event(slug: $slug) {
            relatedEvents(first: 100) { totalCount nodes { slug } } } }";

        for event in events_in(&data) {
            let slug = event["slug"].as_str().unwrap();
            let expected = expected_related(&data, slug);

            // Act
            let related =
                app.data(query, json!({ "slug": slug })).await["event"]["relatedEvents"].clone();

            // Assert
            let slugs = strings(&related, "slug");
            assert!(
                !slugs.contains(&slug.to_owned()),
                "{slug} is related to itself on {backend:?}"
            );
            let unique: HashSet<&String> = slugs.iter().collect();
            assert_eq!(
                unique.len(),
                slugs.len(),
                "duplicates for {slug}: {slugs:?}"
            );
            assert_eq!(slugs, expected, "related to {slug} on {backend:?}");
            assert_eq!(related["totalCount"], json!(expected.len()));
        }
    }
}

#[tokio::test]
async fn related_events_of_many_events_in_one_request_match_one_by_one() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        assert!(events_in(&data).len() <= 50, "one page holds every event");

        // Act: the related events of every event are loaded in one batch.
        let list = app
            .data(
                "{ events(first: 50) { nodes { slug relatedEvents(first: 100) { nodes { slug } } } } }",
                json!({}),
            )
            .await;

        // Assert
        let nodes = list["events"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), events_in(&data).len());
        for node in nodes {
            let slug = node["slug"].as_str().unwrap();
            assert_eq!(
                strings(&node["relatedEvents"], "slug"),
                expected_related(&data, slug),
                "related to {slug} on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_event_page_reads_its_related_events_in_one_statement_on_postgres() {
    // The event (its slug's id, then its row), its ties and their newest
    // events (one statement on PostgreSQL, two on SQLite), then the
    // events shown.
    let query = "query($slug: String!) { event(slug: $slug) {
        relatedEvents(first: 5) { nodes { slug } } } }";
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.response_cache_mb = 0).await;
        app.take_statement_count();

        let page = app.data(query, json!({ "slug": SEED_EVENT })).await;

        let statements = app.take_statement_count();
        let ranking = if backend == common::Backend::Postgres {
            1
        } else {
            2
        };
        assert_eq!(statements, 3 + ranking, "{backend:?}: {page}");
        let shown = strings(&page["event"]["relatedEvents"], "slug");
        assert_eq!(shown, expected_related(&newsroom(), SEED_EVENT)[..5]);
    }
}

#[tokio::test]
async fn related_events_page_forward_without_repeating() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;
        let data = newsroom();
        let expected = expected_related(&data, SEED_EVENT);
        assert!(expected.len() > 6, "several pages of three");
        let query = "query($slug: String!, $after: String) { event(slug: $slug) {
            relatedEvents(first: 3, after: $after) { totalCount nodes { slug }
                pageInfo { hasNextPage hasPreviousPage endCursor } } } }";

        // Act
        let mut pages: Vec<Value> = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app
                .data(query, json!({ "slug": SEED_EVENT, "after": after }))
                .await["event"]["relatedEvents"]
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
        let slugs: Vec<String> = pages.iter().flat_map(|p| strings(p, "slug")).collect();
        let unique: HashSet<&String> = slugs.iter().collect();
        assert_eq!(
            unique.len(),
            slugs.len(),
            "a page repeats an item: {slugs:?}"
        );
        assert_eq!(slugs, expected, "on {backend:?}");
        assert_eq!(pages.len(), expected.len().div_ceil(3));
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(i > 0));
            assert_eq!(page["totalCount"], json!(expected.len()));
        }
    }
}

#[tokio::test]
async fn oversized_and_two_way_pages_are_bad_user_input() {
    for backend in backends() {
        // Arrange
        let app = TestApp::demo(backend).await;

        // Act
        let too_big = app
            .graphql("{ events(first: 101) { totalCount } }", json!({}))
            .await;
        let too_big_backward = app
            .graphql("{ events(last: 101) { totalCount } }", json!({}))
            .await;
        let both_ways = app
            .graphql("{ events(first: 2, last: 2) { totalCount } }", json!({}))
            .await;
        let negative = app
            .graphql("{ events(first: -1) { totalCount } }", json!({}))
            .await;
        let largest = app
            .graphql("{ events(first: 100) { nodes { slug } } }", json!({}))
            .await;

        // Assert
        for response in [&too_big, &too_big_backward, &both_ways, &negative] {
            assert_eq!(
                first_error_code(response),
                "BAD_USER_INPUT",
                "on {backend:?}: {response}"
            );
        }
        assert!(largest.get("errors").is_none(), "100 is allowed: {largest}");
        assert!(
            !largest["data"]["events"]["nodes"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}
