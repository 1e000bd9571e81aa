//! Live subscriptions (WebSocket and Server-Sent Events): how many, for
//! how long, and how the server keeps them honest.

use std::time::Duration;

/// Subscription settings.
#[derive(Clone, Debug, clap::Args)]
pub struct LiveConfig {
    /// Live connections (WebSocket or Server-Sent Events) one replica
    /// holds at once; the next are refused with 503.
    #[arg(long, env = "SUBSCRIPTIONS_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub subscriptions_max_connections: usize,

    /// Live connections one client (its address, as the rate limit finds
    /// it behind `TRUSTED_PROXIES`) holds at once on a replica; the next
    /// are refused with 429. Generous: readers behind one carrier NAT
    /// share an address.
    #[arg(long, env = "SUBSCRIPTIONS_MAX_PER_CLIENT", default_value_t = 100)]
    pub subscriptions_max_per_client: usize,

    /// Subscriptions one WebSocket connection runs at once.
    #[arg(long, env = "SUBSCRIPTIONS_MAX_PER_CONNECTION", default_value_t = 20)]
    pub subscriptions_max_per_connection: usize,

    /// Seconds between the server's keep-alive pings (WebSocket ping
    /// frames; comments on Server-Sent Events). A WebSocket that answers
    /// nothing for three intervals is closed.
    #[arg(long, env = "SUBSCRIPTIONS_KEEPALIVE_SECS", default_value_t = 15)]
    pub subscriptions_keepalive_secs: u64,

    /// Seconds a WebSocket may stay open without a subscription (and a
    /// new one has to send `connection_init`) before it is closed.
    #[arg(long, env = "SUBSCRIPTIONS_IDLE_SECS", default_value_t = 60)]
    pub subscriptions_idle_secs: u64,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            subscriptions_max_connections: 10_000,
            subscriptions_max_per_client: 100,
            subscriptions_max_per_connection: 20,
            subscriptions_keepalive_secs: 15,
            subscriptions_idle_secs: 60,
        }
    }
}

impl LiveConfig {
    /// Between two keep-alive pings (at least a second).
    pub fn keepalive(&self) -> Duration {
        Duration::from_secs(self.subscriptions_keepalive_secs.max(1))
    }

    /// How long a connection may be idle (at least a second).
    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.subscriptions_idle_secs.max(1))
    }
}
