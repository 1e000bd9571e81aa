//! RSS 2.0 with the `content`, Dublin Core, Atom and Media RSS extensions,
//! written by the `rss` crate.

use std::collections::BTreeMap;

use atom_syndication::Link;
use entity::media;
use rss::{
    Category, Channel, Enclosure, Guid, Image, Item,
    extension::{Extension, ExtensionMap, atom::AtomExtension, dublincore::DublinCoreExtension},
};

use super::{Feed, FeedFormat, FeedItem, image_mime};
use crate::{
    domain::body,
    platform::error::{AppError, AppResult},
    platform::urls,
    platform::zone,
};

/// The Media RSS namespace (`media:content`).
pub const MEDIA_NAMESPACE: &str = "http://search.yahoo.com/mrss/";

/// `feed` as an RSS 2.0 document.
pub fn render(feed: &Feed) -> AppResult<Vec<u8>> {
    let mut channel = Channel {
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        description: feed.description.clone(),
        language: Some(feed.language.clone()),
        last_build_date: Some(zone::newsroom(feed.updated).to_rfc2822()),
        generator: Some("Toà Soạn".to_owned()),
        items: feed.items.iter().map(|i| item(i, &feed.site_url)).collect(),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed.self_url(FeedFormat::Rss),
                rel: "self".to_owned(),
                mime_type: Some("application/rss+xml".to_owned()),
                ..Link::default()
            }],
        }),
        ..Channel::default()
    };
    channel.image = feed.publisher_logo.as_ref().map(|url| Image {
        url: url.clone(),
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        ..Image::default()
    });
    if channel.items.iter().any(|i| !i.extensions.is_empty()) {
        channel
            .namespaces
            .insert("media".to_owned(), MEDIA_NAMESPACE.to_owned());
    }
    channel
        .write_to(Vec::new())
        .map_err(|e| AppError::Internal(format!("writing RSS: {e}")))
}

fn item(item: &FeedItem, site_url: &str) -> Item {
    let article = &item.article;
    let mut categories = Vec::new();
    if let Some(section) = &item.section {
        categories.push(Category {
            name: section.name.clone(),
            domain: Some(urls::section(site_url, &section.slug)),
        });
    }
    categories.extend(item.tags.iter().map(|t| Category {
        name: t.name.clone(),
        domain: None,
    }));
    let mut rss = Item {
        title: Some(article.title.clone()),
        link: Some(item.url.clone()),
        description: Some(body::escape(&article.lead)),
        categories,
        guid: Some(Guid {
            value: item.id.clone(),
            permalink: false,
        }),
        pub_date: Some(zone::newsroom(item.published_at()).to_rfc2822()),
        content: item.content_html.clone(),
        dublin_core_ext: (!item.authors.is_empty()).then(|| DublinCoreExtension {
            creators: item.authors.iter().map(|p| p.full_name.clone()).collect(),
            ..DublinCoreExtension::default()
        }),
        ..Item::default()
    };
    if let Some(image) = &item.lead_image {
        rss.enclosure = Some(Enclosure {
            url: image.url.clone(),
            // The size in bytes is unknown; 0 is the documented convention.
            length: "0".to_owned(),
            mime_type: image_mime(image),
        });
        rss.extensions = media_content(image);
    }
    rss
}

/// `<media:content>` with the caption (`media:description`) and credit.
fn media_content(image: &media::Model) -> ExtensionMap {
    let mut attrs = BTreeMap::from([
        ("url".to_owned(), image.url.clone()),
        ("medium".to_owned(), "image".to_owned()),
        ("type".to_owned(), image_mime(image)),
    ]);
    if let (Some(w), Some(h)) = (image.width, image.height) {
        attrs.insert("width".to_owned(), w.to_string());
        attrs.insert("height".to_owned(), h.to_string());
    }
    let mut children = BTreeMap::new();
    if let Some(caption) = &image.caption {
        children.insert(
            "description".to_owned(),
            vec![Extension {
                name: "media:description".to_owned(),
                value: Some(caption.clone()),
                attrs: BTreeMap::from([("type".to_owned(), "plain".to_owned())]),
                children: BTreeMap::new(),
            }],
        );
    }
    if let Some(credit) = &image.credit {
        children.insert(
            "credit".to_owned(),
            vec![Extension {
                name: "media:credit".to_owned(),
                value: Some(credit.clone()),
                attrs: BTreeMap::new(),
                children: BTreeMap::new(),
            }],
        );
    }
    let content = Extension {
        name: "media:content".to_owned(),
        value: None,
        attrs,
        children,
    };
    BTreeMap::from([(
        "media".to_owned(),
        BTreeMap::from([("content".to_owned(), vec![content])]),
    )])
}
