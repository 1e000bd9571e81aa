//! Sitemaps: the index and its pages (fixed id ranges, at most the page
//! size each, every public article exactly once), the sections page, and
//! the Google News sitemap (two days, 1,000 articles, name and language).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use chrono::{Duration, Utc};
use common::{TestApp, backends, body_json, body_text, token};
use entity::{article, section};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

async fn get(app: &TestApp, uri: &str) -> (StatusCode, String, Option<String>) {
    let response = app
        .send(Request::get(uri).body(Body::empty()).unwrap())
        .await;
    let status = response.status();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned());
    if status == StatusCode::OK {
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
        assert!(
            content_type.starts_with("application/xml"),
            "{uri}: {content_type}"
        );
    }
    (status, body_text(response).await, etag)
}

/// The text of every `<child>` of every `<parent>`, checking namespaces.
fn texts(xml: &str, root: &str, child: &str, namespace: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    assert_eq!(doc.root_element().tag_name().name(), root);
    assert_eq!(doc.root_element().tag_name().namespace(), Some(SITEMAP_NS));
    doc.descendants()
        .filter(|n| n.tag_name().name() == child && n.tag_name().namespace() == Some(namespace))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

/// Every public article URL, according to the `articles` query.
async fn public_urls(app: &TestApp, filter: Value) -> BTreeSet<String> {
    let data = app
        .data(
            "query($filter: ArticleFilter) { articles(filter: $filter, first: 100) { nodes { url } } }",
            json!({"filter": filter}),
        )
        .await;
    data["articles"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["url"].as_str().unwrap().to_owned())
        .collect()
}

/// The article URLs of every page the index lists, page by page.
async fn pages(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let (status, index, _) = get(app, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let mut pages = Vec::new();
    for loc in texts(&index, "sitemapindex", "loc", SITEMAP_NS) {
        let path = loc.strip_prefix("https://baotinh.example").unwrap();
        if path == "/sitemaps/sections.xml" {
            continue;
        }
        let (status, page, _) = get(app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let doc = roxmltree::Document::parse(&page).unwrap();
        for lastmod in doc
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP_NS, "lastmod")))
        {
            assert!(lastmod.text().unwrap().ends_with("+07:00"), "{page}");
        }
        pages.push((path.to_owned(), texts(&page, "urlset", "loc", SITEMAP_NS)));
    }
    pages
}

#[tokio::test]
async fn the_index_pages_hold_every_public_article_once_in_fixed_id_ranges() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| c.sitemap_page_size = 10).await;
        let expected = public_urls(&app, json!(null)).await;
        let before = pages(&app).await;
        assert!(
            before.len() >= 4,
            "46 articles in pages of 10: {}",
            before.len()
        );
        assert!(
            before
                .iter()
                .all(|(_, urls)| !urls.is_empty() && urls.len() <= 10)
        );
        let listed: Vec<&String> = before.iter().flat_map(|(_, urls)| urls).collect();
        assert_eq!(listed.len(), expected.len(), "no duplicates on {backend:?}");
        assert_eq!(
            listed.into_iter().cloned().collect::<BTreeSet<_>>(),
            expected
        );

        // Deleting an article of the first page leaves the others as they were.
        let victim = &before[0].1[0];
        let slug = victim.rsplit('/').next().unwrap();
        let row = article::Entity::find()
            .filter(article::Column::Slug.eq(slug))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let data = app
            .data(
                "query($slug: String!) { article(slug: $slug) { id version } }",
                json!({"slug": slug}),
            )
            .await;
        app.data_as(
            &token("admin-an", &["admin"]),
            "mutation($id: ID!, $version: Int!) { deleteArticle(id: $id, version: $version) { id } }",
            json!({"id": data["article"]["id"], "version": row.version}),
        )
        .await;
        let after = pages(&app).await;
        assert_eq!(after[1..], before[1..], "later pages do not shift");
        assert_eq!(after[0].1, before[0].1[1..]);

        let (status, sections, _) = get(&app, "/sitemaps/sections.xml").await;
        assert_eq!(status, StatusCode::OK);
        let locs = texts(&sections, "urlset", "loc", SITEMAP_NS);
        assert_eq!(locs[0], "https://baotinh.example/");
        assert!(locs.contains(&"https://baotinh.example/thoi-su-chinh-tri".to_owned()));
    }
}

#[tokio::test]
async fn one_page_by_default_unknown_pages_are_404_and_etags_give_304() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let pages = pages(&app).await;
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].0, "/sitemaps/articles-1.xml");
        for uri in [
            "/sitemaps/articles-0.xml",
            "/sitemaps/articles-2.xml",
            "/sitemaps/articles-01.xml",
            "/sitemaps/tags.xml",
        ] {
            let response = app
                .send(Request::get(uri).body(Body::empty()).unwrap())
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(
                body_json(response).await["errors"][0]["extensions"]["code"],
                "NOT_FOUND"
            );
        }
        for uri in [
            "/sitemap.xml",
            "/sitemaps/articles-1.xml",
            "/sitemap-news.xml",
        ] {
            let (_, _, etag) = get(&app, uri).await;
            let request = Request::get(uri)
                .header(header::IF_NONE_MATCH, etag.unwrap())
                .body(Body::empty())
                .unwrap();
            let response = app.send(request).await;
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{uri}");
            assert_eq!(body_text(response).await, "");
        }
    }
}

