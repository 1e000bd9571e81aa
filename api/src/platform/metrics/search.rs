//! The replica's embedded search index, as its follower last saw it.

use prometheus_client::{metrics::gauge::Gauge, registry::Registry};

/// The search index's gauges.
#[derive(Default)]
pub struct SearchIndexMetrics {
    ready: Gauge,
    documents: Gauge,
    behind: Gauge,
}

impl SearchIndexMetrics {
    /// Records the index's state: built or not, the articles it holds,
    /// and the journal entries committed but not yet applied.
    pub fn observe(&self, ready: bool, documents: u64, behind: i64) {
        self.ready.set(i64::from(ready));
        self.documents
            .set(i64::try_from(documents).unwrap_or(i64::MAX));
        self.behind.set(behind.max(0));
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "toasoan_search_index_ready",
            "1 when this replica's embedded search index is built (searches use the database's engine until then)",
            self.ready.clone(),
        );
        registry.register(
            "toasoan_search_index_documents",
            "Articles in this replica's embedded search index",
            self.documents.clone(),
        );
        registry.register(
            "toasoan_search_index_behind",
            "Search journal entries committed but not yet in this replica's index (a search catches up first)",
            self.behind.clone(),
        );
    }
}
