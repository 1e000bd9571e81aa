//! Searching the embedded index: a parsed query becomes a tantivy query
//! (each word in the field-weighted `all` field, each phrase in any text
//! field, weighted by field; the
//! viewer's visibility and the filters as non-scoring clauses), and the
//! best `limit` matches come back with the count of all of them.

use std::sync::Arc;

use chrono::DateTime;
use tantivy::{
    Term,
    query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
        TermQuery,
    },
    schema::{Field, IndexRecordOption},
};

use super::{
    EmbeddedIndex, ahead::Ahead, internal, pruned, restrictions::Restrictions, schema::Fields,
    top::Top,
};
use crate::domain::search::{
    engine::{Candidate, Combine, Count, EngineOrder, IndexAddress},
    parse::ParsedQuery,
};
use crate::platform::error::AppResult;

pub use super::restrictions::IndexFilter;

impl EmbeddedIndex {
    /// The best `limit` matches of `q` that `filter` lets through, by
    /// relevance (ties: newest, then highest id) or newest first, each
    /// with the count of all matches unless `count` skips it.
    pub async fn candidates(
        self: &Arc<Self>,
        q: &ParsedQuery,
        combine: Combine,
        filter: &IndexFilter,
        order: EngineOrder,
        limit: usize,
        count: Count,
    ) -> AppResult<Vec<Candidate>> {
        let plan = Plan::of(&self.fields, &self.ahead, q, combine, filter, order);
        let index = self.clone();
        tokio::task::spawn_blocking(move || index.collect(plan, order, limit.max(1), count))
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    fn collect(
        &self,
        plan: Plan,
        order: EngineOrder,
        limit: usize,
        count: Count,
    ) -> tantivy::Result<Vec<Candidate>> {
        let searcher = self.reader.searcher();
        let found = match plan {
            Plan::Words {
                words,
                phrases,
                limits,
            } => {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                pruned::best_of_words(
                    &searcher,
                    &self.fields,
                    &words,
                    &phrases,
                    limits,
                    limit,
                    count,
                )?
            }
            Plan::Query(query) => searcher.search(
                &*query,
                &Top {
                    limit,
                    relevance_first: order == EngineOrder::Relevance,
                },
            )?,
        };
        let total = found.total.map(|t| t as i64);
        let generation = searcher.generation().generation_id();
        Ok(found
            .hits
            .into_iter()
            .map(|hit| Candidate {
                id: hit.id as i64,
                rank: f64::from(hit.score),
                published_at: (hit.published_at != i64::MIN)
                    .then(|| DateTime::from_timestamp_micros(hit.published_at))
                    .flatten(),
                total,
                found_at: Some(IndexAddress {
                    generation,
                    segment: hit.at.segment_ord,
                    doc: hit.at.doc_id,
                }),
            })
            .collect())
    }
}

/// How a search's first stage runs.
enum Plan {
    /// Every one of these distinct words (the phrases' too) and every
    /// phrase, by relevance: `pruned.rs`, which skips what cannot rank.
    Words {
        words: Vec<String>,
        /// Two words or more each.
        phrases: Vec<Vec<String>>,
        limits: Restrictions,
    },
    /// Anything else (a word being typed, any of the words, by date): the
    /// general query, every match scored.
    Query(Box<dyn Query>),
}

impl Plan {
    fn of(
        f: &Fields,
        ahead: &Arc<Ahead>,
        q: &ParsedQuery,
        combine: Combine,
        filter: &IndexFilter,
        order: EngineOrder,
    ) -> Self {
        let mut words: Vec<String> = Vec::with_capacity(q.words.len());
        for w in q.words.iter().chain(q.phrases.iter().flatten()) {
            if !words.contains(w) {
                words.push(w.clone());
            }
        }
        if !words.is_empty()
            && !q.prefix_last
            && combine == Combine::All
            && order == EngineOrder::Relevance
        {
            let mut phrases: Vec<Vec<String>> = Vec::new();
            for p in q.phrases.iter().filter(|p| p.len() > 1) {
                if !phrases.contains(p) {
                    phrases.push(p.clone());
                }
            }
            Plan::Words {
                words,
                phrases,
                limits: Restrictions::of(f, ahead, q, filter),
            }
        } else {
            Plan::Query(build(f, ahead, q, combine, filter))
        }
    }
}

/// The tantivy query of `q` under `filter`.
fn build(
    f: &Fields,
    ahead: &Arc<Ahead>,
    q: &ParsedQuery,
    combine: Combine,
    filter: &IndexFilter,
) -> Box<dyn Query> {
    let mut units: Vec<Box<dyn Query>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, w) in q.words.iter().enumerate() {
        let typed = q.prefix_last && i + 1 == q.words.len();
        if !seen.insert((w.as_str(), typed)) {
            continue;
        }
        if typed {
            // A word being typed: its completions in any field.
            units.push(in_any_field(f, |field| {
                Box::new(PhrasePrefixQuery::new(vec![Term::from_field_text(
                    field, w,
                )]))
            }));
        } else {
            units.push(word(f, w));
        }
    }
    for phrase in q.phrases.iter().filter(|p| !p.is_empty()) {
        units.push(in_any_field(f, |field| {
            let terms: Vec<Term> = phrase
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            if terms.len() == 1 {
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(terms))
            }
        }));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = match combine {
        Combine::All => units.into_iter().map(|u| (Occur::Must, u)).collect(),
        Combine::Any => vec![(
            Occur::Must,
            Box::new(BooleanQuery::new(
                units.into_iter().map(|u| (Occur::Should, u)).collect(),
            )),
        )],
    };
    let limits = Restrictions::of(f, ahead, q, filter);
    clauses.extend(limits.required.into_iter().map(|q| {
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
        )
    }));
    clauses.extend(limits.excluded.into_iter().map(|q| (Occur::MustNot, q)));
    Box::new(BooleanQuery::new(clauses))
}

