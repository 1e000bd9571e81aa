//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, parsed with a real parser
//! (`feed-rs`) and compared with what the `articles` query answers; scopes,
//! parameters, visibility, and conditional requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use common::{SEED_SLUG, TestApp, backends, body_json, body_text, token};
use serde_json::{Value, json};

const FORMATS: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];
const SEED_URL: &str = "https://baotinh.example/thoi-su-chinh-tri/ban-can-su-dang-ubnd-tinh-va-ban-dan-van-tinh-uy-ky-ket-chuong-trinh-phoi-hop-giai-doan-2021-2026";

async fn fetch(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, body_text(response).await)
}

/// Fetches and parses a feed, failing unless it is a 200 of the right type.
async fn feed(app: &TestApp, uri: &str) -> (feed_rs::model::Feed, String) {
    let (status, headers, body) = fetch(app, uri, &[]).await;
    assert_eq!(status, StatusCode::OK, "{uri} on {:?}: {body}", app.backend);
    let expected = if uri.contains("rss.xml") {
        "application/rss+xml"
    } else if uri.contains("atom.xml") {
        "application/atom+xml"
    } else {
        "application/feed+json"
    };
    let content_type = headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with(expected), "{uri}: {content_type}");
    let parsed = feed_rs::parser::parse(body.as_bytes())
        .unwrap_or_else(|e| panic!("{uri} does not parse: {e}\n{body}"));
    (parsed, body)
}

/// The URLs of the public articles the `articles` query lists, newest first.
async fn article_urls(app: &TestApp, filter: Value, first: i64) -> Vec<String> {
    let data = app
        .data(
            "query($filter: ArticleFilter, $first: Int) { articles(filter: $filter, first: $first) { nodes { url } } }",
            json!({"filter": filter, "first": first}),
        )
        .await;
    data["articles"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["url"].as_str().unwrap().to_owned())
        .collect()
}

fn entry_urls(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| {
            e.links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .map(|l| l.href.clone())
                .unwrap_or_else(|| panic!("entry {} has no link", e.id))
        })
        .collect()
}

#[tokio::test]
async fn site_feeds_parse_and_list_the_newest_public_articles() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let expected = article_urls(&app, json!(null), 20).await;
        assert_eq!(expected.len(), 20);
        for format in FORMATS {
            let (parsed, _) = feed(&app, &format!("/feeds/{format}")).await;
            assert_eq!(entry_urls(&parsed), expected, "{format} on {backend:?}");
            assert_eq!(parsed.title.unwrap().content, "Toà Soạn");
            let ids: std::collections::HashSet<_> = parsed.entries.iter().map(|e| &e.id).collect();
            assert_eq!(ids.len(), 20, "{format}: ids are unique");
            assert!(
                parsed
                    .entries
                    .iter()
                    .all(|e| e.id.starts_with("tag:baotinh.example,"))
            );
        }
        let (all, _) = feed(&app, "/feeds/atom.xml?limit=100").await;
        assert_eq!(entry_urls(&all), article_urls(&app, json!(null), 100).await);
        let (five, _) = feed(&app, "/feeds/feed.json?limit=5").await;
        assert_eq!(five.entries.len(), 5);
    }
}

