//! How a replica stops on SIGTERM (or Ctrl-C).
//!
//! At once, `/readyz` answers 503 so the load balancer takes the replica
//! out of rotation; for `SHUTDOWN_DELAY_SECS` it still accepts requests
//! (the balancer needs a moment to notice); then it stops accepting, and
//! the requests and webhook deliveries in flight get until
//! `SHUTDOWN_GRACE_SECS` after the signal to finish. The workers stop at
//! their next safe point, and the database pool closes.

use std::time::Duration;

/// Shutdown settings.
#[derive(Clone, Debug, clap::Args)]
pub struct ShutdownConfig {
    /// Seconds after SIGTERM by which in-flight requests and webhook
    /// deliveries must have finished; past it the process exits anyway
    /// (unfinished deliveries are retried by another replica when their
    /// lease runs out). Keep it below the orchestrator's own grace period
    /// (Kubernetes: `terminationGracePeriodSeconds`, 30 by default).
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 25)]
    pub shutdown_grace_secs: u64,

    /// Seconds the replica keeps accepting requests after SIGTERM while
    /// `/readyz` already answers 503, so that the load balancer stops
    /// sending it traffic before it stops listening (0: stop listening at
    /// once).
    #[arg(long, env = "SHUTDOWN_DELAY_SECS", default_value_t = 0)]
    pub shutdown_delay_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self {
            shutdown_grace_secs: 25,
            shutdown_delay_secs: 0,
        }
    }
}

impl ShutdownConfig {
    /// The whole time allowed after the signal.
    pub fn grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// The time the listener stays open after the signal (within the
    /// grace).
    pub fn delay(&self) -> Duration {
        Duration::from_secs(self.shutdown_delay_secs.min(self.shutdown_grace_secs))
    }
}
