//! Articles: the latest news, one article with everything around it,
//! filters, keyset pagination both ways, visibility and statement counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::{SEED_SLUG, TestApp, backends, first_error_code};
use serde_json::{Value, json};

/// The demo articles as shipped, for computing expectations.
fn demo_articles() -> Vec<Value> {
    serde_json::from_str::<Value>(toasoan::demo::NEWSROOM_JSON).unwrap()["articles"]
        .as_array()
        .unwrap()
        .clone()
}

fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn latest_political_news_is_newest_first_and_published_only() {
    let published_political: HashSet<String> = demo_articles()
        .iter()
        .filter(|a| a["section"] == "thoi-su-chinh-tri" && a["status"] == "PUBLISHED")
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect();
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                r#"{ articles(filter: {section: "thoi-su-chinh-tri"}, first: 10) {
                    totalCount pageInfo { hasNextPage hasPreviousPage }
                    edges { cursor node { title publishedAt section { slug } } } } }"#,
                json!({}),
            )
            .await;
        let conn = &data["articles"];
        assert_eq!(conn["totalCount"], published_political.len() as u64);
        assert_eq!(
            conn["pageInfo"]["hasNextPage"],
            published_political.len() > 10
        );
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], false);
        let edges = conn["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 10.min(published_political.len()));
        let dates: Vec<&str> = edges
            .iter()
            .map(|e| e["node"]["publishedAt"].as_str().unwrap())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
        for title in titles(conn) {
            assert!(
                published_political.contains(&title),
                "{title} is not a published political article"
            );
        }
    }
}

#[tokio::test]
async fn a_section_includes_its_sub_sections() {
    let expected = demo_articles()
        .iter()
        .filter(|a| {
            a["status"] == "PUBLISHED"
                && ["thoi-su", "thoi-su-chinh-tri", "quoc-phong-an-ninh"]
                    .contains(&a["section"].as_str().unwrap())
        })
        .count();
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                r#"{ articles(filter: {section: "thoi-su"}) { totalCount } }"#,
                json!({}),
            )
            .await;
        assert_eq!(data["articles"]["totalCount"], expected as u64);
    }
}

#[tokio::test]
async fn paging_forwards_then_backwards_visits_every_article_once() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let query = r#"query($first: Int, $after: String, $last: Int, $before: String) {
            articles(first: $first, after: $after, last: $last, before: $before) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { node { title } } } }"#;
        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app.data(query, json!({"first": 7, "after": after})).await;
            forward.extend(titles(&data["articles"]));
            let info = &data["articles"]["pageInfo"];
            if info["hasNextPage"] == false {
                assert_eq!(
                    forward.len() as u64,
                    data["articles"]["totalCount"].as_u64().unwrap()
                );
                break;
            }
            after = info["endCursor"].clone();
        }
        let unique: HashSet<&String> = forward.iter().collect();
        assert_eq!(unique.len(), forward.len(), "no article twice");

        let mut backward = Vec::new();
        let mut before = Value::Null;
        loop {
            let data = app.data(query, json!({"last": 7, "before": before})).await;
            let mut page = titles(&data["articles"]);
            page.extend(backward);
            backward = page;
            let info = &data["articles"]["pageInfo"];
            if info["hasPreviousPage"] == false {
                break;
            }
            before = info["startCursor"].clone();
        }
        assert_eq!(
            backward, forward,
            "{backend:?}: both directions give one order"
        );
    }
}

#[tokio::test]
async fn drafts_scheduled_and_unpublished_articles_stay_hidden() {
    let hidden: Vec<Value> = demo_articles()
        .into_iter()
        .filter(|a| a["status"] != "PUBLISHED")
        .collect();
    assert!(hidden.len() >= 3);
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let all = app
            .data(
                "{ articles(first: 100) { edges { node { title status } } } }",
                json!({}),
            )
            .await;
        let listed: HashSet<String> = titles(&all["articles"]).into_iter().collect();
        for article in &hidden {
            let title = article["title"].as_str().unwrap();
            assert!(!listed.contains(title), "{title} is listed");
            let slug = api::platform::slug::slugify(title);
            let one = app
                .data(
                    "query($s: String!) { article(slug: $s) { title } }",
                    json!({"s": slug}),
                )
                .await;
            assert_eq!(one["article"], Value::Null, "{title} is readable by slug");
        }
        assert!(
            all["articles"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["node"]["status"] == "PUBLISHED")
        );
    }
}

