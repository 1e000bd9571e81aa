//! Automatic persisted queries, Apollo's protocol: a client sends
//! `extensions.persistedQuery.sha256Hash` alone (a short GET a CDN can
//! cache); on `PERSISTED_QUERY_NOT_FOUND` it sends the query once with its
//! hash, and this replica keeps it. Each replica keeps its own bounded
//! store: a miss only costs the client one more request.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use async_graphql::Value;
use sha2::{Digest, Sha256};

use crate::error::code;

/// Queries kept per replica; the oldest go first.
pub const CAPACITY: usize = 10_000;

/// The code a client answers by sending the query with its hash.
pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";

/// Registered queries by their SHA-256 (lower-case hex).
#[derive(Default)]
pub struct PersistedQueries {
    store: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    queries: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
}

/// Why a persisted-query request cannot run: an error code and message.
pub type Refusal = (&'static str, String);

impl PersistedQueries {
    /// Completes `request` from the store, or registers its query, when it
    /// carries `extensions.persistedQuery`; leaves other requests alone.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Refusal> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let hash = hash_of(persisted)?;
        if request.query.is_empty() {
            let found = self
                .store
                .lock()
                .ok()
                .and_then(|s| s.queries.get(&hash).cloned());
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
        if hex(&Sha256::digest(request.query.as_bytes())) != hash {
            return Err((
                code::BAD_REQUEST,
                "provided sha256Hash does not match the query".to_owned(),
            ));
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        let hash = hex(&Sha256::digest(query.as_bytes()));
        let err = store.resolve(&mut request("", &hash)).unwrap_err();
        assert_eq!(err.0, PERSISTED_QUERY_NOT_FOUND);
        store.resolve(&mut request(query, &hash)).unwrap();
        let mut by_hash = request("", &hash);
        store.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, query);
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
