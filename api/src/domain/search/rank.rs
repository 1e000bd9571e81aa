//! The second stage of a search: re-ranking the engine's best candidates
//! in Rust, from their indexed (folded) text. The engine's relevance
//! (BM25-style, field-weighted) is the base; on top of it count, strongest
//! first: how many of the query's words a match holds (only in the
//! fallback, when none holds them all), the query's words as a phrase in
//! any field (the body too), each two consecutive words of the query side
//! by side, all the words close together, the words typed
//! with diacritics found with the same diacritics, and, gently, recency.

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

/// What the re-rank needs of one candidate: for each text field (title,
/// lead, captions, extra, body), the tokens that match a query word, in
/// position order ([`Token`]s), and the share of the words typed with
/// diacritics the text holds as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    pub fields: [Vec<Token>; 5],
    pub accents: f64,
}

/// A token of a field that matches at least one query word. Only these
/// are kept: a body of thousands of tokens holds a few dozen of them, and
/// every signal is a pass over them alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its position in the field (0 for the first token).
    pub at: u32,
    /// The query words it matches.
    pub words: Mask,
}

/// `tokens` (any order, a position possibly repeated with other words)
/// in position order, one per position with all its words.
pub fn merged(mut tokens: Vec<Token>) -> Vec<Token> {
    tokens.sort_unstable_by_key(|t| t.at);
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        match out.last_mut() {
            Some(last) if last.at == t.at => last.words |= t.words,
            _ => out.push(t),
        }
    }
    out
}

/// Field weights of the phrase, pair and proximity signals, in
/// [`Evidence::fields`] order.
const FIELD_WEIGHTS: [f64; 5] = [1.0, 0.9, 0.9, 0.8, 0.8];

/// The score of a candidate from its indexed text: higher is better.
pub fn score(q: &ParsedQuery, texts: &Texts, ctx: &Context) -> f64 {
    score_evidence(q, &evidence_of(q, texts), ctx)
}

/// The [`Evidence`] of a candidate's indexed text: each token becomes the
/// set of query words it matches, so that every signal is a pass over
/// small integers, not over strings.
pub fn evidence_of(q: &ParsedQuery, texts: &Texts) -> Evidence {
    let vocabulary = Vocabulary::of(q);
    Evidence {
        fields: [
            &texts.title,
            &texts.lead,
            &texts.captions,
            &texts.extra,
            &texts.body,
        ]
        .map(|text| vocabulary.masks(text)),
        accents: accent_share(&q.accents, &texts.marked),
    }
}

/// The query's words in the order of their bits in a [`Mask`]: those of
/// `ParsedQuery::words` first, then those only in phrases.
pub fn vocabulary(q: &ParsedQuery) -> Vec<&str> {
    Vocabulary::of(q).words
}

/// The score of a candidate from its [`Evidence`] (masks over
/// [`vocabulary`]'s bits): higher is better.
pub fn score_evidence(q: &ParsedQuery, evidence: &Evidence, ctx: &Context) -> f64 {
    let vocabulary = Vocabulary::of(q);
    let tokens: Vec<(&Vec<Token>, f64)> = evidence.fields.iter().zip(FIELD_WEIGHTS).collect();
    let distinct = &vocabulary.words[..vocabulary.distinct];
    let run = |words: &[String]| -> Vec<Mask> { words.iter().map(|w| vocabulary.bit(w)).collect() };
    let mut phrase: f64 = 0.0;
    let mut proximity: f64 = 0.0;
    let mut pairs: f64 = 0.0;
    if distinct.len() > 1 {
        let typed: Vec<Vec<Mask>> = q
            .words
            .windows(2)
            .filter(|p| p[0] != p[1])
            .map(&run)
            .collect();
        for pair in &typed {
            pairs += tokens
                .iter()
                .filter(|(toks, _)| run_in(toks, pair))
                .map(|(_, w)| *w)
                .fold(0.0, f64::max);
        }
        pairs /= typed.len().max(1) as f64;
        let whole = run(&q.words);
        for (toks, w) in &tokens {
            if run_in(toks, &whole) {
                phrase = phrase.max(*w);
            }
            if let Some(span) = shortest_span(toks, distinct.len()) {
                proximity = proximity.max(w * distinct.len() as f64 / span as f64);
            }
        }
    }
    let units = distinct.len() + q.phrases.len();
    let anywhere: Mask = tokens
        .iter()
        .flat_map(|(t, _)| t.iter())
        .fold(0, |all, t| all | t.words);
    let found = (0..distinct.len())
        .filter(|i| anywhere & (1 << i) != 0)
        .count()
        + q.phrases
            .iter()
            .map(|p| run(p))
            .filter(|p| tokens.iter().any(|(t, _)| run_in(t, p)))
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
        + ACCENTS * evidence.accents
        + RECENCY * recency;
    (score * 1000.0).round() / 1000.0
}

/// The share of `accents` (keys of the words typed with diacritics) that
/// `marked` (the accent keys of a document) holds. A few keys against
/// one pass over the document: cheaper than hashing every word of it.
pub fn accent_share(accents: &[String], marked: &str) -> f64 {
    if accents.is_empty() {
        return 0.0;
    }
    let mut held = vec![false; accents.len()];
    for key in marked.split(' ') {
        for (i, accent) in accents.iter().enumerate() {
            if !held[i] && key == accent {
                held[i] = true;
            }
        }
    }
    held.iter().filter(|h| **h).count() as f64 / accents.len() as f64
}

