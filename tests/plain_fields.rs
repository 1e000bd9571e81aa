//! The one-pass answers of an article's leaf objects (`graphql/plain.rs`)
//! against async-graphql's own resolvers. A selection spread from a named
//! fragment always goes through async-graphql's resolvers, so the same
//! fields asked for directly and through fragments must answer the same,
//! for every article of the demo newsroom and every field the one-pass
//! path answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::RefCell;

use common::{SEED_SLUG, TestApp, backends};
use serde_json::json;

const TAG: &str = "__typename id slug version name";
const SECTION: &str = "__typename id slug version name position iptcMediaTopic";
const ORGANIZATION: &str = "__typename id slug version name shortName kind description";
const EVENT: &str = "__typename id slug version name summary startsAt endsAt location";
const MEDIA: &str =
    "__typename id url placeholder caption credit alt width height mime byteSize uploaded";

/// A person's fields, with positions when `positions`; `wrap` turns a
/// type's selection into what the query sends for it.
fn person(positions: bool, wrap: &dyn Fn(&str, &str) -> String) -> String {
    let mut fields = "__typename id slug version fullName honorific bio".to_owned();
    if positions {
        let position = format!(
            "__typename title from to isCurrent organization {}",
            wrap("Organization", ORGANIZATION)
        );
        let position = wrap("Position", &position);
        fields.push_str(&format!(
            " positions {position} currentPositions {position} \
             alias: currentPositions {position}"
        ));
    }
    wrap("Person", &fields)
}

/// Every leaf object of every article of a page, each selection sent as
/// `wrap` makes it.
fn articles_query(wrap: &dyn Fn(&str, &str) -> String) -> String {
    format!(
        "{{ articles(first: 100) {{ edges {{ node {{ slug \
           section {section} tags {tag} organizations {organization} \
           events {event} leadImage {media} images {media} \
           authors {authors} \
           people {people} \
           byRole: people {people_with_positions} \
         }} }} }} }}",
        section = wrap("Section", SECTION),
        tag = wrap("Tag", TAG),
        organization = wrap("Organization", ORGANIZATION),
        event = wrap("Event", EVENT),
        media = wrap("Media", MEDIA),
        authors = person(false, wrap),
        people = wrap(
            "ArticlePerson",
            &format!("__typename role person {}", person(false, wrap))
        ),
        people_with_positions = wrap(
            "ArticlePerson",
            &format!("role who: person {}", person(true, wrap))
        ),
    )
}

/// The selection as it is: the one-pass path.
fn direct(_: &str, fields: &str) -> String {
    format!("{{ {fields} }}")
}

/// Named fragments: every selection goes through async-graphql's own
/// resolvers.
#[derive(Default)]
struct Fragments(RefCell<Vec<String>>);

impl Fragments {
    fn spread(&self, type_name: &str, fields: &str) -> String {
        let mut definitions = self.0.borrow_mut();
        let name = format!("F{}", definitions.len());
        definitions.push(format!("fragment {name} on {type_name} {{ {fields} }}"));
        format!("{{ ...{name} }}")
    }

    fn definitions(&self) -> String {
        self.0.borrow().join("\n")
    }
}

/// Every kind of body block, and the body's photos.
fn body(wrap: &dyn Fn(&str, &str) -> String) -> String {
    let blocks = format!(
        "__typename \
         ... on ParagraphBlock {{ text }} \
         ... on HeadingBlock {{ text level }} \
         ... on ImageBlock {{ image {media} }} \
         ... on QuoteBlock {{ text attribution }} \
         ... on ListBlock {{ ordered items }} \
         ... on EmbedBlock {{ url provider title }} \
         ... on HtmlBlock {{ html }}",
        media = wrap("Media", MEDIA),
    );
    format!(
        "query($slug: String!) {{ article(slug: $slug) {{ body {} }} }}",
        wrap("BodyBlock", &blocks)
    )
}

