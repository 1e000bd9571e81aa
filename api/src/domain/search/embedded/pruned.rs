//! The first stage of the commonest searches — every word and phrase of
//! a query, by relevance — without scoring every match.
//!
//! The general query (`find.rs`) scores each of the tens of thousands of
//! matches of a common query to keep the best 200. Here a match's score
//! is the same sum (per word: BM25F on `all`, plus the title's own BM25
//! times its weight), found in two parts:
//! - the matches with a query word in their title, read from the titles'
//!   short posting lists, each scored in full;
//! - the others, whose score is BM25F alone: tantivy's block-max
//!   intersection skips every block of 128 documents whose best possible
//!   score cannot enter the best kept so far, which the first part has
//!   already filled with high scores.
//!
//! A phrase's words are scored as words; the phrase itself must stand in
//! some text field, which `phrases.rs` checks from positions for only
//! the documents whose score could enter (the general query intersects
//! five fields' position lists over every document holding the words).
//! The re-rank adds the phrase's own signal.
//!
//! The count of every match is a separate pass over the same lists that
//! decodes no frequencies and scores nothing. The best kept and the count
//! equal those of scoring every match (tests compare them).

use crate::domain::search::engine::Count;
use tantivy::{
    BitSet, DocId, Score, Searcher, SegmentReader, TERMINATED, Term,
    collector::Count as Counter,
    query::{BooleanQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight},
    schema::IndexRecordOption,
};

use super::{
    phrases::PhraseCheck,
    restrictions::Restrictions,
    schema::Fields,
    top::{Best, Columns, Found},
};

/// The best `limit` matches of every one of `words` (folded, distinct,
/// at least one: the phrases' words among them) holding every one of
/// `phrases` (two words or more each) that `limits` let through, by
/// relevance (ties: newest, then highest id), and unless `counting`
/// skips it the count of all of them.
pub fn best_of_words(
    searcher: &Searcher,
    f: &Fields,
    words: &[&str],
    phrases: &[Vec<String>],
    limits: Restrictions,
    limit: usize,
    counting: Count,
) -> tantivy::Result<Found> {
    let total = match counting {
        Count::Every => Some(count(searcher, f, words, phrases, &limits)?),
        Count::Skip => None,
    };
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let term = |field, w: &str, record| TermQuery::new(Term::from_field_text(field, w), record);
    let weights = |field| -> tantivy::Result<Vec<Box<dyn Weight>>> {
        words
            .iter()
            .map(|w| term(field, w, IndexRecordOption::WithFreqs).weight(scoring))
            .collect()
    };
    let all = weights(f.all)?;
    let titles = weights(f.title)?;
    // As `find.rs`'s boost applies it: to the BM25 weight, not the score.
    let (_, title_weight) = f.weighted()[0];
    let every_word: Box<dyn Weight> = if words.len() == 1 {
        term(f.all, words[0], IndexRecordOption::WithFreqs).weight(scoring)?
    } else {
        BooleanQuery::new(
            words
                .iter()
                .map(|w| {
                    let q: Box<dyn Query> = Box::new(term(f.all, w, IndexRecordOption::WithFreqs));
                    (Occur::Must, q)
                })
                .collect(),
        )
        .weight(scoring)?
    };
    let required = match limits.required.is_empty() {
        true => None,
        false => Some(any_or_every(limits.required, Occur::Must).weight(unscored)?),
    };
    let excluded = match limits.excluded.is_empty() {
        true => None,
        false => Some(any_or_every(limits.excluded, Occur::Should).weight(unscored)?),
    };

    let mut best = Best::new(limit);
    for (segment, reader) in (0..).zip(searcher.segment_readers()) {
        let gate = Gate {
            reader,
            required: required.as_deref().map(|w| docs(w, reader)).transpose()?,
            excluded: excluded.as_deref().map(|w| docs(w, reader)).transpose()?,
        };
        let columns = Columns::of(segment, reader);
        let titled = titled_docs(&titles, reader)?;

        // Matches with a word in their title, scored in full.
        let mut all_scorers = scorers(&all, reader, 1.0)?;
        let mut title_scorers = scorers(&titles, reader, title_weight)?;
        let mut in_phrases = PhraseCheck::open(reader, f, phrases)?;
        'titled: for doc in titled.iter().copied() {
            if !gate.admits(doc) {
                continue;
            }
            let mut score: Score = 0.0;
            for (a, t) in all_scorers.iter_mut().zip(title_scorers.iter_mut()) {
                if !at(a.as_mut(), doc) {
                    continue 'titled;
                }
                score += a.score();
                if at(t.as_mut(), doc) {
                    score += t.score();
                }
            }
            if best.admits(score) && in_phrases.holds(doc) {
                offer(&mut best, &columns, doc, score);
            }
        }

        // The others: BM25F alone, blocks that cannot enter skipped.
        let titled: BitSet = bits(reader, titled);
        let mut in_phrases = PhraseCheck::open(reader, f, phrases)?;
        every_word.for_each_pruning(best.floor(), reader, &mut |doc, score| {
            if !titled.contains(doc)
                && gate.admits(doc)
                && best.admits(score)
                && in_phrases.holds(doc)
            {
                offer(&mut best, &columns, doc, score);
            }
            best.floor()
        })?;
    }
    Ok(Found {
        total,
        hits: best.into_sorted(),
    })
}

