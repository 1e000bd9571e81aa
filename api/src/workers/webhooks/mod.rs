//! The delivery worker, a task inside the binary (started by `serve`, like
//! the scheduler). Every poll it claims due deliveries from the outbox
//! ([`store::claim`]) under a lease timed by the database's clock, and
//! POSTs each one signed, with a timeout ([`attempt`]). Deliveries run
//! side by side and the next poll does not wait for them: a slow endpoint
//! holds at most [`Settings::per_endpoint`] of the worker's
//! [`Settings::max_in_flight`] slots, never the others' deliveries.
//!
//! On shutdown the worker claims nothing more and lets the deliveries in
//! flight finish (each within the endpoint timeout). Once an hour it
//! deletes delivered and failed deliveries older than the retention.
//!
//! Unless `WEBHOOK_ALLOW_PRIVATE=on`, only public addresses are reached
//! (`domain::webhooks::target`): names through a resolver that drops the
//! others, IP literals checked before sending, no proxy (it would resolve
//! names itself) and no redirects followed.

mod attempt;
mod in_flight;

use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

pub use attempt::backoff_ceiling;
use attempt::{Leased, chrono_duration};
use in_flight::InFlight;

use crate::{
    domain::webhooks::store,
    platform::config::Config,
    platform::error::{AppError, AppResult},
    platform::net::resolver::PublicOnly,
    platform::shutdown::Shutdown,
};

/// Deliveries claimed per poll, at most.
const BATCH: usize = 50;
/// How often old deliveries are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Rows deleted per statement when pruning, and statements per prune: a
/// backlog is worked off over several hours rather than in one long lock.
const PRUNE_BATCH: u64 = 1000;
const PRUNE_BATCHES: usize = 20;

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Between two polls of the outbox.
    pub poll: Duration,
    /// An endpoint's time to answer.
    pub timeout: Duration,
    /// Base of the exponential backoff.
    pub retry_base: Duration,
    /// How long a failing delivery is retried before it is FAILED.
    pub retry_window: Duration,
    /// How long a claim holds (longer than `timeout`): a crashed worker's
    /// deliveries are due again after it.
    pub lease: Duration,
    /// Whether endpoints may be on loopback, private and other non-public
    /// addresses (`WEBHOOK_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// How long delivered and failed deliveries are kept; `None`: forever.
    pub retention: Option<Duration>,
    /// Deliveries in flight at once, all endpoints together.
    pub max_in_flight: usize,
    /// Deliveries in flight at once to one endpoint.
    pub per_endpoint: usize,
}

impl Settings {
    /// The settings of `config` (`WEBHOOK_*`).
    pub fn from_config(config: &Config) -> Self {
        let timeout = Duration::from_secs(config.webhook_timeout_secs.max(1));
        let retention = match config.webhook_retention_days {
            0 => None,
            days => Some(Duration::from_secs(u64::from(days) * 86_400)),
        };
        Self {
            poll: Duration::from_millis(config.webhook_poll_ms.max(10)),
            timeout,
            retry_base: Duration::from_millis(config.webhook_retry_base_ms),
            retry_window: Duration::from_secs(config.webhook_retry_window_secs),
            lease: timeout + Duration::from_secs(30),
            allow_private: config.webhook_allow_private,
            retention,
            max_in_flight: 64,
            per_endpoint: 8,
        }
    }
}

/// Delivers the outbox of one database.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    settings: Settings,
    client: reqwest::Client,
}

