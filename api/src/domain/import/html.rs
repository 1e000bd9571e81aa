//! Post content (a WordPress export's `content:encoded`, a ninjs item's
//! `body_html`, our own rendered HTML) to body blocks.
//!
//! Four steps. (1) Raw-text pre-passes: Gutenberg `<!-- wp:html -->` bodies
//! are wrapped in `<div class="wp-block-html">` (the comments themselves go
//! with sanitizing); WordPress shortcodes are expanded; `<iframe>`s become
//! embed figures. (2) ammonia sanitizes with the tags and attributes below.
//! (3) Its output, html5ever's canonical serialization (every element
//! closed, attributes double-quoted, `& < > " nbsp` escaped), is read back
//! into a small tree: ammonia's own DOM (`Document::to_dom_node`) needs the
//! `ammonia_unstable` cfg. (4) The tree is walked:
//!
//! | Markup                                            | Blocks                                 |
//! |---------------------------------------------------|----------------------------------------|
//! | `<p>`; text directly in the body or a wrapper     | `Paragraph` (inline markup dropped)    |
//! | `<h1>`…`<h6>`                                     | `Heading`, level clamped to 2..=6      |
//! | `<figure><img><figcaption>Cap <cite>Credit`       | `Image`, caption and credit            |
//! | `<img>` elsewhere (in a `<p>`, an `<a>`)          | `Image`, splitting the text around it  |
//! | `[caption id="attachment_12"]<img> Cap[/caption]` | `Image`, `source_ref` `12`             |
//! | `[gallery ids="3,4"]`                             | an `Image` per id (empty `url`)        |
//! | `<blockquote><p>…</p><cite>Ai</cite>`             | `Quote`, paragraphs joined by `"\n"`   |
//! | `<ul>`, `<ol>`                                    | `List`; nested lists' items follow     |
//! | `<figure class="embed"><a href>Label` (ours)      | `Embed`, title the label (not the URL) |
//! | `<figure class="wp-block-embed is-provider-x">`   | `Embed`, provider `X`, figcaption title |
//! | `<iframe src>`, `[embed]URL[/embed]`              | `Embed`, provider from the host        |
//! | `<table>`, `<pre>`, `<dl>`, `wp:html`, a figure of them | `Html`: the sanitized markup     |
//! | `<div>`, `<section>`, `<span>`… (other figures)   | their children's blocks                |
//! | `<hr>`, comments, `<script>`, empty elements      | nothing                                |
//!
//! `Image` is `SourceBlock::Image`; the others are `SourceBlock::Block`.
//!
//! Text: whitespace runs become one space; `<br>` is a line break, kept as
//! `"\n"`. Outside a `<p>` (classic-editor content, wpautop's rule) a blank
//! line separates paragraphs and a single newline is a line break too; a
//! line that is only a known provider's URL (YouTube…) is an embed, as
//! WordPress would show it. A newline inside `<p>` is only whitespace, so
//! a block's `"\n"` does not survive `render_html` (which writes no `<br>`).
//!
//! Images: only absolute http(s) URLs (`src`, else a lazy loader's
//! `data-src`); `source_ref` from a `wp-image-N` class. `alt` equal to the
//! caption is dropped: `render_html` writes the caption as alt when there
//! is none, so such an alt adds nothing. A figure whose image is dropped
//! gives nothing (its caption alone says nothing).
//!
//! Shortcodes other than the three above (`[video]`, `[audio]` included:
//! not handled) lose their tags and keep their text. A bracketed word that
//! is not closed, not self-closing, not WordPress' own and has no `_`/`-`
//! (`[TTXVN]`, `[Video]`) is text; `[[x]]` is the literal `[x]`.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use super::source::{SourceBlock, SourcePhoto};
use crate::domain::body::{Block, escape, is_http_url};

/// The blocks of a post's content, photos as [`SourcePhoto`]s (never
/// `Block::Image`). Empty or markup-only content gives no blocks.
///
/// A `[gallery]`'s photos are the one exception to "absolute URL": their
/// `url` is empty and `source_ref` holds the attachment id, for the caller
/// to fill in from its attachment table (or drop).
pub fn blocks_from_html(html: &str) -> Vec<SourceBlock> {
    let prepared = iframes(&shortcodes(&wp_html(html)));
    let markup = SANITIZER.clean(&prepared).to_string();
    let root = parse(&markup);
    let mut walker = Walker {
        markup: &markup,
        out: Vec::new(),
    };
    walker.flow(&root, true);
    walker.out
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(INLINE.split_whitespace())
        .add_tags(BLOCKS.split_whitespace())
        .add_tags(VOID)
        // Their content is code or fallback markup, never text.
        .add_clean_content_tags(["noscript", "iframe", "template", "object", "svg", "math"])
        .add_clean_content_tags(["textarea", "select", "noembed", "noframes", "xmp", "title"])
        .add_tag_attributes("img", ["class", "data-src", "data-lazy-src"])
        .add_tag_attributes("figure", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("blockquote", ["class"]);
    builder
});