#[tokio::test]
async fn filters_accept_slugs_and_global_ids() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let seed = app
            .data(
                "query($s: String!) { article(slug: $s) { id
                    people { person { id slug } } organizations { id slug } events { id slug } tags { id slug } } }",
                json!({"s": SEED_SLUG}),
            )
            .await;
        let a = &seed["article"];
        let cases = [
            ("person", &a["people"][0]["person"]),
            ("organization", &a["organizations"][1]),
            ("event", &a["events"][0]),
            ("tag", &a["tags"][0]),
        ];
        for (field, thing) in cases {
            let mut by_slug = Vec::new();
            for key in ["slug", "id"] {
                let filter = json!({ field: thing[key] });
                let data = app
                    .data(
                        "query($f: ArticleFilter) { articles(filter: $f, first: 100) { totalCount edges { node { slug } } } }",
                        json!({"f": filter}),
                    )
                    .await;
                let slugs: Vec<String> = data["articles"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
                    .collect();
                assert!(
                    slugs.contains(&SEED_SLUG.to_owned()),
                    "{field} by {key} finds the seed article"
                );
                if key == "slug" {
                    by_slug = slugs;
                } else {
                    assert_eq!(slugs, by_slug, "{field}: ID and slug filter alike");
                }
            }
        }
        // An unknown slug matches nothing; an ID of the wrong type is bad input.
        let none = app
            .data(
                r#"{ articles(filter: {person: "khong-co-ai"}) { totalCount edges { cursor } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(none["articles"], json!({"totalCount": 0, "edges": []}));
        let wrong = app
            .graphql(
                "query($f: ArticleFilter) { articles(filter: $f) { totalCount } }",
                json!({"f": {"person": a["id"]}}),
            )
            .await;
        assert_eq!(first_error_code(&wrong), "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn published_after_and_before_bound_the_dates() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                r#"{ articles(first: 100, filter: {publishedAfter: "2022-01-01T00:00:00+07:00",
                                                  publishedBefore: "2023-01-01T00:00:00+07:00"}) {
                    edges { node { publishedAt } } } }"#,
                json!({}),
            )
            .await;
        let dates: Vec<String> = data["articles"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["publishedAt"].as_str().unwrap().to_owned())
            .collect();
        assert!(!dates.is_empty());
        for date in dates {
            assert!(
                date.as_str() >= "2021-12-31T17:00:00" && date.as_str() < "2022-12-31T17:00:00",
                "{date}"
            );
        }
    }
}

#[tokio::test]
async fn related_events_start_with_the_article_own_events_and_never_repeat() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let query = r#"query($s: String!, $after: String) { article(slug: $s) {
            events { slug }
            relatedEvents(first: 3, after: $after) { totalCount
                pageInfo { hasNextPage endCursor } edges { node { slug } } } } }"#;
        let first = app.data(query, json!({"s": SEED_SLUG})).await;
        let own: Vec<Value> = first["article"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["slug"].clone())
            .collect();
        let mut seen: Vec<Value> = Vec::new();
        let mut data = first;
        loop {
            let rel = &data["article"]["relatedEvents"];
            seen.extend(
                rel["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"]["slug"].clone()),
            );
            if rel["pageInfo"]["hasNextPage"] == false {
                assert_eq!(seen.len() as u64, rel["totalCount"].as_u64().unwrap());
                break;
            }
            let after = rel["pageInfo"]["endCursor"].clone();
            data = app
                .data(query, json!({"s": SEED_SLUG, "after": after}))
                .await;
        }
        assert_eq!(
            seen[..own.len()],
            own[..],
            "the article's own events come first"
        );
        assert!(
            seen.len() > own.len(),
            "events sharing people and organizations follow"
        );
        let unique: HashSet<String> = seen.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique.len(), seen.len(), "never the same event twice");
    }
}

