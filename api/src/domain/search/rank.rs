//! The second stage of a search: re-ranking the engine's best candidates
//! in Rust, from their indexed (folded) text. The engine's relevance
//! (BM25-style, field-weighted) is the base; on top of it count, strongest
//! first: how many of the query's words a match holds (only in the
//! fallback, when none holds them all), the query's words as a phrase in
//! any field (the body too), each two consecutive words of the query side
//! by side, all the words close together, the words typed
//! with diacritics found with the same diacritics, and, gently, recency.

use std::collections::HashSet;

use super::{engine::Texts, parse::ParsedQuery};

/// Weight of each signal in a score.
const ENGINE: f64 = 2.0;
const COVERAGE: f64 = 4.0;
const PHRASE: f64 = 3.0;
const PAIRS: f64 = 2.0;
const PROXIMITY: f64 = 1.5;
const ACCENTS: f64 = 2.0;
const RECENCY: f64 = 0.4;
/// Age, in days, at which the recency prior halves.
const HALF_LIFE_DAYS: f64 = 365.0;

/// What ranking knows of one candidate besides its text.
pub struct Context {
    /// The engine's relevance over the best candidate's: in (0, 1].
    pub engine: f64,
    /// Days since publication (`None`: unpublished).
    pub age_days: Option<f64>,
}

/// The score of a candidate: higher is better.
pub fn score(q: &ParsedQuery, texts: &Texts, ctx: &Context) -> f64 {
    let fields: [(&str, f64); 5] = [
        (&texts.title, 1.0),
        (&texts.lead, 0.9),
        (&texts.captions, 0.9),
        (&texts.extra, 0.8),
        (&texts.body, 0.8),
    ];
    let tokens: Vec<(Vec<&str>, f64)> = fields
        .iter()
        .map(|(text, w)| (text.split(' ').filter(|t| !t.is_empty()).collect(), *w))
        .collect();
    let m = Matcher { prefix: q.prefix() };
    let distinct: Vec<&str> = {
        let mut seen = HashSet::new();
        q.words
            .iter()
            .map(String::as_str)
            .filter(|w| seen.insert(*w))
            .collect()
    };
    let mut phrase: f64 = 0.0;
    let mut proximity: f64 = 0.0;
    let mut pairs: f64 = 0.0;
    if distinct.len() > 1 {
        let typed: Vec<&[String]> = q.words.windows(2).filter(|p| p[0] != p[1]).collect();
        for pair in &typed {
            pairs += tokens
                .iter()
                .filter(|(toks, _)| m.run_in(toks, pair))
                .map(|(_, w)| *w)
                .fold(0.0, f64::max);
        }
        pairs /= typed.len().max(1) as f64;
        for (toks, w) in &tokens {
            if m.run_in(toks, &q.words) {
                phrase = phrase.max(*w);
            }
            if let Some(span) = m.shortest_span(toks, &distinct) {
                proximity = proximity.max(w * distinct.len() as f64 / span as f64);
            }
        }
    }
    let units = distinct.len() + q.phrases.len();
    let found = distinct
        .iter()
        .filter(|w| tokens.iter().any(|(t, _)| m.in_tokens(t, w)))
        .count()
        + q.phrases
            .iter()
            .filter(|p| tokens.iter().any(|(t, _)| m.run_in(t, p)))
            .count();
    let coverage = found as f64 / units.max(1) as f64;
    let recency = ctx
        .age_days
        .map_or(0.0, |d| 0.5_f64.powf(d.max(0.0) / HALF_LIFE_DAYS));
    let score = ENGINE * ctx.engine
        + COVERAGE * coverage
        + PHRASE * phrase
        + PAIRS * pairs
        + PROXIMITY * proximity
        + ACCENTS * accent_share(&q.accents, &texts.marked)
        + RECENCY * recency;
    (score * 1000.0).round() / 1000.0
}

/// The share of `accents` (keys of the words typed with diacritics) that
/// `marked` (the accent keys of a document) holds.
fn accent_share(accents: &[String], marked: &str) -> f64 {
    if accents.is_empty() {
        return 0.0;
    }
    let keys: HashSet<&str> = marked.split(' ').collect();
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
            && tokens.len() >= run.len()
            && tokens
                .windows(run.len())
                .any(|w| w.iter().zip(run).all(|(t, r)| self.hit(t, r)))
    }

    /// The fewest consecutive tokens holding every one of `words`.
    fn shortest_span(&self, tokens: &[&str], words: &[&str]) -> Option<usize> {
        let which = |t: &str| words.iter().position(|w| self.hit(t, w));
        let mut counts = vec![0usize; words.len()];
        let mut held = 0;
        let mut best: Option<usize> = None;
        let mut start = 0;
        for (end, token) in tokens.iter().enumerate() {
            if let Some(i) = which(token) {
                counts[i] += 1;
                if counts[i] == 1 {
                    held += 1;
                }
            }
            while held == words.len() {
                let len = end - start + 1;
                best = Some(best.map_or(len, |b| b.min(len)));
                if let Some(i) = which(tokens[start]) {
                    counts[i] -= 1;
                    if counts[i] == 0 {
                        held -= 1;
                    }
                }
                start += 1;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::{fold::fold, parse::parse};

    fn score_of(query: &str, title: &str, body: &str) -> f64 {
        let q = parse(query).unwrap();
        let texts = Texts {
            title: fold(title),
            body: fold(body),
            marked: crate::domain::search::fold::accent_keys(&format!("{title} {body}")),
            ..Texts::default()
        };
        score(
            &q,
            &texts,
            &Context {
                engine: 0.5,
                age_days: Some(30.0),
            },
        )
    }

    #[test]
    fn exact_diacritics_beat_folded_matches() {
        assert!(score_of("Đức", "Ông Đức phát biểu", "") > score_of("Đức", "Làng đúc đồng", ""));
    }

    #[test]
    fn a_phrase_in_the_body_beats_scattered_words() {
        let q = "dân biết dân bàn dân làm";
        let phrase = score_of(
            q,
            "Hội nghị",
            "Phương châm dân biết, dân bàn, dân làm được phát huy",
        );
        let scattered = score_of(q, "Hội nghị", "Người dân làm ruộng biết cách bàn bạc");
        assert!(phrase > scattered + 2.0, "{phrase} {scattered}");
    }

    #[test]
    fn close_words_beat_far_ones() {
        let close = score_of("kinh te", "", "kinh doanh và thuế tế");
        let far = score_of(
            "kinh te",
            "",
            "kinh nghiệm của nhiều địa phương trong năm qua về y tế",
        );
        assert!(close > far);
    }

    #[test]
    fn more_words_found_rank_higher_in_the_fallback() {
        assert!(score_of("dan thu huong", "", "dân thu") > score_of("dan thu huong", "", "dân"));
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        assert!(
            score_of("viet da tru", "Giải việt dã truyền thống", "")
                > score_of("viet da tru ", "Giải việt dã truyền thống", "")
        );
    }

    #[test]
    fn the_shortest_span_holds_every_word() {
        let m = Matcher { prefix: None };
        let toks = ["a", "x", "b", "a", "c", "b"];
        assert_eq!(m.shortest_span(&toks, &["a", "b"]), Some(2));
        assert_eq!(m.shortest_span(&toks, &["a", "d"]), None);
    }
}