/// Phrasing elements kept (their text is kept; the others' is too, the
/// elements unwrapped).
const INLINE: &str = "a abbr b bdi cite code del dfn em i ins kbd mark q s samp small span \
                      strike strong sub sup time u var";
/// Elements that end a run of inline content.
const BLOCKS: &str = "p h1 h2 h3 h4 h5 h6 figure figcaption blockquote ul ol li dl dt dd pre \
                      div section article header footer aside main nav address details summary \
                      table caption colgroup thead tbody tfoot tr th td hr";
/// Elements html5ever serializes without an end tag.
const VOID: [&str; 5] = ["br", "img", "hr", "col", "wbr"];
/// Nesting kept beyond this is flattened (its text stays), so walking the
/// tree cannot overflow the stack.
const MAX_DEPTH: usize = 100;
/// Class of the `<img>` a `[gallery]` id becomes.
const GALLERY: &str = "toasoan-gallery";

fn is_block(name: &str) -> bool {
    BLOCKS.split_whitespace().any(|b| b == name)
}

/// Hosts whose URLs are embeds, with WordPress' provider slug.
const PROVIDERS: [(&str, &str); 9] = [
    ("youtube.com", "youtube"),
    ("youtu.be", "youtube"),
    ("youtube-nocookie.com", "youtube"),
    ("vimeo.com", "vimeo"),
    ("facebook.com", "facebook"),
    ("twitter.com", "twitter"),
    ("x.com", "twitter"),
    ("tiktok.com", "tiktok"),
    ("dailymotion.com", "dailymotion"),
];

fn provider_slug(url: &str) -> Option<&'static str> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(|(_, slug)| *slug)
}

/// `youtube` → `YouTube`, `some-site` → `Some Site`.
fn provider_name(slug: &str) -> String {
    let known = [
        ("youtube", "YouTube"),
        ("tiktok", "TikTok"),
        ("wordpress-tv", "WordPress.tv"),
    ];
    if let Some((_, name)) = known.iter().find(|(s, _)| *s == slug) {
        return (*name).to_owned();
    }
    let capital = |w: &str| {
        let mut chars = w.chars();
        chars
            .next()
            .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
    };
    slug.split('-').map(capital).collect::<Vec<_>>().join(" ")
}

/// The markup of an embed, as Gutenberg saves it (so one path reads both).
fn embed_markup(url: &str) -> String {
    let class = provider_slug(url).map_or(String::new(), |s| format!(" is-provider-{s}"));
    format!(
        "<figure class=\"wp-block-embed{class}\"><div class=\"wp-block-embed__wrapper\">{}</div></figure>",
        escape(url)
    )
}

// ---- Pre-passes on the raw text -------------------------------------------

/// Gutenberg's custom-HTML blocks have no element of their own.
fn wp_html(raw: &str) -> String {
    const CLOSE: &str = "<!-- /wp:html -->";
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find("<!-- wp:html ") {
        let after = &rest[start..];
        let Some(body) = after.find("-->").map(|e| &after[e + 3..]) else {
            break;
        };
        let Some(end) = body.find(CLOSE) else { break };
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<div class=\"wp-block-html\">{}</div>",
            &body[..end]
        ));
        rest = &body[end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// A shortcode tag at the start of `s`.
struct Tag<'a> {
    name: &'a str,
    attrs: &'a str,
    closing: bool,
    self_closing: bool,
    len: usize,
}

fn parse_tag(s: &str) -> Option<Tag<'_>> {
    if !s.starts_with('[') {
        return None;
    }
    let end = s.bytes().take(2000).position(|b| b == b']')?;
    let body = s.get(1..end)?;
    let (closing, body) = body.strip_prefix('/').map_or((false, body), |b| (true, b));
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    let (name, attrs) = body.split_at(name_end);
    let separated = attrs.is_empty() || attrs.starts_with(|c: char| c.is_whitespace() || c == '/');
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !separated
        || body.contains('[')
        || (closing && !attrs.trim().is_empty())
    {
        return None;
    }
    let attrs = attrs.trim_end();
    Some(Tag {
        name,
        attrs: attrs.trim_end_matches('/'),
        closing,
        self_closing: attrs.ends_with('/'),
        len: end + 1,
    })
}

