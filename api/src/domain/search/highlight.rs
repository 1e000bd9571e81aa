//! Highlights: the matched words wrapped in `<mark>`, everything else
//! HTML-escaped, and a short snippet of the body around the first match.

use std::collections::HashSet;

use super::fold::fold;
use crate::domain::body::escape;

/// Words kept around the first match in a snippet.
const BEFORE: usize = 12;
const AFTER: usize = 24;

/// The words of `text` with their byte ranges (marks stay in their word).
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        let in_word = ch.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&ch);
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Whether a word of the text matches the query's words (the word being
/// typed also as a prefix).
fn matches(word: &str, terms: &HashSet<String>, prefix: Option<&str>) -> bool {
    let folded = fold(word);
    terms.contains(&folded) || prefix.is_some_and(|p| folded.starts_with(p))
}

/// `text` escaped, with matches in `<mark>`.
pub fn mark(text: &str, terms: &HashSet<String>, prefix: Option<&str>) -> String {
    mark_range(text, &words(text), 0, usize::MAX, terms, prefix)
}

fn mark_range(
    text: &str,
    spans: &[(usize, usize)],
    first: usize,
    last: usize,
    terms: &HashSet<String>,
    prefix: Option<&str>,
) -> String {
    let mut out = String::new();
    let chosen: Vec<&(usize, usize)> = spans
        .iter()
        .enumerate()
        .filter(|(i, _)| *i >= first && *i <= last)
        .map(|(_, s)| s)
        .collect();
    let Some(begin) = chosen.first().map(|s| s.0) else {
        return escape(text);
    };
    let mut cursor = begin;
    for &&(s, e) in &chosen {
        out.push_str(&escape(&text[cursor..s]));
        let word = &text[s..e];
        if matches(word, terms, prefix) {
            out.push_str("<mark>");
            out.push_str(&escape(word));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape(word));
        }
        cursor = e;
    }
    out
}

/// A snippet of `text` around its first match (its start when nothing
/// matches), with `…` where it was cut.
pub fn snippet(text: &str, terms: &HashSet<String>, prefix: Option<&str>) -> String {
    let spans = words(text);
    if spans.is_empty() {
        return String::new();
    }
    let hit = spans
        .iter()
        .position(|&(s, e)| matches(&text[s..e], terms, prefix))
        .unwrap_or(0);
    let first = hit.saturating_sub(BEFORE);
    let last = (hit + AFTER).min(spans.len() - 1);
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    out.push_str(&mark_range(text, &spans, first, last, terms, prefix));
    if last + 1 < spans.len() {
        out.push('…');
    } else {
        // Keep the closing punctuation of the text.
        out.push_str(&escape(&text[spans[last].1..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn matches_are_marked_and_the_rest_escaped() {
        let marked = mark("Ban Dân vận <Tỉnh ủy> & dân", &terms(&["dan", "van"]), None);
        assert_eq!(
            marked,
            "Ban <mark>Dân</mark> <mark>vận</mark> &lt;Tỉnh ủy&gt; &amp; <mark>dân</mark>"
        );
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        assert_eq!(
            mark("Nguyễn Đức Trung", &terms(&["nguyen"]), Some("tru")),
            "<mark>Nguyễn</mark> Đức <mark>Trung</mark>"
        );
    }

    #[test]
    fn snippets_are_cut_around_the_first_match() {
        let text = (1..=60)
            .map(|i| format!("từ{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " hội nghị kết thúc.";
        let s = snippet(&text, &terms(&["hoi"]), None);
        assert!(s.starts_with('…'));
        assert!(s.contains("<mark>hội</mark> nghị kết thúc."));
    }
}
