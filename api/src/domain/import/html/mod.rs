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

mod markup;
mod raw;
mod tree;
mod walk;

use std::sync::LazyLock;

use super::source::SourceBlock;
use markup::{BLOCKS, INLINE, VOID};
use raw::{iframes, shortcodes, wp_html};
use tree::parse;
use walk::Walker;

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

#[cfg(test)]
mod tests;