/// `key="v"`, `key='v'` or `key=v` in a shortcode's (or a tag's) attributes.
fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = &rest[..key_end];
        rest = &rest[key_end..];
        let mut value = "";
        if let Some(v) = rest.strip_prefix('=') {
            let (val, tail) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &v[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => v.split_at(v.find(char::is_whitespace).unwrap_or(v.len())),
            };
            (value, rest) = (val, tail);
        }
        if name.eq_ignore_ascii_case(key) {
            return Some(value);
        }
    }
}

/// Expands WordPress shortcodes (see the module doc).
fn shortcodes(raw: &str) -> String {
    let closed: HashSet<&str> = raw
        .match_indices("[/")
        .filter_map(|(i, _)| parse_tag(&raw[i..]).map(|t| t.name))
        .collect();
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if let Some(tag) = rest.get(1..).and_then(parse_tag)
            && rest[1 + tag.len..].starts_with(']')
        {
            out.push_str(&rest[1..=tag.len]);
            rest = &rest[tag.len + 2..];
            continue;
        }
        let Some(tag) = parse_tag(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        let after = &rest[tag.len..];
        let close = format!("[/{}]", tag.name);
        let enclosed = match (tag.self_closing, closed.contains(tag.name)) {
            (false, true) if matches!(tag.name, "caption" | "wp_caption" | "embed") => after
                .find(&close)
                .map(|end| (&after[..end], &after[end + close.len()..])),
            _ => None,
        };
        let known = matches!(
            tag.name,
            "caption" | "wp_caption" | "embed" | "gallery" | "video" | "audio" | "playlist"
        );
        rest = if let Some((inner, tail)) = enclosed {
            if tag.name == "embed" {
                let url = decode(inner.trim());
                out.push_str(&if is_http_url(&url) {
                    embed_markup(&url)
                } else {
                    escape(&url)
                });
            } else {
                out.push_str(&caption_markup(tag.attrs, inner));
            }
            tail
        } else if tag.closing
            || tag.self_closing
            || known
            || closed.contains(tag.name)
            || tag.name.contains(['_', '-'])
        {
            if tag.name == "gallery" && !tag.closing {
                out.push_str(&gallery(tag.attrs));
            }
            after
        } else {
            out.push('[');
            &rest[1..]
        };
    }
    out.push_str(rest);
    out
}

/// A `[gallery]`'s images, by attachment id.
fn gallery(attrs: &str) -> String {
    let ids = attr_value(attrs, "ids").or_else(|| attr_value(attrs, "include"));
    let images: String = (ids.unwrap_or("").split(',').map(str::trim))
        .filter(|id| is_number(id))
        .map(|id| format!("<img class=\"{GALLERY} wp-image-{id}\">"))
        .collect();
    format!("<div>{images}</div>")
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `[caption]`: the image (WordPress' own split: an optional `<a>` around
/// an `<img>`), then the caption text, or the `caption` attribute.
fn caption_markup(attrs: &str, inner: &str) -> String {
    let lower = inner.to_ascii_lowercase();
    let mut split = 0;
    if let Some(img) = lower.find("<img")
        && let Some(end) = lower[img..].find('>')
    {
        split = img + end + 1;
        let rest = lower[split..].trim_start();
        if rest.starts_with("</a>") {
            split = lower.len() - rest.len() + 4;
        }
    }
    let (image, mut text) = inner.split_at(split);
    if text.trim().is_empty() {
        text = attr_value(attrs, "caption").unwrap_or("");
    }
    let id = attr_value(attrs, "id")
        .and_then(|id| id.strip_prefix("attachment_"))
        .filter(|n| is_number(n))
        .map_or(String::new(), |n| format!(" attachment_{n}"));
    format!("<figure class=\"wp-caption{id}\">{image}<figcaption>{text}</figcaption></figure>")
}

/// `<iframe src>` → an embed figure (protocol-relative `//host` → https).
fn iframes(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let mut out = String::with_capacity(raw.len());
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<iframe").map(|i| pos + i) {
        let Some(tag_end) = lower[start..].find('>').map(|e| start + e) else {
            break;
        };
        let end = lower[tag_end..]
            .find("</iframe")
            .and_then(|c| lower[tag_end + c..].find('>').map(|e| tag_end + c + e + 1))
            .unwrap_or(tag_end + 1);
        out.push_str(&raw[pos..start]);
        let src = attr_value(&raw[start + 7..tag_end], "src").map(|s| decode(s.trim()));
        let src = src.map(|s| {
            if s.starts_with("//") {
                format!("https:{s}")
            } else {
                s
            }
        });
        if let Some(url) = src.filter(|u| is_http_url(u)) {
            out.push_str(&embed_markup(&url));
        }
        pos = end;
    }
    out.push_str(&raw[pos..]);
    out
}

/// Decodes the entities html5ever writes, and numeric ones.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let semi = rest.bytes().take(12).position(|b| b == b';');
        let ch = semi.and_then(|e| match &rest[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n => n
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                })
                .and_then(char::from_u32)
                .filter(|c| *c != '\0'),
        });
        match (ch, semi) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---- The sanitized tree ---------------------------------------------------

