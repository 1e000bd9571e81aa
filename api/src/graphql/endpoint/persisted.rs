//! Persisted queries, Apollo's protocol: a client sends
//! `extensions.persistedQuery.sha256Hash` alone (a short GET a CDN can
//! cache).
//!
//! - `auto` (automatic persisted queries): on `PERSISTED_QUERY_NOT_FOUND`
//!   the client sends the query once with its hash; once it has parsed,
//!   passed validation and the cost limits, this replica keeps it (a miss
//!   only costs the client one request). The store is bounded in bytes
//!   (`PERSISTED_QUERIES_MAX_MB`): the least recently used queries go
//!   first, so a flood of distinct documents cannot grow it. Queries
//!   without a hash run as usual.
//! - `strict` (an allow-list, for production): only the operations of the
//!   manifest ([`Manifest`]) run, by hash or by their exact text; nothing
//!   is registered; anything else is `PERSISTED_QUERY_NOT_ALLOWED`.
//! - `off`: queries run as sent; a hash is `PERSISTED_QUERY_NOT_SUPPORTED`.

use std::sync::{Arc, Mutex};

use async_graphql::Value;
use lru::LruCache;

pub use crate::platform::config::persisted::{Manifest, Mode, sha256_hex};

use crate::platform::error::code;

/// What an entry costs besides its query's text: the key (64 hex digits)
/// and the LRU's bookkeeping, rounded up.
pub const ENTRY_OVERHEAD: usize = 64 + 96;

/// The code a client answers by sending the query with its hash.
pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// Strict mode: the operation is not in the manifest.
pub const PERSISTED_QUERY_NOT_ALLOWED: &str = "PERSISTED_QUERY_NOT_ALLOWED";
/// Persisted queries are turned off (Apollo's clients then send the text).
pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";

/// The manifest's operations and, in `auto` mode, the queries registered
/// on this replica, by their SHA-256 (lower-case hex).
pub struct PersistedQueries {
    mode: Mode,
    manifest: Manifest,
    store: Mutex<Store>,
}

impl Default for PersistedQueries {
    fn default() -> Self {
        Self::new(
            Mode::Auto,
            None,
            crate::platform::config::persisted::DEFAULT_MAX_MB << 20,
        )
    }
}

/// Registered queries, least recently used first out, within `max_bytes`.
struct Store {
    queries: LruCache<String, Arc<str>>,
    bytes: usize,
    max_bytes: usize,
}

impl Store {
    fn get(&mut self, hash: &str) -> Option<Arc<str>> {
        self.queries.get(hash).cloned()
    }

    fn insert(&mut self, hash: String, query: Arc<str>) {
        let size = entry_size(&query);
        if size > self.max_bytes || self.queries.contains(&hash) {
            return;
        }
        while self.bytes + size > self.max_bytes {
            match self.queries.pop_lru() {
                Some((_, old)) => self.bytes -= entry_size(&old),
                None => break,
            }
        }
        self.bytes += size;
        self.queries.put(hash, query);
    }
}

fn entry_size(query: &str) -> usize {
    query.len() + ENTRY_OVERHEAD
}

/// A query to keep once it is known to parse and validate
/// ([`PersistedQueries::register`]).
#[must_use]
#[derive(Debug)]
pub struct Registration {
    hash: String,
    query: Arc<str>,
}