#[tokio::test]
async fn the_seed_article_carries_its_byline_dates_categories_and_photo() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let base = "/feeds/sections/thoi-su-chinh-tri";
        for format in FORMATS {
            let (parsed, raw) = feed(&app, &format!("{base}/{format}?limit=100")).await;
            let seed = parsed
                .entries
                .iter()
                .find(|e| e.links.iter().any(|l| l.href == SEED_URL))
                .unwrap_or_else(|| panic!("{format}: the seed article is missing"));
            let authors: Vec<_> = seed.authors.iter().filter_map(|a| a.name.clone()).collect();
            assert_eq!(authors, ["Nguyễn Nam", "Trường Ca"], "{format}");
            assert_eq!(
                seed.published.unwrap().to_rfc3339(),
                "2021-12-27T12:12:00+00:00"
            );
            assert!(
                seed.title
                    .as_ref()
                    .unwrap()
                    .content
                    .starts_with("Ban cán sự đảng UBND tỉnh")
            );
            assert!(
                seed.summary
                    .as_ref()
                    .unwrap()
                    .content
                    .starts_with("Chiều 27/12")
            );
            assert!(
                seed.content.is_none() || format == "feed.json",
                "{format}: summary only"
            );
            let photo = "https://media.toasoan.example/2021/12/27/toan-canh-hoi-nghi.jpg";
            match format {
                "rss.xml" => {
                    assert!(raw.contains("<pubDate>Mon, 27 Dec 2021 19:12:00 +0700</pubDate>"));
                    assert!(raw.contains(&format!(
                        r#"<enclosure url="{photo}" length="0" type="image/jpeg"/>"#
                    )));
                    assert!(raw.contains(r#"xmlns:media="http://search.yahoo.com/mrss/""#));
                    assert!(raw.contains(
                        r#"<media:description type="plain">Toàn cảnh hội nghị.</media:description>"#
                    ));
                    let media = &seed.media[0];
                    assert_eq!(media.content[0].url.as_ref().unwrap().as_str(), photo);
                    let terms: Vec<_> = seed.categories.iter().map(|c| c.term.as_str()).collect();
                    assert!(
                        terms.contains(&"Thời sự - Chính trị") && terms.contains(&"Dân vận"),
                        "{terms:?}"
                    );
                }
                "atom.xml" => {
                    assert!(raw.contains("<published>2021-12-27T19:12:00+07:00</published>"));
                    let enclosure = seed
                        .links
                        .iter()
                        .find(|l| l.rel.as_deref() == Some("enclosure"))
                        .unwrap();
                    assert_eq!(enclosure.href, photo);
                    assert_eq!(enclosure.title.as_deref(), Some("Toàn cảnh hội nghị."));
                    let terms: Vec<_> = seed.categories.iter().map(|c| c.term.as_str()).collect();
                    assert_eq!(
                        terms,
                        [
                            "thoi-su-chinh-tri",
                            "dan-van",
                            "ban-dan-van-tinh-uy",
                            "cai-cach-hanh-chinh"
                        ]
                    );
                }
                _ => {
                    let json: Value = serde_json::from_str(&raw).unwrap();
                    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
                    let item = json["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|i| i["url"] == SEED_URL)
                        .unwrap();
                    assert_eq!(item["date_published"], "2021-12-27T19:12:00+07:00");
                    assert!(item["date_modified"].as_str().unwrap().ends_with("+07:00"));
                    assert_eq!(item["image"], photo);
                    assert_eq!(item["attachments"][0]["title"], "Toàn cảnh hội nghị.");
                    assert_eq!(item["tags"][0], "Thời sự - Chính trị");
                    assert_eq!(item["content_text"], item["summary"]);
                }
            }
        }
    }
}

#[tokio::test]
async fn full_content_is_the_sanitized_body_html() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                "query($slug: String!) { article(slug: $slug) { bodyHtml } }",
                json!({"slug": SEED_SLUG}),
            )
            .await;
        let body_html = data["article"]["bodyHtml"].as_str().unwrap();
        assert!(body_html.contains("<figcaption>Toàn cảnh hội nghị."));
        for format in FORMATS {
            let (parsed, _) = feed(
                &app,
                &format!("/feeds/sections/thoi-su-chinh-tri/{format}?content=full&limit=100"),
            )
            .await;
            let seed = parsed
                .entries
                .iter()
                .find(|e| e.links.iter().any(|l| l.href == SEED_URL))
                .unwrap();
            let content = seed
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .unwrap_or_else(|| panic!("{format}: no content"));
            assert_eq!(content.trim(), body_html, "{format} on {backend:?}");
        }
    }
}

#[tokio::test]
async fn scoped_feeds_match_the_article_filter_and_include_sub_sections() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let cases = [
            ("sections", "thoi-su", json!({"section": "thoi-su"})),
            ("tags", "dan-van", json!({"tag": "dan-van"})),
            ("people", "nguyen-nam", json!({"person": "nguyen-nam"})),
            (
                "organizations",
                "ban-dan-van-tinh-uy",
                json!({"organization": "ban-dan-van-tinh-uy"}),
            ),
            (
                "events",
                "ky-ket-chuong-trinh-phoi-hop-cong-tac-dan-van-giai-doan-2021-2026",
                json!({"event": "ky-ket-chuong-trinh-phoi-hop-cong-tac-dan-van-giai-doan-2021-2026"}),
            ),
        ];
        for (kind, slug, filter) in cases {
            let expected = article_urls(&app, filter, 100).await;
            assert!(!expected.is_empty(), "{kind}/{slug} has articles");
            for format in FORMATS {
                let (parsed, _) =
                    feed(&app, &format!("/feeds/{kind}/{slug}/{format}?limit=100")).await;
                assert_eq!(
                    entry_urls(&parsed),
                    expected,
                    "{kind}/{slug}/{format} on {backend:?}"
                );
            }
        }
        // The parent section's feed holds the articles of its sub-sections.
        let (parent, _) = feed(&app, "/feeds/sections/thoi-su/atom.xml?limit=100").await;
        assert!(entry_urls(&parent).iter().any(|u| u == SEED_URL));
        assert!(parent.title.unwrap().content.starts_with("Thời sự — "));
    }
}

