//! Text as WordPress stores it, made plain: percent-encoded slugs
//! (`d%c3%a2n-v%e1%ba%adn` → `dân-vận` → `dan-van`), HTML excerpts and
//! captions (tags dropped, entities decoded, white space collapsed).

use crate::{domain::body, platform::slug::slugify};

/// Longest slug the newsroom stores (`domain::slugs::is_valid`).
const MAX_SLUG: usize = 200;

/// `%XX` sequences decoded. Input whose decoded bytes are not UTF-8 (or
/// that has no escapes) comes back as it was.
pub(super) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// A WordPress slug (`post_name`, `category_nicename`, `tag_slug`) as a
/// newsroom slug; `None` when nothing is left.
pub(super) fn slug(raw: &str) -> Option<String> {
    let mut slug = slugify(&percent_decode(raw.trim()));
    if slug.len() > MAX_SLUG {
        // ASCII only after `slugify`, so any index is a char boundary.
        slug.truncate(MAX_SLUG);
        let kept = slug.trim_end_matches('-').len();
        slug.truncate(kept);
    }
    (!slug.is_empty()).then_some(slug)
}

/// HTML as one line of plain text: `<p>a</p><p>b</p>` → `a b`.
pub(super) fn plain_text(html: &str) -> String {
    // Block tags end words: without a space `</p><p>` would glue them.
    let spaced = BLOCK_TAGS.iter().fold(html.to_owned(), |text, tag| {
        text.replace(tag, &format!(" {tag}"))
    });
    body::html_text(&spaced)
}

const BLOCK_TAGS: &[&str] = &[
    "<p>", "<p ", "</p>", "<br", "<div", "</div>", "<li", "</li>", "<h", "</h",
];

/// `text` trimmed, or `None` when that leaves nothing.
pub(super) fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_vietnamese_is_decoded() {
        assert_eq!(percent_decode("d%c3%a2n-v%e1%ba%adn"), "dân-vận");
        assert_eq!(percent_decode("D%C3%A2N"), "DâN");
        // Not escapes, or not UTF-8 once decoded: left alone.
        assert_eq!(percent_decode("100%-tin-that"), "100%-tin-that");
        assert_eq!(percent_decode("%ff%fe"), "%ff%fe");
    }

    #[test]
    fn slugs_are_decoded_then_slugified() {
        assert_eq!(
            slug("th%e1%bb%9di-s%e1%bb%b1-ch%c3%adnh-tr%e1%bb%8b").as_deref(),
            Some("thoi-su-chinh-tri")
        );
        assert_eq!(slug("kinh-te").as_deref(), Some("kinh-te"));
        assert_eq!(slug("  "), None);
        let long = slug(&"ab-".repeat(100)).unwrap();
        assert!(long.len() <= MAX_SLUG && !long.ends_with('-'));
    }

    #[test]
    fn html_becomes_one_line_of_text() {
        assert_eq!(
            plain_text(
                "<p>Sáng 27/12,</p><p>Ban <strong>Dân vận</strong>\n &amp; &#8220;Mặt trận&#8221;</p>"
            ),
            "Sáng 27/12, Ban Dân vận & “Mặt trận”"
        );
        assert_eq!(plain_text(""), "");
    }
}