#[tokio::test]
async fn a_hub_organization_gives_its_newest_events_at_a_fixed_cost() {
    use api::domain::related::CANDIDATES_PER_TIE;
    use chrono::{TimeZone, Utc};
    use entity::{article, article_organization, event, event_organization};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

    let query = r#"query($s: String!) { article(slug: $s) {
        relatedEvents(first: 100) { totalCount nodes { slug } } } }"#;
    for backend in backends() {
        // The engine's statements are counted: the events are inserted
        // behind the server's back, so no cached answer may stand in.
        let app = TestApp::demo_with(backend, |c| c.response_cache_mb = 0).await;
        let article = article::Entity::find()
            .filter(article::Column::Slug.eq(SEED_SLUG))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let organization = article_organization::Entity::find()
            .filter(article_organization::Column::ArticleId.eq(article.id))
            .one(&app.db)
            .await
            .unwrap()
            .expect("the seed article is about an organization")
            .organization_id;
        app.take_statement_count();
        app.data(query, json!({"s": SEED_SLUG})).await;
        let before = app.take_statement_count();

        // The organization becomes a hub: more events than the cap, the
        // later ones recorded last.
        let hub_events = 2 * CANDIDATES_PER_TIE as usize;
        let now = Utc::now();
        let mut slugs = Vec::new();
        for i in 0..hub_events {
            let slug = format!("hoi-nghi-chuyen-de-so-{i}");
            let row = event::ActiveModel {
                name: Set(format!("Hội nghị chuyên đề số {i}")),
                slug: Set(slug.clone()),
                starts_at: Set(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            let id = event::Entity::insert(row)
                .exec(&app.db)
                .await
                .unwrap()
                .last_insert_id;
            event_organization::Entity::insert(event_organization::ActiveModel {
                event_id: Set(id),
                organization_id: Set(organization),
            })
            .exec_without_returning(&app.db)
            .await
            .unwrap();
            slugs.push(slug);
        }

        app.take_statement_count();
        let data = app.data(query, json!({"s": SEED_SLUG})).await;
        let after = app.take_statement_count();
        assert_eq!(
            after, before,
            "{backend:?}: the hub costs no statement more"
        );
        let found: HashSet<String> = data["article"]["relatedEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap().to_owned())
            .collect();
        let (older, newer) = slugs.split_at(hub_events - CANDIDATES_PER_TIE as usize);
        assert!(
            newer.iter().all(|s| found.contains(s)),
            "{backend:?}: the hub's newest events are candidates"
        );
        assert!(
            older.iter().all(|s| !found.contains(s)),
            "{backend:?}: past the cap, older events of a hub are not"
        );
    }
}

#[tokio::test]
async fn related_articles_share_something_and_are_never_the_article_itself() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                "query($s: String!) { article(slug: $s) { slug relatedArticles(first: 5) { slug status
                    people { person { slug } } organizations { slug } events { slug } tags { slug } } } }",
                json!({"s": SEED_SLUG}),
            )
            .await;
        let related = data["article"]["relatedArticles"].as_array().unwrap();
        assert_eq!(related.len(), 5);
        for r in related {
            assert_ne!(r["slug"], SEED_SLUG);
            assert_eq!(r["status"], "PUBLISHED");
        }
        // The best match shares an event or a subject person with the seed.
        let best = related[0].to_string();
        assert!(
            best.contains("nguyen-duc-trung")
                || best.contains("ngoc-kim-nam")
                || best.contains("dan-van"),
            "{best}"
        );
        let many = app
            .graphql(
                "query($s: String!) { article(slug: $s) { relatedArticles(first: 500) { slug } } }",
                json!({"s": SEED_SLUG}),
            )
            .await;
        assert_eq!(first_error_code(&many), "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn the_newest_drafts_of_a_tag_do_not_take_the_places_of_its_published_articles() {
    // A tie's candidates are its newest readable articles: more drafts
    // than a tie has places (`CANDIDATES_PER_TIE`, 30) must not hide an
    // older published article sharing the tag.
    const CREATE: &str = r#"mutation($input: ArticleInput!) {
        createArticle(input: $input) { article { id slug version } } }"#;
    const PUBLISH: &str = r#"mutation($id: ID!, $version: Int!) {
        publishArticle(id: $id, version: $version) { article { slug } } }"#;
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.response_cache_mb = 0).await;
        let editor = common::token("editor-ha", &["editor"]);
        let tag = app
            .data_as(
                &editor,
                r#"mutation { createTag(input: {name: "Hồ sơ lưu trữ"}) { tag { slug } } }"#,
                json!({}),
            )
            .await["createTag"]["tag"]["slug"]
            .clone();
        let create = |title: String| {
            let input = json!({
                "title": title,
                "section": "thoi-su-chinh-tri",
                "lead": "Hồ sơ được số hóa và đưa vào kho lưu trữ của tỉnh.",
                "body": [{"paragraph": {"text": "Cán bộ lưu trữ phân loại từng hồ sơ."}}],
                "tags": [tag.clone()],
            });
            let (app, editor) = (&app, &editor);
            async move {
                app.data_as(editor, CREATE, json!({"input": input})).await["createArticle"]
                    ["article"]
                    .clone()
            }
        };
        let publish = |article: Value| {
            let (app, editor) = (&app, &editor);
            async move {
                let variables = json!({"id": article["id"], "version": article["version"]});
                app.data_as(editor, PUBLISH, variables).await;
            }
        };
        let older = create("Kho lưu trữ tỉnh nhận thêm hồ sơ".to_owned()).await;
        publish(older.clone()).await;
        for i in 1..=31 {
            create(format!("Bản nháp hồ sơ lưu trữ số {i}")).await;
        }
        let page = create("Số hóa hồ sơ lưu trữ hoàn thành".to_owned()).await;
        publish(page.clone()).await;
        let data = app
            .data(
                "query($s: String!) { article(slug: $s) { relatedArticles(first: 5) { slug } } }",
                json!({"s": page["slug"]}),
            )
            .await;
        let related = data["article"]["relatedArticles"].to_string();
        assert!(
            related.contains(older["slug"].as_str().unwrap()),
            "{backend:?}: {related}"
        );
    }
}

