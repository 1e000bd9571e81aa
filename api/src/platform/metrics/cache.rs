//! The response cache's counters and size, under the names
//! `toasoan_response_cache_*` (`bench/harness.py` reads the counters).

use prometheus_client::{
    metrics::{counter::Counter, gauge::Gauge},
    registry::Registry,
};

/// What the response cache did.
#[derive(Default)]
pub struct CacheMetrics {
    hits: Counter,
    misses: Counter,
    collapsed: Counter,
    stored: Counter,
    purged: Counter,
    evicted: Counter,
    entries: Gauge,
    bytes: Gauge,
}

impl CacheMetrics {
    /// An answer served from memory.
    pub fn hit(&self) {
        self.hits.inc();
    }

    /// A lookup that found nothing and ran the query.
    pub fn miss(&self) {
        self.misses.inc();
    }

    /// A miss that waited for a concurrent identical request.
    pub fn collapsed(&self) {
        self.collapsed.inc();
    }

    /// An answer kept.
    pub fn stored(&self) {
        self.stored.inc();
    }

    /// Entries removed by purges.
    pub fn purged(&self, n: usize) {
        self.purged.inc_by(n as u64);
    }

    /// Entries removed to stay within the budget.
    pub fn evicted(&self, n: usize) {
        self.evicted.inc_by(n as u64);
    }

    /// The size now.
    pub fn size(&self, entries: usize, bytes: usize) {
        self.entries.set(i64::try_from(entries).unwrap_or(i64::MAX));
        self.bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// Registers every series in `registry`.
    pub(super) fn register(&self, registry: &mut Registry) {
        let counters = [
            ("hits", "Anonymous reads answered from memory", &self.hits),
            (
                "misses",
                "Anonymous reads that ran their query",
                &self.misses,
            ),
            (
                "collapsed",
                "Anonymous reads that waited for a concurrent identical read",
                &self.collapsed,
            ),
            ("stored", "Answers kept", &self.stored),
            (
                "purged",
                "Entries removed because a write made them stale",
                &self.purged,
            ),
            (
                "evicted",
                "Entries removed to stay within RESPONSE_CACHE_MB",
                &self.evicted,
            ),
        ];
        for (what, help, counter) in counters {
            registry.register(
                format!("toasoan_response_cache_{what}"),
                help,
                counter.clone(),
            );
        }
        let gauges = [
            ("entries", "Entries held", &self.entries),
            ("bytes", "Bytes held (estimated)", &self.bytes),
        ];
        for (what, help, gauge) in gauges {
            registry.register(
                format!("toasoan_response_cache_{what}"),
                help,
                gauge.clone(),
            );
        }
    }
}
