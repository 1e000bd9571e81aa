//! Persisted-query settings: the mode (`PERSISTED_QUERIES`) and the
//! manifest (`PERSISTED_QUERIES_FILE`), read and verified at start. The
//! store that serves them is the GraphQL endpoint's
//! (`graphql/endpoint/persisted.rs`).
//!
//! The manifest: the operations a client build may send,
//! by the SHA-256 of their text. Two formats are read: a plain object
//! `{"<sha256>": "<query>"}`, and Apollo's
//! `{"format": "apollo-persisted-query-manifest", "version": 1,
//! "operations": [{"id", "body", "name", "type"}]}` (what
//! `@apollo/generate-persisted-query-manifest` writes). Every hash is
//! checked when the file is read: a server never starts with a manifest
//! whose hashes do not match their queries.

use std::{collections::HashMap, fmt, sync::Arc};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Default of `PERSISTED_QUERIES_MAX_MB`.
pub const DEFAULT_MAX_MB: usize = 16;

/// How persisted queries are handled (`PERSISTED_QUERIES`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Automatic persisted queries; any query runs.
    #[default]
    Auto,
    /// Only the manifest's operations run.
    Strict,
    /// No persisted queries.
    Off,
}

/// Verified operations by the SHA-256 of their text (lower-case hex).
#[derive(Clone, Default)]
pub struct Manifest {
    queries: Arc<HashMap<String, Arc<str>>>,
}

impl fmt::Debug for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Manifest({} operations)", self.queries.len())
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum File {
    Apollo {
        format: String,
        version: u32,
        operations: Vec<Operation>,
    },
    Plain(HashMap<String, String>),
}

#[derive(Deserialize)]
struct Operation {
    id: String,
    body: String,
    #[serde(default)]
    name: Option<String>,
}

impl Manifest {
    /// Reads and verifies the manifest at `path` (the command line's
    /// parser: an error stops the server before it starts).
    pub fn load(path: &str) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the persisted-query manifest {path}: {e}"))?;
        Self::parse(&text).map_err(|e| format!("persisted-query manifest {path}: {e}"))
    }

    /// Parses and verifies a manifest's JSON text.
    pub fn parse(json: &str) -> Result<Self, String> {
        let file: File = serde_json::from_str(json).map_err(|e| {
            format!(
                "not a manifest ({e}): expected {{\"<sha256>\": \"<query>\"}} or \
                 Apollo's apollo-persisted-query-manifest"
            )
        })?;
        let operations: Vec<(String, String, Option<String>)> = match file {
            File::Apollo {
                format,
                version,
                operations,
            } => {
                if format != "apollo-persisted-query-manifest" || version != 1 {
                    return Err(format!(
                        "unsupported manifest format {format:?} version {version} \
                         (apollo-persisted-query-manifest version 1 is)"
                    ));
                }
                operations
                    .into_iter()
                    .map(|o| (o.id, o.body, o.name))
                    .collect()
            }
            File::Plain(map) => map.into_iter().map(|(id, body)| (id, body, None)).collect(),
        };
        let mut queries = HashMap::with_capacity(operations.len());
        for (id, body, name) in operations {
            let actual = sha256_hex(&body);
            if !id.eq_ignore_ascii_case(&actual) {
                let what =
                    name.map_or_else(|| "an operation".to_owned(), |n| format!("operation {n}"));
                return Err(format!(
                    "{what} has id {id}, but the SHA-256 of its body is {actual}: \
                     regenerate the manifest"
                ));
            }
            queries.insert(actual, Arc::from(body.as_str()));
        }
        Ok(Self {
            queries: Arc::new(queries),
        })
    }

    /// The query whose SHA-256 is `hash` (lower-case hex).
    pub fn get(&self, hash: &str) -> Option<Arc<str>> {
        self.queries.get(hash).cloned()
    }

    /// How many operations it holds.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
}

/// The SHA-256 of `text`, lower-case hex: an operation's id.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_are_read_and_verified() {
        let query = "{ sections { slug } }";
        let hash = sha256_hex(query);
        let plain = Manifest::parse(&serde_json::json!({ &hash: query }).to_string()).unwrap();
        assert_eq!(plain.get(&hash).as_deref(), Some(query));
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{"id": hash, "body": query, "name": "Sections", "type": "query"}]
        });
        let apollo = Manifest::parse(&apollo.to_string()).unwrap();
        assert_eq!(apollo.len(), 1);
        assert_eq!(apollo.get(&hash).as_deref(), Some(query));
    }

    #[test]
    fn a_hash_that_is_not_its_query_s_is_refused() {
        let wrong = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{"id": "0".repeat(64), "body": "{ x }", "name": "X", "type": "query"}]
        });
        let err = Manifest::parse(&wrong.to_string()).unwrap_err();
        assert!(err.contains("operation X has id 000"), "{err}");
        assert!(Manifest::parse("[1, 2]").is_err());
    }
}