enum Node {
    Text(String),
    Element(Element),
}

struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    /// The element's and its content's bytes in the sanitized markup.
    outer: Range<usize>,
    inner: Range<usize>,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn has_class(&self, class: &str) -> bool {
        self.classes().any(|c| c == class)
    }
    fn classes(&self) -> impl Iterator<Item = &str> {
        self.attr("class").unwrap_or("").split_whitespace()
    }
    /// N of a `{prefix}N` class.
    fn class_number(&self, prefix: &str) -> Option<String> {
        self.classes()
            .filter_map(|c| c.strip_prefix(prefix))
            .find(|n| is_number(n))
            .map(str::to_owned)
    }
    fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    /// Descendants matching `pred`, not looking inside a match.
    fn topmost<'e>(&'e self, pred: &dyn Fn(&Element) -> bool, out: &mut Vec<&'e Element>) {
        for child in self.elements() {
            if pred(child) {
                out.push(child);
            } else {
                child.topmost(pred, out);
            }
        }
    }
    fn find(&self, pred: &dyn Fn(&Element) -> bool) -> Option<&Element> {
        let mut found = Vec::new();
        self.topmost(pred, &mut found);
        found.first().copied()
    }
}

/// Reads ammonia's output back (trusting its canonical form).
fn parse(markup: &str) -> Element {
    let element = |name: &str, attrs, start, end| Element {
        name: name.to_owned(),
        attrs,
        children: Vec::new(),
        outer: start..end,
        inner: end..end,
    };
    let mut stack = vec![element("", Vec::new(), 0, 0)];
    let mut ignored = 0;
    let mut pos = 0;
    while pos < markup.len() {
        let rest = &markup[pos..];
        if !rest.starts_with('<') {
            let end = rest.find('<').map_or(markup.len(), |i| pos + i);
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Text(decode(&markup[pos..end])));
            }
            pos = end;
            continue;
        }
        let tag_end = rest.find('>').map_or(markup.len(), |i| pos + i);
        let end = (tag_end + 1).min(markup.len());
        let tag = &markup[pos + 1..tag_end];
        if tag.starts_with('/') {
            if ignored > 0 {
                ignored -= 1;
            } else if stack.len() > 1 {
                close(&mut stack, pos, end);
            }
        } else {
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            let el = element(name, tag_attrs(attrs), pos, end);
            if VOID.contains(&name) {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(el));
                }
            } else if stack.len() > MAX_DEPTH {
                ignored += 1;
            } else {
                stack.push(el);
            }
        }
        pos = end;
    }
    while stack.len() > 1 {
        close(&mut stack, markup.len(), markup.len());
    }
    stack.pop().unwrap_or_else(|| element("", Vec::new(), 0, 0))
}

fn close(stack: &mut Vec<Element>, pos: usize, end: usize) {
    if let Some(mut el) = stack.pop() {
        el.inner.end = pos;
        el.outer.end = end;
        if let Some(parent) = stack.last_mut() {
            parent.children.push(Node::Element(el));
        }
    }
}

/// `a="1" b="2"` as html5ever writes them.
fn tag_attrs(mut rest: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    while let Some((key, tail)) = rest.split_once("=\"") {
        let end = tail.find('"').unwrap_or(tail.len());
        attrs.push((key.trim().to_owned(), decode(&tail[..end])));
        rest = tail.get(end + 1..).unwrap_or("");
    }
    attrs
}

// ---- Walking the tree -----------------------------------------------------

