//! Cleaning text that editors send: HTML is sanitized away (ammonia), never
//! stored raw, and Vietnamese is normalized to NFC so that one word is
//! always stored one way (Word pastes decomposed Unicode).

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Plain text from input that may hold HTML: tags are removed (with the
/// content of `script` and `style`), entities decoded, Unicode NFC, ends
/// trimmed. Vietnamese letters pass through untouched.
pub fn plain(input: &str) -> String {
    let cleaned = ammonia::Builder::empty()
        .clean_content_tags(HashSet::from(["script", "style"]))
        .clean(input)
        .to_string();
    unescape(&cleaned)
        .nfc()
        .collect::<String>()
        .trim()
        .to_owned()
}

/// [`plain`], with every run of white space (new lines included) folded to
/// one space: for titles, names and captions.
pub fn line(input: &str) -> String {
    plain(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the entities ammonia's serializer writes.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_removed_and_text_kept() {
        assert_eq!(
            plain("<script>alert(1)</script><b>Dân vận</b> khéo"),
            "Dân vận khéo"
        );
        assert_eq!(plain("<img src=x onerror=alert(1)>Tin"), "Tin");
        assert_eq!(plain("a < b & c > d"), "a < b & c > d");
        assert_eq!(
            plain("“Dân biết, dân bàn” 8,5% ‘x’"),
            "“Dân biết, dân bàn” 8,5% ‘x’"
        );
    }

    #[test]
    fn vietnamese_is_normalized_to_nfc_and_never_mangled() {
        let decomposed: String = "Nguyễn Đức Trung".nfd().collect();
        assert_eq!(plain(&decomposed), "Nguyễn Đức Trung");
        assert_eq!(line("  Hội nghị\n\ntổng kết  "), "Hội nghị tổng kết");
    }
}
