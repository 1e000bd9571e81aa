//! Counters an operator (and `bench/run.sh`) reads at `GET /metrics`, in
//! Prometheus' text exposition format: GraphQL requests served and the SQL
//! statements the request-serving pool ran, so "statements per request"
//! is one division of two scrapes.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::DatabaseConnection;

/// Monotonic counters of one process.
#[derive(Default)]
pub struct Metrics {
    graphql_requests: AtomicU64,
    sql_statements: AtomicU64,
    sql_failures: AtomicU64,
    /// The response cache's counters and size.
    pub response_cache: CacheMetrics,
}

/// What the response cache did.
#[derive(Default)]
pub struct CacheMetrics {
    hits: AtomicU64,
    misses: AtomicU64,
    collapsed: AtomicU64,
    stored: AtomicU64,
    purged: AtomicU64,
    evicted: AtomicU64,
    entries: AtomicU64,
    bytes: AtomicU64,
}

impl CacheMetrics {
    /// An answer served from memory.
    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// A lookup that found nothing and ran the query.
    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// A miss that waited for a concurrent identical request.
    pub fn collapsed(&self) {
        self.collapsed.fetch_add(1, Ordering::Relaxed);
    }

    /// An answer kept.
    pub fn stored(&self) {
        self.stored.fetch_add(1, Ordering::Relaxed);
    }

    /// Entries removed by purges.
    pub fn purged(&self, n: usize) {
        self.purged.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Entries removed to stay within the budget.
    pub fn evicted(&self, n: usize) {
        self.evicted.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The size now.
    pub fn size(&self, entries: usize, bytes: usize) {
        self.entries.store(entries as u64, Ordering::Relaxed);
        self.bytes.store(bytes as u64, Ordering::Relaxed);
    }

    fn render(&self, text: &mut String) {
        let counters = [
            ("hits", "Anonymous reads answered from memory.", &self.hits),
            (
                "misses",
                "Anonymous reads that ran their query.",
                &self.misses,
            ),
            (
                "collapsed",
                "Anonymous reads that waited for a concurrent identical read.",
                &self.collapsed,
            ),
            ("stored", "Answers kept.", &self.stored),
            (
                "purged",
                "Entries removed because a write made them stale.",
                &self.purged,
            ),
            (
                "evicted",
                "Entries removed to stay within RESPONSE_CACHE_MB.",
                &self.evicted,
            ),
        ];
        for (what, help, value) in counters {
            let name = format!("toasoan_response_cache_{what}_total");
            let value = value.load(Ordering::Relaxed);
            text.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        }
        let gauges = [
            ("entries", "Entries held.", &self.entries),
            ("bytes", "Bytes held (estimated).", &self.bytes),
        ];
        for (what, help, value) in gauges {
            let name = format!("toasoan_response_cache_{what}");
            let value = value.load(Ordering::Relaxed);
            text.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
            ));
        }
    }
}

impl Metrics {
    /// Counts every statement run through `db` from now on. Only this
    /// handle counts: clones taken before the call (the scheduler's, the
    /// webhook worker's) keep their own, so background work does not
    /// inflate the per-request figure.
    pub fn count_statements_of(self: &Arc<Self>, db: &mut DatabaseConnection) {
        let metrics = Arc::clone(self);
        db.set_metric_callback(move |info| {
            metrics.sql_statements.fetch_add(1, Ordering::Relaxed);
            if info.failed {
                metrics.sql_failures.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    /// One GraphQL request reached the executor.
    pub fn graphql_request(&self) {
        self.graphql_requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in Prometheus' text format.
    pub fn render(&self) -> String {
        let counters = [
            (
                "toasoan_graphql_requests_total",
                "GraphQL requests that reached the executor.",
                &self.graphql_requests,
            ),
            (
                "toasoan_sql_statements_total",
                "SQL statements run by request handlers.",
                &self.sql_statements,
            ),
            (
                "toasoan_sql_statement_failures_total",
                "SQL statements that returned an error.",
                &self.sql_failures,
            ),
        ];
        let mut text = String::new();
        for (name, help, value) in counters {
            let value = value.load(Ordering::Relaxed);
            text.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        }
        self.response_cache.render(&mut text);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_counter_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.graphql_request();
        metrics.graphql_request();
        let text = metrics.render();
        assert!(text.contains("# TYPE toasoan_graphql_requests_total counter\n"));
        assert!(text.contains("\ntoasoan_graphql_requests_total 2\n"));
        assert!(text.contains("\ntoasoan_sql_statements_total 0\n"));
    }
}
