//! Highlights: the matched words wrapped in `<mark>`, everything else
//! HTML-escaped, and a snippet of the passage where the query's words are
//! densest.
//!
//! A word typed with diacritics ("bàn") marks only the words written the
//! same way when the text holds one; words that merely fold to the same
//! letters ("Ban") are marked only when nothing better is there.

use std::collections::{HashMap, HashSet};

use super::{
    fold::{accent_key, fold_into, is_alphanumeric, is_mark},
    parse::ParsedQuery,
};
use crate::domain::body::escape;

/// Words in a snippet, and how many of them come before its first match.
const WINDOW: usize = 32;
const LEAD_IN: usize = 6;

/// The query's words, as highlighting reads them.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    words: HashSet<String>,
    /// Folded word → the accent keys it was typed with.
    exact: HashMap<String, HashSet<String>>,
    prefix: Option<String>,
    /// The first bytes of `words` and `prefix` (folded: ASCII), one bit
    /// each: most words of a text start otherwise and are turned away
    /// without hashing.
    starts: u128,
}

impl Terms {
    /// The terms of a parsed query.
    pub fn of(q: &ParsedQuery) -> Self {
        let mut exact: HashMap<String, HashSet<String>> = HashMap::new();
        for (word, key) in &q.exact {
            exact.entry(word.clone()).or_default().insert(key.clone());
        }
        let words = q.all_words();
        let prefix = q.prefix().map(str::to_owned);
        let starts = words
            .iter()
            .chain(&prefix)
            .filter_map(|w| w.bytes().next())
            .fold(0, |bits, b| bits | start_bit(b));
        Self {
            words,
            exact,
            prefix,
            starts,
        }
    }

    /// Whether a folded word starting with `first` may match a term.
    fn may_start(&self, first: u8) -> bool {
        first >= 128 || self.starts & start_bit(first) != 0
    }
}

fn start_bit(b: u8) -> u128 {
    if b < 128 { 1 << b } else { 0 }
}

/// One word of a text: its byte range and the query word it matches.
struct Word {
    start: usize,
    end: usize,
    term: Option<String>,
    exact: bool,
}

/// The words of `text`, each with the query word it matches, preferring
/// exact-diacritic matches (see the module's docs).
fn words(text: &str, terms: &Terms) -> Vec<Word> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        let in_word = is_alphanumeric(ch) || is_mark(ch);
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
    // One buffer for every word's folding: most words match nothing.
    let mut folded = String::new();
    let mut out: Vec<Word> = spans
        .into_iter()
        .map(|(start, end)| {
            let word = &text[start..end];
            folded.clear();
            fold_into(word, &mut folded);
            let term = if !folded.bytes().next().is_some_and(|b| terms.may_start(b)) {
                None
            } else if terms.words.contains(folded.as_str()) {
                Some(folded.clone())
            } else {
                terms
                    .prefix
                    .as_ref()
                    .filter(|p| folded.starts_with(p.as_str()))
                    .cloned()
            };
            let exact = term.as_ref().is_some_and(|t| {
                terms
                    .exact
                    .get(t)
                    .is_some_and(|keys| accent_key(word).is_some_and(|k| keys.contains(&k)))
            });
            Word {
                start,
                end,
                term,
                exact,
            }
        })
        .collect();
    let with_exact: HashSet<String> = out
        .iter()
        .filter(|w| w.exact)
        .filter_map(|w| w.term.clone())
        .collect();
    for w in &mut out {
        if !w.exact && w.term.as_ref().is_some_and(|t| with_exact.contains(t)) {
            w.term = None;
        }
    }
    out
}

/// `text` escaped, with matches in `<mark>`.
pub fn mark(text: &str, terms: &Terms) -> String {
    let words = words(text, terms);
    mark_range(text, &words, 0, words.len())
}

fn mark_range(text: &str, words: &[Word], first: usize, end: usize) -> String {
    let chosen = &words[first.min(words.len())..end.min(words.len())];
    let Some(begin) = chosen.first().map(|w| w.start) else {
        return escape(text);
    };
    let mut out = String::new();
    let mut cursor = begin;
    for w in chosen {
        out.push_str(&escape(&text[cursor..w.start]));
        let word = escape(&text[w.start..w.end]);
        if w.term.is_some() {
            out.push_str("<mark>");
            out.push_str(&word);
            out.push_str("</mark>");
        } else {
            out.push_str(&word);
        }
        cursor = w.end;
    }
    out
}

