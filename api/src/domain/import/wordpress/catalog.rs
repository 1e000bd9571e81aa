//! Pass 1: what posts refer to, read from the whole file before the first
//! post is converted (WordPress writes attachments after the posts that
//! show them, so one pass cannot fill a post's photos).
//!
//! | WXR                                                     | [`Catalog`]                          |
//! |---------------------------------------------------------|--------------------------------------|
//! | `wp:base_blog_url` (else channel `link`, `wp:base_site_url`) | `base_url`, no trailing `/`     |
//! | `wp:author`: `author_login`, `author_display_name`      | [`Author`]: login, display name (else last + first name, else login), slug of the name |
//! | `wp:category`: `category_nicename`, `cat_name`, `category_parent` | [`Category`]: slug (percent-decoded, slugified), name, parent's slug |
//! | `wp:tag`: `tag_slug`, `tag_name`                        | `tags`                               |
//! | `item` of `wp:post_type` `attachment` (images)          | `attachments[wp:post_id]`            |
//! | — `wp:attachment_url`, `wp:post_mime_type`              | `url`, `mime`                        |
//! | — `excerpt:encoded` (the caption field)                 | `caption`, as plain text             |
//! | — postmeta `_wp_attachment_image_alt`                   | `alt`                                |
//! | — postmeta `_wp_attachment_metadata` (PHP-serialized)   | `width`, `height`, `credit` (`image_meta.credit`) |
//!
//! Entries without a login, slug or URL are passed over; the first of two
//! entries with the same login or slug wins.

use std::{collections::HashMap, io::BufRead};

use super::{
    php,
    text::{non_empty, plain_text, slug},
    xml::{Element, Fatal, Stream},
};
use crate::domain::import::source::{BadItem, SourcePhoto, SourceTerm};

/// Text pass 1 has no use for: posts' bodies and comments.
const UNREAD_TEXT: &[&str] = &["content:encoded", "wp:comment_content"];

/// Everything posts refer to, read from the whole export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// The site's address, without a trailing slash: what the old
    /// permalinks sit below, and part of every source id.
    pub base_url: Option<String>,
    pub authors: Vec<Author>,
    pub categories: Vec<Category>,
    pub tags: Vec<SourceTerm>,
    /// Image attachments by their post id.
    pub attachments: HashMap<u64, SourcePhoto>,
}

/// A WordPress user who may be a post's `dc:creator`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// What posts name them by.
    pub login: String,
    /// The byline name: the person's full name.
    pub display_name: String,
    pub slug: String,
}

/// A category, which becomes a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub slug: String,
    pub name: String,
    /// The parent category's slug.
    pub parent: Option<String>,
}

/// Reads the catalog from a whole export. A file that is not well-formed
/// XML, or not a WordPress export, is an error with its line.
pub fn scan_catalog<R: BufRead>(reader: R) -> Result<Catalog, BadItem> {
    let mut stream = Stream::new(reader, UNREAD_TEXT);
    let mut catalog = Catalog::default();
    let (mut blog_url, mut link, mut site_url) = (None, None, None);
    let mut is_export = false;
    while let Some(record) = stream.next_record().map_err(fatal)? {
        let element = &record.element;
        match element.name.as_str() {
            "wp:wxr_version" => is_export = true,
            "wp:base_blog_url" => blog_url = non_empty(&element.text),
            "link" => link = non_empty(&element.text),
            "wp:base_site_url" => site_url = non_empty(&element.text),
            "wp:author" => {
                if let Some(author) = author(element)
                    && !catalog.authors.iter().any(|a| a.login == author.login)
                {
                    catalog.authors.push(author);
                }
            }
            "wp:category" => {
                if let Some(category) = category(element)
                    && !catalog.categories.iter().any(|c| c.slug == category.slug)
                {
                    catalog.categories.push(category);
                }
            }
            "wp:tag" => {
                if let Some(tag) = tag(element)
                    && !catalog.tags.iter().any(|t| t.slug == tag.slug)
                {
                    catalog.tags.push(tag);
                }
            }
            "item" => {
                if let Some((id, photo)) = attachment(element) {
                    catalog.attachments.entry(id).or_insert(photo);
                }
            }
            _ => {}
        }
    }
    if !is_export {
        return Err(BadItem {
            source_id: None,
            line: 1,
            message: "not a WordPress export: the channel has no <wp:wxr_version>".to_owned(),
        });
    }
    catalog.base_url = blog_url
        .or(link)
        .or(site_url)
        .map(|url| url.trim_end_matches('/').to_owned())
        .filter(|url| !url.is_empty());
    Ok(catalog)
}

fn fatal(fatal: Fatal) -> BadItem {
    BadItem {
        source_id: None,
        line: fatal.line,
        message: fatal.message,
    }
}

fn author(element: &Element) -> Option<Author> {
    let login = non_empty(element.text_of("wp:author_login"))?;
    let full_name = || {
        // Vietnamese names put the family name first: "Nguyễn Minh" "Tiến".
        let last = plain_text(element.text_of("wp:author_last_name"));
        let first = plain_text(element.text_of("wp:author_first_name"));
        non_empty(&format!("{last} {first}"))
    };
    let display_name = non_empty(&plain_text(element.text_of("wp:author_display_name")))
        .or_else(full_name)
        .unwrap_or_else(|| login.clone());
    let slug = slug(&display_name)
        .or_else(|| slug(&login))
        .unwrap_or_else(|| login.clone());
    Some(Author {
        login,
        display_name,
        slug,
    })
}

fn category(element: &Element) -> Option<Category> {
    let name = plain_text(element.text_of("wp:cat_name"));
    let parent = slug(element.text_of("wp:category_parent"));
    let slug = slug(element.text_of("wp:category_nicename")).or_else(|| slug(&name))?;
    Some(Category {
        name: if name.is_empty() { slug.clone() } else { name },
        slug,
        parent,
    })
}

fn tag(element: &Element) -> Option<SourceTerm> {
    let name = plain_text(element.text_of("wp:tag_name"));
    let slug = slug(element.text_of("wp:tag_slug")).or_else(|| slug(&name))?;
    Some(SourceTerm {
        name: if name.is_empty() { slug.clone() } else { name },
        slug,
    })
}

/// An image attachment as a photo; `None` for other items and files.
fn attachment(item: &Element) -> Option<(u64, SourcePhoto)> {
    if item.text_of("wp:post_type") != "attachment" {
        return None;
    }
    let id: u64 = item.text_of("wp:post_id").parse().ok()?;
    let url = non_empty(item.text_of("wp:attachment_url"))?;
    let mime = non_empty(item.text_of("wp:post_mime_type"));
    // PDFs and videos are attachments too, but never a post's photo.
    if mime.as_deref().is_some_and(|m| !m.starts_with("image/")) {
        return None;
    }
    let meta = item
        .meta("_wp_attachment_metadata")
        .map(php::image_meta)
        .unwrap_or_default();
    let photo = SourcePhoto {
        url,
        caption: non_empty(&plain_text(item.text_of("excerpt:encoded"))),
        credit: meta.credit,
        alt: item.meta("_wp_attachment_image_alt").and_then(non_empty),
        width: meta.width,
        height: meta.height,
        mime,
        source_ref: Some(id.to_string()),
    };
    Some((id, photo))
}
