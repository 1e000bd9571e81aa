//! The response cache: anonymous GraphQL reads (GET and POST) answered
//! from memory.
//!
//! - **Key**: the media type, the hour (answers that depend on the clock
//!   alone, such as positions held "now", turn over with it), the
//!   operation name, the variables and the document.
//! - **Entry**: the serialized answer with what its HTTP caching headers
//!   are made of (its surrogate keys, its cache hint). Only complete
//!   public answers are kept (no errors, no `private` hint).
//! - **Bounded** by `RESPONSE_CACHE_MB` (least recently used first out; 0
//!   turns the cache off), and entries live at most [`MAX_AGE`].
//! - **Coalescing** ([`flight`]): concurrent misses of one key run the
//!   query once; the others wait for its answer.
//! - **Invalidation** ([`invalidate`]): a write purges the entries whose
//!   surrogate keys it touches, on every replica. An answer built while a
//!   purge happened is served but not kept (it may predate the write).

mod flight;
pub mod invalidate;
pub mod root;
mod store;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use async_graphql::CacheControl;
use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode},
};

use self::store::Store;
use super::negotiate::ResponseType;
use crate::platform::metrics::Metrics;

pub use flight::{Lead, Lookup};

/// The longest an entry is served, whatever happens: a safety net under
/// the purges, not the way entries normally go.
pub const MAX_AGE: Duration = Duration::from_secs(600);
/// RFC 9211's header.
pub const CACHE_STATUS: HeaderName = HeaderName::from_static("cache-status");

/// One kept answer.
pub struct Entry {
    pub status: StatusCode,
    /// The answer's own headers (its content type).
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Its surrogate keys, as sent to CDNs.
    pub keys: Vec<String>,
    pub without_errors: bool,
    /// async-graphql's cache hint.
    pub hint: CacheControl,
    /// The operation's complexity, when the request that built it was
    /// rate limited (a hit charges it to the next limited client).
    pub cost: Option<usize>,
    /// The operation's name (the metrics and access log of a hit).
    pub operation: Option<String>,
    stored_at: Instant,
}

impl Entry {
    /// An answer about to be shared or kept.
    pub fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        keys: Vec<String>,
        without_errors: bool,
        hint: CacheControl,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            keys,
            without_errors,
            hint,
            cost: None,
            operation: None,
            stored_at: Instant::now(),
        }
    }

    /// Whether it may be kept for other readers: complete, public, `200`.
    pub fn storable(&self) -> bool {
        self.status == StatusCode::OK
            && self.without_errors
            && self.hint.public
            && self.hint.max_age >= 0
    }

    #[cfg(test)]
    fn for_tests(body: &str, keys: &[&str]) -> Self {
        Self::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from(body.to_owned()),
            keys.iter().map(|k| (*k).to_owned()).collect(),
            true,
            CacheControl::default(),
        )
    }
}

/// How an answer was served, for `Cache-Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// From memory.
    Hit,
    /// Run, and kept.
    Stored,
    /// Run, not kept (errors, private, or a purge while it ran).
    Miss,
    /// The answer of a concurrent identical request, waited for.
    Collapsed,
    /// The cache does not apply (a token, a mutation, the cache off).
    Bypass,
}

impl Status {
    /// The `Cache-Status` value (RFC 9211).
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Status::Hit => "toasoan; hit",
            Status::Stored => "toasoan; fwd=miss; stored",
            Status::Miss => "toasoan; fwd=miss",
            Status::Collapsed => "toasoan; fwd=miss; collapsed",
            Status::Bypass => "toasoan; fwd=bypass",
        })
    }
}

/// The cache of one replica.
pub struct ResponseCache {
    store: Mutex<Store>,
    flights: flight::Flights,
    /// Purges so far: an answer whose build saw one is not kept.
    epoch: AtomicU64,
    metrics: Arc<Metrics>,
}

impl ResponseCache {
    /// A cache of `megabytes` MiB; `None` when 0 (off).
    pub fn new(megabytes: usize, metrics: Arc<Metrics>) -> Option<Arc<Self>> {
        if megabytes == 0 {
            return None;
        }
        Some(Arc::new(Self {
            store: Mutex::new(Store::new(megabytes.saturating_mul(1 << 20))),
            flights: flight::Flights::default(),
            epoch: AtomicU64::new(0),
            metrics,
        }))
    }

    /// The key of a request.
    pub fn key(
        response_type: ResponseType,
        request: &async_graphql::Request,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Arc<str> {
        let variables = serde_json::to_string(&request.variables).unwrap_or_default();
        format!(
            "{}\n{}\n{}\n{variables}\n{}",
            response_type.content_type(),
            now.timestamp().div_euclid(3600),
            request.operation_name.as_deref().unwrap_or(""),
            request.query
        )
        .into()
    }

    /// The entry of `key` if it is fresh.
    fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        let mut store = self.store.lock().ok()?;
        let entry = store.get(key)?;
        if entry.stored_at.elapsed() > MAX_AGE {
            store.remove(key);
            return None;
        }
        Some(entry)
    }

    /// Keeps `entry` unless a purge happened since `epoch`; whether it was.
    fn keep(&self, key: Arc<str>, entry: Arc<Entry>, epoch: u64) -> bool {
        let Ok(mut store) = self.store.lock() else {
            return false;
        };
        // Checked under the lock that purges take: a purge is either
        // before this (the epoch moved) or after (it removes the entry).
        if self.epoch.load(Ordering::Acquire) != epoch {
            return false;
        }
        let removed = store.insert(key, entry);
        self.metrics.response_cache.evicted(removed.evicted);
        self.metrics.response_cache.size(store.len(), store.bytes());
        true
    }

    /// Removes the entries that carry one of `patterns` (see
    /// [`store::Store::purge`]).
    pub fn purge(&self, patterns: &[String]) {
        if patterns.is_empty() {
            return;
        }
        let Ok(mut store) = self.store.lock() else {
            return;
        };
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let removed = store.purge(patterns);
        self.metrics.response_cache.purged(removed.purged);
        self.metrics.response_cache.size(store.len(), store.bytes());
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.purge(&[crate::platform::signals::EVERYTHING.to_owned()]);
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.store.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