impl Worker {
    /// A worker over `db` (builds its HTTP client).
    pub fn new(db: DatabaseConnection, settings: Settings) -> AppResult<Self> {
        // reqwest has no bundled crypto provider: use ring (see auth/jwks.rs).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect is a failed attempt: following one could lead
            // anywhere, the inside of our network included.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("toasoan-webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private {
            builder = builder.dns_resolver(PublicOnly).no_proxy();
        }
        let client = builder
            .build()
            .map_err(|err| AppError::Internal(format!("cannot build the webhook client: {err}")))?;
        Ok(Self {
            db,
            settings,
            client,
        })
    }

    /// Claims one batch, delivers it and waits for every attempt; returns
    /// how many were attempted.
    pub async fn run_once(&self) -> AppResult<usize> {
        let mut in_flight = InFlight::default();
        let count = self.poll(&mut in_flight).await?;
        in_flight.drain().await;
        Ok(count)
    }

    /// Claims what the free slots allow and starts those attempts;
    /// returns how many started.
    async fn poll(&self, in_flight: &mut InFlight) -> AppResult<usize> {
        let free = self.settings.max_in_flight.saturating_sub(in_flight.len());
        if free == 0 {
            return Ok(0);
        }
        let busy = in_flight.saturated(self.settings.per_endpoint);
        let now = store::database_now(&self.db).await?;
        let since = Instant::now();
        let lease = store::lease_deadline(now + chrono_duration(self.settings.lease));
        let batch = store::claim(&self.db, now, lease, free.min(BATCH) as u64, &busy).await?;
        let mut started = 0;
        for claimed in batch {
            let endpoint = claimed.delivery.webhook_id;
            if in_flight.count(endpoint) >= self.settings.per_endpoint {
                // Its share is taken: back to the outbox, untried.
                store::release(&self.db, claimed.delivery.id, lease, now).await?;
                continue;
            }
            let leased = Leased {
                claimed,
                lease,
                claimed_at: now,
                since,
            };
            let worker = self.clone();
            in_flight.spawn(endpoint, async move { worker.attempt(leased).await });
            started += 1;
        }
        Ok(started)
    }

    /// Deletes delivered and failed deliveries older than the retention;
    /// returns how many.
    pub async fn prune_once(&self) -> AppResult<u64> {
        let Some(retention) = self.settings.retention else {
            return Ok(0);
        };
        let cutoff = store::database_now(&self.db).await? - chrono_duration(retention);
        let mut total = 0;
        for _ in 0..PRUNE_BATCHES {
            let deleted = store::prune(&self.db, cutoff, PRUNE_BATCH).await?;
            total += deleted;
            if deleted < PRUNE_BATCH {
                break;
            }
        }
        if total > 0 {
            tracing::info!(deleted = total, "old webhook deliveries pruned");
        }
        Ok(total)
    }

    /// Polls every `poll` until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        self.spawn_until(Shutdown::new())
    }

    /// Polls every `poll` until `shutdown` starts, then lets the
    /// deliveries in flight finish; the task ends after them.
    pub fn spawn_until(self, shutdown: Shutdown) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move { self.run(shutdown).await })
    }

    async fn run(self, shutdown: Shutdown) {
        let mut ticker = tokio::time::interval(self.settings.poll);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut in_flight = InFlight::default();
        let mut next_prune = Instant::now();
        loop {
            tokio::select! {
                () = shutdown.started() => break,
                () = in_flight.next_done(), if !in_flight.is_empty() => {}
                _ = ticker.tick() => {
                    if let Err(err) = self.poll(&mut in_flight).await {
                        tracing::warn!(?err, "delivering webhooks failed");
                    }
                    if Instant::now() >= next_prune {
                        next_prune = Instant::now() + PRUNE_EVERY;
                        if let Err(err) = self.prune_once().await {
                            tracing::warn!(?err, "pruning old webhook deliveries failed");
                        }
                    }
                }
            }
        }
        if !in_flight.is_empty() {
            tracing::info!(
                in_flight = in_flight.len(),
                "shutting down: waiting for the webhook deliveries in flight"
            );
        }
        in_flight.drain().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_cover_the_window_then_stop() {
        let settings = Settings::from_config(&Config::for_database("sqlite::memory:"));
        assert!(settings.retry_window >= Duration::from_secs(24 * 3600));
        assert!(settings.lease > settings.timeout);
        assert_eq!(settings.retention, Some(Duration::from_secs(30 * 86_400)));
        assert!(settings.per_endpoint < settings.max_in_flight);
    }
}
