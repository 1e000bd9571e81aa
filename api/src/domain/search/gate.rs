//! How many searches run against the database at once on a replica.
//!
//! Ranking every match of a common query reads every match (see
//! `engine.rs`): on a large archive a search holds a connection for a
//! long time. The gate keeps searches to a share of the pool, so the
//! other reads (home pages, article pages) always find a connection;
//! searches beyond it wait their turn, bounded by the request timeout.

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

/// The search gate: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct SearchGate(Arc<Semaphore>);

impl SearchGate {
    /// A gate letting `at_once` searches through (at least one).
    pub fn new(at_once: usize) -> Self {
        Self(Arc::new(Semaphore::new(at_once.max(1))))
    }

    /// Waits for a turn; the turn ends when the permit is dropped.
    pub async fn enter(&self) -> SemaphorePermit<'_> {
        // The semaphore is never closed, so acquiring cannot fail.
        match self.0.acquire().await {
            Ok(permit) => permit,
            Err(_) => unreachable!("the search gate is never closed"),
        }
    }

    /// Searches that could start right now.
    pub fn available(&self) -> usize {
        self.0.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn searches_beyond_the_limit_wait_for_a_turn() {
        let gate = SearchGate::new(1);
        let first = gate.enter().await;
        assert_eq!(gate.available(), 0);
        let waiting = tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(
            waiting.is_err(),
            "a second search waits while the first runs"
        );
        drop(first);
        let second = tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(second.is_ok(), "and runs once the first is done");
    }

    #[test]
    fn a_gate_always_lets_one_through() {
        assert_eq!(SearchGate::new(0).available(), 1);
    }
}