/// Inline content: `Break` is `<br>` or the edge of a block element.
enum Piece {
    Text(String),
    Break,
    Image(SourcePhoto),
}

/// Stands for a line break inside collected text (html5ever never leaves
/// a NUL in text).
const BR: char = '\0';

fn collect(node: &Node, skip: &dyn Fn(&Element) -> bool, out: &mut Vec<Piece>) {
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
fn text_of(el: &Element, skip: &dyn Fn(&Element) -> bool) -> (String, Vec<SourcePhoto>) {
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
fn lines(text: &str) -> String {
    let lines: Vec<String> = text
        .split(BR)
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

fn photo(img: &Element) -> Option<SourcePhoto> {
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

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

struct Walker<'a> {
    markup: &'a str,
    out: Vec<SourceBlock>,
}

impl Walker<'_> {
    fn push(&mut self, block: Block) {
        self.out.push(SourceBlock::Block(block));
    }

    fn photos(&mut self, photos: Vec<SourcePhoto>) {
        self.out.extend(photos.into_iter().map(SourceBlock::Image));
    }

    /// The children of a container: runs of inline content become
    /// paragraphs and images, block elements their blocks. `bare`: text
    /// outside any `<p>`, where newlines count (wpautop).
    fn flow(&mut self, el: &Element, bare: bool) {
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

    fn paragraphs(&mut self, run: Vec<Piece>, bare: bool) {
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

    fn text(&mut self, text: &str, bare: bool) {
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

    fn block(&mut self, el: &Element) {
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
    fn html(&mut self, el: &Element, range: Range<usize>) {
        let html = self.markup.get(range).unwrap_or("").trim();
        let (text, photos) = text_of(el, &|_| false);
        if !html.is_empty() && (!text.is_empty() || !photos.is_empty()) {
            self.push(Block::Html {
                html: html.to_owned(),
            });
        }
    }

    fn figure(&mut self, el: &Element) {
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
    fn embed(&mut self, el: &Element, ours: bool) {
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

    fn quote(&mut self, el: &Element) {
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
fn list_items(list: &Element, items: &mut Vec<String>, photos: &mut Vec<SourcePhoto>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::body::{self, ImageHtml};

    fn p(text: &str) -> SourceBlock {
        SourceBlock::Block(Block::Paragraph { text: text.into() })
    }

    fn photo(url: &str) -> SourcePhoto {
        SourcePhoto {
            url: url.into(),
            ..SourcePhoto::default()
        }
    }

    const LEAD: &str =
        "Chiều 27/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2021.";

    #[test]
    fn our_own_rendering_reads_back_to_the_same_blocks() {
        let first = ImageHtml {
            url: "https://media.baotinh.vn/2021/12/hoi-nghi.jpg?w=1200&q=80",
            caption: Some("Toàn cảnh hội nghị tổng kết công tác dân vận."),
            credit: Some("Nguyễn Nam"),
            alt: Some("Đại biểu dự hội nghị tại hội trường Tỉnh ủy"),
            width: Some(1200),
            height: Some(800),
        };
        let second = ImageHtml {
            url: "https://media.baotinh.vn/2021/12/trao-thuong.jpg",
            caption: Some("Trao bằng khen cho các tập thể tiêu biểu."),
            credit: None,
            alt: None,
            width: None,
            height: None,
        };
        let blocks = vec![
            Block::Paragraph {
                text: "Dân biết, dân bàn, dân làm, dân kiểm tra: \"5 < 7 & 8 > 6\", 'đúng'.".into(),
            },
            Block::Heading {
                level: 2,
                text: "Kết quả nổi bật năm 2021".into(),
            },
            Block::Image { media_id: 1 },
            Block::Heading {
                level: 3,
                text: "Phong trào “Dân vận khéo”".into(),
            },
            Block::Image { media_id: 2 },
            Block::Quote {
                text: "Dễ trăm lần không dân cũng chịu, khó vạn lần dân liệu cũng xong.".into(),
                attribution: Some("Chủ tịch Hồ Chí Minh".into()),
            },
            Block::Quote {
                text: "Lấy dân làm gốc.".into(),
                attribution: None,
            },
            Block::List {
                ordered: true,
                items: vec![
                    "Nắm chắc tình hình nhân dân".into(),
                    "Đối thoại với dân".into(),
                ],
            },
            Block::List {
                ordered: false,
                items: vec!["Huyện Đông Hưng".into(), "Thành phố Thái Bình".into()],
            },
            Block::Embed {
                url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42".into(),
                provider: None,
                title: Some("Phóng sự: Dân vận khéo ở cơ sở".into()),
            },
        ];
        let html = body::render_html(&blocks, |id| match id {
            1 => Some(ImageHtml { ..first }),
            2 => Some(ImageHtml { ..second }),
            _ => None,
        });
        let as_photo = |img: &ImageHtml<'_>| SourcePhoto {
            url: img.url.into(),
            caption: img.caption.map(Into::into),
            credit: img.credit.map(Into::into),
            alt: img.alt.map(Into::into),
            width: img.width,
            height: img.height,
            ..SourcePhoto::default()
        };
        let expected: Vec<SourceBlock> = blocks
            .iter()
            .map(|block| match block {
                Block::Image { media_id: 1 } => SourceBlock::Image(as_photo(&first)),
                Block::Image { .. } => SourceBlock::Image(as_photo(&second)),
                other => SourceBlock::Block(other.clone()),
            })
            .collect();
        assert_eq!(blocks_from_html(&html), expected, "{html}");
    }

    #[test]
    fn classic_content_with_shortcodes_and_blank_lines() {
        let html = format!(
            "{LEAD}\n\n\
             [caption id=\"attachment_12\" align=\"aligncenter\" width=\"800\"]<img src=\"https://baotinh.vn/wp-content/uploads/2021/12/hoi-nghi.jpg\" alt=\"Hội nghị\" width=\"800\" height=\"533\" class=\"size-full wp-image-12\" /> Toàn cảnh hội nghị.[/caption]\n\n\
             Phát biểu tại hội nghị, đồng chí Trưởng ban <strong>nhấn mạnh</strong>:\n\
             phương châm &#8220;dân biết, dân bàn&#8221; tiếp tục được phát huy.\n\
             &nbsp;\n\
             [embed]https://www.youtube.com/watch?v=abc123[/embed]\n\n\
             https://youtu.be/xyz789\n\n\
             [gallery ids=\"3, 4\"]\n\n\
             [dropcap]N[/dropcap]ăm 2022, [vc_row][vc_column]tỉnh[/vc_column][/vc_row] đặt mục tiêu [TTXVN] [1] [[gallery]].\n\n\
             <h2>Nhiệm vụ năm 2022</h2>\n\
             Tiếp tục đổi mới nội dung.\n"
        );
        let yt = |url: &str| {
            SourceBlock::Block(Block::Embed {
                url: url.into(),
                provider: Some("YouTube".into()),
                title: None,
            })
        };
        let gallery = |id: &str| {
            SourceBlock::Image(SourcePhoto {
                source_ref: Some(id.into()),
                ..photo("")
            })
        };
        assert_eq!(
            blocks_from_html(&html),
            vec![
                p(LEAD),
                SourceBlock::Image(SourcePhoto {
                    caption: Some("Toàn cảnh hội nghị.".into()),
                    alt: Some("Hội nghị".into()),
                    width: Some(800),
                    height: Some(533),
                    source_ref: Some("12".into()),
                    ..photo("https://baotinh.vn/wp-content/uploads/2021/12/hoi-nghi.jpg")
                }),
                p("Phát biểu tại hội nghị, đồng chí Trưởng ban nhấn mạnh:\n\
                   phương châm “dân biết, dân bàn” tiếp tục được phát huy."),
                yt("https://www.youtube.com/watch?v=abc123"),
                yt("https://youtu.be/xyz789"),
                gallery("3"),
                gallery("4"),
                p("Năm 2022, tỉnh đặt mục tiêu [TTXVN] [1] [gallery]."),
                SourceBlock::Block(Block::Heading {
                    level: 2,
                    text: "Nhiệm vụ năm 2022".into()
                }),
                p("Tiếp tục đổi mới nội dung."),
            ]
        );
    }

    #[test]
    fn gutenberg_blocks() {
        let html = format!(
            r#"<!-- wp:paragraph -->
<p>{LEAD}</p>
<!-- /wp:paragraph -->

<!-- wp:heading {{"level":1}} -->
<h1 class="wp-block-heading">Những <em>con số</em> ấn tượng</h1>
<!-- /wp:heading -->

<!-- wp:image {{"id":12,"sizeSlug":"large"}} -->
<figure class="wp-block-image size-large"><img src="https://baotinh.vn/wp-content/uploads/2021/12/dan-van.jpg" alt="" class="wp-image-12"/><figcaption class="wp-element-caption">Cán bộ dân vận thăm hỏi bà con. <cite>Ảnh: Minh Anh</cite></figcaption></figure>
<!-- /wp:image -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Dân vận khéo thì việc gì cũng thành công.</p><p>Đó là bài học quý.</p><cite>Ông Trần Văn Bình</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:list {{"ordered":true}} -->
<ol class="wp-block-list"><li>Xây dựng nông thôn mới<ul><li>Giao thông</li><li>Thủy lợi</li></ul></li><li>Giảm nghèo bền vững</li></ol>
<!-- /wp:list -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->

<!-- wp:embed {{"url":"https://www.youtube.com/watch?v=abc123","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc123
</div><figcaption class="wp-element-caption">Toàn cảnh hội nghị</figcaption></figure>
<!-- /wp:embed -->

<!-- wp:table -->
<figure class="wp-block-table"><table style="border:1px" onmouseover="alert(1)"><thead><tr><th>Huyện</th><th>Số mô hình</th></tr></thead><tbody><tr><td>Đông Hưng</td><td>42</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:html -->
<div class="binh-chon"><script>alert("xss")</script><button onclick="vote()">Bình chọn</button> <a href="javascript:alert(1)">mô hình</a> hay nhất</div>
<!-- /wp:html -->

<!-- wp:spacer -->
<div style="height:40px" aria-hidden="true" class="wp-block-spacer"></div>
<!-- /wp:spacer -->"#
        );
        let blocks = blocks_from_html(&html);
        let html_of = |i: usize| match &blocks[i] {
            SourceBlock::Block(Block::Html { html }) => html.clone(),
            other => panic!("not html: {other:?}"),
        };
        let table = html_of(6);
        assert!(
            table.starts_with("<figure class=\"wp-block-table\"><table><thead>"),
            "{table}"
        );
        assert!(
            table.contains("<td>Đông Hưng</td>")
                && !table.contains("style")
                && !table.contains("onmouseover"),
            "{table}"
        );
        let widget = html_of(7);
        assert!(
            widget.contains("Bình chọn") && widget.contains("mô hình"),
            "{widget}"
        );
        for gone in ["script", "xss", "onclick", "javascript", "vote"] {
            assert!(!widget.contains(gone), "{gone} in {widget}");
        }
        assert_eq!(
            blocks[..6],
            [
                p(LEAD),
                SourceBlock::Block(Block::Heading {
                    level: 2,
                    text: "Những con số ấn tượng".into()
                }),
                SourceBlock::Image(SourcePhoto {
                    caption: Some("Cán bộ dân vận thăm hỏi bà con.".into()),
                    credit: Some("Ảnh: Minh Anh".into()),
                    source_ref: Some("12".into()),
                    ..photo("https://baotinh.vn/wp-content/uploads/2021/12/dan-van.jpg")
                }),
                SourceBlock::Block(Block::Quote {
                    text: "Dân vận khéo thì việc gì cũng thành công.\nĐó là bài học quý.".into(),
                    attribution: Some("Ông Trần Văn Bình".into()),
                }),
                SourceBlock::Block(Block::List {
                    ordered: true,
                    items: [
                        "Xây dựng nông thôn mới",
                        "Giao thông",
                        "Thủy lợi",
                        "Giảm nghèo bền vững"
                    ]
                    .map(String::from)
                    .to_vec(),
                }),
                SourceBlock::Block(Block::Embed {
                    url: "https://www.youtube.com/watch?v=abc123".into(),
                    provider: Some("YouTube".into()),
                    title: Some("Toàn cảnh hội nghị".into()),
                }),
            ]
        );
        // The separator and the spacer: nothing.
        assert_eq!(blocks.len(), 8, "{blocks:#?}");
    }

    #[test]
    fn images_inside_text_split_it_and_bad_sources_are_dropped() {
        let html = "<p>Trước ảnh <a href=\"https://baotinh.vn/anh\"><img src=\"https://baotinh.vn/a.jpg\" alt=\"Ảnh\"></a> sau ảnh.</p>\
                    <p>Ảnh lỗi <img src=\"javascript:alert(1)\"> <img src=\"/wp-content/b.jpg\"> bị bỏ.</p>\
                    <figure><img src=\"data:image/png;base64,AAAA\"><figcaption>Chú thích mồ côi</figcaption></figure>\
                    <p>&nbsp;</p><p>  </p>";
        assert_eq!(
            blocks_from_html(html),
            vec![
                p("Trước ảnh"),
                SourceBlock::Image(SourcePhoto {
                    alt: Some("Ảnh".into()),
                    ..photo("https://baotinh.vn/a.jpg")
                }),
                p("sau ảnh."),
                p("Ảnh lỗi bị bỏ."),
            ]
        );
    }

    #[test]
    fn iframes_wrappers_headings_and_line_breaks() {
        let html = "<div class=\"entry\"><section>Lời dẫn trong khung.<h1>Tiêu đề</h1>\
                    <p>Dòng một<br>Dòng hai</p></section>\
                    <iframe width=\"560\" src=\"//www.youtube.com/embed/abc123?rel=0&amp;t=5\"></iframe>\
                    <IFRAME src=\"https://maps.example.vn/nha-van-hoa\"></IFRAME>\
                    <iframe src=\"javascript:alert(1)\"></iframe>\
                    <figure class=\"embed\"><a href=\"https://vimeo.com/1\">https://vimeo.com/1</a></figure></div>";
        let embed = |url: &str, provider: Option<&str>| {
            SourceBlock::Block(Block::Embed {
                url: url.into(),
                provider: provider.map(Into::into),
                title: None,
            })
        };
        assert_eq!(
            blocks_from_html(html),
            vec![
                p("Lời dẫn trong khung."),
                SourceBlock::Block(Block::Heading {
                    level: 2,
                    text: "Tiêu đề".into()
                }),
                p("Dòng một\nDòng hai"),
                embed(
                    "https://www.youtube.com/embed/abc123?rel=0&t=5",
                    Some("YouTube")
                ),
                embed("https://maps.example.vn/nha-van-hoa", None),
                embed("https://vimeo.com/1", None),
            ]
        );
    }

    #[test]
    fn other_embed_shapes_lazy_images_and_code() {
        let html = "<!-- wp:html --><iframe src=\"https://www.facebook.com/plugins/video.php?href=x\"></iframe><!-- /wp:html -->\
                    [video width=\"640\" mp4=\"https://baotinh.vn/video/hoi-nghi.mp4\"][/video]\
                    [caption id=\"attachment_7\"]<a href=\"https://baotinh.vn/anh\"><img data-src=\"https://baotinh.vn/c.jpg\" src=\"data:image/gif;base64,R0l\"></a> Bà con phấn khởi.[/caption]\
                    <pre class=\"wp-block-code\"><code>if a &lt; b {}</code></pre>";
        assert_eq!(
            blocks_from_html(html),
            vec![
                SourceBlock::Block(Block::Embed {
                    url: "https://www.facebook.com/plugins/video.php?href=x".into(),
                    provider: Some("Facebook".into()),
                    title: None,
                }),
                SourceBlock::Image(SourcePhoto {
                    caption: Some("Bà con phấn khởi.".into()),
                    source_ref: Some("7".into()),
                    ..photo("https://baotinh.vn/c.jpg")
                }),
                SourceBlock::Block(Block::Html {
                    html: "<pre><code>if a &lt; b {}</code></pre>".into()
                }),
            ]
        );
        assert_eq!(provider_name("wordpress-tv"), "WordPress.tv");
        assert_eq!(provider_name("đài-truyền-hình"), "Đài Truyền Hình");
    }

    #[test]
    fn empty_and_hostile_input() {
        assert!(blocks_from_html("").is_empty());
        assert!(
            blocks_from_html("  \n\n <!-- wp:paragraph --><p></p><!-- /wp:paragraph -->")
                .is_empty()
        );
        assert!(blocks_from_html("<script>alert(1)</script><style>p{}</style>").is_empty());
        let deep = format!("{}Sâu thẳm{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(blocks_from_html(&deep), vec![p("Sâu thẳm")]);
        assert_eq!(blocks_from_html("[caption]Chưa đóng"), vec![p("Chưa đóng")]);
        let odd = [
            "<",
            "&",
            "&#;",
            "&#x110000;",
            "[",
            "[[",
            "[/",
            "[]",
            "[[[a]]]",
            "[Ả]",
            "[a b=\"",
            "[caption id=attachment_]ảnh[/caption]",
            "<iframe",
            "<iframe src='//",
            "<!-- wp:html",
            "<!-- wp:html -->x",
            "<img src=\"https://a.vn/ả.jpg\" width=\"-3\" height=\"1e9\">",
            "<figure class=\"wp-block-embed is-provider-\"></figure>",
            "<ul><ul><li>ả",
        ];
        for html in odd {
            blocks_from_html(html);
        }
    }
}
