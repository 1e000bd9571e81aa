//! The delivery worker, a task inside the binary (started by `serve`, like
//! the scheduler). Every poll it claims due deliveries from the outbox
//! ([`store::claim`]), POSTs them signed, concurrently, with a
//! timeout, and records the outcome: delivered on a 2xx answer; otherwise
//! retried after a random delay up to `base × 2^attempts` (full jitter,
//! capped at an hour), until the delivery is older than the retry window
//! (24 hours by default), then FAILED.
//!
//! Unless `WEBHOOK_ALLOW_PRIVATE=on`, only public addresses are reached
//! (`domain::webhooks::target`): names through a resolver that drops the
//! others, IP literals checked before sending, no proxy (it would resolve
//! names itself) and no redirects followed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::task::JoinSet;

use crate::domain::webhooks::{
    random_bytes, signature,
    store::{self, Claimed, Outcome},
    target,
};
use crate::{
    platform::config::Config,
    platform::error::{AppError, AppResult},
    platform::net::resolver::PublicOnly,
};

/// Deliveries claimed per poll.
const BATCH: u64 = 50;
/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

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
}

impl Settings {
    /// The settings of `config` (`WEBHOOK_*`).
    pub fn from_config(config: &Config) -> Self {
        let timeout = Duration::from_secs(config.webhook_timeout_secs.max(1));
        Self {
            poll: Duration::from_millis(config.webhook_poll_ms.max(10)),
            timeout,
            retry_base: Duration::from_millis(config.webhook_retry_base_ms),
            retry_window: Duration::from_secs(config.webhook_retry_window_secs),
            lease: timeout + Duration::from_secs(30),
            allow_private: config.webhook_allow_private,
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

    /// Claims and delivers one batch; returns how many were attempted.
    pub async fn run_once(&self) -> AppResult<usize> {
        let now = Utc::now();
        let lease_until = now + chrono_duration(self.settings.lease);
        let batch = store::claim(&self.db, now, lease_until, BATCH).await?;
        let count = batch.len();
        let mut attempts = JoinSet::new();
        for claimed in batch {
            let worker = self.clone();
            attempts.spawn(async move { worker.attempt(claimed).await });
        }
        while let Some(done) = attempts.join_next().await {
            match done {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::warn!(?err, "recording a webhook attempt failed"),
                Err(err) => tracing::warn!(%err, "a webhook attempt panicked"),
            }
        }
        Ok(count)
    }

    /// POSTs one delivery and records what happened.
    async fn attempt(&self, claimed: Claimed) -> AppResult<()> {
        let delivery = &claimed.delivery;
        if let Some(error) = self.refused(&claimed.url) {
            let now = Utc::now();
            tracing::info!(delivery = delivery.id, %error, "webhook target refused");
            let retry_at = self.retry_at(delivery.attempts, delivery.queued_at, now);
            let outcome = Outcome::Failed {
                status: None,
                error,
                retry_at,
            };
            return store::finish(&self.db, delivery.id, outcome, now).await;
        }
        let sent_at = Utc::now();
        let header =
            signature::header_value(&claimed.secret, sent_at.timestamp(), &delivery.payload);
        let answer = self
            .client
            .post(&claimed.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, header)
            .header("Toasoan-Event", &delivery.event)
            .header("Toasoan-Delivery", &delivery.event_id)
            .body(delivery.payload.clone())
            .send()
            .await;
        let now = Utc::now();
        let failed = |status: Option<u16>, error: String| Outcome::Failed {
            status,
            error,
            retry_at: self.retry_at(delivery.attempts, delivery.queued_at, now),
        };
        let outcome = match answer {
            Ok(response) if response.status().is_success() => Outcome::Delivered {
                status: response.status().as_u16(),
            },
            Ok(response) => {
                let status = response.status();
                failed(
                    Some(status.as_u16()),
                    format!("the endpoint answered HTTP {status}"),
                )
            }
            Err(err) if err.is_timeout() => failed(
                None,
                format!("no answer within {} s", self.settings.timeout.as_secs()),
            ),
            Err(err) => failed(None, describe(&err.without_url())),
        };
        if let Outcome::Failed { error, .. } = &outcome {
            tracing::info!(delivery = delivery.id, %error, "webhook attempt failed");
        }
        store::finish(&self.db, delivery.id, outcome, now).await
    }

    /// Why `url` may not be reached, judged before connecting: IP literals
    /// bypass the resolver, so they are checked here.
    fn refused(&self, url: &str) -> Option<String> {
        if self.settings.allow_private {
            return None;
        }
        let Ok(url) = reqwest::Url::parse(url) else {
            return Some("the endpoint URL does not parse".to_owned());
        };
        target::literal_refusal(&url).map(|why| {
            format!(
                "refused: the endpoint is a {} address (WEBHOOK_ALLOW_PRIVATE is off)",
                why.describe()
            )
        })
    }

    /// When to try again after failed attempt number `attempts + 1`, or
    /// `None` once the delivery was queued (or replayed) longer than the
    /// retry window ago.
    fn retry_at(
        &self,
        attempts: i32,
        queued_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if now - queued_at >= chrono_duration(self.settings.retry_window) {
            return None;
        }
        let ceiling = backoff_ceiling(self.settings.retry_base, attempts);
        let fraction = random_bytes::<8>()
            .map(|b| u64::from_le_bytes(b) as f64 / u64::MAX as f64)
            .unwrap_or(1.0);
        Some(now + chrono_duration(ceiling.mul_f64(fraction)))
    }

    /// Runs [`Self::run_once`] every `poll` until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(self.settings.poll);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                if let Err(err) = self.run_once().await {
                    tracing::warn!(?err, "delivering webhooks failed");
                }
            }
        })
    }
}

/// The longest wait after `attempts` earlier failures: base × 2^attempts,
/// at most an hour.
pub fn backoff_ceiling(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(0, 31) as u32);
    base.saturating_mul(factor).min(MAX_DELAY)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// An error with its causes ("connection refused" sits a few levels down).
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff_ceiling(base, 0), Duration::from_secs(10));
        assert_eq!(backoff_ceiling(base, 3), Duration::from_secs(80));
        assert_eq!(backoff_ceiling(base, 12), MAX_DELAY);
        assert_eq!(backoff_ceiling(base, 1000), MAX_DELAY);
    }

    #[test]
    fn retries_cover_the_window_then_stop() {
        let worker_settings = Settings::from_config(&Config::for_database("sqlite::memory:"));
        assert!(worker_settings.retry_window >= Duration::from_secs(24 * 3600));
        assert!(worker_settings.lease > worker_settings.timeout);
    }
}
