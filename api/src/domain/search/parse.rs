//! Reading a reader's query: words, quoted phrases, the words typed with
//! diacritics, and whether the last word is still being typed.

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
    /// Words outside quotes, folded.
    pub words: Vec<String>,
    /// Quoted phrases, folded word by word: they must match exactly.
    pub phrases: Vec<Vec<String>>,
    /// Accent keys of the words typed with diacritics.
    pub accents: Vec<String>,
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

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Parses a query: `"…"` are exact phrases, everything else words. Syntax
/// characters of the engines are only separators here, so no input can
/// inject engine syntax.
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
        let words: Vec<String> = fold(part)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        if i % 2 == 1 && words.len() > 1 {
            parsed.phrases.push(words);
        } else {
            parsed.words.extend(words);
        }
    }
    parsed.words.truncate(MAX_TERMS);
    parsed.phrases.truncate(MAX_TERMS);
    parsed.accents = query
        .split(|c: char| !c.is_alphanumeric() && !('\u{0300}'..='\u{036F}').contains(&c))
        .filter_map(accent_key)
        .take(MAX_TERMS)
        .collect();
    parsed.prefix_last = !query.ends_with(char::is_whitespace)
        && !query.ends_with('"')
        && parsed.words.last().is_some_and(|w| w.len() >= 2);
    Ok(parsed)
}