#[tokio::test]
async fn bad_parameters_and_unknown_feeds_answer_json_errors() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        for (uri, status, code) in [
            (
                "/feeds/rss.xml?limit=0",
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
            ),
            (
                "/feeds/rss.xml?limit=101",
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
            ),
            (
                "/feeds/atom.xml?limit=mot",
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
            ),
            (
                "/feeds/feed.json?content=all",
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
            ),
            (
                "/feeds/tags/khong-co-the-nay/rss.xml",
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
            ),
            (
                "/feeds/sections/khong-co/atom.xml",
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
            ),
            (
                "/feeds/authors/nguyen-nam/rss.xml",
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
            ),
            ("/feeds/feed.xml", StatusCode::NOT_FOUND, "NOT_FOUND"),
        ] {
            let response = app
                .send(Request::get(uri).body(Body::empty()).unwrap())
                .await;
            assert_eq!(response.status(), status, "{uri}");
            let json = body_json(response).await;
            assert_eq!(
                json["errors"][0]["extensions"]["code"], code,
                "{uri}: {json}"
            );
        }
    }
}

const CREATE: &str = r#"mutation($input: ArticleInput!) { createArticle(input: $input) { article { id version slug url } } }"#;
const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) { publishArticle(id: $id, version: $version, publishAt: $at) { article { version status } } }";

