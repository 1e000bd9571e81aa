//! The demo newsroom: the seed article modelled in full, and a newsroom
//! around it that makes every query meaningful.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, SEED_SLUG, TestApp, backends};
use serde_json::json;

#[tokio::test]
async fn the_seed_article_is_modelled_in_full() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let data = app
            .data(
                r#"query($slug: String!) { article(slug: $slug) {
                    title lead publishedAt status language wordCount readingTimeMinutes url
                    section { slug name iptcMediaTopic parent { slug } }
                    authors { fullName slug }
                    people(roles: [MENTIONED, QUOTED]) { role person { fullName
                        currentPositions { title organization { slug } } } }
                    organizations { slug name parent { slug } }
                    events { name startsAt participants { people { person { slug } } organizations { slug } } }
                    tags { slug }
                    leadImage { url caption credit width height mime }
                    images { caption }
                    body { __typename ... on ParagraphBlock { text } ... on ImageBlock { image { caption } } }
                } }"#,
                json!({ "slug": SEED_SLUG }),
            )
            .await;
        let a = &data["article"];
        assert_eq!(
            a["title"],
            "Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết chương trình phối hợp giai đoạn 2021-2026"
        );
        assert!(
            a["lead"]
                .as_str()
                .unwrap()
                .starts_with("Chiều 27/12, Ban Dân vận Tỉnh ủy")
        );
        // 19:12 in Hồ Chí Minh City is 12:12 UTC.
        assert_eq!(a["publishedAt"], "2021-12-27T12:12:00+00:00");
        assert_eq!(a["status"], "PUBLISHED");
        assert_eq!(a["language"], "vi");
        assert!(a["wordCount"].as_i64().unwrap() > 200);
        assert_eq!(
            a["url"],
            format!("https://baotinh.example/thoi-su-chinh-tri/{SEED_SLUG}")
        );
        assert_eq!(a["section"]["name"], "Thời sự - Chính trị");
        assert_eq!(a["section"]["iptcMediaTopic"], "medtop:11000000");
        assert_eq!(a["section"]["parent"]["slug"], "thoi-su");
        assert_eq!(
            a["authors"],
            json!([{"fullName": "Nguyễn Nam", "slug": "nguyen-nam"}, {"fullName": "Trường Ca", "slug": "truong-ca"}])
        );

        let people = a["people"].as_array().unwrap();
        let trung = people
            .iter()
            .find(|p| p["person"]["fullName"] == "Nguyễn Đức Trung")
            .expect("Nguyễn Đức Trung is linked");
        let titles: Vec<&str> = trung["person"]["currentPositions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        for title in [
            "Phó Bí thư Tỉnh ủy",
            "Chủ tịch UBND tỉnh",
            "Bí thư Ban Cán sự đảng UBND tỉnh",
        ] {
            assert!(titles.contains(&title), "{title} missing from {titles:?}");
        }
        for name in ["Ngọc Kim Nam", "Nguyễn Mạnh Khôi", "Lê Đình Lý"] {
            assert!(
                people.iter().any(|p| p["person"]["fullName"] == name),
                "{name} missing"
            );
        }

        let orgs = a["organizations"].as_array().unwrap();
        assert_eq!(orgs.len(), 5);
        let parent_of =
            |slug: &str| orgs.iter().find(|o| o["slug"] == slug).unwrap()["parent"]["slug"].clone();
        assert_eq!(parent_of("ban-dan-van-tinh-uy"), "tinh-uy");
        assert_eq!(parent_of("so-noi-vu"), "ubnd-tinh");
        assert_eq!(parent_of("tinh-uy"), serde_json::Value::Null);

        let events = a["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert!(
            events[0]["name"]
                .as_str()
                .unwrap()
                .starts_with("Hội nghị tổng kết")
        );
        assert!(
            !events[0]["participants"]["people"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        assert_eq!(a["leadImage"]["caption"], "Toàn cảnh hội nghị.");
        let captions: Vec<&str> = a["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["caption"].as_str().unwrap())
            .collect();
        assert_eq!(captions.len(), 6);
        assert!(captions.contains(
            &"Đồng chí Ngọc Kim Nam - Trưởng Ban Dân vận Tỉnh ủy phát biểu tại Hội nghị."
        ));
        let body = a["body"].as_array().unwrap();
        assert_eq!(body[0]["__typename"], "ImageBlock");
        assert_eq!(body[0]["image"]["caption"], "Toàn cảnh hội nghị.");
        assert!(body.iter().any(|b| b["__typename"] == "ParagraphBlock"));
    }
}

#[tokio::test]
async fn the_newsroom_is_large_enough_to_be_meaningful() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let data = app
        .data(
            "{ articles { totalCount } people { totalCount } organizations { totalCount }
               events { totalCount } sections { slug children { slug } } }",
            json!({}),
        )
        .await;
    assert!(data["articles"]["totalCount"].as_u64().unwrap() >= 40);
    assert!(data["people"]["totalCount"].as_u64().unwrap() >= 30);
    assert!(data["organizations"]["totalCount"].as_u64().unwrap() >= 15);
    assert!(data["events"]["totalCount"].as_u64().unwrap() >= 15);
    assert!(data["sections"].as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn titles_use_every_kind_of_vietnamese_diacritic() {
    let titles: Vec<String> = serde_json::from_str::<serde_json::Value>(
        toasoan::demo::NEWSROOM_JSON,
    )
    .unwrap()["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect();
    let all = titles.join(" ");
    // Tone marks (sắc, huyền, hỏi, ngã, nặng) and the vowel letters.
    for needle in [
        "á", "à", "ả", "ã", "ạ", "ă", "â", "ê", "ô", "ơ", "ư", "đ", "Đ",
    ] {
        assert!(all.contains(needle), "no title contains {needle}");
    }
}

#[tokio::test]
async fn the_demo_only_loads_into_an_empty_database() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let err = toasoan::demo::load(&app.db).await.unwrap_err();
    assert!(matches!(err, toasoan::demo::DemoError::NotEmpty));
}

#[tokio::test]
async fn colliding_titles_get_numbered_slugs() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let article = json!({
            "title": "Hội nghị “Dân vận khéo” năm 2026: tổng kết 100% chỉ tiêu",
            "lead": "Sáng nay, hội nghị diễn ra.", "section": "thoi-su", "status": "PUBLISHED",
            "publishedAt": "2026-01-02T08:00:00+07:00", "leadImage": null,
            "body": [{"type": "paragraph", "text": "Nội dung."}]
        });
        let newsroom = json!({
            "sections": [{"slug": "thoi-su", "name": "Thời sự", "parent": null, "position": 1}],
            "organizations": [], "people": [], "tags": [], "events": [],
            "articles": [article.clone(), article.clone(), article]
        });
        toasoan::demo::load_json(&app.db, &newsroom.to_string(), chrono::Utc::now())
            .await
            .unwrap();
        let data = app
            .data("{ articles { edges { node { slug } } } }", json!({}))
            .await;
        let mut slugs: Vec<String> = data["articles"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
            .collect();
        slugs.sort();
        let base = "hoi-nghi-dan-van-kheo-nam-2026-tong-ket-100-chi-tieu";
        assert_eq!(
            slugs,
            vec![base.to_owned(), format!("{base}-2"), format!("{base}-3")]
        );
    }
}

#[tokio::test]
async fn a_demo_with_a_dangling_reference_loads_nothing() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let newsroom = json!({
        "sections": [{"slug": "thoi-su", "name": "Thời sự", "parent": null, "position": 1}],
        "organizations": [], "people": [], "tags": [], "events": [],
        "articles": [{"title": "Tin", "lead": "", "section": "khong-co", "status": "PUBLISHED",
                      "publishedAt": "2026-01-02T08:00:00+07:00", "leadImage": null, "body": []}]
    });
    let err = toasoan::demo::load_json(&app.db, &newsroom.to_string(), chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown section `khong-co`"),
        "{err}"
    );
    // One transaction: the section written before the failure is gone too.
    let data = app.data("{ sections { slug } }", json!({})).await;
    assert_eq!(data["sections"], json!([]));
}
