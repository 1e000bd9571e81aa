//! Walking the sanitized tree into blocks.

use std::ops::Range;

use super::markup::*;
use super::tree::*;
use crate::domain::body::{Block, is_http_url};
use crate::domain::import::source::{SourceBlock, SourcePhoto};

// ---- Walking the tree -----------------------------------------------------

/// Inline content: `Break` is `<br>` or the edge of a block element.
pub(super) enum Piece {
    Text(String),
    Break,
    Image(SourcePhoto),
}

/// Stands for a line break inside collected text (html5ever never leaves
/// a NUL in text).
pub(super) const BR: char = '\0';

pub(super) fn collect(node: &Node, skip: &dyn Fn(&Element) -> bool, out: &mut Vec<Piece>) {
    match node {
        Node::Text(text) => out.push(Piece::Text(text.clone())),
        Node::Element(e) if skip(e) => {}
        Node::Element(e) if e.name == "br" => out.push(Piece::Break),
        Node::Element(e) if e.name == "img" => out.extend(photo(e).map(Piece::Image)),
        Node::Element(e) => {
            let block = is_block(&e.name);
            if block {
                out.push(Piece::Break);
            }
            e.children.iter().for_each(|c| collect(c, skip, out));
            if block {
                out.push(Piece::Break);
            }
        }
    }
}

/// The text of `el` but `skip`ped elements (line breaks as `"\n"`), and
/// the photos in it.
pub(super) fn text_of(el: &Element, skip: &dyn Fn(&Element) -> bool) -> (String, Vec<SourcePhoto>) {
    let mut pieces = Vec::new();
    el.children
        .iter()
        .for_each(|c| collect(c, skip, &mut pieces));
    let (mut text, mut photos) = (String::new(), Vec::new());
    for piece in pieces {
        match piece {
            Piece::Text(t) => text.push_str(&t),
            Piece::Break => text.push(BR),
            Piece::Image(p) => photos.push(p),
        }
    }
    (lines(&text), photos)
}

/// Whitespace collapsed, `BR`s as single `"\n"`s between non-empty lines.
pub(super) fn lines(text: &str) -> String {
    let lines: Vec<String> = text
        .split(BR)
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

pub(super) fn photo(img: &Element) -> Option<SourcePhoto> {
    let source_ref = img.class_number("wp-image-");
    let src = ["src", "data-src", "data-lazy-src"]
        .iter()
        .filter_map(|key| img.attr(key).map(str::trim))
        .find(|url| is_http_url(url));
    let url = match src {
        Some(url) => url.to_owned(),
        None if img.has_class(GALLERY) && img.attr("src").is_none() && source_ref.is_some() => {
            String::new()
        }
        None => return None,
    };
    let number = |key| img.attr(key)?.trim().parse::<i32>().ok().filter(|n| *n > 0);
    Some(SourcePhoto {
        url,
        alt: img
            .attr("alt")
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        width: number("width"),
        height: number("height"),
        source_ref,
        ..SourcePhoto::default()
    })
}

pub(super) fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

pub(super) struct Walker<'a> {
    pub(super) markup: &'a str,
    pub(super) out: Vec<SourceBlock>,
}