/// Creates a draft in `thoi-su-chinh-tri`; returns (id, version, url).
pub async fn draft(app: &TestApp, title: &str) -> (Value, i64, String) {
    let input = json!({
        "title": title,
        "section": "thoi-su-chinh-tri",
        "lead": "Sáng 27/11, hội nghị diễn ra tại Hội trường Tỉnh ủy.",
        "body": [{"paragraph": {"text": "Đồng chí Ngọc Kim Nam phát biểu chỉ đạo."}}],
        "people": [{"person": "nguyen-nam", "role": "AUTHOR"}],
        "tags": ["dan-van"]
    });
    let data = app
        .data_as(
            &token("writer-lan", &["writer"]),
            CREATE,
            json!({"input": input}),
        )
        .await;
    let a = &data["createArticle"]["article"];
    (
        a["id"].clone(),
        a["version"].as_i64().unwrap(),
        a["url"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn only_public_articles_appear_and_the_etag_follows_them() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = token("editor-ha", &["editor"]);
        let admin = token("admin-an", &["admin"]);
        let uri = "/feeds/sections/thoi-su-chinh-tri/rss.xml?limit=100";
        let (status, headers, _) = fetch(&app, uri, &[]).await;
        assert_eq!(status, StatusCode::OK);
        let etag = headers[header::ETAG].to_str().unwrap().to_owned();
        let last_modified = headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");

        // The same version: 304 with no body, on either validator.
        let (status, again, body) = fetch(&app, uri, &[("if-none-match", &etag)]).await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
        assert_eq!(again[header::ETAG], etag.as_str());
        let (status, _, _) = fetch(&app, uri, &[("if-modified-since", &last_modified)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);

        // A draft, a scheduled article not yet due and a deleted one never show.
        let (_, _, draft_url) = draft(&app, "Bản nháp chưa duyệt về dân vận").await;
        let (id, version, scheduled_url) = draft(&app, "Bài hẹn giờ đăng tuần sau").await;
        let next_week = (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339();
        app.data_as(
            &editor,
            PUBLISH,
            json!({"id": id, "version": version, "at": next_week}),
        )
        .await;
        let (id, version, deleted_url) = draft(&app, "Bài đã đăng rồi bị xoá").await;
        let published = app
            .data_as(&editor, PUBLISH, json!({"id": id, "version": version}))
            .await;
        let version = published["publishArticle"]["article"]["version"]
            .as_i64()
            .unwrap();
        app.data_as(&admin, "mutation($id: ID!, $version: Int!) { deleteArticle(id: $id, version: $version) { id } }", json!({"id": id, "version": version})).await;
        // A published one shows first, and the old tag no longer matches.
        let (id, version, live_url) = draft(&app, "Tỉnh ủy sơ kết công tác dân vận năm 2026").await;
        app.data_as(&editor, PUBLISH, json!({"id": id, "version": version}))
            .await;

        for format in FORMATS {
            let (parsed, _) = feed(
                &app,
                &format!("/feeds/sections/thoi-su-chinh-tri/{format}?limit=100"),
            )
            .await;
            let urls = entry_urls(&parsed);
            assert_eq!(urls[0], live_url, "{format} on {backend:?}");
            for hidden in [&draft_url, &scheduled_url, &deleted_url] {
                assert!(
                    !urls.contains(hidden),
                    "{format}: {hidden} must not be listed"
                );
            }
        }
        let (status, headers, _) = fetch(&app, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::OK, "a new article is a new version");
        assert_ne!(headers[header::ETAG], etag.as_str());
    }
}

#[tokio::test]
async fn old_slugs_keep_their_feeds_and_items_are_loaded_in_batches() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = token("admin-an", &["admin"]);
        let tag = app
            .data("{ tag(slug: \"dan-van\") { id version } }", json!({}))
            .await;
        app.data_as(
            &admin,
            "mutation($id: ID!, $version: Int!) { updateTag(id: $id, version: $version, input: {slug: \"cong-tac-dan-van\"}) { tag { slug } } }",
            json!({"id": tag["tag"]["id"], "version": tag["tag"]["version"]}),
        )
        .await;
        let (old, _) = feed(&app, "/feeds/tags/dan-van/atom.xml").await;
        let (new, _) = feed(&app, "/feeds/tags/cong-tac-dan-van/atom.xml").await;
        assert_eq!(entry_urls(&old), entry_urls(&new));
        assert!(!old.entries.is_empty());
        let self_link = old
            .links
            .iter()
            .find(|l| l.rel.as_deref() == Some("self"))
            .unwrap();
        assert_eq!(
            self_link.href,
            "https://baotinh.example/feeds/tags/cong-tac-dan-van/atom.xml"
        );

        // The statement count does not grow with the number of items.
        app.take_statement_count();
        feed(&app, "/feeds/rss.xml?limit=2&content=full").await;
        let few = app.take_statement_count();
        feed(&app, "/feeds/rss.xml?limit=40&content=full").await;
        let many = app.take_statement_count();
        assert_eq!(
            few, many,
            "{backend:?}: {few} statements for 2 items, {many} for 40"
        );
    }
}

#[tokio::test]
async fn an_article_leaving_the_feed_moves_last_modified_forward() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let uri = "/feeds/tags/dan-van/atom.xml";
        let (_, headers, _) = fetch(&app, uri, &[]).await;
        let since = headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        let (parsed, _) = feed(&app, uri).await;
        let newest = entry_urls(&parsed)[0].clone();
        let slug = newest.rsplit('/').next().unwrap();

        // HTTP dates count seconds: let one pass before the change.
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let data = app
            .data(
                "query($slug: String!) { article(slug: $slug) { id version } }",
                json!({"slug": slug}),
            )
            .await;
        app.data_as(
            &token("editor-ha", &["editor"]),
            "mutation($id: ID!, $version: Int!) { unpublishArticle(id: $id, version: $version) { article { status } } }",
            json!({"id": data["article"]["id"], "version": data["article"]["version"]}),
        )
        .await;

        let (status, headers, body) = fetch(&app, uri, &[("if-modified-since", &since)]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{backend:?}: the removal is a change"
        );
        assert_ne!(headers[header::LAST_MODIFIED], since.as_str());
        let parsed = feed_rs::parser::parse(body.as_bytes()).unwrap();
        assert!(!entry_urls(&parsed).contains(&newest));
    }
}

#[tokio::test]
async fn an_article_moved_to_another_section_moves_last_modified_forward() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let uri = "/feeds/sections/giao-duc/rss.xml";
        let (_, headers, _) = fetch(&app, uri, &[]).await;
        let since = headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        let (parsed, _) = feed(&app, uri).await;
        let oldest = entry_urls(&parsed).last().unwrap().clone();
        let slug = oldest.rsplit('/').next().unwrap();

        // HTTP dates count seconds: let one pass before the change.
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let data = app
            .data(
                "query($slug: String!) { article(slug: $slug) { id version } }",
                json!({"slug": slug}),
            )
            .await;
        app.data_as(
            &token("editor-ha", &["editor"]),
            "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, version: $version, input: {section: \"the-thao\"}) { article { version } } }",
            json!({"id": data["article"]["id"], "version": data["article"]["version"]}),
        )
        .await;

        let (status, _, body) = fetch(&app, uri, &[("if-modified-since", &since)]).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: leaving is a change");
        let parsed = feed_rs::parser::parse(body.as_bytes()).unwrap();
        assert!(!entry_urls(&parsed).iter().any(|u| u.ends_with(slug)));
    }
}
