//! One attempt: POST a claimed delivery, signed, and record what came of
//! it — delivered on a 2xx answer; otherwise retried after a random delay
//! up to `base × 2^attempts` (full jitter, capped at an hour) until the
//! delivery is older than the retry window, then FAILED.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Worker;
use crate::domain::webhooks::{
    random_bytes, signature,
    store::{self, Claimed, Outcome, Recorded},
    target,
};
use crate::platform::error::AppResult;

/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// A claimed delivery with the lease it was claimed under and the
/// database's time of the claim.
pub(super) struct Leased {
    pub claimed: Claimed,
    pub lease: DateTime<Utc>,
    /// The database clock at the claim, and when that was here: the
    /// attempt's times are the database's too.
    pub claimed_at: DateTime<Utc>,
    pub since: Instant,
}

impl Leased {
    /// The database's time now, as far as this process can tell.
    fn now(&self) -> DateTime<Utc> {
        self.claimed_at + chrono_duration(self.since.elapsed())
    }
}

impl Worker {
    /// POSTs one delivery and records what happened.
    pub(super) async fn attempt(&self, leased: Leased) -> AppResult<()> {
        let delivery = &leased.claimed.delivery;
        let outcome = match self.refused(&leased.claimed.url) {
            Some(error) => {
                tracing::info!(delivery = delivery.id, %error, "webhook target refused");
                self.failed(&leased, None, error)
            }
            None => self.post(&leased).await,
        };
        if let Outcome::Failed { error, .. } = &outcome {
            tracing::info!(delivery = delivery.id, %error, "webhook attempt failed");
        }
        let recorded =
            store::finish(&self.db, delivery.id, leased.lease, outcome, leased.now()).await?;
        if recorded == Recorded::LeaseLost {
            tracing::warn!(
                delivery = delivery.id,
                "webhook attempt outlived its lease: another worker owns the delivery now"
            );
        }
        Ok(())
    }

    async fn post(&self, leased: &Leased) -> Outcome {
        let claimed = &leased.claimed;
        let delivery = &claimed.delivery;
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
        match answer {
            Ok(response) if response.status().is_success() => Outcome::Delivered {
                status: response.status().as_u16(),
            },
            Ok(response) => {
                let status = response.status();
                self.failed(
                    leased,
                    Some(status.as_u16()),
                    format!("the endpoint answered HTTP {status}"),
                )
            }
            Err(err) if err.is_timeout() => self.failed(
                leased,
                None,
                format!("no answer within {} s", self.settings.timeout.as_secs()),
            ),
            Err(err) => self.failed(leased, None, describe(&err.without_url())),
        }
    }

    fn failed(&self, leased: &Leased, status: Option<u16>, error: String) -> Outcome {
        let delivery = &leased.claimed.delivery;
        Outcome::Failed {
            status,
            error,
            retry_at: self.retry_at(delivery.attempts, delivery.queued_at, leased.now()),
        }
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
}

/// The longest wait after `attempts` earlier failures: base × 2^attempts,
/// at most an hour.
pub fn backoff_ceiling(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(0, 31) as u32);
    base.saturating_mul(factor).min(MAX_DELAY)
}

pub(super) fn chrono_duration(d: Duration) -> chrono::Duration {
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
}