#[tokio::test]
async fn leaf_objects_answer_the_same_in_one_pass_as_through_their_resolvers() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let one_pass = app.data(&articles_query(&direct), json!({})).await;
        let fragments = Fragments::default();
        let query = articles_query(&|t, f| fragments.spread(t, f));
        let query = format!("{query}\n{}", fragments.definitions());
        let resolved = app.data(&query, json!({})).await;
        assert_eq!(one_pass, resolved);

        // The comparison covered what the fields can hold: positions
        // with their organizations, both null and set optional values.
        let edges = one_pass["articles"]["edges"].as_array().unwrap();
        assert!(edges.len() > 1, "{one_pass}");
        let text = one_pass.to_string();
        for needle in [
            "\"currentPositions\":[{",
            "\"isCurrent\":true",
            "\"kind\":\"",
            "\"leadImage\":{",
            "\"startsAt\":\"",
            "\"role\":\"AUTHOR\"",
            "\"__typename\":\"Tag\"",
            ":null",
        ] {
            assert!(text.contains(needle), "no {needle} in {text}");
        }

        let slug = json!({ "slug": SEED_SLUG });
        let one_pass = app.data(&body(&direct), slug.clone()).await;
        let fragments = Fragments::default();
        let query = body(&|t, f| fragments.spread(t, f));
        let query = format!("{query}\n{}", fragments.definitions());
        let resolved = app.data(&query, slug).await;
        assert_eq!(one_pass, resolved);
        let text = one_pass.to_string();
        for needle in ["\"ParagraphBlock\"", "\"ImageBlock\"", "\"image\":{"] {
            assert!(text.contains(needle), "no {needle} in {text}");
        }
    }
}

#[tokio::test]
async fn a_selection_with_arguments_fragments_or_repeated_keys_is_resolved_as_before() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let query = r#"query($slug: String!) { article(slug: $slug) {
            tags { slug ...TagName slug }
            leadImage { url(width: 320) plain: url }
            people(roles: [AUTHOR]) { person { fullName positions(current: true) { title } } }
        } }
        fragment TagName on Tag { name }"#;
        let data = app.data(query, json!({"slug": SEED_SLUG})).await;
        let article = &data["article"];
        let tag = &article["tags"][0];
        assert!(tag["slug"].is_string() && tag["name"].is_string(), "{data}");
        let image = &article["leadImage"];
        assert!(
            image["url"].is_string() && image["plain"].is_string(),
            "{data}"
        );
        // `@skip` and `@include` are applied before execution.
        let shown = app
            .data(
                r#"query($slug: String!, $no: Boolean!) { article(slug: $slug) {
                    tags { slug hidden: name @skip(if: true) shown: name @include(if: true)
                           gone: name @include(if: $no) }
                } }"#,
                json!({"slug": SEED_SLUG, "no": false}),
            )
            .await;
        let first = shown["article"]["tags"][0].as_object().unwrap();
        let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["shown", "slug"], "{shown}");
        let person = &article["people"][0]["person"];
        assert!(person["positions"].is_array(), "{data}");
        assert_eq!(
            person["positions"],
            app.data(
                r#"query($slug: String!) { article(slug: $slug) {
                    people(roles: [AUTHOR]) { person { positions(current: true) { ... on Position { title } } } }
                } }"#,
                json!({"slug": SEED_SLUG}),
            )
            .await["article"]["people"][0]["person"]["positions"],
        );
    }
}

/// Everything a card can show without arguments: the article's own
/// fields, its relations, and an inline fragment on `Article`.
const CARD: &str = "__typename id slug title lead publishedAt createdAt updatedAt status \
    version language wordCount readingTimeMinutes url \
    section { slug name } tags { slug name } authors { slug fullName } \
    people { role person { slug fullName currentPositions { title organization { slug } } } } \
    organizations { slug } events { slug startsAt } \
    leadImage { url caption alt width height } images { url } \
    ... on Article { again: title }";

