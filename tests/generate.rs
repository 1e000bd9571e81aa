//! `toasoan generate`: a deterministic, realistic archive, refused on a
//! database that has articles unless forced, and served by the read API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};

use api::domain::body::{self, Block};
use chrono::{DateTime, TimeZone, Utc};
use common::{Backend, TestApp, backends};
use entity::{
    article, article::ArticleStatus, article_event, article_image, article_organization,
    article_person, article_person::PersonRole, article_tag, media, position, section, tag,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, Set, Statement,
};
use serde_json::json;
use toasoan::generate::{GenerateArgs, run, run_at};

fn args(articles: usize, seed: u64, force: bool) -> GenerateArgs {
    GenerateArgs {
        articles,
        seed,
        force,
    }
}

/// Letters only Vietnamese text has.
const DIACRITICS: &str = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ";

fn has_diacritics(text: &str) -> bool {
    text.to_lowercase().chars().any(|c| DIACRITICS.contains(c))
}

async fn count(app: &TestApp, table: &str) -> u64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap() as u64
}

#[tokio::test]
async fn three_hundred_articles_have_the_shape_of_a_newsroom_archive() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let report = run(&app.db, &args(300, 7, false)).await.unwrap();
        assert!(report.contains("generated 300 articles"), "{report}");

        // Counts scale with the number of articles.
        assert_eq!(count(&app, "articles").await, 300);
        assert_eq!(count(&app, "sections").await, 12, "the demo's sections");
        assert_eq!(count(&app, "people").await, 60);
        assert_eq!(count(&app, "organizations").await, 30);
        assert_eq!(count(&app, "events").await, 30);
        assert_eq!(count(&app, "tags").await, 40);
        assert!(count(&app, "positions").await >= 60);
        assert!(count(&app, "event_people").await >= 60);

        let articles = article::Entity::find()
            .order_by_asc(article::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        let sections: HashSet<i64> = section::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        let media_ids: HashSet<i64> = media::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| {
                assert!(m.url.starts_with("https://"), "{}", m.url);
                assert!(m.caption.as_deref().is_some_and(has_diacritics));
                m.id
            })
            .collect();
        let links = article_person::Entity::find().all(&app.db).await.unwrap();
        let mut authors: HashMap<i64, usize> = HashMap::new();
        for link in &links {
            if link.role == PersonRole::Author {
                *authors.entry(link.article_id).or_default() += 1;
            }
        }
        let images = article_image::Entity::find().all(&app.db).await.unwrap();
        let mut images_of: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
        for image in &images {
            images_of
                .entry(image.article_id)
                .or_default()
                .push((image.position, image.media_id));
        }

        let now = Utc::now();
        let mut slugs = HashSet::new();
        let mut statuses: HashMap<ArticleStatus, usize> = HashMap::new();
        let mut words = 0;
        for a in &articles {
            assert!(sections.contains(&a.section_id), "{} has a section", a.id);
            assert!(authors.get(&a.id).is_some_and(|n| (1..=2).contains(n)));
            let lead_image = a.lead_image_id.expect("every article has a lead image");
            assert!(media_ids.contains(&lead_image));
            assert!(slugs.insert(a.slug.clone()), "slug {} is unique", a.slug);
            let base = api::platform::slug::slugify(&a.title);
            assert!(
                a.slug == base
                    || a.slug
                        .strip_prefix(&base)
                        .and_then(|rest| rest.strip_prefix('-'))
                        .is_some_and(|n| n.parse::<u32>().is_ok()),
                "{} is the slug of {}",
                a.slug,
                a.title
            );
            assert!(has_diacritics(&a.title) && has_diacritics(&a.lead));
            assert_eq!((a.language.as_str(), a.version), ("vi", 1));
            let blocks = body::parse(&a.body).expect("the body parses");
            let body_images: Vec<i64> = blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Image { media_id } => Some(*media_id),
                    _ => None,
                })
                .collect();
            assert!((3..=7).contains(&body_images.len()), "lead + 2–6 photos");
            assert_eq!(body_images[0], lead_image, "the lead photo opens the body");
            assert!(body_images.iter().all(|m| media_ids.contains(m)));
            let mut listed = images_of.remove(&a.id).unwrap_or_default();
            listed.sort();
            assert_eq!(
                listed.iter().map(|(_, m)| *m).collect::<Vec<_>>(),
                body_images,
                "article_images follow the image blocks"
            );
            assert_eq!(a.word_count as usize, body::word_count(&a.lead, &blocks));
            words += a.word_count as usize;
            *statuses.entry(a.status).or_default() += 1;
            match a.status {
                ArticleStatus::Draft => assert!(a.published_at.is_none()),
                ArticleStatus::Scheduled => assert!(a.published_at.unwrap() > now),
                _ => {
                    let at = a.published_at.unwrap();
                    assert!(at < now && at > now - chrono::Duration::days(3700));
                    assert!(a.created_at <= at && a.updated_at >= at);
                }
            }
        }
        let average = words / articles.len();
        assert!((450..=900).contains(&average), "about 600 words: {average}");
        assert_eq!(statuses[&ArticleStatus::Draft], 6);
        assert_eq!(statuses[&ArticleStatus::Scheduled], 3);
        assert_eq!(statuses[&ArticleStatus::Unpublished], 3);
        assert_eq!(statuses[&ArticleStatus::Published], 288);

        // Links per article, on average.
        let per = |n: usize| n as f64 / articles.len() as f64;
        let people = per(links.len());
        assert!(
            (3.0..=5.5).contains(&people),
            "people per article: {people}"
        );
        let orgs = per(article_organization::Entity::find()
            .count(&app.db)
            .await
            .unwrap() as usize);
        assert!(
            (1.5..=2.5).contains(&orgs),
            "organizations per article: {orgs}"
        );
        let events = per(article_event::Entity::find().count(&app.db).await.unwrap() as usize);
        assert!(
            (0.5..=2.0).contains(&events),
            "events per article: {events}"
        );
        let tags = per(article_tag::Entity::find().count(&app.db).await.unwrap() as usize);
        assert!((1.0..=3.0).contains(&tags), "tags per article: {tags}");

        // Positions over time: some ended, some held today.
        let positions = position::Entity::find().all(&app.db).await.unwrap();
        assert!(positions.iter().any(|p| p.end_date.is_some()));
        assert!(positions.iter().any(|p| p.end_date.is_none()));
        assert!(
            positions
                .iter()
                .all(|p| p.end_date.is_none_or(|end| end >= p.start_date))
        );

        // The read API serves it.
        let data = app
            .data(
                "{ articles(first: 20) { totalCount edges { node { title authors { fullName } \
                 people { role } organizations { name } events { name } tags { name } \
                 leadImage { caption } } } } }",
                json!({}),
            )
            .await;
        assert_eq!(data["articles"]["totalCount"], 288, "published ones only");
        let edges = data["articles"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 20);
        for edge in edges {
            let node = &edge["node"];
            assert!(!node["authors"].as_array().unwrap().is_empty());
            assert!(!node["tags"].as_array().unwrap().is_empty());
            assert!(!node["organizations"].as_array().unwrap().is_empty());
            assert!(
                node["leadImage"]["caption"]
                    .as_str()
                    .is_some_and(has_diacritics)
            );
        }
    }
}