/// The query words a token matches, one bit per word of [`Vocabulary`].
/// A query is at most 200 characters (`MAX_QUERY_CHARS`), hence at most
/// 100 words: 128 bits hold them all.
pub type Mask = u128;

/// The query's distinct words (those of `words` first, in order, then
/// those only in phrases), each with its bit; the word being typed also
/// matches as a prefix.
struct Vocabulary<'a> {
    words: Vec<&'a str>,
    /// How many of `words` come from `ParsedQuery::words`.
    distinct: usize,
    prefix: Option<&'a str>,
}

impl<'a> Vocabulary<'a> {
    fn of(q: &'a ParsedQuery) -> Self {
        let mut words: Vec<&str> = Vec::new();
        for w in &q.words {
            if !words.contains(&w.as_str()) {
                words.push(w);
            }
        }
        let distinct = words.len();
        for w in q.phrases.iter().flatten() {
            if !words.contains(&w.as_str()) {
                words.push(w);
            }
        }
        words.truncate(Mask::BITS as usize);
        Self {
            words,
            distinct: distinct.min(Mask::BITS as usize),
            prefix: q.prefix(),
        }
    }

    /// The bit of `word` (0 when it is not in the vocabulary).
    fn bit(&self, word: &str) -> Mask {
        self.words
            .iter()
            .position(|w| *w == word)
            .map_or(0, |i| 1 << i)
    }

    /// The tokens of `text` (space-separated) that match a query word. A
    /// byte loop: the re-rank reads about 800 KB of text per search, most
    /// of it words of no query, which the first byte turns away.
    fn masks(&self, text: &str) -> Vec<Token> {
        let mut starts = [false; 256];
        for w in &self.words {
            if let Some(b) = w.as_bytes().first() {
                starts[usize::from(*b)] = true;
            }
        }
        let mut out = Vec::new();
        let mut at: u32 = 0;
        for token in text.as_bytes().split(|b| *b == b' ') {
            let Some(first) = token.first() else {
                continue;
            };
            at += 1;
            let mut mask = 0;
            if starts[usize::from(*first)] {
                for (i, w) in self.words.iter().enumerate() {
                    let w = w.as_bytes();
                    if token == w
                        || (self.prefix.map(str::as_bytes) == Some(w) && token.starts_with(w))
                    {
                        mask |= 1 << i;
                    }
                }
            }
            if mask != 0 {
                out.push(Token {
                    at: at - 1,
                    words: mask,
                });
            }
        }
        out
    }
}

/// Whether `run` (a word's bit per position) appears in `tokens` as
/// consecutive words.
fn run_in(tokens: &[Token], run: &[Mask]) -> bool {
    !run.is_empty()
        && run.iter().all(|b| *b != 0)
        && tokens.len() >= run.len()
        && tokens.windows(run.len()).any(|w| {
            w.iter()
                .zip(run)
                .zip(w[0].at..)
                .all(|((t, r), at)| t.at == at && t.words & r != 0)
        })
}

/// The fewest consecutive tokens holding each of the first `words` words
/// of the vocabulary (a token counts for the first of them it matches).
fn shortest_span(tokens: &[Token], words: usize) -> Option<usize> {
    let wanted: Mask = if words >= Mask::BITS as usize {
        Mask::MAX
    } else {
        (1 << words) - 1
    };
    let which = |m: Mask| {
        let m = m & wanted;
        (m != 0).then(|| m.trailing_zeros() as usize)
    };
    let mut counts = vec![0usize; words];
    let mut held = 0;
    let mut best: Option<usize> = None;
    let mut start = 0;
    for token in tokens {
        if let Some(i) = which(token.words) {
            counts[i] += 1;
            if counts[i] == 1 {
                held += 1;
            }
        }
        while held == words {
            let len = (token.at - tokens[start].at) as usize + 1;
            best = Some(best.map_or(len, |b| b.min(len)));
            if let Some(i) = which(tokens[start].words) {
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
        let q = parse("a b d").unwrap();
        let v = Vocabulary::of(&q);
        let toks = v.masks("a x b a c b");
        assert_eq!(shortest_span(&toks, 2), Some(2));
        assert_eq!(shortest_span(&toks, 3), None);
        assert_eq!(shortest_span(&v.masks("a x x x b x x"), 2), Some(5));
    }

    #[test]
    fn merged_tokens_are_in_order_one_per_position() {
        let t = |at, words| Token { at, words };
        assert_eq!(
            merged(vec![t(7, 0b01), t(2, 0b10), t(7, 0b10), t(2, 0b10)]),
            vec![t(2, 0b10), t(7, 0b11)]
        );
    }

    #[test]
    fn a_token_matches_every_word_it_stands_for() {
        // "du" is being typed: "dung" matches it as a prefix and "dung"
        // as a word.
        let q = parse("dung du").unwrap();
        let v = Vocabulary::of(&q);
        let words = |tokens: Vec<Token>| -> Vec<(u32, Mask)> {
            tokens.into_iter().map(|t| (t.at, t.words)).collect()
        };
        assert_eq!(
            words(v.masks("dung du dux")),
            vec![(0, 0b11), (1, 0b10), (2, 0b10)]
        );
        assert_eq!(words(v.masks("x  dung y du")), vec![(1, 0b11), (3, 0b10)]);
        assert!(!run_in(
            &v.masks("dung x du"),
            &[v.bit("dung"), v.bit("du")]
        ));
        assert!(run_in(
            &v.masks("x dung dung"),
            &[v.bit("dung"), v.bit("du")]
        ));
        assert!(!run_in(
            &v.masks("x dung"),
            &[v.bit("dung"), v.bit("absent")]
        ));
    }
}
