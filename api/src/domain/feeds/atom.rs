//! Atom 1.0 (RFC 4287), written by the `atom_syndication` crate.

use atom_syndication::{
    Category, Content, Entry, Feed as AtomFeed, Generator, Link, Person, Text, WriteConfig,
};

use super::{Feed, FeedFormat, FeedItem, image_mime};
use crate::{
    platform::error::{AppError, AppResult},
    platform::urls,
    platform::zone,
};

/// `feed` as an Atom document.
pub fn render(feed: &Feed) -> AppResult<Vec<u8>> {
    let self_url = feed.self_url(FeedFormat::Atom);
    let atom = AtomFeed {
        title: Text::plain(feed.title.clone()),
        subtitle: Some(Text::plain(feed.description.clone())),
        id: self_url.clone(),
        updated: zone::newsroom(feed.updated),
        // Entries without a byline inherit the publication as author.
        authors: vec![person(&feed.publication)],
        links: vec![
            link(&self_url, "self", "application/atom+xml"),
            link(&feed.home_url, "alternate", "text/html"),
        ],
        generator: Some(Generator {
            value: "Toà Soạn".to_owned(),
            ..Generator::default()
        }),
        logo: feed.publisher_logo.clone(),
        lang: Some(feed.language.clone()),
        entries: feed
            .items
            .iter()
            .map(|i| entry(i, &feed.site_url))
            .collect(),
        ..AtomFeed::default()
    };
    atom.write_with_config(
        Vec::new(),
        WriteConfig {
            write_document_declaration: true,
            indent_size: None,
        },
    )
    .map_err(|e| AppError::Internal(format!("writing Atom: {e}")))
}

fn entry(item: &FeedItem, site_url: &str) -> Entry {
    let article = &item.article;
    let mut links = vec![link(&item.url, "alternate", "text/html")];
    if let Some(image) = &item.lead_image {
        links.push(Link {
            href: image.url.clone(),
            rel: "enclosure".to_owned(),
            mime_type: Some(image_mime(image)),
            title: image.caption.clone(),
            ..Link::default()
        });
    }
    let mut categories = Vec::new();
    if let Some(section) = &item.section {
        categories.push(Category {
            term: section.slug.clone(),
            scheme: Some(urls::section(site_url, "")),
            label: Some(section.name.clone()),
        });
    }
    categories.extend(item.tags.iter().map(|t| Category {
        term: t.slug.clone(),
        scheme: None,
        label: Some(t.name.clone()),
    }));
    Entry {
        title: Text::plain(article.title.clone()),
        id: item.id.clone(),
        updated: zone::newsroom(item.changed_at()),
        published: Some(zone::newsroom(item.published_at())),
        authors: item.authors.iter().map(|p| person(&p.full_name)).collect(),
        categories,
        links,
        summary: Some(Text::plain(article.lead.clone())),
        content: item.content_html.as_ref().map(|html| Content {
            value: Some(html.clone()),
            content_type: Some("html".to_owned()),
            lang: Some(article.language.clone()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: name.to_owned(),
        ..Person::default()
    }
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        ..Link::default()
    }
}