/// How well `words[start..start + WINDOW]` answers the query: distinct
/// words found, then words found next to each other, then exact ones.
fn density(words: &[Word], start: usize) -> (usize, usize, usize) {
    let window = &words[start..(start + WINDOW).min(words.len())];
    let distinct: HashSet<&String> = window.iter().filter_map(|w| w.term.as_ref()).collect();
    let adjacent = window
        .windows(2)
        .filter(|p| matches!((&p[0].term, &p[1].term), (Some(a), Some(b)) if a != b))
        .count();
    let exact = window.iter().filter(|w| w.exact).count();
    (distinct.len(), adjacent, exact)
}

/// A passage of `text`: the snippet and how well it answers the query
/// (`None` when no word of the text matches).
pub struct Passage {
    pub snippet: String,
    pub density: (usize, usize, usize),
}

/// The passage of `text` where the query's words are densest, marked,
/// with `…` where it was cut; `None` when nothing matches.
pub fn best_passage(text: &str, terms: &Terms) -> Option<Passage> {
    let words = words(text, terms);
    let (best, density) = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.term.is_some())
        .map(|(i, _)| (i, density(&words, i)))
        // The first of equally dense passages.
        .fold(
            None,
            |acc: Option<(usize, (usize, usize, usize))>, (i, d)| match acc {
                Some((_, best)) if best >= d => acc,
                _ => Some((i, d)),
            },
        )?;
    let first = best.saturating_sub(LEAD_IN);
    let end = (first + WINDOW).min(words.len());
    let mut snippet = String::new();
    if first > 0 {
        snippet.push('…');
    }
    snippet.push_str(&mark_range(text, &words, first, end));
    if end < words.len() {
        snippet.push('…');
    } else if let Some(last) = words.last() {
        // Keep the closing punctuation of the text.
        snippet.push_str(&escape(&text[last.end..]));
    }
    Some(Passage { snippet, density })
}

/// The snippet of `text` when nothing matches: its first words.
pub fn opening(text: &str) -> String {
    let words = words(text, &Terms::default());
    let end = WINDOW.min(words.len());
    let mut out = mark_range(text, &words, 0, end);
    if end < words.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::parse::parse;

    fn terms(query: &str) -> Terms {
        Terms::of(&parse(query).unwrap())
    }

    #[test]
    fn matches_are_marked_and_the_rest_escaped() {
        assert_eq!(
            mark("Ban Dân vận <Tỉnh ủy> & dân", &terms("dan van ")),
            "Ban <mark>Dân</mark> <mark>vận</mark> &lt;Tỉnh ủy&gt; &amp; <mark>dân</mark>"
        );
    }

    #[test]
    fn exact_diacritics_are_marked_rather_than_folded_lookalikes() {
        assert_eq!(
            mark("Ban dân vận: dân bàn", &terms("dân bàn ")),
            "Ban <mark>dân</mark> vận: <mark>dân</mark> <mark>bàn</mark>"
        );
        // Nothing better: the folded match is marked.
        assert_eq!(
            mark("Ban dân vận", &terms("bàn ")),
            "<mark>Ban</mark> dân vận"
        );
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        assert_eq!(
            mark("Nguyễn Đức Trung", &terms("nguyen tru")),
            "<mark>Nguyễn</mark> Đức <mark>Trung</mark>"
        );
    }

    #[test]
    fn the_snippet_is_the_densest_passage() {
        let filler = |n: usize| {
            (1..=n)
                .map(|i| format!("từ{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let text = format!(
            "Hội nghị mở đầu. {} Dân biết, dân bàn, dân làm, dân kiểm tra. {}",
            filler(60),
            filler(60)
        );
        let p = best_passage(&text, &terms("dân biết dân bàn hội ")).unwrap();
        assert!(p.snippet.starts_with('…'), "{}", p.snippet);
        assert!(
            p.snippet
                .contains("<mark>Dân</mark> <mark>biết</mark>, <mark>dân</mark> <mark>bàn</mark>")
        );
        assert!(!p.snippet.contains("Hội"));
        assert!(best_passage("không có gì", &terms("dan ")).is_none());
    }
}
