//! What the walk and the pre-passes share: which elements are kept and
//! which are blocks, and the embed providers known by host.

use crate::domain::body::escape;

/// Phrasing elements kept (their text is kept; the others' is too, the
/// elements unwrapped).
pub(super) const INLINE: &str = "a abbr b bdi cite code del dfn em i ins kbd mark q s samp small span \
                      strike strong sub sup time u var";
/// Elements that end a run of inline content.
pub(super) const BLOCKS: &str = "p h1 h2 h3 h4 h5 h6 figure figcaption blockquote ul ol li dl dt dd pre \
                      div section article header footer aside main nav address details summary \
                      table caption colgroup thead tbody tfoot tr th td hr";
/// Elements html5ever serializes without an end tag.
pub(super) const VOID: [&str; 5] = ["br", "img", "hr", "col", "wbr"];
/// Nesting kept beyond this is flattened (its text stays), so walking the
/// tree cannot overflow the stack.
pub(super) const MAX_DEPTH: usize = 100;
/// Class of the `<img>` a `[gallery]` id becomes.
pub(super) const GALLERY: &str = "toasoan-gallery";

pub(super) fn is_block(name: &str) -> bool {
    BLOCKS.split_whitespace().any(|b| b == name)
}

/// Hosts whose URLs are embeds, with WordPress' provider slug.
pub(super) const PROVIDERS: [(&str, &str); 9] = [
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

pub(super) fn provider_slug(url: &str) -> Option<&'static str> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(|(_, slug)| *slug)
}

/// `youtube` → `YouTube`, `some-site` → `Some Site`.
pub(super) fn provider_name(slug: &str) -> String {
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
pub(super) fn embed_markup(url: &str) -> String {
    let class = provider_slug(url).map_or(String::new(), |s| format!(" is-provider-{s}"));
    format!(
        "<figure class=\"wp-block-embed{class}\"><div class=\"wp-block-embed__wrapper\">{}</div></figure>",
        escape(url)
    )
}

pub(super) fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes the entities html5ever writes, and numeric ones.
pub(super) fn decode(s: &str) -> String {
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