#[tokio::test]
async fn related_events_and_articles_share_their_statements() {
    // Both rankings of an article page: the article, the rankings'
    // statements (ties, with the covered events' starts; the ties'
    // newest events and readable articles, with their times: one
    // statement on PostgreSQL, two on SQLite), then the events and the
    // articles shown. Each ranking alone answers as when together.
    let both = r#"query($s: String!) { article(slug: $s) {
        relatedEvents(first: 5) { nodes { slug } }
        relatedArticles(first: 5) { slug } } }"#;
    let events = r#"query($s: String!) { article(slug: $s) {
        relatedEvents(first: 5) { nodes { slug } } } }"#;
    let articles = r#"query($s: String!) { article(slug: $s) {
        relatedArticles(first: 5) { slug } } }"#;
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.response_cache_mb = 0).await;
        app.take_statement_count();
        let together = app.data(both, json!({"s": SEED_SLUG})).await;
        let statements = app.take_statement_count();
        let rankings = if backend == common::Backend::Postgres {
            1
        } else {
            2
        };
        assert_eq!(statements, 3 + rankings, "{backend:?}: {together}");
        for list in [
            &together["article"]["relatedEvents"]["nodes"],
            &together["article"]["relatedArticles"],
        ] {
            assert!(!list.as_array().unwrap().is_empty(), "{together}");
        }
        let alone = app.data(events, json!({"s": SEED_SLUG})).await;
        assert_eq!(
            alone["article"]["relatedEvents"],
            together["article"]["relatedEvents"]
        );
        let alone = app.data(articles, json!({"s": SEED_SLUG})).await;
        assert_eq!(
            alone["article"]["relatedArticles"],
            together["article"]["relatedArticles"]
        );
    }
}

#[tokio::test]
async fn lists_give_the_body_when_it_is_asked_for() {
    // Lists read articles without their body; asking for it loads it.
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let listed = app
            .data(
                "{ articles(first: 5) { nodes { slug body { __typename } bodyHtml } } }",
                json!({}),
            )
            .await;
        let nodes = listed["articles"]["nodes"].as_array().unwrap();
        assert!(!nodes.is_empty());
        for node in nodes {
            let one = app
                .data(
                    "query($s: String!) { article(slug: $s) { body { __typename } bodyHtml } }",
                    json!({"s": node["slug"]}),
                )
                .await;
            assert!(!node["body"].as_array().unwrap().is_empty(), "{node}");
            assert_eq!(node["body"], one["article"]["body"], "{backend:?}");
            assert_eq!(node["bodyHtml"], one["article"]["bodyHtml"], "{backend:?}");
        }
    }
}