/// How many documents match every word and phrase within `limits`: the
/// same lists intersected without frequencies or scores, the phrases
/// checked on each document found.
fn count(
    searcher: &Searcher,
    f: &Fields,
    words: &[&str],
    phrases: &[Vec<String>],
    limits: &Restrictions,
) -> tantivy::Result<usize> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.all, w),
                IndexRecordOption::Basic,
            ));
            (Occur::Must, q)
        })
        .collect();
    clauses.extend(limits.required.iter().map(|q| (Occur::Must, q.box_clone())));
    clauses.extend(
        limits
            .excluded
            .iter()
            .map(|q| (Occur::MustNot, q.box_clone())),
    );
    let query = BooleanQuery::new(clauses);
    if phrases.is_empty() {
        return searcher.search(&query, &Counter);
    }
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut total = 0;
    for reader in searcher.segment_readers() {
        let mut in_phrases = PhraseCheck::open(reader, f, phrases)?;
        let alive = reader.alive_bitset();
        weight.for_each_no_score(reader, &mut |batch| {
            for doc in batch {
                if alive.is_none_or(|a| a.is_alive(*doc)) && in_phrases.holds(*doc) {
                    total += 1;
                }
            }
        })?;
    }
    Ok(total)
}

fn any_or_every(queries: Vec<Box<dyn Query>>, occur: Occur) -> BooleanQuery {
    BooleanQuery::new(queries.into_iter().map(|q| (occur, q)).collect())
}

fn scorers(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Vec<Box<dyn Scorer>>> {
    weights.iter().map(|w| w.scorer(reader, boost)).collect()
}

/// Whether `scorer`, moving forward only, is at `doc`.
fn at(scorer: &mut dyn Scorer, doc: DocId) -> bool {
    scorer.doc() <= doc && scorer.seek(doc) == doc
}

/// The documents with any of the words in their title, ascending.
fn titled_docs(titles: &[Box<dyn Weight>], reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
    let mut docs = Vec::new();
    for w in titles {
        w.for_each_no_score(reader, &mut |batch| docs.extend_from_slice(batch))?;
    }
    docs.sort_unstable();
    docs.dedup();
    Ok(docs)
}

/// The documents `weight` matches in `reader`.
fn docs(weight: &dyn Weight, reader: &SegmentReader) -> tantivy::Result<BitSet> {
    let mut set = BitSet::with_max_value(reader.max_doc());
    weight.for_each_no_score(reader, &mut |batch| {
        for doc in batch {
            set.insert(*doc);
        }
    })?;
    Ok(set)
}

fn bits(reader: &SegmentReader, docs: Vec<DocId>) -> BitSet {
    let mut set = BitSet::with_max_value(reader.max_doc());
    for doc in docs {
        set.insert(doc);
    }
    set
}

/// Keeps `doc` among the best (the caller checked it may enter).
fn offer(best: &mut Best, columns: &Columns, doc: DocId, score: Score) {
    best.offer(columns.hit(doc, score, score));
}

/// Which documents of a segment may be returned: live, every required
/// condition met, no excluded one.
struct Gate<'a> {
    reader: &'a SegmentReader,
    required: Option<BitSet>,
    excluded: Option<BitSet>,
}

impl Gate<'_> {
    fn admits(&self, doc: DocId) -> bool {
        debug_assert!(doc != TERMINATED);
        self.reader.alive_bitset().is_none_or(|a| a.is_alive(doc))
            && self.required.as_ref().is_none_or(|r| r.contains(doc))
            && !self.excluded.as_ref().is_some_and(|e| e.contains(doc))
    }
}
