//! The reader against `tests/fixtures/import/wordpress.xml`, a hand-written
//! export of a provincial newspaper, with a stand-in for the HTML
//! converter so that these tests are about the export, not the markup.

mod catalog;
mod errors;
mod photos;
mod posts;
mod streaming;

use std::{io::BufRead, sync::Arc};

use super::{Catalog, Options, items, scan_catalog};
use crate::domain::{
    body::{self, Block},
    import::source::{BadItem, SourceArticle, SourceBlock, SourcePhoto},
};

const FIXTURE: &str = include_str!("../../../../../../tests/fixtures/import/wordpress.xml");

/// Stands in for `html::blocks_from_html`: the text as one paragraph, then
/// each `<img>` as a photo (its `src`, the id of its `wp-image-N` class),
/// then each `[gallery ids="…"]` id as a photo with no URL.
fn stand_in(html: &str) -> Vec<SourceBlock> {
    let mut blocks = Vec::new();
    let text = body::html_text(html);
    if !text.is_empty() {
        blocks.push(SourceBlock::Block(Block::Paragraph { text }));
    }
    for img in html.split("<img ").skip(1) {
        let tag = &img[..img.find('>').unwrap_or(img.len())];
        let url = tag
            .split("src=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let source_ref = tag
            .split("wp-image-")
            .nth(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect());
        blocks.push(SourceBlock::Image(SourcePhoto {
            url,
            source_ref,
            ..SourcePhoto::default()
        }));
    }
    for gallery in html.split("[gallery ids=\"").skip(1) {
        let ids = gallery.split('"').next().unwrap_or_default();
        for id in ids.split(',') {
            blocks.push(SourceBlock::Image(SourcePhoto {
                source_ref: Some(id.trim().to_owned()),
                ..SourcePhoto::default()
            }));
        }
    }
    blocks
}

fn catalog() -> Arc<Catalog> {
    Arc::new(scan_catalog(FIXTURE.as_bytes()).unwrap())
}

/// Every result of pass 2 over `reader` with `options`.
fn read_with<R: BufRead>(reader: R, options: Options) -> Vec<Result<SourceArticle, BadItem>> {
    items(reader, catalog(), options, stand_in).collect()
}

fn read() -> Vec<Result<SourceArticle, BadItem>> {
    read_with(FIXTURE.as_bytes(), Options::default())
}

/// The article whose source id ends in `:{id}`.
fn post(id: u64) -> SourceArticle {
    let suffix = format!(":{id}");
    read()
        .into_iter()
        .flatten()
        .find(|a| a.source_id.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no post {id}"))
}

/// The line of the `<item>` start tag before the first line holding `text`.
fn item_line(text: &str) -> u64 {
    let lines: Vec<&str> = FIXTURE.lines().collect();
    let at = lines.iter().position(|l| l.contains(text)).unwrap();
    let item = lines[..at]
        .iter()
        .rposition(|l| l.trim() == "<item>")
        .unwrap();
    item as u64 + 1
}

/// The attachment `id` of the fixture's catalog.
fn attachment(id: u64) -> SourcePhoto {
    catalog().attachments[&id].clone()
}

fn images(article: &SourceArticle) -> Vec<&SourcePhoto> {
    article
        .body
        .iter()
        .filter_map(|b| match b {
            SourceBlock::Image(photo) => Some(photo),
            SourceBlock::Block(_) => None,
        })
        .collect()
}

fn paragraph(article: &SourceArticle) -> &str {
    match article.body.first() {
        Some(SourceBlock::Block(Block::Paragraph { text })) => text,
        other => panic!("the stand-in's paragraph comes first, not {other:?}"),
    }
}
