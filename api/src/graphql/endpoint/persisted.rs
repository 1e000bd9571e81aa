//! Persisted queries, Apollo's protocol: a client sends
//! `extensions.persistedQuery.sha256Hash` alone (a short GET a CDN can
//! cache).
//!
//! - `auto` (automatic persisted queries): on `PERSISTED_QUERY_NOT_FOUND`
//!   the client sends the query once with its hash, and this replica keeps
//!   it in a bounded store (a miss only costs the client one request).
//!   Queries without a hash run as usual.
//! - `strict` (an allow-list, for production): only the operations of the
//!   manifest ([`Manifest`]) run, by hash or by their exact text; nothing
//!   is registered; anything else is `PERSISTED_QUERY_NOT_ALLOWED`.
//! - `off`: queries run as sent; a hash is `PERSISTED_QUERY_NOT_SUPPORTED`.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use async_graphql::Value;

pub use crate::platform::config::persisted::{Manifest, Mode, sha256_hex};

use crate::platform::error::code;

/// Queries kept per replica; the oldest go first.
pub const CAPACITY: usize = 10_000;

/// The code a client answers by sending the query with its hash.
pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// Strict mode: the operation is not in the manifest.
pub const PERSISTED_QUERY_NOT_ALLOWED: &str = "PERSISTED_QUERY_NOT_ALLOWED";
/// Persisted queries are turned off (Apollo's clients then send the text).
pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";

/// The manifest's operations and, in `auto` mode, the queries registered
/// on this replica, by their SHA-256 (lower-case hex).
#[derive(Default)]
pub struct PersistedQueries {
    mode: Mode,
    manifest: Manifest,
    store: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    queries: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
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
    /// known from the start.
    pub fn new(mode: Mode, manifest: Option<Manifest>) -> Self {
        Self {
            mode,
            manifest: manifest.unwrap_or_default(),
            store: Mutex::default(),
        }
    }

    /// Completes `request` from the store, or registers its query, when it
    /// carries `extensions.persistedQuery`; leaves other requests alone.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Refusal> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return match self.mode {
                Mode::Strict if self.manifest.get(&sha256_hex(&request.query)).is_none() => {
                    Err(not_allowed())
                }
                _ => Ok(()),
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
            let found = self.manifest.get(&hash).or_else(|| {
                self.store
                    .lock()
                    .ok()
                    .and_then(|s| s.queries.get(&hash).cloned())
            });
            if self.mode == Mode::Strict && found.is_none() {
                return Err(not_allowed());
            }
            return match found {
                Some(query) => {
                    request.query = query.to_string();
                    Ok(())
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
                Some(_) => Ok(()),
                None => Err(not_allowed()),
            };
        }
        if let Ok(mut store) = self.store.lock()
            && !store.queries.contains_key(&hash)
        {
            if store.order.len() >= CAPACITY
                && let Some(oldest) = store.order.pop_front()
            {
                store.queries.remove(&oldest);
            }
            store.order.push_back(hash.clone());
            store
                .queries
                .insert(hash, Arc::from(request.query.as_str()));
        }
        Ok(())
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
        store.resolve(&mut request(query, &hash)).unwrap();
        let mut by_hash = request("", &hash);
        store.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, query);
    }

    #[test]
    fn strict_mode_runs_the_manifest_only_and_registers_nothing() {
        let known = "{ sections { slug } }";
        let manifest =
            Manifest::parse(&serde_json::json!({ sha256_hex(known): known }).to_string()).unwrap();
        let store = PersistedQueries::new(Mode::Strict, Some(manifest));
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
        let store = PersistedQueries::new(Mode::Off, None);
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
}