/// A word: matched on one posting list (`all`) and scored BM25F by the
/// field weights, plus the title's own BM25 scaled by its weight. BM25F
/// saturates a title's repeated term frequency like any other, which
/// would leave a title holding the word barely above a body saying it
/// twice; the title's list is short, and is only read at the documents
/// the other words already matched.
fn word(f: &Fields, w: &str) -> Box<dyn Query> {
    let [(title, title_weight), ..] = f.weighted();
    Box::new(BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.all, w),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(title, w),
                    IndexRecordOption::WithFreqs,
                )),
                title_weight,
            )),
        ),
    ]))
}

/// `unit` in any text field, each field's score weighted.
fn in_any_field(f: &Fields, unit: impl Fn(Field) -> Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        f.weighted()
            .into_iter()
            .map(|(field, weight)| {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(unit(field), weight)) as Box<dyn Query>,
                )
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use std::ops::Bound;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::domain::search::embedded::ahead::AfterQuery;
    use crate::domain::search::{
        embedded::{Cursor, documents::IndexedArticle},
        engine::Texts,
    };

    /// Folded Vietnamese words, the commonest first: texts drawn from
    /// them share words the way a newsroom's do.
    const WORDS: &[&str] = &[
        "dan", "van", "tinh", "uy", "hoi", "nghi", "kinh", "te", "xa", "phat", "trien", "nong",
        "thon", "moi", "cong", "tac", "giao", "duc", "y", "chuyen", "doi", "so", "dau", "tu", "du",
        "lich", "hop", "an", "toan", "thong", "cai", "cach", "hanh", "chinh",
    ];

    /// A small deterministic generator (no seed crate needed for a test).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % below
        }

        /// A title of `n` words: rarely one of the ten commonest, so that
        /// most matches of a common query hold none of its words there.
        fn title(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| match self.next(25) {
                    0 => WORDS[self.next(10)],
                    _ => WORDS[10 + self.next(WORDS.len() - 10)],
                })
                .collect::<Vec<_>>()
                .join(" ")
        }

        /// `n` words, the common ones likelier.
        fn text(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| {
                    let common = self.next(WORDS.len()) + 1;
                    WORDS[self.next(common)]
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    fn article(id: i64, rng: &mut Lcg, copy_of: Option<&IndexedArticle>) -> IndexedArticle {
        let start = Utc.with_ymd_and_hms(2016, 1, 1, 0, 0, 0).unwrap();
        let texts = match copy_of {
            // Near-duplicates: the same text, another id and date, equal scores.
            Some(a) => Texts {
                id,
                ..a.texts.clone()
            },
            None => {
                let (t, l, c, b) = (
                    rng.next(8) + 3,
                    rng.next(20) + 5,
                    rng.next(3),
                    rng.next(300) + 20,
                );
                Texts {
                    id,
                    title: rng.title(t),
                    lead: rng.text(l),
                    captions: rng.text(c * 6),
                    extra: String::new(),
                    body: rng.text(b),
                    marked: String::new(),
                }
            }
        };
        IndexedArticle {
            texts,
            // Mostly published; some drafts and some scheduled ahead.
            status: [3, 3, 3, 3, 3, 3, 0, 2][rng.next(8)],
            published_at: Some(start + Duration::hours(rng.next(24 * 3650) as i64)),
            section: Some(rng.next(4) as i64 + 1),
            ..IndexedArticle::default()
        }
    }

    /// An index of `n` articles over a few segments, some documents
    /// replaced (deleted ones among the matches).
    fn index(n: i64) -> Arc<EmbeddedIndex> {
        let index = EmbeddedIndex::open(None).unwrap();
        let mut rng = Lcg(7);
        let mut previous: Option<IndexedArticle> = None;
        for (seq, chunk) in (1..=n).collect::<Vec<_>>().chunks(700).enumerate() {
            let mut batch = Vec::new();
            for id in chunk {
                let a = article(*id, &mut rng, previous.as_ref().filter(|_| id % 25 == 0));
                previous = Some(IndexedArticle {
                    texts: a.texts.clone(),
                    ..IndexedArticle::default()
                });
                batch.push(a);
            }
            index.stage(batch).unwrap();
            let mut replaced: Vec<i64> = (0..40)
                .map(|_| rng.next(*chunk.last().unwrap() as usize) as i64 + 1)
                .collect();
            replaced.sort_unstable();
            replaced.dedup();
            let again = replaced
                .iter()
                .map(|id| article(*id, &mut rng, None))
                .collect();
            let cursor = Cursor {
                seq: seq as i64,
                stamp: 0,
            };
            index.apply(&replaced, again, cursor).unwrap();
        }
        index
    }

    /// The documents not public at a moment, from each segment's cached
    /// list, are those the range of `public_from` terms after it holds,
    /// whether the list was read for this moment, an earlier or a later one.
    #[test]
    fn not_public_yet_equals_the_range_of_terms() {
        use tantivy::{collector::DocSetCollector, query::InvertedIndexRangeQuery};
        let index = index(3000);
        let searcher = index.reader.searcher();
        let f = &index.fields;
        let at = |y| {
            Utc.with_ymd_and_hms(y, 3, 1, 0, 0, 0)
                .unwrap()
                .timestamp_micros()
        };
        // Later, then earlier than the lists (read afresh), then the
        // first moment again and one a minute later (from the lists).
        for now in [
            at(2020),
            at(2024),
            at(2018),
            at(2020),
            at(2020) + 60_000_000,
        ] {
            let cached = AfterQuery {
                ahead: index.ahead.clone(),
                field: f.public_from,
                now,
            };
            let range = InvertedIndexRangeQuery::new(
                Bound::Excluded(Term::from_field_i64(f.public_from, now)),
                Bound::Included(Term::from_field_i64(f.public_from, i64::MAX)),
            );
            let cached = searcher.search(&cached, &DocSetCollector).unwrap();
            let range = searcher.search(&range, &DocSetCollector).unwrap();
            assert!(range.len() > 100, "{now}: {}", range.len());
            assert_eq!(cached, range, "{now}");
        }
    }

    /// Scores summed in another order may differ in their last bits, so
    /// two articles within a rounding error of each other may swap: each
    /// position's score is the same, each article kept by both has the
    /// same score, and an article only one kept ties with the last kept.
    fn same_up_to_rounding(pruned: &[Candidate], every: &[Candidate], context: &str) {
        let near = |a: f64, b: f64| (a - b).abs() <= b.abs() * 1e-6;
        let last = every.last().map_or(0.0, |c| c.rank);
        for (i, (p, e)) in pruned.iter().zip(every).enumerate() {
            assert_eq!(p.total, e.total, "{context}");
            assert!(near(p.rank, e.rank), "{context} #{i}: {p:?} {e:?}");
            match every.iter().find(|c| c.id == p.id) {
                Some(same) => assert!(near(p.rank, same.rank), "{context}: {p:?} {same:?}"),
                None => assert!(
                    near(p.rank, last),
                    "{context}: {p:?} only pruned, last {last}"
                ),
            }
            if !pruned.iter().any(|c| c.id == e.id) {
                assert!(
                    near(e.rank, last),
                    "{context}: {e:?} only scored, last {last}"
                );
            }
        }
    }

    /// The first stage of `q` by relevance, every unit required: the
    /// pruned plan.
    fn pruned_plan(index: &EmbeddedIndex, q: &ParsedQuery, filter: &IndexFilter) -> Plan {
        let plan = Plan::of(
            &index.fields,
            &index.ahead,
            q,
            Combine::All,
            filter,
            EngineOrder::Relevance,
        );
        assert!(matches!(plan, Plan::Words { .. }));
        plan
    }

    fn parsed_with(words: &[&str], phrases: &[&[&str]], excluded: &[&str]) -> ParsedQuery {
        ParsedQuery {
            phrases: phrases
                .iter()
                .map(|p| p.iter().map(|w| w.to_string()).collect())
                .collect(),
            ..parsed(words, excluded)
        }
    }

    fn parsed(words: &[&str], excluded: &[&str]) -> ParsedQuery {
        ParsedQuery {
            words: words.iter().map(|w| w.to_string()).collect(),
            excluded: excluded.iter().map(|w| w.to_string()).collect(),
            ..ParsedQuery::default()
        }
    }

    /// The pruned first stage keeps exactly what scoring every match
    /// keeps, and counts the same.
    #[test]
    fn words_plan_equals_scoring_every_match() {
        let index = index(4000);
        let now = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
        let filters = [
            IndexFilter::default(),
            IndexFilter {
                public_at: Some(now),
                ..IndexFilter::default()
            },
            IndexFilter {
                public_at: Some(now),
                sections: Some(vec![2, 3]),
                ..IndexFilter::default()
            },
        ];
        let queries: [(&[&str], &[&str]); 6] = [
            (&["dan"], &[]),
            (&["dan", "van"], &[]),
            (&["kinh", "te", "xa"], &[]),
            (&["tinh", "uy", "dan", "tinh"], &[]),
            (&["dan", "te"], &["chinh"]),
            (&["dan", "nong", "thon", "moi"], &[]),
        ];
        for filter in &filters {
            for (words, excluded) in queries {
                let q = parsed(words, excluded);
                let words_plan = || pruned_plan(&index, &q, filter);
                for limit in [10, 200] {
                    let pruned = index
                        .collect(words_plan(), EngineOrder::Relevance, limit, Count::Every)
                        .unwrap();
                    let every =
                        Plan::Query(build(&index.fields, &index.ahead, &q, Combine::All, filter));
                    let every = index
                        .collect(every, EngineOrder::Relevance, limit, Count::Every)
                        .unwrap();
                    let context = format!("{words:?} -{excluded:?} {filter:?} limit {limit}");
                    // More matches than kept: what pruning is for.
                    assert_eq!(every.len(), limit, "{context}");
                    assert!(every[0].total.unwrap() as usize > limit, "{context}");
                    assert_eq!(pruned.len(), every.len(), "{context}");
                    same_up_to_rounding(&pruned, &every, &context);
                    // Not counting changes nothing else.
                    let uncounted = index
                        .collect(words_plan(), EngineOrder::Relevance, limit, Count::Skip)
                        .unwrap();
                    assert!(uncounted.iter().all(|c| c.total.is_none()), "{context}");
                    let ranked = |c: &[Candidate]| -> Vec<(i64, f64)> {
                        c.iter().map(|c| (c.id, c.rank)).collect()
                    };
                    assert_eq!(ranked(&uncounted), ranked(&pruned), "{context}");
                }
            }
        }
    }

    /// Merging a build's segments into one loses no document, brings no
    /// replaced one back and keeps the journal cursor.
    #[test]
    fn merging_into_one_segment_keeps_every_match() {
        let index = index(3000);
        let segments = || index.reader.searcher().segment_readers().len();
        let before = segments();
        assert!(before > 1, "{before} segments");
        let payload = || {
            index
                .reader
                .searcher()
                .index()
                .load_metas()
                .unwrap()
                .payload
        };
        let (len, cursor, committed) = (index.len(), index.cursor(), payload());
        assert!(committed.is_some());
        let every_match = |q: &ParsedQuery| -> (Vec<i64>, Option<i64>) {
            let found = index
                .collect(
                    pruned_plan(&index, q, &IndexFilter::default()),
                    EngineOrder::Relevance,
                    10_000,
                    Count::Every,
                )
                .unwrap();
            let mut ids: Vec<i64> = found.iter().map(|c| c.id).collect();
            ids.sort_unstable();
            (ids, found.first().and_then(|c| c.total))
        };
        let queries = [parsed(&["dan"], &[]), parsed(&["kinh", "te"], &["chinh"])];
        let found: Vec<_> = queries.iter().map(every_match).collect();
        assert_eq!(index.compact().unwrap(), before);
        assert_eq!(segments(), 1);
        assert_eq!((index.len(), index.cursor()), (len, cursor));
        assert_eq!(payload(), committed);
        for (q, before) in queries.iter().zip(found) {
            let after = every_match(q);
            // Every match kept, and counted.
            assert!(!after.0.is_empty(), "{q:?}");
            assert_eq!(after.1, Some(after.0.len() as i64), "{q:?}");
            assert_eq!(after, before, "{q:?}");
        }
    }

    /// Scoring every match the way the pruned plan scores: each word,
    /// the phrases' too, as a word; each phrase a condition that scores
    /// nothing.
    fn every_match_by_words(index: &EmbeddedIndex, q: &ParsedQuery, filter: &IndexFilter) -> Plan {
        let f = &index.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for w in q.words.iter().chain(q.phrases.iter().flatten()) {
            if seen.insert(w) {
                clauses.push((Occur::Must, word(f, w)));
            }
        }
        // A phrase of one word is that word.
        for phrase in q.phrases.iter().filter(|p| p.len() > 1) {
            let in_field = in_any_field(f, |field| {
                Box::new(PhraseQuery::new(
                    phrase
                        .iter()
                        .map(|w| Term::from_field_text(field, w))
                        .collect(),
                ))
            });
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(in_field, 0.0))));
        }
        let limits = Restrictions::of(f, &index.ahead, q, filter);
        clauses.extend(limits.required.into_iter().map(|q| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
            )
        }));
        clauses.extend(limits.excluded.into_iter().map(|q| (Occur::MustNot, q)));
        Plan::Query(Box::new(BooleanQuery::new(clauses)))
    }

    /// With phrases, the pruned first stage keeps what scoring every
    /// match by its words keeps, and matches and counts exactly what the
    /// general query's phrases match.
    #[test]
    fn phrase_plan_equals_scoring_every_match() {
        let index = index(4000);
        let now = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
        let filters = [
            IndexFilter::default(),
            IndexFilter {
                public_at: Some(now),
                sections: Some(vec![2, 3]),
                ..IndexFilter::default()
            },
        ];
        let queries = [
            parsed_with(&[], &[&["kinh", "te"]], &[]),
            parsed_with(&["dan"], &[&["tinh", "uy"]], &[]),
            parsed_with(&[], &[&["dan", "van"], &["hoi", "nghi"]], &["chinh"]),
            parsed_with(&["te"], &[&["phat", "trien", "kinh"]], &[]),
            // A word twice in a phrase, and a phrase of one word.
            parsed_with(&[], &[&["dan", "te", "dan"], &["xa"]], &[]),
        ];
        let mut matched = 0;
        for filter in &filters {
            for q in &queries {
                let plan = pruned_plan(&index, q, filter);
                let context = format!("{:?} {:?} {filter:?}", q.words, q.phrases);
                let general =
                    Plan::Query(build(&index.fields, &index.ahead, q, Combine::All, filter));
                let general = index
                    .collect(general, EngineOrder::Relevance, 1_000_000, Count::Every)
                    .unwrap();
                let all = index
                    .collect(plan, EngineOrder::Relevance, 1_000_000, Count::Every)
                    .unwrap();
                // The same matches, and the same count.
                let ids = |c: &[Candidate]| -> Vec<i64> {
                    let mut ids: Vec<i64> = c.iter().map(|c| c.id).collect();
                    ids.sort_unstable();
                    ids
                };
                assert_eq!(ids(&all), ids(&general), "{context}");
                assert_eq!(
                    all.first().map(|c| c.total),
                    general.first().map(|c| c.total)
                );
                matched += all.len();
                for limit in [10, 200] {
                    let plan = pruned_plan(&index, q, filter);
                    let pruned = index
                        .collect(plan, EngineOrder::Relevance, limit, Count::Every)
                        .unwrap();
                    let every = index
                        .collect(
                            every_match_by_words(&index, q, filter),
                            EngineOrder::Relevance,
                            limit,
                            Count::Every,
                        )
                        .unwrap();
                    same_up_to_rounding(&pruned, &every, &format!("{context} limit {limit}"));
                }
            }
        }
        assert!(matched > 2000, "the phrases matched ({matched})");
    }
}
