//! Pre-passes on the raw text, before sanitizing: Gutenberg `wp:html`
//! bodies marked, WordPress shortcodes expanded, `<iframe>`s made embeds.

use std::collections::HashSet;

use super::markup::*;
use crate::domain::body::{escape, is_http_url};

// ---- Pre-passes on the raw text -------------------------------------------

/// Gutenberg's custom-HTML blocks have no element of their own.
pub(super) fn wp_html(raw: &str) -> String {
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
pub(super) struct Tag<'a> {
    name: &'a str,
    attrs: &'a str,
    closing: bool,
    self_closing: bool,
    len: usize,
}

pub(super) fn parse_tag(s: &str) -> Option<Tag<'_>> {
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
pub(super) fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
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
pub(super) fn shortcodes(raw: &str) -> String {
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
pub(super) fn gallery(attrs: &str) -> String {
    let ids = attr_value(attrs, "ids").or_else(|| attr_value(attrs, "include"));
    let images: String = (ids.unwrap_or("").split(',').map(str::trim))
        .filter(|id| is_number(id))
        .map(|id| format!("<img class=\"{GALLERY} wp-image-{id}\">"))
        .collect();
    format!("<div>{images}</div>")
}

/// `[caption]`: the image (WordPress' own split: an optional `<a>` around
/// an `<img>`), then the caption text, or the `caption` attribute.
pub(super) fn caption_markup(attrs: &str, inner: &str) -> String {
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
pub(super) fn iframes(raw: &str) -> String {
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