const CREATE: &str = r#"mutation($input: ArticleInput!) { createArticle(input: $input) { article { id version url } } }"#;
const PUBLISH: &str = "mutation($id: ID!, $version: Int!, $at: DateTime) { publishArticle(id: $id, version: $version, publishAt: $at) { article { version } } }";

/// Creates an article and, unless `publish_at` is `None`, publishes it
/// (`Some(None)` = now). Returns its URL.
async fn article(app: &TestApp, title: &str, publish_at: Option<Option<String>>) -> String {
    let input = json!({"title": title, "section": "kinh-te", "lead": "Sáng nay, tỉnh tổ chức hội nghị xúc tiến đầu tư.", "body": []});
    let data = app
        .data_as(
            &token("writer-lan", &["writer"]),
            CREATE,
            json!({"input": input}),
        )
        .await;
    let a = &data["createArticle"]["article"];
    if let Some(at) = publish_at {
        let vars = json!({"id": a["id"], "version": a["version"], "at": at});
        app.data_as(&token("editor-ha", &["editor"]), PUBLISH, vars)
            .await;
    }
    a["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_news_sitemap_has_the_last_two_days_of_public_articles() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| {
            c.publication_name = "Báo Tỉnh & Đời sống".into()
        })
        .await;
        let fresh = article(&app, "Hội nghị xúc tiến đầu tư năm 2026", Some(None)).await;
        let yesterday = (Utc::now() - Duration::hours(30)).to_rfc3339();
        let recent = article(&app, "Khánh thành cầu Cần Thơ 2", Some(Some(yesterday))).await;
        let old = (Utc::now() - Duration::days(3)).to_rfc3339();
        let stale = article(&app, "Tin ba ngày trước", Some(Some(old))).await;
        let draft = article(&app, "Bản nháp về đầu tư", None).await;
        let later = (Utc::now() + Duration::days(1)).to_rfc3339();
        let scheduled = article(&app, "Bài hẹn giờ ngày mai", Some(Some(later))).await;

        let since = (Utc::now() - Duration::days(2)).to_rfc3339();
        let expected = public_urls(&app, json!({"publishedAfter": since})).await;
        assert!(expected.contains(&fresh) && expected.contains(&recent));

        let (status, xml, _) = get(&app, "/sitemap-news.xml").await;
        assert_eq!(status, StatusCode::OK);
        let locs = texts(&xml, "urlset", "loc", SITEMAP_NS);
        assert_eq!(locs[0], fresh, "newest first on {backend:?}");
        assert_eq!(locs.iter().cloned().collect::<BTreeSet<_>>(), expected);
        for hidden in [&stale, &draft, &scheduled] {
            assert!(!locs.contains(hidden), "{hidden}");
        }
        let names = texts(&xml, "urlset", "name", NEWS_NS);
        assert!(names.iter().all(|n| n == "Báo Tỉnh & Đời sống") && names.len() == locs.len());
        assert!(xml.contains("<news:name>Báo Tỉnh &amp; Đời sống</news:name>"));
        assert!(
            texts(&xml, "urlset", "language", NEWS_NS)
                .iter()
                .all(|l| l == "vi")
        );
        let dates = texts(&xml, "urlset", "publication_date", NEWS_NS);
        assert!(dates.iter().all(|d| d.ends_with("+07:00")), "{dates:?}");
        let titles = texts(&xml, "urlset", "title", NEWS_NS);
        assert_eq!(titles[0], "Hội nghị xúc tiến đầu tư năm 2026");
    }
}

#[tokio::test]
async fn the_news_sitemap_stops_at_a_thousand_articles() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let section = section::Entity::find().one(&app.db).await.unwrap().unwrap();
        let now = Utc::now();
        let rows: Vec<article::ActiveModel> = (0..1_005)
            .map(|i| article::ActiveModel {
                slug: Set(format!("tin-nhanh-so-{i}")),
                title: Set(format!("Tin nhanh số {i}")),
                lead: Set("Tin vắn.".into()),
                body: Set("[]".into()),
                section_id: Set(section.id),
                status: Set(article::ArticleStatus::Published),
                published_at: Set(Some(now - Duration::minutes(i + 1))),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                language: Set("vi".into()),
                word_count: Set(2),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(250) {
            article::Entity::insert_many(chunk.to_vec())
                .exec(&app.db)
                .await
                .unwrap();
        }
        let (status, xml, _) = get(&app, "/sitemap-news.xml").await;
        assert_eq!(status, StatusCode::OK);
        let titles = texts(&xml, "urlset", "title", NEWS_NS);
        assert_eq!(titles.len(), 1_000, "{backend:?}");
        assert_eq!(titles[0], "Tin nhanh số 0");
        assert_eq!(titles[999], "Tin nhanh số 999");
    }
}
