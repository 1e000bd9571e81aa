//! Scoring one match, in Rust, from its title and lead: the engines only
//! find matches (newest first), which is cheap at any archive size, while
//! their own relevance functions (bm25, `ts_rank_cd`) read every match's
//! postings or whole document and dominated the cost of a search.
//!
//! What counts, strongest first: the words typed with diacritics found
//! with the same diacritics, the query as a phrase, the words close
//! together, the words in the title, then in the lead. Matches only in
//! the body, captions or linked names score 0 here and fall back to
//! recency.

use std::collections::HashSet;

use super::{fold::accent_keys, parse::ParsedQuery};

/// The text of one match that ranking reads.
pub struct Fields<'a> {
    /// Folded title and lead, as indexed.
    pub title: &'a str,
    pub lead: &'a str,
    /// The original title and lead, with the diacritics as written.
    pub original: &'a str,
}

/// The score of a match of `q`: higher is better, at most 6.5.
pub fn score(q: &ParsedQuery, fields: &Fields<'_>) -> f64 {
    let title: Vec<&str> = fields.title.split(' ').collect();
    let lead: Vec<&str> = fields.lead.split(' ').collect();
    let m = Matcher {
        prefix: q
            .prefix_last
            .then(|| q.words.last())
            .flatten()
            .map(String::as_str),
    };
    let words = q.all_words();
    let share = |tokens: &[&str]| {
        let found = words.iter().filter(|w| m.in_tokens(tokens, w)).count();
        found as f64 / words.len().max(1) as f64
    };
    let phrases: Vec<&[String]> = if q.words.len() > 1 {
        vec![q.words.as_slice()]
    } else {
        q.phrases.iter().map(Vec::as_slice).collect()
    };
    let has_phrase = phrases
        .iter()
        .any(|p| m.run_in(&title, p) || m.run_in(&lead, p));
    let span = q.words.len() + 3;
    let close =
        q.words.len() > 1 && (m.within(&title, &q.words, span) || m.within(&lead, &q.words, span));
    let (in_title, in_lead) = (share(&title), share(&lead));
    // A word with the typed diacritics folds to a typed word: without one
    // in the title or lead there is nothing to compare (and keying every
    // word of the original is the costly part of ranking).
    let accents = if in_title + in_lead > 0.0 {
        accent_share(&q.accents, fields.original)
    } else {
        0.0
    };
    3.0 * accents
        + 1.5 * f64::from(u8::from(has_phrase))
        + 0.5 * f64::from(u8::from(close))
        + in_title
        + 0.5 * in_lead
}

/// The share of `accents` (keys of the words typed with diacritics) that
/// `original` holds with the same diacritics.
fn accent_share(accents: &[String], original: &str) -> f64 {
    if accents.is_empty() {
        return 0.0;
    }
    let keys = accent_keys(original);
    let keys: HashSet<&str> = keys.split(' ').collect();
    accents.iter().filter(|k| keys.contains(k.as_str())).count() as f64 / accents.len() as f64
}

/// Matches folded tokens against query words; the word being typed also
/// matches as a prefix.
struct Matcher<'a> {
    prefix: Option<&'a str>,
}

impl Matcher<'_> {
    fn hit(&self, token: &str, word: &str) -> bool {
        token == word || (self.prefix == Some(word) && token.starts_with(word))
    }

    fn in_tokens(&self, tokens: &[&str], word: &str) -> bool {
        tokens.iter().any(|t| self.hit(t, word))
    }

    /// Whether `run` appears in `tokens` as consecutive words.
    fn run_in(&self, tokens: &[&str], run: &[String]) -> bool {
        !run.is_empty()
            && tokens
                .windows(run.len())
                .any(|w| w.iter().zip(run).all(|(t, r)| self.hit(t, r)))
    }

    /// Whether every word of `words` appears in some span of `span` tokens.
    fn within(&self, tokens: &[&str], words: &[String], span: usize) -> bool {
        tokens
            .windows(span.min(tokens.len()).max(1))
            .any(|window| words.iter().all(|w| self.in_tokens(window, w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::{fold::fold, parse::parse};

    fn score_of(query: &str, title: &str, lead: &str) -> f64 {
        let q = parse(query).unwrap();
        score(
            &q,
            &Fields {
                title: &fold(title),
                lead: &fold(lead),
                original: &format!("{title} {lead}"),
            },
        )
    }

    #[test]
    fn exact_diacritics_beat_folded_matches() {
        assert!(score_of("Đức", "Ông Đức phát biểu", "") > score_of("Đức", "Làng đúc đồng", ""));
    }

    #[test]
    fn phrases_beat_scattered_words_and_close_words_beat_far_ones() {
        let phrase = score_of("dan van kheo", "Phong trào dân vận khéo", "");
        let scattered = score_of("dan van kheo", "Khéo léo vận động dân", "");
        assert!(phrase > scattered);
        let close = score_of("kinh te", "", "kinh doanh và thuế tế");
        let far = score_of(
            "kinh te",
            "",
            "kinh nghiệm của nhiều địa phương trong năm qua về y tế",
        );
        assert!(close > far);
    }

    #[test]
    fn title_matches_beat_lead_matches_and_body_only_scores_nothing() {
        let title = score_of("giao duc", "Giáo dục vùng cao", "Tin ngắn");
        let lead = score_of("giao duc", "Tin ngắn", "Giáo dục vùng cao");
        assert!(title > lead && lead > 0.0);
        assert_eq!(score_of("giao duc", "Tin ngắn", "Thời tiết"), 0.0);
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        assert!(score_of("viet da tru", "Giải việt dã truyền thống", "") > 1.9);
        assert!(score_of("viet da tru ", "Giải việt dã truyền thống", "") < 1.9);
    }
}
