//! Reading a reader's query: words, quoted phrases, excluded words
//! (`-word`), the words typed with diacritics, and whether the last word
//! is still being typed.

use std::collections::HashSet;

use super::fold::{accent_key, fold};
use crate::platform::error::{AppError, AppResult};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query that count; the rest is ignored.
const MAX_TERMS: usize = 12;

/// A reader's query, folded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedQuery {
    /// Words outside quotes, folded, in the order typed.
    pub words: Vec<String>,
    /// Quoted phrases, folded word by word: they must match exactly.
    pub phrases: Vec<Vec<String>>,
    /// Words after a leading `-`, folded: no result holds them.
    pub excluded: Vec<String>,
    /// Accent keys of the words typed with diacritics.
    pub accents: Vec<String>,
    /// Each word typed with diacritics: (folded word, accent key).
    pub exact: Vec<(String, String)>,
    /// Whether the last word is still being typed (no trailing space):
    /// it also matches as a prefix.
    pub prefix_last: bool,
}

impl ParsedQuery {
    /// Every folded word, in phrases or not.
    pub fn all_words(&self) -> HashSet<String> {
        self.words
            .iter()
            .chain(self.phrases.iter().flatten())
            .cloned()
            .collect()
    }

    /// Whether nothing is left to look for (excluded words alone find
    /// nothing).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }

    /// How many units must match: distinct words and phrases.
    pub fn units(&self) -> usize {
        let words: HashSet<&String> = self.words.iter().collect();
        words.len() + self.phrases.len()
    }

    /// The word being typed, when it also matches as a prefix.
    pub fn prefix(&self) -> Option<&str> {
        self.prefix_last
            .then(|| self.words.last())
            .flatten()
            .map(String::as_str)
    }
}

/// Parses a query: `"…"` are exact phrases, `-word` excludes a word,
/// everything else words. Syntax characters of the engines are only
/// separators here, so no input can inject engine syntax.
pub fn parse(query: &str) -> AppResult<ParsedQuery> {
    if query.trim().is_empty() {
        return Err(AppError::bad_input("query", "the search query is empty"));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("the search query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut parsed = ParsedQuery::default();
    for (i, part) in query.split('"').enumerate() {
        if i % 2 == 1 {
            let words = tokens(part);
            if words.len() > 1 {
                parsed.phrases.push(words);
            } else {
                parsed.words.extend(words);
            }
            continue;
        }
        for chunk in part.split_whitespace() {
            match chunk.strip_prefix('-') {
                Some(rest) if !rest.starts_with('-') => parsed.excluded.extend(tokens(rest)),
                _ => parsed.words.extend(tokens(chunk)),
            }
        }
    }
    parsed.words.truncate(MAX_TERMS);
    parsed.phrases.truncate(MAX_TERMS);
    parsed.excluded.truncate(MAX_TERMS);
    let wanted = parsed.all_words();
    parsed.exact = query
        .split(|c: char| !c.is_alphanumeric() && !('\u{0300}'..='\u{036F}').contains(&c))
        .filter_map(|w| accent_key(w).map(|k| (fold(w), k)))
        .filter(|(w, _)| wanted.contains(w))
        .take(MAX_TERMS)
        .collect();
    parsed.accents = parsed.exact.iter().map(|(_, k)| k.clone()).collect();
    parsed.prefix_last = !query.ends_with(char::is_whitespace)
        && !query.ends_with('"')
        && parsed.words.last().is_some_and(|w| w.len() >= 2)
        && query
            .split_whitespace()
            .last()
            .is_some_and(|w| !w.starts_with('-'));
    Ok(parsed)
}

fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_minus_excludes_and_elsewhere_separates() {
        let q = parse("kinh-te -xa -\"hội\" --x").unwrap();
        assert_eq!(q.words, vec!["kinh", "te", "hoi", "x"]);
        assert_eq!(q.excluded, vec!["xa"]);
        assert!(parse("-dan").unwrap().is_empty());
    }

    #[test]
    fn exact_words_pair_the_folded_word_with_its_key() {
        let q = parse("Dân bàn ban").unwrap();
        assert_eq!(
            q.exact,
            vec![("dan".into(), "dân".into()), ("ban".into(), "banf".into())]
        );
        assert_eq!(q.units(), 2);
    }
}
