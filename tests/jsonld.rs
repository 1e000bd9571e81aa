//! `Article.jsonLd`: schema.org `NewsArticle` with the fields search
//! engines need, compared with what the rest of the API says about the
//! same article; loaded without N+1 for lists; safe inside `<script>`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{SEED_SLUG, TestApp, backends, token};
use serde_json::{Value, json};

const SEED: &str = r#"query($slug: String!) { article(slug: $slug) {
    jsonLd title lead url publishedAt
    section { name }
    authors { fullName }
    people(roles: [MENTIONED, QUOTED]) { person { fullName } }
    organizations { name }
    events { name }
    leadImage { url caption width height }
} }"#;

/// The JSON-LD object of an `Article.jsonLd` text.
fn parsed(json_ld: &Value) -> Value {
    let text = json_ld.as_str().expect("jsonLd is JSON text");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn names(list: &Value, pointer: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_seed_article_is_a_complete_news_article() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app.data(SEED, json!({"slug": SEED_SLUG})).await;
        let a = &data["article"];
        let ld = &parsed(&a["jsonLd"]);
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], a["title"]);
        assert_eq!(ld["description"], a["lead"]);
        assert_eq!(ld["url"], a["url"]);
        assert_eq!(ld["mainEntityOfPage"]["@id"], a["url"]);
        assert_eq!(ld["datePublished"], "2021-12-27T19:12:00+07:00");
        assert!(ld["dateModified"].as_str().unwrap().ends_with("+07:00"));
        assert_eq!(ld["inLanguage"], "vi");
        assert_eq!(ld["articleSection"], "Thời sự - Chính trị");
        assert_eq!(ld["articleSection"], a["section"]["name"]);

        assert_eq!(names(&ld["author"], "/name"), ["Nguyễn Nam", "Trường Ca"]);
        assert!(
            ld["author"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["@type"] == "Person")
        );
        assert_eq!(
            names(&ld["author"], "/name"),
            names(&a["authors"], "/fullName")
        );
        let mentioned = names(&a["people"], "/person/fullName");
        assert!(mentioned.contains(&"Nguyễn Đức Trung".to_owned()));
        assert_eq!(names(&ld["mentions"], "/name"), mentioned);

        let mut about = names(&a["organizations"], "/name");
        about.extend(names(&a["events"], "/name"));
        assert_eq!(names(&ld["about"], "/name"), about);
        let types: Vec<&str> = ld["about"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["@type"].as_str().unwrap())
            .collect();
        assert!(types.contains(&"Organization") && types.contains(&"Event"));
        let event = ld["about"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["@type"] == "Event")
            .unwrap();
        assert!(event["startDate"].as_str().unwrap().ends_with("+07:00"));

        let image = &ld["image"][0];
        assert_eq!(image["@type"], "ImageObject");
        assert_eq!(image["url"], a["leadImage"]["url"]);
        assert_eq!(image["caption"], "Toàn cảnh hội nghị.");
        assert_eq!(
            (image["width"].clone(), image["height"].clone()),
            (json!(1600), json!(1067))
        );

        assert_eq!(
            ld["publisher"],
            json!({"@type": "Organization", "name": "Toà Soạn", "url": "https://baotinh.example/"})
        );
    }
}

#[tokio::test]
async fn the_publisher_comes_from_the_configuration() {
    for backend in backends() {
        let app = TestApp::demo_with(backend, |c| {
            c.publication_name = "Báo Tỉnh".into();
            c.publisher_logo_url = Some("https://baotinh.example/logo.png".into());
        })
        .await;
        let data = app.data(SEED, json!({"slug": SEED_SLUG})).await;
        let publisher = &parsed(&data["article"]["jsonLd"])["publisher"];
        assert_eq!(publisher["name"], "Báo Tỉnh");
        assert_eq!(
            publisher["logo"],
            json!({"@type": "ImageObject", "url": "https://baotinh.example/logo.png"})
        );
    }
}

