//! Live subscriptions on this replica, as the feed's follower last saw
//! them.

use prometheus_client::{metrics::gauge::Gauge, registry::Registry};

/// The subscriptions' gauges.
#[derive(Default)]
pub struct LiveMetrics {
    connections: Gauge,
    subscriptions: Gauge,
    head: Gauge,
}

impl LiveMetrics {
    /// Records the live connections open, the subscriptions following the
    /// change log, and the last entry told to them.
    pub fn observe(&self, connections: usize, subscriptions: usize, head: i64) {
        self.connections
            .set(i64::try_from(connections).unwrap_or(i64::MAX));
        self.subscriptions
            .set(i64::try_from(subscriptions).unwrap_or(i64::MAX));
        self.head.set(head);
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "toasoan_live_connections",
            "Live connections (WebSocket and Server-Sent Events) open on this replica",
            self.connections.clone(),
        );
        registry.register(
            "toasoan_live_subscriptions",
            "Subscriptions following the change log on this replica",
            self.subscriptions.clone(),
        );
        registry.register(
            "toasoan_live_head",
            "The last change-log entry this replica told its subscribers of",
            self.head.clone(),
        );
    }
}