#[tokio::test]
async fn body_html_is_rendered_from_the_blocks_and_escaped() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                "query($s: String!) { article(slug: $s) { bodyHtml } }",
                json!({"s": SEED_SLUG}),
            )
            .await;
        let html = data["article"]["bodyHtml"].as_str().unwrap();
        assert!(html.starts_with("<figure><img src=\"https://media.toasoan.example/"));
        assert!(
            html.contains("<figcaption>Toàn cảnh hội nghị. <cite>Nguyễn Nam</cite></figcaption>")
        );
        assert!(html.contains("<p>2 cơ quan đã tập trung đánh giá"));
        assert!(!html.contains("<script"));
    }
}

#[tokio::test]
async fn lookups_reject_bad_arguments_with_codes() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let cases = [
            ("{ article { title } }", "BAD_USER_INPUT"),
            (
                r#"{ article(id: "x", slug: "y") { title } }"#,
                "BAD_USER_INPUT",
            ),
            (
                r#"{ article(id: "not-an-id") { title } }"#,
                "BAD_USER_INPUT",
            ),
            ("{ articles(first: 101) { totalCount } }", "BAD_USER_INPUT"),
            ("{ articles(first: -1) { totalCount } }", "BAD_USER_INPUT"),
            (
                "{ articles(first: 2, last: 2) { totalCount } }",
                "BAD_USER_INPUT",
            ),
            (
                r#"{ articles(after: "bogus") { totalCount } }"#,
                "BAD_USER_INPUT",
            ),
        ];
        for (query, code) in cases {
            let response = app.graphql(query, json!({})).await;
            assert_eq!(first_error_code(&response), code, "{query}");
        }
        let missing = app
            .data(r#"{ article(slug: "khong-ton-tai") { title } }"#, json!({}))
            .await;
        assert_eq!(missing["article"], Value::Null);
    }
}

/// The card of a home-page list, as `bench/workloads.py` (W1) asks for it.
const CARDS: &str = r#"query($first: Int!) { articles(first: $first) { edges { node {
    id slug title lead publishedAt url readingTimeMinutes
    section { slug name }
    tags { slug name }
    authors { slug fullName }
    people { role person { slug fullName } }
    organizations { slug name }
    events { slug name startsAt }
    leadImage { url caption alt width height }
} } } }"#;

#[tokio::test]
async fn links_are_read_with_the_rows_they_point_at() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        app.take_statement_count();
        let data = app.data(CARDS, json!({"first": 20})).await;
        let statements = app.take_statement_count();
        // The list, then every relation of the cards (sections with their
        // parents, tags, people, organizations, events, lead images) in one
        // statement, each link joined to its target. One statement per
        // relation cost five more; links and targets in two levels, four
        // more again.
        assert!(
            statements <= 2,
            "{backend:?}: {statements} statements for a page of cards"
        );
        // The joined rows are the linked ones, in the newsroom's order.
        let cards = data["articles"]["edges"].as_array().unwrap();
        let linked = cards
            .iter()
            .find(|c| !c["node"]["people"].as_array().unwrap().is_empty())
            .expect("a demo article with people");
        let people = linked["node"]["people"].as_array().unwrap();
        assert!(people.iter().all(|p| p["person"]["fullName"].is_string()));
        let authors: Vec<&Value> = people
            .iter()
            .filter(|p| p["role"] == "AUTHOR")
            .map(|p| &p["person"]["slug"])
            .collect();
        let bylines: Vec<&Value> = linked["node"]["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["slug"])
            .collect();
        assert_eq!(authors, bylines, "{backend:?}");
    }
}

