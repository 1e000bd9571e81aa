//! The best `limit` matches of a search and the count of all of them, in
//! one pass over the matches (and the heap of the best that
//! `pruned.rs` shares).
//!
//! tantivy's `TopDocs::tweak_score` computes the sort key of every match
//! (two fast-field reads each, for the tie-breaks); a common query matches
//! tens of thousands of articles. Here a match whose score is below the
//! worst of a full list is counted and dropped at once: only the few that
//! may enter the list pay for their publication time and id.

use std::{cmp::Ordering, cmp::Reverse, collections::BinaryHeap};

use tantivy::{
    DocAddress, DocId, Score, SegmentOrdinal, SegmentReader,
    collector::{Collector, SegmentCollector},
    columnar::Column,
};

/// One kept match: its sort key, largest first.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    /// The score that sorts (0 when sorting by date).
    key_score: Score,
    /// Publication time, microseconds (`i64::MIN` when unknown).
    pub published_at: i64,
    pub id: u64,
    /// The relevance score, whatever the order.
    pub score: Score,
    /// Where it is in the searcher that found it (not part of the order).
    pub at: DocAddress,
}

impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Hit {}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key_score
            .total_cmp(&other.key_score)
            .then(self.published_at.cmp(&other.published_at))
            .then(self.id.cmp(&other.id))
    }
}

/// A segment's columns a kept match reads: its id and publication time.
pub struct Columns {
    segment: SegmentOrdinal,
    ids: Option<Column<u64>>,
    published: Option<Column<i64>>,
}

impl Columns {
    pub fn of(segment: SegmentOrdinal, reader: &SegmentReader) -> Self {
        let fast = reader.fast_fields();
        Columns {
            segment,
            ids: fast.u64("id").ok(),
            published: fast.i64("published_at").ok(),
        }
    }

    /// The match `doc` of this segment, sorted by `key_score` (its
    /// publication time, in microseconds, is `i64::MIN` when unknown).
    pub fn hit(&self, doc: DocId, key_score: Score, score: Score) -> Hit {
        Hit {
            key_score,
            published_at: self
                .published
                .as_ref()
                .and_then(|c| c.first(doc))
                .unwrap_or(i64::MIN),
            id: self.ids.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
            score,
            at: DocAddress::new(self.segment, doc),
        }
    }
}

/// The best `limit` hits offered so far: a min-heap, the worst on top.
pub struct Best {
    limit: usize,
    kept: BinaryHeap<Reverse<Hit>>,
}

impl Best {
    pub fn new(limit: usize) -> Self {
        Best {
            limit,
            kept: BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn full(&self) -> bool {
        self.kept.len() >= self.limit
    }

    /// Whether a match whose sort key is `key_score` may enter: below the
    /// worst kept key, nothing (neither date nor id) can lift it in.
    pub fn admits(&self, key_score: Score) -> bool {
        match self.kept.peek() {
            Some(Reverse(worst)) if self.full() => key_score >= worst.key_score,
            _ => true,
        }
    }

    /// A score that every match able to enter exceeds, for pruning: just
    /// under the worst kept (an equal score may still enter by date, and
    /// a bound summed in another order may differ in its last bits).
    pub fn floor(&self) -> Score {
        match self.kept.peek() {
            Some(Reverse(worst)) if self.full() => {
                worst.key_score - (worst.key_score.abs() * 1e-4).max(1e-6)
            }
            _ => Score::MIN,
        }
    }

    pub fn offer(&mut self, hit: Hit) {
        if !self.full() {
            self.kept.push(Reverse(hit));
        } else if let Some(Reverse(worst)) = self.kept.peek()
            && hit > *worst
        {
            self.kept.pop();
            self.kept.push(Reverse(hit));
        }
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self.kept.into_iter().map(|Reverse(h)| h).collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits
    }
}

/// The best `limit` matches by relevance (ties: newest, then highest id)
/// or newest first, and the count of every match.
pub struct Top {
    pub limit: usize,
    pub relevance_first: bool,
}

/// What a search found: every match counted (unless the search skipped
/// it), the best kept.
pub struct Found {
    pub total: Option<usize>,
    /// Best first.
    pub hits: Vec<Hit>,
}

impl Collector for Top {
    type Fruit = Found;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            relevance_first: self.relevance_first,
            columns: Columns::of(segment, reader),
            best: Best::new(self.limit),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let total = fruits.iter().map(|f| f.total).sum::<Option<usize>>();
        let mut hits: Vec<Hit> = fruits.into_iter().flat_map(|f| f.hits).collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.truncate(self.limit);
        Ok(Found { total, hits })
    }
}

/// One segment's share: the best matches so far.
pub struct SegmentTop {
    relevance_first: bool,
    columns: Columns,
    best: Best,
    total: usize,
}

impl SegmentCollector for SegmentTop {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        let key_score = if self.relevance_first { score } else { 0.0 };
        if !self.best.admits(key_score) {
            return;
        }
        self.best.offer(self.columns.hit(doc, key_score, score));
    }

    fn harvest(self) -> Found {
        Found {
            total: Some(self.total),
            hits: self.best.into_sorted(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(score: Score, published_at: i64, id: u64) -> Hit {
        Hit {
            key_score: score,
            published_at,
            id,
            score,
            at: DocAddress::new(0, 0),
        }
    }

    #[test]
    fn relevance_then_newest_then_highest_id() {
        let mut hits = [
            hit(1.0, 5, 1),
            hit(2.0, 1, 2),
            hit(1.0, 7, 3),
            hit(1.0, 7, 4),
        ];
        hits.sort_unstable_by(|a, b| b.cmp(a));
        let ids: Vec<u64> = hits.iter().map(|h| h.id).collect();
        assert_eq!(ids, [2, 4, 3, 1]);
    }
}
