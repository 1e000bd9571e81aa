//! The attempts a worker has running, counted per endpoint.

use std::{collections::HashMap, future::Future};

use tokio::task::{Id, JoinSet};

use crate::platform::error::AppResult;

/// Running attempts, and the endpoint of each.
#[derive(Default)]
pub(super) struct InFlight {
    tasks: JoinSet<()>,
    endpoint_of: HashMap<Id, i64>,
    per_endpoint: HashMap<i64, usize>,
}

impl InFlight {
    pub(super) fn len(&self) -> usize {
        self.tasks.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Attempts running for `endpoint`.
    pub(super) fn count(&self, endpoint: i64) -> usize {
        self.per_endpoint.get(&endpoint).copied().unwrap_or(0)
    }

    /// The endpoints with `cap` attempts or more running.
    pub(super) fn saturated(&self, cap: usize) -> Vec<i64> {
        self.per_endpoint
            .iter()
            .filter(|(_, running)| **running >= cap)
            .map(|(endpoint, _)| *endpoint)
            .collect()
    }

    /// Runs `attempt` for `endpoint`.
    pub(super) fn spawn(
        &mut self,
        endpoint: i64,
        attempt: impl Future<Output = AppResult<()>> + Send + 'static,
    ) {
        *self.per_endpoint.entry(endpoint).or_default() += 1;
        let task = self.tasks.spawn(async move {
            if let Err(err) = attempt.await {
                tracing::warn!(?err, "recording a webhook attempt failed");
            }
        });
        self.endpoint_of.insert(task.id(), endpoint);
    }

    /// Waits for one attempt to end (pending forever when none runs).
    pub(super) async fn next_done(&mut self) {
        match self.tasks.join_next_with_id().await {
            Some(Ok((task, ()))) => self.finished(task),
            Some(Err(err)) => {
                tracing::warn!(%err, "a webhook attempt panicked");
                self.finished(err.id());
            }
            None => std::future::pending::<()>().await,
        }
    }

    /// Waits for every attempt.
    pub(super) async fn drain(&mut self) {
        while !self.tasks.is_empty() {
            self.next_done().await;
        }
    }

    fn finished(&mut self, task: Id) {
        let Some(endpoint) = self.endpoint_of.remove(&task) else {
            return;
        };
        if let Some(running) = self.per_endpoint.get_mut(&endpoint) {
            *running = running.saturating_sub(1);
            if *running == 0 {
                self.per_endpoint.remove(&endpoint);
            }
        }
    }
}