/// An article page as `bench/workloads.py` (`W3_PAGE`) asks for it.
const ARTICLE_PAGE: &str = r#"query($slug: String!) { article(slug: $slug) {
    id slug title lead publishedAt updatedAt url wordCount readingTimeMinutes
    body {
      __typename
      ... on ParagraphBlock { text }
      ... on ImageBlock { image { url caption credit alt width height } }
    }
    section { slug name parent { slug name } }
    tags { slug name }
    authors { slug fullName }
    leadImage { url caption alt width height }
    people { role person { slug fullName currentPositions { title organization { slug name } } } }
    organizations { slug name }
} }"#;

#[tokio::test]
async fn an_article_page_reads_photos_and_parent_sections_with_their_level() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        app.take_statement_count();
        let data = app.data(ARTICLE_PAGE, json!({"slug": SEED_SLUG})).await;
        let statements = app.take_statement_count();
        let article = &data["article"];
        // The article, and everything else in one statement: its section
        // with the parent, the body's photos with the lead image, tags,
        // people with their positions and those positions' organizations,
        // organizations. One statement per relation cost five more, and
        // the positions one more level.
        assert!(
            statements <= 2,
            "{backend:?}: {statements} statements for an article page"
        );
        let photos: Vec<&Value> = article["body"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["__typename"] == "ImageBlock")
            .collect();
        assert!(
            !photos.is_empty(),
            "{backend:?}: the seed article has photos"
        );
        assert!(
            photos.iter().all(|p| p["image"]["url"].is_string()),
            "{backend:?}: {photos:?}"
        );
        let section = &article["section"];
        assert_eq!(section["name"], "Thời sự - Chính trị", "{backend:?}");
        assert_eq!(section["parent"]["slug"], "thoi-su", "{backend:?}");
        assert_eq!(section["parent"]["name"], "Thời sự", "{backend:?}");
    }
}

/// A PostgreSQL setting of a connection of `db`'s pool.
async fn setting(db: &sea_orm::DatabaseConnection, name: &str) -> String {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let statement = Statement::from_string(DbBackend::Postgres, format!("SHOW {name}"));
    let row = db.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get_by_index(0).unwrap()
}

/// On PostgreSQL the loaders batch through a pool of their own whose
/// connections keep their statements' generic plans; the serving pool's
/// lists keep custom ones. On SQLite there is one pool.
#[tokio::test]
async fn the_loaders_batch_through_a_pool_that_plans_once() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let databases = &app.state.databases;
        let before = databases.batch_statements();
        app.data(ARTICLE_PAGE, json!({"slug": SEED_SLUG})).await;
        let batched = databases.batch_statements() - before;
        if backend == common::Backend::Sqlite {
            assert_eq!(batched, 0, "SQLite has no pool of its own for batches");
            continue;
        }
        // Everything of the page but the article itself: one batch.
        assert_eq!(batched, 1, "the article page's batches");
        let batch = databases.batch_reads();
        let primary = databases.primary();
        assert_eq!(
            setting(batch, "plan_cache_mode").await,
            "force_generic_plan"
        );
        assert_eq!(setting(primary, "plan_cache_mode").await, "auto");
    }
}

/// The home page: 20 articles with everything a teaser shows.
const HOME_PAGE: &str = r#"query($first: Int!) { articles(first: $first) { edges { node {
    title slug url publishedAt readingTimeMinutes
    section { slug name parent { slug } }
    authors { fullName }
    people { role person { fullName currentPositions { title organization { name } } } }
    organizations { name parent { name } }
    events { name startsAt }
    tags { name }
    leadImage { url caption }
} } } }"#;

#[tokio::test]
async fn a_page_costs_the_same_statements_whatever_its_size() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        app.take_statement_count();
        app.data(HOME_PAGE, json!({"first": 3})).await;
        let small = app.take_statement_count();
        app.data(HOME_PAGE, json!({"first": 30})).await;
        let large = app.take_statement_count();
        // A fixed budget for both sizes: one statement per relation (loads
        // of one relation at two depths may or may not share a batch, so
        // the exact number can differ by one). Per-row loading would cost
        // dozens more for 30 articles.
        const BUDGET: usize = 16;
        assert!(
            small <= BUDGET,
            "{backend:?}: {small} statements for 3 articles"
        );
        assert!(
            large <= BUDGET,
            "{backend:?}: {large} statements for 30 articles"
        );
    }
}
