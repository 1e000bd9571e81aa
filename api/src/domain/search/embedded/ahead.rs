//! What an anonymous reader may not see yet: the documents whose
//! `public_from` lies after "now" (scheduled articles, and drafts and
//! unpublished ones at `i64::MAX`).
//!
//! Read from the index as a range of terms, that is every distinct
//! scheduled time (a thousand on the benchmark archive) walked and its
//! postings read, in every segment, for every search: a tenth of a
//! search's CPU. Segments never change, so each segment's documents ahead
//! of a recent moment are listed once, with their times, and a search
//! keeps those still ahead of its own "now".

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tantivy::{
    BitSet, DocId, DocSet, Score, SegmentReader, TERMINATED, Term,
    index::SegmentId,
    query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight},
    schema::{Field, IndexRecordOption},
};

/// How far before the first search a segment's list starts: a search
/// whose "now" is earlier than its list's start (a request that took its
/// time just before another built the list) reads the terms itself.
const MARGIN_MICROS: i64 = 60 * 60 * 1_000_000;

/// A list is read again when it starts this long ago: the articles
/// published since would only make it longer.
const REFRESH_MICROS: i64 = 24 * 60 * 60 * 1_000_000;

/// More cached lists than this and those of merged-away segments go.
const MAX_SEGMENTS: usize = 256;

/// Each segment's documents ahead of a recent moment.
#[derive(Default)]
pub struct Ahead {
    lists: Mutex<HashMap<SegmentId, Arc<Listed>>>,
}

struct Listed {
    /// Every document whose time is after this is in `docs`.
    since: i64,
    /// (time, document), ascending by time.
    docs: Vec<(i64, DocId)>,
}

impl Ahead {
    /// The documents of `reader` whose `field` (an i64) is after `now`.
    fn docs_after(
        &self,
        reader: &SegmentReader,
        field: Field,
        now: i64,
    ) -> tantivy::Result<BitSet> {
        let segment = reader.segment_id();
        let cached = self
            .lists
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&segment)
            .cloned();
        let listed = match cached {
            Some(l) if l.since <= now && now - l.since < REFRESH_MICROS => l,
            Some(l) if l.since > now => Arc::new(list(reader, field, now)?),
            _ => {
                let fresh = Arc::new(list(reader, field, now.saturating_sub(MARGIN_MICROS))?);
                let mut lists = self.lists.lock().unwrap_or_else(|e| e.into_inner());
                if lists.len() >= MAX_SEGMENTS {
                    lists.clear();
                }
                lists.insert(segment, fresh.clone());
                fresh
            }
        };
        let mut set = BitSet::with_max_value(reader.max_doc());
        let first = listed.docs.partition_point(|(at, _)| *at <= now);
        for (_, doc) in &listed.docs[first..] {
            set.insert(*doc);
        }
        Ok(set)
    }
}

/// The documents of `reader` whose `field` is after `since`, with their
/// times.
fn list(reader: &SegmentReader, field: Field, since: i64) -> tantivy::Result<Listed> {
    let index = reader.inverted_index(field)?;
    let lower = Term::from_field_i64(field, since);
    let mut terms = index
        .terms()
        .range()
        .gt(lower.serialized_value_bytes())
        .into_stream()?;
    let mut docs = Vec::new();
    while terms.advance() {
        let Ok(bytes) = <[u8; 8]>::try_from(terms.key()) else {
            continue;
        };
        let at = tantivy::u64_to_i64(u64::from_be_bytes(bytes));
        let mut postings =
            index.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
        while postings.doc() != TERMINATED {
            docs.push((at, postings.doc()));
            postings.advance();
        }
    }
    Ok(Listed { since, docs })
}

/// The documents whose `field` is after `now`, as a query (for the
/// `MustNot` of an anonymous reader's search).
#[derive(Clone)]
pub struct AfterQuery {
    pub ahead: Arc<Ahead>,
    pub field: Field,
    pub now: i64,
}

impl std::fmt::Debug for AfterQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "After({:?} > {})", self.field, self.now)
    }
}

impl Query for AfterQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for AfterQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.ahead.docs_after(reader, self.field, self.now)?;
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self
            .ahead
            .docs_after(reader, self.field, self.now)?
            .contains(doc)
        {
            Ok(Explanation::new("not public yet", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is public at {}",
                self.now
            )))
        }
    }
}
