//! The replica's stop signal, shared by the HTTP server, the readiness
//! probe and the workers.
//!
//! [`Shutdown::begin`] (on SIGTERM) flips readiness off at once and tells
//! every worker to stop at its next safe point; the server stops
//! listening [`ShutdownConfig::delay`] later and drains what is in
//! flight. See `platform::config::shutdown` for the timeline.
//!
//! [`ShutdownConfig::delay`]: crate::platform::config::shutdown::ShutdownConfig::delay

use tokio_util::sync::CancellationToken;

/// Cheap to clone; every clone sees the same signal.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    /// A signal not yet given.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts the shutdown (idempotent).
    pub fn begin(&self) {
        self.token.cancel();
    }

    /// Whether the shutdown has started (`/readyz` then answers 503).
    pub fn is_draining(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Completes when the shutdown starts.
    pub async fn started(&self) {
        self.token.cancelled().await;
    }
}
