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