/// Why a persisted-query request cannot run: an error code and message.
pub type Refusal = (&'static str, String);

fn not_allowed() -> Refusal {
    (
        PERSISTED_QUERY_NOT_ALLOWED,
        "this server runs only the operations of its persisted-query manifest \
         (strict mode): send the sha256Hash of one of them"
            .to_owned(),
    )
}

impl PersistedQueries {
    /// The handling `mode`, with the operations of `manifest` (if any)
    /// known from the start, and at most `max_bytes` of registered queries.
    pub fn new(mode: Mode, manifest: Option<Manifest>, max_bytes: usize) -> Self {
        Self {
            mode,
            manifest: manifest.unwrap_or_default(),
            store: Mutex::new(Store {
                queries: LruCache::unbounded(),
                bytes: 0,
                max_bytes,
            }),
        }
    }

    /// Completes `request` from the store when it carries
    /// `extensions.persistedQuery` without its query; leaves other requests
    /// alone. A query sent with its hash (in `auto` mode) comes back as a
    /// [`Registration`], to [`register`](Self::register) once it validated.
    pub fn resolve(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Option<Registration>, Refusal> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return match self.mode {
                Mode::Strict if self.manifest.get(&sha256_hex(&request.query)).is_none() => {
                    Err(not_allowed())
                }
                _ => Ok(None),
            };
        };
        if self.mode == Mode::Off {
            return Err((
                PERSISTED_QUERY_NOT_SUPPORTED,
                "PersistedQueryNotSupported".to_owned(),
            ));
        }
        let hash = hash_of(persisted)?;
        if request.query.is_empty() {
            let found = self
                .manifest
                .get(&hash)
                .or_else(|| self.store.lock().ok().and_then(|mut s| s.get(&hash)));
            if self.mode == Mode::Strict && found.is_none() {
                return Err(not_allowed());
            }
            return match found {
                Some(query) => {
                    request.query = query.to_string();
                    Ok(None)
                }
                None => Err((
                    PERSISTED_QUERY_NOT_FOUND,
                    "PersistedQueryNotFound".to_owned(),
                )),
            };
        }
        // Only a query that hashes to its key is kept: nobody can plant a
        // different query under another query's hash.
        if sha256_hex(&request.query) != hash {
            return Err((
                code::BAD_REQUEST,
                "provided sha256Hash does not match the query".to_owned(),
            ));
        }
        if self.mode == Mode::Strict {
            // Never registered: it runs only if the manifest has it.
            return match self.manifest.get(&hash) {
                Some(_) => Ok(None),
                None => Err(not_allowed()),
            };
        }
        Ok(Some(Registration {
            hash,
            query: Arc::from(request.query.as_str()),
        }))
    }

    /// Keeps a query that parsed and validated, making room for it.
    pub fn register(&self, registration: Registration) {
        if let Ok(mut store) = self.store.lock() {
            store.insert(registration.hash, registration.query);
        }
    }

    /// Registered queries and the bytes they take (as counted against
    /// `PERSISTED_QUERIES_MAX_MB`).
    pub fn usage(&self) -> (usize, usize) {
        self.store
            .lock()
            .map(|s| (s.queries.len(), s.bytes))
            .unwrap_or_default()
    }
}