#[tokio::test]
async fn a_draft_preview_has_no_publication_date_yet() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let writer = token("writer-lan", &["writer"]);
        let input = json!({"title": "Bản nháp về chuyển đổi số", "section": "kinh-te", "lead": "Tỉnh đẩy mạnh chuyển đổi số.", "body": [],
            "people": [{"person": "nguyen-nam", "role": "AUTHOR"}, {"person": "nguyen-nam", "role": "QUOTED"}]});
        let data = app
            .data_as(&writer, "mutation($input: ArticleInput!) { createArticle(input: $input) { article { jsonLd } } }", json!({"input": input}))
            .await;
        let ld = &parsed(&data["createArticle"]["article"]["jsonLd"]);
        assert!(ld.get("datePublished").is_none(), "{ld}");
        assert_eq!(ld["headline"], "Bản nháp về chuyển đổi số");
        assert_eq!(ld["articleSection"], "Kinh tế");
        assert_eq!(names(&ld["author"], "/name"), ["Nguyễn Nam"]);
        assert!(
            ld.get("mentions").is_none(),
            "an author is not also mentioned: {ld}"
        );
    }
}

#[tokio::test]
async fn json_ld_of_a_list_costs_the_same_queries_whatever_its_length() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let query = "query($n: Int) { articles(first: $n) { nodes { jsonLd } } }";
        app.take_statement_count();
        let few = app.data(query, json!({"n": 3})).await;
        let few_count = app.take_statement_count();
        let many = app.data(query, json!({"n": 30})).await;
        let many_count = app.take_statement_count();
        assert_eq!(few["articles"]["nodes"].as_array().unwrap().len(), 3);
        assert_eq!(many["articles"]["nodes"].as_array().unwrap().len(), 30);
        assert!(
            many["articles"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| parsed(&n["jsonLd"])["@type"] == "NewsArticle")
        );
        // A fixed budget for both sizes: about one statement per relation
        // (the article, its section, people, organizations, events, tags
        // and images, each link table and rows). A stage's loads may land in
        // two batches, so the exact count can vary; per-row loading would
        // cost hundreds for 30 articles.
        const BUDGET: usize = 24;
        assert!(
            few_count <= BUDGET && many_count <= BUDGET,
            "{backend:?}: {few_count} statements for 3, {many_count} for 30"
        );
    }
}

#[tokio::test]
async fn a_title_cannot_end_the_script_tag() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let writer = token("writer-lan", &["writer"]);
        // Tags are stripped from titles, but entities are decoded: this
        // is how a `</script>` gets into a stored title.
        let typed =
            "Tỉnh ủy họp bàn &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; về chuyển đổi số";
        let title = "Tỉnh ủy họp bàn </script><script>alert(1)</script> về chuyển đổi số";
        let input = json!({"title": typed, "section": "kinh-te",
            "lead": "Chiều 27/12, a &lt; b &amp;&amp; c &gt; d\u{2029}.", "body": []});
        let data = app
            .data_as(&writer, "mutation($input: ArticleInput!) { createArticle(input: $input) { article { jsonLd title lead } } }", json!({"input": input}))
            .await;
        let article = &data["createArticle"]["article"];
        assert_eq!(article["title"], title);
        let text = article["jsonLd"].as_str().unwrap();
        // What a page template pastes between the tags, verbatim.
        let page = format!("<script type=\"application/ld+json\">{text}</script>");
        assert_eq!(page.matches("</script").count(), 1, "{page}");
        for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(raw), "{raw:?} in {text}");
        }
        assert!(
            text.contains(r"\u003c/script\u003e\u003cscript\u003ealert(1)"),
            "{text}"
        );
        let ld = parsed(&article["jsonLd"]);
        assert_eq!(ld["headline"], title, "the same text, once parsed");
        assert_eq!(ld["description"], article["lead"]);
        assert!(article["lead"].as_str().unwrap().contains("a < b && c > d"));
    }
}
