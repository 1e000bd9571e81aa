//! Time and load limits: how long a request and a statement may run, how
//! long a request waits for a pooled connection, and how many requests
//! run at once. Past any of them the answer is `503` with `Retry-After`
//! (`TIMEOUT` or `SERVICE_UNAVAILABLE`), which clients and proxies know to
//! retry later, never a `408` or a `500`.

use std::time::Duration;

use super::Config;
use crate::platform::db::{PING_AFTER_IDLE, PoolSettings};

/// Default of `DB_STATEMENT_TIMEOUT_MS`: well below the request timeout,
/// far above any statement of a healthy request.
pub const DEFAULT_STATEMENT_TIMEOUT_MS: u64 = 10_000;
/// Default of `DB_ACQUIRE_TIMEOUT_MS`.
pub const DEFAULT_ACQUIRE_TIMEOUT_MS: u64 = 5_000;
/// Default of `MAX_CONCURRENT_REQUESTS`: at ~400 answers a second, 256
/// requests in flight still finish within about a second.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 256;

/// The limits' settings (flattened into [`Config`]).
#[derive(Clone, Debug, clap::Args)]
pub struct LoadConfig {
    /// Longest time a request may take, e.g. `30s` or `500ms` (a bare
    /// number is seconds); past it the answer is `503` with code `TIMEOUT`
    /// and `Retry-After`. Default: `REQUEST_TIMEOUT_SECS`.
    #[arg(long, env = "REQUEST_TIMEOUT", value_parser = parse_duration)]
    pub request_timeout: Option<Duration>,

    /// Longest time one SQL statement may run, in milliseconds (0: no
    /// limit). PostgreSQL cancels it (`statement_timeout`); SQLite
    /// interrupts it (on SQLite the limit covers a connection's whole
    /// checkout: one statement, or one transaction).
    #[arg(long, env = "DB_STATEMENT_TIMEOUT_MS", default_value_t = DEFAULT_STATEMENT_TIMEOUT_MS)]
    pub db_statement_timeout_ms: u64,

    /// Longest wait for a pooled database connection, in milliseconds;
    /// past it the answer is `503` `SERVICE_UNAVAILABLE`.
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT_MS", default_value_t = DEFAULT_ACQUIRE_TIMEOUT_MS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub db_acquire_timeout_ms: u64,

    /// Requests served at once (0: no limit). Requests past it are
    /// refused at once with `503` `SERVICE_UNAVAILABLE` and `Retry-After`
    /// rather than queued, so the accepted ones finish in time. Health
    /// probes are never refused.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS",
          default_value_t = DEFAULT_MAX_CONCURRENT_REQUESTS)]
    pub max_concurrent_requests: usize,
}

impl Default for LoadConfig {
    fn default() -> Self {
        Self {
            request_timeout: None,
            db_statement_timeout_ms: DEFAULT_STATEMENT_TIMEOUT_MS,
            db_acquire_timeout_ms: DEFAULT_ACQUIRE_TIMEOUT_MS,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
        }
    }
}

impl LoadConfig {
    /// The statement limit, `None` when off.
    pub fn statement_timeout(&self) -> Option<Duration> {
        (self.db_statement_timeout_ms > 0)
            .then(|| Duration::from_millis(self.db_statement_timeout_ms))
    }

    /// The concurrency limit, `None` when off.
    pub fn max_concurrent_requests(&self) -> Option<usize> {
        (self.max_concurrent_requests > 0).then_some(self.max_concurrent_requests)
    }
}

impl Config {
    /// The request timeout: `REQUEST_TIMEOUT` when set, else the older
    /// `REQUEST_TIMEOUT_SECS`.
    pub fn request_timeout(&self) -> Duration {
        self.load
            .request_timeout
            .unwrap_or(Duration::from_secs(self.request_timeout_secs))
    }

    /// The serving pool: its size, acquire timeout and statement limit.
    pub fn pool_settings(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.database_max_connections,
            acquire_timeout: Duration::from_millis(self.load.db_acquire_timeout_ms),
            statement_timeout: self.load.statement_timeout(),
            ping_after_idle: PING_AFTER_IDLE,
        }
    }
}

/// `500ms`, `30s`, `2m`, or a bare number of seconds; positive.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let invalid = || format!("invalid duration {text:?}: use e.g. 500ms, 30s or 2m");
    let number: u64 = number.parse().map_err(|_| invalid())?;
    let duration = match unit.trim() {
        "ms" => Duration::from_millis(number),
        "" | "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(invalid()),
    };
    if duration.is_zero() {
        return Err(format!("invalid duration {text:?}: it must be positive"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "0", "0ms", "s", "1h", "-1s", "1.5s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_timeout_keeps_the_older_setting() {
        let mut config = Config::for_database("sqlite::memory:");
        config.request_timeout_secs = 7;
        assert_eq!(config.request_timeout(), Duration::from_secs(7));
        config.load.request_timeout = Some(Duration::from_millis(250));
        assert_eq!(config.request_timeout(), Duration::from_millis(250));
    }
}