/// The hash of `extensions.persistedQuery` (version 1 only).
fn hash_of(persisted: &Value) -> Result<String, Refusal> {
    let refuse = |message: &str| (code::BAD_REQUEST, message.to_owned());
    let Value::Object(fields) = persisted else {
        return Err(refuse("extensions.persistedQuery must be an object"));
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_i64() == Some(1) => {}
        _ => return Err(refuse("only persistedQuery version 1 is supported")),
    }
    match fields.get("sha256Hash") {
        Some(Value::String(h)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(h.to_ascii_lowercase())
        }
        _ => Err(refuse("sha256Hash must be 64 hexadecimal characters")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, hash: &str) -> async_graphql::Request {
        let mut r = async_graphql::Request::new(query);
        r.extensions.insert(
            "persistedQuery".to_owned(),
            Value::from_json(serde_json::json!({"version": 1, "sha256Hash": hash})).unwrap(),
        );
        r
    }

    #[test]
    fn a_query_is_found_by_hash_once_registered() {
        let store = PersistedQueries::default();
        let query = "{ __typename }";
        let hash = sha256_hex(query);
        let err = store.resolve(&mut request("", &hash)).unwrap_err();
        assert_eq!(err.0, PERSISTED_QUERY_NOT_FOUND);
        let registration = store.resolve(&mut request(query, &hash)).unwrap().unwrap();
        let err = store.resolve(&mut request("", &hash)).unwrap_err();
        assert_eq!(
            err.0, PERSISTED_QUERY_NOT_FOUND,
            "not kept before it validated"
        );
        store.register(registration);
        let mut by_hash = request("", &hash);
        store.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, query);
    }

    #[test]
    fn strict_mode_runs_the_manifest_only_and_registers_nothing() {
        let known = "{ sections { slug } }";
        let manifest =
            Manifest::parse(&serde_json::json!({ sha256_hex(known): known }).to_string()).unwrap();
        let store = PersistedQueries::new(Mode::Strict, Some(manifest), 1 << 20);
        let mut by_hash = request("", &sha256_hex(known));
        store.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, known);
        store
            .resolve(&mut async_graphql::Request::new(known))
            .unwrap();
        let other = "{ __typename }";
        let code = |r: &mut async_graphql::Request| store.resolve(r).unwrap_err().0;
        assert_eq!(
            code(&mut async_graphql::Request::new(other)),
            PERSISTED_QUERY_NOT_ALLOWED
        );
        assert_eq!(
            code(&mut request(other, &sha256_hex(other))),
            PERSISTED_QUERY_NOT_ALLOWED
        );
        assert_eq!(
            code(&mut request("", &sha256_hex(other))),
            PERSISTED_QUERY_NOT_ALLOWED,
            "nothing was registered"
        );
    }

    #[test]
    fn off_mode_refuses_hashes_and_runs_queries() {
        let store = PersistedQueries::new(Mode::Off, None, 1 << 20);
        store
            .resolve(&mut async_graphql::Request::new("{ __typename }"))
            .unwrap();
        let err = store
            .resolve(&mut request("", &"0".repeat(64)))
            .unwrap_err();
        assert_eq!(err.0, PERSISTED_QUERY_NOT_SUPPORTED);
    }

    #[test]
    fn a_wrong_hash_is_refused_and_not_kept() {
        let store = PersistedQueries::default();
        let other = "0".repeat(64);
        let err = store
            .resolve(&mut request("{ __typename }", &other))
            .unwrap_err();
        assert_eq!(err.0, code::BAD_REQUEST);
        assert_eq!(
            store.resolve(&mut request("", &other)).unwrap_err().0,
            PERSISTED_QUERY_NOT_FOUND
        );
        assert_eq!(
            store.resolve(&mut request("", "xyz")).unwrap_err().0,
            code::BAD_REQUEST
        );
    }

    #[test]
    fn the_store_stays_within_its_bytes_and_drops_the_least_recently_used() {
        let max = 64 * 1024;
        let store = PersistedQueries::new(Mode::Auto, None, max);
        let query = |i: usize| format!("{{ a{i}: __typename {} }}", "x ".repeat(500));
        let register = |q: &str| {
            let r = store
                .resolve(&mut request(q, &sha256_hex(q)))
                .unwrap()
                .unwrap();
            store.register(r);
        };
        let found = |q: &str| store.resolve(&mut request("", &sha256_hex(q))).is_ok();
        register(&query(0));
        for i in 1..1_000 {
            register(&query(i));
            assert!(found(&query(0)), "used at every step, so never the oldest");
            let (_, bytes) = store.usage();
            assert!(bytes <= max, "{bytes} bytes over {max}");
        }
        let (count, bytes) = store.usage();
        assert!(
            count > 50 && bytes > max - 2_000,
            "{count} queries, {bytes} bytes"
        );
        assert!(!found(&query(1)), "the least recently used went first");
        assert!(found(&query(999)));
    }

    #[test]
    fn a_query_larger_than_the_store_is_not_kept() {
        let store = PersistedQueries::new(Mode::Auto, None, 1024);
        let query = format!("{{ __typename {} }}", "x ".repeat(1024));
        let hash = sha256_hex(&query);
        let r = store.resolve(&mut request(&query, &hash)).unwrap().unwrap();
        store.register(r);
        assert_eq!(store.usage(), (0, 0));
    }
}
