//! The re-rank's evidence from the index itself: where each query word
//! stands in each text field of the candidates (their positions), and
//! which of the typed accent keys they hold — instead of reading their
//! text from the database and tokenizing it again.

use std::{collections::HashMap, sync::Arc};

use tantivy::{
    DocId, DocSet, TERMINATED, Term,
    postings::{Postings, SegmentPostings},
    schema::IndexRecordOption,
};

use super::{EmbeddedIndex, internal};
use crate::domain::search::engine::IndexAddress;
use crate::domain::search::rank::{self, Evidence, Token};
use crate::platform::error::AppResult;

impl EmbeddedIndex {
    /// The evidence of the articles `candidates` (their ids, and where a
    /// first stage found them) for `words` (in the bit order of
    /// `rank::vocabulary`) and `accents`; articles the index does not
    /// hold are absent.
    pub async fn evidence(
        self: &Arc<Self>,
        candidates: Vec<(i64, Option<IndexAddress>)>,
        words: Vec<String>,
        accents: Vec<String>,
    ) -> AppResult<HashMap<i64, Evidence>> {
        let index = self.clone();
        tokio::task::spawn_blocking(move || index.read_evidence(&candidates, &words, &accents))
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    fn read_evidence(
        &self,
        candidates: &[(i64, Option<IndexAddress>)],
        words: &[String],
        accents: &[String],
    ) -> tantivy::Result<HashMap<i64, Evidence>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
        let mut unplaced = Vec::new();
        for (id, found_at) in candidates {
            match found_at {
                // The same snapshot: the same live document.
                Some(at) if at.generation == generation => {
                    by_segment.entry(at.segment).or_default().push(at.doc)
                }
                _ => unplaced.push(*id),
            }
        }
        // The others by their id term, in every segment: a dictionary
        // lookup each (a term set query walked the whole id dictionary
        // with an automaton and filled a bitset of the segment).
        if !unplaced.is_empty() {
            for (segment_ord, reader) in (0..).zip(searcher.segment_readers()) {
                let inverted = reader.inverted_index(f.id)?;
                let alive = reader.alive_bitset();
                for id in &unplaced {
                    let term = Term::from_field_u64(f.id, *id as u64);
                    let Some(mut postings) =
                        inverted.read_postings(&term, IndexRecordOption::Basic)?
                    else {
                        continue;
                    };
                    // A replaced article's old document keeps its id until
                    // a merge drops it: only live documents count.
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        if alive.is_none_or(|a| a.is_alive(doc)) {
                            by_segment.entry(segment_ord).or_default().push(doc);
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        let mut out = HashMap::with_capacity(candidates.len());
        let mut positions = Vec::new();
        for (segment_ord, mut docs) in by_segment {
            // Postings are read forwards only.
            docs.sort_unstable();
            let reader = searcher.segment_reader(segment_ord);
            let mut evidence = vec![Evidence::default(); docs.len()];
            for (field_no, field) in f.texts().into_iter().enumerate() {
                let inverted = reader.inverted_index(field)?;
                for (bit, word) in words.iter().enumerate() {
                    let term = Term::from_field_text(field, word);
                    let Some(mut postings) =
                        inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?
                    else {
                        continue;
                    };
                    each_held(&mut postings, &docs, |k, postings| {
                        positions.clear();
                        postings.positions(&mut positions);
                        evidence[k].fields[field_no].extend(positions.iter().map(|at| Token {
                            at: *at,
                            words: 1 << bit,
                        }));
                    });
                }
            }
            // Each word's positions came one after the other.
            for e in &mut evidence {
                for tokens in &mut e.fields {
                    *tokens = rank::merged(std::mem::take(tokens));
                }
            }
            if !accents.is_empty() {
                let inverted = reader.inverted_index(f.marked)?;
                let mut held = vec![0usize; docs.len()];
                for key in accents {
                    let term = Term::from_field_text(f.marked, key);
                    let Some(mut postings) =
                        inverted.read_postings(&term, IndexRecordOption::Basic)?
                    else {
                        continue;
                    };
                    each_held(&mut postings, &docs, |k, _| held[k] += 1);
                }
                for (e, h) in evidence.iter_mut().zip(held) {
                    e.accents = h as f64 / accents.len() as f64;
                }
            }
            let id_column = reader.fast_fields().u64("id")?;
            for (doc, e) in docs.into_iter().zip(evidence) {
                if let Some(id) = id_column.first(doc) {
                    out.insert(id as i64, e);
                }
            }
        }
        Ok(out)
    }
}

/// Calls `held` with the place in `docs` (ascending) of each document
/// that `postings` holds, positioned on it. A posting list is read
/// forwards only: it is never moved back.
fn each_held(
    postings: &mut SegmentPostings,
    docs: &[DocId],
    mut held: impl FnMut(usize, &mut SegmentPostings),
) {
    for (k, doc) in docs.iter().enumerate() {
        let at = if postings.doc() >= *doc {
            postings.doc()
        } else {
            postings.seek(*doc)
        };
        if at == TERMINATED {
            break;
        }
        if at == *doc {
            held(k, postings);
        }
    }
}
