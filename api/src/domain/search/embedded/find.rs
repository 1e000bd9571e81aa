//! Searching the embedded index: a parsed query becomes a tantivy query
//! (each word in the field-weighted `all` field, each phrase in any text
//! field, weighted by field; the
//! viewer's visibility and the filters as non-scoring clauses), and the
//! best `limit` matches come back with the count of all of them.

use std::{ops::Bound, sync::Arc};

use chrono::{DateTime, Utc};
use entity::article::ArticleStatus;
use tantivy::{
    Term,
    query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, InvertedIndexRangeQuery, Occur,
        PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
    },
    schema::{Field, IndexRecordOption},
};

use super::{EmbeddedIndex, documents::status_code, internal, schema::Fields, top::Top};
use crate::domain::search::{
    engine::{Candidate, Combine, EngineOrder},
    parse::ParsedQuery,
};
use crate::platform::error::AppResult;

/// Which articles a search may return, as the index sees them (the
/// viewer's visibility and `ArticleScope`'s filters).
#[derive(Clone, Debug, Default)]
pub struct IndexFilter {
    /// Anonymous readers: published or scheduled, and published by then.
    pub public_at: Option<DateTime<Utc>>,
    pub statuses: Option<Vec<ArticleStatus>>,
    /// A section and its sub-sections.
    pub sections: Option<Vec<i64>>,
    pub person: Option<i64>,
    pub organization: Option<i64>,
    pub event: Option<i64>,
    pub tag: Option<i64>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
}

impl EmbeddedIndex {
    /// The best `limit` matches of `q` that `filter` lets through, by
    /// relevance (ties: newest, then highest id) or newest first, each
    /// with the count of all matches.
    pub async fn candidates(
        self: &Arc<Self>,
        q: &ParsedQuery,
        combine: Combine,
        filter: &IndexFilter,
        order: EngineOrder,
        limit: usize,
    ) -> AppResult<Vec<Candidate>> {
        let query = build(&self.fields, q, combine, filter);
        let index = self.clone();
        tokio::task::spawn_blocking(move || index.collect(&*query, order, limit.max(1)))
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    fn collect(
        &self,
        query: &dyn Query,
        order: EngineOrder,
        limit: usize,
    ) -> tantivy::Result<Vec<Candidate>> {
        let searcher = self.reader.searcher();
        let relevance_first = order == EngineOrder::Relevance;
        let found = searcher.search(
            query,
            &Top {
                limit,
                relevance_first,
            },
        )?;
        let total = found.total as i64;
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
            })
            .collect())
    }
}

/// The tantivy query of `q` under `filter`.
fn build(f: &Fields, q: &ParsedQuery, combine: Combine, filter: &IndexFilter) -> Box<dyn Query> {
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
    for w in &q.excluded {
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(f.all, w),
                IndexRecordOption::Basic,
            )),
        ));
    }
    clauses.extend(filters(f, filter).into_iter().map(|q| {
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
        )
    }));
    if let Some(now) = filter.public_at {
        // Not public yet, or never: drafts and what is scheduled ahead, a
        // few documents, read from the terms above `now`.
        clauses.push((
            Occur::MustNot,
            Box::new(InvertedIndexRangeQuery::new(
                Bound::Excluded(Term::from_field_i64(f.public_from, now.timestamp_micros())),
                Bound::Included(Term::from_field_i64(f.public_from, i64::MAX)),
            )),
        ));
    }
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

/// The non-scoring conditions of `filter` (an anonymous reader's
/// visibility aside: [`build`] excludes what is not public yet).
fn filters(f: &Fields, filter: &IndexFilter) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let statuses = |list: &[ArticleStatus]| -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            list.iter()
                .map(|s| Term::from_field_u64(f.status, status_code(*s))),
        ))
    };
    let ids = |field: Field, list: &[i64]| -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            list.iter()
                .map(|id| Term::from_field_u64(field, *id as u64)),
        ))
    };
    let at = |t: DateTime<Utc>| Term::from_field_i64(f.published_at, t.timestamp_micros());
    if let Some(list) = &filter.statuses {
        out.push(statuses(list));
    }
    if let Some(list) = &filter.sections {
        out.push(ids(f.section, list));
    }
    for (field, id) in [
        (f.person, filter.person),
        (f.organization, filter.organization),
        (f.event, filter.event),
        (f.tag, filter.tag),
    ] {
        if let Some(id) = id {
            out.push(ids(field, &[id]));
        }
    }
    if filter.published_after.is_some() || filter.published_before.is_some() {
        out.push(Box::new(RangeQuery::new(
            filter.published_after.map_or(
                Bound::Included(Term::from_field_i64(f.published_at, i64::MIN)),
                |t| Bound::Included(at(t)),
            ),
            filter.published_before.map_or(
                Bound::Included(Term::from_field_i64(f.published_at, i64::MAX)),
                |t| Bound::Excluded(at(t)),
            ),
        )));
    }
    out
}