/// Titles, slugs and publication dates in id order.
async fn fingerprint(
    backend: Backend,
    seed: u64,
) -> Vec<(String, String, Option<DateTime<Utc>>, i32)> {
    let app = TestApp::empty(backend).await;
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    run_at(&app.db, &args(120, seed, false), now).await.unwrap();
    article::Entity::find()
        .order_by_asc(article::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.title, a.slug, a.published_at, a.word_count))
        .collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_archive_on_every_backend() {
    let first = fingerprint(Backend::Sqlite, 7).await;
    assert_eq!(first.len(), 120);
    for backend in backends() {
        assert_eq!(fingerprint(backend, 7).await, first, "{backend:?}");
    }
    let other = fingerprint(Backend::Sqlite, 8).await;
    assert_ne!(other, first, "another seed, another archive");
    let titles: HashSet<&String> = first.iter().map(|a| &a.0).collect();
    assert!(titles.len() > 110, "titles vary: {} distinct", titles.len());
}

#[tokio::test]
async fn a_database_with_articles_is_refused_unless_forced() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let before = count(&app, "articles").await;
        let tags_before = count(&app, "tags").await;
        let err = run(&app.db, &args(50, 7, false)).await.unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(count(&app, "articles").await, before);

        run(&app.db, &args(50, 7, true)).await.unwrap();
        assert_eq!(count(&app, "articles").await, before + 50);
        assert_eq!(count(&app, "sections").await, 12, "sections reused");
        let tags_after = count(&app, "tags").await;
        assert!(tags_after < tags_before + 40, "the demo's tags are reused");
        let slugs: HashSet<String> = article::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.slug)
            .collect();
        assert_eq!(slugs.len() as u64, before + 50);

        // Ids handed out by the database afterwards do not collide.
        let row = tag::ActiveModel {
            name: Set("Sau khi sinh dữ liệu".to_owned()),
            slug: Set("sau-khi-sinh-du-lieu".to_owned()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        assert_eq!(row.id as u64, tags_after + 1);
        media::ActiveModel {
            url: Set("https://media.toasoan.example/new.jpg".to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
}

/// Slugs of the articles whose index matches the folded word `word`,
/// straight from the engine.
async fn engine_matches(app: &TestApp, word: &str) -> HashSet<String> {
    let sql = match app.backend {
        Backend::Postgres => format!(
            "SELECT a.slug FROM article_search s JOIN articles a ON a.id = s.article_id \
             WHERE s.document @@ to_tsquery('simple', '{word}')"
        ),
        Backend::Sqlite => format!(
            "SELECT a.slug FROM article_search s JOIN articles a ON a.id = s.rowid \
             WHERE article_search MATCH '{word}'"
        ),
    };
    let backend = app.db.get_database_backend();
    app.db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// Every slug a connection query returns, following its cursors.
async fn all_slugs(
    app: &TestApp,
    query: &str,
    field: &str,
    vars: serde_json::Value,
) -> Vec<String> {
    let mut slugs = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let mut v = vars.clone();
        v["after"] = after;
        let data = app.data(query, v).await;
        let conn = &data[field];
        for edge in conn["edges"].as_array().unwrap() {
            slugs.push(edge["node"]["slug"].as_str().unwrap().to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            return slugs;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_narrow_search_filter_finds_old_matches_past_the_first_round() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        run(&app.db, &args(600, 7, false)).await.unwrap();
        // A word in most articles: the engine's newest matches are mostly
        // outside one section, so search must look further back.
        let matching = engine_matches(&app, "tinh").await;
        assert!(matching.len() > 400, "{backend:?}: {}", matching.len());
        let section: String = app
            .data(
                "{ articles(last: 1) { edges { node { section { slug } } } } }",
                json!({}),
            )
            .await["articles"]["edges"][0]["node"]["section"]["slug"]
            .as_str()
            .unwrap()
            .to_owned();
        let in_section: HashSet<String> = all_slugs(
            &app,
            "query($s: String!, $after: String) { articles(filter: {section: $s}, first: 100, after: $after) {
                pageInfo { hasNextPage endCursor } edges { node { slug } } } }",
            "articles",
            json!({"s": section}),
        )
        .await
        .into_iter()
        .collect();
        let expected: HashSet<String> = in_section.intersection(&matching).cloned().collect();
        assert!((10..=200).contains(&expected.len()), "{}", expected.len());

        let found = all_slugs(
            &app,
            "query($s: String!, $after: String) { search(query: \"tinh \", filter: {section: $s}, first: 50, after: $after) {
                pageInfo { hasNextPage endCursor } edges { node { slug } } } }",
            "search",
            json!({"s": section}),
        )
        .await;
        assert_eq!(
            found.len(),
            expected.len(),
            "{backend:?}: no repeats, none missing"
        );
        assert_eq!(
            found.into_iter().collect::<HashSet<_>>(),
            expected,
            "{backend:?}"
        );
    }
}
