//! `JWT_JWKS_CACHE`: the last key set fetched from the identity provider,
//! kept on disk so that a replica restarted while the provider is down
//! still verifies tokens.
//!
//! The file holds the provider's JWKS document as fetched (public keys
//! only, nothing secret). It is replaced atomically (a temporary file in
//! the same directory, then a rename), so a crash mid-write never leaves
//! a torn document for the next start.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

/// Where the key set is cached.
#[derive(Clone, Debug)]
pub(crate) struct JwksCache {
    path: PathBuf,
}

impl JwksCache {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    /// The cached document, if the file exists and can be read (the
    /// caller parses it).
    pub(crate) fn load(&self) -> Option<Vec<u8>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Some(bytes),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => {
                tracing::warn!(file = %self.path.display(), %err, "cannot read JWT_JWKS_CACHE");
                None
            }
        }
    }

    /// The file, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the cached document with `document` (already parsed and
    /// found usable). A failure is logged: the keys in memory still serve.
    pub(crate) fn store(&self, document: &[u8]) {
        if let Err(err) = self.write_atomically(document) {
            tracing::warn!(file = %self.path.display(), %err, "cannot write JWT_JWKS_CACHE");
        }
    }

    fn write_atomically(&self, document: &[u8]) -> std::io::Result<()> {
        let directory = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "jwks".to_owned());
        let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(document)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const JWKS: &str = include_str!("../../../../tests/fixtures/jwks.json");

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("toasoan-jwks-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("jwks.json")
    }

    #[test]
    fn stores_and_loads_a_document() {
        let path = scratch("round-trip");
        let _ = std::fs::remove_file(&path);
        let cache = JwksCache::new(&path);
        assert!(cache.load().is_none(), "no file yet");
        cache.store(JWKS.as_bytes());
        assert_eq!(cache.load().unwrap(), JWKS.as_bytes());
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left");
    }
}