impl Walker<'_> {
    pub(super) fn push(&mut self, block: Block) {
        self.out.push(SourceBlock::Block(block));
    }

    pub(super) fn photos(&mut self, photos: Vec<SourcePhoto>) {
        self.out.extend(photos.into_iter().map(SourceBlock::Image));
    }

    /// The children of a container: runs of inline content become
    /// paragraphs and images, block elements their blocks. `bare`: text
    /// outside any `<p>`, where newlines count (wpautop).
    pub(super) fn flow(&mut self, el: &Element, bare: bool) {
        let mut run = Vec::new();
        for child in &el.children {
            match child {
                Node::Element(e)
                    if is_block(&e.name) || e.find(&|d| is_block(&d.name)).is_some() =>
                {
                    self.paragraphs(std::mem::take(&mut run), bare);
                    self.block(e);
                }
                _ => collect(child, &|_| false, &mut run),
            }
        }
        self.paragraphs(run, bare);
    }

    pub(super) fn paragraphs(&mut self, run: Vec<Piece>, bare: bool) {
        let mut text = String::new();
        for piece in run {
            match piece {
                Piece::Text(t) => text.push_str(&t),
                Piece::Break => text.push(BR),
                Piece::Image(photo) => {
                    self.text(&std::mem::take(&mut text), bare);
                    self.out.push(SourceBlock::Image(photo));
                }
            }
        }
        self.text(&text, bare);
    }

    pub(super) fn text(&mut self, text: &str, bare: bool) {
        if !bare {
            if let Some(text) = non_empty(lines(text)) {
                self.push(Block::Paragraph { text });
            }
            return;
        }
        let mut paragraph = String::new();
        for line in text.split('\n').chain([""]) {
            if !line.chars().all(char::is_whitespace) {
                paragraph.push(BR);
                paragraph.push_str(line);
                continue;
            }
            let text = lines(&std::mem::take(&mut paragraph));
            let provider = (!text.contains(char::is_whitespace) && is_http_url(&text))
                .then(|| provider_slug(&text))
                .flatten();
            match provider {
                Some(slug) => self.push(Block::Embed {
                    url: text,
                    provider: Some(provider_name(slug)),
                    title: None,
                }),
                None if !text.is_empty() => self.push(Block::Paragraph { text }),
                None => {}
            }
        }
    }

    pub(super) fn block(&mut self, el: &Element) {
        match el.name.as_str() {
            "p" => self.flow(el, false),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = el.name[1..].parse::<u8>().unwrap_or(2).clamp(2, 6);
                let (text, photos) = text_of(el, &|_| false);
                if let Some(text) = non_empty(text) {
                    self.push(Block::Heading { level, text });
                }
                self.photos(photos);
            }
            "figure" => self.figure(el),
            "blockquote" => self.quote(el),
            "ul" | "ol" => {
                let (mut items, mut photos) = (Vec::new(), Vec::new());
                list_items(el, &mut items, &mut photos);
                if !items.is_empty() {
                    let ordered = el.name == "ol";
                    self.push(Block::List { ordered, items });
                }
                self.photos(photos);
            }
            "hr" => {}
            "table" | "pre" | "dl" => self.html(el, el.outer.clone()),
            "div" if el.has_class("wp-block-html") => {
                // Only an embed (an iframe) in it: the embed, not its markup.
                let (text, photos) = text_of(el, &|e| e.has_class("wp-block-embed"));
                if text.is_empty() && photos.is_empty() {
                    self.flow(el, true);
                } else {
                    self.html(el, el.inner.clone());
                }
            }
            _ => self.flow(el, true),
        }
    }

    /// Markup with no block of its own, unless it shows nothing.
    pub(super) fn html(&mut self, el: &Element, range: Range<usize>) {
        let html = self.markup.get(range).unwrap_or("").trim();
        let (text, photos) = text_of(el, &|_| false);
        if !html.is_empty() && (!text.is_empty() || !photos.is_empty()) {
            self.push(Block::Html {
                html: html.to_owned(),
            });
        }
    }

    pub(super) fn figure(&mut self, el: &Element) {
        let ours = el.has_class("embed");
        if ours || el.has_class("wp-block-embed") {
            return self.embed(el, ours);
        }
        let is_caption = |e: &Element| e.name == "figcaption";
        let mut pieces = Vec::new();
        el.children
            .iter()
            .for_each(|c| collect(c, &is_caption, &mut pieces));
        let first = pieces.iter_mut().find_map(|p| match p {
            Piece::Image(photo) => Some(photo),
            _ => None,
        });
        let nested = el.find(&|e| e.name == "figure").is_some();
        if nested || el.find(&|e| e.name == "img").is_none() {
            // A gallery of figures, a table, a pull quote.
            return if el
                .find(&|e| matches!(e.name.as_str(), "table" | "pre" | "dl"))
                .is_some()
            {
                self.html(el, el.outer.clone())
            } else {
                self.flow(el, true)
            };
        }
        // No photo: its image was not an http(s) one, and the caption alone
        // says nothing.
        let Some(photo) = first else { return };
        if let Some(caption) = el.elements().find(|e| is_caption(e)) {
            photo.caption = non_empty(text_of(caption, &|e| e.name == "cite").0);
            let credit = caption.find(&|e| e.name == "cite");
            photo.credit = credit.and_then(|c| non_empty(text_of(c, &|_| false).0));
        }
        if photo.alt.is_some() && photo.alt == photo.caption {
            photo.alt = None;
        }
        if photo.source_ref.is_none() {
            photo.source_ref = el.class_number("attachment_");
        }
        self.paragraphs(pieces, false);
    }

    /// Ours: `<figure class="embed"><a href>label</a>`; Gutenberg's: the
    /// URL as the wrapper's text, the provider in a class, a figcaption.
    pub(super) fn embed(&mut self, el: &Element, ours: bool) {
        let is_caption = |e: &Element| e.name == "figcaption";
        let (text, _) = text_of(el, &is_caption);
        let in_text = text
            .split_whitespace()
            .find(|w| is_http_url(w))
            .map(str::to_owned);
        let link = el
            .find(&|e| e.name == "a" && e.attr("href").is_some_and(is_http_url))
            .and_then(|a| a.attr("href"))
            .map(str::to_owned);
        let Some(url) = (if ours {
            link.or(in_text)
        } else {
            in_text.or(link)
        }) else {
            return;
        };
        let provider = el
            .classes()
            .find_map(|c| c.strip_prefix("is-provider-"))
            .map(provider_name);
        let title = if ours {
            Some(text).filter(|t| !t.is_empty() && *t != url)
        } else {
            let caption = el.elements().find(|e| is_caption(e));
            caption.and_then(|c| non_empty(text_of(c, &|_| false).0))
        };
        self.push(Block::Embed {
            url,
            provider,
            title,
        });
    }

    pub(super) fn quote(&mut self, el: &Element) {
        // The attribution is a `<cite>` (or `<footer>`) of the quote itself,
        // not one inside its text.
        let cites: Vec<&Element> = el
            .elements()
            .filter(|e| matches!(e.name.as_str(), "cite" | "footer"))
            .collect();
        let (text, photos) = text_of(el, &|e| cites.iter().any(|c| std::ptr::eq(*c, e)));
        if let Some(text) = non_empty(text) {
            let who: Vec<String> = cites.iter().map(|c| text_of(c, &|_| false).0).collect();
            let attribution = non_empty(lines(&who.join(" ")));
            self.push(Block::Quote { text, attribution });
        }
        self.photos(photos);
    }
}

/// Items of a list; a nested list's items follow the item holding it.
pub(super) fn list_items(list: &Element, items: &mut Vec<String>, photos: &mut Vec<SourcePhoto>) {
    let is_list = |e: &Element| matches!(e.name.as_str(), "ul" | "ol");
    for child in list.elements() {
        if is_list(child) {
            list_items(child, items, photos);
            continue;
        }
        let (text, found) = text_of(child, &is_list);
        items.extend(non_empty(text));
        photos.extend(found);
        let mut nested = Vec::new();
        child.topmost(&is_list, &mut nested);
        nested.iter().for_each(|l| list_items(l, items, photos));
    }
}