#[tokio::test]
async fn article_cards_answer_the_same_in_one_pass_as_through_their_resolvers() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let list = |node: &str| {
            format!(
                "{{ articles(first: 100) {{ edges {{ __typename cursor node {node} }} \
                   nodes {node} pageInfo {{ endCursor }} }} \
                   section(slug: \"thoi-su-chinh-tri\") {{ articles {{ nodes {node} }} }} }}"
            )
        };
        let one_pass = app.data(&list(&format!("{{ {CARD} }}")), json!({})).await;
        let query = format!(
            "{}\nfragment Card on Article {{ {CARD} }}",
            list("{ ...Card }")
        );
        let resolved = app.data(&query, json!({})).await;
        assert_eq!(one_pass, resolved);

        let edges = one_pass["articles"]["edges"].as_array().unwrap();
        assert!(edges.len() > 1, "{one_pass}");
        assert_eq!(edges[0]["__typename"], "ArticleEdge");
        let text = one_pass.to_string();
        for needle in [
            "\"__typename\":\"Article\"",
            "\"status\":\"PUBLISHED\"",
            "\"url\":\"http",
            "\"currentPositions\":[{",
            "\"role\":\"AUTHOR\"",
            "\"leadImage\":{",
            "\"publishedAt\":\"",
        ] {
            assert!(text.contains(needle), "no {needle} in {text}");
        }
        let sections = one_pass["section"]["articles"]["nodes"].as_array().unwrap();
        assert!(!sections.is_empty(), "{one_pass}");
    }
}

#[tokio::test]
async fn article_cards_with_arguments_or_loaded_fields_are_resolved_as_before() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        // Arguments, the body and related content send a list to
        // async-graphql's resolvers; the answer is what the article page
        // gives for the same article.
        let card = "slug title people(roles: [AUTHOR]) { person { slug } } \
                    body { __typename } relatedArticles(first: 2) { slug }";
        let list = app
            .data(
                &format!("{{ articles(first: 3) {{ nodes {{ {card} }} }} }}"),
                json!({}),
            )
            .await;
        let nodes = list["articles"]["nodes"].as_array().unwrap();
        assert!(!nodes.is_empty(), "{list}");
        for node in nodes {
            let page = app
                .data(
                    &format!("query($slug: String!) {{ article(slug: $slug) {{ {card} }} }}"),
                    json!({"slug": node["slug"]}),
                )
                .await;
            assert_eq!(&page["article"], node);
        }
    }
}

#[tokio::test]
async fn a_card_answered_by_the_resolvers_after_all_reads_its_relations_once() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        // The relations are read for the whole list; then a photo's URL
        // with an argument hands the cards to async-graphql's resolvers,
        // which take the rows already read.
        let query = |image: &str| {
            format!(
                "{{ articles(first: 20) {{ edges {{ node {{ slug section {{ slug }} \
                   tags {{ slug }} people {{ role person {{ slug }} }} leadImage {{ {image} }} \
                 }} }} }} }}"
            )
        };
        app.take_statement_count();
        let plain = app.data(&query("url"), json!({})).await;
        let one_pass = app.take_statement_count();
        let sized = app
            .data(&query("url small: url(width: 320)"), json!({}))
            .await;
        let resolved = app.take_statement_count();
        assert_eq!(resolved, one_pass, "{backend:?}: {sized}");
        // The same cards, photos included.
        let strip = |data: &serde_json::Value| {
            let mut data = data.clone();
            for edge in data["articles"]["edges"].as_array_mut().unwrap() {
                if let Some(image) = edge["node"]["leadImage"].as_object_mut() {
                    assert!(image.remove("small").is_none_or(|url| url.is_string()));
                }
            }
            data
        };
        assert_eq!(strip(&plain), strip(&sized));
        let text = sized.to_string();
        assert!(text.contains("\"small\":\""), "{text}");
    }
}
